"""Training settings: plain values a project file stores and the UI edits."""

from dataclasses import asdict, dataclass, fields

from .backprop import RULES
from .errors import SimulatorError
from .limits import MAX_BATCH_SIZE, MAX_SEED, MAX_TEST_EVERY
from .losses import LOSS_NAMES
from .optimizers import OPTIMIZER_NAMES

PRECISIONS = ("float64", "float32")


@dataclass
class TrainingSettings:
    """How to train.

    Attributes
    ----------
    loss : str
        A name from ``losses.LOSS_NAMES``.
    optimizer : str
        ``sgd``, ``momentum`` or ``adam``.
    learning_rate, momentum, beta1, beta2, epsilon : float
        Optimiser settings (momentum for ``momentum``; betas, epsilon for
        ``adam``). The learning rate and epsilon must be greater than 0.
    l1, l2 : float
        Regularisation of the weights.
    batch_size : int
        Samples per step; 0 means the whole training set (full batch), 1 one sample.
    shuffle : bool
        Reshuffle the training set every epoch (mini-batch and one-sample steps).
    seed : int
        Seeds the shuffling; 0 to ``datasets.MAX_SEED`` (2^31 - 1).
    rule : str
        ``backprop`` (gradient descent) or ``perceptron`` (the classic rule for
        step units: it uses the learning rate only, never the optimiser or
        L1/L2, and trains only the output layer's weights).
    test_every : int
        Evaluate the test set every this many steps (1: every step).
    precision : str
        ``float64`` (exact; the default) or ``float32`` (about twice as fast
        on big networks, with about 7 significant digits). The network's
        weights are stored in the precision it last trained in.
    """

    loss: str = "binary_cross_entropy"
    optimizer: str = "sgd"
    learning_rate: float = 0.5
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    l1: float = 0.0
    l2: float = 0.0
    batch_size: int = 0
    shuffle: bool = True
    seed: int = 0
    rule: str = "backprop"
    test_every: int = 1
    precision: str = "float64"

    def validate(self):
        """Raise SimulatorError about the first bad setting; its ``field`` is the setting's name."""
        if self.loss not in LOSS_NAMES:
            raise SimulatorError(f"unknown loss {self.loss!r} (known: {', '.join(LOSS_NAMES)})", "loss")
        if self.optimizer not in OPTIMIZER_NAMES:
            raise SimulatorError(f"unknown optimizer {self.optimizer!r} "
                                 f"(known: {', '.join(OPTIMIZER_NAMES)})", "optimizer")
        if self.rule not in RULES:
            raise SimulatorError(f"unknown training rule {self.rule!r} (known: {', '.join(RULES)})", "rule")
        for name in ("learning_rate", "momentum", "beta1", "beta2", "epsilon", "l1", "l2"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
                    or value in (float("inf"), float("-inf")):
                raise SimulatorError(f"must be a finite number, not {value!r}", name)
            if value < 0:
                raise SimulatorError(f"must not be negative, not {value!r}", name)
        if self.learning_rate == 0:
            raise SimulatorError("must be greater than 0", "learning_rate")
        if self.epsilon == 0:
            # checked whatever the optimiser, so switching to Adam never meets a 0 here
            raise SimulatorError("must be greater than 0 (1e-8 is usual): Adam divides by "
                                 "sqrt(v) + epsilon, and a weight whose gradient has always been 0, such as "
                                 "a removed edge, would get 0 / 0", "epsilon")
        for name in ("momentum", "beta1", "beta2"):
            if getattr(self, name) >= 1:
                raise SimulatorError(f"must be below 1, not {getattr(self, name)!r}", name)
        for name, lo, hi in (("batch_size", 0, MAX_BATCH_SIZE), ("seed", 0, MAX_SEED),
                             ("test_every", 1, MAX_TEST_EVERY)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise SimulatorError(f"must be a whole number from {lo} to {hi}, not {value!r}", name)
        if self.precision not in PRECISIONS:
            raise SimulatorError(f"must be one of {', '.join(PRECISIONS)}, not {self.precision!r}", "precision")
        if not isinstance(self.shuffle, bool):
            raise SimulatorError(f"must be true or false, not {self.shuffle!r}", "shuffle")
        return self

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        """Build from a dict, refusing unknown keys; missing keys take defaults."""
        if not isinstance(data, dict):
            raise SimulatorError(f"must be an object of settings, not {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise SimulatorError("unknown setting", key)
        return cls(**data).validate()

    def optimizer_settings(self):
        """The keyword arguments for ``optimizers.make_optimizer``."""
        base = {"learning_rate": self.learning_rate, "l1": self.l1, "l2": self.l2}
        if self.optimizer == "momentum":
            base["momentum"] = self.momentum
        elif self.optimizer == "adam":
            base.update(beta1=self.beta1, beta2=self.beta2, epsilon=self.epsilon)
        return base
