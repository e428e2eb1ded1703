"""Step back: a slider along the recorded steps of the run, and the loss plot's cursor.

Moving the slider puts the network back to a recorded step (one undo step
per drag, see ui/commands/rewind.py): the weights, the canvas and every view
show that step, the loss plot marks it with a cursor and shows the rest of
the run, still to come, as a faint dashed curve. Play trains on from there
(and the later recorded steps, now another timeline, are forgotten).
"""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QWidget

from simulator.history import COLUMNS

from ..commands.rewind import RewindCommand
from ..steady_label import SteadyLabel

STEP, TRAIN_LOSS = COLUMNS.index("step"), COLUMNS.index("train_loss")


def rewind_to(controller, step, drag=None):
    """Put the network of ``controller`` back to the state recorded at ``step``.

    A run in progress is paused first. Returns True if the network changed;
    otherwise the reason goes to ``controller.message`` and it returns False.
    """
    trainer = controller.trainer
    if trainer is None or trainer.checkpoints is None:
        controller.message.emit("Nothing has been trained yet, so there is no earlier step to go back to")
        return False
    if controller.running:
        controller.pause()
    target = trainer.checkpoints.at(step)
    if target is None:
        controller.message.emit(f"Step {step:,} was not recorded; the slider shows the steps that were")
        return False
    before = trainer.state()
    if target.n_params != before.n_params:
        controller.message.emit(f"The network's shape has changed since step {step:,}, so its weights no longer "
                                "fit; undo the change to go back there")
        return False
    if target.step == before.step and np.array_equal(target.params, before.params):
        return False
    rows_now = trainer.history.rows_after(-1)
    timeline = trainer.checkpoints.timeline_rows(rows_now)
    rows_then = timeline[:, timeline[STEP] <= step]
    controller.doc.undo_stack.push(RewindCommand(controller.doc, controller, before, target, rows_now,
                                                 rows_then, drag))
    return True


class SteadySlider(QSlider):
    """A slider that repaints only when its handle moves by a pixel.

    While training, the record grows and the step drawn moves on 30 times a
    second, so range and value change every frame while the handle mostly
    stays where it is: painting a styled slider each time cost the UI thread
    more than a neuron's map. ``set_range_and_value`` changes both and
    repaints once, only if the handle moved.
    """

    def __init__(self, *args):
        super().__init__(*args)
        self._painted = None
        self._quiet = False

    def _state(self):
        at = QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), self.value(), max(self.width(), 1))
        return at, self.width(), self.isEnabled()

    def set_range_and_value(self, low, high, value):
        self._quiet = True
        try:
            self.setRange(low, high)
            self.setValue(value)
        finally:
            self._quiet = False
        if self._painted != self._state():
            self.update()

    def sliderChange(self, change):  # noqa: N802 (Qt's name)
        if not self._quiet:
            super().sliderChange(change)

    def paintEvent(self, event):  # noqa: N802
        self._painted = self._state()
        super().paintEvent(event)


class StepScrubber(QWidget):
    """A slider over the recorded steps of ``controller``'s run.

    Parameters
    ----------
    controller : TrainingController
    loss_plot : LossPlot, optional
        Gets a cursor at the step shown and the recorded run beyond it.
    """

    def __init__(self, controller, loss_plot=None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.steps = []
        self._drag = None
        self._drawn = None  # the step of the snapshot drawn last
        self.title = QLabel("Step back:")
        self.slider = SteadySlider(Qt.Horizontal)
        self.slider.setToolTip("Drag back along the run: the network returns to that recorded step (weights, "
                               "optimiser and all). Play trains on from there; Undo returns.")
        self.slider.setEnabled(False)
        self.label = SteadyLabel()  # its step changes with every redraw while training
        self.label.setMinimumWidth(200)
        self.setAutoFillBackground(True)  # opaque: the moving handle repaints this bar only, not the window behind
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.slider.sliderPressed.connect(self._on_pressed)
        self.slider.sliderReleased.connect(self._on_released)
        self.slider.valueChanged.connect(self._on_moved)
        self.cursor = self.future = None
        if loss_plot is not None:
            self.attach(loss_plot)
        controller.snapshot_shown.connect(self.refresh)
        controller.running_changed.connect(self.refresh)
        controller.doc.undo_stack.indexChanged.connect(self.refresh)  # rewinds, their undo and redo
        self.refresh()

    def attach(self, loss_plot):
        """Mark the step shown on ``loss_plot``, and the recorded run after it."""
        import pyqtgraph as pg
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#c43c3c", width=1))
        self.cursor.setZValue(20)
        self.cursor.hide()
        loss_plot.loss_plot.addItem(self.cursor, ignoreBounds=True)
        self.future = loss_plot.loss_plot.plot([], [], pen=pg.mkPen("#9a9a9a", width=1, style=Qt.DashLine))
        self._loss_plot = loss_plot

    # ----------------------------------------------------------------- state
    def _current_step(self):
        """The step drawn: during a run the worker is already past it, and the status line shows it."""
        trainer = self.controller.trainer
        if trainer is None:
            return 0
        if self.controller.running and self._drawn is not None:
            return self._drawn
        return trainer.steps

    def refresh(self, *args):
        """Follow the recorded steps and the step the network is at (``args``: a snapshot drawn, if any)."""
        snap = args[0] if args else None
        if hasattr(snap, "step"):
            self._drawn = snap.step
        elif not self.controller.running:
            self._drawn = None
        trainer = self.controller.trainer
        record = trainer.checkpoints if trainer is not None else None
        self.steps = self.controller.recorded_steps()
        now = self._current_step()
        usable = len(self.steps) > 1
        self.slider.setEnabled(usable)
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            before = [i for i, s in enumerate(self.steps) if s <= now]
            self.slider.set_range_and_value(0, max(len(self.steps) - 1, 0), before[-1] if before else 0)
            self.slider.blockSignals(False)
        if not usable and record is not None and record.too_big:
            self.label.setText("(this network is too big to record its steps)")
        elif not usable:
            self.label.setText("(train first: the run is recorded)")
        else:
            last = self.steps[-1]
            ahead = f", recorded to {last:,}" if last > now else ""
            self.label.setText(f"at step {now:,}{ahead}")
        self._draw_cursor(now, record)

    def _draw_cursor(self, now, record):
        if self.cursor is None or not (shiboken6.isValid(self.cursor) and shiboken6.isValid(self.future)):
            return  # no loss plot, or it has gone (the window closing)
        shown = bool(self.steps) and now < self.steps[-1]
        self.cursor.setVisible(shown)
        if not shown:
            self.future.setData([], [])
            return
        self.cursor.setValue(now)
        rows = record.timeline_rows(self.controller.history.rows_after(-1))
        later = rows[:, rows[STEP] >= now]
        loss = later[TRAIN_LOSS]
        keep = np.isfinite(loss)
        if self._loss_plot.log_scale.isChecked():
            keep &= loss > 0
        self.future.setData(later[STEP][keep], loss[keep])

    # --------------------------------------------------------------- gestures
    def _on_pressed(self):
        if self.controller.running:
            self.controller.pause()
        self._drag = object()

    def _on_released(self):
        self._drag = None
        self.refresh()

    def _on_moved(self, index):
        if not 0 <= index < len(self.steps):
            return
        rewind_to(self.controller, self.steps[index], self._drag if self.slider.isSliderDown() else None)
        self.refresh()
