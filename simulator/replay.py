"""The network a snapshot shows, rebuilt so it can be evaluated at any inputs.

A Snapshot carries the weights, masks, biases and activations of the moment
it was taken (as float32). Views that need the output at the data points
(not only over the evaluation grid) rebuild that network here and run the
one forward pass (backprop.forward) on it.
"""

import numpy as np

from .backprop import forward
from .network import Block, Network


def network_from_snapshot(snapshot):
    """A float64 Network with the snapshot's layers, edges, weights and biases.

    Views that probe the network (the hidden space, the loss along one weight,
    the chain rule of one edge, the capacity count) work on this copy, never on
    the live network the trainer owns.
    """
    blocks = {}
    for key, weights in snapshot.weights.items():
        mask = np.array(snapshot.masks[key], dtype=bool)
        blocks[key] = Block(np.array(weights, dtype=float) * mask, mask)
    biases = [np.array(b, dtype=float) for b in snapshot.biases[1:]]
    return Network.from_arrays(list(snapshot.sizes), list(snapshot.activations), blocks, biases)


def snapshot_outputs(snapshot, X):
    """The output layer's activations at inputs ``X``, shape (n, n_outputs), for the snapshot's network."""
    _, a = forward(network_from_snapshot(snapshot), np.asarray(X, dtype=float), keep_z=False)
    return a[-1]
