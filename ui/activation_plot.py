"""A small pyqtgraph plot of an activation function and its slope."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from simulator.activations import get_activation

Z = np.linspace(-5.0, 5.0, 401).reshape(-1, 1)
VALUE_COLOUR = "#2f6fb0"
SLOPE_COLOUR = "#e07b00"


def curves(name):
    """``(z, value, slope, note)`` for plotting the activation ``name``.

    Softmax is not element-wise; it is shown for two classes with the other
    score at 0, where it equals the sigmoid.
    """
    act = get_activation(name)
    if getattr(act, "elementwise", True):
        a = act.value(Z.copy())
        return Z[:, 0], np.asarray(a)[:, 0], np.asarray(act.derivative(Z, a))[:, 0], ""
    pair = np.hstack([Z, np.zeros_like(Z)])
    a = act.value(pair)[:, 0]
    return Z[:, 0], a, a * (1.0 - a), "Softmax shown for two classes, the other class's score at 0."


class ActivationPlot(QWidget):
    """The activation a(z) (solid) and its slope da/dz (dashed) for z in [-5, 5]."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = None
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(150)
        self.plot.setMaximumHeight(230)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "z (weighted input + bias)")
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setPen(pg.mkPen("#666666"))
            self.plot.getAxis(axis).setTextPen(pg.mkPen("#444444"))
        self.plot.addItem(pg.InfiniteLine(0, angle=90, pen=pg.mkPen("#bbbbbb")))
        self.plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#bbbbbb")))
        legend = self.plot.addLegend(offset=(8, 8), labelTextColor="#333333", brush=pg.mkBrush(255, 255, 255, 220))
        self.value_curve = self.plot.plot([], [], pen=pg.mkPen(VALUE_COLOUR, width=2.5), name="a(z)",
                                          antialias=True)
        self.slope_curve = self.plot.plot([], [], pen=pg.mkPen(SLOPE_COLOUR, width=2, style=Qt.DashLine),
                                          name="slope da/dz", antialias=True)
        self.legend = legend
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        layout.addWidget(self.note)
        self.setToolTip("The activation function of this layer (solid) and its slope (dashed). "
                        "Where the slope is near 0, little gradient flows back.")

    def set_activation(self, name):
        """Plot activation ``name``; None clears the plot."""
        if name == self.name:
            return
        self.name = name
        if name is None:
            self.value_curve.setData([], [])
            self.slope_curve.setData([], [])
            self.note.setText("")
            return
        z, value, slope, note = curves(name)
        self.value_curve.setData(z, value)
        self.slope_curve.setData(z, slope)
        description = getattr(get_activation(name), "description", "")
        self.note.setText(" ".join(t for t in (description, note) if t))
        low, high = float(min(value.min(), slope.min())), float(max(value.max(), slope.max()))
        pad = 0.1 * max(high - low, 1.0)
        self.plot.setXRange(-5, 5, padding=0)
        self.plot.setYRange(max(low, -5.5) - pad, min(high, 5.5) + pad, padding=0)
