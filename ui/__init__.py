"""Backprop Studio's Qt user interface. Imports simulator; simulator never imports this."""

import sys


def qt_problem():
    """A sentence saying why the installed Qt binding cannot run the app, or None.

    PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every void
    Qt call and to ``True`` on every signal emit, so the interpreter aborts
    ("none_dealloc") within seconds of painting. pyproject.toml excludes that
    release; this catches an environment installed some other way.
    """
    try:
        import PySide6
    except ImportError:
        return "PySide6 is not installed: run  python3 -m pip install -e .  in the project folder"
    if PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12):
        return ("PySide6 6.12.0 crashes on Python 3.11 (a reference-counting bug); "
                "run  python3 -m pip install -e .  to install a working version")
    return None
