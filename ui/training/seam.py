"""The seam between a training run and the document.

Every document edit runs inside ``edit_guard``: during a run it holds the
worker between two steps, puts the steps trained so far on the undo stack
(only for an edit that is made and does not merge into the entry before it),
lets the edit through and passes what changed on to the trainer. Undo and
redo of a training entry come back through ``state_restored``. A mixin of
``TrainingController`` (controller.py), which holds the state it uses.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from simulator.errors import SimulatorError
from simulator.train_state import same_state

from ..commands.training import TrainCommand, train_text


class DocumentSeam:
    """Edits, undo and project changes as the trainer sees them."""

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
            self._changes = set()
            self._edited = False
            if self.trainer is not None:  # a save made now keeps the progress so far
                self.doc.project.training_state = self.trainer.state(params=False)
            try:
                yield
            finally:
                if self._edited:
                    self._apply_changes_while_running()
                    if self._worker is not None and self.trainer is not None and self._segment is None:
                        self._segment = self.trainer.state()
                    worker.restart_history()

    def _before_push(self, command):
        """An edit is accepted and about to go on the stack: the steps trained since the
        last entry go first, unless the edit merges into that entry (a spin-box step)."""
        if self._worker is None:
            self.cancel_pass()  # a half-stepped pass computed with the old network is no use
            return
        self._edited = True
        if not self._merges(command):
            self._segment_done()

    def _merges(self, command):
        """True if the undo stack will merge ``command`` into its top entry (QUndoStack.push's rule)."""
        stack = self.doc.undo_stack
        index = stack.index()
        if index == 0 or command.id() == -1 or index == stack.cleanIndex():
            return False
        top = stack.command(index - 1)
        return top.id() == command.id() and top.can_merge(command)

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
                # the trainer still holds the old settings: dropped once the run has ended, told then
                self._worker.request_stop()
                self._refused = f"Training paused: {exc}"
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
        except SimulatorError as exc:
            # never train on the old settings: the next run rebuilds the trainer from the saved progress
            self._drop_trainer()
            self.problem.emit(f"Training cannot go on with these settings: {exc}")

    def _on_data_changed(self):
        if self.doc.replacing:  # a project opened: its data comes with its own training state
            self._update_datasets()
            return
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
        # the saved training state stays as it is: memory that no longer fits the
        # parameters is left out when the file is written (train_state.state_to_dict),
        # and an undo of the reshape finds it whole
        self._changes.add("structure")
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
            trainer.cancel_pass()
            self._segment = None
            trainer.set_state(state)
            trainer.history.truncate(base)
            trainer.history.extend(rows, origin=max(base, 0))
            source = trainer.history
        else:
            self.history.truncate(base)
            self.history.extend(rows, origin=max(base, 0))
            source = self.history
        if source is not self.history:
            self._reset_history(source)
        self._schedule_idle_draw()

    def _drop_trainer(self):
        """Forget the trainer, keeping its progress in the project (the next run resumes from it)."""
        trainer, self.trainer = self.trainer, None
        saved = self.doc.project.training_state
        if trainer is not None and (saved is None or saved.step != trainer.steps):
            trainer.cancel_pass()
            self.doc.project.training_state = trainer.state(params=False)
        self._segment = None

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
