"""The training worker: owns the Trainer while a run goes on, in its own thread.

It wraps the trainer's plain generator (``Trainer.run_steps``), checks stop
and hold between two steps, and hands the UI frozen snapshots at most about
30 times a second, each with only the history rows new since the one before.
The UI thread never calls into the trainer while the worker runs; to edit, it
asks the worker to hold (``held()``), which returns once the worker is between
two steps and keeps it there until the edit is done.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from simulator.errors import DivergenceError, SimulatorError

FRAME_INTERVAL = 1 / 30
"""Seconds between two snapshots at most (and between two evaluations of the test set)."""
CHUNK_SECONDS = 0.002
"""Steps run back to back before the worker looks at its flags again, so a hold waits at most this long."""


@dataclass(frozen=True)
class RunLimits:
    """When a run ends by itself.

    Attributes
    ----------
    max_steps : int or None
        None: until paused.
    target_loss : float or None
        Stop once the loss on the whole training set is at or below this.
    target_accuracy : float or None
        Stop once the accuracy on the training set is at or above this (0 to 1).
    """

    max_steps: int = None
    target_loss: float = None
    target_accuracy: float = None


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

    def __init__(self, trainer, limits=RunLimits(), grid=None, steps_per_second=None):
        super().__init__()  # no parent: it moves to its thread
        self.trainer = trainer
        self.limits = limits
        self.grid = grid
        self.steps_per_second = steps_per_second  # None: as fast as possible
        self.reason = None
        self.message = ""
        self.error = None  # the DivergenceError, when the run diverged
        self.steps_done = 0
        self._cond = threading.Condition()
        self._stop = False
        self._hold = 0
        self._since = None
        self._revision = None

    # ------------------------------------------------------- from the UI thread
    def request_stop(self):
        """Ask the worker to stop after the step under way (returns at once)."""
        self._stop = True
        with self._cond:
            self._cond.notify_all()

    @contextmanager
    def held(self):
        """Keep the worker between two steps for the duration of the block."""
        self._hold += 1
        try:
            with self._cond:
                yield
        finally:
            self._hold -= 1
            with self._cond:
                self._cond.notify_all()

    @property
    def holding(self):
        """True while the UI thread holds the worker (inside ``held()``)."""
        return self._hold > 0

    def restart_history(self):
        """The next snapshot sends the whole history (after an edit rewrote it)."""
        self._since = None

    # -------------------------------------------------------- in its own thread
    def run(self):
        trainer, limits = self.trainer, self.limits
        trainer.test_each_step = False  # evaluated at frame rate instead (evaluate_now)
        steps = trainer.run_steps(limits.max_steps)
        targets = limits.target_loss is not None or limits.target_accuracy is not None
        self._revision = trainer.history.revision
        last_frame = time.monotonic()
        chunk = 1
        reason, message = "done", ""
        try:
            with np.errstate(all="ignore"):  # overflow on the way to NaN is reported by the trainer
                while reason == "done":
                    snap = None
                    with self._cond:
                        while self._hold and not self._stop:
                            self._cond.wait()
                        if self._stop:
                            reason = "stopped"
                            break
                        started = time.perf_counter()
                        done = 0
                        try:
                            for _ in range(chunk):
                                next(steps)
                                done += 1
                                if targets:  # after every step, so the run ends at the first one that meets them
                                    loss, accuracy = trainer.evaluate(trainer.train)
                                    message = _target_reached(limits, {"train_loss": loss,
                                                                       "train_accuracy": accuracy})
                                    if message:
                                        reason = "target"
                                        break
                        except StopIteration:
                            break
                        except DivergenceError as exc:
                            # kept without its traceback: frames of this thread must not outlive the run
                            reason, message, self.error = "diverged", str(exc), exc.with_traceback(None)
                            break
                        finally:
                            # counted once a chunk, not after each step: adding to a QObject's
                            # attribute costs three times as much as to a local, and a
                            # Playground step only some twenty times as much
                            self.steps_done += done
                        spent = time.perf_counter() - started
                        if self.steps_per_second is None:
                            # aim for chunks of ~2 ms: few lock round trips, short holds
                            chunk = max(1, min(chunk * 2, int(chunk * CHUNK_SECONDS / max(spent, 1e-9)) or 1))
                        else:
                            chunk = 1
                        now = time.monotonic()
                        slow = self.steps_per_second is not None and self.steps_per_second <= 1 / FRAME_INTERVAL
                        if slow or now - last_frame >= FRAME_INTERVAL:  # in slow motion every step is seen
                            # on a 30-a-second schedule, not 1/30 s after the last one: a chunk's
                            # overshoot would otherwise bring it down to ~27
                            last_frame = max(last_frame + FRAME_INTERVAL, now - FRAME_INTERVAL / 2)
                            snap = self._snapshot()
                    if snap is not None:
                        self.snapshot_ready.emit(snap)
                    if self.steps_per_second is not None:
                        self._sleep(1.0 / self.steps_per_second)
                    else:
                        time.sleep(0)  # let the UI thread have the interpreter between chunks
        except SimulatorError as exc:  # e.g. the network no longer fits the data after an edit
            reason, message = "error", str(exc)
        except Exception as exc:  # a person never sees a traceback; the run ends and says why
            reason, message = "error", f"training stopped: unexpected {type(exc).__name__}: {exc}"
        finally:
            with self._cond, np.errstate(all="ignore"):
                trainer.test_each_step = True
                try:
                    final = self._snapshot(message)
                except Exception:  # nothing more to show; the run still ends cleanly
                    final = None
            self.reason, self.message = reason, message
            if final is not None:
                self.snapshot_ready.emit(final)
            self.finished.emit()

    def _snapshot(self, message=""):
        trainer = self.trainer
        if trainer.history.revision != self._revision:
            self._since, self._revision = None, trainer.history.revision
        metrics = trainer.evaluate_now()
        snap = trainer.snapshot(self.grid, message, since=self._since, metrics=metrics)
        self._since = trainer.steps
        return snap

    def _sleep(self, seconds):
        end = time.monotonic() + seconds
        while not self._stop and not self._hold:
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.02))


def _target_reached(limits, metrics):
    loss, acc = metrics.get("train_loss"), metrics.get("train_accuracy")
    if limits.target_loss is not None and loss is not None and loss <= limits.target_loss:
        return f"the training loss reached {loss:.4g} (target {limits.target_loss:g})"
    if limits.target_accuracy is not None and acc is not None and acc == acc and acc >= limits.target_accuracy:
        return f"the training accuracy reached {acc:.1%} (target {limits.target_accuracy:.0%})"
    return ""
