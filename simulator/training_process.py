"""Training in a helper process beside the window, so a run has a core of its own.

In one process the window's drawing and the training loop take turns at
Python's interpreter lock: every millisecond the window spends on a redraw,
30 times a second, is a millisecond no step runs, and on a small network the
redraw costs more than hundreds of steps. A helper process has its own
interpreter, so the window draws on one core while the helper trains on the
other.

The window's ``Trainer`` stays the one truth. A stretch of a run starts by
sending the helper everything the next steps depend on (a copy of the
network, the data, the settings, a ``TrainState`` with the parameters and the
optimiser's memory, the loss history) and ends, when the window pauses it or
the run ends, by merging back what the helper trained (``merge``): the same
numbers, bit for bit, that the trainer would have computed itself
(tests/simulator/test_training_process.py). Between the two the helper sends
snapshots, at most ~30 a second, as the training thread would.

The helper runs ``python -m simulator.training_process`` and imports nothing
but NumPy and this package. It talks over a socket pair (pickled messages);
a pause is a flag in a small shared page (``Control``), read between two
steps, so the window never waits for a message to be read. A helper is kept
for the next run (``acquire``/``release``) and ends with the window, or as
soon as its socket closes.
"""

import atexit
import mmap
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from pathlib import Path

import numpy as np

from .errors import DivergenceError, SimulatorError
from .limits import MAX_HELPER_DATA_BYTES, MAX_HELPER_PARAMS
from .run_loop import RunLoop, slow_motion
from .trainer import Trainer

RUN = 0.0
PAUSE = 1.0


def suits(trainer, limits):
    """Whether a run of ``trainer`` within ``limits`` is worth a helper process:
    long enough (not a single step or a short burst), small enough to copy."""
    if os.name != "posix":
        return False  # the control page is shared through an inherited file descriptor
    if limits.max_steps is not None and limits.max_steps < 64:
        return False
    data = sum(d.X.nbytes + d.y.nbytes for d in (trainer.train, trainer.test) if d is not None)
    return trainer.network.plan().n_params <= MAX_HELPER_PARAMS and data <= MAX_HELPER_DATA_BYTES


# ----------------------------------------------------------------- messages
@dataclass
class Stretch:
    """What the helper needs to go on training exactly where the trainer stands."""

    network: object
    data: tuple            # (train, test), or None: the same data as the last stretch
    settings: object
    state: object          # TrainState with the parameters
    history: object
    checkpoints: object    # the step-back record's outline (Checkpoints.outline), or None
    limits: object
    grid: object
    done: int
    since: object
    revision: object


@dataclass
class StretchResult:
    """What the helper trained: merged into the trainer by ``merge``."""

    reason: str            # None: paused; else "done", "target", "diverged" or "error"
    message: str
    error: tuple           # DivergenceError's (field, loss, step, kept_step), or None
    state: object
    history: object
    checkpoints: object    # the outline, as the helper left it (Checkpoints.hand_over)
    states: list           # the states it recorded, handed over along the stretch
    last_pass: object
    done: int
    since: object
    revision: object


class PassRecord:
    """What a snapshot shows of the last training pass (gradients and deltas), brought back
    from the helper in place of the Pass itself. ``plan``: the trainer's plan, set by ``merge``."""

    def __init__(self, p):
        self.plan = None
        self.grad_w = {k: np.array(v) for k, v in p.grad_w.items()}
        self.grad_b = [None if g is None else np.array(g) for g in p.grad_b]
        self.delta = [None if d is None else np.array(d) for d in p.delta]
        self._norms = p.layer_grad_norms()

    def layer_grad_norms(self):
        return list(self._norms)


def stretch_for(trainer, loop, sent):
    """The Stretch that goes on from where ``trainer`` and its RunLoop ``loop`` stand.

    ``sent``: the (train, test) data sets the helper already has (``Helper.sent``).
    """
    train, test = trainer.train, trainer.test
    same = sent is not None and sent[0] is train and sent[1] is test  # data sets are never changed in place
    checkpoints = trainer.checkpoints
    return Stretch(network=trainer.network.copy(), data=None if same else (train, test),
                   settings=trainer.settings, state=trainer.state(), history=trainer.history,
                   checkpoints=None if checkpoints is None else checkpoints.outline(), limits=loop.limits,
                   grid=loop.grid, done=loop.done, since=loop.since, revision=loop.revision)


def merge(trainer, result):
    """Make ``trainer`` what the helper's trainer was at the end of the stretch."""
    trainer.set_state(result.state)
    trainer.history = result.history
    if trainer.checkpoints is not None and result.checkpoints is not None:
        trainer.checkpoints.adopt(result.checkpoints, result.states)
    if result.last_pass is not None:
        result.last_pass.plan = trainer.network.plan()  # the same structure the helper trained
        trainer.last_pass = result.last_pass


def divergence(result):
    """The DivergenceError a stretch ended with, as the trainer raised it in the helper."""
    field, loss, step, kept = result.error
    return DivergenceError(result.message, field, loss=loss, step=step, kept_step=kept)


# -------------------------------------------------------------- the window's side
class Control:
    """Two numbers both processes see: the pause flag and the speed (steps a second, 0: as fast as possible)."""

    def __init__(self, fd=None):
        if fd is None:
            fd = os.memfd_create("training-control") if hasattr(os, "memfd_create") else _temporary_fd()
            os.ftruncate(fd, mmap.PAGESIZE)
        self.fd = fd
        self._map = mmap.mmap(fd, mmap.PAGESIZE)
        self.values = np.frombuffer(self._map, dtype=np.float64, count=2)

    def close(self):
        del self.values
        self._map.close()
        os.close(self.fd)


def _temporary_fd():
    import tempfile
    handle = tempfile.TemporaryFile()
    fd = os.dup(handle.fileno())
    handle.close()
    return fd


class Helper:
    """One helper process (see the module's docstring); used by one run at a time."""

    def __init__(self):
        self.control = Control()
        self.conn, theirs = Pipe()
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "simulator.training_process", str(theirs.fileno()), str(self.control.fd)],
                pass_fds=(theirs.fileno(), self.control.fd), env=env, stdin=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, close_fds=True)  # what goes wrong there is told through the socket
        except OSError:
            self.conn.close()
            self.control.close()
            raise
        finally:
            theirs.close()
        self.sent = None  # the data sets the helper holds (kept, so no other object takes their place)
        self._ready = False
        self._states = {}  # step -> state recorded in the stretch under way, handed over so far
        self.recorded = None  # the steps the step-back record holds, as of the stretch's last snapshot

    @property
    def alive(self):
        return self.process.poll() is None

    def ready(self):
        """True once the helper has started and waits for work (never blocks)."""
        if not self._ready and self.alive:
            try:
                if self.conn.poll():
                    self._ready = self.conn.recv() == ("ready",)
            except (EOFError, OSError):
                pass
        return self._ready and self.alive

    def send(self, stretch, speed):
        self.control.values[0] = RUN
        self.recorded = None
        self.set_speed(speed)
        self.conn.send(stretch)
        if stretch.data is not None:
            self.sent = stretch.data

    def receive(self):
        """The next message: ("snapshot", Snapshot, steps done) or ("ended", StretchResult).
        Raises EOFError or OSError if the helper has gone."""
        message = self.conn.recv()
        if message[0] == "snapshot":
            kind, snap, done, states, steps = message
            self._keep(states, steps)
            self.recorded = steps
            return kind, snap, done
        result = message[1]
        if result.checkpoints is not None:
            self._keep(result.states, [])
            result.states, self._states = list(self._states.values()), {}
        return message

    def _keep(self, states, steps):
        """Keep the states handed over, and no more of the earlier ones than the record still holds."""
        kept = self._states
        for state in states:
            kept[state.step] = state
        if steps:
            steps = set(steps)
            for step in [s for s in kept if s not in steps]:
                del kept[step]

    def pause(self):
        """Ask the stretch under way to end after its current step (any thread, returns at once)."""
        self.control.values[0] = PAUSE

    def set_speed(self, steps_per_second):
        self.control.values[1] = steps_per_second or 0.0

    def close(self):
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.conn.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.control.close()


_idle = []
_lock = threading.Lock()


def acquire():
    """An idle helper, or a new one (starting takes a moment: ask ``ready()``); None if
    no process can be started (the run then trains in the window's thread)."""
    with _lock:
        while _idle:
            helper = _idle.pop()
            if helper.alive:
                return helper
            helper.close()
    return _start()


def _start():
    try:
        return Helper()
    except OSError:
        return None


def release(helper, healthy=True):
    """Keep ``helper`` for the next run (or close it, if it failed)."""
    if healthy and helper.alive:
        with _lock:
            _idle.append(helper)
    else:
        helper.close()


def warm():
    """Start a helper now if none waits, so the next long run has it ready; returns the
    waiting one (None if none can be started)."""
    with _lock:
        if _idle:
            return _idle[-1]
    helper = _start()
    if helper is not None:
        release(helper)
    return helper


@atexit.register
def close_all():
    with _lock:
        helpers, _idle[:] = list(_idle), []
    for helper in helpers:
        helper.close()


# ---------------------------------------------------------- the helper's side
def _serve(conn, control):
    # Ctrl-C in the terminal reaches the whole process group: the window decides
    # what it means, and this process ends when the window does
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn.send(("ready",))
    data = None
    while True:
        try:
            stretch = conn.recv()
        except (EOFError, OSError):
            return
        if stretch is None:
            return
        if stretch.data is not None:
            data = stretch.data
        result = _train(stretch, data, conn, control.values)
        try:
            conn.send(("ended", result))
        except OSError:  # the window has gone
            return


def _train(stretch, data, conn, control):
    trainer = loop = None
    reason, message = None, ""
    try:
        with np.errstate(all="ignore"):  # overflow on the way to NaN is reported by the trainer
            trainer = Trainer(stretch.network, data[0], data[1], stretch.settings, state=stretch.state)
            trainer.history, trainer.checkpoints = stretch.history, stretch.checkpoints
            loop = RunLoop(trainer, stretch.limits, stretch.grid, stretch.done, stretch.since, stretch.revision)
            while loop.reason is None and control[0] == RUN:
                speed = control[1] or None
                loop.chunk(one=speed is not None)
                if loop.reason is None and loop.frame_due(slow_motion(speed)):
                    states, steps = trainer.checkpoints.hand_over() if trainer.checkpoints is not None else ([], [])
                    conn.send(("snapshot", loop.snapshot(), loop.done, states, steps))
                if speed is not None:
                    loop.rest(speed, lambda: control[0] == RUN)
            reason, message = loop.reason, loop.message
    except SimulatorError as exc:  # e.g. the network no longer fits the data
        reason, message = "error", str(exc)
    except Exception as exc:  # the window says why; a person never sees a traceback
        reason, message = "error", f"training stopped: unexpected {type(exc).__name__}: {exc}"
    finally:
        if loop is not None:
            loop.close()
    if trainer is None:
        return StretchResult(reason, message, None, stretch.state, stretch.history, stretch.checkpoints, [], None,
                             stretch.done, stretch.since, stretch.revision)
    error = loop.error if loop is not None else None
    states = trainer.checkpoints.hand_over()[0] if trainer.checkpoints is not None else []
    return StretchResult(
        reason, message,
        None if error is None else (error.field, error.loss, error.step, error.kept_step),
        trainer.state(), trainer.history, trainer.checkpoints, states,
        None if trainer.last_pass is None else PassRecord(trainer.last_pass),
        loop.done if loop is not None else stretch.done,
        loop.since if loop is not None else stretch.since,
        loop.revision if loop is not None else stretch.revision)


def main(argv):
    conn = Connection(int(argv[0]))
    control = Control(int(argv[1]))
    try:
        _serve(conn, control)
    finally:
        conn.close()


if __name__ == "__main__":
    # run from the module proper, not from __main__, so what it sends unpickles as
    # simulator.training_process's classes in the window
    from simulator.training_process import main as _main
    _main(sys.argv[1:])
