"""One run of training, in chunks: the loop the window's training thread and
its helper process share.

A run trains step after step until it is paused, its step budget is spent or
a target is met. ``RunLoop`` knows nothing of threads or processes: whoever
drives it calls ``chunk`` (a few milliseconds of steps), asks ``frame_due``
whether it is time to show the learner a ``snapshot``, and checks its own
stop and pause flags between chunks. ``ui/training/worker.py`` drives it in a
thread; ``simulator/training_process.py`` in a helper process.
"""

import time
from dataclasses import dataclass

import numpy as np

from .backprop import QUIET
from .errors import DivergenceError

FRAME_INTERVAL = 1 / 30
"""Seconds between two snapshots at most (and between two evaluations of the test set)."""
CHUNK_SECONDS = 0.002
"""Steps run back to back before the driver looks at its flags again, so a pause waits at most this long."""


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


class RunLoop:
    """Drives ``trainer`` through one stretch of a run (see the module's docstring).

    Parameters
    ----------
    trainer : Trainer
    limits : RunLimits
    grid : ndarray or None
        Points every snapshot evaluates each neuron on.
    done : int
        Steps of this run already trained (by an earlier stretch): they count
        against ``limits.max_steps``.
    since, revision : int or None
        The last history row the receiver of the snapshots has, and the
        history's revision then (None: the first snapshot sends every row).
    """

    def __init__(self, trainer, limits, grid=None, done=0, since=None, revision=None):
        self.trainer, self.limits, self.grid = trainer, limits, grid
        self.done = done
        self.since, self.revision = since, revision
        self.reason, self.message, self.error = None, "", None
        self.chunk_size = 1
        self.last_frame = time.monotonic()
        self._targets = limits.target_loss is not None or limits.target_accuracy is not None
        left = None if limits.max_steps is None else max(limits.max_steps - done, 0)
        trainer.evaluate_each_step = False  # evaluated at frame rate instead (evaluate_now)
        self._steps = trainer.run_steps(left, quiet=True)  # chunk enters the errstate

    def chunk(self, one=False):
        """Train the next chunk of steps: about ``CHUNK_SECONDS`` of them, or ``one``.

        Returns the number of steps trained; ``reason`` is then set if the run
        has ended: "done" (its steps are spent), "target" or "diverged", with
        ``message`` (and ``error``, the DivergenceError) saying why.
        """
        trainer, steps = self.trainer, self._steps
        size = 1 if one else self.chunk_size
        started = time.perf_counter()
        done = 0
        try:
            # quiet on the way to a NaN loss (the trainer explains it), entered once for
            # the chunk, not once a step
            with np.errstate(**QUIET):
                for _ in range(size):
                    next(steps)
                    done += 1
                    if self._targets:  # after every step, so the run ends at the first one that meets them
                        loss, accuracy = trainer.evaluate(trainer.train)
                        self.message = target_reached(self.limits, loss, accuracy)
                        if self.message:
                            self.reason = "target"
                            break
        except StopIteration:
            self.reason = "done"
        except DivergenceError as exc:
            # kept without its traceback: frames of the training thread must not outlive the run
            self.reason, self.message, self.error = "diverged", str(exc), exc.with_traceback(None)
        finally:
            self.done += done
        if not one:
            # aim for chunks of ~2 ms: few lock round trips, short pauses
            spent = time.perf_counter() - started
            self.chunk_size = max(1, min(size * 2, int(size * CHUNK_SECONDS / max(spent, 1e-9)) or 1))
        return done

    def frame_due(self, slow=False):
        """Whether to send a snapshot now: on a 30-a-second schedule, after every step in slow motion."""
        now = time.monotonic()
        if not slow and now - self.last_frame < FRAME_INTERVAL:
            return False
        # on a schedule, not 1/30 s after the last one: a chunk's overshoot would bring it down to ~27
        self.last_frame = max(self.last_frame + FRAME_INTERVAL, now - FRAME_INTERVAL / 2)
        return True

    def snapshot(self, message=""):
        """A Snapshot with the history rows new since the last one (all of them after a
        truncation), the metrics evaluated now."""
        trainer = self.trainer
        if trainer.history.revision != self.revision:
            self.since, self.revision = None, trainer.history.revision
        metrics = trainer.evaluate_now()
        snap = trainer.snapshot(self.grid, message, since=self.since, metrics=metrics)
        self.since = trainer.steps
        return snap

    @staticmethod
    def rest(steps_per_second, going):
        """After a step at a chosen speed: wait out the rest of its 1 / speed seconds,
        looking at ``going()`` at least every 20 ms (False ends the wait at once)."""
        end = time.monotonic() + 1.0 / steps_per_second
        while going():
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.02))

    def close(self):
        """The stretch is over: the trainer evaluates every step's row again (``evaluate_each_step``)."""
        self._steps.close()
        self.trainer.evaluate_each_step = True


def slow_motion(steps_per_second):
    """True if every step is to be seen (a speed at or below the frame rate)."""
    return steps_per_second is not None and steps_per_second <= 1 / FRAME_INTERVAL


def target_reached(limits, loss, accuracy):
    """What a run's targets say of this loss and accuracy: why it stops, or "" to go on."""
    if limits.target_loss is not None and loss is not None and loss <= limits.target_loss:
        return f"the training loss reached {loss:.4g} (target {limits.target_loss:g})"
    if limits.target_accuracy is not None and accuracy is not None and accuracy == accuracy \
            and accuracy >= limits.target_accuracy:
        return f"the training accuracy reached {accuracy:.1%} (target {limits.target_accuracy:.0%})"
    return ""
