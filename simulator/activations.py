"""Activation functions, each with its derivative beside it.

Every activation maps pre-activations ``z`` of shape (n_samples, n_neurons)
to activations ``a`` of the same shape, and turns ``dL/da`` into ``dL/dz`` in
``backward``. Element-wise activations also expose ``derivative(z, a)``, the
slope da/dz, which the inspector plots. ``check_size`` says why a layer of a
given size cannot use an activation (softmax over one neuron).
"""

import numpy as np

from .errors import SimulatorError
from .numpy_calls import operand

LEAKY_SLOPE = 0.01


class Activation:
    """An element-wise activation: value and slope, side by side.

    Parameters
    ----------
    name : str
        The name used in files and menus.
    value : callable
        ``value(z, out=None) -> a``, writing into ``out`` when given.
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

    @staticmethod
    def check_size(size):
        """Why a layer of ``size`` neurons cannot use this activation: never, so None."""
        return None

    def __repr__(self):
        return f"Activation({self.name!r})"


def _step(z, out=None):
    return np.greater_equal(z, 0.0, out=_out(z, out))


def _step_slope(z, a):
    # The step is flat everywhere except at 0, where it has no derivative at
    # all. Gradient descent sees a slope of 0, which is exactly the lesson:
    # a network of step units gets no gradient and cannot learn by backprop.
    return np.zeros_like(z)


def _out(z, out):
    """Where to write a result: ``out`` if given, else a new array like z.

    Every ``value(z, out=None)`` can write into a buffer so the training loop
    reuses its memory; called without ``out`` it returns a new array.
    """
    return np.empty_like(z) if out is None else out


def _linear(z, out=None):
    if out is None:
        return z.copy()
    out[...] = z
    return out


# The backward passes of the common activations, written out: grad_a * slope
# with the slope's very operations (so the same bits), one temporary and one
# Python call fewer than Activation.backward. Multiplication commutes exactly.
# In place through the ufunc with the output by position: `d *= g` passes it
# as a keyword, which costs half as much again on a small array.
# The 1 and the halves enter as numpy_calls.operand: the 0-d array of the working
# precision NumPy would make of a Python float on every call, made once.


def _tanh_backward(z, a, grad_a):
    d = a * a
    np.subtract(operand(1.0, d.dtype), d, d)
    return np.multiply(d, grad_a, d)


def _sigmoid_backward(z, a, grad_a):
    d = np.subtract(operand(1.0, a.dtype), a)
    np.multiply(d, a, d)
    return np.multiply(d, grad_a, d)


def _relu_backward(z, a, grad_a):
    # bools count as exactly 0.0 and 1.0, as (z > 0).astype(...) gives
    return np.multiply(grad_a, z > 0)


def _linear_backward(z, a, grad_a):
    return grad_a


def _sigmoid(z, out=None):
    # tanh form: never overflows, unlike 1 / (1 + exp(-z)) for very negative z
    a = _out(z, out)
    np.multiply(z, operand(0.5, z.dtype), out=a)
    half = operand(0.5, a.dtype)
    np.tanh(a, out=a)
    np.multiply(a, half, a)  # not a *= half: see _tanh_backward's comment
    return np.add(a, half, a)


def _sigmoid_slope(z, a):
    return a * (1.0 - a)


def _tanh_slope(z, a):
    return 1.0 - a * a


def _relu(z, out=None):
    return np.maximum(z, 0.0, out=_out(z, out))


def _relu_slope(z, a):
    # The slope at exactly 0 is taken as 0 (the usual convention).
    return (z > 0).astype(z.dtype)


def _leaky_relu(z, out=None):
    # max(z, slope z) is the leaky ReLU for any slope below 1
    a = np.multiply(z, LEAKY_SLOPE, out=_out(z, out))
    return np.maximum(a, z, out=a)


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
    def value(z, out=None):
        e = np.subtract(z, z.max(axis=1, keepdims=True), out=_out(z, out))
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

    @staticmethod
    def check_size(size):
        """Why softmax cannot run over ``size`` neurons, or None if it can."""
        if size < 2:
            # exp(z) / exp(z) is 1 whatever z is: no gradient, nothing to learn
            return ("softmax over a single neuron always outputs 1, whatever its input, so it cannot "
                    "learn anything: give the output layer one neuron per class (at least 2), or use a "
                    "sigmoid output for two classes")
        return None


ACTIVATIONS = {
    "step": Activation(
        "step", _step, _step_slope,
        "1 if z >= 0, else 0. Its slope is 0 everywhere (undefined at 0), so gradient descent cannot train it."),
    "linear": Activation(
        "linear", _linear, lambda z, a: np.ones_like(z),
        "Passes z through unchanged; slope 1."),
    "sigmoid": Activation(
        "sigmoid", _sigmoid, _sigmoid_slope,
        "Squashes z into (0, 1). Saturates: far from 0 its slope is almost 0."),
    "tanh": Activation(
        "tanh", np.tanh, _tanh_slope,  # np.tanh(z, out=None) allocates when out is None, like the others
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
ACTIVATIONS["tanh"].backward = _tanh_backward
ACTIVATIONS["sigmoid"].backward = _sigmoid_backward
ACTIVATIONS["relu"].backward = _relu_backward

ACTIVATION_NAMES = tuple(ACTIVATIONS)


def check_size(name, size):
    """Why a layer of ``size`` neurons cannot use the activation ``name``.

    Parameters
    ----------
    name : str
        An activation name (unknown names raise SimulatorError).
    size : int
        The number of neurons of the layer.

    Returns
    -------
    str or None
        The reason, written for a learner, or None if the pair is fine.
    """
    return get_activation(name).check_size(size)


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
