"""The seam between training and the document.

``TrainingController`` lives in the UI thread. It builds the Trainer from the
document, starts a ``TrainingWorker`` in a QThread for each run, keeps the
newest snapshot and redraws the registered views on a timer, and turns every
run into one undo step (``TrainCommand``). Between runs the trainer is idle and
the UI thread may step it (one phase at a time) itself; during a run it never
touches it except inside ``edit_guard``, which holds the worker between two
steps while an edit is made.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from types import MappingProxyType

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, QTimer, Signal

from simulator.errors import SimulatorError, TrainingError
from simulator.history import COLUMNS, History
from simulator.snapshot import take_snapshot
from simulator.train_state import TrainState, parameter_count
from simulator.trainer import Trainer

from ..commands.training import TrainCommand, train_text
from .parts import frozen_copy, grid_for, phase_text, same_state
from .worker import FRAME_INTERVAL, RunLimits, TrainingWorker

class TrainingController(QObject):
    """Runs training for a Document and feeds the views.

    Signals
    -------
    running_changed(bool)
    snapshot_shown(Snapshot)
        After the views drew a snapshot (the newest one).
    progress(int, int)
        Steps done and steps planned in a limited run (0, 0 when unlimited).
    message(str)
        Something to tell the person (status bar).
    problem(str)
        Training stopped because something went wrong (divergence, a network
        that no longer fits the data): what happened and what to try.
    """

    running_changed = Signal(bool)
    snapshot_shown = Signal(object)
    progress = Signal(int, int)
    message = Signal(str)
    problem = Signal(str)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.trainer = None
        self.grid = None
        self.views = []              # objects with show_snapshot(snapshot)
        self.history = History()     # the UI's own record, extended from each snapshot's new rows
        self.latest = None           # the newest snapshot not yet drawn
        self.steps_per_second = None  # None: as fast as possible
        self.last_metrics = {}
        self._restored_metrics = None  # evaluated by state_restored, for the next idle snapshot
        self._worker = None
        self._thread = None
        self._segment = None         # TrainState at the start of the run segment not yet on the undo stack
        self._planned = 0
        self._changes = set()
        self._stale = False
        self._last_after = None
        self._idle_draw_pending = False
        self._timer = QTimer(self)
        self._timer.setInterval(int(FRAME_INTERVAL * 1000))
        self._timer.timeout.connect(self._draw)
        document.edit_guard = self.edit_guard
        document.settings_changed.connect(self._on_settings_changed)
        document.data_changed.connect(self._on_data_changed)
        document.structure_changed.connect(self._on_structure_changed)
        document.values_changed.connect(self._schedule_idle_draw)
        document.project_replaced.connect(self._on_project_replaced)

    # ------------------------------------------------------------ queries
    @property
    def running(self):
        return self._worker is not None

    def add_view(self, view):
        """Register a view: it gets ``show_snapshot`` with the newest snapshot at
        most ~30 times a second, and ``set_datasets(train, test)`` if it has it."""
        self.views.append(view)
        if hasattr(view, "set_datasets"):
            try:
                view.set_datasets(*self.doc.project.datasets())
            except SimulatorError:
                pass
        self._schedule_idle_draw()

    # ------------------------------------------------------------- controls
    def play(self):
        return self.start()

    def toggle(self):
        """Play or pause (Space)."""
        if self.running:
            self.pause()
            return True
        return self.start()

    def start(self, max_steps=None, target_loss=None, target_accuracy=None):
        """Start a run in the worker thread; False if training cannot start (the reason is reported)."""
        if self.running:
            return False
        trainer = self._ensure_trainer()
        if trainer is None:
            return False
        if trainer.pass_in_progress is not None:
            try:
                self._finish_pass()
            except TrainingError as exc:  # the update of the half-stepped pass diverged
                self._segment_done()
                self.problem.emit(str(exc))
                return False
        self._segment = self._state_now()
        trainer.start()  # a NaN rolls back no further than this run's start
        self._planned = max_steps or 0
        worker = TrainingWorker(trainer, RunLimits(max_steps, target_loss, target_accuracy), self.grid,
                                self.steps_per_second)
        thread = QThread(self)
        thread.setObjectName("training")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # direct: quit from the worker's thread, since the UI thread may be waiting in stop()
        worker.finished.connect(thread.quit, Qt.DirectConnection)
        worker.snapshot_ready.connect(self._on_snapshot)
        thread.finished.connect(self._on_thread_finished)
        self._worker, self._thread = worker, thread
        self._timer.start()
        thread.start()
        self.running_changed.emit(True)
        self.progress.emit(0, self._planned)
        return True

    def step(self):
        """Train one mini-batch."""
        return self.start(max_steps=1)

    def step_epoch(self):
        """Train one epoch (as many steps as the training set has batches)."""
        trainer = self._ensure_trainer()
        return trainer is not None and self.start(max_steps=trainer.steps_per_epoch)

    def run_epochs(self, epochs, target_loss=None, target_accuracy=None):
        """Train ``epochs`` epochs, or until a target is reached."""
        trainer = self._ensure_trainer()
        return trainer is not None and self.start(epochs * trainer.steps_per_epoch, target_loss, target_accuracy)

    def pause(self):
        """Stop the run between two steps and put it on the undo stack (returns when done)."""
        self.stop()

    def stop(self):
        """Stop the worker cleanly and wait for its thread (a step at most)."""
        if self._worker is None:
            return
        self._worker.request_stop()
        if self._worker.holding:
            return  # called from inside an edit: the run ends as soon as the edit lets it go
        self._thread.wait()
        self._on_thread_finished()

    def set_speed(self, steps_per_second):
        """None for as fast as possible; takes effect at once, even during a run."""
        self.steps_per_second = steps_per_second
        if self._worker is not None:
            self._worker.steps_per_second = steps_per_second

    def step_phase(self):
        """Run one phase of a step (forward through a layer, the loss, backward
        through a layer, the update); the update ends the step and makes it an undo step."""
        if self.running:
            return None
        trainer = self._ensure_trainer()
        if trainer is None:
            return None
        if trainer.pass_in_progress is None:
            self._segment = self._state_now()
            trainer.start()
        try:
            phase = trainer.next_phase()
        except TrainingError as exc:
            self._segment_done()
            self._show_now(trainer.snapshot(self.grid, str(exc), metrics=trainer.evaluate_now()))
            self.problem.emit(str(exc))
            return None
        if phase[0] == "update":
            self._segment_done()
        text = phase_text(phase, trainer.network.n_layers)
        if trainer.pass_in_progress is not None:
            upcoming = phase_text(trainer.upcoming_phase(), trainer.network.n_layers)
            text += f" (next: {upcoming.lower() if upcoming != 'Loss' else 'the loss'})"
        self._show_now(trainer.snapshot(self.grid, since=self._history_since(),
                                        metrics=trainer.evaluate_now() if phase[0] == "update" else None))
        self.message.emit(text)
        return phase

    def trace(self, dataset_name, index):
        """Backpropagation of one example, without training: a Trace, or None
        (with the reason in ``problem``) when the project cannot be trained.
        A run in progress is paused first, so the trace shows its weights.

        Parameters
        ----------
        dataset_name : {"train", "test"}
        index : int
            Row of that dataset.
        """
        self.stop()
        trainer = self._ensure_trainer()
        if trainer is None:
            return None
        dataset = trainer.train if dataset_name == "train" else trainer.test
        if dataset is None:
            return None
        try:
            return trainer.trace(index, dataset)
        except SimulatorError as exc:
            self.problem.emit(str(exc))
            return None

    def reset(self):
        """Draw fresh weights from the settings' seed and start training afresh: one undo step."""
        self.stop()
        before = self.current_state()
        network = self.doc.network.copy()
        try:
            network.initialize("xavier", seed=self.doc.settings.seed)
        except SimulatorError as exc:
            self.message.emit(str(exc))
            return False
        rng = np.random.default_rng(self.doc.settings.seed).bit_generator.state
        dtype = self.doc.network.plan().dtype
        plan = network.plan(dtype)
        after = TrainState(rng=rng, optimizer=self.doc.settings.optimizer, n_params=plan.n_params,
                           params=frozen_copy(plan.flat))
        rows = (self.trainer.history if self.trainer is not None else self.history).rows_after(-1)
        command = TrainCommand(self.doc, self, "Reset Weights", before, after, 0, rows_undo=rows)
        command._pushed = True  # redo applies it
        self.doc.undo_stack.push(command)
        self.message.emit(f"Fresh weights from seed {self.doc.settings.seed}; training starts again at step 0")
        return True

    def current_state(self):
        """The TrainState now (with the parameters), with or without a trainer."""
        if self.trainer is not None:
            return self.trainer.state()
        plan = self.doc.network.plan()
        base = self.doc.project.training_state or TrainState()
        return dataclasses.replace(base, params=frozen_copy(plan.flat), n_params=plan.n_params)

    # ------------------------------------------------------- the edit seam
    @contextmanager
    def edit_guard(self):
        """Every document edit runs inside this. During a run: hold the worker
        between two steps, put the steps so far on the undo stack, let the edit
        through, pass what changed on to the trainer, and let the run go on."""
        worker = self._worker
        if worker is None:
            yield
            return
        with worker.held():
            self._segment_done()
            self._changes = set()
            try:
                yield
            finally:
                self._apply_changes_while_running()
                if self._worker is not None and self.trainer is not None:
                    self._segment = self.trainer.state()
                    worker.restart_history()

    def _apply_changes_while_running(self):
        changes, self._changes = self._changes, set()
        trainer = self.trainer
        if "data" in changes and self._data_goes_on(trainer):
            return
        if "data" in changes:
            self._worker.request_stop()
            self._stale = True  # the trainer holds the old data: dropped once the run has ended
            self.message.emit("The data changed, so training paused: the next run starts at step 0 on the "
                              "new data with a fresh optimiser (the weights are kept)")
            return
        if "settings" in changes:
            try:
                trainer.apply_settings(self.doc.settings)
                self.message.emit("New settings: they apply from the next step")
            except SimulatorError as exc:
                self._worker.request_stop()
                self.problem.emit(f"Training paused: {exc}")
        if "structure" in changes and trainer.optimizer.name != "sgd":
            self.message.emit("The network's shape changed: training goes on from the current weights; "
                              "the optimiser's memory (momentum, Adam's averages) starts afresh")

    def _data_goes_on(self, trainer):
        """A point drawn or taken away is trained on from the next step (other new data restarts)."""
        stack = self.doc.undo_stack
        if not getattr(stack.command(stack.index() - 1), "KEEPS_RUN", False):
            return False
        try:
            datasets = self.doc.project.datasets()
            trainer.set_datasets(*datasets)
        except SimulatorError:
            return False  # another task or shape: the run pauses, as for any other new data
        self._update_datasets(datasets)
        return True

    def _on_settings_changed(self):
        self._changes.add("settings")
        if self.running or self.trainer is None:
            return
        try:
            self.trainer.apply_settings(self.doc.settings)
        except SimulatorError:
            self.trainer = None  # rebuilt (and the reason told) when training starts

    def _on_data_changed(self):
        self._changes.add("data")
        if self.running:
            return
        if self.trainer is not None and self.trainer.steps:
            self.message.emit("New data: the next run starts at step 0 with a fresh optimiser; "
                              "the weights are kept")
        self.trainer = None
        self.doc.project.training_state = None
        self._reset_history()
        self._update_datasets()

    def _on_structure_changed(self):
        self._changes.add("structure")
        state = self.doc.project.training_state
        if state is not None and state.n_params != parameter_count(self.doc.network):
            # the optimiser's memory no longer lines up with the parameters: the
            # file keeps the progress, and the memory starts afresh (as the trainer's does)
            self.doc.project.training_state = dataclasses.replace(
                state, moments=MappingProxyType({}), t=0, n_params=parameter_count(self.doc.network))
        trainer = self.trainer
        if not self.running and trainer is not None and trainer.steps and trainer.optimizer.name != "sgd":
            self.message.emit("The network's shape changed: the next run goes on from these weights, and the "
                              "optimiser's memory (momentum, Adam's averages) starts afresh")
        self._schedule_idle_draw()

    def _on_project_replaced(self):
        self.stop()
        self.trainer = None
        self._segment = None
        self._reset_history()
        self._update_datasets()

    def state_restored(self, state, base, rows):
        """A TrainCommand put ``state`` back (undo or redo); the trainer and plots follow."""
        trainer = self.trainer
        if trainer is not None:
            trainer.set_state(state)
            trainer.history.truncate(base)
            trainer.history.extend(rows)
            source = trainer.history
            try:  # the status line shows the restored step's loss, not the one training left behind
                self.last_metrics = self._restored_metrics = trainer.evaluate_now()
            except SimulatorError:
                self.last_metrics = {}
        else:
            self.history.truncate(base)
            self.history.extend(rows)
            source = self.history
        if source is not self.history:
            self._reset_history(source)
        self._schedule_idle_draw()

    # ------------------------------------------------------------- internals
    def _ensure_trainer(self):
        if self.trainer is not None:
            return self.trainer
        project = self.doc.project
        problems = project.problems()
        if problems:
            self.problem.emit("Training cannot start: " + "; ".join(problems))
            return None
        try:
            train, test = project.datasets()
            self.trainer = Trainer(self.doc.network, train, test, project.settings, state=project.training_state)
        except SimulatorError as exc:
            self.problem.emit(f"Training cannot start: {exc}")
            return None
        self.grid = grid_for(train)
        self._reset_history(self.trainer.history)
        self._update_datasets((train, test))
        return self.trainer

    def _finish_pass(self):
        """Complete a step left half-way through phase by phase, before a run."""
        while self.trainer.pass_in_progress is not None:
            self.trainer.next_phase()
        self._segment_done()

    def _segment_done(self):
        """Put the steps since the segment started on the undo stack as one entry."""
        start, self._segment = self._segment, None
        trainer = self.trainer
        if start is None or trainer is None:
            return
        after = trainer.state()
        if after.step == start.step and np.array_equal(after.params, start.params):
            return
        base = min(start.step, after.step)
        steps = after.step - start.step
        text = train_text(steps) if steps > 0 else "Train (rolled back)"
        command = TrainCommand(self.doc, self, text, start, after, base,
                               rows_redo=trainer.history.rows_after(base))
        self.doc.undo_stack.push(command)
        self.doc.project.training_state = after.without_params()
        self._last_after = after

    def _state_now(self):
        """The trainer's state; the last run's "after" itself when nothing changed since,
        so consecutive runs share one copy of the parameters in the undo history."""
        state, last = self.trainer.state(), self._last_after
        if last is not None and same_state(state, last):
            return last
        return state
    def _on_snapshot(self, snap):
        if snap.history_reset:
            self.history.truncate(0)
        rows = np.array([snap.history[c] for c in COLUMNS])
        if rows.shape[1]:
            self.history.truncate(rows[0, 0] - 1)
            self.history.extend(rows)
        self.latest = snap
        if snap.metrics:
            self.last_metrics = dict(snap.metrics)
        if self._planned and self._worker is not None and self._segment is not None:
            self.progress.emit(min(self._worker.steps_done, self._planned), self._planned)

    def _on_thread_finished(self):
        worker, thread = self._worker, self._thread
        if worker is None:
            return
        self._worker = self._thread = None
        thread.wait()
        # the worker's last snapshots may still wait in the queue: take them now, in order
        QCoreApplication.sendPostedEvents(self, QEvent.MetaCall)
        self._timer.stop()
        self._segment_done()
        trainer = self.trainer
        if trainer is not None:
            self.doc.project.training_state = trainer.state(params=False)
        if self._stale:
            self._stale = False
            self.trainer = None
            self.doc.project.training_state = None
            self._reset_history()
            self._update_datasets()
        thread.deleteLater()
        self._draw()
        self.doc.changed(values=True)  # the canvas and inspector show the trained weights
        self.running_changed.emit(False)
        self.progress.emit(0, 0)
        if worker.reason == "diverged":
            self.problem.emit(worker.message + " Try a smaller learning rate (or less regularisation), then "
                              "press Play again; undo takes the run back.")
        elif worker.reason == "error":
            self.problem.emit(worker.message)
        elif worker.reason == "target":
            self.message.emit(f"Training stopped: {worker.message}")

    def _history_since(self):
        steps = self.history.column("step")
        return int(steps[-1]) if len(steps) else None

    def _reset_history(self, source=None):
        self.history.truncate(0)  # the same object: the plots hold it
        if source is not None:
            self.history.extend(source.rows_after(-1))
        self.latest = None

    def _update_datasets(self, datasets=None):
        try:
            datasets = datasets or self.doc.project.datasets()
        except SimulatorError:
            return
        for view in self.views:
            if hasattr(view, "set_datasets"):
                view.set_datasets(*datasets)
        self._schedule_idle_draw()

    def _show_now(self, snap):
        self._on_snapshot(snap)
        self._draw()

    def _schedule_idle_draw(self, *_):
        if self.running or self._idle_draw_pending or not self.views:
            return
        self._idle_draw_pending = True
        QTimer.singleShot(0, self, self._idle_draw)

    def _idle_draw(self):
        self._idle_draw_pending = False
        if self.running:
            return
        trainer = self.trainer
        try:
            if trainer is not None:
                # after an undo, redo or rewind the snapshot carries the metrics state_restored evaluated
                metrics, self._restored_metrics = self._restored_metrics, None
                snap = trainer.snapshot(self.grid, since=self._history_since(), metrics=metrics)
            else:
                grid = None
                try:
                    grid = grid_for(self.doc.project.datasets()[0])
                except SimulatorError:
                    pass
                snap = take_snapshot(self.doc.network, None, History(), 0, 0, grid, since=-1)
        except (SimulatorError, ValueError):
            return  # a network that does not fit the data yet: nothing to draw
        self._show_now(snap)

    def _draw(self):
        snap, self.latest = self.latest, None
        if snap is None:
            return
        for view in self.views:
            if hasattr(view, "isVisible") and not view.isVisible():
                continue  # a hidden tab or dock costs nothing; it catches up when shown
            view.show_snapshot(snap)
        self.snapshot_shown.emit(snap)


