"""The canvas's key to its colours, for each colour mode, and its tooltip.

It is painted in the view's foreground, in device pixels, at the bottom-left
corner of the viewport.
"""

import html

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap

from .items import NEGATIVE, POSITIVE, format_short
from .styles import GRADIENT_PALETTE, decade_label, mix
from ..theme import canvas_colours, is_dark

LEGEND_SIZES = {"weights": QSize(196, 92), "gradients": QSize(236, 94)}
LEGEND_ROWS = (("positive weight", POSITIVE), ("negative weight", NEGATIVE))

LEGEND_TIPS = {
    "weights": ("Weights. An edge's colour is the sign of its weight (blue positive, orange negative) and "
                "its width |w| against the largest in the network. A neuron's rim shows its bias the same way."),
    "gradients": ("Gradient flow, on a log scale. An edge's colour and width show |dL/dw|, one colour per "
                  "power of ten: dL/dw = a(source) \u00d7 \u03b4(target), averaged over the batch. A neuron's "
                  "fill shows \u03b4 = dL/dz, the slope of the loss with respect to its weighted input: blue "
                  "positive, orange negative, deeper for larger |\u03b4|. The scales only widen during a run, "
                  "so a colour means the same from frame to frame; pale grey is below the scale."),
}


def legend_tip(mode):
    """The legend's tooltip for colour ``mode``, as rich text, so Qt wraps it
    into a paragraph rather than one line as wide as the screen."""
    return f"<table width='340'><tr><td>{html.escape(LEGEND_TIPS[mode], quote=False)}</td></tr></table>"


def width_key(largest, diverged=False):
    """The legend's line on widths: "width ∝ |w| (max 4.2)", or without the
    maximum when there are no weights (``largest`` None), or "(diverged)" when
    a weight or bias is infinite or NaN."""
    if diverged:
        return "width \u221d |w| (diverged)"
    return "width \u221d |w|" + (f" (max {format_short(largest)})" if largest is not None else "")


def _frame(p, rect):
    """The legend's box; returns the theme's colours (light or dark) for what goes in it."""
    colours = canvas_colours()
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(QPen(colours["legend_frame"]))
    p.setBrush(colours["legend_back"])
    p.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
    font = QFont(p.font())
    font.setPixelSize(11)
    p.setFont(font)
    return colours


def paint_legend(p, rect, largest=None, diverged=False):
    """The key to the weight colours and widths, in ``rect`` (device pixels);
    ``largest`` is the largest |w| in the network, which the widest line stands for;
    ``diverged``: some weight or bias is infinite or NaN."""
    colours = _frame(p, rect)
    ink = colours["legend_ink"]
    x, y = rect.left(), rect.top() + 16
    for text, color in LEGEND_ROWS:
        p.setPen(QPen(color, 3.0))
        p.drawLine(QPointF(x + 10, y), QPointF(x + 40, y))
        p.setPen(ink)
        p.drawText(QPointF(x + 50, y + 4), text)
        y += 20
    for i, width in enumerate((0.8, 2.0, 4.0)):
        p.setPen(QPen(colours["legend_line"], width))
        p.drawLine(QPointF(x + 10 + i * 11, y), QPointF(x + 17 + i * 11, y))
    p.setPen(ink)
    if diverged:
        p.setPen(colours["diverged"])
    p.drawText(QPointF(x + 50, y + 4), width_key(largest, diverged))
    p.setPen(ink)
    y += 20
    p.setBrush(QColor(255, 255, 255))
    p.setPen(QPen(POSITIVE, 2.5))
    p.drawEllipse(QPointF(x + 18, y), 6, 6)
    p.setPen(QPen(NEGATIVE, 2.5))
    p.drawEllipse(QPointF(x + 34, y), 6, 6)
    p.setPen(ink)
    p.drawText(QPointF(x + 50, y + 4), "neuron rim: its bias")


def paint_gradient_legend(p, rect, grad_levels, delta_levels):
    """The colour bar of |dL/dw| (one swatch per decade, the powers of ten
    between them) and the key to the neurons' delta fill."""
    colours = _frame(p, rect)
    ink = colours["legend_ink"]
    x, y = rect.left() + 10, rect.top() + 16
    p.setPen(ink)
    p.drawText(QPointF(x, y), "edges: |dL/dw|, log scale")
    y += 8
    swatch = (rect.width() - 20) / len(GRADIENT_PALETTE)
    for i, color in enumerate(GRADIENT_PALETTE):
        p.setPen(QPen(QColor(170, 170, 170), 0.6))
        p.setBrush(color)
        p.drawRect(QRectF(x + i * swatch, y, swatch, 12))
    y += 12
    small = QFont(p.font())
    small.setPixelSize(9)
    p.setFont(small)
    p.setPen(ink)
    if grad_levels.top is None:
        p.drawText(QPointF(x, y + 12), "no gradients yet: train a step")
    else:
        # Swatch i (i >= 1) holds the decade [10^(bottom+i-1), 10^(bottom+i)):
        # label the boundaries between swatches, every other one.
        for i in range(1, len(GRADIENT_PALETTE) + 1, 2):
            label = decade_label(grad_levels.bottom + i - 1)
            left = min(x + i * swatch - 20, rect.right() - 44)  # the last one stays inside the frame
            p.drawText(QRectF(left, y + 1, 40, 12), Qt.AlignHCenter | Qt.AlignTop, label)
    y += 24
    font = QFont(small)
    font.setPixelSize(11)
    p.setFont(font)
    white = QColor(255, 255, 255)
    for i, color in enumerate((mix(white, NEGATIVE, 0.9), mix(white, NEGATIVE, 0.35), QColor(250, 250, 250),
                               mix(white, POSITIVE, 0.35), mix(white, POSITIVE, 0.9))):
        p.setPen(QPen(QColor(120, 120, 120), 1.0))
        p.setBrush(color)
        p.drawEllipse(QPointF(x + 7 + i * 15, y), 6, 6)
    p.setPen(ink)
    p.drawText(QPointF(x + 82, y + 4), "neuron fill: \u03b4 = dL/dz")
    y += 18
    p.setFont(small)
    if delta_levels.top is not None:
        p.drawText(QPointF(x, y + 3), f"\u2212 \u00a0 |\u03b4| from {decade_label(delta_levels.bottom)} "
                                      f"to {decade_label(delta_levels.top)} \u00a0 +")


class LegendPictures:
    """The legend drawn once into a pixmap and reused while what it says stays the same.

    While training the canvas repaints 30 times a second, and the legend's
    antialiased frame and text cost as much as the neurons; its words change
    only when the largest weight's rounded value, the gradient scale, the
    colour mode or the theme does.
    """

    def __init__(self):
        self._key = self._pixmap = None

    def picture(self, mode, ratio, largest=None, diverged=False, grad_levels=None, delta_levels=None):
        """A QPixmap of ``LEGEND_SIZES[mode]`` (device pixel ratio ``ratio``) of the legend for these values."""
        if mode == "gradients":
            says = (grad_levels.top, grad_levels.bottom, delta_levels.top, delta_levels.bottom)
        else:
            says = (width_key(largest, diverged), diverged)
        key = (mode, says, is_dark(), ratio)
        if key != self._key:
            size = LEGEND_SIZES[mode]
            pixmap = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.transparent)
            painter = QPainter(pixmap)
            rect = QRectF(0, 0, size.width(), size.height()).toRect()
            if mode == "gradients":
                paint_gradient_legend(painter, rect, grad_levels, delta_levels)
            else:
                paint_legend(painter, rect, largest, diverged)
            painter.end()
            self._key, self._pixmap = key, pixmap
        return self._pixmap
