"""Checking plain JSON values (dict, list, str, int, float, bool, None) one
by one: keys, numbers, text, matrices and deep copies, each refused with a
:class:`ProjectFileError` that names the exact path of the first bad value,
e.g. ``network.edges[1].weights[0][2]: NaN is not allowed``.

A NaN or Infinity literal in the file's text arrives here as a
:class:`NonFinite` marker (the JSON reader never turns it into a float), so
the message can say where it was.
"""

import math

import numpy as np

from .errors import ProjectFileError
from .limits import MAX_NESTING


_NUMBER_TYPES = {int, float}


class NonFinite:
    """Stands for a ``NaN``, ``Infinity`` or ``-Infinity`` literal read from a file."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def fail(path, message):
    raise ProjectFileError(message, path)


def key_path(path, key):
    return f"{path}.{key}" if path else key


def show(value):
    """A value as a person reading the JSON file would recognise it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and abs(value) > 10**15:
        try:
            return f"a {len(str(abs(value)))}-digit number"
        except ValueError:  # too long for str(); the count is then approximate
            return f"a {int(abs(value).bit_length() * math.log10(2)) + 1}-digit number"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ------------------------------------------------------------------ scalars
def check_keys(value, path, required=(), optional=(), what="an object"):
    """Check that ``value`` is a JSON object with exactly the allowed keys."""
    if not isinstance(value, dict):
        fail(path, f"must be {what} {{...}}, not {show(value)}")
    allowed = tuple(required) + tuple(optional)
    for key in value:
        if key not in allowed:
            fail(path, f"unknown key {show(key)} (allowed: {', '.join(allowed)})")
    for key in required:
        if key not in value:
            fail(key_path(path, key), "this required key is missing")
    return value


def number(value, path, lo=-math.inf, hi=math.inf):
    """A finite JSON number (not true/false), returned unchanged."""
    if isinstance(value, NonFinite):
        fail(path, f"{value.text} is not allowed: numbers must be finite")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(path, f"must be a number, not {show(value)}")
    if isinstance(value, int):
        try:
            float(value)
        except OverflowError:
            fail(path, f"{show(value)} is too large for a number")
    if value != value:
        fail(path, "NaN is not allowed: numbers must be finite")
    if value in (math.inf, -math.inf):
        fail(path, "Infinity is not allowed: numbers must be finite")
    if not lo <= value <= hi:
        fail(path, f"must be from {lo:g} to {hi:g}, not {show(value)}")
    return value


def whole(value, path, lo, hi, what="a whole number"):
    if isinstance(value, NonFinite):
        fail(path, f"{value.text} is not allowed: it must be {what}")
    if isinstance(value, bool) or not isinstance(value, int):
        fail(path, f"must be {what}, not {show(value)}")
    if not lo <= value <= hi:
        fail(path, f"must be from {lo} to {hi}, not {show(value)}")
    return value


def text(value, path, max_chars):
    if not isinstance(value, str):
        fail(path, f"must be text, not {show(value)}")
    if len(value) > max_chars:
        fail(path, f"is {len(value):,} characters long; at most {max_chars:,} are allowed")
    _check_encodable(value, path)
    return value


def _check_encodable(value, path):
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        fail(path, f"contains an unpaired surrogate {value[exc.start]!r}, which is not valid text")


def json_copy(value, path, depth=0):
    """A deep copy of a JSON value, refusing anything JSON cannot hold exactly.

    Used for the parts of a file the simulator does not interpret (the
    layout, the data recipe): they must still be plain, finite JSON so they
    save and load unchanged. The path of a bad value is only worked out once
    one is found, so a large value costs one quick pass.
    """
    try:
        return _copy(value, depth)
    except _Bad as bad:
        for step in reversed(bad.steps):
            path = f"{path}[{step}]" if isinstance(step, int) else key_path(path, step)
        fail(path, bad.message)


class _Bad(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message, self.steps = message, []


def _copy(value, depth):
    if depth > MAX_NESTING:
        raise _Bad(f"is nested more than {MAX_NESTING} levels deep")
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Bad(f"keys must be text, not {show(key)}")
            try:
                _check_encodable(key, "")
                out[key] = _copy(item, depth + 1)
            except _Bad as bad:
                bad.steps.append(key)
                raise
            except ProjectFileError as exc:
                raise _Bad(str(exc)) from None
        return out
    if isinstance(value, list):
        if _plain_numbers(value):
            return list(value)
        out = []
        for i, item in enumerate(value):
            try:
                out.append(_copy(item, depth + 1))
            except _Bad as bad:
                bad.steps.append(i)
                raise
        return out
    try:
        if isinstance(value, str):
            _check_encodable(value, "")
            return value
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, (int, float, NonFinite)):
            return number(value, "")
    except ProjectFileError as exc:
        raise _Bad(str(exc)) from None
    raise _Bad(f"{type(value).__name__} cannot be stored in a project file")


def _plain_numbers(items):
    """True if ``items`` is a list of finite floats and ints that fit a float (checked at C speed)."""
    kinds = set(map(type, items))
    if not items or not kinds <= _NUMBER_TYPES:
        return False
    try:  # math.isfinite reads an int as a float, so an int too large for one overflows
        return all(map(math.isfinite, items))
    except OverflowError:
        return False


# ----------------------------------------------------------------- matrices
def rows_of(value, path, n_rows, n_cols, rows_note, cols_note):
    """Check the shape of a list of lists before anything is converted."""
    if not isinstance(value, list):
        fail(path, f"must be a list of rows, not {show(value)}")
    if len(value) != n_rows:
        fail(path, f"expected {n_rows} rows ({rows_note}), found {len(value)}")
    for r, row in enumerate(value):
        if not isinstance(row, list):
            fail(f"{path}[{r}]", f"must be a list of {n_cols} values, not {show(row)}")
        if len(row) != n_cols:
            fail(f"{path}[{r}]", f"expected {n_cols} values ({cols_note}), found {len(row)}")


def number_matrix(rows, path):
    """Rows already shape-checked -> float64 array; names the first bad cell."""
    for r, row in enumerate(rows):
        if not set(map(type, row)) <= _NUMBER_TYPES:
            for c, v in enumerate(row):
                number(v, f"{path}[{r}][{c}]")
    try:
        array = np.array(rows, dtype=np.float64)
    except OverflowError:
        array = None
    if array is None or not np.isfinite(array).all():
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                number(v, f"{path}[{r}][{c}]")
        if array is None:
            fail(path, "holds a number too large to store")
    return array.reshape(len(rows), -1)


def bool_matrix(rows, path):
    for r, row in enumerate(rows):
        if not set(map(type, row)) <= {bool}:
            c = next(c for c, v in enumerate(row) if not isinstance(v, bool))
            fail(f"{path}[{r}][{c}]", f"must be true or false, not {show(row[c])}")
    return np.array(rows, dtype=bool).reshape(len(rows), -1)


def number_vector(value, path, n, note):
    if not isinstance(value, list):
        fail(path, f"must be a list of {n} numbers, not {show(value)}")
    if len(value) != n:
        fail(path, f"expected {n} values ({note}), found {len(value)}")
    for i, v in enumerate(value):
        if type(v) is not float or not math.isfinite(v):
            number(v, f"{path}[{i}]")
    return np.array(value, dtype=np.float64)
