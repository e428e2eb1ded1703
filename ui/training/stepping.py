"""Between runs: one phase at a time, Reset Weights and Trace.

The UI thread steps the idle trainer itself (forward through a layer, the
loss, backward through a layer, the update), with the very code a run uses;
the update ends the step and makes it an undo step. A half-stepped pass can
be cancelled without a trace. A mixin of ``TrainingController``
(controller.py), which holds the state it uses.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from simulator.errors import SimulatorError, TrainingError
from simulator.lessons import lesson_initializer
from simulator.limits import MAX_SEED
from simulator.snapshot import frozen
from simulator.train_state import TrainState

from ..commands.training import TrainCommand
from .parts import divergence_text, phase_text


class StepThrough:
    """Step Phase, cancelling a half-stepped pass, Trace and Reset Weights."""

    pass_epoch = 0  # the epoch count before the step under way drew its batch

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
            self.pass_epoch = trainer.epoch  # the pass draws its batch, maybe starting an epoch: shown after it
            trainer.start()
        try:
            phase = trainer.next_phase()
        except TrainingError as exc:
            self._segment_done()
            self._show_now(trainer.snapshot(self.grid, str(exc), metrics=trainer.evaluate_now()))
            self.problem.emit(divergence_text(exc))
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

    def cancel_pass(self):
        """Drop a step being stepped through (nothing was updated yet); True if there was one."""
        trainer = self.trainer
        if self.running or trainer is None or not trainer.cancel_pass():
            return False
        self._segment = None
        self._schedule_idle_draw()
        return True

    def _finish_pass(self):
        """Complete a step left half-way through phase by phase, before a run."""
        while self.trainer.pass_in_progress is not None:
            self.trainer.next_phase()
        self._segment_done()

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
        why = self._why_untrainable()
        if why:
            self.message.emit(f"Trace needs a network that fits the data: {why}")
            return None
        trainer = self._ensure_trainer()
        if trainer is None:
            return None
        dataset = trainer.train if dataset_name == "train" else trainer.test
        if dataset is None:
            self.message.emit(f"Trace: there is no {dataset_name} set to take an example from")
            return None
        try:
            with np.errstate(all="ignore"):
                return trainer.trace(index, dataset)
        except SimulatorError as exc:
            self.message.emit(f"Trace: {exc}")
            return None

    def reset(self):
        """Draw fresh weights from the settings' seed and start training afresh: one undo step."""
        self.stop()
        self.cancel_pass()
        why = self._why_untrainable()
        if why:
            self.message.emit(f"Reset Weights needs a network that fits the data: {why}")
            return False
        before = self.current_state()
        network = self.doc.network.copy()
        method, scale = lesson_initializer(self.doc.project)
        try:
            network.initialize(method, seed=self.doc.settings.seed, scale=scale)
        except SimulatorError as exc:
            self.message.emit(str(exc))
            return False
        rng = np.random.default_rng(self.doc.settings.seed).bit_generator.state
        dtype = self.doc.network.plan().dtype
        plan = network.plan(dtype)
        after = TrainState(rng=rng, optimizer=self.doc.settings.optimizer, n_params=plan.n_params,
                           params=frozen(plan.flat, np.float64))
        rows = (self.trainer.history if self.trainer is not None else self.history).rows_after(-1)
        self.doc.undo_stack.push(TrainCommand(self.doc, self, "Reset Weights", before, after, 0, rows_undo=rows,
                                              applied=False))
        self.message.emit(f"Fresh weights from seed {self.doc.settings.seed}; training starts again at step 0")
        return True

    def new_weights(self):
        """Move the weights' seed on to the next value and Reset Weights from it: one undo step,
        so every press plays again from other starting weights (Reset Weights repeats the same ones)."""
        self.stop()
        self.cancel_pass()
        why = self._why_untrainable()
        if why:
            self.message.emit(f"New Random Weights needs a network that fits the data: {why}")
            return False
        seed = self.doc.settings.seed
        stack = self.doc.undo_stack
        stack.beginMacro("New Random Weights")
        moved = done = False
        try:
            moved = self.doc.set_setting("seed", seed + 1 if seed < MAX_SEED else 0)
            done = moved and self.reset()
        finally:
            stack.endMacro()
        if moved and not done:
            stack.undo()  # the seed alone moved on: take it back, nothing else changed
        return done

    def current_state(self):
        """The TrainState now (with the parameters), with or without a trainer."""
        if self.trainer is not None:
            return self.trainer.state()
        plan = self.doc.network.plan()
        base = self.doc.project.training_state or TrainState()
        return dataclasses.replace(base, params=frozen(plan.flat, np.float64), n_params=plan.n_params)

    def _why_untrainable(self):
        """Why the project cannot be trained as it is ("" if it can): the model's own answer."""
        return "; ".join(self.doc.project.problems())
