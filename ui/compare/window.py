"""Train > Compare…: the project (A) against a copy that differs in one setting (B).

Both are trained side by side in a worker thread, from the same weights on
the same batches, with the loss curves overlaid and the two outputs next to
each other. Comparing never changes the document; "Use B" applies B's
setting to it as an ordinary, undoable edit. The document's data reaches
both runs as it changes: a point drawn, dragged or taken away on the output
view is trained on by A and B alike from their next step.
"""

from __future__ import annotations

import copy
import math

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QSplitter, QStackedWidget, QStyle, QVBoxLayout)

from simulator.compare import CHOICES, FIELDS, Change, CompareRun, check_change, current_value, hidden_layers
from simulator.errors import SimulatorError
from simulator.limits import MAX_BATCH_SIZE, MAX_STEPS

from ..number_box import NumberBox
from ..settings_dock import LOSS_LABELS, OPTIMIZER_LABELS
from ..wording import activation_label, sentence
from .views import CompareLossPlot, CompareOutputs, side_colour
from .worker import CompareThread

FIELD_LABELS = {"loss": "Loss", "activation": "Hidden activation", "learning_rate": "Learning rate",
                "optimizer": "Optimizer", "batch_size": "Batch size", "l2": "L2 regularisation",
                "l1": "L1 regularisation"}
SHORT_LOSS = {"l1": "L1 (MAE)", "l2": "L2 (MSE)", "huber": "Huber", "binary_cross_entropy": "cross-entropy",
              "categorical_cross_entropy": "categorical cross-entropy"}
# B's first value when a field is chosen: the classic pairs of the lessons
PARTNERS = {"loss": {"l2": "l1", "l1": "l2", "huber": "l2", "binary_cross_entropy": "l2",
                     "categorical_cross_entropy": "l2"},
            "activation": {"sigmoid": "relu", "relu": "sigmoid", "tanh": "relu"},
            "optimizer": {"sgd": "adam", "momentum": "sgd", "adam": "sgd"}}
SPEEDS = (("Full speed", None), ("1,000 steps/s", 1000), ("100 steps/s", 100), ("10 steps/s", 10))
DEFAULT_STOP = 1000
"""Where a comparison stops by itself, unless the project is a lesson that names its own number of steps."""
PROBLEM_COLOUR = "#b00020"
INTRO = ("A is the project as it is; B is a copy that differs only in the setting chosen here. Both start from "
         "the same weights at step 0 and train on the same batches, so any difference comes from that setting. "
         "Comparing never changes the project.")


def value_label(field, value):
    """A value as the legend names it: "L2 (MSE)", "ReLU", "learning rate 0.1"."""
    if field == "loss":
        return SHORT_LOSS.get(value, str(value))
    if field == "activation":
        return activation_label(value) if value else "no hidden layer"
    if field == "optimizer":
        return OPTIMIZER_LABELS.get(value, str(value))
    if field == "batch_size":
        return "all points per step" if value == 0 else f"batch size {value}"
    if field in ("l1", "l2"):
        return f"no {field.upper()} penalty" if value == 0 else f"{field.upper()} {value:g}"
    return f"learning rate {value:g}"


def default_value(project, field):
    """B's suggested value: the lesson's classic partner of A's, else the first the model allows."""
    a = current_value(project, field)
    if field in CHOICES:
        partner = PARTNERS[field].get(a)
        candidates = ([partner] if partner else []) + [c for c in CHOICES[field] if c not in (a, partner)]
        for name in candidates:
            if check_change(project, Change(field, name)) is None:
                return name
        return candidates[0]
    if field == "learning_rate":
        return float(f"{a / 10:.12g}")
    if field == "batch_size":
        return 8 if a == 0 else 0
    return (0.01 if field == "l2" else 0.001) if a == 0 else 0.0


class CompareWindow(QDialog):
    """The Compare window (non-modal).

    Parameters
    ----------
    source : callable
        Returns a copy of the document's project as it is now (read when the
        window opens and on Reset).
    document : Document, optional
        For "Use B"; without one the button is hidden.
    """

    def __init__(self, source, document=None, parent=None):
        super().__init__(parent)
        self.setModal(False)
        self.setWindowFlag(Qt.WindowMaximizeButtonHint, True)
        self.source = source
        self.document = document
        self.project = source()
        self.setWindowTitle(f"Compare — {self.project.title or 'Untitled'}")
        self.compare = None
        self._thread = None  # the thread training self.compare, until it has ended
        self._ending = set()  # threads of earlier comparisons, asked to stop and not yet ended
        self._tag = 0
        self._quiet = False
        self._last_result = None
        self._new_data = None  # the document's new (train, test), drawn once a burst of edits settles
        self._data_timer = QTimer(self, singleShot=True, interval=40)  # a drag moves a point 60 times a second
        self._data_timer.timeout.connect(self._draw_new_data)
        if document is not None:
            document.data_changed.connect(self._on_document_data_changed)
        self._build()
        self._on_field_changed()  # the first field, the loss, with its classic partner for B
        self.resize(1060, 860)

    # ------------------------------------------------------------ building
    def _build(self):
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.field = QComboBox()
        for name in FIELDS:
            self.field.addItem(FIELD_LABELS[name], name)
        self.field.setToolTip("The one setting in which B differs from A")
        self.a_value = QLabel()
        self.a_value.setStyleSheet(f"color: {side_colour('a')}; font-weight: bold;")
        self.a_value.setToolTip("A's value: the project's own")
        self.choice = QComboBox()
        self.choice.setToolTip("B's value")
        self.number = NumberBox(0.0, 1e300, 0.01, "B's value", adaptive=True)
        self.whole = QSpinBox()
        self.whole.setRange(0, MAX_BATCH_SIZE)
        self.whole.setSpecialValueText("All points")
        self.whole.setKeyboardTracking(False)
        self.whole.setToolTip("B's batch size: points per update ('All points': the whole training set)")
        self.value = QStackedWidget()
        for widget in (self.choice, self.number, self.whole):
            self.value.addWidget(widget)
        self.fresh = QCheckBox("Fresh weights")
        self.fresh.setToolTip("Start both from new random weights drawn from the shuffle seed, instead of the "
                              "project's current weights")
        self.field.currentIndexChanged.connect(self._on_field_changed)
        self.choice.currentIndexChanged.connect(self._on_value_changed)
        self.number.valueChanged.connect(self._on_value_changed)
        self.whole.valueChanged.connect(self._on_value_changed)
        self.fresh.toggled.connect(self._on_value_changed)

        choose = QHBoxLayout()
        choose.addWidget(QLabel("Compare"))
        choose.addWidget(self.field)
        choose.addWidget(QLabel("A:"))
        choose.addWidget(self.a_value)
        b_label = QLabel("B:")
        b_label.setStyleSheet(f"color: {side_colour('b')}; font-weight: bold;")
        choose.addWidget(b_label)
        choose.addWidget(self.value)
        choose.addWidget(self.fresh)
        choose.addStretch(1)

        style = self.style()
        self.play_button = QPushButton(style.standardIcon(QStyle.SP_MediaPlay), "Play")
        self.play_button.setToolTip("Train A and B side by side until paused")
        self.play_button.clicked.connect(self.toggle)
        self.reset_button = QPushButton(style.standardIcon(QStyle.SP_BrowserReload), "Reset")
        self.reset_button.setToolTip("Start both again at step 0, from the project as it is now")
        self.reset_button.clicked.connect(self.reset)
        self.use_b_button = QPushButton("Use B")
        self.use_b_button.clicked.connect(self.use_b)
        self.use_b_button.setVisible(self.document is not None)
        self.stop_at = QSpinBox()
        self.stop_at.setRange(1, MAX_STEPS)
        self.stop_at.setGroupSeparatorShown(True)
        self.stop_at.setKeyboardTracking(False)
        self.stop_at.setToolTip("Both runs pause by themselves at this step; raise it and press Play to go on")
        lesson_steps = (self.project.lesson or {}).get("steps")
        self.stop_at.setValue(int(lesson_steps) if lesson_steps else DEFAULT_STOP)
        self.speed = QComboBox()
        for text, rate in SPEEDS:
            self.speed.addItem(text, rate)
        self.speed.setToolTip("How fast both runs train: slower, you can watch the two curves part")
        self.speed.currentIndexChanged.connect(self._on_speed_changed)
        self.stop_at.valueChanged.connect(self._on_stop_at_changed)
        self.steps = QLabel("Step 0")
        self.steps.setToolTip("Steps trained by each run")
        self.steps.setMinimumWidth(90)
        buttons = QHBoxLayout()
        for widget in (self.play_button, self.reset_button, self.use_b_button):
            buttons.addWidget(widget)
        buttons.addSpacing(12)
        buttons.addWidget(QLabel("Stop at step"))
        buttons.addWidget(self.stop_at)
        buttons.addWidget(self.speed)
        buttons.addStretch(1)
        buttons.addWidget(self.steps)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.loss_plot = CompareLossPlot()
        buttons.addWidget(self.loss_plot.log_scale)
        self.outputs = CompareOutputs()
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.loss_plot)
        splitter.addWidget(self.outputs)
        splitter.setSizes([330, 470])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(choose)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

    # ---------------------------------------------------------- the change
    def change(self):
        """What B changes, as the widgets say."""
        field = self.field.currentData()
        if field in CHOICES:
            value = self.choice.currentData()
        elif field == "batch_size":
            value = self.whole.value()
        else:
            value = self.number.value()
        return Change(field, value)

    def set_change(self, field, value):
        """Choose what B changes (as a person would with the widgets)."""
        self.field.setCurrentIndex(FIELDS.index(field))
        self._quiet = True
        try:
            self._show_value(field, value)
        finally:
            self._quiet = False
        self._rebuild()

    def _on_field_changed(self, *_):
        field = self.field.currentData()
        self._quiet = True
        try:
            self.a_value.setText(value_label(field, current_value(self.project, field)))
            self._show_value(field, default_value(self.project, field))
        finally:
            self._quiet = False
        self._rebuild()

    def _show_value(self, field, value):
        if field in CHOICES:
            self.choice.clear()
            labels = {"loss": LOSS_LABELS, "optimizer": OPTIMIZER_LABELS}.get(field, {})
            for name in CHOICES[field]:
                self.choice.addItem(labels.get(name) or activation_label(name), name)
            self.choice.setCurrentIndex(max(0, self.choice.findData(value)))
            self.value.setCurrentWidget(self.choice)
        elif field == "batch_size":
            self.whole.setValue(int(value))
            self.value.setCurrentWidget(self.whole)
        else:
            lowest = math.ulp(0.0) if field == "learning_rate" else 0.0
            self.number.setRange(lowest, 1e300)
            self.number.setSingleStep(0.001)
            self.number.setValue(float(value))
            self.value.setCurrentWidget(self.number)

    def _on_value_changed(self, *_):
        if not self._quiet:
            self._rebuild()

    # ---------------------------------------------------------- the run
    @property
    def running(self):
        """Training, and not asked to pause."""
        return self._thread is not None and not self._thread.stopping

    def _rebuild(self):
        """A new comparison for the current change, started at once if the old one was running.

        The old one's thread is asked to stop and left to end by itself (its
        late results are dropped): a new value never waits for a step."""
        resume = self.running
        self._let_go()
        self.compare = None
        self._tag += 1
        change = self.change()
        try:
            self.compare = CompareRun(self.project, change, fresh_weights=self.fresh.isChecked())
        except SimulatorError as exc:
            self._say(exc.reason, problem=True)
            self.loss_plot.clear()
            self.steps.setText("Step 0")
            self._update_buttons()
            return
        a_text = value_label(change.field, current_value(self.project, change.field))
        labels = {"a": f"A: {a_text}", "b": f"B: {value_label(change.field, change.value)}"}
        self._labels = labels
        train, test = self.compare.a.trainer.train, self.compare.a.trainer.test
        self.loss_plot.clear()
        self.loss_plot.set_labels(labels["a"], labels["b"], test is not None)
        self.outputs.set_data(train, test, self.compare.grid, labels)
        self._say("A and B measure the loss in different ways, so their curves differ in scale as well as in "
                  "shape; the outputs below compare the two fits directly" if change.field == "loss" else "")
        self._show(self.compare.result())
        self._update_buttons()
        if resume:
            self.play()

    def toggle(self):
        if self.running:
            self.pause()
        else:
            self.play()

    def play(self):
        """Train both until paused (nothing happens if B is refused or the run has not ended yet)."""
        if self._thread is not None or self.compare is None or self.compare.done:
            return
        if self.compare.steps >= self.stop_at.value():
            self._say(f"Both runs are at step {self.compare.steps:,}: raise “Stop at step” to train on")
            return
        thread = self._thread = CompareThread(self.compare, self._tag, self.stop_at.value(), self.speed.currentData())
        thread.result_ready.connect(self._on_result)
        thread.finished.connect(lambda message, t=thread: self._on_finished(t, message))
        thread.start()
        self._update_buttons()

    def _on_speed_changed(self, *_):
        if self._thread is not None:
            self._thread.set_speed(self.speed.currentData())

    def _on_stop_at_changed(self, step):
        if self._thread is not None:
            self._thread.set_stop_at(step)

    def pause(self):
        """Stop both between two steps; the curves stay and Play goes on from there.

        Returns at once; Play is offered again once the step under way is done."""
        if self._thread is not None:
            self._thread.request_stop()
        self._update_buttons()

    def reset(self):
        """Both again at step 0, from the project as it is now."""
        self._let_go()
        self.project = self.source()
        self.setWindowTitle(f"Compare — {self.project.title or 'Untitled'}")
        self._on_field_changed_keeping_value()

    def _on_field_changed_keeping_value(self):
        field = self.field.currentData()
        self.a_value.setText(value_label(field, current_value(self.project, field)))
        self._rebuild()

    def use_b(self):
        """Give the project B's setting: one undoable edit."""
        if self.document is None:
            return
        change = self.change()
        doc = self.document
        if change.field == "activation":
            layers = [k for k in hidden_layers(doc.network) if doc.network.layers[k].activation != change.value]
            if not layers:  # an empty step on the undo stack would undo nothing
                self._say(f"The project's hidden layers already use {activation_label(change.value)}"
                          if hidden_layers(doc.network) else "The project has no hidden layer now")
                return
            stack = doc.undo_stack
            stack.beginMacro(f"Set Hidden Activations to {activation_label(change.value)}")
            try:
                done = all([doc.set_activation(k, change.value) for k in layers])
            finally:
                stack.endMacro()
        else:
            done = doc.set_setting(change.field, change.value)
        if done:
            self._say(f"The project now uses B's {FIELD_LABELS[change.field].lower()} "
                      f"({value_label(change.field, change.value)}); Edit > Undo takes it back")

    def _on_document_data_changed(self):
        """The project's points changed (drawn, moved, taken away): A and B train on the new data,
        the same for both, from their next step; a new B or Reset starts from it too."""
        if self.document.replacing:
            return  # another project opened: this comparison is of the one before
        try:
            train, test = self.document.project.datasets()
        except SimulatorError:
            return
        self.project.data = copy.deepcopy(self.document.project.data)
        if self.compare is None:
            return
        self.compare.set_datasets(train, test)
        self._new_data = (train, test)
        self._data_timer.start()

    def _draw_new_data(self):
        new, self._new_data = self._new_data, None
        if new is None or self.compare is None:
            return
        self.outputs.set_data(*new, self.compare.grid, self._labels)
        if self._last_result is not None:
            self._show(self._last_result)

    def _let_go(self):
        """Ask the current run's thread to stop, without waiting for it."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.request_stop()
            self._ending.add(thread)  # kept until it has ended: a running QThread must not be freed

    def _end_all(self):
        """Stop every thread and wait for each (one step at most)."""
        threads = [t for t in (self._thread, *self._ending) if t is not None]
        for thread in threads:
            thread.request_stop()
        for thread in threads:
            thread.stop_and_wait()
        self._thread, self._ending = None, set()

    def _on_finished(self, thread, message):
        self._ending.discard(thread)
        if thread is not self._thread:
            return  # an earlier comparison's
        self._thread = None
        if message:
            self._say(message, problem=True)
        self._update_buttons()

    def _on_result(self, item):
        tag, result = item
        if tag == self._tag:
            self._show(result)

    def _show(self, result):
        self._last_result = result
        self.loss_plot.show_result(result)
        self.outputs.show_result(result)
        self.steps.setText(f"Step {result.step:,}")
        titles = {}
        for name, side in (("a", result.a), ("b", result.b)):
            if math.isfinite(side.test_loss):
                score = f"test loss {side.test_loss:.3g}"
                if math.isfinite(side.test_accuracy):
                    score += f" · accuracy {side.test_accuracy:.0%}"
            else:
                score = f"loss {side.train_loss:.3g}"
                if math.isfinite(side.train_accuracy):
                    score += f" · accuracy {side.train_accuracy:.0%}"
            titles[name] = (self._labels[name], score)
        self.outputs.set_titles(titles)
        stopped = [f"{name.upper()} stopped: {side.message.removeprefix('training paused: ')}"
                   for name, side in (("a", result.a), ("b", result.b)) if side.message]
        if stopped:
            if not self.loss_plot.log_scale.isChecked():
                # a loss on its way to infinity flattens the other curve to a line on a linear axis
                self.loss_plot.log_scale.setChecked(True)
                stopped.append("the loss axis is now logarithmic")
            self._say(" ".join(sentence(s) for s in stopped), problem=True)
        if result.done:
            self._update_buttons()

    def _say(self, text, problem=False):
        self.status.setText(sentence(text) if text else "")
        self.status.setStyleSheet(f"color: {PROBLEM_COLOUR};" if problem else "")
        self.status.setVisible(bool(text))

    def _update_buttons(self):
        running = self.running
        style = self.style()
        self.play_button.setText("Pause" if running else "Play")
        self.play_button.setIcon(style.standardIcon(QStyle.SP_MediaPause if running else QStyle.SP_MediaPlay))
        self.play_button.setEnabled(running or (self._thread is None and self.compare is not None
                                                and not self.compare.done))
        ok = self.compare is not None
        field = self.field.currentData()
        self.use_b_button.setEnabled(ok)
        self.use_b_button.setToolTip(f"Give the project B's {FIELD_LABELS[field].lower()} (one edit: "
                                     f"Edit > Undo takes it back)" if ok else "B is not a setting the "
                                     "project can take: see the reason above")

    # ------------------------------------------------------------- closing
    def closeEvent(self, event):
        self._end_all()  # no thread is left behind
        self._update_buttons()
        super().closeEvent(event)

    def done(self, result):  # Esc closes the dialog without a closeEvent
        self._end_all()
        self._update_buttons()
        super().done(result)
