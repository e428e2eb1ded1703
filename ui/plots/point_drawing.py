"""Drawing data on the output view: the controls above the plot and what a click means.

With "Draw points" on, a left click adds a training point where it lands (of
the class chosen in the box, or with the value in the spin box; over one input
for regression, the click's height is the target), a right click takes away
the nearest point, and pressing on a point and dragging moves it (over one
input for regression, its height is its target). Over one input for
regression, dragging on empty space draws a curve: a point every
``SKETCH_SPACING`` pixels along the path, added at once when the button is
let go. The view only says what was asked (``point_added``, ``points_drawn``,
``point_removed``, ``point_moved``); the document makes the edit, one undo
step each (a whole drag is one), and during a run the network trains on the
new data from the next step.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

REMOVE_RADIUS = 20.0
"""How far (in pixels) from a point a right click may land and still take it away."""

SKETCH_SPACING = 12.0
"""How far apart (in pixels along the mouse's path) the points of a drawn curve are."""

MAX_SKETCH = 500
"""The most points one stroke draws."""


class DrawControls(QWidget):
    """The "Draw points" switch and what a new point gets: a class, or a value."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.enabled = QCheckBox("Draw points")
        self.enabled.setToolTip("Left click on the plot adds a training point, right click takes away the "
                                "nearest point, dragging a point moves it; over one input, dragging on empty space "
                                "draws a curve of points (Edit > Undo takes each back). While training runs, the "
                                "network goes on learning from the changed data.")
        self.classes = QComboBox()
        self.classes.setToolTip("The class of the points a left click adds")
        self.value = QDoubleSpinBox()
        self.value.setRange(-1e6, 1e6)
        self.value.setDecimals(3)
        self.value.setSingleStep(0.1)
        self.value.setToolTip("The target value of the points a left click adds")
        self.hint = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled)
        layout.addWidget(self.classes)
        layout.addWidget(self.value)
        layout.addWidget(self.hint, 1)
        self.enabled.toggled.connect(self._update)
        self.task, self.n_inputs = None, 0
        self._update()

    def set_dataset(self, dataset):
        """Offer what ``dataset`` (the training set, or None) can take."""
        self.task = dataset.task if dataset is not None else None
        self.n_inputs = dataset.n_inputs if dataset is not None else 0
        if self.task == "classification":
            names = list(dataset.target_names)
            if [self.classes.itemText(i) for i in range(self.classes.count())] != names:
                current = max(self.classes.currentIndex(), 0)
                self.classes.clear()
                self.classes.addItems(names)
                self.classes.setCurrentIndex(min(current, len(names) - 1))
        self.setVisible(self.task is not None and self.n_inputs in (1, 2))
        self._update()

    def target(self, click_y):
        """The target of a point added by a click at height ``click_y``."""
        if self.task == "classification":
            return self.classes.currentIndex()
        return click_y if self.n_inputs == 1 else self.value.value()

    def _update(self):
        on = self.enabled.isChecked()
        self.classes.setVisible(self.task == "classification")
        self.value.setVisible(self.task == "regression" and self.n_inputs == 2)
        self.classes.setEnabled(on)
        self.value.setEnabled(on)
        curve = self.task == "regression" and self.n_inputs == 1
        where = " at the height you click (drag on empty space to draw a curve of points)" if curve else ""
        self.hint.setText(f"left click adds a training point{where}, drag a point to move it, "
                          "right click removes the nearest point" if on else "")


class PointDrawing(QObject):
    """Turns clicks on ``points``' plot into requests, while ``controls`` say draw.

    Signals
    -------
    point_added(tuple, object)
        Inputs of the new point and its target (class index or value).
    point_removed(str, int)
        ``("train" or "test", row)`` of the point to take away.
    point_moved(str, int, tuple, object, object)
        ``(which, row, inputs, target or None, drag)`` as a point is dragged;
        ``drag`` is the same object for every move of one drag.
    points_drawn(list)
        ``[(inputs, target), ...]``: a curve drawn in one stroke (one input, regression).
    drag_finished()
        A drag has ended (the view may fit itself to the data again).
    """

    point_added = Signal(tuple, object)
    point_removed = Signal(str, int)
    point_moved = Signal(str, int, tuple, object, object)
    points_drawn = Signal(list)
    drag_finished = Signal()

    def __init__(self, points, controls):
        super().__init__()
        self.points, self.controls = points, controls
        self.dragging = None  # (which, row, drag token) while a point is dragged
        self.sketch = None  # the scene positions of a curve being drawn
        self.preview = pg.ScatterPlotItem(size=7, pen=pg.mkPen(None), brush=pg.mkBrush("#a0a0a0"))  # pale: not yet added
        self.preview.setZValue(20)
        self.preview.setVisible(False)
        points.plot.addItem(self.preview)
        controls.enabled.toggled.connect(self._on_toggled)
        points.plot.scene().sigMouseClicked.connect(self._on_click)
        vb = points.plot.getViewBox()
        self._view_drag = vb.mouseDragEvent  # panning, when the drag is not a point's
        vb.mouseDragEvent = self._on_drag

    @property
    def active(self):
        return self.controls.enabled.isChecked() and not self.controls.isHidden()

    def _on_toggled(self, on):
        self.points.picking = not on  # drawing: a left click adds, it does not trace

    def _on_drag(self, event, axis=None):
        """A drag on the plot: moves the point pressed on while drawing, else pans as usual."""
        vb = self.points.plot.getViewBox()
        if event.isStart() and self.dragging is None and event.button() == Qt.LeftButton and self.active \
                and self.points.train.isVisible():
            start = vb.mapSceneToView(event.buttonDownScenePos())
            hit = self.points.pick(start.x(), start.y(), radius=REMOVE_RADIUS)
            if hit is not None:
                self.dragging = (*hit, object())
            elif self.controls.task == "regression" and self.controls.n_inputs == 1:
                self.sketch = [QPointF(event.buttonDownScenePos())]
        if self.sketch is not None:
            return self._on_sketch(event)
        if self.dragging is None:
            return self._view_drag(event, axis) if axis is not None else self._view_drag(event)
        event.accept()
        which, row, token = self.dragging
        pos = vb.mapSceneToView(event.scenePos())
        if self.controls.n_inputs == 2:
            x, target = (pos.x(), pos.y()), None
        else:
            x = (pos.x(),)
            target = pos.y() if self.controls.task == "regression" else None
        self.point_moved.emit(which, row, x, target, token)
        if event.isFinish():
            self.dragging = None
            self.drag_finished.emit()

    def _on_sketch(self, event):
        """A curve drawn on empty space: a point every SKETCH_SPACING pixels, all added at the end."""
        event.accept()
        here = event.scenePos()
        while True:  # a fast mouse leaves no gaps: the points go every SKETCH_SPACING pixels along the segment
            last = self.sketch[-1]
            dx, dy = here.x() - last.x(), here.y() - last.y()
            gap = (dx * dx + dy * dy) ** 0.5
            if gap < SKETCH_SPACING or len(self.sketch) >= MAX_SKETCH:
                break
            f = SKETCH_SPACING / gap
            self.sketch.append(QPointF(last.x() + f * dx, last.y() + f * dy))
        vb = self.points.plot.getViewBox()
        at = [vb.mapSceneToView(p) for p in self.sketch]
        self.preview.setData([p.x() for p in at], [p.y() for p in at])
        self.preview.setVisible(True)
        if event.isFinish():
            self.sketch = None
            self.preview.setVisible(False)
            self.preview.setData([], [])
            self.points_drawn.emit([((p.x(),), p.y()) for p in at])
            self.drag_finished.emit()

    def _on_click(self, event):
        if not self.active or not self.points.train.isVisible():
            return
        vb = self.points.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        pos = vb.mapSceneToView(event.scenePos())
        if event.button() == Qt.LeftButton:
            event.accept()
            x = (pos.x(), pos.y()) if self.controls.n_inputs == 2 else (pos.x(),)
            self.point_added.emit(x, self.controls.target(pos.y()))
        elif event.button() == Qt.RightButton:
            event.accept()
            hit = self.points.pick(pos.x(), pos.y(), radius=REMOVE_RADIUS)
            if hit is not None:
                self.point_removed.emit(*hit)
