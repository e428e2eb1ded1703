"""Pieces the training views share: colours, the evaluation grid's shape, plot styling.

Nothing here holds state; the views ask these helpers so that a class colour or
the reading of a grid has one home.
"""

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel

from ..theme import plot_colours

# Class 0 and class 1 use the app's blue and orange (see ui/activation_plot.py);
# further classes follow a palette a colour-blind reader can still tell apart.
CLASS_COLOURS = ("#2f6fb0", "#e07b00", "#3a9d3a", "#c43c3c", "#8a5cc2",
                 "#8c564b", "#d36fb8", "#6f6f6f", "#a8a82a", "#2bb3c0")
NEUTRAL = "#f7f7f7"
NAN_BACKGROUND = "#c8c8c8"
"""Behind every heat map: a pixel whose value is not a number is transparent and shows this."""
TEXT = "#333333"
AXIS = "#666666"

# The trainer's own rule for a single output: class 1 where the output exceeds
# 0.5 (simulator/trainer.py, Trainer._accuracy); several outputs: argmax.
DECISION_THRESHOLD = 0.5


def class_colour(k):
    """The colour of class ``k`` (cycling past the palette)."""
    return CLASS_COLOURS[k % len(CLASS_COLOURS)]


MAP_STRENGTH = 0.7
"""How far a map's colours go from white towards a class colour: a little paler than
the data points, so a point stays visible on a region of its own class."""


def paler(colour, strength=MAP_STRENGTH):
    """``colour`` mixed with the neutral white: strength 1 is the colour itself."""
    c, w = np.array(pg.mkColor(colour).getRgb()[:3]), np.array(pg.mkColor(NEUTRAL).getRgb()[:3])
    return tuple(int(round(v)) for v in w + (c - w) * strength)


def diverging_map():
    """Blue (low) through near-white (middle) to orange (high): the two class colours, paler."""
    return pg.ColorMap([0.0, 0.5, 1.0], [paler(CLASS_COLOURS[0]), NEUTRAL, paler(CLASS_COLOURS[1])])


def sequential_map():
    """Dark (small) to bright (large), for magnitudes on a log scale."""
    return pg.colormap.get("viridis")


@dataclass(frozen=True)
class GridShape:
    """How the snapshot's evaluation grid lies over the inputs.

    Attributes
    ----------
    n_inputs : int
        1 (a line of ``n`` points) or 2 (an ``n`` x ``n`` grid, x1 fastest).
    n : int
        Points per axis.
    x_range, y_range : (float, float)
        First and last grid value along x1 (and x2; (0, 0) for one input).
    """

    n_inputs: int
    n: int
    x_range: tuple
    y_range: tuple = (0.0, 0.0)

    def image_rect(self):
        """The rectangle an ``n`` x ``n`` image covers so each pixel is centred on its grid point."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        dx, dy = (x1 - x0) / (self.n - 1), (y1 - y0) / (self.n - 1)
        return QRectF(x0 - dx / 2, y0 - dy / 2, self.n * dx, self.n * dy)


def grid_shape(grid):
    """Read a GridShape from ``snapshot.grid``, or None if it is not a line or a square grid.

    Parameters
    ----------
    grid : ndarray of shape (n, 1) or (n * n, 2), or None
        See ``simulator.datasets.evaluation_grid``.
    """
    if grid is None or grid.ndim != 2 or len(grid) < 2:
        return None
    if grid.shape[1] == 1:
        return GridShape(1, len(grid), (float(grid[0, 0]), float(grid[-1, 0])))
    if grid.shape[1] != 2:
        return None
    n = int(round(np.sqrt(len(grid))))
    if n * n != len(grid) or n < 2:
        return None
    return GridShape(2, n, (float(grid[0, 0]), float(grid[n - 1, 0])),
                     (float(grid[0, 1]), float(grid[-1, 1])))


def as_image(values, n):
    """A C-contiguous float32 (n, n) image of grid values, row j being the j-th value of x2."""
    return np.ascontiguousarray(values, dtype=np.float32).reshape(n, n)


def style_plot(plot, x_label="", y_label=""):
    """Give a PlotItem the app's look: grey axes and text for the theme (ui/theme.py), no context menu."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setPen(pg.mkPen(plot_colours()["axis"]))
        plot.getAxis(axis).setTextPen(pg.mkPen(plot_colours()["text"]))
    if x_label:
        plot.setLabel("bottom", x_label)
    if y_label:
        plot.setLabel("left", y_label)


def label_colour_bar(bar, text):
    """Give a ColorBarItem a dark, readable label beside its scale."""
    axis = bar.getAxis("right")
    axis.setTextPen(pg.mkPen(plot_colours()["text"]))
    axis.setPen(pg.mkPen(plot_colours()["axis"]))
    axis.setLabel(text, color=plot_colours()["text"])


def message_label(text=""):
    """A centred, wrapping label that explains why a view has nothing to draw."""
    label = QLabel(text)
    label.setAlignment(Qt.AlignCenter)
    label.setWordWrap(True)
    label.setMargin(16)
    label.setStyleSheet(f"color: {plot_colours()['text']};")
    return label


def nice_bound(value, floor=1.0):
    """The smallest of 1, 2 or 5 times a power of ten at or above ``value`` (at least ``floor``).

    Levels that only ever step up through such numbers keep a heat map's
    colours steady from frame to frame.
    """
    value = float(value)
    if not np.isfinite(value) or value <= floor:
        return float(floor)
    power = 10.0 ** np.floor(np.log10(value))
    for factor in (1.0, 2.0, 5.0, 10.0):
        if factor * power >= value:
            return float(factor * power)
    return float(10.0 * power)


# Where each activation's values live: the colour levels and histogram ranges
# of bounded activations are fixed; unbounded ones (None) grow as needed.
ACTIVATION_RANGE = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "step": (0.0, 1.0),
                    "tanh": (-1.0, 1.0)}


def activation_levels(name, values, current=None):
    """Fixed colour levels for neurons with activation ``name``.

    Bounded activations use their range (the sigmoid centred on 0.5). Unbounded
    ones use +-m, zero-centred, with m a round number that only grows beyond
    ``current`` so the colours do not flicker while training.
    """
    if name in ACTIVATION_RANGE:
        return ACTIVATION_RANGE[name]
    finite = np.abs(values[np.isfinite(values)]) if values is not None else np.zeros(0)
    biggest = float(finite.max()) if finite.size else 0.0
    bound = nice_bound(biggest)
    if current is not None:
        bound = max(bound, current[1])
    return (-bound, bound)
