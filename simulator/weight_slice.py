"""The loss along one weight: the maths of the Derivative view.

Slide one weight w while every other parameter stays where it is, and the
loss over the training set traces a curve L(w). Its slope at the current w is
the derivative dL/dw that backpropagation computes; a central finite
difference ``(L(w + h) - L(w - h)) / 2h`` measures the same slope without any
calculus, and the two agree. The view draws the curve, the tangent whose
slope is the backprop gradient, and both numbers.

The loss here is the data loss (the Loss tab's training loss), without the
L1/L2 penalty, which the optimiser adds on its own.
"""

from dataclasses import dataclass

import numpy as np

from .backprop import Pass


@dataclass(frozen=True)
class WeightSlice:
    """The loss along the weight of ``edge``.

    Attributes
    ----------
    edge : ((int, int), (int, int))
        ``(src, dst)`` neurons as ``(layer, index)``.
    w, loss : float
        The weight now and the loss there.
    gradient : float
        dL/dw from one backpropagation pass over the whole training set.
    finite_difference : float
        ``(L(w + h) - L(w - h)) / 2h``.
    h : float
    ws, losses : ndarray of shape (k,)
        The curve: weights from ``w - span`` to ``w + span`` and the loss at each.
    """

    edge: tuple
    w: float
    loss: float
    gradient: float
    finite_difference: float
    h: float
    ws: np.ndarray
    losses: np.ndarray


def step_size(w):
    """The finite difference's h: small against w, large against rounding (error about h² and 1e-16/h)."""
    return 1e-5 * max(1.0, abs(float(w)))


def loss_and_gradient(network, X, y, loss, edge):
    """``(L, dL/dw)`` of the weight on ``edge`` over the data, by backpropagation."""
    (si, sn), (di, dn) = edge
    p = Pass(network, X, y, loss)
    p.forward()
    value = p.compute_loss()
    for k in range(network.n_layers - 1, 0, -1):
        p.backward_layer(k)
    return float(value), float(p.grad_w[(si, di)][sn, dn])


def losses_along(network, X, y, loss, edge, values):
    """The loss with the weight on ``edge`` set to each of ``values``, everything else as it is.

    Works on ``network`` and puts the weight back afterwards.
    """
    (si, sn), (di, dn) = edge
    weights = network.parameters().weights[(si, di)]
    old = weights[sn, dn]
    out = np.empty(len(values))
    p = None
    try:
        for k, v in enumerate(values):
            weights[sn, dn] = v
            p = Pass(network, X, y, loss) if p is None else p.reset(X, y)
            p.forward()
            out[k] = p.compute_loss()
    finally:
        weights[sn, dn] = old
    return out


def weight_slice(network, X, y, loss, edge, span=1.0, n=81):
    """The loss along the weight on ``edge``: the curve, the gradient and the finite difference.

    Parameters
    ----------
    network : Network
        Not changed (a weight is moved and put back).
    X : ndarray of shape (n_samples, s_0)
    y : ndarray of shape (n_samples, s_out)
    loss : Loss
    edge : ((int, int), (int, int))
        An edge that exists.
    span : float
        The curve runs over ``w ± span``.
    n : int
        Points on the curve.
    """
    (si, sn), (di, dn) = edge
    block = network.blocks.get((si, di))
    if block is None or not block.mask[sn, dn]:
        raise ValueError(f"there is no edge {edge}")
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w = float(network.parameters().weights[(si, di)][sn, dn])
    value, gradient = loss_and_gradient(network, X, y, loss, edge)
    h = step_size(w)
    up, down = losses_along(network, X, y, loss, edge, [w + h, w - h])
    ws = np.linspace(w - span, w + span, n)
    return WeightSlice(edge, w, value, gradient, float((up - down) / (2 * h)), h, ws,
                       losses_along(network, X, y, loss, edge, ws))
