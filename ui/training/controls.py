"""The training panel: the run buttons, speed, Run N epochs with its stop
conditions and progress, and the live step, epoch, loss and accuracy."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QSlider, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from simulator.project_schema import TRAINING_SPEEDS

from ..number_box import OptionalNumberBox
from ..steady_label import SteadyLabel
from .flow import FlowLayout
from .parts import phase_text

SPEEDS = (*TRAINING_SPEEDS, None)
"""Steps per second the speed slider offers; None is as fast as possible."""


def speed_text(speed):
    return "as fast as possible" if speed is None else f"{speed:,} step{'' if speed == 1 else 's'}/s"


RATE_WINDOW = 1.5  # seconds of drawn snapshots the actual rate is measured over
SLOW = 0.9          # below this share of the chosen speed, the panel says how fast training really runs


def rate_text(rate):
    """Steps per second as the speed label says it: "18/s", "2.5/s", "1,204/s"."""
    return f"{rate:,.0f}/s" if rate >= 10 else f"{rate:.2g}/s"


def metrics_text(step, epoch, metrics):
    """The live numbers: "step 1,240 · epoch 31 · loss 0.213 · test loss 0.25 · accuracy 91.0%"."""
    parts = [f"step {step:,}", f"epoch {epoch:,}"]
    m = metrics or {}
    for key, label, percent in (("train_loss", "loss", False), ("test_loss", "test loss", False),
                                ("train_accuracy", "accuracy", True), ("test_accuracy", "test accuracy", True)):
        value = m.get(key)
        if value is not None and value == value:
            parts.append(f"{label} {value:.1%}" if percent else f"{label} {value:.4g}")
    return " · ".join(parts)


def _group(*widgets):
    """Widgets side by side that wrap onto the next row together."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    return box


class TrainingPanel(QWidget):
    """Buttons bound to the window's Train actions, plus what only a panel can hold."""

    def __init__(self, controller, actions, parent=None):
        super().__init__(parent)
        self.controller = controller
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 2, 4, 2)
        outer.setSpacing(2)
        self.flow = FlowLayout()  # a narrow window wraps the controls onto more rows, never cuts them
        outer.addLayout(self.flow)
        self.setMinimumWidth(200)
        for action in (actions.train_play, actions.train_step, actions.train_epoch, actions.train_phase,
                       actions.train_reset, actions.train_new_weights):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            self.flow.addWidget(button)
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(len(SPEEDS) - 1)
        self.speed.setMinimumWidth(110)
        self.speed.setMaximumWidth(160)
        self.speed.setToolTip("Training speed: from slow motion (one step a second) to as fast as possible")
        self.speed_label = SteadyLabel(speed_text(None))  # its text changes with the rate while training
        self.speed_label.setToolTip("The speed chosen, and how fast training really runs when that is slower")
        self.speed_label.setMinimumWidth(self.speed_label.label.fontMetrics().horizontalAdvance(speed_text(None)) + 4)
        self.speed.valueChanged.connect(self._on_speed)
        self.flow.addWidget(_group(QLabel("Speed"), self.speed, self.speed_label))

        self.epochs = QSpinBox()
        self.epochs.setRange(1, 1_000_000)
        self.epochs.setValue(100)
        self.epochs.setToolTip("How many epochs Run trains (an epoch: every training example once)")
        self.target_loss = OptionalNumberBox(0.0, 1e6, 0.01, "Stop early once the loss on the whole training set "
                                             "is this low (off or empty: no target)", adaptive=True)
        self.target_accuracy = OptionalNumberBox(0.0, 100.0, 1.0, "Stop early once the training accuracy is this "
                                                 "high (off or empty: no target)", suffix=" %")
        self.run_button = QPushButton("Run")
        self.run_button.setToolTip("Train the number of epochs given, or until a target is reached")
        self.run_button.clicked.connect(self.run_epochs)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the run now (the steps trained so far stay, and undo takes them back), "
                                      "or drop a step being stepped through phase by phase")
        self.cancel_button.clicked.connect(controller.pause)
        self.bar = QProgressBar()
        self.bar.setToolTip("Steps trained of the steps the run plans")
        self.bar.setFixedWidth(140)
        policy = self.bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # hidden between runs, its room kept: Cancel stays put
        self.bar.setSizePolicy(policy)
        # a row of its own, whose groups wrap as wholes: "Run 100 epochs, stop at loss ≤ …", "or accuracy ≥ …",
        # the run's buttons
        self.run_flow = FlowLayout()
        outer.addLayout(self.run_flow)
        self.run_flow.addWidget(_group(QLabel("Run"), self.epochs, QLabel("epochs, stop at loss ≤"),
                                       self.target_loss))
        self.run_flow.addWidget(_group(QLabel("or accuracy ≥"), self.target_accuracy))
        self.run_flow.addWidget(_group(self.run_button, self.bar, self.cancel_button))
        self.live = SteadyLabel(metrics_text(0, 0, {}))  # new numbers 30 times a second while training
        self.live.setToolTip("Steps and epochs so far; loss and accuracy on the whole training set and on "
                             "the test set, evaluated about 30 times a second")
        self.live.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.live.setWordWrap(True)
        self.live.setMinimumWidth(100)
        outer.addWidget(self.live)

        self._drawn = deque()      # (time, step) of the snapshots drawn during this run: the actual rate
        self._shown_step = None    # the step of the snapshot shown last
        self._problem_step = None  # the step at which a problem was told: its text stays while it is shown
        controller.progress.connect(self._on_progress)
        controller.running_changed.connect(self._on_running)
        controller.snapshot_shown.connect(self._on_snapshot)
        controller.problem.connect(self._on_problem)
        self._on_running(False)
        self._on_progress(0, 0)

    def run_epochs(self):
        loss = self.target_loss.number()
        accuracy = self.target_accuracy.number()
        accuracy = accuracy / 100 if accuracy is not None else None
        self.controller.run_epochs(self.epochs.value(), loss, accuracy)

    def set_speed(self, speed):
        """Move the speed slider to ``speed`` (steps per second, one of SPEEDS; None: as fast as possible)."""
        if speed in SPEEDS:
            self.speed.setValue(SPEEDS.index(speed))

    def speed_value(self):
        """The speed the slider shows: steps per second, None for as fast as possible."""
        return SPEEDS[self.speed.value()]

    def _on_speed(self, index):
        speed = SPEEDS[index]
        self._drawn.clear()  # the rate at the old speed says nothing of the new one
        self.speed_label.setText(speed_text(speed))
        self.controller.set_speed(speed)

    def note_rate(self, seconds, step):
        """A snapshot of ``step`` was drawn at ``seconds`` (a monotonic clock): when training runs
        slower than the chosen speed (a big network, a slow machine), the speed label says how fast."""
        drawn = self._drawn
        if drawn and step < drawn[-1][1]:
            drawn.clear()  # a rewind or an undo: the count starts again
        drawn.append((seconds, step))
        while len(drawn) > 2 and seconds - drawn[1][0] >= RATE_WINDOW:
            drawn.popleft()
        speed = SPEEDS[self.speed.value()]
        text = speed_text(speed)
        (t0, s0), (t1, s1) = drawn[0], drawn[-1]
        if speed is not None and t1 - t0 >= RATE_WINDOW / 3:
            rate = (s1 - s0) / (t1 - t0)
            if rate < SLOW * speed:
                text += f" (running at {rate_text(rate)})"
        self.speed_label.setText(text)

    def _on_progress(self, done, planned):
        self.bar.setVisible(planned > 0)
        self.bar.setRange(0, max(planned, 1))
        self.bar.setValue(done)

    def _on_running(self, running):
        self._drawn.clear()
        self.speed_label.setText(speed_text(SPEEDS[self.speed.value()]))
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running or self._stepping())

    def _stepping(self):
        trainer = self.controller.trainer
        return trainer is not None and trainer.pass_in_progress is not None

    def _on_problem(self, text):
        self.live.setText(text)
        self._problem_step = self._shown_step

    def _on_snapshot(self, snap):
        running = self.controller.running
        if not running:  # Cancel also drops a step being stepped through
            self.cancel_button.setEnabled(self._stepping())
        self._shown_step = snap.step
        if running:
            self.note_rate(time.monotonic(), snap.step)
        if self._problem_step is not None and snap.step == self._problem_step and not running:
            return  # a redraw of the same weights: why training stopped stays in view
        self._problem_step = None
        metrics = snap.metrics or self.controller.last_metrics
        if snap.phase is not None and self._stepping():
            # mid-pass: the steps and epochs done so far, then the step under way (its batch may open an epoch)
            phase = phase_text(snap.phase, len(snap.sizes))
            self.live.setText(metrics_text(snap.step, self.controller.pass_epoch, metrics) +
                              f" · pass {snap.step + 1:,} in progress: {phase[0].lower() + phase[1:]}")
            return
        self.live.setText(metrics_text(snap.step, snap.epoch, metrics))
