"""Mouse gestures on the canvas, one small class each (after Orange's
``document/interactions.py``): ``start``, ``move``, ``end`` and ``cancel``.

A gesture never writes the model: on ``end`` it calls one Document edit
method, which pushes one undo command or emits ``message(reason)``. Live
feedback (the rubber line, moved circles) lives only in the scene until then.
"""

import numpy as np
from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsLineItem

from .items import HOVER, NEGATIVE, RADIUS
from .layout import free_places


class ConnectGesture:
    """Drag from a neuron to a later one: a live line follows the mouse.

    Valid targets glow; the one under the mouse glows strongly and the line
    turns green over it, red over a neuron that would refuse the edge.
    Which targets are valid is the model's answer
    (``Network.connect_targets``, one array per layer), never a rule of the
    canvas's own. Releasing on a neuron calls ``document.connect``, which
    refuses with the model's reason; releasing elsewhere or pressing Escape
    creates nothing.
    """

    def __init__(self, scene, source):
        self.scene = scene
        self.source = source
        self.line = None
        self.valid = set()
        self.hot = None

    def start(self, pos):
        targets = self.scene.document.network.connect_targets(self.source)
        self.valid = {(layer, int(index)) for layer, ok in enumerate(targets) for index in np.flatnonzero(ok)}
        self.valid.intersection_update(self.scene.neuron_keys())
        for key in self.valid:
            self.scene.neuron_item(key).set_target("valid")
        self.line = QGraphicsLineItem()
        self.line.setZValue(20)
        self.scene.addItem(self.line)
        self.move(pos)

    def move(self, pos):
        target = self.scene.neuron_at(pos)
        origin = self.scene.neuron_pos(self.source)
        snapped = target not in (None, self.source)
        end = self.scene.neuron_pos(target) if snapped else QPointF(pos)
        # Run rim to rim, so the line never covers a neuron's bias text.
        line = QLineF(origin, end)
        length = line.length()
        if length > 2 * RADIUS:
            unit = (end - origin) / length
            origin = origin + unit * RADIUS
            if snapped:
                end = end - unit * RADIUS
        if target in self.valid:
            color = HOVER
        elif target not in (None, self.source):
            color = NEGATIVE
        else:
            color = QColor(90, 90, 90)
        pen = QPen(color, 2.5, Qt.DashLine)
        pen.setCosmetic(True)
        self.line.setPen(pen)
        self.line.setLine(QLineF(origin, end))
        hot = target if target in self.valid else None
        if hot != self.hot:
            if self.hot is not None:
                self.scene.neuron_item(self.hot).set_target("valid")
            if hot is not None:
                self.scene.neuron_item(hot).set_target("hot")
            self.hot = hot

    def end(self, pos):
        """Connect to the neuron under ``pos``; True if an edge was made."""
        target = self.scene.neuron_at(pos)
        self._clean_up()
        if target is None or target == self.source:
            return False
        return self.scene.document.connect(self.source, target)

    def cancel(self):
        self._clean_up()

    def _clean_up(self):
        for key in self.valid:
            item = self.scene.neuron_item(key)
            if item is not None:
                item.set_target(None)
        self.valid = set()
        self.hot = None
        if self.line is not None:
            self.scene.removeItem(self.line)
            self.line = None


class MoveGesture:
    """Drag selected neurons: they follow the mouse live, and the release
    pushes one ``document.move_neurons`` macro. Escape puts them back."""

    def __init__(self, scene, keys):
        self.scene = scene
        self.keys = list(keys)
        self.origin = QPointF()
        self.before = {}

    def start(self, pos):
        self.origin = QPointF(pos)
        self.before = {key: self.scene.neuron_xy(key) for key in self.keys}

    def _targets(self, pos):
        dx, dy = pos.x() - self.origin.x(), pos.y() - self.origin.y()
        return {key: (round(x + dx, 1), round(y + dy, 1)) for key, (x, y) in self.before.items()}

    def move(self, pos):
        self.scene.preview_positions(self._targets(pos))

    def end(self, pos):
        """Commit the move; True if the document accepted it. A neuron dropped
        onto another is set beside it instead, in the same undo step."""
        targets = self._targets(pos)
        if targets == self.before:
            return False
        targets = free_places(targets, self.scene.neuron_centres(exclude=targets))
        self.scene.preview_positions(targets)
        if not self.scene.document.move_neurons(targets):
            self.scene.sync_positions()
            return False
        return True

    def cancel(self):
        self.scene.sync_positions()


class WeightNudge:
    """Scroll over a selected edge (or neuron) to nudge its weight (or bias).

    One notch is ``STEP``, or ``FINE_STEP`` with Shift. Consecutive nudges of
    the same value merge into one undo step (``merge=True``). Trackpads send
    fractions of a notch; they are summed until a whole notch has been
    scrolled.
    """

    STEP = 0.1
    FINE_STEP = 0.01
    NOTCH = 120

    def __init__(self, scene):
        self.scene = scene
        self._pending = 0

    def apply(self, target, delta, fine=False):
        """Nudge ``target`` (``("edge", (src, dst))`` or ``("neuron", key)``) by ``delta`` eighths
        of a degree of wheel rotation. Returns True if a value was changed."""
        self._pending += delta
        notches = int(self._pending / self.NOTCH)
        if notches == 0:
            return False
        self._pending -= notches * self.NOTCH
        step = notches * (self.FINE_STEP if fine else self.STEP)
        doc, net = self.scene.document, self.scene.document.network
        kind, key = target
        if kind == "edge":
            src, dst = key
            return doc.set_weight(src, dst, round(net.weight(src, dst) + step, 6), merge=True)
        layer, index = key
        return doc.set_bias(key, round(float(net.layers[layer].bias[index]) + step, 6), merge=True)
