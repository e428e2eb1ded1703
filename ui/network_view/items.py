"""Graphics items of the canvas: neurons and layer columns, and the colours
and widths every item shares (the edges are in edges_item.py).

The items only draw. They hold no model state beyond what they paint and are
restyled by the scene from the document; gestures live in gestures.py.
"""

import re

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from ..theme import canvas_colours

RADIUS = 17.0

# Okabe-Ito colours: blue and orange stay distinct for the common forms of
# colour blindness.
POSITIVE = QColor(0, 114, 178)
NEGATIVE = QColor(213, 94, 0)
ZERO = QColor(150, 150, 150)
SELECTED = QColor(30, 30, 30)
HOVER = QColor(0, 158, 115)       # bluish green: "you can connect from here"
TARGET = QColor(0, 158, 115)
TEXT = QColor(40, 40, 40)
FILLS = {"input": QColor(236, 239, 241), "hidden": QColor(255, 255, 255), "output": QColor(255, 248, 225)}

WIDTH_LEVELS = 8
MAP_MIN_PIXELS = 9.0    # a neuron's mini map shows once its radius is this many pixels on screen
MIN_WIDTH, MAX_WIDTH = 0.6, 5.0
MIN_TEXT_PIXELS = 9.0   # text smaller than this on screen is not drawn: readable labels, or none


# Step-through: forward is bluish green (data flowing on), the loss purple,
# backward vermilion (the error flowing back), the update yellow.
PHASE_COLOURS = {"forward": QColor(0, 158, 115), "loss": QColor(150, 80, 170),
                 "backward": QColor(213, 94, 0), "update": QColor(200, 160, 0)}

_TARGET_VALID = QColor(TARGET.red(), TARGET.green(), TARGET.blue(), 45)
_TARGET_HOT = QColor(TARGET.red(), TARGET.green(), TARGET.blue(), 110)
_HOVER_PEN = QPen(HOVER, 3.0)
_SELECTED_PEN = QPen(SELECTED, 1.5, Qt.DashLine)


def sign_color(value):
    """Blue for positive, orange for negative, grey for exactly zero (and for NaN)."""
    return POSITIVE if value > 0 else NEGATIVE if value < 0 else ZERO


def sign_of(value):
    """1, -1 or 0 (also for NaN): ``np.sign`` without its NaN."""
    return 1 if value > 0 else -1 if value < 0 else 0


def width_level(values, scale=1.0):
    """Bucket of |value| in 0..WIDTH_LEVELS-1, in proportion to |value| / ``scale``.

    The scene passes the largest |w| of the network as ``scale``, so the
    strongest edge is always the widest: a trained network whose weights run
    to 5 or 50 still shows which ones matter. After a divergence an infinite
    value is as wide as any, a NaN as thin as any, and no warning is raised.
    """
    magnitude = np.abs(np.asarray(values, dtype=float))
    scale = scale if 0 < scale < np.inf else 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        frac = np.minimum(magnitude / scale, 1.0)
    frac = np.where(np.isnan(frac), 0.0, frac)
    return np.minimum((frac * WIDTH_LEVELS).astype(int), WIDTH_LEVELS - 1)


def largest_magnitude(values):
    """The largest finite |value|, or 1.0 if there is none or all are 0 (a scale for ``width_level``)."""
    values = np.abs(np.asarray(values, dtype=float))
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def all_finite(arrays):
    """True if every value of every array is finite (no training run diverged into them)."""
    return all(bool(np.isfinite(np.asarray(a, dtype=float)).all()) for a in arrays)


def level_width(level):
    return MIN_WIDTH + (level + 0.5) / WIDTH_LEVELS * (MAX_WIDTH - MIN_WIDTH)


def edge_pen(weight, alpha=255, scale=1.0):
    """The pen an edge of this weight is drawn with (colour by sign, width by
    magnitude relative to ``scale``, the network's largest |w|)."""
    color = QColor(sign_color(weight))
    color.setAlpha(alpha)
    pen = QPen(color, level_width(int(width_level(weight, scale))))
    # Flat caps: the ends hide under the neurons anyway, and antialiased
    # round caps make Qt's raster engine some 30 times slower.
    pen.setCapStyle(Qt.FlatCap)
    return pen


def _not_finite(value):
    """"∞", "−∞" or "NaN" for a value that is not a finite number, else None."""
    if value != value:
        return "NaN"
    if value in (np.inf, -np.inf):
        return "\u221e" if value > 0 else "\u2212\u221e"
    return None


def _short_exponent(text):
    """"2e+03" -> "2e3", "1.5e+38" -> "1.5e38"."""
    return re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", text)


def format_value(value):
    """Short text for a weight or bias: 3 significant figures, a real minus sign."""
    special = _not_finite(value)
    if special is not None:
        return special
    if abs(value) < 9.995:
        text = f"{value:.2f}"
    elif abs(value) < 99.95:
        text = f"{value:.1f}"
    elif abs(value) < 1e6:
        text = f"{value:.0f}"
    else:
        text = _short_exponent(f"{value:.2g}")
    return text.replace("-", "\u2212")


def format_short(value):
    """At most 5 characters, to fit inside a neuron: "0.53", "−1.2", "12", "2e3", "∞", "NaN"."""
    special = _not_finite(value)
    if special is not None:
        return special
    a = abs(value)
    text = f"{value:.2f}" if a < 0.995 else f"{value:.1f}" if a < 9.95 else f"{value:.0f}" if a < 999.5 \
        else _short_exponent(f"{value:.0e}")
    return text.replace("-", "\u2212")


def level_of_detail(painter):
    """How many device pixels one scene unit takes under ``painter``'s transform."""
    return QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())


def fitting_font(base, pixels, lod, text, width):
    """A font for ``text`` in a box ``width`` scene units wide, or None.

    ``pixels`` is the size (scene units) at 100 %; zoomed out, the text grows
    in the scene so that it stays MIN_TEXT_PIXELS tall on screen. If it then no
    longer fits the box, None: no label is better than one nobody can read.
    """
    if lod <= 0:
        return None
    size = max(float(pixels), MIN_TEXT_PIXELS / lod)
    font = QFont(base)
    font.setPixelSize(max(1, round(size)))
    return font if QFontMetricsF(font).horizontalAdvance(text) <= width else None


class NeuronItem(QGraphicsItem):
    """A neuron: a circle whose rim shows the bias (colour = sign, width = size).

    Input neurons carry their name inside ("x1"); output neurons beside them
    ("ŷ"). ``hover`` is None, "body" or "rim" (the rim starts a connection);
    ``target`` is None, "valid" or "hot" while a connection is being dragged.
    """

    def __init__(self, key, kind, label=""):
        super().__init__()
        self.key = key
        self.kind = kind
        self.label = label
        self.bias = 0.0
        self.scale = 1.0
        self.hover = None
        self.target = None
        self.fill = None        # a colour instead of the kind's fill (gradient mode: the delta)
        self.map = None         # a mini map: QImage (2 inputs) or QPolygonF (1 input), or None
        self.map_levels = None  # the colour levels (uint8 per grid point) the QImage map shows
        self._pen = self._style = self._text = None
        self._fill = QColor(FILLS[kind])
        self._fill_hover = self._fill.darker(108)
        m = RADIUS + 8.0
        self._rect = QRectF(-m, -m, 2 * m + (40.0 if kind == "output" else 0.0), 2 * m)
        self.set_bias(0.0)
        self.setFlag(QGraphicsItem.ItemIsSelectable)
        self.setZValue(10)
        # Pans and edge restyles then only copy the neurons' pixels.
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)

    def boundingRect(self):
        return self._rect

    def shape(self):
        # The circle, not the bounding box with room for the label: a rubber
        # band selects a neuron only when it touches the circle.
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), RADIUS, RADIUS)
        return path

    def set_bias(self, value, scale=1.0, level=None):
        """Show bias ``value``; the rim is widest for the network's largest |bias|, ``scale``.

        ``level`` is ``width_level(value, scale)`` when the caller computed it
        for a whole layer at once (thirty times a second while training).
        """
        self.bias, self.scale = value, scale
        if self.kind == "input":
            style, text = None, self.label
        else:
            level = int(width_level(value, scale)) if level is None else int(level)
            style, text = (sign_of(value), level), format_short(value)
        if self._pen is None or style != self._style or text != self._text:
            # Only a change that shows repaints (and re-caches) the neuron.
            self._style, self._text = style, text
            if style is None:
                self._pen = QPen(QColor(110, 110, 110), 1.5)
            else:
                self._pen = QPen(sign_color(value), 1.2 + 0.45 * style[1])
            self.update()

    def set_fill(self, color):
        """Fill the circle with ``color`` (None: the usual fill of its kind)."""
        if color != self.fill:
            self.fill = None if color is None else QColor(color)
            self.update()

    def set_map(self, picture, levels=None):
        """Show a small map of the neuron's activation inside the circle: a QImage
        over the input plane, a QPolygonF curve (item coordinates) over one input,
        or None for no map. ``levels``: the colour levels the image was made
        from (``map_levels``), so an unchanged map need not be made again."""
        self.map_levels = levels
        if picture is not None or self.map is not None:
            self.map = picture
            self.update()

    def set_hover(self, zone):
        if zone != self.hover:
            self.hover = zone
            self.update()

    def set_target(self, state):
        if state != self.target:
            self.target = state
            self.update()

    def paint(self, painter, option, widget=None):
        lod = level_of_detail(painter)
        r = RADIUS
        pen = self._pen
        fill = self._fill_hover if self.hover == "body" else self._fill if self.fill is None else self.fill
        if lod * r < 4 and self.target is None and not self.isSelected():
            # A few pixels across: a plain dot is all that can be seen.
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawEllipse(QPointF(0, 0), r, r)
            return
        painter.setRenderHint(QPainter.Antialiasing)
        if self.target is not None:
            painter.setPen(Qt.NoPen)
            painter.setBrush(_TARGET_HOT if self.target == "hot" else _TARGET_VALID)
            grow = 8.0 if self.target == "hot" else 5.0
            painter.drawEllipse(QPointF(0, 0), r + grow, r + grow)
        painter.setBrush(fill)
        painter.setPen(pen)
        inner = r - pen.widthF() / 2
        painter.drawEllipse(QPointF(0, 0), inner, inner)
        # With a fill (gradient mode: the delta) the map shows only when there
        # is room for a ring of the fill around it.
        mapped = self.map is not None and lod * r >= (MAP_MIN_PIXELS if self.fill is None else 1.6 * MAP_MIN_PIXELS)
        if mapped:
            self._paint_map(painter, inner - pen.widthF() / 2 - (5.0 if self.fill is not None else 0.0))
        if self.hover == "rim" or self.isSelected():
            painter.setBrush(Qt.NoBrush)
            if self.hover == "rim":
                painter.setPen(_HOVER_PEN)
                painter.drawEllipse(QPointF(0, 0), r + 2.5, r + 2.5)
            if self.isSelected():
                painter.setPen(_SELECTED_PEN)
                painter.drawEllipse(QPointF(0, 0), r + 5.0, r + 5.0)
        if self.kind == "output":
            self._paint_output_label(painter, lod)
        if mapped and self.kind != "input":
            return  # the map takes the circle: skip the value
        # the value inside the circle, only where it is readable and fits
        font = fitting_font(painter.font(), 12 if self.kind == "input" else 9, lod, self._text, 2 * r - 5)
        if font is not None:
            painter.setPen(TEXT)
            painter.setFont(font)
            painter.drawText(QRectF(-r, -r, 2 * r, 2 * r), Qt.AlignCenter, self._text)

    def _paint_output_label(self, painter, lod):
        r = RADIUS
        font = fitting_font(painter.font(), 14, lod, self.label, 40)
        if font is None:
            return
        painter.setPen(canvas_colours()["label_ink"])  # on the paper, beside the neuron
        painter.setFont(font)
        painter.drawText(QRectF(r + 7, -r, 40, 2 * r), Qt.AlignVCenter | Qt.AlignLeft, self.label)

    def _paint_map(self, painter, radius):
        """The mini map in a disc of ``radius`` inside the rim (an image is transparent outside its disc)."""
        if isinstance(self.map, QImage):
            painter.setRenderHint(QPainter.SmoothPixmapTransform)
            painter.drawImage(QRectF(-radius, -radius, 2 * radius, 2 * radius), self.map)
            return
        painter.save()
        clip = QPainterPath()
        clip.addEllipse(QPointF(0, 0), radius, radius)
        painter.setClipPath(clip, Qt.IntersectClip)
        painter.setPen(QPen(QColor(200, 200, 200), 0))
        painter.drawLine(QPointF(-radius, 0), QPointF(radius, 0))
        painter.setPen(QPen(TEXT, 1.6))
        painter.setBrush(Qt.NoBrush)
        painter.drawPolyline(self.map)
        painter.restore()


def short_title(title):
    """The title in a few letters, for columns too close for the whole one:
    "Input" -> "In", "Hidden 3" -> "H3", "Output" -> "Out"."""
    if title.startswith("Hidden "):
        return "H" + title[len("Hidden "):]
    return {"Input": "In", "Output": "Out"}.get(title, title[:3])


TITLE_Z = 15.5         # over edges (0, 1), neurons (10) and trace labels (15); under the phase badge (16)
TITLE_BACK_ALPHA = 235  # nearly opaque: edges behind a title must not show through its letters


class LayerTitleItem(QGraphicsItem):
    """Two centred lines under a column: "Hidden 1" and "tanh".

    The scene scales it up when the view is zoomed out, so it stays
    readable when the neurons are dots. Level of detail: where the columns
    stand too close for whole titles, ``set_short(True)`` draws "H1" alone
    (the tooltip still names the layer and its activation).
    """

    RECT = QRectF(-70, 0, 140, 34)
    FULL_INK = QRectF(-50, 0, 100, 34)  # where the whole title is drawn
    SHORT_PAD = 6.0  # around a short title's text ("H10"): its backdrop and the gap to the next

    @staticmethod
    def title_font():
        font = QFont()
        font.setPixelSize(12)
        font.setBold(True)
        return font

    def __init__(self, title, subtitle):
        super().__init__()
        self.title = title
        self.subtitle = subtitle
        self.short = False
        half = QFontMetricsF(self.title_font()).horizontalAdvance(short_title(title)) / 2 + self.SHORT_PAD
        self._short_ink = QRectF(-half, 0, 2 * half, 17)
        # Over the edges (a dense network's edges fan across the titles of the
        # shorter columns), the neurons and the trace's number boxes: a title is
        # never hidden. Clicks find neurons and edges by geometry, not by stacking.
        self.setZValue(TITLE_Z)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)  # text: repainted as pixels while training

    def set_short(self, short):
        if short != self.short:
            self.short = short
            self.update()

    def ink(self, short=None):
        """The rectangle the text takes, in item coordinates (as ``short`` or as now)."""
        return self._short_ink if (self.short if short is None else short) else self.FULL_INK

    def boundingRect(self):
        return self.RECT

    def paint(self, painter, option, widget=None):
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        colours = canvas_colours()
        back = QColor(colours["title_back"])
        back.setAlpha(max(back.alpha(), TITLE_BACK_ALPHA))
        painter.setBrush(back)
        painter.drawRoundedRect(self.ink().adjusted(self.SHORT_PAD - 4, 0, 4 - self.SHORT_PAD, 0) if self.short else
                                self.FULL_INK, 5, 5)
        painter.setPen(colours["title_ink"])
        font = self.title_font()
        painter.setFont(font)
        if self.short:
            painter.drawText(self.ink(), Qt.AlignHCenter | Qt.AlignTop, short_title(self.title))
            return
        painter.drawText(self.RECT, Qt.AlignHCenter | Qt.AlignTop, self.title)
        if self.subtitle:
            font.setBold(False)
            painter.setFont(font)
            painter.drawText(self.RECT, Qt.AlignHCenter | Qt.AlignBottom, self.subtitle)


class LayerItem(QGraphicsItem):
    """The faint column behind a layer, titled at the bottom ("Hidden 1", "tanh").

    The title sits below the column so that skip connections can arch over
    the top.
    """

    MARGIN = 30.0

    def __init__(self, layer, title, subtitle=""):
        super().__init__()
        self.layer = layer
        self.band = QRectF()
        self.highlighted = False
        self.phase = None  # "forward", "loss", "backward" or "update" while stepping through a step
        # Not a child: children stack with their parent, behind the edges.
        self.title = LayerTitleItem(title, subtitle)
        self.setZValue(-10)
        # under every neuron: while training, the neurons' repaints copy its pixels, not paint it again
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)

    def set_band(self, xs, ys):
        """Fit the column around neuron centres ``xs``, ``ys``."""
        m = self.MARGIN
        band = QRectF(QPointF(min(xs) - m, min(ys) - m), QPointF(max(xs) + m, max(ys) + m))
        if band != self.band:
            self.prepareGeometryChange()
            self.band = band
            self.title.setPos(band.center().x(), band.bottom() + 4)

    def set_highlighted(self, on):
        if on != self.highlighted:
            self.highlighted = on
            self.update()

    def set_phase(self, kind):
        """Tint the column for the phase of a step running in this layer (None: no tint)."""
        if kind != self.phase:
            self.phase = kind
            self.update()

    def boundingRect(self):
        return self.band.adjusted(-3, -3, 3, 3)

    def contains(self, point):
        return self.band.contains(point) or (self.title.isVisible() and self.title.sceneBoundingRect().contains(point))

    def paint(self, painter, option, widget=None):
        painter.setRenderHint(QPainter.Antialiasing)
        colours = canvas_colours()
        painter.setPen(QPen(colours["column_edge"], 1.0) if self.highlighted else Qt.NoPen)
        painter.setBrush(colours["column_lit"] if self.highlighted else colours["column"])
        if self.phase is not None:
            tint = PHASE_COLOURS[self.phase]
            painter.setPen(QPen(tint, 2.5))
            painter.setBrush(QColor(tint.red(), tint.green(), tint.blue(), 40))
        painter.drawRoundedRect(self.band, 14, 14)
