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
    """The SIGINT handler of one command-line run."""

    def __init__(self):
        self._deferring = 0
        self._pending = False
        self._raised = False

    def install(self):
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, frame):
        if self._raised:  # the first Ctrl-C is already being reported: let it finish
            return
        if self._deferring:
            self._pending = True
            return
        self._raised = True
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
        if self._pending and not self._deferring and not self._raised:
            self._raised = True
            raise KeyboardInterrupt

    def finish(self):
        """Ignore every Ctrl-C from now on: the run's last line is on its way."""
        self._raised = True


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
