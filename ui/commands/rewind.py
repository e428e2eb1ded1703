"""Stepping back to a recorded training step, as one undo step.

The trainer records its state along a run (simulator/checkpoints.py). A
rewind puts one of those states back: the parameters, the optimiser's
memory, the step counter and the shuffle state, so Play goes on exactly as
training went on from that step the first time. The loss history follows:
it shows the run up to the chosen step. Undo puts back the state and the
history from before the rewind.

A drag of the step slider is one entry: each move while the slider is held
rewinds at once (the views follow), and the moves of one drag merge.
"""

from __future__ import annotations

import numpy as np

from .training import TrainCommand

REWIND_MERGE_ID = 7301


class RewindCommand(TrainCommand):
    """Put back a recorded TrainState.

    Parameters
    ----------
    doc : Document
    controller : TrainingController
    before, after : TrainState
        Now, and the recorded state to return to (both with ``params``).
    rows_before, rows_after : ndarray of shape (n_columns, k)
        The whole loss history now, and as it was up to ``after.step``.
    drag : object or None
        Rewinds made during one drag of the slider share this token and merge.
    """

    def __init__(self, doc, controller, before, after, rows_before, rows_after, drag=None):
        # base 0: both directions replace the whole history with their own rows
        super().__init__(doc, controller, rewind_text(after.step), before, after, 0,
                         rows_undo=rows_before, rows_redo=rows_after)
        self._pushed = True  # unlike a run, the rewind has not happened yet: the first redo makes it
        self.drag = drag

    def id(self):
        return REWIND_MERGE_ID if self.drag is not None else -1

    def mergeWith(self, other):
        if not isinstance(other, RewindCommand) or other.drag is None or other.drag is not self.drag:
            return False
        self.after, self.rows_redo = other.after, other.rows_redo
        self.setText(other.text())
        # dragged back to where it started: the drag leaves no entry
        self.setObsolete(self.after.step == self.before.step
                         and np.array_equal(self.after.params, self.before.params))
        return True


def rewind_text(step):
    """The Edit menu's name for a rewind: "Rewind to Step 1,200"."""
    return f"Rewind to Step {step:,}"
