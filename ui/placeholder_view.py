"""A plain stand-in for the canvas, used only if ui/network_view cannot be imported.

It draws the network read-only and offers the NetworkView/NetworkScene names
of docs/ui-contract.md so the main window works either way.
"""

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsScene, QGraphicsView

RADIUS = 16.0


def _auto_layout(sizes):
    return {(l, i): (l * 180.0, (i - (n - 1) / 2) * 56.0) for l, n in enumerate(sizes) for i in range(n)}


class PlaceholderScene(QGraphicsScene):
    current_changed = Signal(object)
    selection_counted = Signal(int, int)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self._items = {}
        self._current = None
        document.structure_changed.connect(self.rebuild)
        document.values_changed.connect(self.rebuild)
        document.positions_changed.connect(self.rebuild)
        self.selectionChanged.connect(self._on_selection_changed)
        self.rebuild()

    def rebuild(self):
        self.blockSignals(True)
        self.clear()
        net = self.document.network
        pos = _auto_layout(net.sizes)
        pos.update(self.document.positions)
        for s_l, s_i, d_l, d_i, w in net.edges():
            a, b = pos[(s_l, s_i)], pos[(d_l, d_i)]
            pen = QPen(QColor("#d9534f" if w < 0 else "#2f6fb0"), 1 + min(abs(w), 3))
            self.addLine(a[0], a[1], b[0], b[1], pen).setZValue(-1)
        self._items = {}
        for key, (x, y) in pos.items():
            item = QGraphicsEllipseItem(-RADIUS, -RADIUS, 2 * RADIUS, 2 * RADIUS)
            item.setPos(x, y)
            item.setBrush(QBrush(QColor("#ffffff")))
            item.setPen(QPen(QColor("#333333"), 1.5))
            item.setFlag(QGraphicsItem.ItemIsSelectable)
            item.setData(0, key)
            self.addItem(item)
            self._items[key] = item
        self.blockSignals(False)
        self._on_selection_changed()

    def _on_selection_changed(self):
        neurons = self.selected_neurons()
        current = ("neuron", neurons[0]) if neurons else None
        if current != self._current:
            self._current = current
            self.current_changed.emit(current)
        self.selection_counted.emit(len(neurons), 0)

    def selected_neurons(self):
        return sorted(item.data(0) for item in self.selectedItems())

    def selected_edges(self):
        return []

    def select_only(self, neurons=(), edges=()):
        self.clearSelection()
        for key in neurons:
            self._items[key].setSelected(True)

    def select_all(self):
        self.select_only(self._items)

    def delete_selection(self):
        neurons = self.selected_neurons()
        return bool(neurons) and self.document.delete_items(neurons=neurons)

    def current_layer(self):
        return None if self._current is None else self._current[1][0]

    def neuron_pos(self, key):
        return self._items[key].pos() if key in self._items else QPointF()


class PlaceholderView(QGraphicsView):
    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setScene(PlaceholderScene(document, self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setDragMode(QGraphicsView.RubberBandDrag)
        self.setAlignment(Qt.AlignCenter)

    def zoom_in(self):
        self.scale(1.25, 1.25)

    def zoom_out(self):
        self.scale(0.8, 0.8)

    def fit(self):
        rect = self.scene().itemsBoundingRect().adjusted(-40, -40, 40, 40)
        self.fitInView(rect, Qt.KeepAspectRatio)
