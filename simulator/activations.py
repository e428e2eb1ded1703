"""Activation functions, each with its derivative beside it.

Every activation maps pre-activations ``z`` of shape (n_samples, n_neurons)
to activations ``a`` of the same shape, and turns ``dL/da`` into ``dL/dz`` in
``backward``. Element-wise activations also expose ``derivative(z, a)``, the
slope da/dz, which the inspector plots.
"""

import numpy as np

from .errors import SimulatorError

LEAKY_SLOPE = 0.01


class Activation:
    """An element-wise activation: value and slope, side by side.

    Parameters
    ----------
    name : str
        The name used in files and menus.
    value : callable
        ``value(z) -> a``.
    derivative : callable
        ``derivative(z, a) -> da/dz``; may use either argument.
    description : str
        One sentence shown to a learner.
    """

    elementwise = True

    def __init__(self, name, value, derivative, description):
        self.name = name
        self.value = value
        self.derivative = derivative
        self.description = description

    def backward(self, z, a, grad_a):
        """Chain rule through the activation: dL/dz = dL/da * da/dz."""
        return grad_a * self.derivative(z, a)

    def __repr__(self):
        return f"Activation({self.name!r})"


def _step(z):
    return (z >= 0).astype(z.dtype)


def _step_slope(z, a):
    # The step is flat everywhere except at 0, where it has no derivative at
    # all. Gradient descent sees a slope of 0, which is exactly the lesson:
    # a network of step units gets no gradient and cannot learn by backprop.
    return np.zeros_like(z)


def _linear_backward(z, a, grad_a):
    return grad_a


def _sigmoid(z):
    # tanh form: never overflows, unlike 1 / (1 + exp(-z)) for very negative z
    a = np.multiply(z, 0.5)
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def _sigmoid_slope(z, a):
    return a * (1.0 - a)


def _tanh_slope(z, a):
    return 1.0 - a * a


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_slope(z, a):
    # The slope at exactly 0 is taken as 0 (the usual convention).
    return (z > 0).astype(z.dtype)


def _leaky_relu(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_slope(z, a):
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


class Softmax:
    """Softmax over the neurons of a layer: a probability per class.

    Not element-wise: each output depends on every input of its row, so
    ``backward`` multiplies by the Jacobian row by row rather than by a slope.
    """

    name = "softmax"
    elementwise = False
    description = "Turns a layer's values into probabilities that sum to 1 (for the output layer of a classifier)."

    @staticmethod
    def value(z):
        e = z - z.max(axis=1, keepdims=True)
        np.exp(e, out=e)
        e /= e.sum(axis=1, keepdims=True)
        return e

    @staticmethod
    def backward(z, a, grad_a):
        """dL/dz_i = a_i * (dL/da_i - sum_j dL/da_j a_j), row by row."""
        return a * (grad_a - (grad_a * a).sum(axis=1, keepdims=True))

    @staticmethod
    def derivative(z, a):
        """Diagonal of the Jacobian, da_i/dz_i = a_i (1 - a_i), for plotting only."""
        return a * (1.0 - a)

    def __repr__(self):
        return "Activation('softmax')"


ACTIVATIONS = {
    "step": Activation(
        "step", _step, _step_slope,
        "1 if z >= 0, else 0. Its slope is 0 everywhere (undefined at 0), so gradient descent cannot train it."),
    "linear": Activation(
        "linear", lambda z: z, lambda z, a: np.ones_like(z),
        "Passes z through unchanged; slope 1."),
    "sigmoid": Activation(
        "sigmoid", _sigmoid, _sigmoid_slope,
        "Squashes z into (0, 1). Saturates: far from 0 its slope is almost 0."),
    "tanh": Activation(
        "tanh", np.tanh, _tanh_slope,
        "Squashes z into (-1, 1), centred on 0. Saturates like the sigmoid."),
    "relu": Activation(
        "relu", _relu, _relu_slope,
        "max(0, z): passes gradient unchanged where z > 0 and none where z < 0."),
    "leaky_relu": Activation(
        "leaky_relu", _leaky_relu, _leaky_relu_slope,
        f"z if z > 0, else {LEAKY_SLOPE} z: like ReLU, but never fully silent."),
    "softmax": Softmax(),
}
ACTIVATIONS["linear"].backward = _linear_backward

ACTIVATION_NAMES = tuple(ACTIVATIONS)


def get_activation(name):
    """Return the activation called ``name``.

    Raises
    ------
    SimulatorError
        If no activation has that name.
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        known = ", ".join(ACTIVATION_NAMES)
        raise SimulatorError(f"unknown activation {name!r} (known: {known})") from None
