"""Training for the window: runs in a worker thread, drawn at frame rate.

``TrainingController`` lives in the UI thread. It builds the Trainer from the
document, starts a ``TrainingWorker`` in a QThread for each run, keeps the
newest snapshot and redraws the registered views on a timer, and turns every
run into one undo step (``TrainCommand``). Its two other ideas live beside it:
stepping through one phase at a time, Reset and Trace between runs
(``stepping.py``), and the seam to the document, where edits made during a run
and undo meet the trainer (``seam.py``).
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, QTimer, Signal

from simulator import training_process
from simulator.errors import SimulatorError, TrainingError
from simulator.history import COLUMNS, History
from simulator.snapshot import take_snapshot
from simulator.trainer import Trainer

from .parts import divergence_text, grid_for
from .seam import DocumentSeam
from .stepping import StepThrough
from .worker import FRAME_INTERVAL, RunLimits, TrainingWorker


class TrainingController(DocumentSeam, StepThrough, QObject):
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
        self._worker = None
        self._thread = None
        self._segment = None         # TrainState at the start of the run segment not yet on the undo stack
        self._planned = 0
        self._changes = set()
        self._edited = False
        self._stale = False
        self._refused = None         # why a setting changed during the run was refused
        self._last_after = None
        self._idle_draw_pending = False
        # While a run goes on, a snapshot is drawn when it arrives, or as soon as a frame
        # interval has passed since the last draw: the views follow the worker's ~30 a second,
        # where a free-running timer beside it would find no new snapshot on some ticks.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.timeout.connect(self._draw)
        self._last_draw = 0.0
        self._run_step = 0           # the newest snapshot's step during a run
        document.edit_guard = self.edit_guard
        document.before_push = self._before_push
        document.busy = lambda: self.running
        document.settings_changed.connect(self._on_settings_changed)
        document.data_changed.connect(self._on_data_changed)
        document.structure_changed.connect(self._on_structure_changed)
        document.values_changed.connect(self._schedule_idle_draw)
        document.project_replaced.connect(self._on_project_replaced)

    # ------------------------------------------------------------ queries
    @property
    def running(self):
        return self._worker is not None

    @property
    def current_step(self):
        """The step training has reached: during a run that of the newest snapshot
        (a run in the helper process reaches the trainer itself only when held or over)."""
        if self._worker is not None:
            return self._run_step
        return self.trainer.steps if self.trainer is not None else 0

    def recorded_steps(self):
        """The steps the step-back record holds (a run in the helper process hands its
        record to the trainer when held or over: until then, as the helper last said)."""
        worker, trainer = self._worker, self.trainer
        recorded = worker.recorded if worker is not None else None  # read once: the worker's thread moves on
        if recorded is not None:
            return list(recorded)
        if trainer is None or trainer.checkpoints is None:
            return []
        return trainer.checkpoints.steps(None if worker is not None else trainer.network.plan().n_params)

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
                self.problem.emit(divergence_text(exc))
                return False
        self._segment = self._state_now()
        self._run_step = trainer.steps
        trainer.start()  # a NaN rolls back no further than this run's start
        self._planned = max_steps or 0
        limits = RunLimits(max_steps, target_loss, target_accuracy)
        # a long run of a small network trains in a helper process once one is ready (see the worker)
        helper = training_process.acquire() if training_process.suits(trainer, limits) else None
        worker = TrainingWorker(trainer, limits, self.grid, self.steps_per_second, helper)
        thread = QThread(self)
        thread.setObjectName("training")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # direct: quit from the worker's thread, since the UI thread may be waiting in stop()
        worker.finished.connect(thread.quit, Qt.DirectConnection)
        worker.snapshot_ready.connect(self._on_snapshot)
        thread.finished.connect(self._on_thread_finished)
        self._worker, self._thread = worker, thread
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
        """Stop the run between two steps and put it on the undo stack (returns when done);
        between runs, cancel a step being stepped through phase by phase."""
        if not self.running and self.cancel_pass():
            self.message.emit("The step under way was cancelled; nothing was updated, and the next step "
                              "starts afresh")
            return
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

    def _on_snapshot(self, snap):
        if snap.history_reset:
            self.history.truncate(0)
        rows = np.array([snap.history[c] for c in COLUMNS])
        if rows.shape[1]:
            self.history.truncate(rows[0, 0] - 1)
            trainer = self.trainer
            self.history.extend(rows, origin=trainer.history.origin if trainer is not None else None)
        self.latest = snap
        self._run_step = snap.step
        if self._worker is not None and not self._timer.isActive():
            wait = FRAME_INTERVAL - (time.monotonic() - self._last_draw)
            self._timer.start(max(0, round(wait * 1000)))
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
        refused, self._refused = self._refused, None
        if refused:
            self._drop_trainer()
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
            self.problem.emit(divergence_text(worker.error))
        elif worker.reason == "error":
            self.problem.emit(worker.message)
        elif worker.reason == "target":
            self.message.emit(f"Training stopped: {worker.message}")
        if refused:
            self.problem.emit(refused)

    def _history_since(self):
        steps = self.history.column("step")
        return int(steps[-1]) if len(steps) else None

    def _reset_history(self, source=None):
        self.history.truncate(0)  # the same object: the plots hold it
        self.last_metrics = {}
        if source is not None:
            self.history.extend(source.rows_after(-1), origin=source.origin)
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
                # the numbers of the weights shown now (after a reset, an undo, an edit), never the last run's
                with np.errstate(all="ignore"):
                    metrics = trainer.evaluate_now()
                snap = trainer.snapshot(self.grid, since=self._history_since(), metrics=metrics)
            else:
                grid = None
                try:
                    grid = grid_for(self.doc.project.datasets()[0])
                except SimulatorError:
                    pass
                state = self.doc.project.training_state
                step, epoch = (state.step, state.epoch) if state is not None else (0, 0)
                self.last_metrics = {}
                snap = take_snapshot(self.doc.network, None, History(), step, epoch, grid, since=-1)
        except (SimulatorError, ValueError):
            return  # a network that does not fit the data yet: nothing to draw
        self._show_now(snap)

    def _draw(self):
        snap, self.latest = self.latest, None
        if snap is None:
            return
        self._last_draw = time.monotonic()
        for view in self.views:
            if hasattr(view, "isVisible") and not view.isVisible():
                continue  # a hidden tab or dock costs nothing; it catches up when shown
            view.show_snapshot(snap)
        self.snapshot_shown.emit(snap)
