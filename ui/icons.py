"""Toolbar icons drawn with QPainter, so they look the same on every platform
and need no image files, and the app icon (resources/backprop-studio.svg).

Each toolbar icon is drawn at 1x, 2x and 3x the pixel density, so it stays
sharp on HiDPI screens, in the palette's text colour (dark ink on a light
window, light ink on a dark one). An action given an icon by name keeps the
name (``ICON_NAME`` property), so ``refresh_icons`` draws them all again when
the theme changes.
"""

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

SIZE = 32
DENSITIES = (1, 2, 3)
INK = QColor("#3a3f44")  # set by _icon to the palette's text colour
ICON_NAME = "icon_name"  # the property of an action that names its icon here
BLUE = QColor("#2f6fb0")
ORANGE = QColor("#d35f00")
APP_ICON_FILE = Path(__file__).resolve().parent / "resources" / "backprop-studio.svg"


def app_icon():
    """The app's icon: a small network with the gradient flowing back (SVG, any size)."""
    return QIcon(str(APP_ICON_FILE))


def _icon(draw):
    from .theme import ink
    INK.setRgba(ink().rgba())
    icon = QIcon()
    for density in DENSITIES:
        pixmap = QPixmap(SIZE * density, SIZE * density)
        pixmap.setDevicePixelRatio(density)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        draw(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _pen(colour=INK, width=2.6):
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.RoundCap)
    pen.setJoinStyle(Qt.RoundJoin)
    return pen


def _arrow(painter, mirror):
    if mirror:
        painter.translate(SIZE, 0)
        painter.scale(-1, 1)
    painter.setPen(_pen())
    path = QPainterPath(QPointF(9, 13))
    path.cubicTo(QPointF(14, 7), QPointF(26, 8), QPointF(26, 18))
    path.cubicTo(QPointF(26, 23), QPointF(22, 26), QPointF(17, 26))
    painter.drawPath(path)
    painter.setBrush(INK)
    head = QPainterPath(QPointF(5, 8))
    head.lineTo(QPointF(13, 17))
    head.lineTo(QPointF(4, 17))
    head.closeSubpath()
    painter.drawPath(head)


def _magnifier(painter, sign):
    painter.setPen(_pen())
    painter.drawEllipse(QRectF(5, 5, 16, 16))
    painter.drawLine(QPointF(19, 19), QPointF(27, 27))
    painter.drawLine(QPointF(9, 13), QPointF(17, 13))
    if sign == "+":
        painter.drawLine(QPointF(13, 9), QPointF(13, 17))


def _fit(painter):
    painter.setPen(_pen())
    for x, y, dx, dy in ((5, 5, 1, 1), (27, 5, -1, 1), (5, 27, 1, -1), (27, 27, -1, -1)):
        painter.drawLine(QPointF(x, y), QPointF(x + 7 * dx, y))
        painter.drawLine(QPointF(x, y), QPointF(x, y + 7 * dy))
    painter.setPen(_pen(BLUE, 2))
    painter.drawEllipse(QRectF(11, 11, 10, 10))


def _neuron(painter, sign):
    painter.setPen(_pen(INK, 2.2))
    painter.setBrush(QColor("#ffffff"))
    painter.drawEllipse(QRectF(4, 6, 20, 20))
    painter.setPen(_pen(BLUE if sign == "+" else ORANGE, 2.8))
    painter.drawLine(QPointF(20, 24), QPointF(29, 24))
    if sign == "+":
        painter.drawLine(QPointF(24.5, 19.5), QPointF(24.5, 28.5))


def _layer(painter, sign):
    painter.setPen(_pen(INK, 1.8))
    painter.setBrush(QColor("#e9edf1"))
    painter.drawRoundedRect(QRectF(6, 3, 13, 26), 4, 4)
    painter.setBrush(QColor("#ffffff"))
    for y in (6, 13.5, 21):
        painter.drawEllipse(QRectF(8.5, y, 8, 5.5))
    painter.setPen(_pen(BLUE if sign == "+" else ORANGE, 2.8))
    painter.drawLine(QPointF(21, 24), QPointF(30, 24))
    if sign == "+":
        painter.drawLine(QPointF(25.5, 19.5), QPointF(25.5, 28.5))


def _relayout(painter):
    painter.setPen(_pen(INK, 1.6))
    painter.setBrush(QColor("#ffffff"))
    nodes = [(6, 10), (6, 22), (16, 6), (16, 16), (16, 26), (26, 16)]
    for a, b in ((0, 2), (0, 3), (1, 3), (1, 4), (2, 5), (3, 5), (4, 5)):
        painter.drawLine(QPointF(*nodes[a]), QPointF(*nodes[b]))
    for x, y in nodes:
        painter.drawEllipse(QPointF(x, y), 3.2, 3.2)


def _play(painter):
    painter.setPen(_pen(INK, 2.0))
    painter.setBrush(INK)
    path = QPainterPath(QPointF(10, 7))
    path.lineTo(QPointF(25, 16))
    path.lineTo(QPointF(10, 25))
    path.closeSubpath()
    painter.drawPath(path)


def _pause(painter):
    painter.setPen(Qt.NoPen)
    painter.setBrush(INK)
    painter.drawRoundedRect(QRectF(9, 7, 5, 18), 1.5, 1.5)
    painter.drawRoundedRect(QRectF(18, 7, 5, 18), 1.5, 1.5)


def _stop(painter):
    painter.setPen(Qt.NoPen)
    painter.setBrush(INK)
    painter.drawRoundedRect(QRectF(8, 8, 16, 16), 2.5, 2.5)


def _triangles(painter, count, bar):
    """``count`` small play triangles side by side, and a bar after them if ``bar``."""
    painter.setPen(_pen(INK, 1.6))
    painter.setBrush(INK)
    width = 9.0 if count == 2 else 12.0
    left = 5.0 if bar else 16 - count * width / 2
    for k in range(count):
        x = left + k * width
        path = QPainterPath(QPointF(x, 9))
        path.lineTo(QPointF(x + width, 16))
        path.lineTo(QPointF(x, 23))
        path.closeSubpath()
        painter.drawPath(path)
    if bar:
        painter.setPen(_pen(INK, 2.8))
        x = left + count * width + 3
        painter.drawLine(QPointF(x, 9), QPointF(x, 23))


def _phase(painter):
    """One step of four: a play triangle over the last of four dots."""
    _triangles(painter, 1, True)
    painter.setPen(Qt.NoPen)
    for k in range(4):
        painter.setBrush(ORANGE if k == 0 else INK)
        painter.drawEllipse(QPointF(7 + k * 6, 28), 1.8, 1.8)


def _reset(painter):
    painter.setPen(_pen())
    painter.setBrush(Qt.NoBrush)
    painter.drawArc(QRectF(7, 7, 18, 18), 120 * 16, 290 * 16)
    painter.setBrush(INK)
    head = QPainterPath(QPointF(4, 9))
    head.lineTo(QPointF(12, 8))
    head.lineTo(QPointF(9, 15))
    head.closeSubpath()
    painter.drawPath(head)


_DRAW = {
    "play": _play,
    "pause": _pause,
    "stop": _stop,
    "step": lambda p: _triangles(p, 1, True),
    "epoch": lambda p: _triangles(p, 2, True),
    "phase": _phase,
    "reset": _reset,
    "undo": lambda p: _arrow(p, False),
    "redo": lambda p: _arrow(p, True),
    "zoom_in": lambda p: _magnifier(p, "+"),
    "zoom_out": lambda p: _magnifier(p, "-"),
    "fit": _fit,
    "add_neuron": lambda p: _neuron(p, "+"),
    "insert_layer": lambda p: _layer(p, "+"),
    "remove_layer": lambda p: _layer(p, "-"),
    "relayout": _relayout,
}


def icon(name):
    """The icon called ``name`` (a key of ``_DRAW``)."""
    return _icon(_DRAW[name])


def set_icon(action, name):
    """Give ``action`` the icon ``name``, and remember the name for ``refresh_icons``."""
    action.setProperty(ICON_NAME, name)
    action.setIcon(icon(name))


def refresh_icons(root):
    """Draw every named icon of the actions under ``root`` again (the theme changed)."""
    from PySide6.QtGui import QAction
    for action in root.findChildren(QAction):
        name = action.property(ICON_NAME)
        if name in _DRAW:
            action.setIcon(icon(name))
