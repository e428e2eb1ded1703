"""Loss functions, each with its gradient beside it, and the targets it accepts.

A loss compares the output layer's activations ``a`` with the targets ``y``
(both of shape (n_samples, n_outputs)) and returns one number, never
negative for targets it accepts. L1, L2, Huber and binary cross-entropy
average over every output value (n_samples * n_outputs of them); categorical
cross-entropy sums over the classes of a sample and averages over samples.

``grad_z`` returns dL/dz for the output layer directly. For cross-entropy this
is the famous ``(a - y) / n``: computing it from the logits ``z`` is both exact
and stable, where going through dL/da would divide by a probability near 0.

Each loss answers two questions without raising: ``check_output`` (can it
score this output layer?) and ``check_targets`` (are these targets something
it can compare with?). Both return the reason, or None.
"""

import numpy as np

from .activations import check_size
from .errors import SimulatorError
from .numpy_calls import operand, vdot

SUM_TOLERANCE = 1e-6
"""How far from 1 a row of categorical cross-entropy targets may sum (rounding in a CSV file)."""

_INSTEAD = "for targets like these choose the L2, L1 or Huber loss, with a linear output layer"


class Loss:
    """Base class. Subclasses define ``value`` and ``grad_a``.

    Attributes
    ----------
    requires : tuple of str or None
        The output activations this loss accepts; None means any.
    accepts : str
        The targets it accepts, in words (shown in messages and documentation).
    """

    name = ""
    label = ""
    description = ""
    requires = None
    accepts = "any finite numbers"

    def check_output(self, activation_name, n_outputs):
        """Why this loss cannot score an output layer like this one, or None if it can.

        Parameters
        ----------
        activation_name : str
            The output layer's activation.
        n_outputs : int
            The output layer's size.

        Returns
        -------
        str or None
            The reason, written for a learner, with what to change.
        """
        reason = check_size(activation_name, n_outputs)
        if reason is not None:
            return reason
        if self.requires is not None and activation_name not in self.requires:
            return (f"{self.label} needs a {' or '.join(self.requires)} output layer, but the output layer "
                    f"uses {activation_name}: cross-entropy compares probabilities, so the outputs must be "
                    f"probabilities")
        return None

    def check(self, activation_name, n_outputs=None):
        """Raise SimulatorError with ``check_output``'s reason, if there is one.

        ``n_outputs`` None skips the rules about the size of the output layer.
        """
        if n_outputs is None:
            n_outputs = 2 if activation_name == "softmax" else 1
        reason = self.check_output(activation_name, n_outputs)
        if reason is not None:
            raise SimulatorError(reason)

    def check_targets(self, y):
        """Why this loss cannot compare with the targets ``y``, or None if it can.

        Parameters
        ----------
        y : array_like of shape (n_samples, n_outputs)

        Returns
        -------
        str or None
            The reason, with what to change.
        """
        y = np.asarray(y, dtype=float)
        if y.size and not np.isfinite(y).all():
            return f"{self.label} needs {self.accepts} as targets, but some targets are NaN or infinite"
        return None

    def value(self, a, y, z):
        """The loss, a Python float."""
        raise NotImplementedError

    def grad_a(self, a, y, z):
        """dL/da, shape (n_samples, n_outputs)."""
        raise NotImplementedError

    def grad_z(self, a, y, z, activation):
        """dL/dz for the output layer, shape (n_samples, n_outputs)."""
        return activation.backward(z, a, self.grad_a(a, y, z))

    def value_and_grad_z(self, a, y, z, activation):
        """``(value(a, y, z), grad_z(a, y, z, activation))`` at once, as a training
        step needs them; a loss may share work between the two, never change it."""
        return self.value(a, y, z), self.grad_z(a, y, z, activation)


def _row(values):
    """A row of targets as a person reads it: [0.5, -0.2]."""
    shown = ", ".join(f"{v:.6g}" for v in values[:6])
    return f"[{shown}{', ...' if len(values) > 6 else ''}]"


class L1Loss(Loss):
    name = "l1"
    label = "L1 (mean absolute error)"
    description = "Mean of |a - y|. Each error pulls with the same force, so outliers matter little."

    def value(self, a, y, z):
        return float(np.abs(a - y).mean())

    def grad_a(self, a, y, z):
        return np.sign(a - y) / a.size


class L2Loss(Loss):
    name = "l2"
    label = "L2 (mean squared error)"
    description = "Mean of (a - y)^2. Big errors pull hardest, so the fit chases outliers."

    def value(self, a, y, z):
        return _mean_square(a - y)

    def grad_a(self, a, y, z):
        return _times_two_over_n(a - y)

    def value_and_grad_z(self, a, y, z, activation):
        d = a - y  # computed once for both
        value = _mean_square(d)
        return value, activation.backward(z, a, _times_two_over_n(d))


def _mean_square(d):
    return float(vdot(d, d)) / d.size


def _times_two_over_n(d):
    """d * (2 / d.size), in place: the constant made once (numpy_calls.operand), not every step."""
    return np.multiply(d, operand(2.0 / d.size, d.dtype), d)


class HuberLoss(Loss):
    name = "huber"
    label = "Huber"
    description = "Squared for small errors, absolute for large ones (threshold 1)."
    delta = 1.0  # 0.5 r^2 for |r| <= delta, delta (|r| - delta / 2) beyond

    def value(self, a, y, z):
        r = np.abs(a - y)
        quad = np.minimum(r, self.delta)
        return float((0.5 * quad * quad + self.delta * (r - quad)).mean())

    def grad_a(self, a, y, z):
        return np.clip(a - y, -self.delta, self.delta) / a.size


class BinaryCrossEntropy(Loss):
    name = "binary_cross_entropy"
    label = "binary cross-entropy"
    description = "-[y log a + (1-y) log(1-a)], for sigmoid outputs; computed from the logits."
    requires = ("sigmoid",)
    accepts = "numbers from 0 to 1 (probabilities)"

    def check_targets(self, y):
        reason = super().check_targets(y)
        if reason is not None or not np.size(y):
            return reason
        lo, hi = float(np.min(y)), float(np.max(y))
        if lo < 0.0 or hi > 1.0:
            return (f"binary cross-entropy needs every target between 0 and 1 (a probability), but these "
                    f"targets run from {lo:.3g} to {hi:.3g}: {_INSTEAD}")
        return None

    def value(self, a, y, z):
        # log(1 + e^z) - y z; logaddexp never overflows. For 0 <= y <= 1 each
        # term is >= 0 even after rounding: logaddexp(0, z) >= max(0, z) >= y z.
        t = np.logaddexp(operand(0.0, z.dtype), z)
        np.subtract(t, z * y, t)  # not t -= ...: see _times_two_over_n
        # sum / size rather than mean(): mean's Python wrapper costs more than
        # the arithmetic on a small batch
        return float(np.add.reduce(t, axis=None)) / t.size

    def grad_a(self, a, y, z):
        eps = 1e-12
        return (a - y) / np.clip(a * (1.0 - a), eps, None) / a.size

    def grad_z(self, a, y, z, activation):
        d = a - y
        return np.multiply(d, operand(1.0 / d.size, d.dtype), d)  # d * (1 / n): see _times_two_over_n


class CategoricalCrossEntropy(Loss):
    """-sum_j y_j log a_j per sample, averaged over samples; ``a`` is softmax(z).

    Targets are probability vectors: one-hot rows for classes, or soft labels
    such as [0.5, 0.5]. The value and both gradients are exact for any
    non-negative targets; ``check_targets`` refuses rows that do not sum to 1
    because the loss then no longer measures a distance between distributions
    (it can be made as small as one likes).
    """

    name = "categorical_cross_entropy"
    label = "categorical cross-entropy"
    description = "-sum y log a over classes, for softmax outputs; computed from the logits with log-sum-exp."
    requires = ("softmax",)
    accepts = "rows of probabilities (none negative, each row summing to 1; one-hot for classes)"

    def check_targets(self, y):
        reason = super().check_targets(y)
        if reason is not None or not np.size(y):
            return reason
        y = np.asarray(y, dtype=float).reshape(len(y), -1)
        if y.shape[1] == 1:
            # one column sums to 1 only if every target is 1: nothing to learn
            return ("categorical cross-entropy needs one target column per class (at least 2), but the data "
                    "has 1 target column: for two classes stored as 0 and 1 in one column choose binary "
                    "cross-entropy with a sigmoid output layer; for other values, the L2, L1 or Huber loss")
        what = ("categorical cross-entropy needs each row of targets to be probabilities (none negative, "
                "summing to 1; one-hot for classes)")
        negative = np.flatnonzero((y < 0).any(axis=1))
        if negative.size:
            return f"{what}, but the row {_row(y[negative[0]])} has a negative value: {_INSTEAD}"
        sums = y.sum(axis=1)
        off = np.flatnonzero(np.abs(sums - 1.0) > SUM_TOLERANCE)
        if off.size:
            return f"{what}, but the row {_row(y[off[0]])} sums to {sums[off[0]]:.6g}: {_INSTEAD}"
        return None

    def value(self, a, y, z):
        # Both ways below compute -sum_j y_j log a_j; every term is >= 0 even
        # after rounding (log a <= 0; lse >= max z), so the loss is never negative.
        if a.min() > 1e-300:
            # no probability underflowed: log(a) is exact enough, and much
            # cheaper than reductions along short rows
            return -float(np.vdot(y, np.log(a))) / y.shape[0]
        # -log a_j = lse - z_j, with lse = log sum_k exp(z_k) = max(z) - log(max(a)):
        # the largest probability is at least 1/k, so its log never underflows
        lse = z.max(axis=1) - np.log(a.max(axis=1))
        return float(np.vdot(y, lse[:, None] - z)) / y.shape[0]

    def grad_a(self, a, y, z):
        return -y / np.clip(a, 1e-12, None) / a.shape[0]

    def grad_z(self, a, y, z, activation):
        # d/dz of -sum_j y_j log softmax(z)_j is a * sum(y) - y: the famous
        # a - y when the row sums to 1 (exactly so for one-hot rows)
        # (row sums as a product: a reduction along short rows is slow)
        d = a * (y @ np.ones((y.shape[1], 1), dtype=y.dtype))
        d -= y
        d *= 1.0 / d.shape[0]
        return d


LOSSES = {cls.name: cls() for cls in (L1Loss, L2Loss, HuberLoss, BinaryCrossEntropy, CategoricalCrossEntropy)}
LOSS_NAMES = tuple(LOSSES)


def get_loss(name):
    """Return the loss called ``name``; raise SimulatorError if there is none."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise SimulatorError(f"unknown loss {name!r} (known: {', '.join(LOSS_NAMES)})") from None
