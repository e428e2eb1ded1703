"""The loss plot: training and test loss per step, and accuracy for classification.

Each curve is created once and fed, every frame, the few points per pixel
column that show of the history (pixel_peaks.py): its lowest and highest
point per column, worked out only for the rows new since the last frame. The
UI thread shares the interpreter with the training worker, so a frame drawn
cheaply leaves the time to training; the history itself is bounded (see
simulator/history.py).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..theme import plot_colours
from .pixel_peaks import Extent, PixelPeaks
from .view_support import CLASS_COLOURS, PlainAxis

TRAIN_COLOUR = CLASS_COLOURS[1]
TEST_COLOUR = CLASS_COLOURS[0]
LOG_FLOOR = 1e-10
"""On the log scale a loss of exactly 0 (or below this) is drawn at this value."""


class LossAxis(PlainAxis):
    """An axis that writes plain numbers (0.02, not "2 x 0.01" or "2·10⁻²"; steps as 20,000),
    and on a log scale ticks at 1, 2 and 5 times the powers of ten, only as many as fit."""

    def __init__(self, orientation="left", **kwargs):
        super().__init__(orientation, **kwargs)

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        return [(None, log_ticks(minVal, maxVal, size))]

    def logTickStrings(self, values, scale, spacing):
        return [f"{10.0 ** v:.3g}" for v in values]


def log_ticks(lo, hi, size, spacing=28.0):
    """log10 of the tick values between 10**lo and 10**hi for an axis ``size`` pixels long.

    The densest of: every power of ten times 1, 2 and 5; times 1 and 3; every power of ten; every
    n-th power of ten, whose ticks stay at least ``spacing`` pixels apart. Within a
    single decade, the plain linear ticks of the values.
    """
    lo, hi = sorted((float(lo), float(hi)))
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return []
    room = max(2, int(size // spacing))
    first, last = math.floor(lo), math.ceil(hi)
    for mantissas in ((1, 2, 5), (1, 3), (1,)):
        ticks = [e + math.log10(m) for e in range(first, last + 1) for m in mantissas]
        ticks = [t for t in ticks if lo <= t <= hi]
        if 2 <= len(ticks) <= room:
            return ticks
        if len(ticks) > room:
            continue
        # fewer than two in view: a range inside one decade gets linear ticks
        a, b = 10.0 ** lo, 10.0 ** hi
        step = 10.0 ** math.floor(math.log10((b - a) / 2))
        for m in (1, 2, 5, 10):
            if (b - a) / (step * m) <= room:
                step *= m
                break
        values = np.arange(math.ceil(a / step) * step, b + step / 2, step)
        return [math.log10(v) for v in values if a <= v <= b and v > 0]
    stride = math.ceil((last - first) / room)
    return [float(e) for e in range(first, last + 1) if e % stride == 0 and lo <= e <= hi]


class _Piece(pg.PlotCurveItem):
    """A line through finite points in order of x, lighter per frame than a PlotDataItem.

    No downsampling or clipping of its own (the points come a few per pixel, from
    the visible range), no finite check, and its bounds come from the points
    once, not from pyqtgraph's nanmin/nanmax over them at every paint. A curve
    of one point draws a dot: a line needs two.
    """

    DOT_RADIUS = 3.0

    def __init__(self, colour, name=None):
        # width 1: wider lines are several times slower to draw in Qt's raster engine
        super().__init__(pen=pg.mkPen(colour, width=1), name=name, skipFiniteCheck=True)
        self._dot_brush = pg.mkBrush(colour)
        self._bounds = (None, None)
        self.dot = False

    def set_points(self, x, y, dot=False):
        """Draw the line through ``(x, y)``; ``dot``: the one point is drawn as a dot."""
        if len(x):
            self._bounds = ((float(x[0]), float(x[-1])), (float(y.min()), float(y.max())))
        else:
            self._bounds = (None, None)
        self.dot = dot and len(x) == 1
        self.setData(x, y)

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        if frac >= 1.0 and orthoRange is None:
            return self._bounds[ax] or (None, None)
        return super().dataBounds(ax, frac, orthoRange)

    def pixelPadding(self):
        # a dot reaches past its point by its radius
        pad = super().pixelPadding()
        return max(pad, self.DOT_RADIUS + 1) if self.dot else pad

    def paint(self, p, opt, widget):
        if self.dot:
            at = p.transform().map(pg.QtCore.QPointF(float(self.xData[0]), float(self.yData[0])))
            p.save()
            p.resetTransform()
            p.setRenderHint(p.RenderHint.Antialiasing, True)
            p.setPen(pg.QtCore.Qt.NoPen)
            p.setBrush(self._dot_brush)
            p.drawEllipse(at, self.DOT_RADIUS, self.DOT_RADIUS)
            p.restore()
            return
        super().paint(p, opt, widget)


class PeakCurve(_Piece):
    """One curve of the plot: settled chunks of points that no longer change, and a live end.

    Each frame only the live end is fed anew, so the scene repaints a narrow
    strip of the plot rather than all of it, and paints only the chunks in that
    strip. Every ``CHUNK`` points the live end hands its points to a new chunk
    item, which covers the same strip. A rebuild (see PixelPeaks: the history
    thinned or truncated, a new range or width), which redraws everything
    anyway, puts all the settled points in one chunk again.

    This item holds the pen, the name and the chunks (its children: an item
    added to the view makes pyqtgraph repaint the whole view) and draws nothing
    itself; ``drawn()`` is the whole curve.
    """

    CHUNK = 32
    """Points per chunk: the live end spans at most about this many (a strip a few
    dozen pixels wide, for the training curves)."""

    def __init__(self, colour, name):
        super().__init__(colour, name)
        self.setFlag(self.GraphicsItemFlag.ItemHasNoContents)
        self._colour = colour
        self.live = _Piece(colour)
        self.chunks = []
        self._spare = []  # chunk items emptied and hidden by a rebuild, for the next chunks
        self._settled = 0  # points drawn by the chunks (the live end starts at the last of them)
        self._generation = None
        self._all = (np.empty(0), np.empty(0))

    def attach(self, plot):
        # into the view, not the plot's list of curves: the plot's menu (downsampling, alpha,
        # FFT) calls PlotDataItem methods on those
        plot.getViewBox().addItem(self)
        plot.getViewBox().addItem(self.live)

    def drawn(self):
        """``(x, y)`` of the whole curve, as drawn."""
        return self._all

    def boundingRect(self):
        return pg.QtCore.QRectF()  # the chunks and the live end draw the curve

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        # the whole curve's, for the view's View All
        x, y = self._all
        if not len(x):
            return (None, None)
        return (float(x[0]), float(x[-1])) if ax == 0 else (float(y.min()), float(y.max()))

    def show_points(self, x, y, fixed=0, generation=None):
        """Draw the line through ``(x, y)``, whose first ``fixed`` points stay as they are
        while ``generation`` does not change (see PixelPeaks)."""
        self._all = (x, y)
        if generation != self._generation:
            self._generation = generation
            for chunk in self.chunks:
                chunk.set_points(x[:0], y[:0])
                chunk.hide()  # out of the scene's updates until it is used again
            self._spare.extend(reversed(self.chunks))
            self.chunks = []
            self._settled = 0
            if fixed >= 2:
                self._settle(x, y, fixed)
        while fixed - self._settled >= self.CHUNK:
            self._settle(x, y, self._settled + self.CHUNK)
        start = max(self._settled - 1, 0)  # from the last settled point: the line goes on from it
        self.live.set_points(x[start:], y[start:], dot=len(x) == 1)

    def _settle(self, x, y, end):
        """Hand the points up to ``end`` to a chunk."""
        start = max(self._settled - 1, 0)
        if self._spare:
            chunk = self._spare.pop()
            chunk.show()
        else:
            chunk = _Piece(self._colour)
            chunk.setParentItem(self)
        chunk.set_points(x[start:end], y[start:end])
        self.chunks.append(chunk)
        self._settled = end


class LossPlot(QWidget):
    """Loss (top) and accuracy (bottom, classification only) against the step.

    ``set_history(history)`` gives it the controller's record (a History the
    controller extends from every snapshot); ``show_snapshot`` redraws from it.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.history = None
        self._classification = None
        self.setToolTip("Each point is one training step. Training loss: the mean loss over that step's "
                        "mini-batch (so it jitters when the batch is small). Test loss: the mean over the "
                        "whole test set, evaluated about 30 times a second. Lower is better.")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(plot_colours()["background"])
        self.loss_plot = self.graphics.addPlot(row=0, col=0, axisItems={"left": LossAxis(),
                                                                        "bottom": LossAxis("bottom")})
        self.loss_plot.setLabel("left", "mean loss")
        # no grid: pyqtgraph paints it with the axes, at a cost every frame
        self.acc_plot = self.graphics.addPlot(row=1, col=0, axisItems={"left": LossAxis(),
                                                                       "bottom": LossAxis("bottom")})
        self.acc_plot.setLabel("left", "accuracy")
        self.acc_plot.setLabel("bottom", "training step")
        self.acc_plot.setXLink(self.loss_plot)
        self.acc_plot.setYRange(0, 1.02)
        for plot in (self.loss_plot, self.acc_plot):
            # for curves other views add (the step scrubber's run to come); ours come thinned
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            # ranges move in jumps (see _fit), not every frame: a pyqtgraph axis
            # redrawn at 30 Hz costs more than the curves
            plot.disableAutoRange()
            plot.hideButtons()
            for axis in ("left", "bottom"):  # readable on the theme's background
                plot.getAxis(axis).setPen(pg.mkPen(plot_colours()["axis"]))
                plot.getAxis(axis).setTextPen(pg.mkPen(plot_colours()["text"]))
        self.loss_plot.getAxis("bottom").setStyle(showValues=False)
        self._x_max = None
        self._y_range = None
        self._last_step = None
        self._legend_key = None
        self._drawing = False
        self.train_loss = PeakCurve(TRAIN_COLOUR, "training")
        self.test_loss = PeakCurve(TEST_COLOUR, "test")
        self.train_acc = PeakCurve(TRAIN_COLOUR, "training")
        self.test_acc = PeakCurve(TEST_COLOUR, "test")
        # (curve, its plot, the history column it draws, what of it to draw)
        self._curves = [(curve, plot, name, PixelPeaks()) for curve, plot, name in (
            (self.train_loss, self.loss_plot, "train_loss"), (self.test_loss, self.loss_plot, "test_loss"),
            (self.train_acc, self.acc_plot, "train_accuracy"), (self.test_acc, self.acc_plot, "test_accuracy"))]
        for curve, plot, _, _ in self._curves:
            curve.attach(plot)
        self._extents = {"train_loss": Extent(), "test_loss": Extent()}
        # the points drawn are tied to the visible range and the plot's width: a zoom, a pan
        # or a resize draws them again (the x ranges are linked)
        self.loss_plot.getViewBox().sigXRangeChanged.connect(self._on_view_changed)
        for plot in (self.loss_plot, self.acc_plot):
            plot.getViewBox().sigResized.connect(self._on_view_changed)

        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Show the loss on a logarithmic axis: small losses late in training stay "
                                  f"visible. A loss of 0 has no place on it and is drawn at {LOG_FLOOR:g}.")
        self.log_scale.toggled.connect(self._on_log_toggled)
        self.note = QLabel()
        self.note.setStyleSheet(f"color: {plot_colours()['text']};")
        # the legend: a line of text above the plots, wrapping in a narrow dock, never over a curve
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self._fill_legend(False, True)
        top = QHBoxLayout()
        top.addWidget(self.legend, 1)
        top.addWidget(self.note)
        top.addWidget(self.log_scale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.graphics, 1)
        self._show_accuracy(False)

    def set_history(self, history):
        self.history = history
        for *_, peaks in self._curves:
            peaks.rows.reset()
        for extent in self._extents.values():
            extent.rows.reset()

    def set_datasets(self, train, test):
        self._show_accuracy(train is not None and train.task == "classification")
        self._fill_legend(self._classification, test is not None and test.n_samples > 0)

    def _fill_legend(self, classification, has_test):
        """Say what each colour is a mean over; the test entry only when there is a test set."""
        if (classification, has_test) == self._legend_key:
            return
        self._legend_key = (classification, has_test)
        # what Trainer.evaluate_now writes into the history as the view is drawn, and a step's own loss
        entries = [(TRAIN_COLOUR, "training loss: mean over each step's mini-batch, at every step")]
        if classification:
            entries.append((TRAIN_COLOUR, "training accuracy: on the whole training set"))
        if has_test:
            what = "loss and accuracy" if classification else "loss"
            entries.append((TEST_COLOUR, f"test {what}: on the whole test set"))
        whole = " Whole sets are evaluated each time the view is drawn." if len(entries) > 1 else ""
        self.legend.setText(" &nbsp; ".join(
            f"<span style='color:{colour}'>━━</span>&nbsp;{html.escape(text, quote=False)}" for colour, text in entries)
            + whole)

    def _show_accuracy(self, on):
        if on != self._classification:
            self._classification = on
            self.acc_plot.setVisible(on)
            self.loss_plot.setLabel("bottom", None if on else "training step")
            self.loss_plot.getAxis("bottom").setStyle(showValues=not on)

    def _on_log_toggled(self, on):
        x_range = self.loss_plot.viewRange()[0]
        self.loss_plot.setLogMode(y=on)
        # setLogMode turns pyqtgraph's auto-range back on: the ranges stay _fit's
        self.loss_plot.disableAutoRange()
        self.loss_plot.setXRange(*x_range, padding=0)
        self._y_range = None
        self.redraw()

    def _on_view_changed(self, *args):
        if not self._drawing and self.isVisible():
            self.redraw()

    def _fit(self, steps, lo, hi):
        """Widen the x range in jumps of 1.5x as steps come in; move the y range
        only when the losses (from ``lo`` to ``hi``, on the axis's scale; None
        if there are none) leave it or shrink to a quarter of it."""
        if not len(steps):
            # a new run (another project, a reset): nothing of the old one's ranges stays
            if self._x_max is not None:
                self._x_max = self._y_range = self._last_step = None
                self.loss_plot.setXRange(0.0, 10.0, padding=0)
                self.loss_plot.setYRange(0.0, 1.0, padding=0)
            return
        last = float(steps[-1])
        went_back = self._last_step is not None and last < self._last_step
        self._last_step = last
        if went_back:
            self._y_range = None
        if self._x_max is None or went_back or last > self._x_max or last < self._x_max / 4:
            self._x_max = max(10.0, last * 1.5)
            first = float(steps[0])
            # a little room before the first step, so its point is not on the axis
            self.loss_plot.setXRange(first - 0.02 * (self._x_max - first), self._x_max, padding=0)
        if lo is not None:
            r = self._y_range
            if r is None or not (r[0] <= lo and hi <= r[1] and (hi - lo) >= (r[1] - r[0]) / 4):
                # a flat loss (or a single step) still gets a readable range around it
                floor = 0.3 if self.log_scale.isChecked() else max(0.5 * abs(hi), 1e-9)
                span = max(hi - lo, floor)
                self._y_range = (lo - 0.1 * span, hi + 0.1 * span)
                self.loss_plot.setYRange(*self._y_range, padding=0)

    def show_snapshot(self, snapshot):
        if self.isVisible():  # behind another tab it catches up when shown (showEvent)
            self.redraw()

    def showEvent(self, event):
        # hidden, it was not drawn: catch up with the history at once
        super().showEvent(event)
        self.redraw()

    def redraw(self):
        h = self.history
        if h is None:
            return
        self._drawing = True
        try:
            self._draw(h)
        finally:
            self._drawing = False

    def _draw(self, h):
        steps = h.column("step")
        log = self.log_scale.isChecked()
        floor = LOG_FLOOR if log else None
        # the y range spans every loss of the run, not only what the points of the view show
        extents = [self._extents[name].update(h.column(name), h.revision) for name in self._extents]
        lows = [lo for lo, _ in extents if lo is not None]
        lo = min(lows) if lows else None
        hi = max(hi for _, hi in extents if hi is not None) if lows else None
        floored = log and lo is not None and lo < LOG_FLOOR  # a loss of 0 has no place on a log axis
        if log and lo is not None:
            lo, hi = math.log10(max(lo, LOG_FLOOR)), math.log10(max(hi, LOG_FLOOR))
        note = f"losses below {LOG_FLOOR:g} (or 0) drawn at {LOG_FLOOR:g}" if floored else ""
        if note != self.note.text():
            self.note.setText(note)
        self._fit(steps, lo, hi)
        view = self.loss_plot.getViewBox().viewRange()[0]
        for curve, plot, name, peaks in self._curves:
            if plot is self.acc_plot and not self._classification:
                continue
            x, y = peaks.points(steps, h.column(name), view, self._columns(plot),
                                floor if plot is self.loss_plot else None, h.revision)
            curve.show_points(x, y, peaks.fixed, peaks.generation)

    def _columns(self, plot):
        """The plot's width in device pixels (a guess before it is laid out)."""
        width = plot.getViewBox().width()
        if width < 50:
            return 1000
        return int(round(width * self.graphics.devicePixelRatioF()))
