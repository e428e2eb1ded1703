"""Small pyqtgraph plots for the inspector: an activation function and its
slope, and one neuron's activation over the input plane.

Each builds its pyqtgraph parts on first use (``_build``), not when the
inspector is made: importing pyqtgraph takes longer than the rest of the
window takes to appear, and no plot shows before a neuron is chosen.
"""

import math

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from simulator.activations import get_activation

from .network_view.maps import MAP_RGB
from .theme import plot_colours

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


class _BuiltOnFirstUse:
    """Asking for one of ``_PARTS`` (the pyqtgraph items) builds them all first."""

    _PARTS = ()

    def __getattr__(self, name):
        if name in type(self)._PARTS and not self.__dict__.get("_built"):
            self._built = True
            self._build()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class ActivationPlot(_BuiltOnFirstUse, QWidget):
    """The activation a(z) (solid) and its slope da/dz (dashed) for z in [-5, 5]."""

    _PARTS = ("plot", "value_curve", "slope_curve", "legend")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = None
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {plot_colours()['text']};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        self.setToolTip("The activation function of this layer (solid) and its slope (dashed). "
                        "Where the slope is near 0, little gradient flows back.")

    def _build(self):
        import pyqtgraph as pg

        self.plot = pg.PlotWidget(background=plot_colours()["background"])
        self.plot.setMinimumHeight(150)
        self.plot.setMaximumHeight(230)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "z (weighted input + bias)")
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setPen(pg.mkPen(plot_colours()["axis"]))
            self.plot.getAxis(axis).setTextPen(pg.mkPen(plot_colours()["text"]))
        self.plot.addItem(pg.InfiniteLine(0, angle=90, pen=pg.mkPen("#bbbbbb")))
        self.plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#bbbbbb")))
        legend = self.plot.addLegend(offset=(8, 8), labelTextColor="#333333", brush=pg.mkBrush(255, 255, 255, 220))
        self.value_curve = self.plot.plot([], [], pen=pg.mkPen(VALUE_COLOUR, width=2.5), name="a(z)",
                                          antialias=True)
        self.slope_curve = self.plot.plot([], [], pen=pg.mkPen(SLOPE_COLOUR, width=2, style=Qt.DashLine),
                                          name="slope da/dz", antialias=True)
        self.legend = legend
        self.layout().insertWidget(0, self.plot)

    def set_activation(self, name):
        """Plot activation ``name``; None clears the plot."""
        if name == self.name:
            return
        self.name = name
        if name is None and not self.__dict__.get("_built"):
            self.note.setText("")
            return
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


class NeuronMapPlot(_BuiltOnFirstUse, QWidget):
    """One neuron's activation over the input plane, large: a heat map for two
    inputs (x1 across, x2 up) with a colour bar, a curve for one input.

    The colours are the canvas's mini-map colours: orange at the low end of
    the activation's range, white in the middle, blue at the high end.
    """

    _PARTS = ("plot", "image", "curve", "bar")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.values = None
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {plot_colours()['text']};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        self.setToolTip("What this neuron computes: its activation a = f(z) at every point of the input "
                        "space, from the newest training snapshot")

    def _build(self):
        import pyqtgraph as pg

        self.plot = pg.PlotWidget(background=plot_colours()["background"])
        self.plot.setMinimumHeight(200)
        self.plot.setMaximumHeight(280)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setPen(pg.mkPen(plot_colours()["axis"]))
            self.plot.getAxis(axis).setTextPen(pg.mkPen(plot_colours()["text"]))
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setLookupTable(MAP_RGB)
        self.curve = pg.PlotDataItem([], [], pen=pg.mkPen(VALUE_COLOUR, width=2.5), antialias=True)
        self.plot.addItem(self.image)
        self.plot.addItem(self.curve)
        self.bar = pg.ColorBarItem(values=(-1, 1), colorMap=pg.ColorMap(np.linspace(0, 1, len(MAP_RGB)), MAP_RGB),
                                   interactive=False, width=12, label="activation a")
        self.bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.layout().insertWidget(0, self.plot)

    def show_map(self, grid, values, span, caption=""):
        """Draw ``values`` (g,) of the neuron over ``grid`` (g, 1 or 2) on the colour range ``span``."""
        grid = np.asarray(grid, float)
        values = np.asarray(values, np.float32)
        low, high = span
        self.values = values
        self.caption.setText(caption)
        if grid.shape[1] == 2:
            n = math.isqrt(len(grid))
            x, y = grid[:n, 0], grid[::n, 1]
            dx, dy = (x[-1] - x[0]) / max(n - 1, 1), (y[-1] - y[0]) / max(n - 1, 1)
            # Row j of the grid is one value of x2; ImageItem (column-major) wants [x1, x2].
            self.image.setImage(values.reshape(n, n).T, autoLevels=False, levels=(low, high))
            self.image.setRect(QRectF(x[0] - dx / 2, y[0] - dy / 2, x[-1] - x[0] + dx, y[-1] - y[0] + dy))
            self.image.show()
            self.bar.show()
            self.bar.setLevels((low, high))
            self.curve.setData([], [])
            self.plot.setLabel("bottom", "x1")
            self.plot.setLabel("left", "x2")
            self.plot.setAspectLocked(False)
            self.plot.autoRange(padding=0)
        else:
            order = np.argsort(grid[:, 0])
            self.image.hide()
            self.bar.hide()
            self.curve.setData(grid[order, 0], values[order])
            self.plot.setLabel("bottom", "x1")
            self.plot.setLabel("left", "a")
            self.plot.setYRange(low, high, padding=0.05)
            self.plot.setXRange(float(grid[:, 0].min()), float(grid[:, 0].max()), padding=0)
