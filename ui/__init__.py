"""Backprop Studio's Qt user interface. Imports simulator; simulator never imports this.

Importing this package first works around a PySide6 bug (seen in 6.12 on
Python 3.11): ``SignalInstance.emit()`` returns ``True`` without taking a
reference to it, so every emit from Python drops one reference to ``True``
and after a few thousand emits the interpreter aborts with "Fatal Python
error: bool_dealloc". On Python 3.12+ ``True`` is immortal and nothing
happens. The fix is only installed when a probe shows the leak, so a fixed
PySide6 is left alone.
"""

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance


def _emit_drops_a_reference():
    class _Probe(QObject):
        fired = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit()
    dropped = before - sys.getrefcount(True)
    # Put back what the probe itself took, so True is never at risk here.
    for _ in range(max(dropped, 0)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    probe.deleteLater()
    return dropped >= 8


def _install_emit_fix():
    if getattr(SignalInstance.emit, "_backprop_studio_fix", False) or sys.version_info >= (3, 12):
        return
    if not _emit_drops_a_reference():
        return
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None
    original = SignalInstance.emit

    def emit(self, *args):
        result = original(self, *args)
        incref(result)  # the reference PySide6 should have returned
        return result

    emit._backprop_studio_fix = True
    emit.__doc__ = original.__doc__
    SignalInstance.emit = emit


_install_emit_fix()
