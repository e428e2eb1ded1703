"""Compare: train two copies of a project that differ in one setting, side by side.

A is a deep copy of the project; B is another deep copy that differs only in
one field (the loss, the hidden layers' activation, the learning rate, the
optimiser, the batch size or a regularisation strength). Both start from the
same weights, at step 0, with a fresh optimiser and the same shuffling seed,
so with equal batch sizes they see the same batches in the same order. The
model's own rules decide whether B is allowed: a refused change raises
``SimulatorError`` with the model's reason.

``CompareRun.results()`` is a plain generator, like ``Trainer.snapshots``: it
trains both one step at a time and yields a frozen :class:`CompareResult` at
most every ``interval`` seconds. It knows nothing of threads.
"""

import copy
import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from .backprop import forward
from .datasets import default_grid
from .errors import SimulatorError
from .losses import LOSS_NAMES
from .network_rules import HIDDEN_ACTIVATIONS
from .optimizers import OPTIMIZER_NAMES
from .snapshot import frozen
from .trainer import Trainer

FIELDS = ("loss", "activation", "learning_rate", "optimizer", "batch_size", "l2", "l1")
"""What may differ between A and B: ``activation`` is every hidden layer's, the rest are training settings."""

WORDS = {"loss": "loss", "activation": "hidden activation", "learning_rate": "learning rate",
         "optimizer": "optimiser", "batch_size": "batch size", "l2": "L2 regularisation",
         "l1": "L1 regularisation"}
"""Each field in words, as the reasons name it."""

CHOICES = {"loss": LOSS_NAMES, "activation": HIDDEN_ACTIVATIONS, "optimizer": OPTIMIZER_NAMES}
"""The names a field chooses from; the other fields are numbers."""

INTERVAL = 1 / 30
"""Seconds between two results at most (about 30 a second)."""


@dataclass(frozen=True)
class Change:
    """What B changes: ``field`` (one of FIELDS) takes ``value``."""

    field: str
    value: object


# ---------------------------------------------------------------- the pair
def hidden_layers(network):
    """The indices of the hidden layers (none for a network without one)."""
    return range(1, network.output_layer)


def current_value(project, field):
    """A's value of ``field``. For ``activation``: the hidden layers' shared activation,
    the first hidden layer's if they differ, None without hidden layers."""
    _check_field(field)
    if field == "activation":
        names = [project.network.layers[k].activation for k in hidden_layers(project.network)]
        return names[0] if names else None
    return getattr(project.settings, field)


def check_change(project, change, fresh_weights=False):
    """Why B cannot be ``change`` applied to ``project``, or None. Changes nothing."""
    try:
        make_pair(project, change, fresh_weights)
    except SimulatorError as exc:
        return exc.reason
    return None


def make_pair(project, change, fresh_weights=False):
    """Two independent copies of ``project``: (A, B), B differing only in ``change``.

    Parameters
    ----------
    project : Project
        Left untouched.
    change : Change
    fresh_weights : bool
        Both start from fresh weights drawn from the settings' seed instead
        of the project's current weights.

    Raises
    ------
    SimulatorError
        With the model's reason if A cannot be trained or B is refused; its
        ``field`` is the change's field where the reason is about B.
    """
    _check_field(change.field)
    a = _copy(project)
    if fresh_weights:
        a.network.initialize("xavier", seed=a.settings.seed)
    problems = a.problems()
    if problems:
        raise SimulatorError(f"the project cannot be trained yet: {problems[0].reason}")
    b = _copy(a)
    field, value = change.field, change.value
    if field == "activation":
        layers = hidden_layers(b.network)
        if not layers:
            raise SimulatorError("the network has no hidden layer: add one to compare activations", field)
        for k in layers:
            reason = b.network.check_activation(k, value)
            if reason is not None:
                raise SimulatorError(reason, field)
            b.network.set_activation(k, value)
        differs = any(a.network.layers[k].activation != value for k in layers)
    else:
        try:
            b.settings = dataclasses.replace(b.settings, **{field: value}).validate()
        except SimulatorError as exc:
            joint = " " if exc.reason.startswith("must") else ": "  # "B's learning rate must be..."
            raise SimulatorError(f"B's {WORDS[field]}{joint}{exc.reason}", field) from None
        differs = getattr(a.settings, field) != getattr(b.settings, field)
    if not differs:
        raise SimulatorError(f"B's {WORDS[field]} is A's: choose another value for B", field)
    problems = b.problems()
    if problems:
        raise SimulatorError(f"B cannot be trained: {problems[0].reason}", field)
    return a, b


def _copy(project):
    """A deep copy that starts training afresh (no training state)."""
    return dataclasses.replace(project, network=project.network.copy(),
                               settings=dataclasses.replace(project.settings),
                               data=copy.deepcopy(project.data), layout=copy.deepcopy(project.layout),
                               lesson=copy.deepcopy(project.lesson), training_state=None)


def _check_field(field):
    if field not in FIELDS:
        raise SimulatorError(f"cannot compare {field!r}; choose one of {', '.join(FIELDS)}", "field")


# -------------------------------------------------------------- the results
@dataclass(frozen=True)
class SideResult:
    """Where one side (A or B) stands; every array a read-only copy.

    Attributes
    ----------
    steps : int
        Steps this side has trained (fewer than the other's if it stopped).
    history : ndarray of shape (6, k)
        History rows (``history.COLUMNS``) new since the previous result, or
        every row when ``history_reset`` is True.
    history_reset : bool
    train_loss, test_loss, train_accuracy, test_accuracy : float
        On the whole training and test sets now (NaN where they do not apply).
    output : ndarray of shape (g, n_outputs) or None
        The network's output at each grid point.
    message : str
        Why this side stopped (e.g. its loss became NaN); "" while it trains.
    """

    steps: int
    history: np.ndarray
    history_reset: bool
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float
    output: np.ndarray
    message: str


@dataclass(frozen=True)
class CompareResult:
    """Both sides after ``step`` steps of the run; ``grid`` of shape (g, n_inputs) or None."""

    step: int
    a: SideResult
    b: SideResult
    grid: np.ndarray

    @property
    def done(self):
        """Both sides have stopped."""
        return bool(self.a.message and self.b.message)


class _Side:
    """One project and its Trainer, and what the receiver of results already has."""

    def __init__(self, project):
        self.project = project
        train, test = project.datasets()
        self.trainer = Trainer(project.network, train, test, project.settings)
        self.trainer.evaluate_each_step = False  # result() evaluates, as often as the window draws
        self.message = ""
        self._since = None
        self._revision = self.trainer.history.revision

    def step(self):
        if self.message:
            return
        try:
            with np.errstate(all="ignore"):  # overflow on the way to NaN is reported by the trainer
                self.trainer.step()
        except SimulatorError as exc:  # a NaN loss: the trainer rolled back and says why
            self.message = str(exc)

    def result(self, grid):
        trainer = self.trainer
        if trainer.history.revision != self._revision:
            self._since, self._revision = None, trainer.history.revision
        with np.errstate(all="ignore"):
            metrics = trainer.evaluate_now()  # first: it writes the test loss into the newest row
            output = None
            if grid is not None:
                output = frozen(forward(trainer.network, grid, dtype=np.float32, keep_z=False)[1][-1])
        rows = trainer.history.rows_after(-1 if self._since is None else self._since)
        reset, self._since = self._since is None, trainer.steps
        return SideResult(steps=trainer.steps, history=frozen(rows, np.float64), history_reset=reset,
                          output=output, message=self.message,
                          **{k: float(v) for k, v in metrics.items()})


class CompareRun:
    """A and B trained in lock-step, one step each in turn.

    Parameters
    ----------
    project : Project
        Copied; never changed.
    change : Change
    fresh_weights : bool
        See :func:`make_pair`.
    grid : ndarray of shape (g, n_inputs), optional
        Where to evaluate the outputs; default :func:`default_grid`.

    Raises
    ------
    SimulatorError
        As :func:`make_pair`, or if a Trainer refuses its project.
    """

    def __init__(self, project, change, fresh_weights=False, grid=None):
        self.change = change
        a, b = make_pair(project, change, fresh_weights)
        self.a, self.b = _Side(a), _Side(b)
        self.grid = frozen(grid, np.float64) if grid is not None else default_grid(self.a.trainer.train)
        self.steps = 0
        self._new_data = None  # (train, test) given by set_datasets, taken at the next step or result

    def set_datasets(self, train, test=None):
        """Train both sides on new data (the same for each) from the next step on: points
        drawn, moved or taken away in the project while the comparison runs.

        Safe to call from another thread than the one training: the data is
        handed over between two steps. A side whose network cannot take the
        data stops and says why (its ``message``); the other goes on.
        """
        self._new_data = (train, test)

    def _take_new_data(self):
        new, self._new_data = self._new_data, None
        if new is None:
            return
        for side in (self.a, self.b):
            if side.message:
                continue
            try:
                side.trainer.set_datasets(*new)
            except SimulatorError as exc:
                side.message = f"it cannot train on the project's new data: {exc}"

    @property
    def done(self):
        return bool(self.a.message and self.b.message)

    def step(self):
        """One step of each side still training."""
        self._take_new_data()
        self.a.step()
        self.b.step()
        self.steps += 1

    def result(self):
        """A frozen CompareResult of both sides now."""
        self._take_new_data()
        return CompareResult(step=self.steps, a=self.a.result(self.grid), b=self.b.result(self.grid),
                             grid=self.grid)

    def results(self, max_steps=None, interval=INTERVAL, should_stop=None):
        """Train, yielding a CompareResult now and then, at most every ``interval`` seconds.

        A plain generator: it yields the state it starts from, checks
        ``should_stop()`` (if given) between steps, stops after ``max_steps``
        steps or once both sides have stopped, and yields a last result.
        Results take at most a fifth of the time (see ``_timed_result``). The
        test sets are evaluated as the settings say (``test_every``), so the
        test curves are as fine as the training curves.
        """
        gap = yield from self._timed_result(interval)
        last = time.monotonic()
        done = 0
        while (max_steps is None or done < max_steps) and not self.done:
            if should_stop is not None and should_stop():
                break
            self.step()
            done += 1
            if time.monotonic() - last >= gap:
                gap = yield from self._timed_result(interval)
                last = time.monotonic()
        yield self.result()

    def _timed_result(self, interval):
        """Yield a result; return the seconds to wait before the next one.

        Drawing the outputs over the grid can cost more than many steps of
        a small network: results come at most every ``interval`` seconds and
        take at most a fifth of the time, so training goes on at full speed.
        """
        started = time.monotonic()
        result = self.result()
        cost = time.monotonic() - started
        yield result
        return max(interval, 4 * cost)
