"""Loss functions, each with its gradient beside it.

A loss compares the output layer's activations ``a`` with the targets ``y``
(both of shape (n_samples, n_outputs)) and returns one number. L1, L2, Huber
and binary cross-entropy average over every output value; categorical
cross-entropy averages over samples (it already sums over classes).

``grad_z`` returns dL/dz for the output layer directly. For cross-entropy this
is the famous ``(a - y) / n``: computing it from the logits ``z`` is both exact
and stable, where going through dL/da would divide by a probability near 0.
"""

import numpy as np

from .errors import SimulatorError


class Loss:
    """Base class. Subclasses define ``value`` and ``grad_a``."""

    name = ""
    label = ""
    description = ""
    # Output activations this loss accepts; None means any.
    requires = None

    def check(self, activation_name):
        """Raise SimulatorError if this loss cannot be used on that output activation."""
        if self.requires is not None and activation_name not in self.requires:
            raise SimulatorError(
                f"{self.label} needs a {' or '.join(self.requires)} output layer, but the output layer "
                f"uses {activation_name}: cross-entropy compares probabilities, so the outputs must be "
                f"probabilities")

    def value(self, a, y, z):
        """The loss, a Python float."""
        raise NotImplementedError

    def grad_a(self, a, y, z):
        """dL/da, shape (n_samples, n_outputs)."""
        raise NotImplementedError

    def grad_z(self, a, y, z, activation):
        """dL/dz for the output layer, shape (n_samples, n_outputs)."""
        return activation.backward(z, a, self.grad_a(a, y, z))


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
        d = a - y
        return float(np.vdot(d, d)) / d.size

    def grad_a(self, a, y, z):
        d = a - y
        d *= 2.0 / d.size
        return d


class HuberLoss(Loss):
    name = "huber"
    label = "Huber"
    description = "Squared for small errors, absolute for large ones (threshold 1)."
    delta = 1.0

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

    def value(self, a, y, z):
        # log(1 + e^z) - y z; logaddexp never overflows
        t = np.logaddexp(0.0, z)
        t -= z * y
        # sum / size rather than mean(): mean's Python wrapper costs more than
        # the arithmetic on a small batch
        return float(np.add.reduce(t, axis=None)) / t.size

    def grad_a(self, a, y, z):
        eps = 1e-12
        return (a - y) / np.clip(a * (1.0 - a), eps, None) / a.size

    def grad_z(self, a, y, z, activation):
        d = a - y
        d *= 1.0 / d.size
        return d


class CategoricalCrossEntropy(Loss):
    name = "categorical_cross_entropy"
    label = "categorical cross-entropy"
    description = "-sum y log a over classes, for softmax outputs; computed from the logits with log-sum-exp."
    # Targets are one-hot (each row sums to 1): grad_z = (a - y) / n relies on it.
    requires = ("softmax",)

    def value(self, a, y, z):
        p = (a * y).sum(axis=1)  # the probability given to the true class
        if p.min() > 1e-300:
            # log(softmax) is exact enough while no probability underflows,
            # and half the work of log-sum-exp
            return -float(np.log(p).sum()) / p.size
        m = z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(z - m).sum(axis=1)) + m[:, 0]
        return float((lse - (y * z).sum(axis=1)).mean())

    def grad_a(self, a, y, z):
        return -y / np.clip(a, 1e-12, None) / a.shape[0]

    def grad_z(self, a, y, z, activation):
        d = a - y
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
