"""Headless command line: ``python -m simulator new|train|validate|presets``.

Exit status 0 on success; 2 with a one-line message on stderr for any bad
input; 130 with one line saying what was written when stopped with Ctrl-C.
No traceback reaches the user. The work is in ``simulator.cli``; this module
stays light so that Ctrl-C is caught before NumPy is even loaded.
"""

import signal
import sys
import threading

from .cli.interrupts import EXIT_INTERRUPTED, Interrupts, Outcome

EXIT_ERROR = 2


def main(argv=None):
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``). When given, the SIGINT
        handler in place before is put back at the end, so a caller in the same
        process keeps its own Ctrl-C.
    """
    interrupts, outcome = Interrupts(), Outcome()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if in_main_thread else None
    try:
        if in_main_thread:
            interrupts.install()
        # Loading NumPy is not safe to interrupt (it may turn Ctrl-C into an
        # ImportError), so a Ctrl-C meanwhile takes effect just after.
        with interrupts.deferred():
            try:
                from .cli.commands import run
            except ImportError as error:  # e.g. NumPy is not installed
                interrupts.finish()
                print(f"error: cannot start: {str(error).strip().splitlines()[0]}", file=sys.stderr)
                return EXIT_ERROR
        interrupts.check()
        return run(argv, interrupts, outcome)
    except KeyboardInterrupt:
        interrupts.finish()
        print(outcome.line(), file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        # From here on a Ctrl-C is ignored, not turned into a traceback on the way out.
        interrupts.finish()
        if in_main_thread:
            # A caller in the same process gets its own Ctrl-C back. Otherwise
            # ignore it outright: Python's shutdown would put back the default
            # handler, and a late Ctrl-C would kill the process by signal.
            signal.signal(signal.SIGINT, previous if argv is not None else signal.SIG_IGN)


if __name__ == "__main__":
    sys.exit(main())
