"""Crash recovery: a copy of unsaved work, kept in the user's data folder.

Each window's :class:`Recovery` writes a copy of its document a couple of
seconds after the last edit (one undo-stack change restarts the wait), with the
project file's own atomic save, into ``<AppDataLocation>/recovery``, never beside
the person's file. Saving, undoing back to the saved state, opening another
project or closing the window normally removes the copy.

Copies are named by a random id, so several windows and several running copies
of the app never write over each other. Each copy is guarded by a QLockFile its
window holds while it lives; a copy whose lock is free (its owner exited
without cleaning up: a crash, ``kill -9``, a power cut) is an orphan, and the
next start offers it through the window's Dialogs (:func:`offer_orphans`).

Files of one copy: ``<id>.json`` (the project), ``<id>.info`` (where it came
from and when it was written), ``<id>.lock``.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer

from simulator.atomic_write import write_atomically
from simulator.errors import SimulatorError
from simulator.project_file import load_project, save_project

DELAY_MS = 2000  # after the last edit: a burst of edits (a drag, typing) is written once
_COPY = re.compile(r"^([0-9a-f]{32})\.json$")


def default_folder():
    """``recovery`` inside the app's data folder (QStandardPaths.AppDataLocation)."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)) / "recovery"


class Recovery(QObject):
    """Keeps a recovery copy of ``document`` while it has unsaved changes.

    Parameters
    ----------
    document : Document
    folder : path-like, optional
        Where copies go; default :func:`default_folder`.
    """

    def __init__(self, document, folder=None, parent=None):
        super().__init__(parent)
        self.document = document
        self.folder = Path(folder) if folder is not None else default_folder()
        self.id = uuid.uuid4().hex
        self.path = self.folder / f"{self.id}.json"
        self.error = ""  # why the last copy could not be written, if it could not
        self._lock = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        document.undo_stack.indexChanged.connect(self._on_edit)
        document.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def _alive(self):
        # the window tears down the stack and this object in either order
        return shiboken6.isValid(self) and shiboken6.isValid(self.document.undo_stack)

    def _on_edit(self, *_):
        if self._alive() and self.document.is_modified():
            self._timer.start()

    def _on_clean_changed(self, clean):
        if clean and self._alive():  # saved, undone back to the saved state, or another project opened
            self.discard()

    def save_now(self):
        """Write the copy now (if there is anything unsaved and no training run owns the
        network; then a little later); True if it was written."""
        self._timer.stop()
        if not self.document.is_modified():
            return False
        if self.document.is_busy():
            # training owns the network: try again once it pauses (the pause itself is an edit too)
            self._timer.start()
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self._lock is None:
                lock = QLockFile(str(self.folder / f"{self.id}.lock"))
                lock.setStaleLockTime(0)  # held for as long as the window lives, never stale by age
                if not lock.tryLock(0):
                    raise OSError(f"cannot lock {lock.fileName()}")
                self._lock = lock
            save_project(self.document.to_project(), self.path)
            info = {"path": self.document.path or "", "name": self.document.display_name(),
                    "saved": time.time(), "pid": os.getpid()}
            write_atomically(self.folder / f"{self.id}.info", json.dumps(info).encode("utf-8"))
        except (OSError, SimulatorError, ValueError) as error:
            # a recovery copy is a safety net: failing to write one must not disturb the work
            self.error = str(error)
            return False
        self.error = ""
        return True

    def discard(self):
        """Remove this window's copy (it has nothing the saved file lacks)."""
        self._timer.stop()
        _remove(self.folder, self.id)

    def close(self):
        """The window closed normally: remove the copy and let go of its lock."""
        self.discard()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


@dataclass
class Orphan:
    """A copy whose window is gone, locked by this process while it is offered.

    Attributes
    ----------
    id : str
    path : Path
        The copy itself.
    original : str
        The file the work belonged to ("" if it had never been saved).
    name : str
        What the window called it (file name or project title).
    saved : float
        When the copy was written (seconds since the epoch).
    """

    id: str
    path: Path
    original: str
    name: str
    saved: float
    _lock: QLockFile = None

    def release(self, remove):
        """Stop offering it; with ``remove``, delete the copy too."""
        if remove:
            _remove(self.path.parent, self.id)
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


def orphans(folder=None):
    """Copies whose owner is gone, newest first, each locked until released.

    A copy whose window is still open (in this process or another) is never
    listed, and two starting apps never both list the same copy.
    """
    folder = Path(folder) if folder is not None else default_folder()
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    out = []
    for name in names:
        match = _COPY.match(name)
        if not match:
            continue
        lock = QLockFile(str(folder / f"{match[1]}.lock"))
        lock.setStaleLockTime(0)  # only a dead owner makes a lock stale
        if not lock.tryLock(0):
            continue
        info = _read_info(folder / f"{match[1]}.info")
        path = folder / name
        saved = info.get("saved") if isinstance(info.get("saved"), (int, float)) else _mtime(path)
        out.append(Orphan(match[1], path, str(info.get("path") or ""), str(info.get("name") or ""),
                          float(saved), lock))
    out.sort(key=lambda o: o.saved, reverse=True)
    return out


def offer_orphans(window, folder=None):
    """Offer each orphaned copy through ``window.dialogs`` until one is restored.

    The dialog ``ask_restore(name, saved, original)`` answers "restore",
    "discard" or "later" (kept for the next start). A restored copy replaces
    the window's document, marked as unsaved and belonging to its original
    file, and this window's own copy takes over from it.

    Returns
    -------
    bool
        Whether a copy was restored.
    """
    found = orphans(folder)
    restored = False
    for orphan in found:
        if restored:
            orphan.release(remove=False)
            continue
        answer = window.dialogs.ask_restore(orphan.name or "Untitled", orphan.saved, orphan.original)
        if answer == "restore":
            restored = _restore(window, orphan)
        else:
            orphan.release(remove=answer == "discard")
    return restored


def _restore(window, orphan):
    try:
        project = load_project(orphan.path)  # a copy is checked like any file
    except (SimulatorError, OSError, ValueError) as error:
        window.dialogs.show_error("Could not restore", "The recovered copy could not be opened; it has "
                                  "been kept.", str(error))
        orphan.release(remove=False)
        return False
    document = window.document
    document.new_project(project, orphan.original or None)
    document.undo_stack.resetClean()  # recovered work is unsaved work
    recovery = getattr(window, "recovery", None)
    if recovery is None or recovery.save_now():
        orphan.release(remove=True)  # this window's copy now holds the work
    else:
        orphan.release(remove=False)
    window.show_message(f"Restored the unsaved changes to {orphan.name or 'Untitled'}")
    return True


def _remove(folder, copy_id):
    for name in (f"{copy_id}.json", f"{copy_id}.info"):
        try:
            os.unlink(folder / name)
        except OSError:
            pass
    try:  # temporary files of a save that was killed half-way
        for name in os.listdir(folder):
            if name.startswith(f".{copy_id}.") and name.endswith(".tmp"):
                os.unlink(folder / name)
    except OSError:
        pass


def _read_info(path):
    try:
        with open(path, encoding="utf-8") as f:
            info = json.loads(f.read(65536))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _mtime(path):
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
