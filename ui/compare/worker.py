"""The comparison's worker: trains A and B in its own thread.

It wraps the plain generator ``CompareRun.results`` (simulator/compare.py),
which checks the stop flag between two steps and yields frozen results at
most about 30 times a second; each crosses to the UI thread as it is.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThread, Signal


class CompareWorker(QObject):
    """Runs a CompareRun until asked to stop (it must have no parent to be moved to its thread).

    Signals
    -------
    result_ready(object)
        ``(tag, CompareResult)``: ``tag`` names the run, so a window that has
        started another meanwhile can drop late results of this one.
    finished()
        The run is over (stopped, or both sides stopped); ``message`` says
        why if something unexpected ended it.
    """

    result_ready = Signal(object)
    finished = Signal()

    def __init__(self, compare, tag=None, stop_at=None, steps_per_second=None):
        super().__init__()  # no parent: it moves to its thread
        self.compare = compare
        self.tag = tag
        self.stop_at = stop_at  # the step at which it pauses by itself; may change while it runs
        self.steps_per_second = steps_per_second  # None: as fast as it goes; may change while it runs
        self.message = ""
        self._stop = False
        self._due = None

    def request_stop(self):
        """Stop after the step under way (returns at once)."""
        self._stop = True

    @property
    def stop_requested(self):
        """Whether ``request_stop`` has been called (the run ends at its next step)."""
        return self._stop

    def run(self):
        try:
            for result in self.compare.results(should_stop=self._should_stop):
                self.result_ready.emit((self.tag, result))
        except Exception as exc:  # a person never sees a traceback; the comparison stops and says why
            self.message = f"the comparison stopped: unexpected {type(exc).__name__}: {exc}"
        finally:
            self.finished.emit()

    def _should_stop(self):
        """Checked before each step: stop, or wait for the step's turn at the chosen speed."""
        if self.stop_at is not None and self.compare.steps >= self.stop_at:
            return True
        rate = self.steps_per_second
        now = time.monotonic()
        if rate:
            due = now if self._due is None else max(self._due, now - 1.0 / rate)
            while not self._stop and time.monotonic() < due:
                time.sleep(min(due - time.monotonic(), 0.02))
            self._due = due + 1.0 / rate
        else:
            self._due = None
        return self._stop


class CompareThread(QObject):
    """One run of a CompareWorker in a QThread of its own, and its clean end.

    Signals
    -------
    result_ready(object), finished(str)
        As the worker's; ``finished`` carries its message.
    """

    result_ready = Signal(object)
    finished = Signal(str)

    def __init__(self, compare, tag, stop_at=None, steps_per_second=None, parent=None):
        super().__init__(parent)
        self.thread = QThread()
        self.worker = CompareWorker(compare, tag, stop_at, steps_per_second)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.result_ready.connect(self.result_ready)
        self.worker.finished.connect(self.thread.quit)
        self.thread.finished.connect(self._on_thread_finished)
        self._ended = False

    def start(self):
        self.thread.start()

    def request_stop(self):
        """Stop after the step under way (returns at once; ``finished`` follows)."""
        self.worker.request_stop()

    def set_speed(self, steps_per_second):
        self.worker.steps_per_second = steps_per_second

    def set_stop_at(self, step):
        self.worker.stop_at = step

    def stop_and_wait(self):
        """Stop the run and wait for its thread to end (one step at most)."""
        self.worker.request_stop()
        self.thread.quit()
        self.thread.wait()
        self._on_thread_finished()

    @property
    def stopping(self):
        """Asked to stop (it may still be finishing a step)."""
        return self.worker.stop_requested

    def _on_thread_finished(self):
        if self._ended:
            return
        self._ended = True
        self.finished.emit(self.worker.message)
