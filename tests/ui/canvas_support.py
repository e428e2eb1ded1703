"""What the canvas tests share: a shown view on a document, and mouse helpers
that send real events to it."""

import dataclasses

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from ui.document import Document, default_project
from ui.network_view.items import RADIUS


def make_doc(network):
    return Document(dataclasses.replace(default_project(), network=network))


def at(view, scene_point, dx=0, dy=0):
    p = view.mapFromScene(scene_point)
    return QPoint(p.x() + dx, p.y() + dy)


def neuron(view, key, dx=0, dy=0):
    return at(view, view.scene().neuron_pos(key), dx, dy)


def rim(view, key):
    """A point on the neuron's rim (its right edge), where a drag connects."""
    return neuron(view, key, dx=int(RADIUS * 0.85 * view.zoom()))


def drag(qtbot, view, start, end, steps=6, modifier=Qt.NoModifier, during=None):
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.LeftButton, modifier, start)
    for k in range(1, steps + 1):
        qtbot.mouseMove(vp, start + (end - start) * (k / steps))
    if during is not None:
        during()
    qtbot.mouseRelease(vp, Qt.LeftButton, modifier, end)


def wheel(view, point, delta=120, modifiers=Qt.NoModifier):
    vp = view.viewport()
    event = QWheelEvent(QPointF(point), QPointF(vp.mapToGlobal(point)), QPoint(0, 0), QPoint(0, delta),
                        Qt.NoButton, modifiers, Qt.NoScrollPhase, False)
    QApplication.sendEvent(vp, event)


# ---------------------------------------------------------------- layout
