"""Derivative: the loss along one weight, its tangent, and the slope measured two ways
(simulator/weight_slice.py)."""

import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from simulator.names import neuron_symbol
from simulator.replay import network_from_snapshot
from simulator.weight_slice import weight_slice

from ..theme import plot_colours
from .lesson_support import EdgeChoice, LessonView
from .view_support import CLASS_COLOURS, style_plot

SPANS = (0.5, 1.0, 2.0, 5.0)
DEFAULT_SPAN = 2.0
TANGENT_COLOUR = "#c43c3c"


def slope_text(s, sizes):
    """The two slopes side by side, as rich text."""
    src, dst = (neuron_symbol(n, sizes) for n in s.edge)
    differ = abs(s.gradient - s.finite_difference)
    return (f"<p><b>w({src} → {dst})</b> = {s.w:.6g}<br>L = {s.loss:.6g}</p>"
            f"<p><span style='color:{TANGENT_COLOUR}'><b>Backpropagation</b></span><br>"
            f"∂L/∂w = {s.gradient:.9g}</p>"
            f"<p><b>Finite difference</b><br>(L(w + h) − L(w − h)) / 2h<br>with h = {s.h:.1g}:<br>"
            f"= {s.finite_difference:.9g}</p>"
            f"<p>They differ by {differ:.1e}.</p>"
            f"<p>Gradient descent moves w by −η × ∂L/∂w: {'right' if s.gradient < 0 else 'left'}, downhill.</p>")


class DerivativeView(LessonView):
    """L(w) for one weight over w ± a range, everything else fixed, with the tangent at the current w."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edges = EdgeChoice()
        self.span_box = QComboBox()
        for span in SPANS:
            self.span_box.addItem(f"± {span:g}", span)
        self.span_box.setCurrentIndex(SPANS.index(DEFAULT_SPAN))
        self.span_box.setToolTip("How far either side of the current weight the curve goes")
        self.add_control("Weight", self.edges)
        self.add_control("Range", self.span_box)
        self.controls.addStretch(1)
        self.edges.edge_changed.connect(lambda _: self.refresh())
        self.span_box.currentIndexChanged.connect(lambda _: self.refresh())
        self.slice = None
        self.plot_widget = pg.PlotWidget(background=plot_colours()["background"])
        self.plot = self.plot_widget.getPlotItem()
        style_plot(self.plot, x_label="w (the chosen weight; every other one fixed)", y_label="loss L(w)")
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.curve = pg.PlotDataItem(pen=pg.mkPen(CLASS_COLOURS[0], width=2.5))
        self.tangent = pg.PlotDataItem(pen=pg.mkPen(TANGENT_COLOUR, width=2))
        self.marker = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(TANGENT_COLOUR), pen=pg.mkPen("#303030"))
        self.plot.addItem(self.curve)
        self.plot.addItem(self.tangent, ignoreBounds=True)
        self.plot.addItem(self.marker)
        self.numbers = QLabel()
        self.numbers.setWordWrap(True)
        self.numbers.setMinimumWidth(200)
        self.numbers.setStyleSheet(f"color: {plot_colours()['text']}; padding: 6px;")
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.plot_widget, 1)
        row.addWidget(self.numbers)
        self.set_page(page)
        self.plot_widget.setToolTip("Blue: the loss over the training set if only this weight changed. Red: the "
                                    "tangent at the current weight, whose slope is the gradient "
                                    "backpropagation computes.")

    def set_edge(self, edge):
        """The edge selected on the canvas, ``(src, dst)``, or None."""
        self.edges.choose(edge)

    def draw(self):
        snap = self.snapshot
        self.edges.set_snapshot(snap)
        edge = self.edges.edge()
        if edge is None:
            return "The network has no edges: connect two neurons to see the loss along a weight."
        train = self.data_fits()
        if train is None:
            return "The loss needs training data that fits the network's inputs and outputs."
        loss = self.loss()
        reason = loss.check_output(snap.activations[-1], snap.sizes[-1]) or loss.check_targets(train.y)
        if reason:
            return f"The loss cannot be computed: {reason}."
        span = self.span_box.currentData()
        rows, note = self.subset(train)
        s = self.slice = weight_slice(network_from_snapshot(snap), train.X[rows], train.y[rows], loss, edge, span=span)
        self.curve.setData(s.ws, s.losses)
        half = span / 2
        self.tangent.setData([s.w - half, s.w + half], [s.loss - s.gradient * half, s.loss + s.gradient * half])
        self.marker.setData([s.w], [s.loss])
        self.numbers.setText(slope_text(s, snap.sizes) + (f"<p><i>The loss {note}.</i></p>" if note else ""))
        return None
