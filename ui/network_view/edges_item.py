"""The edges between two layers, painted by one item.

Thousands of edges are painted by one :class:`EdgesItem` per connected pair
of layers, batched by style, never one item per edge. Straight edges go to
``QPainter.drawLines`` straight from a NumPy array (no ``QLineF`` object per
edge), so a block of a million edges costs arrays, not Python objects.
"""

import math

import numpy as np
import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from .items import MAX_WIDTH, level_of_detail, level_width
from .styles import GRADIENT_PALETTE, WEIGHT_PALETTE, gradient_keys, weight_keys

ARCH_SAMPLES = 12       # polyline points per curved edge, for hit tests


def draw_lines(painter, coords):
    """Draw every row ``(x1, y1, x2, y2)`` of ``coords`` (n, 4) as a line, in one call.

    QPainter's C++ ``drawLines(const QLineF *, int)`` reads the array in
    place: a QLineF is four doubles, so a C-contiguous float64 array is one.
    """
    coords = np.ascontiguousarray(coords, dtype=np.float64)
    if len(coords):
        painter.drawLines(shiboken6.wrapInstance(coords.ctypes.data, QLineF), len(coords))


class EdgesItem(QGraphicsItem):
    """Every edge from layer ``src_layer`` to layer ``dst_layer``, in one item.

    Each edge has a style key, a colour (an index into the current palette)
    and a width level, computed for the block at once by ``styles.py`` from
    the weights (colour mode "weights") or from |dL/dw| ("gradients"). Edges
    are grouped by key and each group is drawn with one call; the groups are
    cached until a key, the mode or the geometry changes. Edges that skip
    layers are quadratic curves arching above the columns they pass, so they
    do not hide behind the edges of the layers between.
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
        self.src = self.dst = np.zeros(0, np.int32)
        self.weights = np.zeros(0)
        self.gradients = np.zeros(0, np.float32)  # |dL/dw|, once a snapshot brought them
        self.scale = 1.0
        self.mode = "weights"
        self.levels = None
        self.p1 = self.p2 = self.ctrl = np.zeros((0, 2))
        self._samples = None
        self._rect = QRectF()
        self._order = self._keys = None
        self.colours = self.widths = np.zeros(0, np.int8)
        self.palette = WEIGHT_PALETTE
        self._fine = self._coarse = self._strongest = None
        self._coarse_mode = None
        self._seen = None       # (visible rect, coarse, indices of visible edges or None)
        self.selected = np.zeros(0, int)
        self.hovered = None
        self.setZValue(1 if self.skip else 0)
        self.setFlag(QGraphicsItem.ItemUsesExtendedStyleOption)  # fills option.exposedRect

    # ----------------------------------------------------------- data in
    def set_edges(self, src, dst, weights, scale=1.0):
        """The edges (index arrays into the two layers), their weights, and the
        network's largest |w| (the widest line)."""
        self.src = np.asarray(src, np.int32)
        self.dst = np.asarray(dst, np.int32)
        self._order = self._keys = None
        self.gradients = np.zeros(len(self.src), np.float32)
        self.selected = np.zeros(0, int)
        self.hovered = None
        self.colours = None  # force a restyle
        self.weights = np.asarray(weights, float)
        self.scale = scale
        self._restyle()

    def set_weights(self, weights, scale=1.0):
        """Restyle after a values change: same edges, new weights (and largest |w|)."""
        self.weights = np.asarray(weights, float)
        self.scale = scale
        if self.mode == "weights":
            self._restyle()

    def set_gradients(self, magnitudes, levels):
        """|dL/dw| per edge, coloured on the fixed log ``levels`` (a LogLevels) in mode "gradients"."""
        self.gradients = np.abs(np.asarray(magnitudes, np.float32))
        self.levels = levels
        if self.mode == "gradients":
            self._restyle()

    def set_mode(self, mode, levels=None):
        """Colour by "weights" or by "gradients" (|dL/dw| on ``levels``)."""
        if levels is not None:
            self.levels = levels
        if mode != self.mode:
            self.mode = mode
            self._restyle()

    def strength(self):
        """What ranks the edges when only the strongest are drawn: |w| or |dL/dw|."""
        return self.gradients if self.mode == "gradients" else np.abs(self.weights)

    def _restyle(self):
        if self.mode == "gradients" and self.levels is not None:
            colours, widths = gradient_keys(self.gradients, self.levels)
            palette = GRADIENT_PALETTE
        else:
            colours, widths = weight_keys(self.weights, self.scale)
            palette = WEIGHT_PALETTE
        same = (self.colours is not None and palette is self.palette and np.array_equal(colours, self.colours)
                and np.array_equal(widths, self.widths))
        # The strongest edges may change even when no key does (zoomed out, a
        # block draws only those).
        self._strongest = None
        if len(self.src) > self.COARSE_MAX:
            self._coarse = None
        if same:
            if self._coarse is None:
                self.update()
            return
        self.colours, self.widths, self.palette = colours, widths, palette
        self._fine = self._coarse = None
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
            lo, hi = self._samples.min(axis=(0, 1)), self._samples.max(axis=(0, 1))
        else:
            self.ctrl = np.zeros((0, 2))
            self._samples = None
            if len(self.src):
                lo = np.minimum(self.p1.min(axis=0), self.p2.min(axis=0))
                hi = np.maximum(self.p1.max(axis=0), self.p2.max(axis=0))
        if len(self.src):
            rect = QRectF(QPointF(*lo), QPointF(*hi)).adjusted(-MAX_WIDTH, -MAX_WIDTH, MAX_WIDTH, MAX_WIDTH)
        else:
            rect = QRectF()
        self.prepareGeometryChange()
        self._rect = rect
        self._fine = self._coarse = None
        self._seen = None
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
        """Index of the edge ``src_index -> dst_index`` among this item's edges, or None."""
        if not len(self.src):
            return None
        if self._keys is None:
            # One sorted int64 key per edge: a lookup is a binary search, and a
            # million edges cost 8 MB, not a dictionary of a million tuples.
            keys = self.src.astype(np.int64) * (1 << 32) + self.dst
            self._order = np.argsort(keys, kind="stable")
            self._keys = keys[self._order]
        key = int(src_index) * (1 << 32) + int(dst_index)
        pos = int(np.searchsorted(self._keys, key))
        if pos < len(self._keys) and self._keys[pos] == key:
            return int(self._order[pos])
        return None

    def pen_for(self, k, alpha=255):
        """The pen edge ``k`` is drawn with when zoomed in."""
        return self._pen(int(self.colours[k]), int(self.widths[k]), alpha)

    def colour_of(self, k):
        """The colour edge ``k`` is drawn in (the current mode's)."""
        return QColor(self.palette[int(self.colours[k])])

    def _pen(self, colour, width, alpha=255):
        color = QColor(self.palette[colour])
        color.setAlpha(alpha)
        pen = QPen(color, level_width(width))
        # Flat caps: the ends hide under the neurons anyway, and antialiased
        # round caps make Qt's raster engine some 30 times slower.
        pen.setCapStyle(Qt.FlatCap)
        return pen

    def edge_at(self, point, tolerance):
        """Index of the edge nearest ``point`` within ``tolerance`` (scene units), or None."""
        if not len(self.src) or not self._rect.adjusted(-tolerance, -tolerance, tolerance, tolerance).contains(point):
            return None
        p = np.array([point.x(), point.y()])
        # Only what is drawn can be picked: zoomed out, the strongest edges.
        ks = self._coarse_edges() if self._coarse_mode and len(self.src) > self.COARSE_MAX else None
        if self._samples is None:
            a, b = (self.p1, self.p2) if ks is None else (self.p1[ks], self.p2[ks])
            d = _segment_distance(p, a, b)
        else:
            s = self._samples if ks is None else self._samples[ks]
            d = _segment_distance(p, s[:, :-1].reshape(-1, 2), s[:, 1:].reshape(-1, 2)).reshape(len(s), -1).min(axis=1)
        if not len(d):
            return None
        k = int(np.argmin(d))
        if d[k] > tolerance:
            return None
        return k if ks is None else int(ks[k])

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

    def _crossing(self, rect, give_up=None):
        """Indices of the edges that cross ``rect``; None if more than ``give_up`` might."""
        if self._samples is not None:
            lo, hi = self._samples.min(axis=1), self._samples.max(axis=1)
        else:
            lo, hi = np.minimum(self.p1, self.p2), np.maximum(self.p1, self.p2)
        near = np.nonzero((hi[:, 0] >= rect.left()) & (lo[:, 0] <= rect.right())
                          & (hi[:, 1] >= rect.top()) & (lo[:, 1] <= rect.bottom()))[0]
        if give_up is not None and len(near) > 20 * give_up:
            return None  # that many boxes meet it: plenty of lines cross it too
        if self._samples is not None or not len(near):
            return near
        # A straight edge whose box meets the rect crosses it unless all four
        # corners lie on the same side of its line.
        a, b = self.p1[near], self.p2[near]
        d = b - a
        sides = np.stack([d[:, 0] * (cy - a[:, 1]) - d[:, 1] * (cx - a[:, 0])
                          for cx, cy in ((rect.left(), rect.top()), (rect.right(), rect.top()),
                                         (rect.left(), rect.bottom()), (rect.right(), rect.bottom()))])
        return near[~((sides > 0).all(axis=0) | (sides < 0).all(axis=0))]

    # -------------------------------------------------------- painting
    def boundingRect(self):
        return self._rect

    @staticmethod
    def _alpha(n):
        # Thousands of overlapping edges read as a texture only if they are
        # translucent; a few edges read best opaque.
        return int(max(70, min(255, 255 * math.sqrt(300 / max(n, 1)))))

    def _shape(self, ks):
        """One batch: a float64 array (n, 4) of straight lines, or a QPainterPath of curves."""
        if self._samples is None:
            return np.hstack([self.p1[ks], self.p2[ks]])
        path = QPainterPath()
        for (x1, y1), (cx, cy), (x2, y2) in zip(self.p1[ks].tolist(), self.ctrl[ks].tolist(), self.p2[ks].tolist()):
            path.moveTo(x1, y1)
            path.quadTo(cx, cy, x2, y2)
        return path

    def _batches(self, ks, alpha):
        """Edges ``ks`` grouped by (colour, width): a list of (pen, indices, shape)."""
        keys = self.colours[ks].astype(np.int32) * 64 + self.widths[ks]
        order = np.argsort(keys, kind="stable")
        uniq, starts = np.unique(keys[order], return_index=True)
        ends = list(starts[1:]) + [len(order)]
        out = []
        for key, a, b in zip(uniq.tolist(), starts.tolist(), ends):
            chosen = ks[order[a:b]]
            out.append((self._pen(key // 64, key % 64, alpha), chosen, self._shape(chosen)))
        return out

    def _fine_batches(self, visible):
        """Zoomed in: every edge (of a big block, those crossing the view) with its own width."""
        if visible is not None:
            return self._batches(visible, self._alpha(len(visible)))
        if self._fine is None:
            self._fine = self._batches(np.arange(len(self.src)), self._alpha(len(self.src)))
        return self._fine

    def _coarse_edges(self):
        """Indices of the edges drawn when coarse: all, or the COARSE_MAX strongest."""
        if len(self.src) <= self.COARSE_MAX:
            return np.arange(len(self.src))
        if self._strongest is None:
            self._strongest = np.sort(np.argpartition(-self.strength(), self.COARSE_MAX)[:self.COARSE_MAX])
        return self._strongest

    def _coarse_batches(self):
        """Zoomed out: one thin pen per colour, and at most COARSE_MAX edges,
        the strongest. A dense block is a texture at that scale; drawing all
        of it would only cost time and hide the strong edges in the mass."""
        if self._coarse is None:
            ks = self._coarse_edges()
            alpha = self._alpha(len(ks))
            batches = []
            for colour in np.unique(self.colours[ks]).tolist():
                chosen = ks[self.colours[ks] == colour]
                color = QColor(self.palette[colour])
                color.setAlpha(alpha)
                batches.append((QPen(color, 0), chosen, self._shape(chosen)))
            self._coarse = batches
        return self._coarse

    def _draw(self, painter, shape):
        if isinstance(shape, QPainterPath):
            painter.drawPath(shape)
        else:
            draw_lines(painter, shape)

    def _view_state(self, painter):
        """(coarse, visible) for this paint: draw coarsely? and, for a big block
        drawn finely, the indices of the edges crossing the view (else None)."""
        if level_of_detail(painter) < self.COARSE_LOD:
            return True, None
        if len(self.src) <= self.FINE_MAX:
            return False, None
        # Decide on the whole visible area, not the exposed strip, so that
        # every strip of one view is drawn alike.
        device = painter.device()
        inverse, ok = painter.worldTransform().inverted()
        if not ok or device is None:
            return True, None
        seen = inverse.mapRect(QRectF(0, 0, device.width(), device.height()))
        key = (seen.x(), seen.y(), seen.width(), seen.height())
        if self._seen is None or self._seen[0] != key:
            crossing = self._crossing(seen, give_up=self.FINE_MAX)
            coarse = crossing is None or len(crossing) > self.FINE_MAX
            self._seen = (key, coarse, None if coarse else crossing)
        return self._seen[1], self._seen[2]

    def paint(self, painter, option, widget=None):
        if not len(self.src):
            return
        coarse, visible = self._view_state(painter)
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
        for pen, ks, shape in self._coarse_batches() if coarse else self._fine_batches(visible):
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
            for pen, _, batch in self._batches(ks, 255):
                painter.setPen(pen)
                self._draw(painter, batch)


def _segment_distance(p, a, b):
    """Distance from point ``p`` (2,) to each segment ``a[k] -> b[k]`` (n, 2)."""
    ab = b - a
    denom = np.einsum("ij,ij->i", ab, ab)
    t = np.where(denom > 0, np.einsum("ij,ij->i", p - a, ab) / np.where(denom > 0, denom, 1), 0.0)
    t = np.clip(t, 0.0, 1.0)
    closest = a + t[:, None] * ab
    return np.hypot(*(closest - p).T)
