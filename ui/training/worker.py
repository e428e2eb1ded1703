"""The training worker: owns the Trainer while a run goes on, in its own thread.

It drives one run (``simulator/run_loop.py``), checks stop and hold between
two chunks of steps, and hands the UI frozen snapshots at most about 30 times
a second, each with only the history rows new since the one before. A long
run of a small network goes on in a helper process (``simulator/
training_process.py``) as soon as one is ready: the worker then only relays
its snapshots, and merges what it trained into the trainer whenever the run
is held or ends. The UI thread never calls into the trainer while the worker
runs; to edit, it asks the worker to hold (``held()``), which returns once the
trainer is between two steps and up to date, and keeps it there until the
edit is done.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QObject, Signal

from simulator import training_process
from simulator.errors import SimulatorError
from simulator.run_loop import FRAME_INTERVAL, RunLimits, RunLoop, slow_motion

__all__ = ["FRAME_INTERVAL", "RunLimits", "TrainingWorker"]


class TrainingWorker(QObject):
    """Runs a Trainer in a QThread (it must have no parent to be moved there).

    Signals
    -------
    snapshot_ready(Snapshot)
        At most ~30 a second, and once at the end.
    finished()
        The run is over; ``reason`` is "done", "stopped", "target",
        "diverged" or "error", and ``message`` says why for the last three.

    Both are emitted in the worker's thread. Connect them to a method of a
    QObject that lives in the UI thread (the call is then queued there), never
    to a plain function or lambda: Qt calls those at once in the worker's
    thread, where touching a UI-thread object (a QTimer, a widget) crashes later.
    """

    snapshot_ready = Signal(object)
    finished = Signal()

    def __init__(self, trainer, limits=RunLimits(), grid=None, steps_per_second=None, helper=None):
        super().__init__()  # no parent: it moves to its thread
        self.trainer = trainer
        self.limits = limits
        self.grid = grid
        self._speed = steps_per_second  # None: as fast as possible
        self.reason = None
        self.message = ""
        self.error = None  # the DivergenceError, when the run diverged
        self.steps_done = 0
        self._cond = threading.Condition()
        self._stop = False
        self._hold = 0
        self._restart = False
        # a helper process (training_process.Helper) to train in once it is ready, or None
        self._helper = helper
        self._remote = None  # the helper while a stretch runs in it
        self.stretches = 0   # stretches of the run trained in the helper process

    # ------------------------------------------------------- from the UI thread
    @property
    def steps_per_second(self):
        """None for as fast as possible; may change during the run."""
        return self._speed

    @steps_per_second.setter
    def steps_per_second(self, value):
        self._speed = value
        remote = self._remote
        if remote is not None:
            remote.set_speed(value)

    def request_stop(self):
        """Ask the worker to stop after the step under way (returns at once)."""
        self._stop = True
        self._pause_remote()
        self._wake()

    @contextmanager
    def held(self):
        """Keep the worker between two steps for the duration of the block
        (a stretch in the helper process is merged into the trainer first)."""
        self._hold += 1
        self._pause_remote()
        try:
            with self._cond:
                yield
        finally:
            self._hold -= 1
            self._wake()

    @property
    def holding(self):
        """True while the UI thread holds the worker (inside ``held()``)."""
        return self._hold > 0

    def restart_history(self):
        """The next snapshot sends the whole history (after an edit rewrote it)."""
        self._restart = True

    @property
    def recorded(self):
        """During a stretch in the helper process, the steps its step-back record holds
        as of its last snapshot; else None (the trainer's own record is current)."""
        remote = self._remote
        return None if remote is None else remote.recorded

    def _wake(self):
        """Wake the worker if it waits for a hold to end. Never waits itself: the worker
        keeps the lock for a whole stretch in the helper process, and looks at its flags
        again before it waits (and at least every 50 ms while it waits)."""
        if self._cond.acquire(blocking=False):
            try:
                self._cond.notify_all()
            finally:
                self._cond.release()

    def _pause_remote(self):
        remote = self._remote
        if remote is not None:
            remote.pause()

    # -------------------------------------------------------- in its own thread
    def run(self):
        trainer = self.trainer
        loop = None
        reason = message = None
        try:
            with np.errstate(all="ignore"):  # overflow on the way to NaN is reported by the trainer
                loop = RunLoop(trainer, self.limits, self.grid)
                while loop.reason is None:
                    snap = None
                    with self._cond:
                        while self._hold and not self._stop:
                            self._cond.wait(0.05)
                        if self._stop:
                            break
                        if self._restart:
                            loop.since, self._restart = None, False
                        if self._helper is not None and self._helper.ready():
                            loop = self._train_remotely(loop)
                            continue
                        speed = self._speed
                        loop.chunk(one=speed is not None)
                        self.steps_done = loop.done
                        if loop.reason is None and loop.frame_due(slow_motion(speed)):
                            snap = loop.snapshot()
                    if snap is not None:
                        self.snapshot_ready.emit(snap)
                    if speed is not None:
                        loop.rest(speed, lambda: not self._stop and not self._hold)
                    else:
                        time.sleep(0)  # let the UI thread have the interpreter between chunks
                reason, message = loop.reason or "stopped", loop.message
                self.error = loop.error
        except SimulatorError as exc:  # e.g. the network no longer fits the data after an edit
            reason, message = "error", str(exc)
        except Exception as exc:  # a person never sees a traceback; the run ends and says why
            reason, message = "error", f"training stopped: unexpected {type(exc).__name__}: {exc}"
        finally:
            with self._cond, np.errstate(all="ignore"):
                final = None
                if loop is not None:
                    loop.close()
                    try:
                        final = loop.snapshot(message or "")
                    except Exception:  # nothing more to show; the run still ends cleanly
                        pass
            if self._helper is not None:
                training_process.release(self._helper, healthy=self._helper.ready())
                self._helper = None
            self.reason, self.message = reason or "error", message or ""
            if final is not None:
                self.snapshot_ready.emit(final)
            self.finished.emit()

    def _train_remotely(self, loop):
        """Go on in the helper process until the UI holds or stops the run or it ends;
        returns the RunLoop that goes on from there in this thread (under ``_cond``)."""
        helper, trainer = self._helper, self.trainer
        loop.close()
        stretch = training_process.stretch_for(trainer, loop, helper.sent)
        self._remote = helper
        self.stretches += 1
        try:
            helper.send(stretch, self._speed)  # the pause flag is cleared first: ...
            if self._hold or self._stop:       # ... so a hold asked for before then is seen here
                helper.pause()
            while True:
                kind, *content = helper.receive()  # waits without the interpreter lock
                if kind == "ended":
                    break
                snap, self.steps_done = content
                self.snapshot_ready.emit(snap)
        except (EOFError, OSError):
            # the helper has gone: go on here from the last merged state; the UI's
            # history is sent whole, since it holds rows of steps now lost
            self._remote = self._helper = None
            training_process.release(helper, healthy=False)
            fresh = RunLoop(trainer, self.limits, self.grid, loop.done)
            self.steps_done = loop.done
            return fresh
        finally:
            self._remote = None  # the trainer's own record is whole again (or the helper has gone)
        result = content[0]
        training_process.merge(trainer, result)
        self.steps_done = result.done
        fresh = RunLoop(trainer, self.limits, self.grid, result.done, result.since, result.revision)
        if result.reason is not None:
            fresh.reason, fresh.message = result.reason, result.message
            if result.reason == "diverged":
                fresh.error = training_process.divergence(result)
        return fresh
