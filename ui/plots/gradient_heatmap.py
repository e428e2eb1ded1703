"""Gradient flow over time: each layer's gradient norm, one column per snapshot.

Rows are the layers after the inputs (first hidden at the bottom, output at the
top), columns are snapshots laid out along an axis of training steps, coloured
by log10 of the norm on fixed levels. In a deep sigmoid network the bottom rows stay dark: the gradient
vanishes on its way back.
"""

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from simulator.names import layer_title

from .deferred_draw import DeferredDraw
from .view_support import PlainAxis, label_colour_bar, map_plot, sequential_map

CAPACITY = 400
"""Most columns kept; when full, the older half is thinned to every other column's worth."""
LEVELS = (-6.0, 0.0)
"""log10 of the norm: 1e-6 (or 0) is the darkest colour, 1 or more the brightest."""


WIDTH = 400
"""Columns of the drawn image: the snapshots are laid out on a regular axis of steps."""


def step_columns(steps, x0, x1, width=WIDTH):
    """Which snapshot column each of ``width`` equal slices of the steps from x0 to x1 shows.

    A snapshot's column holds from the step after the one before it up to its own
    step (the gradient of its last mini-batch stands for the stretch since), so
    the image can be laid on an ordinary axis of training steps.

    Parameters
    ----------
    steps : ndarray of shape (n,)
        Rising step of each column.

    Returns
    -------
    ndarray of int, shape (width,)
    """
    centres = x0 + (np.arange(width) + 0.5) * ((x1 - x0) / width)
    return np.minimum(np.searchsorted(steps, centres, side="left"), len(steps) - 1)


def step_span(steps):
    """(first, last) training step the map covers: from one snapshot's spacing before the
    first column (not below 0) to the last column's step."""
    last = float(steps[-1])
    first = float(steps[0]) - (float(steps[1] - steps[0]) if len(steps) > 1 else 1.0)
    first = max(first, 0.0)
    return first, max(last, first + 1.0)


def log_norms(norms):
    """log10 of each norm, clipped to LEVELS; 0 becomes the bottom level, NaN stays NaN."""
    values = np.asarray(norms, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(values)
    return np.clip(logs, *LEVELS).astype(np.float32)  # NaN passes through clip


class GradientHeatmap(DeferredDraw, QWidget):
    """Accumulates ``snapshot.layer_grad_norms`` column by column; ``clear()`` starts again."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._values = np.zeros((CAPACITY, 0), dtype=np.float32)  # (column, layer), C order
        self._steps = np.zeros(CAPACITY, dtype=np.int64)
        self.n = 0
        self._sizes = None
        self._stale = False
        self._x_range = None
        parts = map_plot("The gradient of every layer appears here, step by step, once training starts.",
                         sequential_map(), LEVELS, bottom_axis=PlainAxis("bottom"), row_major=False)
        self.canvas, self.plot, self.nan_patch = parts.canvas, parts.plot, parts.nan_patch
        self.image, self.colour_bar, self.message, self.pages = parts.image, parts.colour_bar, parts.message, parts.pages
        self.plot.setLabel("bottom", "training step")
        label_colour_bar(self.colour_bar, "log10 ‖∂L/∂θ‖ per layer")
        self.caption = QLabel("How strongly each layer's weights are pushed at each step. Dark rows "
                              "near the inputs in a deep network: the gradient vanishes on its way back.")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.pages, 1)
        self.canvas.setToolTip(
            "Colour: log10 of each layer's gradient norm ‖∂L/∂θ‖ = sqrt(Σ (∂L/∂w)² + Σ (∂L/∂b)²) over "
            "the weights into the layer and its biases, from the last mini-batch. Each step of the "
            "colour bar is a factor of 10; a zero gradient is the darkest colour; grey: not a number. "
            "Each snapshot's column runs from the snapshot before it to its own training step "
            "(older ones are thinned when the map fills up).")
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
        self._x_range = None
        self._stale = False
        self.pages.setCurrentWidget(self.message)

    def set_datasets(self, train, test):
        """Nothing to do: points drawn during a run keep its history. A new run after a reset or
        an undo starts again at step 0, which ``show_snapshot`` sees; another project calls
        ``clear`` itself (TrainingViews.project_replaced), since its run may start where the old
        one's columns would still pass for its own."""

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
        self.draw_or_defer()

    def _draw(self):
        """Put the columns on screen (only while visible: hidden, they just accumulate)."""
        self._stale = False
        if self.n == 0:
            return
        steps = self._steps[:self.n]
        x0, x1 = step_span(steps)
        columns = step_columns(steps, x0, x1)
        self.image.setImage(np.ascontiguousarray(self._values[columns]), autoLevels=False, levels=LEVELS)
        rows = self._values.shape[1]
        self.image.setRect(x0, 0.0, x1 - x0, rows)
        self.nan_patch.setRect(x0, 0.0, x1 - x0, rows)
        # the axis moves in jumps (to 1.5 times the last step), not every frame: redrawing
        # the ticks costs more than the image
        r = self._x_range
        if r is None or x1 > r[1] or x0 < r[0] or x1 < r[0] + (r[1] - r[0]) / 4:
            self._x_range = (x0, x0 + max((x1 - x0) * 1.5, 10.0))
            self.plot.setXRange(*self._x_range, padding=0.0)
        self.pages.setCurrentWidget(self.canvas)

    # ------------------------------------------------------------- internals
    def _restructure(self, sizes):
        self._sizes = sizes
        rows = len(sizes) - 1
        self._values = np.zeros((CAPACITY, rows), dtype=np.float32)
        self.clear()
        self._x_range = None
        self.plot.setYRange(0, rows, padding=0.0)
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
