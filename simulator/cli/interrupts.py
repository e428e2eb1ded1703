"""Ctrl-C on the command line: one true line, exit status 130, no traceback.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the program happens
to be, which may be in the middle of writing the result files. ``Interrupts``
raises it only where stopping is harmless; inside ``deferred()`` (saving) it
only notes the signal, and ``check()`` raises it once the files are complete,
so the message can say exactly what was written.
"""

import contextlib
import signal

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C


class Interrupts:
    """The SIGINT handler of one command-line run.

    ``caught`` is True once a Ctrl-C has been turned into KeyboardInterrupt:
    code that catches exceptions asks it, because C code (NumPy's import,
    for one) may turn the KeyboardInterrupt into an error of its own.
    """

    def __init__(self):
        self._deferring = 0
        self._pending = False
        self._quiet = False
        self.caught = False

    def install(self):
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, frame):
        if self._quiet or self.caught:  # the first Ctrl-C is already being reported
            return
        if self._deferring:
            self._pending = True
            return
        self.caught = True
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def deferred(self):
        """Note a Ctrl-C instead of raising it while the block runs."""
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1

    def check(self):
        """Raise the KeyboardInterrupt a Ctrl-C during ``deferred()`` put off."""
        if self._pending and not self._deferring and not self._quiet and not self.caught:
            self.caught = True
            raise KeyboardInterrupt

    def finish(self):
        """Ignore every Ctrl-C from now on: the run's last line is on its way."""
        self._quiet = True


class Outcome:
    """What a run has written so far, for the line a Ctrl-C prints."""

    def __init__(self):
        self.written = []    # files written in full, in order
        self.unchanged = []  # existing files the run would have replaced

    def line(self):
        if self.written:
            return f"interrupted after writing {_join(self.written)} in full"
        if self.unchanged:
            return f"interrupted: nothing was written; {_join(self.unchanged)} " \
                   f"{'is' if len(self.unchanged) == 1 else 'are'} unchanged"
        return "interrupted: nothing was written"


def _join(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
