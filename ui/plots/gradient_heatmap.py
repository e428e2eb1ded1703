"""Gradient flow over time: each layer's gradient norm, one column per snapshot.

Rows are the layers after the inputs (first hidden at the bottom, output at the
top), columns are snapshots in order, coloured by log10 of the norm on fixed
levels. In a deep sigmoid network the bottom rows stay dark: the gradient
vanishes on its way back.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QStackedWidget, QVBoxLayout, QWidget

from simulator.names import layer_title

from .view_support import NAN_BACKGROUND, label_colour_bar, message_label, sequential_map, style_plot
from ..theme import plot_colours

CAPACITY = 400
"""Most columns kept; when full, the older half is thinned to every other column's worth."""
LEVELS = (-6.0, 0.0)
"""log10 of the norm: 1e-6 (or 0) is the darkest colour, 1 or more the brightest."""


class StepAxis(pg.AxisItem):
    """Labels positions along the map (0 to 1, the columns spread evenly) with the
    training step of the column there."""

    def __init__(self, **kwargs):
        super().__init__("bottom", **kwargs)
        # the steps themselves, not the view: a reference back to the widget would
        # make a cycle whose collection order can crash Qt
        self.steps = np.zeros(0, dtype=np.int64)

    def tickValues(self, minVal, maxVal, size):
        # a few columns spread over those drawn, labelled with their steps
        # (columns are not evenly spaced in steps, so numeric ticks would mislead)
        n = len(self.steps)
        if n == 0:
            return []
        count = min(n, max(2, int(size // 90)))
        columns = np.unique(np.linspace(0, n - 1, count).round())
        return [(1.0 / n, list((columns + 0.5) / n))]

    def tickStrings(self, values, scale, spacing):
        steps = self.steps
        out = []
        for v in values:
            i = int(np.floor(v * len(steps)))
            out.append(f"{int(steps[i]):,}" if 0 <= i < len(steps) else "")
        return out


def log_norms(norms):
    """log10 of each norm, clipped to LEVELS; 0 becomes the bottom level, NaN stays NaN."""
    values = np.asarray(norms, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(values)
    return np.clip(logs, *LEVELS).astype(np.float32)  # NaN passes through clip


class GradientHeatmap(QWidget):
    """Accumulates ``snapshot.layer_grad_norms`` column by column; ``clear()`` starts again."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._values = np.zeros((CAPACITY, 0), dtype=np.float32)  # (column, layer), C order
        self._steps = np.zeros(CAPACITY, dtype=np.int64)
        self.n = 0
        self._sizes = None
        self._stale = False
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground(plot_colours()["background"])
        self.step_axis = StepAxis()
        self.plot = self.canvas.addPlot(axisItems={"bottom": self.step_axis})
        style_plot(self.plot, x_label="training step")
        self.plot.setMouseEnabled(x=False, y=False)
        # grey under the columns drawn so far (and only there) shows a norm that is not a number
        self.nan_patch = QGraphicsRectItem()
        self.nan_patch.setPen(pg.mkPen(None))
        self.nan_patch.setBrush(pg.mkBrush(NAN_BACKGROUND))
        self.nan_patch.setZValue(-20)
        self.plot.addItem(self.nan_patch)
        self.image = pg.ImageItem()  # column-major: image[column, layer]
        self.image.setColorMap(sequential_map())
        self.plot.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(values=LEVELS, colorMap=sequential_map(), interactive=False,
                                          width=14)
        label_colour_bar(self.colour_bar, "log10 ‖∂L/∂θ‖ per layer")
        self.canvas.addItem(self.colour_bar)
        self.caption = QLabel("How strongly each layer's weights are pushed at each step. Dark rows "
                              "near the inputs in a deep network: the gradient vanishes on its way back.")
        self.caption.setWordWrap(True)
        self.message = message_label("The gradient of every layer appears here, step by step, once "
                                     "training starts.")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.message)
        self.pages.addWidget(self.canvas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.pages, 1)
        self.canvas.setToolTip(
            "Colour: log10 of each layer's gradient norm ‖∂L/∂θ‖ = sqrt(Σ (∂L/∂w)² + Σ (∂L/∂b)²) over "
            "the weights into the layer and its biases, from the last mini-batch. Each step of the "
            "colour bar is a factor of 10; a zero gradient is the darkest colour; grey: not a number. "
            "Columns are snapshots in order (older ones are thinned when the map fills up).")
        self.pages.setCurrentWidget(self.message)

    # ---------------------------------------------------------------- public
    def steps(self):
        """The training step of each column, oldest first."""
        return self._steps[:self.n]

    def values(self):
        """ndarray of shape (n_columns, n_layers - 1): log10 norms, first hidden layer first."""
        return self._values[:self.n]

    def clear(self):
        """Forget every column (training was reset)."""
        self.n = 0
        self._stale = False
        self.pages.setCurrentWidget(self.message)

    def set_datasets(self, train, test):
        """New data means a new run: start again."""
        self.clear()

    def show_snapshot(self, snapshot):
        """Add the snapshot's norms as a column (replacing the last if it is the same step)."""
        if snapshot is None:
            return
        sizes = tuple(snapshot.sizes)
        if sizes != self._sizes:
            self._restructure(sizes)
        elif self.n and snapshot.step < self._steps[self.n - 1]:
            self.clear()  # the step count went back: a reset or an undo, so a new run
        column = log_norms(snapshot.layer_grad_norms[1:])
        if self.n and snapshot.step == self._steps[self.n - 1]:
            self._values[self.n - 1] = column  # a phase of the same step, or the same snapshot again
        else:
            if self.n == CAPACITY:
                self._thin()
            self._values[self.n] = column
            self._steps[self.n] = snapshot.step
            self.n += 1
        self._stale = True
        if self.isVisible():
            self._draw()

    def showEvent(self, event):
        super().showEvent(event)
        if self._stale:
            self._draw()

    def _draw(self):
        """Put the columns on screen (only while visible: hidden, they just accumulate)."""
        self._stale = False
        if self.n == 0:
            return
        self.image.setImage(self._values[:self.n], autoLevels=False, levels=LEVELS)
        # the columns so far fill the width (0 to 1): the map stretches as it grows, its colours
        # stay; scaling the image is cheaper than moving the view's range every frame
        self.image.setRect(0.0, 0.0, 1.0, self._values.shape[1])
        self.step_axis.steps = self._steps[:self.n]
        self.step_axis.picture = None  # new labels for the same positions
        self.step_axis.update()
        self.pages.setCurrentWidget(self.canvas)

    # ------------------------------------------------------------- internals
    def _restructure(self, sizes):
        self._sizes = sizes
        rows = len(sizes) - 1
        self._values = np.zeros((CAPACITY, rows), dtype=np.float32)
        self.clear()
        self.nan_patch.setRect(0.0, 0.0, 1.0, rows)
        self.plot.setRange(xRange=(0, 1), yRange=(0, rows), padding=0.0)
        n_layers = len(sizes)
        ticks = [(k - 0.5, f"{layer_title(k, n_layers)} ({sizes[k]})") for k in range(1, n_layers)]
        left = self.plot.getAxis("left")
        left.setTicks([ticks, []])
        left.setWidth(max(60, 7 * max(len(t) for _, t in ticks)))

    def _thin(self):
        """Halve the older half of the columns: each pair becomes one (mean log norm, later step)."""
        half = CAPACITY // 2
        old = self._values[:half]
        merged = 0.5 * (old[0::2] + old[1::2])
        quarter = len(merged)
        self._values[:quarter] = merged
        self._steps[:quarter] = self._steps[1:half:2]
        self._values[quarter:quarter + CAPACITY - half] = self._values[half:CAPACITY]
        self._steps[quarter:quarter + CAPACITY - half] = self._steps[half:CAPACITY]
        self.n = quarter + CAPACITY - half
