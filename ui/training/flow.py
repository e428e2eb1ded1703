"""A layout that lays its items out in a row and wraps them onto the next row
when the width runs out (Qt's Flow Layout example), so a narrow panel grows a
row taller rather than cutting its labels or squeezing its slider away."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout


class FlowLayout(QLayout):
    """Items left to right, wrapped into rows; each item keeps at least its minimum size."""

    def __init__(self, parent=None, spacing=6, row_spacing=2):
        super().__init__(parent)
        self._items = []
        self._spacing, self._row_spacing = spacing, row_spacing
        self._heights = {}  # width -> height, until an item's size hint changes (invalidate)

    def addItem(self, item):  # noqa: N802 (Qt's name)
        self._items.append(item)

    def count(self):
        return len(self._items)

    def itemAt(self, index):  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index):  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self):  # noqa: N802
        return True

    def heightForWidth(self, width):  # noqa: N802
        # Qt asks many times per change of the panel's text (each redraw while training)
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return height

    def invalidate(self):
        self._heights.clear()
        super().invalidate()

    def setGeometry(self, rect):  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self):  # noqa: N802
        return self.minimumSize()

    def minimumSize(self):  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _visible(self):
        return [item for item in self._items if not (item.widget() is not None and item.widget().isHidden()
                                                      and not item.widget().sizePolicy().retainSizeWhenHidden())]

    def _arrange(self, rect, move):
        """Place the items in rows within ``rect``; the height they take."""
        m = self.contentsMargins() if self.contentsMargins() is not None else QMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        row = []
        for item in self._visible():
            hint = item.sizeHint().expandedTo(item.minimumSize())
            if row and x + hint.width() > area.right() + 1:
                x, y = area.x(), y + row_height + self._row_spacing
                row_height, row = 0, []
            width = min(hint.width(), max(area.width(), item.minimumSize().width()))
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            row.append(item)
            x += width + self._spacing
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + m.bottom()
