"""Optimisers: SGD, SGD with momentum, Adam; L1 and L2 regularisation.

An optimiser updates a list of parameter arrays in place from their
gradients. Its settings are plain attributes: change the learning rate (or
anything else) between two steps and the next step uses it, with the
optimiser's memory (velocities, moments) kept. The memory is dropped only
when the parameters change shape, which happens when the network is edited.
"""

import math

import numpy as np

from .errors import SimulatorError
from .numpy_calls import operand

# The updates work in place through the ufuncs with the output by position,
# not with `p -= d`: the operator passes it as a keyword, which costs half as
# much again on a lesson-sized network. Settings enter as numpy_calls.operand.


class Optimizer:
    """Base class.

    Parameters
    ----------
    learning_rate : float
    l1, l2 : float
        Regularisation strengths. They add ``l1 * sign(w) + l2 * w`` to the
        gradient of every weight (never to biases).
    """

    name = ""

    def __init__(self, learning_rate=0.1, l1=0.0, l2=0.0, **settings):
        self.learning_rate = learning_rate
        self.l1 = l1
        self.l2 = l2
        for key, value in settings.items():
            if not hasattr(self, key):
                raise SimulatorError(f"optimizer {self.name!r} has no setting {key!r}")
            setattr(self, key, value)
        self.reset()

    def reset(self):
        """Forget velocities and moments."""
        self._shapes = None
        self._params = None
        self.t = 0

    def prepare(self, params):
        """Size the optimiser's memory for ``params`` (list of ndarray); kept
        when the shapes are those it already holds, zeroed otherwise."""
        if params is self._params:
            return  # the same list of arrays as last step (the network's training plan)
        self._params = params
        shapes = [p.shape for p in params]
        if shapes != self._shapes:
            self._shapes = shapes
            self.t = 0
            self._init_state(params)

    def holds(self, params):
        """Whether the memory (velocities, moments, ``t``) belongs to these very arrays."""
        return params is self._params

    def _init_state(self, params):
        pass

    def _regularise(self, params, grads, is_weight, masks):
        if not (self.l1 or self.l2):
            return grads
        out = []
        for p, g, w, m in zip(params, grads, is_weight, masks):
            if w:
                reg = self.l2 * p if self.l2 else np.zeros_like(p)
                if self.l1:
                    reg += self.l1 * np.sign(p)
                if m is not None:
                    reg *= m
                g = g + reg
            out.append(g)
        return out

    def update(self, params, grads, is_weight=None, masks=None):
        """Update ``params`` in place.

        Parameters
        ----------
        params, grads : list of ndarray
            Matching shapes. ``grads`` are left unchanged.
        is_weight : list of bool, optional
            Which arrays are weights (regularised); default all.
        masks : list of (ndarray or None), optional
            Where regularisation applies (1/True) within each array: removed
            edges and biases stored among the weights get none, so removed
            edges stay at exactly 0.
        """
        if params is not self._params:
            self.prepare(params)
        self.t += 1
        if self.l1 or self.l2:
            if is_weight is None:
                is_weight = [True] * len(params)
            if masks is None:
                masks = [None] * len(params)
            grads = self._regularise(params, grads, is_weight, masks)
        self._apply(params, grads)

    def settings(self):
        """The settings as a dict (what the project file stores)."""
        return {"learning_rate": self.learning_rate, "l1": self.l1, "l2": self.l2}


class SGD(Optimizer):
    name = "sgd"

    def _apply(self, params, grads):
        lr = self.learning_rate
        for p, g in zip(params, grads):
            # p -= lr * g; not g *= lr: the gradients stay on show after the update
            np.subtract(p, np.multiply(operand(lr, g.dtype), g), p)


class Momentum(Optimizer):
    name = "momentum"
    momentum = 0.9

    def _init_state(self, params):
        self.velocity = [np.zeros_like(p) for p in params]

    def _apply(self, params, grads):
        lr, mu = self.learning_rate, self.momentum
        for p, g, v in zip(params, grads, self.velocity):
            np.multiply(v, operand(mu, v.dtype), v)                   # v *= mu
            np.subtract(v, np.multiply(operand(lr, g.dtype), g), v)  # v -= lr * g
            np.add(p, v, p)                                           # p += v

    def settings(self):
        return {**super().settings(), "momentum": self.momentum}


class Adam(Optimizer):
    """Adam as in Kingma and Ba's Algorithm 1, and as PyTorch implements it.

    With gradient g at step t (counting from 1)::

        m = beta1 m + (1 - beta1) g            v = beta2 v + (1 - beta2) g^2
        m_hat = m / (1 - beta1^t)              v_hat = v / (1 - beta2^t)
        w -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    ``epsilon`` must be greater than 0 (``TrainingSettings.validate`` says
    so): a weight whose gradient has always been 0, such as a removed edge,
    has m = v = 0 and would otherwise be updated by 0 / 0.
    """

    name = "adam"
    beta1 = 0.9
    beta2 = 0.999
    epsilon = 1e-8

    def _init_state(self, params):
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def _apply(self, params, grads):
        b1, b2 = self.beta1, self.beta2
        # the bias corrections as PyTorch applies them: m_hat's folded into the
        # step size, v_hat's by dividing sqrt(v), so epsilon is added to sqrt(v_hat)
        step = self.learning_rate / (1.0 - b1 ** self.t)
        # math.sqrt rounds as np.sqrt does (both correctly), without making a NumPy scalar
        root_correction = math.sqrt(1.0 - b2 ** self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            c_b1, c_1b1, c_b2, c_1b2, c_eps = self._constants(p.dtype)
            np.multiply(m, c_b1, m)            # m = beta1 m + (1 - beta1) g
            np.add(m, c_1b1 * g, m)
            np.multiply(v, c_b2, v)            # v = beta2 v + (1 - beta2) g^2
            np.add(v, c_1b2 * (g * g), v)
            # in place, one temporary: the update is memory-bound on big networks
            d = np.sqrt(v)
            np.divide(d, root_correction, d)   # sqrt(v_hat) + epsilon
            np.add(d, c_eps, d)
            np.divide(m, d, d)
            np.multiply(d, step, d)
            np.subtract(p, d, p)

    def _constants(self, dtype):
        """beta1, 1 - beta1, beta2, 1 - beta2 and epsilon as 0-d arrays of ``dtype``.

        NumPy turns a Python float into exactly such an array on every call,
        which on a small network costs a third of each multiplication
        (numpy_calls.operand makes each once).
        """
        key = (self.beta1, self.beta2, self.epsilon, dtype)
        cached = self.__dict__.get("_cached_constants")  # one look-up a step, not five
        if cached is None or cached[0] != key:
            b1, b2 = float(self.beta1), float(self.beta2)
            values = tuple(operand(x, dtype) for x in (b1, 1.0 - b1, b2, 1.0 - b2, float(self.epsilon)))
            cached = self._cached_constants = (key, values)
        return cached[1]

    def settings(self):
        return {**super().settings(), "beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon}


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Adam)}
OPTIMIZER_NAMES = tuple(OPTIMIZERS)


def make_optimizer(name, **settings):
    """Build the optimiser called ``name`` with the given settings."""
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise SimulatorError(f"unknown optimizer {name!r} (known: {', '.join(OPTIMIZER_NAMES)})") from None
    return cls(**settings)
