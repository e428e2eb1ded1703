"""Recorded network states along a run, for stepping back to an earlier step.

The trainer records a ``TrainState`` (parameters and optimiser memory, the
shuffle state: everything needed to resume bit-identically) at steps spaced
``stride`` apart. When the record is full, every other older state is
dropped and the stride doubles, as the loss history thins its rows: a run of
any length keeps a bounded, evenly spaced record, the newest states densest
in a short run. The budget is counted in bytes as well as in states, so a big
network keeps fewer of them.

Recording at a step forgets every state after it: training on from an
earlier step starts a new timeline. Until then the later states stay, so a
learner can step back and forward along the run.

The trainer records from the training thread while the UI reads: a lock
guards the list, and the states themselves are frozen.
"""

import threading
from dataclasses import replace
from types import MappingProxyType

import numpy as np

from .limits import CHECKPOINT_BYTES, MAX_CHECKPOINTS


def _light(state):
    """``state`` without its arrays: where it stands in the record, not what it holds."""
    return state if state.params is None else replace(state, params=None, moments=MappingProxyType({}), order=None)


def state_bytes(state):
    """Bytes the arrays of a TrainState take."""
    arrays = [state.params, state.order, *state.moments.values()]
    return sum(a.nbytes for a in arrays if a is not None)


class Checkpoints:
    """States recorded during training, oldest first, at most ``capacity`` of them.

    Parameters
    ----------
    max_states : int
        States kept at most (at least 4).
    max_bytes : int
        Memory the states may take together; fewer are kept when each is big.
    """

    def __init__(self, max_states=MAX_CHECKPOINTS, max_bytes=CHECKPOINT_BYTES):
        self.max_states = max(4, int(max_states))  # capacity() answers 4 or more, or 0
        self.max_bytes = int(max_bytes)
        self.stride = 1
        self.too_big = False  # the last state offered was too big to keep four of
        self._states = []
        self._rows = None
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._states)

    def __getstate__(self):  # pickled for the helper process (simulator/training_process.py)
        state = dict(vars(self))
        del state["_lock"]
        return state

    def __setstate__(self, state):
        vars(self).update(state)
        self._lock = threading.Lock()

    def outline(self):
        """A copy that goes on recording exactly as this one would, its states without
        their arrays (for the helper process; ``adopt`` takes back what it recorded)."""
        other = Checkpoints(self.max_states, self.max_bytes)
        with self._lock:
            other.stride, other.too_big = self.stride, self.too_big
            other._states = [_light(s) for s in self._states]
        return other

    def hand_over(self):
        """The states recorded whole since the last call (kept on without their arrays),
        and the steps recorded now: how the helper process sends its record back a
        little at a time, so the end of a stretch never waits for all of it."""
        with self._lock:
            whole = [s for s in self._states if s.params is not None]
            self._states = [_light(s) for s in self._states]
            return whole, [s.step for s in self._states]

    def adopt(self, outline, states=()):
        """Take on the record of ``outline`` (from ``outline()``, recorded on since): its
        states in its order and spacing, those it holds without arrays put back whole
        from this record or from ``states`` (handed over by ``hand_over``)."""
        with self._lock:
            whole = {s.step: s for s in [*self._states, *states] if s.params is not None}
            self._states = [whole[s.step] if s.params is None else s for s in outline._states]
            self.stride, self.too_big = outline.stride, outline.too_big

    def due(self, step):
        """Whether the state after ``step`` is one to record (cheap: asked after every step)."""
        return step % self.stride == 0

    def capacity(self, state):
        """How many states like ``state`` the budget holds; 0 when it holds fewer than
        4 (too few to step back along a run: nothing is recorded)."""
        fits = min(self.max_states, self.max_bytes // max(state_bytes(state), 1))
        return fits if fits >= 4 else 0

    def record(self, state):
        """Keep ``state`` (it must carry ``params``), forgetting any state at or after its step.

        A state of another parameter count (the network's shape changed)
        cannot be put back into this network: the older ones are dropped.
        """
        if state.params is None:
            raise ValueError("a checkpoint needs the parameters")
        limit = self.capacity(state)
        with self._lock:
            states = self._states
            cut = len(states)
            if states and states[-1].step >= state.step:
                # a step back and on again: a new timeline from here (the states
                # are in step order, so a step on, the usual case, looks at one)
                cut = next(i for i, s in enumerate(states) if s.step >= state.step)
            if cut < len(states) and states[-1].step > state.step:
                self._rows = None  # the old timeline's later steps are gone
            del states[cut:]
            if states and states[0].n_params != state.n_params:
                states.clear()
            self.too_big = not limit
            if self.too_big:  # a network too big for the budget: no record rather than a blown budget
                states.clear()
                return
            states.append(state)
            while len(states) > limit:
                self._thin(states)

    def _thin(self, states):
        """Keep the first and newest states and every other one between them; double the stride."""
        self.stride *= 2
        middle = states[1:-1]
        kept = [s for s in middle if s.step % self.stride == 0]
        if len(kept) >= len(middle) or len(kept) > (len(middle) + 1) // 2:
            kept = middle[1::2]  # steps off the stride (a run resumed from an odd step): every other one
        states[1:-1] = kept

    def steps(self, n_params=None):
        """The recorded steps, oldest first (only those of states with ``n_params`` parameters, if given)."""
        with self._lock:
            return [s.step for s in self._states if n_params is None or s.n_params == n_params]

    def at(self, step):
        """The state recorded at ``step``, or None."""
        with self._lock:
            return next((s for s in self._states if s.step == step), None)

    def clear(self):
        with self._lock:
            self._states.clear()
            self._rows = None
            self.stride = 1

    def timeline_rows(self, rows):
        """The history rows of the whole recorded timeline, given the history now.

        Stepping back truncates the loss history; the record keeps the rows of
        the longest history it has seen since its timeline began, so stepping
        forward again shows the loss up to that step.

        Parameters
        ----------
        rows : ndarray of shape (n_columns, k)
            The history as it is now (``History.rows_after(-1)``); column 0 is the step.

        Returns
        -------
        ndarray of shape (n_columns, m)
        """
        rows = np.asarray(rows, dtype=float)
        with self._lock:
            kept = self._rows
            if kept is None or (rows.shape[1] and (not kept.shape[1] or rows[0, -1] >= kept[0, -1])):
                kept = self._rows = rows.copy()
            return kept
