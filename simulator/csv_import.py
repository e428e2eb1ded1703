"""Reading a table of numbers from a CSV file for use as a dataset.

Only the ``csv`` module touches the file's text: nothing in it is ever
evaluated or executed. Every problem becomes a ``DatasetError`` that names the
file, the line (1-based, counting the header) and the column, so a person can
open the file and fix it; the line and column also travel as the error's
``line`` and ``column``. The inputs are numbers; a single target column may
hold class names (``setosa``), which makes it a classification target. ``simulator.datasets.load_csv`` wraps the result in a
``Dataset``; this module knows nothing of that class, which keeps the import
one-way.
"""

from __future__ import annotations

import csv
import itertools
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.errors import DatasetError
from simulator.limits import (MAX_CLASSES, MAX_CSV_BYTES, MAX_CSV_COLUMNS, MAX_CSV_LINE_CHARS, MAX_LAYER_SIZE,
                              MAX_NAME_CHARS)



_DECIMAL_COMMA = re.compile(r"[-+]?\d*,\d+(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class CsvTable:
    """What a CSV file held, already split into inputs and encoded targets.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_inputs)
    y : ndarray of shape (n_samples, n_outputs)
        (n, 1) of 0/1 for two classes, one-hot (n, k) for more, or
        (n, t) numbers for regression on t target columns.
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
    which wraps the result in a Dataset. The file is read a line at a time
    and each row becomes numbers as it is read, so reading stops at the first
    limit passed (rows, blank lines included; columns; length of a line)
    without holding more than the rows kept.
    """
    if task not in (None, "classification", "regression"):
        raise DatasetError(
            f"The task must be 'classification' or 'regression', not {task!r}.")
    path = _as_path(path)
    table = _read_table(path, max_rows, target_column)
    header, values, targets = table.header, table.values, table.targets
    t = values[:, targets]
    X = np.delete(values, targets, axis=1)
    if X.shape[1] == 0:
        raise DatasetError(f"Every column of '{path.name}' is a target: at least one must be an input.")
    feature_names = (tuple(h for i, h in enumerate(header) if i not in targets) if header
                     else tuple(f"x{i + 1}" for i in range(X.shape[1])))
    if table.texts is not None:  # class names: a classification target, whatever was asked
        if task == "regression":
            line, cell = table.first_text
            raise DatasetError(f"'{path.name}', line {line}, {table.columns[targets[0]]}: {cell!r} is not a "
                               "number, so the target cannot be predicted as a number (regression); "
                               "it names a class.", line=line, column=targets[0])
        y, target_names = _encode_names(table.texts, table.columns[targets[0]])
        return CsvTable(X, y, "classification", feature_names, target_names, path.stem)
    if len(targets) > 1:
        if task == "classification":
            raise DatasetError("A classification target is one column (the class); with "
                               f"{len(targets)} target columns the task must be regression.")
        task = "regression"
    task = task or _guess_task(t[:, 0])
    if task == "regression":
        target_names = (tuple(header[i] for i in targets) if header
                        else ("y",) if len(targets) == 1 else tuple(f"y{k + 1}" for k in range(len(targets))))
        return CsvTable(X, t, task, feature_names, target_names, path.stem)
    y, target_names = _encode_classes(t[:, 0], table.columns[targets[0]])
    return CsvTable(X, y, task, feature_names, target_names, path.stem)


@dataclass(frozen=True)
class CsvPreview:
    """The first rows of a CSV file as text, split as ``read_csv`` splits them.

    Attributes
    ----------
    header : tuple of str or None
    rows : tuple of tuple of str
    lines : tuple of int
        The 1-based line of each row in the file (blank lines are skipped).
    """

    header: tuple
    rows: tuple
    lines: tuple


def preview_csv(path, n_rows=20):
    """The header (if any) and the first ``n_rows`` rows of a CSV file, as text.

    Nothing is converted, so a preview shows even a file that will not load.
    Raises DatasetError (with its ``line``) if the file cannot be read at all.
    """
    path = _as_path(path)
    header, rows, lines = None, [], []
    with _open(path) as f:
        text = _lines(f, path.name)
        first, skipped = _first_filled(text)
        if first is None:
            return CsvPreview(None, (), ())
        reader = csv.reader(itertools.chain([first], text), delimiter=_delimiter(first))
        try:
            for cells in reader:
                cells = tuple(cell.strip() for cell in cells)
                if not any(cells):
                    continue
                if header is None and not rows and not all(_is_number(_point(c)) for c in cells):
                    header = cells
                    continue
                rows.append(cells)
                lines.append(skipped + reader.line_num)
                if len(rows) >= n_rows:
                    break
        except csv.Error:
            pass  # the preview ends there; reading the file says where and why
    return CsvPreview(header, tuple(rows), tuple(lines))


def _as_path(path):
    try:
        return Path(path)
    except TypeError:
        raise DatasetError(f"{path!r} is not a file name.") from None


def _open(path):
    """The file as text (UTF-8, or Latin-1 line by line where it is not), lines split as written."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read for good
            raise DatasetError(f"Cannot open '{path}': it is not a regular file.")
        if info.st_size > MAX_CSV_BYTES:
            raise DatasetError(f"'{path.name}' is too large to load "
                               f"(more than {MAX_CSV_BYTES // 2**20} MB).")
        # surrogateescape keeps bytes that are not UTF-8, so _lines can read them as Latin-1
        return open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except FileNotFoundError:
        raise DatasetError(f"Cannot open '{path}': there is no such file.") from None
    except IsADirectoryError:
        raise DatasetError(f"Cannot open '{path}': it is a folder, not a file.") from None
    except PermissionError:
        raise DatasetError(f"Cannot open '{path}': permission denied.") from None
    except OSError as exc:
        raise DatasetError(f"Cannot open '{path}': {exc.strerror or exc}.") from None


def _lines(f, name):
    """The lines of text file ``f``, each checked for length and for binary content."""
    number = 0
    while True:
        try:
            line = f.readline(MAX_CSV_LINE_CHARS + 1)
        except OSError as exc:
            raise DatasetError(f"'{name}' could not be read: {exc.strerror or exc}.") from None
        if not line:
            return
        number += 1
        if len(line) > MAX_CSV_LINE_CHARS:
            raise DatasetError(f"'{name}', line {number} is longer than {MAX_CSV_LINE_CHARS:,} "
                               "characters, too long for a row of numbers.", line=number)
        if "\0" in line:
            raise DatasetError(f"'{name}' is not a text file, so it cannot be a CSV file.")
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                # Numbers are ASCII in every encoding; only header names could suffer.
                line = line.encode("utf-8", "surrogateescape").decode("latin-1")
        yield line


def _first_filled(lines, count=lambda blank: blank + 1):
    """The first line that is not blank, and how many blank lines came before it (``count``
    adds one and may refuse too many); (None, count) when every line is blank."""
    blank = 0
    for line in lines:
        if line.strip(" \t\r\n\ufeff"):
            return line, blank
        blank = count(blank)
    return None, blank


def _delimiter(first):
    # Spreadsheets in many countries save with ';', and some tools with tabs.
    for candidate in (";", "\t"):
        if candidate in first:
            return candidate
    return ","


def _read_table(path, max_rows, target_column):
    """The file's _Table: the optional header and the (n_rows, n_columns) numbers, read row by row."""
    with _open(path) as f:
        lines = _lines(f, path.name)
        first, blank = _first_filled(lines, lambda blank: _count_blank(blank, 0, max_rows, path.name))
        if first is None:
            raise DatasetError(f"'{path.name}' is empty: it has no rows of numbers.")
        delimiter = _delimiter(first)
        # Where ';' or a tab separates values, a comma is a decimal comma (0,5 is 0.5).
        table = _Table(path.name, delimiter != ",", max_rows, blank, target_column)
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
        try:
            for cells in reader:
                table.add(blank + reader.line_num, [cell.strip() for cell in cells])
        except csv.Error as exc:
            line = blank + reader.line_num
            raise DatasetError(f"'{path.name}', line {line} could not be read "
                               f"as CSV ({exc}).", line=line) from None
    table.finish()
    return table


def _count_blank(blank, rows, max_rows, name):
    blank += 1
    if blank + rows > max_rows:
        raise DatasetError(f"'{name}' has more than {max_rows:,} rows (blank lines count too), "
                           "more than can be loaded. Use a smaller file.")
    return blank


class _Table:
    """Rows of numbers as they arrive, checked against the limits at once.

    The target columns are found as soon as the header (or the first row) is
    read. A single target column may hold class names: they are kept in
    ``texts`` (one per row, numbers as written) and the row holds 0 there.
    After ``finish``: ``header``, ``columns`` (labels for messages),
    ``values`` (n_rows, n_columns), ``targets`` (indices), ``texts`` (list of
    str, or None if every target is a number) and ``first_text`` (line, cell).
    """

    def __init__(self, name, decimal_comma, max_rows, blank, target_column):
        self.name, self.decimal_comma, self.max_rows, self.blank = name, decimal_comma, max_rows, blank
        self.header, self.columns, self.width, self.rows = None, None, None, []
        self.target_column, self.targets = target_column, None
        self.cells, self.first_text, self.texts, self.values = [], None, None, None

    def add(self, line, cells):
        if not any(cells):
            self.blank = _count_blank(self.blank, len(self.rows), self.max_rows, self.name)
            return  # harmless; line numbers still count them
        if self.decimal_comma:
            cells = [_point(cell) for cell in cells]
        if self.width is None:
            self._first(line, cells)
            if not all(_is_number(cell) for cell in cells):
                self.header = cells
                self.columns = _column_labels(cells, self.width, Path(self.name))
                self.targets = _target_indices(self.target_column, self.header, self.width)
                return
            self.columns = [f"column {i + 1}" for i in range(self.width)]
            self.targets = _target_indices(self.target_column, None, self.width)
        if len(cells) != self.width:
            first = "the header" if self.header else "the first row"
            raise DatasetError(f"'{self.name}', line {line} has {len(cells)} values, "
                               f"but {first} has {self.width} columns.", line=line)
        if len(self.rows) + self.blank >= self.max_rows:
            raise DatasetError(f"'{self.name}' has more than {self.max_rows:,} data rows"
                               f"{' (blank lines count too)' if self.blank else ''}, "
                               "more than can be loaded. Use a smaller file.", line=line)
        if len(self.targets) == 1:
            t = self.targets[0]
            cell = cells[t]
            self.cells.append(cell)
            if self.first_text is None and cell and not _is_number(cell):
                self.first_text = (line, cell)
            if len(cell) > MAX_NAME_CHARS:
                raise DatasetError(f"'{self.name}', line {line}, {self.columns[t]}: the class name is "
                                   f"{len(cell):,} characters long; at most {MAX_NAME_CHARS} are allowed.",
                                   line=line, column=t)
            if self.first_text is not None and cell:  # an empty one is reported missing
                cells = cells[:t] + ["0"] + cells[t + 1:]
        self.rows.append(_numbers(cells, line, self.columns, self.name, self.decimal_comma))

    def _first(self, line, cells):
        self.width = len(cells)
        if self.width < 2:
            raise DatasetError(
                f"'{self.name}', line {line} has only one column. A dataset needs "
                "at least one input column and a target column, separated by "
                "commas, semicolons or tabs.", line=line)
        if self.width > MAX_CSV_COLUMNS:
            raise DatasetError(
                f"'{self.name}', line {line} has {self.width:,} columns; at most {MAX_CSV_COLUMNS:,} "
                f"can be loaded ({MAX_LAYER_SIZE:,} inputs, the most an input layer holds, "
                "and the target).", line=line)

    def finish(self):
        if self.width is None:
            raise DatasetError(f"'{self.name}' is empty: it has no rows of numbers.")
        if not self.rows:
            raise DatasetError(f"'{self.name}' has a header row but no rows of numbers under it.")
        self.values = np.vstack(self.rows)
        self.rows = None
        if self.first_text is not None:
            self.texts = self.cells
        self.cells = None


def _point(cell):
    return cell.replace(",", ".") if "," in cell and _DECIMAL_COMMA.fullmatch(cell) else cell


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


def _target_indices(target_column, header, width):
    """The 0-based positions of the target columns, in the order given, each once."""
    if isinstance(target_column, (list, tuple)):
        if not target_column:
            raise DatasetError("Choose at least one target column.")
        found = [_target_index(c, header, width) for c in target_column]
        if len(set(found)) != len(found):
            raise DatasetError("The same target column was chosen twice.")
        return found
    return [_target_index(target_column, header, width)]


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


def _numbers(cells, line, columns, file_name, decimal_comma):
    """Return ndarray of shape (n_columns,), every value finite; else name the first bad cell."""
    try:  # fast path; the cell-by-cell loop below only runs to word an error
        values = np.array(cells, dtype=np.float64)
        if np.isfinite(values).all():
            return values
    except ValueError:
        pass
    for col, cell in enumerate(cells):
        where = f"'{file_name}', line {line}, {columns[col]}"
        if not cell:
            raise DatasetError(f"{where}: the value is missing.", line=line, column=col)
        try:
            value = float(cell)
        except ValueError:
            hint = (" (use a point, not a comma, for decimals, or separate values with ';')"
                    if not decimal_comma and _DECIMAL_COMMA.fullmatch(cell) else "")
            raise DatasetError(f"{where}: {cell!r} is not a number{hint}.", line=line, column=col) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise DatasetError(f"{where}: {cell!r} is not a usable number "
                               "(missing values, NaN and infinity are not allowed).", line=line, column=col)
    raise DatasetError(f"'{file_name}', line {line} could not be read as numbers.", line=line)


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


def _encode_names(texts, column):
    """Return (y, class names) for a column of class names, the classes sorted alphabetically
    (as numbers are sorted by value); encoded as ``_encode_classes`` encodes numbers."""
    names, index = np.unique(np.array(texts, dtype=object).astype(str), return_inverse=True)
    if len(names) < 2:
        raise DatasetError(f"The target {column} has only one value ({names[0]!r}), "
                           "so there are no classes to tell apart.")
    if len(names) > MAX_CLASSES:
        raise DatasetError(f"The target {column} has {len(names)} different values; "
                           f"a classification target may have at most {MAX_CLASSES}.")
    y = index[:, None].astype(np.float64) if len(names) == 2 else np.eye(len(names))[index]
    return y, tuple(str(n) for n in names)


def _show(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"
