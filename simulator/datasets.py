"""Datasets: the points a network learns from, where they come from, and how
they are split and plotted.

A ``Dataset`` is frozen and its arrays are read-only copies, so it can be
handed to the training thread and the UI without anyone changing it under the
other's feet. Generated datasets are described by a small *recipe* dictionary,
``{"generator": "xor", "n": 200, "noise": 0.1, "seed": 0}``, which is what a
project file stores; the same recipe always gives the same points.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from simulator.csv_import import read_csv
from simulator.errors import DatasetError
from simulator.limits import MAX_GRID, MAX_NOISE, MAX_SAMPLES, MAX_SEED

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
        if self.n_outputs == 1:
            return (self.y[:, 0] > 0.5).astype(np.int64)
        return np.argmax(self.y, axis=1).astype(np.int64)

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
        margin = _number(margin, "The plot margin", 0.0, 10.0)
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


def _show(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value, label, lo=-math.inf, hi=math.inf):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DatasetError(f"{label} must be a number, not {_show(value)}.")
    value = float(value)
    if not math.isfinite(value) or not lo <= value <= hi:
        raise DatasetError(f"{label} must be between {lo:g} and {hi:g}, not {_show(value)}.")
    return value


def _whole(value, label, lo, hi):
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not float(value).is_integer()):
        raise DatasetError(f"{label} must be a whole number, not {_show(value)}.")
    if not lo <= value <= hi:
        raise DatasetError(f"{label} must be between {lo} and {hi}, not {int(value)}.")
    return int(value)


def _setting(key):
    return f"The dataset setting '{key}'"


def _start(n, noise, seed):
    """Check the settings every generator shares and return its random generator."""
    _whole(n, _setting("n"), 1, MAX_SAMPLES)
    _number(noise, _setting("noise"), 0.0, MAX_NOISE)
    return np.random.default_rng(_whole(seed, _setting("seed"), 0, MAX_SEED))


def _classified(X, labels, k, name):
    """Wrap 2-D points and class indices: (n, 1) targets for k == 2, one-hot above."""
    y = labels[:, None].astype(np.float64) if k == 2 else np.eye(k)[labels]
    return Dataset(X, y, "classification", name, ("x1", "x2"))


def _balanced_labels(n, k, rng):
    """Class indices with every class equally often (to within one), shuffled."""
    return rng.permutation(np.arange(n) % k)


# --- classification generators (two inputs)

_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_TRUTH_TABLES = {"AND": (0, 0, 0, 1), "OR": (0, 1, 1, 1), "XOR": (0, 1, 1, 0)}


def _logic_gate(gate, n, noise, seed):
    rng = _start(n, noise, seed)
    corner = np.arange(n) % 4  # cycles (0,0), (0,1), (1,0), (1,1)
    X = _CORNERS[corner] + rng.normal(0.0, noise, (n, 2))
    return _classified(X, np.array(_TRUTH_TABLES[gate])[corner], 2, gate)


def make_and(n=4, noise=0.0, seed=0):
    """AND truth table: the 4 corners of the unit square, repeated to n points."""
    return _logic_gate("AND", n, noise, seed)


def make_or(n=4, noise=0.0, seed=0):
    """OR truth table: the 4 corners of the unit square, repeated to n points."""
    return _logic_gate("OR", n, noise, seed)


def make_xor(n=4, noise=0.0, seed=0):
    """XOR truth table: not linearly separable, so it needs a hidden layer."""
    return _logic_gate("XOR", n, noise, seed)


def make_circles(n=200, noise=0.05, seed=0, factor=0.5):
    """Class 1 on an inner circle of radius ``factor``, class 0 on a ring of radius 1."""
    rng = _start(n, noise, seed)
    factor = _number(factor, _setting("factor"), 0.05, 0.95)
    labels = _balanced_labels(n, 2, rng)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.where(labels == 1, factor, 1.0)[:, None]
    X = radius * np.column_stack([np.cos(angle), np.sin(angle)])
    return _classified(X + rng.normal(0.0, noise, (n, 2)), labels, 2, "circles")


def make_moons(n=200, noise=0.1, seed=0):
    """Two interleaved half-moons, centred on the origin."""
    rng = _start(n, noise, seed)
    labels = _balanced_labels(n, 2, rng)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(labels[:, None] == 0, upper, lower) - [0.5, 0.25]
    return _classified(X + rng.normal(0.0, noise, (n, 2)), labels, 2, "moons")


def make_gaussians(n=200, noise=0.3, seed=0, distance=2.0):
    """Two round blobs ``distance`` apart on the diagonal; noise is each blob's spread."""
    rng = _start(n, noise, seed)
    distance = _number(distance, _setting("distance"), 0.0, 3.0)
    labels = _balanced_labels(n, 2, rng)
    centres = np.array([[-1.0, -1.0], [1.0, 1.0]]) * distance / (2 * np.sqrt(2))
    X = centres[labels] + rng.normal(0.0, noise, (n, 2))
    return _classified(X, labels, 2, "two gaussians")


def make_spiral(n=200, noise=0.05, seed=0, arms=2):
    """Interleaved spiral arms, one class each: binary for 2 arms, one-hot above."""
    rng = _start(n, noise, seed)
    arms = _whole(arms, _setting("arms"), 2, 8)
    labels = _balanced_labels(n, arms, rng)
    t = rng.uniform(0.0, 1.0, n)  # 0 at the centre, 1 at the tip of the arm
    angle = 2 * np.pi * labels / arms + 3 * np.pi * t
    radius = (0.05 + 1.25 * t)[:, None]
    X = radius * np.column_stack([np.cos(angle), np.sin(angle)])
    return _classified(X + rng.normal(0.0, noise, (n, 2)), labels, arms, "spiral")


def make_checkerboard(n=200, noise=0.0, seed=0, tiles=4):
    """Points on [-1, 1]^2 labelled by the colour of their ``tiles`` x ``tiles`` square."""
    rng = _start(n, noise, seed)
    tiles = _whole(tiles, _setting("tiles"), 2, 16)
    clean = rng.uniform(-1.0, 1.0, (n, 2))
    cell = np.minimum(((clean + 1.0) / 2.0 * tiles).astype(int), tiles - 1)
    labels = cell.sum(axis=1) % 2  # labels come from the clean point; noise blurs edges
    return _classified(clean + rng.normal(0.0, noise, (n, 2)), labels, 2, "checkerboard")


def make_multiclass(n=300, noise=0.25, seed=0, classes=3):
    """``classes`` blobs evenly around the unit circle, one-hot targets."""
    rng = _start(n, noise, seed)
    classes = _whole(classes, _setting("classes"), 3, 10)
    labels = _balanced_labels(n, classes, rng)
    angle = np.pi / 2 + 2 * np.pi * np.arange(classes) / classes
    centres = np.column_stack([np.cos(angle), np.sin(angle)])
    X = centres[labels] + rng.normal(0.0, noise, (n, 2))
    return _classified(X, labels, classes, "multi-class blobs")


# --- regression generators (one input x, one target y)


def _curve(n, noise, seed, x_min, x_max):
    rng = _start(n, noise, seed)
    x_min = _number(x_min, _setting("x_min"), -1e6, 1e6)
    x_max = _number(x_max, _setting("x_max"), -1e6, 1e6)
    if not x_min < x_max:
        raise DatasetError(f"The dataset setting 'x_min' ({x_min:g}) must be smaller than "
                           f"'x_max' ({x_max:g}).")
    return rng, rng.uniform(x_min, x_max, n)


def _regression(x, target, rng, noise, name):
    y = target + rng.normal(0.0, noise, len(x))
    return Dataset(x[:, None], y[:, None], "regression", name, ("x",), ("y",))


def make_sine(n=100, noise=0.1, seed=0, frequency=1.0, x_min=-1.0, x_max=1.0):
    """y = sin(pi * frequency * x) + noise."""
    rng, x = _curve(n, noise, seed, x_min, x_max)
    frequency = _number(frequency, _setting("frequency"), 0.0, 20.0)
    return _regression(x, np.sin(np.pi * frequency * x), rng, noise, "sine")


def make_abs(n=100, noise=0.05, seed=0, x_min=-1.0, x_max=1.0):
    """y = |x| + noise: one kink, which a ReLU unit draws exactly."""
    rng, x = _curve(n, noise, seed, x_min, x_max)
    return _regression(x, np.abs(x), rng, noise, "absolute value")


def make_step(n=100, noise=0.05, seed=0, x_min=-1.0, x_max=1.0):
    """y = 1 where x > 0 else 0, plus noise."""
    rng, x = _curve(n, noise, seed, x_min, x_max)
    return _regression(x, (x > 0).astype(np.float64), rng, noise, "step")


def make_polynomial(n=100, noise=0.1, seed=0, coefficients=(0.0, -1.0, 0.0, 2.0),
                    x_min=-1.0, x_max=1.0):
    """y = c0 + c1*x + c2*x**2 + ... + noise; the default is 2x^3 - x."""
    rng, x = _curve(n, noise, seed, x_min, x_max)
    if (isinstance(coefficients, (str, bytes, Mapping))
            or not hasattr(coefficients, "__len__") or not 1 <= len(coefficients) <= 10):
        raise DatasetError("The dataset setting 'coefficients' must be a list of 1 to 10 "
                           f"numbers, not {_show(coefficients)}.")
    c = [_number(v, f"Coefficient {i} of the dataset setting 'coefficients'", -1e3, 1e3)
         for i, v in enumerate(coefficients)]
    return _regression(x, np.polynomial.polynomial.polyval(x, c), rng, noise, "polynomial")


OUTLIER_FRACTION_RANGE = (0.0, 0.5)
"""The share of points ``make_linear_outliers`` may push off the line."""


def make_linear_outliers(n=100, noise=0.1, seed=0, slope=2.0, intercept=0.5,
                         outlier_fraction=0.1, outlier_scale=5.0, x_min=-1.0, x_max=1.0):
    """y = slope*x + intercept + noise, with a fraction of points pushed far upwards.

    The push is one-sided, ``outlier_scale`` times a factor in [0.5, 1.5], so
    an L2 (mean squared error) fit is dragged up while an L1 fit stays on the
    true line. Exactly ``round(outlier_fraction * n)`` points are outliers.
    """
    rng, x = _curve(n, noise, seed, x_min, x_max)
    slope = _number(slope, _setting("slope"), -100.0, 100.0)
    intercept = _number(intercept, _setting("intercept"), -100.0, 100.0)
    fraction = _number(outlier_fraction, _setting("outlier_fraction"), *OUTLIER_FRACTION_RANGE)
    scale = _number(outlier_scale, _setting("outlier_scale"), 0.0, 100.0)
    y = slope * x + intercept
    chosen = rng.choice(n, size=int(round(fraction * n)), replace=False)
    y[chosen] += scale * rng.uniform(0.5, 1.5, len(chosen))
    name = f"line with outliers (true line y = {slope:g}x + {intercept:g})"
    return _regression(x, y, rng, noise, name)


# --- the registry and recipes

GENERATORS = {
    "and": make_and, "or": make_or, "xor": make_xor,
    "circles": make_circles, "moons": make_moons, "gaussians": make_gaussians,
    "spiral": make_spiral, "checkerboard": make_checkerboard, "multiclass": make_multiclass,
    "sine": make_sine, "abs": make_abs, "step": make_step, "polynomial": make_polynomial,
    "linear_outliers": make_linear_outliers,
}
"""Generator name -> function(n, noise, seed, **params) -> Dataset."""

_COMMON = ("n", "noise", "seed")


def _defaults(function):
    return {p.name: p.default for p in inspect.signature(function).parameters.values()}


# Read from the signatures so the documented defaults cannot drift from the code.
GENERATOR_PARAMS = {name: {k: v for k, v in _defaults(f).items() if k not in _COMMON}
                    for name, f in GENERATORS.items()}
"""Generator name -> {extra parameter: default}, beyond n, noise and seed."""


def recipe_settings(generator):
    """The names of the settings a recipe of ``generator`` takes: n, noise, seed and its own
    (``GENERATOR_PARAMS``); () for an unknown generator."""
    return _COMMON + tuple(GENERATOR_PARAMS[generator]) if generator in GENERATORS else ()


def default_recipe(generator):
    """Return a complete recipe for ``generator`` with every setting at its default."""
    if generator not in GENERATORS:
        raise DatasetError(_unknown_generator(generator))
    return {"generator": generator, **_defaults(GENERATORS[generator])}


def _unknown_generator(name):
    return (f"There is no dataset generator called {_show(name)}. "
            f"Choose one of: {', '.join(GENERATORS)}.")


def make_dataset(recipe):
    """Build a Dataset from a recipe such as ``{"generator": "xor", "n": 200}``.

    Parameters
    ----------
    recipe : dict
        ``"generator"`` (a key of ``GENERATORS``) plus any of ``n``, ``noise``,
        ``seed`` and that generator's ``GENERATOR_PARAMS``; missing settings
        take their defaults.

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        Unknown generator or setting, wrong type, or value out of range; the
        message names the setting.
    """
    if not isinstance(recipe, Mapping):
        raise DatasetError("A dataset recipe must be a set of named settings, "
                           f"not {_show(recipe)}.")
    if "generator" not in recipe:
        raise DatasetError("The dataset recipe does not say which generator to use "
                           "(its 'generator' setting is missing).")
    name = recipe["generator"]
    if not isinstance(name, str) or name not in GENERATORS:
        raise DatasetError(_unknown_generator(name))
    allowed = recipe_settings(name)
    for key in recipe:
        if key != "generator" and key not in allowed:
            raise DatasetError(f"The '{name}' dataset has no setting {_show(key)}. "
                               f"Its settings are: {', '.join(allowed)}.")
    settings = {k: v for k, v in recipe.items() if k != "generator"}
    if "n" in settings:  # a file may say 2.0: the generators count and index with it
        settings["n"] = _whole(settings["n"], _setting("n"), 1, MAX_SAMPLES)
    return GENERATORS[name](**settings)


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
    fraction = _number(test_fraction, "The test fraction", 0.0, 0.9)
    seed = _whole(seed, "The split seed", 0, MAX_SEED)
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
    n = _whole(n, "The grid size", 2, MAX_GRID)
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
    max_rows = _whole(max_rows, "The row limit", 1, MAX_SAMPLES)
    t = read_csv(path, target_column, task, max_rows)
    return Dataset(t.X, t.y, t.task, t.name, t.feature_names, t.target_names)
