"""Capacity: how many parameters the network has, beside how well it does.

The parameter count comes from the model (``Network.parameter_count``, the
number the status bar shows), asked of the network the snapshot shows. The
view also remembers, for each network shape trained in this session, the
accuracy it reached, and plots them against the parameter count on a log
axis: open the three spiral lessons one after another, train each, and the
points show capacity at work.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from simulator.replay import network_from_snapshot

from ..theme import plot_colours
from .deferred_draw import DeferredDraw
from .loss_plot import TEST_COLOUR, TRAIN_COLOUR
from .view_support import style_plot

MAX_REMEMBERED = 50
"""Network shapes remembered for the plot (the oldest go first)."""


def _big(size, colour=None):
    label = QLabel("\u2013")
    font = QFont()
    font.setPointSize(size)
    font.setBold(True)
    label.setFont(font)
    label.setAlignment(Qt.AlignCenter)
    if colour:
        label.setStyleSheet(f"color: {colour};")
    return label


def _percent(value):
    return "\u2013" if value is None or not math.isfinite(value) else f"{100 * value:.1f}%"


class CapacityView(DeferredDraw, QWidget):
    """The parameter count in large type, the training and test accuracy beside it, and
    accuracy against parameters for every network shape trained so far."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.snapshot = None
        self.train = None
        self.parameters = None
        self.runs = {}          # shape -> [parameters, train accuracy, test accuracy, label]
        self._shape_key = None
        self._stale = False

        self.count = _big(30)
        self.count.setToolTip("Trainable parameters: every weight and every bias (the model's own count, as in "
                              "the status bar)")
        self.shape = QLabel()
        self.shape.setAlignment(Qt.AlignCenter)
        self.train_value, self.test_value = _big(22, TRAIN_COLOUR), _big(22, TEST_COLOUR)
        self.train_title, self.test_title = QLabel("training accuracy"), QLabel("test accuracy")
        for title in (self.train_title, self.test_title):
            title.setAlignment(Qt.AlignCenter)
        numbers = QGridLayout()
        numbers.addWidget(self.count, 0, 0)
        numbers.addWidget(QLabel("parameters", alignment=Qt.AlignCenter), 1, 0)
        numbers.addWidget(self.shape, 2, 0)
        numbers.addWidget(self.train_value, 0, 1)
        numbers.addWidget(self.train_title, 1, 1)
        numbers.addWidget(self.test_value, 0, 2)
        numbers.addWidget(self.test_title, 1, 2)

        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground(plot_colours()["background"])
        self.plot = self.canvas.addPlot()
        style_plot(self.plot, "parameters (log scale)", "accuracy")
        # x is log10 of the count, with a tick at each power of ten: 1, 10, 100, ...
        self.plot.getAxis("bottom").setTicks([[(k, f"{10 ** k:,}") for k in range(0, 8)], []])
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setYRange(0.4, 1.02, padding=0)
        self.train_points = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(TRAIN_COLOUR), pen=pg.mkPen(None))
        # hollow squares, so a training circle at the same height shows through
        self.test_points = pg.ScatterPlotItem(size=13, brush=pg.mkBrush(None), pen=pg.mkPen(TEST_COLOUR, width=2),
                                              symbol="s")
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.test_points)
        self.labels = []
        self.note = QLabel("Each network shape trained in this session, at its latest accuracy: circles training, "
                           "hollow squares test, each labelled with its layer sizes and parameter count. Open the "
                           "other capacity lessons and train them to add points.")
        self.note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(numbers)
        layout.addWidget(self.note)
        layout.addWidget(self.canvas, 1)

    # ----------------------------------------------------------------- input
    def set_datasets(self, train, test):
        self.train = train
        classification = train is None or train.task == "classification"
        what = "accuracy" if classification else "loss"
        self.train_title.setText(f"training {what}")
        self.test_title.setText(f"test {what}")
        self._refresh()

    def show_snapshot(self, snapshot):
        self.snapshot = snapshot
        self._refresh()

    def _refresh(self):
        self._remember()
        self.draw_or_defer()

    # --------------------------------------------------------------- drawing
    def _classification(self):
        return self.train is None or self.train.task == "classification"

    def _remember(self):
        """Ask the model for the parameter count when the shape changed; note this shape's accuracy."""
        snap = self.snapshot
        if snap is None:
            return
        key = (tuple(snap.sizes), tuple(snap.activations),
               tuple((k, int(np.count_nonzero(m))) for k, m in sorted(snap.masks.items())))
        if key != self._shape_key:
            self._shape_key = key
            self.parameters = network_from_snapshot(snap).parameter_count
        metrics = snap.metrics
        train, test = metrics.get("train_accuracy"), metrics.get("test_accuracy")
        if self._classification() and train is not None and math.isfinite(train) and snap.step > 0:
            self.runs.pop(key, None)  # re-inserted: the latest shape comes last
            self.runs[key] = [self.parameters, train, test, "\u2013".join(str(s) for s in snap.sizes)]
            while len(self.runs) > MAX_REMEMBERED:
                self.runs.pop(next(iter(self.runs)))

    def _draw(self):
        self._stale = False
        snap = self.snapshot
        if snap is None or self.parameters is None:
            self.count.setText("\u2013")
            return
        self.count.setText(f"{self.parameters:,}")
        self.shape.setText("layers " + " \u2192 ".join(str(s) for s in snap.sizes))
        metrics = snap.metrics
        if metrics:
            if self._classification():
                self.train_value.setText(_percent(metrics.get("train_accuracy")))
                self.test_value.setText(_percent(metrics.get("test_accuracy")))
            else:
                self.train_value.setText(_loss_text(metrics.get("train_loss")))
                self.test_value.setText(_loss_text(metrics.get("test_loss")))
        self.canvas.setVisible(self._classification())
        self.note.setVisible(self._classification())
        runs = list(self.runs.values())
        if not runs:
            self.train_points.setData([], [])
            self.test_points.setData([], [])
            return
        params = np.array([r[0] for r in runs], dtype=float)
        train = np.array([r[1] for r in runs], dtype=float)
        test = np.array([np.nan if r[2] is None else r[2] for r in runs], dtype=float)
        x = np.log10(params)
        self.train_points.setData(x, train)
        keep = np.isfinite(test)
        self.test_points.setData(x[keep], test[keep])
        while len(self.labels) < len(runs):
            text = pg.TextItem(color=plot_colours()["text"], anchor=(-0.15, 0.5))
            self.plot.addItem(text)
            self.labels.append(text)
        for i, text in enumerate(self.labels):
            if i < len(runs):
                text.setText(f"{runs[i][3]}: {int(runs[i][0]):,}")
                text.setPos(x[i], train[i])
                text.show()
            else:
                text.hide()
        low = min(0.4, float(np.nanmin(np.concatenate([train, test]))) - 0.05)
        self.plot.setYRange(low, 1.05, padding=0)
        self.plot.setXRange(max(0.0, float(x.min()) - 0.5), float(x.max()) + 0.8, padding=0)


def _loss_text(value):
    return "\u2013" if value is None or not math.isfinite(value) else f"{value:.4g}"
