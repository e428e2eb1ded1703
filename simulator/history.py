"""The record of training: a row per step, bounded however long a run is.

Recent steps are kept at full resolution; once the record is full, older rows
are merged into evenly spaced groups whose size doubles as the run grows (as
TensorBoard keeps a bounded sample of a long run). A merged row carries its
last step's number and epoch and the mean of the group's finite values, each
row weighted by the steps it stands for (the gap to the step of the row
before), so a test value evaluated on one step of the group survives the
merge and a merged row is the mean over every step it covers.
"""

from itertools import chain

import numpy as np

from .limits import MAX_HISTORY_ROWS

COLUMNS = ("step", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")
_APPENDED_ROWS = 256  # rows appended at most before they are written into the record


class History:
    """Loss and accuracy per step, with the step number as its first column.

    Accuracy is NaN for regression; accuracy and test values are NaN on steps
    where they were not evaluated (the app evaluates them at frame rate: see
    ``Trainer.evaluate_each_step``) or there is no test set. The row of step ``s``
    (1-based: the ``s``-th update) holds the loss that step's forward pass saw,
    i.e. the state *before* update ``s``.

    Parameters
    ----------
    max_rows : int
        Rows kept at most; an even number of at least 4.
    """

    def __init__(self, max_rows=MAX_HISTORY_ROWS, capacity=1024):
        self.max_rows = max(4, int(max_rows) // 2 * 2)
        self._data = np.full((len(COLUMNS), min(capacity, self.max_rows)), np.nan)
        self.n = 0  # rows in _data (see _flush)
        self._revision = 0  # counts changes other than appends (truncate, thinning)
        self._n_old, self._stride = 0, 2  # rows [0, _n_old) each stand for _stride steps
        self._origin = 0.0  # the step before the first row: row k stands for steps (step[k-1], step[k]]
        # Rows appended and not yet in _data: a step appends a tuple to a list, and
        # they are written in bulk (_flush) before anything reads the record. Six
        # writes into the array cost 0.8 µs, about 3 % of a Playground step (1.3 % of its instructions).
        self._appended = []

    def __len__(self):
        self._flush()
        return self.n

    @property
    def revision(self):
        """Counts changes other than appends (truncate, thinning): a reader that
        had the rows up to some step needs them all again when it changes."""
        self._flush()
        return self._revision

    def append(self, epoch, train_loss, train_accuracy, test_loss, test_accuracy, step=None):
        """Add the row of one step (``step`` defaults to the last step + 1)."""
        if step is None:
            self._flush()
            step = self._data[0, self.n - 1] + 1 if self.n else 1
        appended = self._appended
        appended.append((step, epoch, train_loss, train_accuracy, test_loss, test_accuracy))
        if len(appended) == _APPENDED_ROWS:
            self._flush()

    def _flush(self):
        """Write the appended rows into the record, as ``extend`` does."""
        if self._appended:
            rows, self._appended = self._appended, []
            values = np.fromiter(chain.from_iterable(rows), float, len(rows) * len(COLUMNS))  # np.array's pace x1.5
            self._extend(values.reshape(len(rows), len(COLUMNS)).T)

    def set_last(self, name, value):
        """Fill one column of the newest row (the test values evaluated at frame rate)."""
        self._flush()
        if self.n:
            self._data[COLUMNS.index(name), self.n - 1] = value

    def truncate(self, step):
        """Forget every row after ``step`` (used when weights are rolled back or a run undone)."""
        self._flush()
        keep = int(np.searchsorted(self._data[0, :self.n], step, side="right"))
        if keep < self.n:
            self._data[:, keep:self.n] = np.nan
            self.n = keep
            self._n_old = min(self._n_old, keep)
            if not keep:
                self._stride = 2
            self._revision += 1

    def rows_after(self, step):
        """A copy of the rows after ``step``, shape (n_columns, k)."""
        self._flush()
        start = int(np.searchsorted(self._data[0, :self.n], step, side="right"))
        return self._data[:, start:self.n].copy()

    @property
    def origin(self):
        """The step before the first row (the first row stands for the steps after it)."""
        self._flush()
        return self._origin

    def extend(self, rows, origin=None):
        """Append rows of shape (n_columns, k), as ``rows_after`` returns them.

        ``origin``: when this history is empty, the step before the first row
        (the source's ``origin`` when copying a whole, thinned record); by
        default the first row stands for one step.
        """
        self._flush()
        self._extend(np.asarray(rows, dtype=float).reshape(len(COLUMNS), -1), origin)

    def _extend(self, rows, origin=None):
        if not self.n and rows.shape[1]:
            self._origin = rows[0, 0] - 1 if origin is None else float(origin)
        done = 0
        while done < rows.shape[1]:
            if self.n == self._data.shape[1]:
                self._make_room(rows.shape[1] - done)
            take = min(rows.shape[1] - done, self._data.shape[1] - self.n)
            self._data[:, self.n:self.n + take] = rows[:, done:done + take]
            self.n += take
            done += take

    def column(self, name):
        """A read-only view of one column, shape (n_rows,)."""
        self._flush()
        view = self._data[COLUMNS.index(name), :self.n]
        view.flags.writeable = False
        return view

    def last(self, name):
        self._flush()
        return float(self._data[COLUMNS.index(name), self.n - 1]) if self.n else float("nan")

    def to_rows(self):
        """Rows of (step, epoch, train_loss, train_accuracy, test_loss, test_accuracy)."""
        self._flush()
        data = self._data[:, :self.n]
        return [(int(row[0]), *row[1:]) for row in data.T.tolist()]

    # -------------------------------------------------------------- internals
    def _make_room(self, wanted):
        if self._data.shape[1] < self.max_rows:
            size = min(self.max_rows, max(2 * self._data.shape[1], self.n + wanted))
            grown = np.full((len(COLUMNS), size), np.nan)
            grown[:, :self.n] = self._data[:, :self.n]
            self._data = grown
            return
        self._thin()

    def _thin(self):
        """Move the older part of the recent rows into the thinned part.

        Rows ``[0, n_old)`` each stand for ``stride`` steps; the rest are at
        full resolution. When the thinned part is full its rows merge in pairs
        and the stride doubles, so old steps stay evenly spaced.
        """
        half = self.max_rows // 2
        if self._n_old >= half:
            pairs = self._n_old // 2
            merged = _merge(self._data[:, :2 * pairs].reshape(len(COLUMNS), pairs, 2),
                            self._weights(0, 2 * pairs).reshape(pairs, 2))
            rest = self.n - 2 * pairs
            self._data[:, :pairs] = merged
            self._data[:, pairs:pairs + rest] = self._data[:, 2 * pairs:self.n]
            self._n_old -= pairs
            self.n -= pairs
            self._stride *= 2
        take = self.n - self._n_old - half // 2
        group = min(self._stride, take)
        take -= take % group
        groups = take // group
        start = self._n_old
        merged = _merge(self._data[:, start:start + take].reshape(len(COLUMNS), groups, group),
                        self._weights(start, start + take).reshape(groups, group))
        rest = self.n - start - take
        self._data[:, start:start + groups] = merged
        self._data[:, start + groups:start + groups + rest] = self._data[:, start + take:self.n]
        self._n_old += groups
        self.n = start + groups + rest
        self._data[:, self.n:] = np.nan
        self._revision += 1


    def _weights(self, start, stop):
        """How many steps each of rows [start, stop) stands for, shape (stop - start,)."""
        steps = self._data[0, start:stop]
        before = np.empty_like(steps)
        before[0] = self._data[0, start - 1] if start else self._origin
        before[1:] = steps[:-1]
        return np.maximum(steps - before, 1.0)


def _merge(groups, weights):
    """One row per group of shape (n_columns, n_groups, size): the last step and
    epoch, and the mean of each value's finite entries weighted by ``weights``
    (n_groups, size), the steps each row stands for (NaN if none is finite)."""
    out = np.empty(groups.shape[:2])
    out[:2] = groups[:2, :, -1]
    values = groups[2:]
    finite = np.isfinite(values)
    count = np.where(finite, weights, 0.0).sum(axis=2)
    total = np.where(finite, values * weights, 0.0).sum(axis=2)
    out[2:] = np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)
    return out
