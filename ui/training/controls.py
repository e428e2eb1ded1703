"""The training panel: the run buttons, speed, Run N epochs with its stop
conditions and progress, and the live step, epoch, loss and accuracy."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLayout, QProgressBar, QPushButton,
                               QSlider, QSpinBox, QToolButton, QWidget)

from simulator.project_schema import TRAINING_SPEEDS

from ..number_box import OptionalNumberBox

SPEEDS = (*TRAINING_SPEEDS, None)
"""Steps per second the speed slider offers; None is as fast as possible."""


def speed_text(speed):
    return "as fast as possible" if speed is None else f"{speed:,} step{'' if speed == 1 else 's'}/s"


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


class TrainingPanel(QWidget):
    """Buttons bound to the window's Train actions, plus what only a panel can hold."""

    def __init__(self, controller, actions, parent=None):
        super().__init__(parent)
        self.controller = controller
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        # a narrow window clips the rows rather than growing to fit them
        grid.setSizeConstraint(QLayout.SetNoConstraint)
        self.setMinimumWidth(200)
        buttons = QHBoxLayout()
        for action in (actions.train_play, actions.train_step, actions.train_epoch, actions.train_phase,
                       actions.train_reset):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            buttons.addWidget(button)
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(len(SPEEDS) - 1)
        self.speed.setMaximumWidth(160)
        self.speed.setToolTip("Training speed: from slow motion (one step a second) to as fast as possible")
        self.speed_label = QLabel(speed_text(None))
        self.speed_label.setMinimumWidth(120)
        self.speed.valueChanged.connect(self._on_speed)
        buttons.addSpacing(12)
        buttons.addWidget(QLabel("Speed"))
        buttons.addWidget(self.speed)
        buttons.addWidget(self.speed_label)
        buttons.addStretch(1)
        grid.addLayout(buttons, 0, 0)

        run = QHBoxLayout()
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
        self.bar.setMaximumWidth(220)
        policy = self.bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # hidden between runs, its room kept: Cancel stays put
        self.bar.setSizePolicy(policy)
        for widget in (QLabel("Run"), self.epochs, QLabel("epochs, stop at loss ≤"), self.target_loss,
                       QLabel("or accuracy ≥"), self.target_accuracy, self.run_button, self.bar,
                       self.cancel_button):
            run.addWidget(widget)
        run.addStretch(1)
        grid.addLayout(run, 1, 0)
        self.live = QLabel(metrics_text(0, 0, {}))
        self.live.setToolTip("Steps and epochs so far; loss and accuracy on the whole training set and on "
                             "the test set, evaluated about 30 times a second")
        self.live.setTextInteractionFlags(Qt.TextSelectableByMouse)
        grid.addWidget(self.live, 2, 0)

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

    def _on_speed(self, index):
        speed = SPEEDS[index]
        self.speed_label.setText(speed_text(speed))
        self.controller.set_speed(speed)

    def _on_progress(self, done, planned):
        self.bar.setVisible(planned > 0)
        self.bar.setRange(0, max(planned, 1))
        self.bar.setValue(done)

    def _on_running(self, running):
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
        if self._problem_step is not None and snap.step == self._problem_step and not running:
            return  # a redraw of the same weights: why training stopped stays in view
        self._problem_step = None
        self.live.setText(metrics_text(snap.step, snap.epoch, snap.metrics or self.controller.last_metrics))
