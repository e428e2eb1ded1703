"""The loss plot: training and test loss per step, and accuracy for classification.

Each curve is created once and fed with ``setData``; peak downsampling and
clipping to the visible range keep a run of a million steps smooth (the
history itself is bounded, see simulator/history.py).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget
from ..theme import plot_colours

TRAIN_COLOUR = "#1f77b4"
TEST_COLOUR = "#ff7f0e"
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
    curve = plot.plot([], [], pen=pen, name=name)
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    curve.setSkipFiniteCheck(True)  # redraw() passes finite values only
    return curve


class LossPlot(QWidget):
    """Loss (top) and accuracy (bottom, classification only) against the step.

    ``set_history(history)`` gives it the controller's record (a History the
    controller extends from every snapshot); ``show_snapshot`` redraws from it.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.history = None
        self._classification = None
        self.setToolTip("Loss per step: the batch's loss when training (blue) and the test set's "
                        "(orange, evaluated about 30 times a second). Lower is better.")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(plot_colours()["background"])
        self.loss_plot = self.graphics.addPlot(row=0, col=0)
        self.loss_plot.setLabel("left", "loss")
        # no grid: pyqtgraph paints it with the axes, at a cost every frame
        self.loss_plot.addLegend(offset=(-10, 10))
        self.acc_plot = self.graphics.addPlot(row=1, col=0)
        self.acc_plot.setLabel("left", "accuracy")
        self.acc_plot.setLabel("bottom", "step")
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
        self.train_loss = _curve(self.loss_plot, TRAIN_COLOUR, "training")
        self.test_loss = _curve(self.loss_plot, TEST_COLOUR, "test")
        self.train_acc = _curve(self.acc_plot, TRAIN_COLOUR, "training")
        self.test_acc = _curve(self.acc_plot, TEST_COLOUR, "test")

        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Show the loss on a logarithmic axis: small losses late in training stay visible")
        self.log_scale.toggled.connect(self._on_log_toggled)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.log_scale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.graphics, 1)
        self._show_accuracy(False)

    def set_history(self, history):
        self.history = history

    def set_datasets(self, train, test):
        self._show_accuracy(train.task == "classification")

    def _show_accuracy(self, on):
        if on != self._classification:
            self._classification = on
            self.acc_plot.setVisible(on)
            self.loss_plot.setLabel("bottom", None if on else "step")

    def _on_log_toggled(self, on):
        self.loss_plot.setLogMode(y=on)
        self._y_range = None
        self.redraw()

    def _fit(self, steps, losses):
        """Widen the x range in jumps of 1.5x as steps come in; move the y range
        only when the losses leave it or shrink to a quarter of it."""
        if not len(steps):
            return
        last = float(steps[-1])
        if self._x_max is None or last > self._x_max or last < self._x_max / 4:
            self._x_max = max(10.0, last * 1.5)
            self.loss_plot.setXRange(float(steps[0]) if len(steps) else 0.0, self._x_max, padding=0)
        values = np.concatenate([v[np.isfinite(v)] for v in losses]) if losses else np.empty(0)
        if self.log_scale.isChecked():
            values = np.log10(values[values > 0])
        if not values.size:
            return
        lo, hi = float(values.min()), float(values.max())
        if self._y_range is not None:
            r_lo, r_hi = self._y_range
            if r_lo <= lo and hi <= r_hi and (hi - lo) >= (r_hi - r_lo) / 4:
                return
        span = max(hi - lo, 1e-9)
        self._y_range = (lo - 0.1 * span, hi + 0.1 * span)
        self.loss_plot.setYRange(*self._y_range, padding=0)

    def show_snapshot(self, snapshot):
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
        for curve, name in ((self.train_loss, "train_loss"), (self.test_loss, "test_loss")):
            y = h.column(name)
            keep = np.isfinite(y)
            if log:
                keep &= y > 0  # a loss of exactly 0 has no place on a log axis
            xs, ys = peaks(steps[keep], y[keep])
            curve.setData(xs, ys)
            shown.append(ys)
        self._fit(steps, shown)
        if self._classification:
            for curve, name in ((self.train_acc, "train_accuracy"), (self.test_acc, "test_accuracy")):
                y = h.column(name)
                keep = np.isfinite(y)
                curve.setData(*peaks(steps[keep], y[keep]))
