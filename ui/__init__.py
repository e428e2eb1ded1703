"""Backprop Studio's Qt user interface. Imports simulator; simulator never imports this.

Importing this package first works around a PySide6 bug seen in 6.12 on
Python 3.11: when a Qt method hands back ``None`` (every void method:
``setPen``, ``update``, ``setText``...; getters that find nothing) or
``True`` (``Signal.emit``, ``Signal.connect``), PySide6 returns it without
taking a reference. Each such call drops one reference to ``None`` or
``True``; they start with a few thousand, so after a few seconds of
painting the interpreter aborts with "Fatal Python error: none_dealloc"
(or "bool_dealloc").

``None``, ``True`` and ``False`` are static objects that are never freed, so
the fix gives each a reserve of 2**40 references once, at import: more than
any session can drop. It is only applied where a probe shows the leak and
never on Python 3.12+, where these objects are immortal and the drops are
harmless.
"""

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

RESERVE = 1 << 40


def _drops_references():
    """True if void Qt calls or signal emits drop references to None or True."""

    class _Probe(QObject):
        fired = Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(16):
        probe.setObjectName("probe")
        probe.fired.emit()
    dropped_none = none_before - sys.getrefcount(None)
    dropped_true = true_before - sys.getrefcount(True)
    # Give back what the probe itself took before anything else can run.
    for obj, dropped in ((None, dropped_none), (True, dropped_true)):
        for _ in range(max(dropped, 0)):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))
    probe.deleteLater()
    return dropped_none >= 16 or dropped_true >= 16


def _reserve_references():
    if sys.version_info >= (3, 12) or sys.getrefcount(None) >= RESERVE:
        return False
    if not _drops_references():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object: a Py_ssize_t at id(obj).
        ctypes.c_ssize_t.from_address(id(obj)).value += RESERVE
    return True


REFERENCES_RESERVED = _reserve_references()
