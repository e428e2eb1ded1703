"""Dataset generators and recipes: the toy problems a lesson starts from.

A generated dataset is described by a small *recipe* dictionary,
``{"generator": "xor", "n": 200, "noise": 0.1, "seed": 0}``, which is what a
project file stores; the same recipe always gives the same points. Each
generator checks its settings, and the message names the setting.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import numpy as np

from simulator.datasets import Dataset, number_setting, show_value, whole_setting
from simulator.errors import DatasetError
from simulator.limits import MAX_NOISE, MAX_SAMPLES, MAX_SEED


def _setting(key):
    return f"The dataset setting '{key}'"


def _start(n, noise, seed):
    """Check the settings every generator shares and return its random generator."""
    whole_setting(n, _setting("n"), 1, MAX_SAMPLES)
    number_setting(noise, _setting("noise"), 0.0, MAX_NOISE)
    return np.random.default_rng(whole_setting(seed, _setting("seed"), 0, MAX_SEED))


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
    factor = number_setting(factor, _setting("factor"), 0.05, 0.95)
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
    distance = number_setting(distance, _setting("distance"), 0.0, 3.0)
    labels = _balanced_labels(n, 2, rng)
    centres = np.array([[-1.0, -1.0], [1.0, 1.0]]) * distance / (2 * np.sqrt(2))
    X = centres[labels] + rng.normal(0.0, noise, (n, 2))
    return _classified(X, labels, 2, "two gaussians")


def make_spiral(n=200, noise=0.05, seed=0, arms=2):
    """Interleaved spiral arms, one class each: binary for 2 arms, one-hot above."""
    rng = _start(n, noise, seed)
    arms = whole_setting(arms, _setting("arms"), 2, 8)
    labels = _balanced_labels(n, arms, rng)
    t = rng.uniform(0.0, 1.0, n)  # 0 at the centre, 1 at the tip of the arm
    angle = 2 * np.pi * labels / arms + 3 * np.pi * t
    radius = (0.05 + 1.25 * t)[:, None]
    X = radius * np.column_stack([np.cos(angle), np.sin(angle)])
    return _classified(X + rng.normal(0.0, noise, (n, 2)), labels, arms, "spiral")


def make_checkerboard(n=200, noise=0.0, seed=0, tiles=4):
    """Points on [-1, 1]^2 labelled by the colour of their ``tiles`` x ``tiles`` square."""
    rng = _start(n, noise, seed)
    tiles = whole_setting(tiles, _setting("tiles"), 2, 16)
    clean = rng.uniform(-1.0, 1.0, (n, 2))
    cell = np.minimum(((clean + 1.0) / 2.0 * tiles).astype(int), tiles - 1)
    labels = cell.sum(axis=1) % 2  # labels come from the clean point; noise blurs edges
    return _classified(clean + rng.normal(0.0, noise, (n, 2)), labels, 2, "checkerboard")


def make_multiclass(n=300, noise=0.25, seed=0, classes=3):
    """``classes`` blobs evenly around the unit circle, one-hot targets."""
    rng = _start(n, noise, seed)
    classes = whole_setting(classes, _setting("classes"), 3, 10)
    labels = _balanced_labels(n, classes, rng)
    angle = np.pi / 2 + 2 * np.pi * np.arange(classes) / classes
    centres = np.column_stack([np.cos(angle), np.sin(angle)])
    X = centres[labels] + rng.normal(0.0, noise, (n, 2))
    return _classified(X, labels, classes, "multi-class blobs")


# --- regression generators (one input x, one target y)


def _curve(n, noise, seed, x_min, x_max):
    rng = _start(n, noise, seed)
    x_min = number_setting(x_min, _setting("x_min"), -1e6, 1e6)
    x_max = number_setting(x_max, _setting("x_max"), -1e6, 1e6)
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
    frequency = number_setting(frequency, _setting("frequency"), 0.0, 20.0)
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
                           f"numbers, not {show_value(coefficients)}.")
    c = [number_setting(v, f"Coefficient {i} of the dataset setting 'coefficients'", -1e3, 1e3)
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
    slope = number_setting(slope, _setting("slope"), -100.0, 100.0)
    intercept = number_setting(intercept, _setting("intercept"), -100.0, 100.0)
    fraction = number_setting(outlier_fraction, _setting("outlier_fraction"), *OUTLIER_FRACTION_RANGE)
    scale = number_setting(outlier_scale, _setting("outlier_scale"), 0.0, 100.0)
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
    return (f"There is no dataset generator called {show_value(name)}. "
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
                           f"not {show_value(recipe)}.")
    if "generator" not in recipe:
        raise DatasetError("The dataset recipe does not say which generator to use "
                           "(its 'generator' setting is missing).")
    name = recipe["generator"]
    if not isinstance(name, str) or name not in GENERATORS:
        raise DatasetError(_unknown_generator(name))
    allowed = recipe_settings(name)
    for key in recipe:
        if key != "generator" and key not in allowed:
            raise DatasetError(f"The '{name}' dataset has no setting {show_value(key)}. "
                               f"Its settings are: {', '.join(allowed)}.")
    settings = {k: v for k, v in recipe.items() if k != "generator"}
    if "n" in settings:  # a file may say 2.0: the generators count and index with it
        settings["n"] = whole_setting(settings["n"], _setting("n"), 1, MAX_SAMPLES)
    return GENERATORS[name](**settings)
