"""A training run (or a reset of the weights) as one undo step.

The command keeps the training state before and after (``TrainState``: the
parameters, the optimiser's memory, the step counter, the shuffle state) and
the history rows the run added. A run is pushed after it happened
(``applied=True``), so pushing it changes nothing; a reset is pushed before
(``applied=False``), so pushing it applies it. Undo puts the old weights back,
redo the new ones. A run is always pushed before any edit made during or after it, so an
edit's undo never restores weights from before a run: the run's own entry
comes off the stack first.
"""

from __future__ import annotations

import weakref

import numpy as np

from .base import DocumentCommand


def train_text(steps):
    """The Edit menu's name for a run: "Train 1,240 steps"."""
    return f"Train {steps:,} step{'' if steps == 1 else 's'}"


class TrainCommand(DocumentCommand):
    """Parameters and training progress before and after a run.

    Parameters
    ----------
    doc : Document
    controller : TrainingController or None
        Told when the state is put back, so a live Trainer and the plots follow.
    before, after : TrainState
        Both with ``params``.
    base : int
        The step both histories share; rows after it differ.
    rows_undo, rows_redo : ndarray of shape (n_columns, k)
        History rows after ``base`` to put back on undo and on redo.
    applied : bool
        True if the document is already in the ``after`` state (a run that
        happened): the push does not apply it again.
    """

    def __init__(self, doc, controller, text, before, after, base, rows_undo=None, rows_redo=None,
                 applied=True):
        super().__init__(doc, text)
        self._controller = weakref.ref(controller) if controller is not None else (lambda: None)
        self.before, self.after, self.base = before, after, base
        self.rows_undo = _rows(rows_undo)
        self.rows_redo = _rows(rows_redo)
        self._applied = applied

    def redo(self):
        if self._applied:  # QUndoStack.push calls redo: the run already happened
            self._applied = False
            return
        self._apply(self.after, self.rows_redo)

    def undo(self):
        self._apply(self.before, self.rows_undo)

    def _apply(self, state, rows):
        doc = self.doc
        plan = doc.network.plan()
        if state.params is not None and state.params.shape == plan.flat.shape:
            plan.flat[...] = state.params
        doc.project.training_state = state.without_params()
        controller = self._controller()
        if controller is not None:
            controller.state_restored(state, self.base, rows)
        doc.changed(values=True)


def _rows(rows):
    from simulator.history import COLUMNS
    if rows is None:
        return np.zeros((len(COLUMNS), 0))
    return np.array(rows, dtype=float)
