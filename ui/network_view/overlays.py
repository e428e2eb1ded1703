"""What the canvas draws over the network while stepping through training:
the badge naming the phase of a step, and the numbers of a single-sample trace.
"""

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from .items import PHASE_COLOURS, RADIUS, level_of_detail

# Stepping through a step the canvas has no single example to show numbers for:
# the badge says where they are.
TRACE_HINT = "Numbers: click a point in the Output tab, then zoom in"
PHASE_WORDS = {"forward": "\u2192 Forward", "loss": "Loss", "backward": "\u2190 Backward", "update": "Update"}

NODE_LABEL_LOD = 0.75   # trace numbers beside neurons from this zoom up
EDGE_LABEL_LOD = 1.0    # and on edges from this one
EDGE_LABEL_MAX = 120    # at most this many edge labels in view; past it only tooltips tell
NODE_LABEL_MAX = 400
LABEL_BOX = QRectF(0, -17, 64, 34)


def format_number(value):
    """Three significant figures, a real minus sign: "0.532", "−0.0214", "1.3e−05"."""
    value = float(value)
    if not np.isfinite(value):
        return "NaN" if value != value else ("\u221e" if value > 0 else "\u2212\u221e")
    if value == 0:
        text = "0"
    elif 1e-3 <= abs(value) < 1e4:
        text = f"{value:.3g}"
    else:
        text = f"{value:.2g}"
    return text.replace("-", "\u2212")


def column_gap(xy):
    """The smallest distance (scene units) between two neurons of a column, ``xy`` of shape (n, 2); inf for one."""
    if len(xy) < 2:
        return float("inf")
    return float(np.min(np.hypot(*np.diff(xy[np.argsort(xy[:, 1])], axis=0).T)))


class PhaseBadgeItem(QGraphicsItem):
    """A pill above the active column: "→ Forward", "Loss", "← Backward" or "Update".

    Its bottom centre sits at its position. It keeps its size on screen
    whatever the zoom: zoomed in it must not grow over the network it names.
    """

    def __init__(self):
        super().__init__()
        self.kind = None
        self.text = self.hint = ""
        self._rect = QRectF(-60, -24, 120, 22)
        self._font = QFont()
        self._font.setPixelSize(12)
        self._font.setBold(True)
        self._hint_font = QFont()
        self._hint_font.setPixelSize(11)
        self.setZValue(16)  # over the neurons it may have to pass to stay in sight
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.hide()

    def set_phase(self, kind, text, hint=""):
        """Name the phase (``kind`` None: hide); ``hint``, a smaller second line."""
        width = QFontMetricsF(self._font).horizontalAdvance(text) + 24
        if hint:
            width = max(width, QFontMetricsF(self._hint_font).horizontalAdvance(hint) + 24)
        height = 38 if hint else 22
        self.prepareGeometryChange()
        self._rect = QRectF(-width / 2, -2 - height, width, height)
        self.kind, self.text, self.hint = kind, text, hint
        self.setVisible(kind is not None)
        self.update()

    def boundingRect(self):
        # a pixel round the pill: antialiased edges spill past it, and what is not
        # inside the bounding rect is left behind on screen when the badge moves
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter, option, widget=None):
        if self.kind is None:
            return
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(PHASE_COLOURS[self.kind])
        painter.drawRoundedRect(self._rect, 11, 11)
        painter.setFont(self._font)
        painter.setPen(QColor(255, 255, 255))
        top = QRectF(self._rect.left(), self._rect.top(), self._rect.width(), 22)
        painter.drawText(top, Qt.AlignCenter, self.text)
        if self.hint:
            painter.setFont(self._hint_font)
            painter.drawText(self._rect.adjusted(0, 19, 0, -2), Qt.AlignCenter, self.hint)


class TraceItem(QGraphicsItem):
    """The numbers of one example's pass: z, a and delta beside each neuron,
    dL/dw on each edge; drawn only when zoomed in far enough to read them.

    ``scene`` is the NetworkScene (its neuron centres and edge items give
    the places); ``trace`` a simulator Trace or None.
    """

    def __init__(self, scene):
        super().__init__()
        self._scene = scene
        self.trace = None
        self._rect = QRectF()
        self.setZValue(15)  # over the neurons: labels sit beside them and may touch the next
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setAcceptHoverEvents(False)

    def set_trace(self, trace, rect):
        self.prepareGeometryChange()
        self.trace = trace
        self._rect = QRectF(rect).adjusted(-10, -30, 120, 30) if trace is not None else QRectF()
        self.setVisible(trace is not None)
        self.update()

    def boundingRect(self):
        return self._rect

    def shape(self):
        return QPainterPath()  # labels are never hit: clicks go to what is under them

    def node_lines(self, key):
        """The label lines of neuron ``key``: ["x 0.5"] for an input, ["z …", "a …", "δ …"] otherwise."""
        layer, index = key
        t = self.trace
        if layer == 0:
            return [f"x {format_number(t.a[0][index])}"]
        return [f"z {format_number(t.z[layer][index])}", f"a {format_number(t.a[layer][index])}",
                f"\u03b4 {format_number(t.delta[layer][index])}"]

    def edge_text(self, block, src, dst):
        return format_number(self.trace.grad_w[block][src, dst])

    def paint(self, painter, option, widget=None):
        if self.trace is None:
            return
        lod = level_of_detail(painter)
        if lod < NODE_LABEL_LOD:
            return
        painter.setRenderHint(QPainter.Antialiasing)
        font = QFont(painter.font())
        font.setPixelSize(9)
        painter.setFont(font)
        exposed = option.exposedRect
        if lod >= EDGE_LABEL_LOD:
            self._paint_edges(painter, exposed)
        self._paint_nodes(painter, exposed, lod)

    def _paint_nodes(self, painter, exposed, lod=1.0):
        scene = self._scene
        last = len(scene.neuron_positions()) - 1
        drawn = 0
        titles = scene.shown_title_rects()
        for layer, xy in enumerate(scene.neuron_positions()):
            lines = 1 if layer == 0 else 3
            if column_gap(xy) * lod < 12 * lines + 4:
                continue  # level of detail: the boxes would run into each other (and the title); tooltips tell
            shift = RADIUS + (34.0 if layer == last else 3.0)
            for index in np.nonzero((xy[:, 0] + shift + LABEL_BOX.width() >= exposed.left())
                                    & (xy[:, 0] <= exposed.right()) & (xy[:, 1] + 20 >= exposed.top())
                                    & (xy[:, 1] - 20 <= exposed.bottom()))[0].tolist():
                if drawn >= NODE_LABEL_MAX:
                    return
                drawn += 1
                x, y = xy[index].tolist()
                lines = self.node_lines((layer, index))
                box = QRectF(x + shift, y - 6 * len(lines) - 2, LABEL_BOX.width(), 12 * len(lines) + 4)
                if any(box.intersects(title) for title in titles):
                    continue  # the column's title stays readable
                painter.setPen(QPen(QColor(190, 190, 190), 0.8))
                painter.setBrush(QColor(255, 255, 255, 225))
                painter.drawRoundedRect(box, 4, 4)
                painter.setPen(QColor(30, 30, 30))
                painter.drawText(box.adjusted(4, 2, -2, -2), Qt.AlignLeft | Qt.AlignVCenter, "\n".join(lines))

    def _paint_edges(self, painter, exposed):
        points = []
        for (i, j), item in self._scene.edge_items():
            if not len(item):
                continue
            t = 0.72  # near the target, where the edges into one neuron fan apart
            if item.skip:
                p = (1 - t) ** 2 * item.p1 + 2 * (1 - t) * t * item.ctrl + t ** 2 * item.p2
            else:
                p = (1 - t) * item.p1 + t * item.p2
            inside = np.nonzero((p[:, 0] >= exposed.left() - 30) & (p[:, 0] <= exposed.right() + 30)
                                & (p[:, 1] >= exposed.top() - 8) & (p[:, 1] <= exposed.bottom() + 8))[0]
            points.extend(((i, j), item, k, p[k]) for k in inside.tolist())
            if len(points) > EDGE_LABEL_MAX:
                return  # too many to read: the tooltips give each one
        painter.setPen(Qt.NoPen)
        titles = self._scene.shown_title_rects()
        for block, item, k, (x, y) in points:
            box = QRectF(x - 22, y - 6, 44, 12)
            if any(box.intersects(title) for title in titles):
                continue  # the title stays readable; the edge's tooltip tells
            text = self.edge_text(block, int(item.src[k]), int(item.dst[k]))
            painter.setPen(Qt.NoPen)
            painter.setBrush(QColor(255, 255, 240, 220))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QColor(120, 40, 20))
            painter.drawText(box, Qt.AlignCenter, text)
