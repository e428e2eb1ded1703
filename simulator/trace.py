"""One example through backpropagation, without training: what Trace shows on the canvas."""

from dataclasses import dataclass

import numpy as np

from .backprop import QUIET, Pass


@dataclass(frozen=True)
class Trace:
    """Everything backpropagation computes for one example.

    ``z``, ``a``, ``delta`` and ``grad_a`` are lists with one array of shape
    (s_k,) per layer (None where a value does not exist, e.g. z of the
    inputs); ``grad_w`` maps each block (i, j) to dL/dw of shape (s_i, s_j).
    """

    x: np.ndarray
    y: np.ndarray
    loss: float
    z: list
    a: list
    delta: list
    grad_a: list
    grad_w: dict
    grad_b: list


def trace_example(network, X, y, loss, rule="backprop"):
    """Every z, a, delta, dL/da and dL/dw for one example, without updating anything.

    Parameters
    ----------
    network : Network
    X : ndarray of shape (1, n_inputs)
    y : ndarray of shape (1, n_outputs)
    loss : Loss
    rule : {"backprop", "perceptron"}
    """
    p = Pass(network, X, y, loss, rule)
    with np.errstate(**QUIET):
        p.forward()
        value = p.compute_loss()
        for k in range(network.n_layers - 1, 0, -1):
            p.backward_layer(k)
        grad_a = p.all_grad_a()
    row = lambda arrays: [None if v is None else v[0].copy() for v in arrays]
    return Trace(x=X[0].copy(), y=y[0].copy(), loss=value, z=row(p.z), a=row(p.a), delta=row(p.delta),
                 grad_a=row(grad_a), grad_w={k: g.copy() for k, g in p.grad_w.items()},
                 grad_b=[None if g is None else g.copy() for g in p.grad_b])
