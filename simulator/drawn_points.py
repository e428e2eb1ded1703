"""Points a learner draws on the output view, or takes away: the new ``data`` of a project.

A generated recipe becomes inline points at the first edit, and the split the
learner was looking at is kept as explicit ``test_rows``, so adding or removing
a point never moves another one between the training and the test set. Added
points are training points. Each function returns a new ``data`` dict and
changes nothing; bad input raises ``DatasetError`` with a one-line reason.
"""

from __future__ import annotations

import math

import numpy as np

from .datasets import Dataset, test_rows
from .errors import DatasetError, ProjectFileError
from .project_schema import build_dataset, given_test_rows, split_settings


def split_of(data):
    """(full Dataset, rising ndarray of its test rows) that ``data`` describes."""
    try:
        full = build_dataset(data, "data")
    except ProjectFileError as exc:
        raise DatasetError(str(exc)) from None
    rows = given_test_rows(data)
    if rows is None:
        fraction, seed = split_settings(data)
        rows = test_rows(full.n_samples, fraction, seed)
    return full, np.sort(np.asarray(rows, dtype=np.intp))


def target_row(dataset, target):
    """The row of targets for a new sample: a class index for classification, a number for
    (single-output) regression."""
    if dataset.task == "classification":
        k = int(target)
        if not 0 <= k < dataset.n_classes:
            raise DatasetError(f"there is no class {k}: the classes are 0 to {dataset.n_classes - 1}")
        if dataset.n_outputs == 1:
            return [float(k)]
        row = [0.0] * dataset.n_outputs
        row[k] = 1.0
        return row
    if dataset.n_outputs != 1:
        raise DatasetError(f"a drawn point has one target value, but this data has {dataset.n_outputs} "
                           "target columns")
    value = float(target)
    if not math.isfinite(value):
        raise DatasetError("the target must be a finite number")
    return [value]


def _inline(full, X, y, rows):
    inline = {"X": np.asarray(X, dtype=float).tolist(), "y": np.asarray(y, dtype=float).tolist(),
              "task": full.task, "feature_names": list(full.feature_names),
              "target_names": list(full.target_names)}
    if full.name:
        inline["name"] = full.name
    return {"inline": inline, "test_rows": [int(r) for r in rows]}


def with_point(data, x, target):
    """``data`` with one training point more, at inputs ``x`` with ``target``.

    Parameters
    ----------
    data : dict
        A project's ``data`` (recipe or inline points).
    x : sequence of float
        One value per input column.
    target : int or float
        The class (classification) or the value (regression).
    """
    return with_points(data, [(x, target)])


def with_points(data, points):
    """``data`` with training points more: ``points`` is a sequence of ``(x, target)``, as for
    :func:`with_point` (a curve drawn on the output view adds many at once)."""
    full, rows = split_of(data)
    if not len(points):
        raise DatasetError("there are no points to add")
    xs, ys = [], []
    for x, target in points:
        x = [float(v) for v in x]
        if len(x) != full.n_inputs or not all(math.isfinite(v) for v in x):
            raise DatasetError(f"a point needs {full.n_inputs} finite input values")
        xs.append(x)
        ys.append(target_row(full, target))
    X = np.vstack([full.X, xs])
    y = np.vstack([full.y, ys])
    Dataset(X, y, full.task)  # the dataset's own limits (how many samples, valid classes)
    return _inline(full, X, y, rows)


def _locate(full, rows, which, row):
    """Where row ``row`` of the training (``which="train"``) or test set (test rows ``rows``)
    stands in ``full``, and how many points that set has."""
    test_mask = np.zeros(full.n_samples, dtype=bool)
    test_mask[rows] = True
    members = np.flatnonzero(test_mask if which == "test" else ~test_mask)
    if which not in ("train", "test") or not 0 <= int(row) < len(members):
        raise DatasetError(f"there is no point {row} in the {which} set")
    return int(members[int(row)]), len(members)


def without_point(data, which, row):
    """``data`` without one point: row ``row`` of the training (``which="train"``) or test set."""
    full, rows = split_of(data)
    gone, members = _locate(full, rows, which, row)
    if which == "train" and members == 1:
        raise DatasetError("this is the last training point: the network needs at least one to learn from")
    keep = np.ones(full.n_samples, dtype=bool)
    keep[gone] = False
    new_rows = [r - (r > gone) for r in rows.tolist() if r != gone]
    return _inline(full, full.X[keep], full.y[keep], new_rows)


def moved_point(data, which, row, x, target=None):
    """``data`` with row ``row`` of the training (``which="train"``) or test set moved to
    inputs ``x``, and given ``target`` if one is given (dragging a regression point up or
    down); the point keeps its place in its set."""
    full, rows = split_of(data)
    at, _ = _locate(full, rows, which, row)
    x = [float(v) for v in x]
    if len(x) != full.n_inputs or not all(math.isfinite(v) for v in x):
        raise DatasetError(f"a point needs {full.n_inputs} finite input values")
    X, y = full.X.astype(float).copy(), full.y.astype(float).copy()
    X[at] = x
    if target is not None:
        y[at] = target_row(full, target)
    Dataset(X, y, full.task)
    return _inline(full, X, y, rows)
