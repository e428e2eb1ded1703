"""Datasets: the points a network learns from, and how they are split and
plotted. The generators that make them from a recipe are in generators.py.

A ``Dataset`` is frozen and its arrays are read-only copies, so it can be
handed to the training thread and the UI without anyone changing it under the
other's feet. Generated datasets are described by a small *recipe* dictionary,
``{"generator": "xor", "n": 200, "noise": 0.1, "seed": 0}``, which is what a
project file stores; the same recipe always gives the same points.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from simulator.accuracy import predicted_classes
from simulator.csv_import import read_csv
from simulator.errors import DatasetError, SimulatorError
from simulator.limits import MAX_GRID, MAX_SAMPLES, MAX_SEED

TASKS = ("classification", "regression")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs and targets for training, frozen and read-only.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_inputs)
    y : array_like of shape (n_samples, n_outputs)
        Classification with two classes: (n, 1) of 0.0/1.0. More classes:
        one-hot (n, k). Regression: (n, 1) of target values.
    task : {"classification", "regression"}
    name : str
    feature_names : tuple of str
        One per input column; default ``("x1", "x2", ...)``.
    target_names : tuple of str
        Classification: one name per class, default ``("class 0", ...)``.
        Regression: one per output column, default ``("y",)``.

    Both arrays are copied to float64 and made read-only; non-finite values,
    mismatched row counts and malformed class targets raise ``DatasetError``.
    Equality compares values, so a document can tell whether its data changed.
    """

    X: np.ndarray
    y: np.ndarray
    task: str
    name: str = ""
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()

    def __post_init__(self):
        if self.task not in TASKS:
            raise DatasetError(f"A dataset's task must be 'classification' or "
                               f"'regression', not {self.task!r}.")
        X = _frozen_table(self.X, "inputs")
        y = _frozen_table(self.y, "targets")
        if len(X) != len(y):
            raise DatasetError(f"The dataset has {len(X)} rows of inputs but {len(y)} rows "
                               "of targets; every sample needs both.")
        if len(X) > MAX_SAMPLES:
            raise DatasetError(f"The dataset has {len(X)} samples; at most {MAX_SAMPLES} "
                               "can be used.")
        if self.task == "classification":
            _check_class_targets(y)
        set_ = object.__setattr__  # the documented way to fill a frozen dataclass
        set_(self, "X", X)
        set_(self, "y", y)
        set_(self, "name", str(self.name))
        set_(self, "feature_names", _names(
            self.feature_names, [f"x{i + 1}" for i in range(X.shape[1])], "input columns"))
        if self.task == "classification":
            targets = [f"class {i}" for i in range(self.n_classes)], "classes"
        else:
            targets = ["y"] if y.shape[1] == 1 else [f"y{i + 1}" for i in range(y.shape[1])]
            targets = targets, "target columns"
        set_(self, "target_names", _names(self.target_names, *targets))

    @property
    def n_samples(self):
        return self.X.shape[0]

    @property
    def n_inputs(self):
        return self.X.shape[1]

    @property
    def n_outputs(self):
        return self.y.shape[1]

    @property
    def n_classes(self):
        """2 for (n, 1) binary targets, k for one-hot (n, k), 0 for regression."""
        if self.task != "classification":
            return 0
        return 2 if self.n_outputs == 1 else self.n_outputs

    @property
    def labels(self):
        """ndarray of int, shape (n_samples,): each sample's class index."""
        if self.task != "classification":
            raise DatasetError("This is a regression dataset: its targets are numbers, "
                               "not classes.")
        return predicted_classes(self.y)

    def input_range(self, margin=0.1):
        """Per input column, the (low, high) span of the data plus a margin.

        Parameters
        ----------
        margin : float
            Fraction of each column's span added on both sides, so points
            are not drawn on the edge of a plot.

        Returns
        -------
        list of (float, float), one per input column
            A constant column (or an empty dataset) gets +-1 around its value.
        """
        margin = number_setting(margin, "The plot margin", 0.0, 10.0)
        if self.n_samples == 0:
            return [(-1.0, 1.0)] * self.n_inputs
        ranges = []
        for lo, hi in zip(self.X.min(axis=0), self.X.max(axis=0)):
            pad = margin * (hi - lo) if hi > lo else 1.0
            ranges.append((float(lo - pad), float(hi + pad)))
        return ranges

    def subset(self, index):
        """Return a new Dataset of the rows picked by ``index``.

        Parameters
        ----------
        index : slice, int, sequence of int, or boolean mask of shape (n_samples,)
        """
        if not isinstance(index, slice):
            index = np.asarray(index)
            if index.ndim == 0:
                index = index.reshape(1)  # one row stays a (1, n) table
            if index.size == 0:
                index = index.astype(np.intp)
        try:
            X, y = self.X[index], self.y[index]
        except IndexError as exc:
            raise DatasetError(f"Cannot pick those rows from the dataset: {exc}.") from None
        return Dataset(X, y, self.task, self.name, self.feature_names, self.target_names)

    def __eq__(self, other):
        if not isinstance(other, Dataset):
            return NotImplemented
        return (self.task == other.task and self.name == other.name
                and self.feature_names == other.feature_names
                and self.target_names == other.target_names
                and np.array_equal(self.X, other.X) and np.array_equal(self.y, other.y))

    def __hash__(self):
        return hash((self.task, self.name, self.X.shape, self.y.shape))


def _frozen_table(values, what):
    try:
        table = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DatasetError(f"The dataset's {what} must be a table of numbers.") from None
    if table.ndim != 2:
        raise DatasetError(f"The dataset's {what} must be a table (rows of samples, one "
                           f"column each), not an array with {table.ndim} dimensions.")
    if table.shape[1] == 0:
        raise DatasetError(f"The dataset's {what} need at least one column.")
    bad = np.argwhere(~np.isfinite(table))
    if len(bad):
        raise DatasetError(f"The dataset's {what} contain a missing or infinite value "
                           f"(row {bad[0][0] + 1}, column {bad[0][1] + 1}).")
    table.setflags(write=False)
    return table


def _check_class_targets(y):
    if not np.all((y == 0.0) | (y == 1.0)):
        raise DatasetError("Class targets must be 0 or 1 (one-hot for more than two classes).")
    if y.shape[1] > 1:
        wrong = np.flatnonzero(y.sum(axis=1) != 1.0)
        if len(wrong):
            raise DatasetError(f"Sample {wrong[0] + 1} belongs to no class or to several: "
                               "each row of one-hot targets needs exactly one 1.")


def _names(names, defaults, what):
    names = tuple(str(name) for name in names) or tuple(defaults)
    if len(names) != len(defaults):
        raise DatasetError(f"{len(names)} names were given for {len(defaults)} {what}.")
    return names


# --- checking settings: each message names the setting and the allowed values


def show_value(value):
    """``value`` as a message quotes it: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def number_setting(value, label, lo=-math.inf, hi=math.inf):
    """``value`` as a float in [lo, hi], or a DatasetError naming ``label``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DatasetError(f"{label} must be a number, not {show_value(value)}.")
    value = float(value)
    if not math.isfinite(value) or not lo <= value <= hi:
        raise DatasetError(f"{label} must be between {lo:g} and {hi:g}, not {show_value(value)}.")
    return value


def whole_setting(value, label, lo, hi):
    """``value`` as an int in [lo, hi] (2.0 will do), or a DatasetError naming ``label``."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not float(value).is_integer()):
        raise DatasetError(f"{label} must be a whole number, not {show_value(value)}.")
    if not lo <= value <= hi:
        raise DatasetError(f"{label} must be between {lo} and {hi}, not {int(value)}.")
    return int(value)


def train_test_split(ds, test_fraction, seed):
    """Shuffle the samples with ``seed`` and split off a test set.

    Parameters
    ----------
    ds : Dataset
    test_fraction : float in [0, 0.9]
        The test set gets ``round(test_fraction * n)`` samples, but at least
        one sample is always left for training. 0 gives an empty test set
        with the right column counts.
    seed : int

    Returns
    -------
    train, test : Dataset
        Each keeps the original order of its rows.
    """
    return split_at(ds, test_rows(ds.n_samples, test_fraction, seed))


def test_rows(n, test_fraction, seed):
    """The rows ``train_test_split`` holds out for testing, rising: ndarray of int."""
    fraction = number_setting(test_fraction, "The test fraction", 0.0, 0.9)
    seed = whole_setting(seed, "The split seed", 0, MAX_SEED)
    n_test = min(int(math.floor(fraction * n + 0.5)), max(n - 1, 0))
    return np.sort(np.random.default_rng(seed).permutation(n)[:n_test])


def split_at(ds, rows):
    """(train, test): the test set is the given rows, the training set the others, each in order."""
    test = np.zeros(ds.n_samples, dtype=bool)
    test[np.asarray(rows, dtype=np.intp)] = True
    return ds.subset(np.flatnonzero(~test)), ds.subset(np.flatnonzero(test))


def evaluation_grid(ranges, n):
    """Points covering the input space, where the UI draws the network's output.

    Parameters
    ----------
    ranges : list of (float, float)
        (low, high) per input, e.g. from ``Dataset.input_range``; 1 or 2 inputs.
    n : int
        Points per input axis, 2 to ``MAX_GRID``.

    Returns
    -------
    ndarray of shape (n, 1) for one input, (n * n, 2) for two; read-only
        In 2-D, x1 varies fastest, so ``grid.reshape(n, n, 2)[j, i]`` is
        (x1[i], x2[j]): row j of an image is one value of x2.
    """
    n = whole_setting(n, "The grid size", 2, MAX_GRID)
    try:
        pairs = [(float(lo), float(hi)) for lo, hi in ranges]
    except (TypeError, ValueError):
        raise DatasetError("The plotting ranges must be pairs of numbers (low, high).") from None
    if not 1 <= len(pairs) <= 2:
        raise DatasetError("The network's output can only be drawn over one or two inputs, "
                           f"but there are {len(pairs)}.")
    for i, (lo, hi) in enumerate(pairs):
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise DatasetError(f"The plotting range of input {i + 1} must run from a lower "
                               f"to a higher number, not {lo:g} to {hi:g}.")
    axes = [np.linspace(lo, hi, n) for lo, hi in pairs]
    if len(axes) == 1:
        grid = axes[0][:, None]
    else:
        x1, x2 = np.meshgrid(axes[0], axes[1])  # 'xy' indexing: x1 changes along a row
        grid = np.column_stack([x1.ravel(), x2.ravel()])
    grid.setflags(write=False)
    return grid


GRID_2D = 50
"""Points per axis of the evaluation grid over two inputs."""
GRID_1D = 200
"""Points of the evaluation grid over one input."""


def default_grid(train):
    """The grid the views draw the output over: ``evaluation_grid`` of the
    training data's input range, None unless there are 1 or 2 inputs."""
    if train.n_inputs not in (1, 2):
        return None
    try:
        return evaluation_grid(train.input_range(), GRID_1D if train.n_inputs == 1 else GRID_2D)
    except SimulatorError:
        return None


def load_csv(path, target_column=-1, task=None, max_rows=MAX_SAMPLES):
    """Load a dataset from a CSV file of numbers.

    Parameters
    ----------
    path : str or os.PathLike
    target_column : str or int
        Header name, or 0-based position (negative counts from the right).
    task : {"classification", "regression"} or None
        None: classification if every target is a whole number and there are
        at most 20 distinct values, else regression.
    max_rows : int
        At most ``MAX_SAMPLES``.

    Returns
    -------
    Dataset
        Two classes give (n, 1) targets of 0/1 (smaller value -> 0); more give
        one-hot (n, k); ``target_names`` come from the values.

    Raises
    ------
    DatasetError
        Naming the file, the 1-based line (header included) and the column.
    """
    max_rows = whole_setting(max_rows, "The row limit", 1, MAX_SAMPLES)
    t = read_csv(path, target_column, task, max_rows)
    return Dataset(t.X, t.y, t.task, t.name, t.feature_names, t.target_names)
