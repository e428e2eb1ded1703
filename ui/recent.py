"""What the app remembers between sessions: recent files and window geometry.

Everything lives in one INI-format QSettings under the organisation
"Backprop Studio". Tests point QSettings.setPath at a temporary folder.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

ORGANIZATION = "Backprop Studio"
APPLICATION = "Backprop Studio"
MAX_RECENT = 8


def open_settings():
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORGANIZATION, APPLICATION)


class RecentFiles:
    """The most recently opened or saved project files, newest first."""

    KEY = "recent_files"

    def __init__(self, settings=None):
        self.settings = settings or open_settings()

    def paths(self):
        value = self.settings.value(self.KEY, [])
        if isinstance(value, str):  # QSettings returns a lone entry as a string
            value = [value]
        return [str(p) for p in value or [] if p][:MAX_RECENT]

    def add(self, path):
        path = os.path.abspath(path)
        paths = [path] + [p for p in self.paths() if p != path]
        self._store(paths[:MAX_RECENT])

    def remove(self, path):
        self._store([p for p in self.paths() if p != path])

    def clear(self):
        self._store([])

    def _store(self, paths):
        self.settings.setValue(self.KEY, paths)
        self.settings.sync()
