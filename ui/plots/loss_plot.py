"""The loss plot: training and test loss per step, and accuracy for classification.

Each curve is created once and fed with ``setData``; peak downsampling and
clipping to the visible range keep a run of a million steps smooth (the
history itself is bounded, see simulator/history.py).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..theme import plot_colours
from .view_support import CLASS_COLOURS, PlainAxis

TRAIN_COLOUR = CLASS_COLOURS[1]
TEST_COLOUR = CLASS_COLOURS[0]
LOG_FLOOR = 1e-10
"""On the log scale a loss of exactly 0 (or below this) is drawn at this value."""
SINGLE_POINT = {"symbol": "o", "symbolSize": 6}
"""A curve of one point draws its point: a line needs two."""


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


PEAK_BINS = 1500
"""A curve longer than twice this is handed to pyqtgraph as the minimum and
maximum of this many runs of points: every peak stays, and pyqtgraph's own
downsampling, bounds and path work (all over every point, every frame) shrink."""


def peaks(x, y, bins=PEAK_BINS):
    """``(x, y)`` with runs of samples replaced by their minimum and maximum.

    Parameters
    ----------
    x, y : ndarray of shape (n,)
        Finite values, x increasing.

    Returns
    -------
    x, y : ndarray of shape (m,), m < 4 * bins + n / bins
        Unchanged if n <= 2 * bins. Otherwise, with runs of ``size = n // bins``
        samples, the first n mod size samples as they are, then per run its
        first and last x with its minimum and maximum y (the extremes of every
        run drawn, as pyqtgraph's ``peak`` downsampling draws them).
    """
    n = len(y)
    if n <= 2 * bins:
        return x, y
    size = n // bins
    runs = n // size
    head = n - size * runs
    ys = y[head:].reshape(runs, size)
    xs = x[head:].reshape(runs, size)
    out_x = np.empty((runs, 2))
    out_y = np.empty((runs, 2))
    out_x[:, 0], out_x[:, 1] = xs[:, 0], xs[:, -1]
    out_y[:, 0], out_y[:, 1] = ys.min(axis=1), ys.max(axis=1)
    return np.concatenate([x[:head], out_x.ravel()]), np.concatenate([y[:head], out_y.ravel()])


def _curve(plot, colour, name, dash=False):
    # width 1: wider lines are several times slower to draw in Qt's raster engine
    pen = pg.mkPen(colour, width=1, style=pg.QtCore.Qt.DashLine if dash else pg.QtCore.Qt.SolidLine)
    curve = plot.plot([], [], pen=pen, name=name, symbolBrush=colour, symbolPen=None)
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    curve.setSkipFiniteCheck(True)  # redraw() passes finite values only
    return curve


def _set(curve, x, y):
    """Feed a curve; a single point gets a symbol so that it shows."""
    single = len(x) == 1
    if single != (curve.opts.get("symbol") is not None):
        curve.setSymbol(SINGLE_POINT["symbol"] if single else None)
        curve.setSymbolSize(SINGLE_POINT["symbolSize"])
    curve.setData(x, y)


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
        self.train_loss = _curve(self.loss_plot, TRAIN_COLOUR, "training")
        self.test_loss = _curve(self.loss_plot, TEST_COLOUR, "test")
        self.train_acc = _curve(self.acc_plot, TRAIN_COLOUR, "training")
        self.test_acc = _curve(self.acc_plot, TEST_COLOUR, "test")

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

    def set_datasets(self, train, test):
        self._show_accuracy(train is not None and train.task == "classification")
        self._fill_legend(self._classification, test is not None and test.n_samples > 0)

    def _fill_legend(self, classification, has_test):
        """Say what each colour is a mean over; the test entry only when there is a test set."""
        if (classification, has_test) == self._legend_key:
            return
        self._legend_key = (classification, has_test)
        what = "loss and accuracy" if classification else "loss"
        entries = [(TRAIN_COLOUR, f"training {what}: mean over each step's mini-batch")]
        if has_test:
            entries.append((TEST_COLOUR, f"test {what}: mean over the whole test set"))
        self.legend.setText("One point per training step. " + " &nbsp; ".join(
            f"<span style='color:{colour}'>━━</span>&nbsp;{html.escape(text, quote=False)}" for colour, text in entries))

    def _show_accuracy(self, on):
        if on != self._classification:
            self._classification = on
            self.acc_plot.setVisible(on)
            self.loss_plot.setLabel("bottom", None if on else "training step")
            self.loss_plot.getAxis("bottom").setStyle(showValues=not on)

    def _on_log_toggled(self, on):
        self.loss_plot.setLogMode(y=on)
        self._y_range = None
        self.redraw()

    def _fit(self, steps, losses):
        """Widen the x range in jumps of 1.5x as steps come in; move the y range
        only when the losses leave it or shrink to a quarter of it."""
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
        values = np.concatenate(losses) if losses else np.empty(0)
        if self.log_scale.isChecked():
            values = np.log10(values)  # already floored: all positive
        if values.size:
            lo, hi = float(values.min()), float(values.max())
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
        steps = h.column("step")
        log = self.log_scale.isChecked()
        shown = []
        floored = False
        for curve, name in ((self.train_loss, "train_loss"), (self.test_loss, "test_loss")):
            y = h.column(name)
            keep = np.isfinite(y)
            y = y[keep]
            if log and y.size and y.min() < LOG_FLOOR:
                y = np.maximum(y, LOG_FLOOR)  # a loss of 0 has no place on a log axis
                floored = True
            _set(curve, *peaks(steps[keep], y))
            shown.append(y)
        note = f"losses below {LOG_FLOOR:g} (or 0) drawn at {LOG_FLOOR:g}" if floored else ""
        if note != self.note.text():
            self.note.setText(note)
        self._fit(steps, shown)
        if self._classification:
            for curve, name in ((self.train_acc, "train_accuracy"), (self.test_acc, "test_accuracy")):
                y = h.column(name)
                keep = np.isfinite(y)
                _set(curve, *peaks(steps[keep], y[keep]))
