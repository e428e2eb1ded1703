"""Graphics items of the canvas: neurons, layer columns, and edges.

The items only draw. They hold no model state beyond what they paint and are
restyled by the scene from the document; gestures live in gestures.py.
Thousands of edges are painted by one :class:`EdgesItem` per connected pair
of layers, batched by colour and width, never one item per edge.
"""

import math

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

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
MIN_WIDTH, MAX_WIDTH = 0.6, 5.0
ARCH_SAMPLES = 12       # polyline points per curved edge, for hit tests


_TARGET_VALID = QColor(TARGET.red(), TARGET.green(), TARGET.blue(), 45)
_TARGET_HOT = QColor(TARGET.red(), TARGET.green(), TARGET.blue(), 110)
_HOVER_PEN = QPen(HOVER, 3.0)
_SELECTED_PEN = QPen(SELECTED, 1.5, Qt.DashLine)


def sign_color(value):
    """Blue for positive, orange for negative, grey for exactly zero."""
    return POSITIVE if value > 0 else NEGATIVE if value < 0 else ZERO


def width_level(values, scale=1.0):
    """Bucket of |value| in 0..WIDTH_LEVELS-1, in proportion to |value| / ``scale``.

    The scene passes the largest |w| of the network as ``scale``, so the
    strongest edge is always the widest: a trained network whose weights run
    to 5 or 50 still shows which ones matter.
    """
    frac = np.abs(np.asarray(values, dtype=float)) / (scale if scale > 0 else 1.0)
    return np.minimum((frac * WIDTH_LEVELS).astype(int), WIDTH_LEVELS - 1)


def largest_magnitude(values):
    """The largest |value|, or 1.0 if there is none or all are 0 (a scale for ``width_level``)."""
    values = np.asarray(values, dtype=float)
    top = float(np.abs(values).max()) if values.size else 0.0
    return top if top > 0 else 1.0


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


def format_value(value):
    """Short text for a weight or bias: 3 significant figures, a real minus sign."""
    if abs(value) < 9.995:
        text = f"{value:.2f}"
    elif abs(value) < 99.95:
        text = f"{value:.1f}"
    else:
        text = f"{value:.0f}"
    return text.replace("-", "\u2212")


def format_short(value):
    """At most 5 characters, to fit inside a neuron: "0.53", "−1.2", "12", "2e+03"."""
    a = abs(value)
    text = f"{value:.2f}" if a < 0.995 else f"{value:.1f}" if a < 9.95 else f"{value:.0f}" if a < 999.5 \
        else f"{value:.0e}".replace("e+0", "e")
    return text.replace("-", "\u2212")


def _lod(painter):
    return QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())


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
        self._pen = None
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

    def set_bias(self, value, scale=1.0):
        """Show bias ``value``; the rim is widest for the network's largest |bias|, ``scale``."""
        if value != self.bias or scale != self.scale or self._pen is None:
            self.bias, self.scale = value, scale
            if self.kind == "input":
                self._pen = QPen(QColor(110, 110, 110), 1.5)
            else:
                self._pen = QPen(sign_color(value), 1.2 + 0.45 * int(width_level(value, scale)))
            self._text = self.label if self.kind == "input" else format_short(value)
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
        lod = _lod(painter)
        r = RADIUS
        pen = self._pen
        fill = self._fill_hover if self.hover == "body" else self._fill
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
        if self.hover == "rim" or self.isSelected():
            painter.setBrush(Qt.NoBrush)
            if self.hover == "rim":
                painter.setPen(_HOVER_PEN)
                painter.drawEllipse(QPointF(0, 0), r + 2.5, r + 2.5)
            if self.isSelected():
                painter.setPen(_SELECTED_PEN)
                painter.drawEllipse(QPointF(0, 0), r + 5.0, r + 5.0)
        if lod * r < 7:
            return  # too small to read: skip the text
        painter.setPen(TEXT)
        font = QFont(painter.font())
        font.setPixelSize(12 if self.kind == "input" else 9)
        painter.setFont(font)
        painter.drawText(QRectF(-r, -r, 2 * r, 2 * r), Qt.AlignCenter, self._text)
        if self.kind == "output":
            font.setPixelSize(14)
            painter.setFont(font)
            painter.drawText(QRectF(r + 7, -r, 40, 2 * r), Qt.AlignVCenter | Qt.AlignLeft, self.label)


class LayerTitleItem(QGraphicsItem):
    """Two centred lines under a column: "Hidden 1" and "tanh".

    The scene scales it up when the view is zoomed out, so it stays
    readable when the neurons are dots.
    """

    RECT = QRectF(-70, 0, 140, 34)

    def __init__(self, title, subtitle):
        super().__init__()
        self.title = title
        self.subtitle = subtitle
        self.setZValue(5)  # over the edges, which may pass behind it; under the neurons

    def boundingRect(self):
        return self.RECT

    def paint(self, painter, option, widget=None):
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRoundedRect(self.RECT.adjusted(25, 0, -25, 0), 5, 5)
        painter.setPen(QColor(90, 90, 90))
        font = QFont(painter.font())
        font.setPixelSize(12)
        font.setBold(True)
        painter.setFont(font)
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
        # Not a child: children stack with their parent, behind the edges.
        self.title = LayerTitleItem(title, subtitle)
        self.setZValue(-10)

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

    def boundingRect(self):
        return self.band.adjusted(-1, -1, 1, 1)

    def contains(self, point):
        return self.band.contains(point) or (self.title.isVisible() and self.title.sceneBoundingRect().contains(point))

    def paint(self, painter, option, widget=None):
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(QColor(200, 205, 210), 1.0) if self.highlighted else Qt.NoPen)
        painter.setBrush(QColor(238, 241, 245) if self.highlighted else QColor(245, 247, 249))
        painter.drawRoundedRect(self.band, 14, 14)


class EdgesItem(QGraphicsItem):
    """Every edge from layer ``src_layer`` to layer ``dst_layer``, in one item.

    Edges are bucketed by (sign, width level) and each bucket is drawn with
    one ``drawLines`` (or one path, for curves). Lines are cached and only
    rebuilt when the edges, their weights or the neuron positions change.
    Edges that skip layers are quadratic curves arching above the columns
    they pass, so they do not hide behind the edges of the layers between.
    """

    # Level of detail. Below COARSE_LOD, or when more than FINE_MAX of the
    # block's edges cross the visible area, edges are thin uniform lines and
    # a block draws only its COARSE_MAX strongest edges. What costs is pixels:
    # a thousand wide antialiased lines across the window take longer than a
    # frame, and a mesh that dense reads as a texture (or a moiré) anyway.
    COARSE_LOD = 0.35
    FINE_MAX = 600
    COARSE_MAX = 2500

    def __init__(self, src_layer, dst_layer):
        super().__init__()
        self.src_layer = src_layer
        self.dst_layer = dst_layer
        self.skip = dst_layer - src_layer > 1
        self.src = np.zeros(0, int)
        self.dst = np.zeros(0, int)
        self.weights = np.zeros(0)
        self.scale = 1.0
        self.p1 = self.p2 = self.ctrl = np.zeros((0, 2))
        self._samples = None
        self._rect = QRectF()
        self._index = None
        self._levels = self._signs = np.zeros(0, int)
        self._cache = self._coarse = self._lines = None
        self._coarse_mode = None
        self.selected = np.zeros(0, int)
        self.hovered = None
        self.setZValue(1 if self.skip else 0)
        self.setFlag(QGraphicsItem.ItemUsesExtendedStyleOption)  # fills option.exposedRect

    # ----------------------------------------------------------- data in
    def set_edges(self, src, dst, weights, scale=1.0):
        """The edges (index arrays into the two layers), their weights, and the
        network's largest |w| (the widest line)."""
        self.src = np.asarray(src, int)
        self.dst = np.asarray(dst, int)
        self._index = None
        self._cache = self._coarse = self._lines = None
        self.selected = np.zeros(0, int)
        self.hovered = None
        self.set_weights(weights, scale)

    def set_weights(self, weights, scale=1.0):
        """Restyle after a values change: same edges, new weights (and largest |w|)."""
        self.weights = np.asarray(weights, float)
        self.scale = scale
        signs = np.sign(self.weights).astype(int)
        levels = width_level(self.weights, scale)
        if self._cache is not None and np.array_equal(signs, self._signs) and np.array_equal(levels, self._levels):
            return  # no edge changed bucket: the picture is the same
        self._signs, self._levels = signs, levels
        self._cache = self._coarse = None
        self.update()

    def set_geometry(self, src_xy, dst_xy, arch_top=None):
        """Place the edges between neuron centres ``src_xy`` (n_src, 2) and ``dst_xy`` (n_dst, 2).

        ``arch_top`` is the y the curves of a skip connection must clear.
        """
        self.p1 = np.asarray(src_xy, float)[self.src].reshape(-1, 2)
        self.p2 = np.asarray(dst_xy, float)[self.dst].reshape(-1, 2)
        if self.skip and len(self.src):
            top = np.minimum(self.p1[:, 1], self.p2[:, 1])
            if arch_top is not None:
                top = np.minimum(top, arch_top)
            apex = top - 14.0 * (np.arange(len(self.src)) % 6)
            # The apex of a quadratic Bézier lies halfway between the chord's
            # midpoint and the control point.
            mid = (self.p1 + self.p2) / 2
            self.ctrl = np.column_stack([mid[:, 0], 2 * apex - mid[:, 1]])
            t = np.linspace(0.0, 1.0, ARCH_SAMPLES + 1)[None, :, None]
            self._samples = ((1 - t) ** 2 * self.p1[:, None] + 2 * (1 - t) * t * self.ctrl[:, None]
                             + t ** 2 * self.p2[:, None])
            pts = self._samples.reshape(-1, 2)
        else:
            self.ctrl = np.zeros((0, 2))
            self._samples = None
            pts = np.vstack([self.p1, self.p2])
        if len(pts):
            lo, hi = pts.min(axis=0), pts.max(axis=0)
            rect = QRectF(QPointF(*lo), QPointF(*hi)).adjusted(-MAX_WIDTH, -MAX_WIDTH, MAX_WIDTH, MAX_WIDTH)
        else:
            rect = QRectF()
        self.prepareGeometryChange()
        self._rect = rect
        self._cache = self._coarse = self._lines = None
        self.update()

    def set_highlight(self, selected, hovered):
        """Indices (into this item's edges) to draw selected, and the hovered one or None."""
        selected = np.asarray(sorted(selected), int)
        if hovered != self.hovered or not np.array_equal(selected, self.selected):
            self.selected, self.hovered = selected, hovered
            self.update()

    # --------------------------------------------------------- queries
    def __len__(self):
        return len(self.src)

    def edge_key(self, k):
        return (self.src_layer, int(self.src[k])), (self.dst_layer, int(self.dst[k]))

    def index_of(self, src_index, dst_index):
        if self._index is None:
            self._index = {(int(s), int(d)): k for k, (s, d) in enumerate(zip(self.src, self.dst))}
        return self._index.get((src_index, dst_index))

    def pen_for(self, k, alpha=255):
        return edge_pen(self.weights[k], alpha, self.scale)

    def edge_at(self, point, tolerance):
        """Index of the edge nearest ``point`` within ``tolerance`` (scene units), or None."""
        if not len(self.src) or not self._rect.adjusted(-tolerance, -tolerance, tolerance, tolerance).contains(point):
            return None
        p = np.array([point.x(), point.y()])
        if self._samples is None:
            d = _segment_distance(p, self.p1, self.p2)
        else:
            a, b = self._samples[:, :-1], self._samples[:, 1:]
            d = _segment_distance(p, a.reshape(-1, 2), b.reshape(-1, 2)).reshape(len(self.src), -1).min(axis=1)
        if self._coarse_mode and len(self.src) > self.COARSE_MAX:
            # Only what is drawn can be picked.
            hidden = np.ones(len(self.src), bool)
            hidden[self._coarse_edges()] = False
            d[hidden] = np.inf
        k = int(np.argmin(d))
        return k if d[k] <= tolerance else None

    def edges_in_rect(self, rect):
        """Indices of edges with both ends inside ``rect``."""
        if not len(self.src):
            return np.zeros(0, int)
        lo = np.array([rect.left(), rect.top()])
        hi = np.array([rect.right(), rect.bottom()])
        inside = np.all((self.p1 >= lo) & (self.p1 <= hi) & (self.p2 >= lo) & (self.p2 <= hi), axis=1)
        return np.nonzero(inside)[0]

    def contains(self, point):
        return self.edge_at(point, 4.0) is not None

    # -------------------------------------------------------- painting
    def boundingRect(self):
        return self._rect

    @staticmethod
    def _alpha(n):
        # Thousands of overlapping edges read as a texture only if they are
        # translucent; a few edges read best opaque.
        return int(max(70, min(255, 255 * math.sqrt(300 / max(n, 1)))))

    def _shape(self, ks):
        """One batch: a list of QLineF, or a QPainterPath of curves."""
        if self._samples is None:
            if self._lines is None:
                # Built once per layout; restyles only regroup them.
                self._lines = [QLineF(*row) for row in np.hstack([self.p1, self.p2]).tolist()]
            lines = self._lines
            return [lines[k] for k in ks.tolist()]
        path = QPainterPath()
        for (x1, y1), (cx, cy), (x2, y2) in zip(self.p1[ks].tolist(), self.ctrl[ks].tolist(), self.p2[ks].tolist()):
            path.moveTo(x1, y1)
            path.quadTo(cx, cy, x2, y2)
        return path

    def _buckets(self):
        if self._cache is None:
            keys = (self._signs + 1) * WIDTH_LEVELS + self._levels
            order = np.argsort(keys, kind="stable")
            uniq, starts = np.unique(keys[order], return_index=True)
            ends = list(starts[1:]) + [len(order)]
            alpha = self._alpha(len(self.src))
            buckets = []
            for key, a, b in zip(uniq.tolist(), starts.tolist(), ends):
                ks = order[a:b]
                pen = edge_pen(float(key // WIDTH_LEVELS - 1), alpha)
                pen.setWidthF(level_width(key % WIDTH_LEVELS))
                buckets.append((pen, ks, self._shape(ks)))
            self._cache = buckets
        return self._cache

    def _coarse_edges(self):
        """Indices of the edges drawn when coarse: all, or the COARSE_MAX strongest."""
        if len(self.src) <= self.COARSE_MAX:
            return np.arange(len(self.src))
        return np.sort(np.argpartition(-np.abs(self.weights), self.COARSE_MAX)[:self.COARSE_MAX])

    def _coarse_buckets(self):
        """Zoomed out: one thin pen per sign, and at most COARSE_MAX edges,
        the strongest. A dense block is a texture at that scale; drawing all
        of it would only cost time and hide the strong edges in the mass."""
        if self._coarse is None:
            ks = self._coarse_edges()
            alpha = self._alpha(len(ks))
            buckets = []
            for sign in (-1, 0, 1):
                chosen = ks[self._signs[ks] == sign]
                if len(chosen):
                    color = QColor(sign_color(sign))
                    color.setAlpha(alpha)
                    buckets.append((QPen(color, 0), chosen, self._shape(chosen)))
            self._coarse = buckets
        return self._coarse

    def _draw(self, painter, shape):
        if isinstance(shape, QPainterPath):
            painter.drawPath(shape)
        else:
            painter.drawLines(shape)

    def visible_count(self, rect):
        """How many edges cross ``rect`` (item coordinates); curves by their bounding box."""
        if self._samples is not None:
            lo, hi = self._samples.min(axis=1), self._samples.max(axis=1)
        else:
            lo, hi = np.minimum(self.p1, self.p2), np.maximum(self.p1, self.p2)
        near = ((hi[:, 0] >= rect.left()) & (lo[:, 0] <= rect.right())
                & (hi[:, 1] >= rect.top()) & (lo[:, 1] <= rect.bottom()))
        if self._samples is not None or not near.any():
            return int(near.sum())
        # A straight edge whose box meets the rect crosses it unless all four
        # corners lie on the same side of its line.
        a, b = self.p1[near], self.p2[near]
        d = b - a
        sides = np.stack([d[:, 0] * (cy - a[:, 1]) - d[:, 1] * (cx - a[:, 0])
                          for cx, cy in ((rect.left(), rect.top()), (rect.right(), rect.top()),
                                         (rect.left(), rect.bottom()), (rect.right(), rect.bottom()))])
        return int(np.count_nonzero(~((sides > 0).all(axis=0) | (sides < 0).all(axis=0))))

    def _is_coarse(self, painter, option):
        if _lod(painter) < self.COARSE_LOD:
            return True
        if len(self.src) <= self.FINE_MAX:
            return False
        # Decide on the whole visible area, not the exposed strip, so that
        # every strip of one view is drawn alike.
        device = painter.device()
        inverse, ok = painter.worldTransform().inverted()
        if not ok or device is None:
            return True
        seen = inverse.mapRect(QRectF(0, 0, device.width(), device.height()))
        return self.visible_count(seen) > self.FINE_MAX

    def paint(self, painter, option, widget=None):
        if not len(self.src):
            return
        coarse = self._is_coarse(painter, option)
        if coarse != self._coarse_mode:
            if self._coarse_mode is not None and not option.exposedRect.contains(self._rect):
                self.update()  # the rest of the item was drawn the other way: redraw it all
            self._coarse_mode = coarse
        # An explicit clip to the exposed area (a strip, while panning): Qt's
        # raster engine then clips each line before stroking it, which made
        # repaints of thousands of lines some 30 times faster than relying on
        # the widget's own clip.
        painter.setClipRect(option.exposedRect, Qt.IntersectClip)
        painter.setBrush(Qt.NoBrush)
        painter.setRenderHint(QPainter.Antialiasing, not coarse or len(self.src) < 2000)
        for pen, ks, shape in self._coarse_buckets() if coarse else self._buckets():
            painter.setPen(pen)
            self._draw(painter, shape)
        self._paint_highlights(painter, coarse)

    def _paint_highlights(self, painter, coarse):
        """Selected edges (a dark halo under each, in batches: Select All on a
        big network must not mean thousands of draw calls) and the hovered one."""
        groups = []
        if len(self.selected):
            # Zoomed out, only the selected edges among those drawn.
            ks = np.intersect1d(self.selected, self._coarse_edges()) if coarse else self.selected
            groups.append((ks, 160))
        if self.hovered is not None:
            groups.append((np.array([self.hovered]), 90))
        for ks, shade in groups:
            if not len(ks):
                continue
            shape = self._shape(ks)
            if coarse:
                # Thin lines in the selection colour: wider cosmetic pens
                # leave Qt's fast path, and halos would not read at this size.
                painter.setRenderHint(QPainter.Antialiasing, False)
                painter.setPen(QPen(QColor(0, 0, 0, shade + 60), 0))
                self._draw(painter, shape)
                continue
            halo = QPen(QColor(0, 0, 0, shade), MAX_WIDTH + 3.0)
            halo.setCapStyle(Qt.FlatCap)
            painter.setRenderHint(QPainter.Antialiasing, len(ks) < 2000)
            painter.setPen(halo)
            self._draw(painter, shape)
            keys = (self._signs[ks] + 1) * WIDTH_LEVELS + self._levels[ks]
            for key in np.unique(keys).tolist():
                pen = edge_pen(float(key // WIDTH_LEVELS - 1))
                pen.setWidthF(level_width(key % WIDTH_LEVELS))
                painter.setPen(pen)
                self._draw(painter, self._shape(ks[keys == key]))


def _segment_distance(p, a, b):
    """Distance from point ``p`` (2,) to each segment ``a[k] -> b[k]`` (n, 2)."""
    ab = b - a
    denom = np.einsum("ij,ij->i", ab, ab)
    t = np.where(denom > 0, np.einsum("ij,ij->i", p - a, ab) / np.where(denom > 0, denom, 1), 0.0)
    t = np.clip(t, 0.0, 1.0)
    closest = a + t[:, None] * ab
    return np.hypot(*(closest - p).T)
