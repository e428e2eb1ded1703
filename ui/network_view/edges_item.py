"""The edges between two layers, painted by one item.

Thousands of edges are painted by one :class:`EdgesItem` per connected pair
of layers, batched by colour and width, never one item per edge.
"""

import math

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from .items import MAX_WIDTH, WIDTH_LEVELS, edge_pen, level_of_detail, level_width, sign_color, width_level

ARCH_SAMPLES = 12       # polyline points per curved edge, for hit tests


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
        if level_of_detail(painter) < self.COARSE_LOD:
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
