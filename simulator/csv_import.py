"""Reading a table of numbers from a CSV file for use as a dataset.

Only the ``csv`` module touches the file's text: nothing in it is ever
evaluated or executed. Every problem becomes a ``DatasetError`` that names the
file, the line (1-based, counting the header) and the column, so a person can
open the file and fix it. ``simulator.datasets.load_csv`` wraps the result in a
``Dataset``; this module knows nothing of that class, which keeps the import
one-way.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.errors import DatasetError
from simulator.limits import MAX_CLASSES, MAX_CSV_BYTES

_DECIMAL_COMMA = re.compile(r"[-+]?\d*,\d+")


@dataclass(frozen=True)
class CsvTable:
    """What a CSV file held, already split into inputs and encoded targets.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_inputs)
    y : ndarray of shape (n_samples, n_outputs)
        (n, 1) of 0/1 for two classes, one-hot (n, k) for more, or (n, 1)
        numbers for regression.
    task : str
        ``"classification"`` or ``"regression"``.
    feature_names, target_names : tuple of str
    name : str
        The file name without its extension.
    """

    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    name: str


def read_csv(path, target_column, task, max_rows):
    """Read a CSV file of numbers into a CsvTable.

    The arguments and errors are those of ``simulator.datasets.load_csv``,
    which wraps the result in a Dataset.
    """
    if task not in (None, "classification", "regression"):
        raise DatasetError(
            f"The task must be 'classification' or 'regression', not {task!r}.")
    path = _as_path(path)
    header, records = _read_records(path, _read_text(path), max_rows)
    width = len(records[0][1]) if records else len(header)
    columns = _column_labels(header, width, path)
    target = _target_index(target_column, header, width)
    values = _parse_numbers(records, columns, path.name)
    t = values[:, target]
    X = np.delete(values, target, axis=1)
    feature_names = (tuple(h for i, h in enumerate(header) if i != target) if header
                     else tuple(f"x{i + 1}" for i in range(width - 1)))
    task = task or _guess_task(t)
    if task == "regression":
        target_names = (header[target],) if header else ("y",)
        return CsvTable(X, t[:, None], task, feature_names, target_names, path.stem)
    y, target_names = _encode_classes(t, columns[target])
    return CsvTable(X, y, task, feature_names, target_names, path.stem)


def _as_path(path):
    try:
        return Path(path)
    except TypeError:
        raise DatasetError(f"{path!r} is not a file name.") from None


def _read_text(path):
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise DatasetError(f"'{path.name}' is too large to load "
                               f"(more than {MAX_CSV_BYTES // 2**20} MB).")
        data = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"Cannot open '{path}': there is no such file.") from None
    except IsADirectoryError:
        raise DatasetError(f"Cannot open '{path}': it is a folder, not a file.") from None
    except PermissionError:
        raise DatasetError(f"Cannot open '{path}': permission denied.") from None
    except OSError as exc:
        raise DatasetError(f"Cannot open '{path}': {exc.strerror or exc}.") from None
    if b"\0" in data:
        raise DatasetError(f"'{path.name}' is not a text file, so it cannot be a CSV file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Numbers are ASCII in every encoding; only header names could suffer.
        return data.decode("latin-1")


def _delimiter(text):
    # Spreadsheets in many countries save with ';', and some tools with tabs.
    first = next((line for line in text.splitlines() if line.strip()), "")
    for candidate in (";", "\t"):
        if candidate in first:
            return candidate
    return ","


def _read_records(path, text, max_rows):
    """Split the text into an optional header and numbered rows of cells."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header, records, width = None, [], None
    try:
        for cells in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue  # blank lines are harmless; line numbers still count them
            if width is None:
                width = len(cells)
                if width < 2:
                    raise DatasetError(
                        f"'{path.name}', line {line} has only one column. A dataset needs "
                        "at least one input column and a target column, separated by "
                        "commas, semicolons or tabs.")
                if not all(_is_number(cell) for cell in cells):
                    header = cells
                    continue
            if len(cells) != width:
                first = "the header" if header else "the first row"
                raise DatasetError(
                    f"'{path.name}', line {line} has {len(cells)} values, "
                    f"but {first} has {width} columns.")
            records.append((line, cells))
            if len(records) > max_rows:
                raise DatasetError(
                    f"'{path.name}' has more than {max_rows} data rows, "
                    "more than can be loaded. Use a smaller file.")
    except csv.Error as exc:
        raise DatasetError(
            f"'{path.name}', line {reader.line_num} could not be read as CSV ({exc}).") from None
    if width is None:
        raise DatasetError(f"'{path.name}' is empty: it has no rows of numbers.")
    if not records:
        raise DatasetError(f"'{path.name}' has a header row but no rows of numbers under it.")
    return header, records


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _column_labels(header, width, path):
    """How each column is named in messages: ``column 'x2'`` or ``column 3``."""
    if header is None:
        return [f"column {i + 1}" for i in range(width)]
    for i, name in enumerate(header):
        if not name:
            header[i] = f"column {i + 1}"
    seen = set()
    for name in header:
        if name in seen:
            raise DatasetError(f"'{path.name}': the header row names two columns {name!r}; "
                               "each column needs its own name.")
        seen.add(name)
    return [f"column {name!r}" for name in header]


def _target_index(target_column, header, width):
    if isinstance(target_column, str):
        name = target_column.strip()
        if header is None:
            raise DatasetError(
                f"The file has no header row, so there is no column named {name!r}. "
                "Give the target column's position instead.")
        if name not in header:
            known = ", ".join(repr(h) for h in header)
            raise DatasetError(f"There is no column named {name!r}. The columns are: {known}.")
        return header.index(name)
    if isinstance(target_column, (int, np.integer)) and not isinstance(target_column, bool):
        if not -width <= target_column < width:
            raise DatasetError(
                f"There is no target column at position {target_column}: the file has "
                f"{width} columns (positions 0 to {width - 1}, or -1 to -{width} from the right).")
        return int(target_column) % width
    raise DatasetError(f"The target column must be a column name or a position, "
                       f"not {target_column!r}.")


def _parse_numbers(records, columns, file_name):
    """Return ndarray of shape (n_rows, n_columns), every value finite."""
    try:  # fast path; the cell-by-cell loop below only runs to word an error
        values = np.array([cells for _, cells in records], dtype=np.float64)
        if np.isfinite(values).all():
            return values
    except ValueError:
        pass
    values = np.empty((len(records), len(columns)))
    for row, (line, cells) in enumerate(records):
        for col, cell in enumerate(cells):
            where = f"'{file_name}', line {line}, {columns[col]}"
            if not cell:
                raise DatasetError(f"{where}: the value is missing.")
            try:
                value = float(cell)
            except ValueError:
                hint = (" (use a point, not a comma, for decimals)"
                        if _DECIMAL_COMMA.fullmatch(cell) else "")
                raise DatasetError(f"{where}: {cell!r} is not a number{hint}.") from None
            if value != value or value in (float("inf"), float("-inf")):
                raise DatasetError(f"{where}: {cell!r} is not a usable number "
                                   "(missing values, NaN and infinity are not allowed).")
            values[row, col] = value
    return values


def _guess_task(t):
    whole = bool(np.all(t == np.round(t)))
    return "classification" if whole and len(np.unique(t)) <= MAX_CLASSES else "regression"


def _encode_classes(t, column):
    """Return (y, class names): (n, 1) 0/1 for two classes, one-hot otherwise.

    Classes are sorted by value, so for two classes the smaller value is 0.
    """
    classes = np.unique(t)
    if len(classes) < 2:
        raise DatasetError(f"The target {column} has only one value ({_show(classes[0])}), "
                           "so there are no classes to tell apart.")
    if len(classes) > MAX_CLASSES:
        raise DatasetError(f"The target {column} has {len(classes)} different values; "
                           f"a classification target may have at most {MAX_CLASSES}.")
    names = tuple(f"class {_show(v)}" for v in classes)
    if len(classes) == 2:
        return (t == classes[1]).astype(np.float64)[:, None], names
    return (t[:, None] == classes[None, :]).astype(np.float64), names


def _show(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"
