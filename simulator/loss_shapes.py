"""Each loss, and its gradient, as a curve against the residual.

The residual of an example is ``r = prediction - target``. Plotting a loss
and its gradient over a range of residuals shows how hard an example pulls on
the fit: the L2 gradient grows with the residual, so an outlier pulls hardest;
the L1 gradient is the same for every error; Huber is L2 near 0 and L1
beyond its threshold. Everything here asks ``losses.py`` itself, one
residual per output value, so the curves are the very functions training uses.
"""

import numpy as np

from .activations import get_activation
from .losses import get_loss

REGRESSION_LOSSES = ("l2", "l1", "huber")
"""The losses shown for regression data, in the order they are drawn."""

CROSS_ENTROPY = "binary_cross_entropy"
CATEGORICAL = "categorical_cross_entropy"
"""Its residual is the true class's probability minus 1 (from -1 to 0): the one output value it asks to move."""
PROBABILITY_EDGE = 1e-6
"""How close to 0 and 1 a probability may come in the cross-entropy curve (its log is infinite at the ends)."""


def _as_output(name, residuals):
    """(a, y, z, activation) whose residual a - y is ``residuals``, for the loss ``name``.

    Regression losses see a linear output with target 0. Cross-entropy sees a
    sigmoid output: a negative residual is a class-1 example predicted too low,
    a positive one a class-0 example predicted too high.
    """
    r = np.asarray(residuals, dtype=float).reshape(-1, 1)
    if name == CATEGORICAL:
        # two classes, the first the true one: softmax(z, 0) gives it the probability 1 + r
        p = np.clip(1.0 + r, PROBABILITY_EDGE, 1.0 - PROBABILITY_EDGE)
        z = np.hstack([np.log(p) - np.log1p(-p), np.zeros_like(p)])
        softmax = get_activation("softmax")
        a = softmax.value(z)
        y = np.hstack([np.ones_like(p), np.zeros_like(p)])
        return a, y, z, softmax
    if name != CROSS_ENTROPY:
        return r.copy(), np.zeros_like(r), r.copy(), get_activation("linear")
    y = (r < 0).astype(float)
    a = np.clip(y + r, PROBABILITY_EDGE, 1.0 - PROBABILITY_EDGE)
    z = np.log(a) - np.log1p(-a)
    return a, y, z, get_activation("sigmoid")


def loss_shape(name, residuals):
    """The loss ``name`` and its gradient dL/dz at each residual, for one output value.

    Parameters
    ----------
    name : str
        A loss from ``losses.LOSS_NAMES``. For categorical cross-entropy the
        residual is the true class's probability minus 1, and the gradient is
        dL/dz of the true class's logit.
    residuals : array_like of shape (n,)

    Returns
    -------
    value, gradient : ndarray of shape (n,)
        The loss of one output value with that residual, and dL/dz of that
        output (dL/da for a linear output), as the trainer computes them.
    """
    loss = get_loss(name)
    a, y, z, activation = _as_output(name, residuals)
    n = a.shape[0]
    if not n:
        return np.zeros(0), np.zeros(0)
    # the losses average over output values: one value per call gives the
    # loss of that one example; the gradient is scaled back by n instead
    value = np.array([loss.value(a[i:i + 1], y[i:i + 1], z[i:i + 1]) for i in range(n)])
    gradient = loss.grad_z(a, y, z, activation)[:, 0] * n
    return value, gradient


def shown_losses(task):
    """The losses the loss-shape view draws for data of this task ("regression" or "classification")."""
    return REGRESSION_LOSSES + ((CROSS_ENTROPY,) if task == "classification" else ())


def residual_range(residuals, floor=1.0):
    """A symmetric range (-m, m) that holds every finite residual with a margin, at least (-floor, floor)."""
    r = np.asarray(residuals, dtype=float)
    r = np.abs(r[np.isfinite(r)])
    m = max(float(r.max()) * 1.15 if r.size else 0.0, floor)
    return -m, m
