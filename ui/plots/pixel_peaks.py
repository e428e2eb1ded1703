"""The points that draw a column of a growing History: a few per pixel, kept up to date row by row.

A line through every row of a long run puts dozens of points in each pixel
column; all that shows of them is the column's lowest and highest point and
the lines to its neighbours. ``PixelPeaks`` keeps, per pixel column of the
plot, the rows at the minimum and at the maximum, in the order they came (so
the line runs through the column from one to the other as the run did), plus
the curve's very first and last rows. Every peak stays, and the curve ends
where the run does.

It is incremental: each frame only the rows appended since the last one are
binned (the training worker shares the interpreter with the UI thread, and a
full history is 20,000 rows). Anything other than an append (the history's
``revision`` changes when it is truncated or thinned, or it gets shorter), a
change of the visible x range, of the plot's width or of the scale means a
rebuild from the history, done once.
"""

from __future__ import annotations

import math

import numpy as np


def _same(a, b):
    return a == b or (a != a and b != b)  # NaN equals NaN here


class RowTracker:
    """Which rows of a column are new since the last look, or that everything must be read again.

    A row once read is not expected to change: if the last row read has (a
    History's ``set_last``), or rows are gone, or ``key`` differs, it starts over.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        self.key = None
        self.n = 0
        self.last = None

    def new_rows(self, column, key):
        """``(start, again)``: rows ``[start, len(column))`` are new; ``again``: start over from row 0."""
        n = len(column)
        again = (key != self.key or n < self.n
                 or (self.n > 0 and not _same(float(column[self.n - 1]), self.last)))
        if again:
            self.key, self.n = key, 0
        start = self.n
        self.n = n
        self.last = float(column[n - 1]) if n else None
        return start, again


class Extent:
    """The smallest and largest finite value of a column, kept up to date as rows come in."""

    def __init__(self):
        self.rows = RowTracker()
        self.lo = self.hi = None

    def update(self, values, key):
        """``(lo, hi)`` over the finite values of ``values``, or ``(None, None)`` if there are none."""
        start, again = self.rows.new_rows(values, key)
        if again:
            self.lo = self.hi = None
        new = values[start:]
        new = new[np.isfinite(new)]
        if new.size:
            lo, hi = float(new.min()), float(new.max())
            self.lo = lo if self.lo is None else min(self.lo, lo)
            self.hi = hi if self.hi is None else max(self.hi, hi)
        return self.lo, self.hi


def column_peaks(x, y, col):
    """Per run of equal ``col``, the points at its minimum and its maximum, in the order they come.

    Parameters
    ----------
    x, y : ndarray of shape (n,)
        Finite points, x increasing.
    col : ndarray of int, shape (n,)
        The pixel column of each point, non-decreasing.

    Returns
    -------
    x, y, col : ndarray of shape (m,)
        One point per run whose extremes are one point (a run of one, or a flat
        run: its first point), else two.
    """
    n = len(y)
    starts = np.flatnonzero(col[1:] != col[:-1]) + 1
    if len(starts) + 1 == n:  # a point per column at most: all of them
        return x, y, col
    if len(starts) < 8:  # a few columns (a frame's new rows): fewer NumPy calls
        bounds = [0, *starts.tolist(), n]
        pick = []
        for s, e in zip(bounds, bounds[1:]):
            seg = y[s:e]
            lo, hi = s + int(seg.argmin()), s + int(seg.argmax())
            pick.extend((lo,) if lo == hi else (min(lo, hi), max(lo, hi)))
        return x[pick], y[pick], col[pick]
    starts = np.concatenate(([0], starts))
    run = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n)))
    index = np.arange(n)
    lo = np.minimum.reduceat(y, starts)
    hi = np.maximum.reduceat(y, starts)
    at_lo = np.minimum.reduceat(np.where(y == lo[run], index, n), starts)
    at_hi = np.minimum.reduceat(np.where(y == hi[run], index, n), starts)
    pick = np.empty((len(starts), 2), dtype=np.intp)
    pick[:, 0] = np.minimum(at_lo, at_hi)
    pick[:, 1] = np.maximum(at_lo, at_hi)
    keep = np.ones(pick.shape, dtype=bool)
    keep[:, 1] = pick[:, 1] != pick[:, 0]
    pick = pick[keep]
    return x[pick], y[pick], col[pick]


class PixelPeaks:
    """What to draw of one column of a History, for a plot ``columns`` pixels wide.

    ``points(steps, values, view, columns, ...)`` returns finite ``(x, y)``:
    per pixel column of the visible x range ``view``, the rows at the minimum
    and maximum in the order they came; the first and last row drawn as they
    are; and, either side of the visible range, the nearest row, so the line
    runs on to the edges. At most about ``2 * columns + 4`` points however long
    the history.
    """

    FEW = 24
    """New points up to this many are binned one by one: for so few, NumPy's calls cost more."""

    def __init__(self):
        self.rows = RowTracker()
        self.generation = 0
        """Counts the rebuilds: the points drawn before one may all have changed."""
        self.fixed = 0
        """How many of the points last returned stay as they are (later ones are added
        after them) until the next rebuild."""
        self._clear()

    def _clear(self):
        self.generation += 1
        self._x = np.empty(256)
        self._y = np.empty(256)
        self._m = 0  # points of the finished columns, in _x[:_m], _y[:_m]
        # the column still filling: its number and its extremes so far, (x, y) in order of x
        self._col = None
        self._open = []
        self._head = self._tail = None  # the first and the last point binned
        self._closed = False  # a row right of the view is binned: later rows cannot show

    def points(self, steps, values, view, columns, floor=None, key=None):
        """The points to draw, ``(x, y)``, each an ndarray of shape (m,).

        Parameters
        ----------
        steps, values : ndarray of shape (n,)
            The history's step column and the column drawn (NaN rows are left out).
        view : (float, float)
            The visible x range.
        columns : int
            The plot's width in pixels.
        floor : float, optional
            A log scale: values below ``floor`` are drawn at it, and y is log10 of the value.
        key : hashable
            Anything else that, when it changes, means the rows were not only appended
            to (the history's ``revision``).
        """
        x0, x1 = float(view[0]), float(view[1])
        columns = max(int(columns), 1)
        start, again = self.rows.new_rows(values, (key, x0, x1, columns, floor))
        if again:
            self._clear()
            # from the last finite row left of the view: the line comes in from the edge
            first = int(np.searchsorted(steps, x0, side="left"))
            before = np.flatnonzero(np.isfinite(values[:first]))
            start = int(before[-1]) if before.size else first
        if not self._closed and start < len(values):
            self._add(steps[start:], values[start:], x0, x1, columns / max(x1 - x0, 1e-300), floor)
        return self._result()

    def _add(self, x, y, x0, x1, scale, floor):
        keep = np.isfinite(y)
        x, y = x[keep], y[keep]
        if not len(y):
            return
        if x[0] < x0:  # rows left of the view: only the nearest to its edge is drawn
            if self._head is not None:
                self._clear()  # all binned so far is further left
            cut = int(np.searchsorted(x, x0, side="left")) - 1
            x, y = x[cut:], y[cut:]
        if x[-1] > x1:  # the first row right of the view, for the line to its edge; no later one
            cut = int(np.searchsorted(x, x1, side="right")) + 1
            x, y = x[:cut], y[:cut]
            self._closed = True
        if floor is not None:
            y = np.log10(np.maximum(y, floor))
        if self._head is None:
            self._head = (float(x[0]), float(y[0]))
        self._tail = (float(x[-1]), float(y[-1]))
        if len(y) <= self.FEW:
            self._add_few(x.tolist(), y.tolist(), x0, scale)
            return
        col = np.floor((x - x0) * scale).astype(np.int64)
        px, py, pcol = column_peaks(x, y, col)
        # the first column's extremes may add to the open column's; the last's are the open column now
        first = int(np.searchsorted(pcol, pcol[0], side="right")) if pcol[0] == self._col else 0
        if first:
            self._add_few(px[:first].tolist(), py[:first].tolist(), x0, scale)
        if first < len(px):
            last = int(np.searchsorted(pcol, pcol[-1], side="left"))
            if self._open:
                ox, oy = zip(*self._open)
                self._push(ox, oy)
            self._push(px[first:last], py[first:last])
            self._col = int(pcol[-1])
            self._open = list(zip(px[last:].tolist(), py[last:].tolist()))

    def _add_few(self, xs, ys, x0, scale):
        """``_add`` for a few points (lists of floats), as column_peaks would bin them."""
        col, points = self._col, self._open
        done = []
        for x, y in zip(xs, ys):
            c = math.floor((x - x0) * scale)
            if c != col:
                done.extend(points)
                col, points = c, [(x, y)]
                continue
            lo, hi = (points[0], points[-1]) if points[0][1] <= points[-1][1] else (points[-1], points[0])
            if y < lo[1]:
                lo = (x, y)
            elif y > hi[1]:
                hi = (x, y)
            else:
                continue
            points = [lo, hi] if lo[0] < hi[0] else [hi, lo]
        self._col, self._open = col, points
        if done:
            dx, dy = zip(*done)
            self._push(dx, dy)

    def _push(self, x, y):
        m = self._m + len(x)
        if m > len(self._x):
            size = max(m, 2 * len(self._x))
            self._x = np.concatenate((self._x[:self._m], np.empty(size - self._m)))
            self._y = np.concatenate((self._y[:self._m], np.empty(size - self._m)))
        self._x[self._m:m] = x
        self._y[self._m:m] = y
        self._m = m

    def _result(self):
        if self._head is None:
            self.fixed = 0
            return np.empty(0), np.empty(0)
        points = list(self._open)
        head = []
        first = self._x[0] if self._m else points[0][0]
        if self._head[0] != first:
            head = [self._head]
        if self._tail[0] != points[-1][0]:
            points.append(self._tail)
        # while the first column is the only one, its extremes (and so the head) move
        self.fixed = self._m + len(head) if self._m else 0
        hx, hy = zip(*head) if head else ((), ())
        ox, oy = zip(*points)
        return np.concatenate((hx, self._x[:self._m], ox)), np.concatenate((hy, self._y[:self._m], oy))
