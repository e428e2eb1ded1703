"""Universal approximation, made visible: each hidden neuron's share of the output.

For one input, one hidden layer and a linear output, the network's curve is
``y(x) = sum_j v_j a_j(x) + c``. This view draws every term ``v_j a_j(x)`` as
a thin curve, the output bias ``c`` as a dashed line, their sum (the output)
in bold, and the training data. A slider sets the hidden layer's width
(an undoable edit, with fresh weights), so a learner can watch one S-shape
fail and twenty succeed.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from simulator.contributions import check_contributions, output_contributions
from simulator.limits import MAX_CONTRIBUTION_WIDTH

from ..theme import plot_colours
from .deferred_draw import DeferredDraw
from .view_support import grid_shape, message_pages, style_plot

NO_SNAPSHOT = "Each hidden neuron's share of the output appears here once the network has been drawn."
DATA_COLOUR = "#7f7f7f"
TERM_COLOURS = ("#2f6fb0", "#e07b00", "#3a9d3a", "#c43c3c", "#8a5cc2", "#8c564b", "#d36fb8", "#2bb3c0")


class ContributionsView(DeferredDraw, QWidget):
    """The contributions of the hidden neurons. Feed it ``show_snapshot`` and ``set_datasets``.

    Signals
    -------
    width_chosen(int, int)
        ``(layer, size)`` when the learner releases the width slider on a new width.
    """

    width_chosen = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.snapshot = None
        self.train = None
        self._stale = False
        self.terms = []      # one thin curve per hidden neuron, made as needed
        self.last_terms = None
        self.last_total = None
        self._y_range = None

        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.width_slider = QSlider(Qt.Horizontal)
        self.width_slider.setRange(1, MAX_CONTRIBUTION_WIDTH)
        self.width_slider.setFixedWidth(220)
        self.width_slider.setToolTip("How many neurons the hidden layer has. Releasing the slider changes the "
                                     "network (one undo step) and draws fresh weights from the seed.")
        self.width_label = QLabel()
        self.width_label.setMinimumWidth(110)
        self.width_slider.valueChanged.connect(self._on_width_moved)
        self.width_slider.sliderReleased.connect(self._on_width_released)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.width_label)
        top.addWidget(self.width_slider)

        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground(plot_colours()["background"])
        self.plot = self.canvas.addPlot()
        style_plot(self.plot, "x", "contribution to the output")
        self.plot.setMouseEnabled(x=False, y=False)
        self.data = pg.ScatterPlotItem(size=5, pen=pg.mkPen(None), brush=pg.mkBrush(DATA_COLOUR))
        self.plot.addItem(self.data)
        ink = plot_colours()["text"]  # dark on a light theme, light on a dark one
        self.bias_line = self.plot.plot([], [], pen=pg.mkPen(ink, width=1, style=Qt.DashLine))
        self.total = self.plot.plot([], [], pen=pg.mkPen(ink, width=3))
        self.total.setZValue(10)

        self.message, self.pages = message_pages(self.canvas, NO_SNAPSHOT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        self._say(NO_SNAPSHOT)

    # ----------------------------------------------------------------- input
    def set_datasets(self, train, test):
        """Use new data (Dataset objects, either may be None): the training points are drawn."""
        self.train = train
        self.draw_or_defer()

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` (None: nothing yet); while hidden, only keep it."""
        self.snapshot = snapshot
        self.draw_or_defer()

    # ------------------------------------------------------------ the slider
    def _on_width_moved(self, value):
        self.width_label.setText(f"Hidden width: {value}")
        if not self.width_slider.isSliderDown():
            self._on_width_released()  # keys and clicks on the groove: each is one edit

    def _on_width_released(self):
        snap = self.snapshot
        value = self.width_slider.value()
        if snap is not None and len(snap.sizes) == 3 and value != snap.sizes[1]:
            self.width_chosen.emit(1, value)

    def _show_width(self, width):
        if self.width_slider.isSliderDown():
            return
        self.width_slider.blockSignals(True)
        self.width_slider.setValue(min(width, MAX_CONTRIBUTION_WIDTH))
        self.width_slider.blockSignals(False)
        self.width_label.setText(f"Hidden width: {width}")

    # --------------------------------------------------------------- drawing
    def _say(self, text):
        self.message.setText(text)
        self.pages.setCurrentWidget(self.message)
        self.caption.setText("")
        self.width_slider.setEnabled(False)
        # the slider sets the width of the one hidden layer: without the view, it has nothing to act on
        self.width_slider.hide()
        self.width_label.hide()
        self.last_terms = self.last_total = None

    def _draw(self):
        self._stale = False
        snap = self.snapshot
        if snap is None:
            return self._say(NO_SNAPSHOT)
        reason = check_contributions(snap.sizes, snap.activations, snap.weights.keys())
        if reason is not None:
            return self._say(reason + " Open one of the Universal approximation lessons to see it.")
        shape = grid_shape(snap.grid)
        if shape is None or shape.n_inputs != 1 or len(snap.grid_activations) != 3:
            return self._say("This snapshot carries no grid of inputs to draw the contributions on.")
        x = np.asarray(snap.grid[:, 0], dtype=float)
        w_out = np.asarray(snap.weights[(1, 2)], dtype=float) * snap.masks[(1, 2)]
        bias = float(snap.biases[2][0])
        terms, total = output_contributions(snap.grid_activations[1], w_out, bias)
        self.last_terms, self.last_total = terms, total
        width = terms.shape[1]
        self.width_slider.setEnabled(True)
        self.width_slider.show()
        self.width_label.show()
        self._show_width(width)
        while len(self.terms) < width:
            colour = pg.mkColor(TERM_COLOURS[len(self.terms) % len(TERM_COLOURS)])
            colour.setAlpha(170)
            self.terms.append(self.plot.plot([], [], pen=pg.mkPen(colour, width=1)))
        for j, curve in enumerate(self.terms):
            if j < width:
                curve.setData(x, terms[:, j])
                curve.show()
            else:
                curve.hide()
        self.bias_line.setData([x[0], x[-1]], [bias, bias])
        self.total.setData(x, total)
        if self.train is not None and self.train.n_inputs == 1 and self.train.n_outputs == 1:
            self.data.setData(self.train.X[:, 0], self.train.y[:, 0])
        else:
            self.data.setData([], [])
        self._fit(x, terms, total)
        self.caption.setText(
            f"y(x) = \u03a3 v\u2c7c\u00b7{snap.activations[0]}(w\u2c7c x + b\u2c7c) + c. Thin curves: each hidden "
            f"neuron's share v\u2c7c\u00b7a\u2c7c(x) ({width} of them). Dashed: the output bias c. Bold: their sum, "
            f"the network's output. Grey dots: the training data.")
        self.pages.setCurrentWidget(self.canvas)

    def _fit(self, x, terms, total):
        values = [total]
        if self.train is not None and self.train.n_outputs == 1:
            values.append(self.train.y[:, 0])
        values.append(terms.ravel())
        finite = np.concatenate([np.asarray(v, float)[np.isfinite(v)] for v in values])
        if not finite.size:
            return
        lo, hi = np.percentile(finite, [0.5, 99.5]) if terms.shape[1] > 8 else (finite.min(), finite.max())
        lo, hi = min(lo, float(np.min(total)), -1.0), max(hi, float(np.max(total)), 1.0)
        self.plot.setXRange(float(x[0]), float(x[-1]), padding=0.02)
        kept = self._y_range
        # move only when the curves leave the range or fill less than half of it: no jitter while training
        if kept is None or lo < kept[0] or hi > kept[1] or (hi - lo) < (kept[1] - kept[0]) / 2:
            span = hi - lo
            self._y_range = (lo - 0.08 * span, hi + 0.08 * span)
            self.plot.setYRange(*self._y_range, padding=0)
