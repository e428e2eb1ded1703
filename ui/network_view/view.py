"""The canvas widget: zoom, pan, rubber band, keys, and the legend.

Navigation, as in most diagram editors:

- the wheel zooms about the cursor (Ctrl+wheel always zooms; over a
  *selected* edge or neuron the plain wheel nudges its weight or bias);
- left-drag on empty background draws a rubber band (Ctrl adds);
- Space+left-drag or middle-drag pans;
- Delete removes the selection, Escape cancels a drag or clears the selection;
  the arrow keys nudge the selected neurons (Shift: finely), all the presses
  in a row one undo step.
"""

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import QGraphicsView, QToolTip

from .legend import LEGEND_SIZES, LegendPictures, legend_tip, width_key  # noqa: F401 (width_key: importable from here, as before)
from .scene import NetworkScene
from ..theme import canvas_background
from .tooltips import BACKGROUND_HELP

ZOOM_STEP = 1.25
FIT_MARGIN = 12.0       # pixels around the drawing after Fit
LEGEND_GAP = 6.0        # pixels kept free around the legend after Fit
TITLE_ROOM = QSize(100, 40)  # pixels a whole layer title takes (its width) and below its column at 100 %
SHORT_TITLE_HEIGHT = 21.0    # pixels a short title ("H3") takes below its column at 100 %
COLUMN_MARGIN = 33.0         # scene units a column reaches past its neurons' centres
WHEEL_ZOOM = 1.0015     # per eighth of a degree: one notch (120) zooms ~20 %
NUDGE_STEP, FINE_NUDGE_STEP = 10.0, 1.0  # scene units an arrow key (with Shift: finely) moves neurons
ARROWS = {Qt.Key_Left: (-1, 0), Qt.Key_Right: (1, 0), Qt.Key_Up: (0, -1), Qt.Key_Down: (0, 1)}


def _finite(rect):
    return all(math.isfinite(v) for v in (rect.x(), rect.y(), rect.width(), rect.height()))


class NetworkView(QGraphicsView):
    """The network canvas for ``document``; ``scene()`` is a :class:`NetworkScene`."""

    MIN_SCALE, MAX_SCALE = 0.002, 8.0  # a column of 4,096 neurons still fits a window
    FIT_MAX_SCALE = 1.5     # a tiny network is not blown up to fill the window

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.setScene(NetworkScene(document, self))
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setDragMode(QGraphicsView.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.NoAnchor)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.SmartViewportUpdate)
        self.setBackgroundBrush(canvas_background())  # ui/theme.py: light or dark paper
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMouseTracking(True)
        self.setToolTip(BACKGROUND_HELP)
        self.rubberBandChanged.connect(self._on_rubber_band)
        self.show_legend = True
        self._legend_pictures = LegendPictures()
        self.panning = False
        self._pan_from = None
        self._space = False
        self._auto_fit = True   # keep fitting on resize until the person zooms or pans
        self._content = None    # the drawing's scene rect at the last structural change or fit
        # Panning is by gestures (Space+drag, middle drag): scroll bars would
        # only show a scene rect that is the drawing plus a generous margin.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        # Connected after the scene's own handlers, so these see the new drawing.
        document.structure_changed.connect(self._on_structure_changed)
        document.positions_changed.connect(self._remember_content)
        document.values_changed.connect(self._update_legend)

    # ================================================================ zoom
    def zoom(self):
        """The current scale (1 = 100 %)."""
        return self.transform().m11()

    def zoom_in(self):
        point, land = self.key_zoom_anchor()
        self._zoom_about(point, ZOOM_STEP, land)

    def zoom_out(self):
        point, land = self.key_zoom_anchor()
        self._zoom_about(point, 1 / ZOOM_STEP, land)

    def key_zoom_anchor(self):
        """(viewport point, where it lands) for Ctrl++ and Ctrl+-: the centre of
        the selection where it is in sight, else (stepping through a step) of
        the column the phase works in, each brought to the canvas's centre so
        that zooming in keeps it in sight; else the centre of the part of the
        drawing in sight, which stays put (the network stays centred, not the
        empty room kept for its titles); else the canvas's centre."""
        scene = self.scene()
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        points = [scene.neuron_pos(key) for key in scene.selected_neurons()]
        points += [scene.edge_pos(src, dst) for src, dst in scene.selected_edges()]
        phase = scene.phase
        if not points and phase is not None and phase[1] is not None:
            points = [scene.phase_band(phase[1]).center()]
        points = [p for p in points if seen.contains(p)]
        if points:
            xs, ys = [p.x() for p in points], [p.y() for p in points]
            anchor = QPointF((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
            return self.mapFromScene(anchor), self.viewport().rect().center()
        core = scene.content_rect(titles=False).intersected(seen)
        if core.isEmpty() or not _finite(core):
            return self.viewport().rect().center(), None
        return self.mapFromScene(core.center()), None

    def fit(self):
        """Show the whole network (not enlarged past FIT_MAX_SCALE), clear of the legend."""
        core = self.scene().content_rect(titles=False)
        if core.isEmpty() or not _finite(core):
            return
        scale, centre = self._fit_into(core)
        self.setTransform(QTransform.fromScale(scale, scale))
        # centerOn puts a scene point at the viewport's centre; the drawing's
        # centre belongs at ``centre``.
        self.centerOn(core.center() + (QRectF(self.viewport().rect()).center() - centre) / scale)
        self.scene().set_zoom(scale)
        self._auto_fit = True
        self._remember_content()

    def _fit_into(self, core):
        """The scale that fits the columns and edges (scene ``core``) with room
        for the layer titles, and the viewport point (pixels) to centre ``core`` on.

        The whole viewport if the drawing then stays clear of the legend, else
        the strip above the legend or the one beside it, whichever shows the
        drawing larger. The room kept for titles is what they take at that
        scale: whole titles where the columns stand far enough apart, short
        ones ("H3") otherwise, so a deep network is not shrunk to leave room
        for titles it does not show.
        """
        view = QRectF(self.viewport().rect())
        areas = [view]
        legend = QRectF(self.legend_rect()).adjusted(-LEGEND_GAP, -LEGEND_GAP, LEGEND_GAP, LEGEND_GAP)
        if self.legend_shown():
            areas += [QRectF(view.left(), view.top(), view.width(), legend.top() - view.top()),
                      QRectF(legend.right(), view.top(), view.right() - legend.right(), view.height())]
        gap, short_half = self.scene().title_room()
        best = None
        for area in areas:
            fitted = None
            for short in (False, True):
                scale = self._fit_scale(core, area, short, short_half)
                if scale is None:
                    break
                whole_fit = gap is None or gap * scale >= TITLE_ROOM.width() * max(1.0, scale) - 1e-6
                if not short and whole_fit:
                    fitted = (scale, False)
                    break
                if short:
                    if whole_fit and scale < 1.0:  # whole titles would show, wider than the room kept
                        scale = max(self.MIN_SCALE, min(scale, TITLE_ROOM.width() / gap * 0.999))
                    fitted = (scale, True)
            if fitted is None:
                continue
            scale, short = fitted
            side, below = self._title_margins(scale, short, short_half)
            drawn = QRectF(0, 0, core.width() * scale + 2 * side, core.height() * scale + FIT_MARGIN + below)
            drawn.moveCenter(area.center())
            if area is view and self.legend_shown() and drawn.intersects(legend):
                continue
            centre = QPointF(area.center().x(), drawn.top() + FIT_MARGIN + core.height() * scale / 2)
            if best is None or scale > best[0] + 1e-9:
                best = (scale, centre)
        return best if best is not None else (self.MIN_SCALE, view.center())

    @staticmethod
    def _title_margins(scale, short, short_half):
        """Pixels kept beside and below the columns for the titles at ``scale``."""
        grow = max(1.0, scale)  # titles keep their size on screen, and grow with the zoom above 100 %
        half = short_half if short else TITLE_ROOM.width() / 2
        beyond = max(0.0, grow * half - COLUMN_MARGIN * scale)  # a title wider than its column reaches past it
        return FIT_MARGIN + beyond, FIT_MARGIN + grow * (SHORT_TITLE_HEIGHT if short else TITLE_ROOM.height())

    def _fit_scale(self, core, area, short, short_half):
        """The largest scale (within limits) at which ``core`` and its titles fit ``area``; None if nothing fits."""
        scale = 1.0
        for _ in range(3):  # the margins depend on the scale: a few passes settle it
            side, below = self._title_margins(scale, short, short_half)
            width, height = area.width() - 2 * side, area.height() - FIT_MARGIN - below
            if width < 1 or height < 1:
                return None
            scale = min(width / max(core.width(), 1e-9), height / max(core.height(), 1e-9))
            if not math.isfinite(scale):  # a drawing too big for floats: as small as allowed
                scale = self.MIN_SCALE
            scale = min(max(scale, self.MIN_SCALE), self.FIT_MAX_SCALE)
        return scale

    def shows_everything(self, rect=None):
        """True if scene ``rect`` (default: the columns and edges) lies inside the viewport."""
        rect = self.scene().content_rect(titles=False) if rect is None else rect
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        return seen.adjusted(-1, -1, 1, 1).contains(rect)

    def _remember_content(self):
        self._content = self.scene().content_rect(titles=False)

    def _on_structure_changed(self):
        """After an edit that changes the drawing's size (the scene has redrawn
        by now), fit again if the person had not zoomed or panned since the
        last fit, or if they saw the whole network and now would not."""
        if self._auto_fit or (self._content is not None and self.shows_everything(self._content)
                              and not self.shows_everything()):
            self.fit()
        self._remember_content()
        self._update_legend()

    def largest_weight(self):
        """The largest |w| of the network (the widest edge), or None without edges."""
        return self.scene().weight_scale if self.document.network.edge_count else None

    def _update_legend(self):
        if self.legend_shown():
            self.viewport().update(self.legend_rect())

    def _zoom_about(self, view_point, factor, land=None):
        """Zoom by ``factor`` keeping the scene point at ``view_point`` where it
        is (``land`` None) or bringing it to viewport point ``land``."""
        scale = self.zoom()
        if not (math.isfinite(scale) and scale > 0):
            return
        factor = min(max(scale * factor, self.MIN_SCALE), self.MAX_SCALE) / scale
        if abs(factor - 1) < 1e-9:
            return
        view_point = QPoint(int(view_point.x()), int(view_point.y()))
        anchor = self.mapToScene(view_point)
        self.scale(factor, factor)
        # Scroll so the scene point under the cursor stays under it (or lands where asked).
        moved = self.mapFromScene(anchor) - (view_point if land is None else QPoint(int(land.x()), int(land.y())))
        for bar, step in ((self.horizontalScrollBar(), moved.x()), (self.verticalScrollBar(), moved.y())):
            bar.setValue(min(max(bar.value() + step, bar.minimum()), bar.maximum()))
        self._auto_fit = False
        self.scene().set_zoom(self.zoom())

    def wheelEvent(self, event):
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            event.ignore()
            return
        mods = event.modifiers()
        if not mods & Qt.ControlModifier:
            target = self.scene().nudge_target(self.mapToScene(event.position().toPoint()))
            if target is not None:
                self.scene().nudge.apply(target, delta, fine=bool(mods & Qt.ShiftModifier))
                event.accept()
                return
        self._zoom_about(event.position(), WHEEL_ZOOM ** delta)
        event.accept()

    # ================================================================= pan
    def _start_pan(self, event):
        self.panning = True
        self._pan_from = event.position()
        self.viewport().setCursor(Qt.ClosedHandCursor)
        self._auto_fit = False
        event.accept()

    def mousePressEvent(self, event):
        if event.button() == Qt.MiddleButton or (event.button() == Qt.LeftButton and self._space):
            self._start_pan(event)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        if self.panning:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event):
        if self.panning and event.button() in (Qt.MiddleButton, Qt.LeftButton):
            self.panning = False
            self._pan_from = None
            self.viewport().setCursor(Qt.OpenHandCursor if self._space else Qt.ArrowCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # ================================================================ keys
    def keyPressEvent(self, event):
        key = event.key()
        if key == Qt.Key_Space:
            if not event.isAutoRepeat():
                self._space = True
                if not self.panning:
                    self.viewport().setCursor(Qt.OpenHandCursor)
            event.accept()
        elif key in (Qt.Key_Delete, Qt.Key_Backspace):
            self.scene().delete_selection()
            event.accept()
        elif key in ARROWS and self.scene().selected_neurons() and not self.scene().dragging():
            step = FINE_NUDGE_STEP if event.modifiers() & Qt.ShiftModifier else NUDGE_STEP
            dx, dy = ARROWS[key]
            self.scene().nudge_selection(dx * step, dy * step)
            event.accept()
        elif key == Qt.Key_Escape:
            if not self.scene().cancel_gesture():
                self.scene().select_only()
            event.accept()
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event):
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space = False
            if not self.panning:
                self.viewport().setCursor(Qt.ArrowCursor)
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event):
        self._space = False
        super().focusOutEvent(event)

    # ============================================================== others
    def _on_rubber_band(self, rect, from_scene, to_scene):
        # Qt's to_scene lags one mouse move behind; the viewport rect does not.
        if not rect.isNull():
            self.scene().select_edges_in(self.mapToScene(rect).boundingRect())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()
        self.scene().place_badge()

    def legend_shown(self):
        """The legend is drawn unless it is switched off or the canvas is too
        small for it: it never takes more than half the canvas's width or height."""
        if not self.show_legend:
            return False
        size, viewport = LEGEND_SIZES[self.scene().colour_mode], self.viewport()
        return viewport.width() >= 2 * (size.width() + 8) and viewport.height() >= 2 * (size.height() + 8)

    def legend_rect(self):
        """Where the legend sits: the viewport's bottom-left corner."""
        size = LEGEND_SIZES[self.scene().colour_mode]
        return QRect(QPoint(8, self.viewport().height() - size.height() - 8), size)

    def drawForeground(self, painter, rect):
        # Drawn here rather than as a child widget: a widget over the viewport
        # would stop Qt from scrolling its pixels, and every pan step would
        # repaint the whole canvas.
        if self.legend_shown():
            painter.save()
            painter.resetTransform()
            scene = self.scene()
            picture = self._legend_pictures.picture(scene.colour_mode, self.devicePixelRatioF(),
                                                    self.largest_weight(), scene.diverged, scene.grad_levels,
                                                    scene.delta_levels)
            painter.drawPixmap(self.legend_rect().topLeft(), picture)
            painter.restore()

    def viewportEvent(self, event):
        if (event.type() == QEvent.ToolTip and self.legend_shown()
                and self.legend_rect().contains(event.pos())):
            # The legend says what its colours mean, with the formula.
            QToolTip.showText(event.globalPos(), legend_tip(self.scene().colour_mode), self.viewport())
            return True
        return super().viewportEvent(event)

    # ============================================================ training
    def show_snapshot(self, snapshot):
        """Draw a training ``Snapshot``: edges and neurons restyle from its weights,
        biases and gradients, and the neurons' mini maps from its grid activations.

        While a run goes on the snapshot is the truth to draw (the network
        belongs to the training worker). None goes back to the document's own
        values and clears gradients and maps. Returns False, drawing nothing
        new, for a snapshot of a differently shaped network (taken before an edit).
        """
        shown = self.scene().show_snapshot(snapshot)
        if shown:
            self._update_legend()
        return shown

    def apply_theme(self):
        """The app turned light or dark: new paper, and every item painted again
        (the neurons' cached pixels included) in the theme's colours."""
        self.setBackgroundBrush(canvas_background())
        for item in self.scene().items():
            item.update()
        self.viewport().update()

    def set_colour_mode(self, mode):
        """Colour by "weights" (sign and size of each weight) or "gradients"
        (|dL/dw| on the edges, delta on the neurons, log scale, fixed levels)."""
        self.scene().set_colour_mode(mode)
        self.viewport().update()  # the legend changes size

    def colour_mode(self):
        return self.scene().colour_mode

    def set_phase(self, phase):
        """Highlight the layer a step-through phase runs in: ``("forward"|"loss"|"backward", layer)``,
        ``("update", None)``, or None."""
        self.scene().set_phase(phase)

    def show_trace(self, trace):
        """Show one example's z, a, delta on the neurons and dL/dw on the edges
        (a simulator ``Trace``), or None to hide it. False if it does not fit the network."""
        return self.scene().show_trace(trace)

    def scrollContentsBy(self, dx, dy):
        super().scrollContentsBy(dx, dy)
        self.scene().place_badge()
        if self.legend_shown():  # the scrolled pixels carried the legend along
            legend = self.legend_rect()
            self.viewport().update(legend)
            self.viewport().update(legend.translated(dx, dy))
