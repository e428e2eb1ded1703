"""Pieces the training views share: colours, the evaluation grid's shape, plot styling.

Nothing here holds state; the views ask these helpers so that a class colour or
the reading of a grid has one home.
"""

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QStackedWidget

from simulator.accuracy import CLASS_ONE_ABOVE

from ..network_view.items import NEGATIVE, POSITIVE
from ..network_view.maps import MAP_RGB
from ..theme import plot_colours

# Class 0 and class 1 are the canvas's orange (low, negative) and blue (high,
# positive): a single output above the threshold means class 1, and a high
# activation is blue everywhere. Further classes follow a palette a colour-blind
# reader can still tell apart.
CLASS_COLOURS = (NEGATIVE.name(), POSITIVE.name(), "#3a9d3a", "#c43c3c", "#8a5cc2",
                 "#8c564b", "#d36fb8", "#6f6f6f", "#a8a82a", "#2bb3c0")
NEUTRAL = "#f7f7f7"
NAN_BACKGROUND = "#c8c8c8"
"""Behind every heat map: a pixel whose value is not a number is transparent and shows this."""
TEXT = "#333333"
AXIS = "#666666"

DECISION_THRESHOLD = CLASS_ONE_ABOVE
"""The model's rule for a single output (simulator/accuracy.py): class 1 above it."""


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


def activation_map(strength=1.0):
    """The canvas's colour map for activations and outputs (ui/network_view/maps.py, ``MAP_RGB``):
    orange at the low end of the range, white in the middle, blue at the high end.

    ``strength`` below 1 mixes it with white, so data points drawn over it stay visible.
    """
    rgb = 255.0 + (MAP_RGB.astype(float) - 255.0) * strength
    return pg.ColorMap(np.linspace(0.0, 1.0, len(rgb)), np.rint(rgb).astype(np.uint8))


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


class PlainAxis(pg.AxisItem):
    """An axis that writes plain numbers: no SI prefix ("(x0.001)"), and whole numbers such
    as training steps in full with thousands separators (1,000,000, not 1e+06)."""

    def __init__(self, orientation="bottom", **kwargs):
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        if self.logMode or spacing * scale < 1 or not all(float(v * scale).is_integer() for v in values):
            return super().tickStrings(values, scale, spacing)
        return [f"{v * scale:,.0f}" for v in values]


@dataclass
class MapPlot:
    """The parts of a map view: a plot holding an image over a grey "not a number"
    patch, a colour bar beside it, and a message page shown instead while there is
    nothing to draw. Built by :func:`map_plot`."""

    canvas: pg.GraphicsLayoutWidget
    plot: pg.PlotItem
    nan_patch: QGraphicsRectItem
    image: pg.ImageItem
    colour_bar: pg.ColorBarItem
    message: QLabel
    pages: QStackedWidget


def map_plot(message, colour_map, levels, bottom_axis=None, row_major=True):
    """The plot a heat-map view is drawn in, styled for the theme, with fixed axes.

    Parameters
    ----------
    message : str
        What the message page says until there is something to draw.
    colour_map : pg.ColorMap
        Of the image and the colour bar.
    levels : (float, float)
        The colour bar's first levels.
    bottom_axis : pg.AxisItem, optional
        Replaces the plot's bottom axis.
    row_major : bool
        The image's axis order: ``image[row, column]`` (True) or ``image[column, row]``.
    """
    canvas = pg.GraphicsLayoutWidget()
    canvas.setBackground(plot_colours()["background"])
    plot = canvas.addPlot(axisItems={"bottom": bottom_axis} if bottom_axis is not None else None)
    style_plot(plot)
    plot.setMouseEnabled(x=False, y=False)
    # grey under the image (and only there) shows where a value is not a number
    nan_patch = QGraphicsRectItem()
    nan_patch.setPen(pg.mkPen(None))
    nan_patch.setBrush(pg.mkBrush(NAN_BACKGROUND))
    nan_patch.setZValue(-20)
    plot.addItem(nan_patch)
    image = pg.ImageItem(axisOrder="row-major" if row_major else "col-major")
    image.setColorMap(colour_map)
    plot.addItem(image)
    colour_bar = pg.ColorBarItem(values=levels, colorMap=colour_map, interactive=False, width=14)
    canvas.addItem(colour_bar)
    label, pages = message_pages(canvas, message)
    return MapPlot(canvas, plot, nan_patch, image, colour_bar, label, pages)


def fit_bounds(points, rect=None, margin=0.04):
    """The smallest view holding ``rect`` and every one of ``points``, each point with a margin.

    Parameters
    ----------
    points : list of (ndarray, ndarray)
        x and y of everything that must show (data, test data); non-finite values are ignored.
    rect : (x0, x1, y0, y1), optional
        A region that must show whole (the output's image); it gets no margin of its own.
    margin : float
        Room around the points, as a fraction of the span (so a symbol at the edge is not cut).

    Returns
    -------
    (x0, x1, y0, y1) or None when there is nothing to show.
    """
    xs = [np.asarray(x, float).ravel() for x, _ in points]
    ys = [np.asarray(y, float).ravel() for _, y in points]
    xs = np.concatenate(xs) if xs else np.zeros(0)
    ys = np.concatenate(ys) if ys else np.zeros(0)
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    if not xs.size and rect is None:
        return None
    bounds = []
    for values, (lo, hi) in ((xs, rect[:2] if rect else (np.inf, -np.inf)),
                             (ys, rect[2:] if rect else (np.inf, -np.inf))):
        if values.size:
            a, b = float(values.min()), float(values.max())
            span = max(b - a, hi - lo if np.isfinite(hi - lo) else 0.0, 1e-9)
            pad = margin * (span if b > a or hi > lo else max(abs(a), 1.0))
            lo, hi = min(lo, a - pad), max(hi, b + pad)
        bounds += [float(lo), float(hi)]
    return tuple(bounds)


def fit_view(plot, points, rect=None, margin=0.04, square=False):
    """Show ``rect`` and ``points`` (see fit_bounds) filling ``plot``; returns the bounds shown.

    With ``square`` (an input plane: circles must look round, a spiral like a spiral) a unit
    is as long across as up, and the axis with room to spare shows more around the data;
    otherwise the aspect ratio is free, so a curve uses the whole width of a wide dock.
    """
    bounds = fit_bounds(points, rect, margin)
    plot.setAspectLocked(False)
    if bounds is not None:
        plot.setRange(xRange=bounds[:2], yRange=bounds[2:], padding=0.0)
    if square:
        plot.setAspectLocked(True, ratio=1.0)
    return bounds


LEGEND_SLOTS = tuple((edge, fx) for edge in ("top", "bottom") for fx in (1.0, 0.0, 0.5, 0.75, 0.25, 0.875, 0.125, 0.625, 0.375))
"""Where a legend may go, in order of preference: along the top edge, then the bottom,
``fx`` being how far across (0 left, 1 right)."""


def legend_slot(points, view_rect, size, curves=()):
    """The place along the view's top or bottom edge where a legend of ``size`` hides fewest points.

    Parameters
    ----------
    points : list of (ndarray, ndarray)
        x and y of the data, which the legend must not hide.
    view_rect : (x0, x1, y0, y1)
        The visible range.
    size : (float, float)
        The legend's width and height as fractions of the view's.
    curves : list of (ndarray, ndarray)
        Samples of lines: hiding one of these counts far less than hiding a data point.

    Returns
    -------
    (str, float)
        ``("top" or "bottom", fx)``, the first slot of LEGEND_SLOTS among those hiding fewest.
    """
    x0, x1, y0, y1 = view_rect
    w, h = max(x1 - x0, 1e-12), max(y1 - y0, 1e-12)
    # a margin around the legend: a point just beside it is hidden by its own symbol
    fw, fh = min(size[0] + 0.04, 1.0), min(size[1] + 0.06, 1.0)

    def uv(pairs):
        xs = np.concatenate([np.asarray(x, float).ravel() for x, _ in pairs]) if pairs else np.zeros(0)
        ys = np.concatenate([np.asarray(y, float).ravel() for _, y in pairs]) if pairs else np.zeros(0)
        u, v = (xs - x0) / w, (ys - y0) / h
        inside = (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1)
        return u[inside], v[inside]

    data, lines = uv(list(points)), uv(list(curves))
    best, fewest = LEGEND_SLOTS[0], None
    for edge, fx in LEGEND_SLOTS:
        left = fx * (1.0 - fw)

        def covered(u, v):
            in_y = v >= 1.0 - fh if edge == "top" else v <= fh
            return int(np.count_nonzero((u >= left) & (u <= left + fw) & in_y))
        cost = 1000 * covered(*data) + covered(*lines)
        if fewest is None or cost < fewest:
            best, fewest = (edge, fx), cost
    return best


def legend_corner(points, view_rect, size):
    """The corner (among the slots of legend_slot) where a legend of ``size`` covers the fewest points:
    "top right", "top left", "bottom right", "bottom left", or e.g. "top 50%" between them."""
    edge, fx = legend_slot(points, view_rect, size)
    side = {1.0: "right", 0.0: "left"}.get(fx, f"{fx:.0%}")
    return f"{edge} {side}"


def translucent_legend(plot):
    """A legend inside ``plot``'s view: translucent, so what it covers still shows
    through, and movable with the mouse (drag it aside)."""
    legend = pg.LegendItem(offset=(-8, 8), labelTextColor=plot_colours()["text"],
                           brush=pg.mkBrush(*pg.mkColor(plot_colours()["background"]).getRgb()[:3], 170),
                           pen=pg.mkPen(plot_colours()["axis"]))
    legend.setParentItem(plot.getViewBox())
    legend.setToolTip("Drag the legend to move it")
    return legend


def place_legend(legend, plot, points, curves=()):
    """Put ``legend`` where it hides fewest of ``points`` (and then of ``curves``) along the top or
    bottom edge of ``plot`` (see legend_slot). Returns the slot, or None before the plot has a size."""
    vb = plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    box = vb.boundingRect()
    if box.width() <= 0 or box.height() <= 0:
        return None
    legend.updateSize()
    # with the 8 pixels it stands off the edge, and the radius of a point's symbol
    size = ((legend.width() + 14) / box.width(), (legend.height() + 14) / box.height())
    edge, fx = legend_slot(points, (x0, x1, y0, y1), size, curves)
    fy = 0.0 if edge == "top" else 1.0
    # the same fraction of the legend and of the view: fx = 0 is flush left, 1 flush right
    legend.anchor((fx, fy), (fx, fy), (8 - 16 * fx, 8 - 16 * fy))
    return edge, fx


def message_pages(widget, text=""):
    """A view's two pages: a message saying why it has nothing to draw (shown first), and ``widget``.

    Returns the message label and the QStackedWidget holding both.
    """
    label = message_label(text)
    pages = QStackedWidget()
    pages.addWidget(label)
    pages.addWidget(widget)
    return label, pages


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
