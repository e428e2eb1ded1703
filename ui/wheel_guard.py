"""The mouse wheel scrolls a panel, not the fields the pointer passes over.

Qt's combo boxes, spin boxes and sliders take every wheel turn over them, so
scrolling a long form changes whatever field slides under the pointer. A
guarded field changes by the wheel only once it has the focus (a click or
Tab gives it); otherwise the wheel goes on to the scroll area around it, which scrolls.
"""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)


class WheelGuard(QObject):
    """An event filter passing wheel events on to the parent while its field has no focus."""

    def eventFilter(self, watched, event):
        if event.type() != QEvent.Wheel or watched.hasFocus():
            return False
        area = _scroll_area(watched)
        if area is None:
            event.ignore()  # not taken: Qt hands it on to the parent
            return True
        viewport = area.viewport()
        position = viewport.mapFrom(watched.window(), watched.mapTo(watched.window(), event.position()))
        passed = QWheelEvent(position, event.globalPosition(), event.pixelDelta(), event.angleDelta(),
                             event.buttons(), event.modifiers(), event.phase(), event.inverted(), event.source())
        QApplication.sendEvent(viewport, passed)
        event.accept()
        return True


def _scroll_area(widget):
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


def guard_wheel(root):
    """Guard every combo box, spin box and slider inside ``root``; returns the filter (keep it alive)."""
    guard = WheelGuard(root)
    for widget in root.findChildren(QObject):
        if isinstance(widget, GUARDED) and not isinstance(widget.parent(), GUARDED):
            widget.setFocusPolicy(Qt.StrongFocus)  # the wheel alone gives no focus
            widget.installEventFilter(guard)
    return guard
