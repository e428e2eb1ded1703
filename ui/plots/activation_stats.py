"""What the activation histograms count: dead ReLUs, saturated units, shares per bin.

Plain NumPy (no Qt), so the counting is tested on its own.
"""

import numpy as np

from simulator.backprop import forward
from simulator.network import Network

SATURATION_MARGIN = 0.05
"""A sigmoid or tanh value within this fraction of its range from a rail is saturated:
there the slope is under a tenth of its peak (sigmoid a > 0.975: slope < 0.025 of 0.25)."""
SATURATED_SHARE = 0.9
"""A unit counts as saturated when it sits near a rail for at least this share of the inputs."""
RAILS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
DEAD_KINDS = ("relu", "leaky_relu")


def dead_units(activation, a):
    """Which units are dead: ReLU-like units never positive over any of the inputs.

    Parameters
    ----------
    activation : str
    a : ndarray of shape (n_inputs, n_units)

    Returns
    -------
    ndarray of bool, shape (n_units,)
        All False for other activations or when there are no inputs.
    """
    if activation not in DEAD_KINDS or a.shape[0] == 0:
        return np.zeros(a.shape[1], dtype=bool)
    with np.errstate(invalid="ignore"):
        return ~(a > 0.0).any(axis=0)


def saturated_units(activation, a):
    """Which sigmoid or tanh units sit near a rail for most inputs (see SATURATED_SHARE).

    Returns
    -------
    ndarray of bool, shape (n_units,)
        All False for other activations or when there are no inputs.
    """
    rails = RAILS.get(activation)
    if rails is None or a.shape[0] == 0:
        return np.zeros(a.shape[1], dtype=bool)
    lo, hi = rails
    margin = SATURATION_MARGIN * (hi - lo)
    with np.errstate(invalid="ignore"):
        near = (a < lo + margin) | (a > hi - margin)
    return near.mean(axis=0) >= SATURATED_SHARE


def histogram(a, edges):
    """Share of all (input, unit) values falling in each bin; values outside go to the end bins.

    NaN values are left out of the counts but not of the total, so a layer of
    NaN shows an empty histogram.
    """
    values = a.ravel()
    total = values.size
    bins = len(edges) - 1
    if total == 0:
        return np.zeros(bins)
    if not np.isfinite(values.sum()):  # rare: only then pay for picking out the finite values
        values = values[np.isfinite(values)]
    scaled = (values - values.dtype.type(edges[0])) * values.dtype.type(bins / (edges[-1] - edges[0]))
    np.clip(scaled, 0, bins - 1, out=scaled)
    return np.bincount(scaled.astype(np.intp), minlength=bins) / total


def activations_over(snapshot, X):
    """Every layer's activations for inputs X with the snapshot's weights, by the core's forward pass.

    Used where the snapshot carries no grid (networks of more than two inputs).

    Returns
    -------
    list of ndarray
        ``a[k]`` of shape (len(X), s_k), inputs first.
    """
    network = Network(snapshot.sizes, list(snapshot.activations), connect=False)
    for (i, j), weights in snapshot.weights.items():
        network.connect_layers(i, j)
        block = network.blocks[(i, j)]
        block.weights[...] = weights
        block.mask[...] = snapshot.masks[(i, j)]
    for layer, bias in zip(network.layers, snapshot.biases):
        layer.bias[...] = bias
    _, a = forward(network, X)
    return a
