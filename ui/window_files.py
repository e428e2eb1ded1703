"""The window's File menu and lessons: new, open, save, save as, recent
files and opening a lesson, each asking before unsaved work is lost.

A mixin of :class:`~ui.main_window.MainWindow`, whose document, dialogs,
training controller, recent files and lesson actions it uses. Errors reach
the person as one sentence (:func:`error_reason`), never as a traceback.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QStandardPaths

from simulator.errors import SimulatorError
from simulator.presets import PRESETS, make_preset

from .actions import fill_recent_menu
from .wording import file_stem


def lesson_label(name):
    """The lesson's title, e.g. "Multilayer perceptron: XOR"."""
    try:
        return PRESETS[name]()["title"]
    except Exception:  # a broken preset still gets a menu entry; opening it explains
        return name.replace("-", " ").capitalize()


class FileCommands:
    """New, open, save, recent files and lessons (mixed into MainWindow)."""

    def maybe_save(self):
        """Ask to save unsaved changes; False if the person cancelled."""
        if not self.document.is_modified():
            return True
        answer = self.dialogs.ask_save_changes(self.document.display_name())
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_project(self):
        self.training.stop()
        if self.maybe_save():
            self.document.new_project()
            self._refit()

    def open_dialog(self):
        self.training.stop()
        if not self.maybe_save():
            return False
        folder = os.path.dirname(self.document.path) if self.document.path else ""
        path = self.dialogs.get_open_path(folder)
        return self._open(path) if path else False

    def open_path(self, path):
        """Open ``path`` (from the recent files list or the command line)."""
        self.training.stop()
        return self.maybe_save() and self._open(path)

    def _open(self, path):
        try:
            self.document.open(path)
        except (SimulatorError, OSError, ValueError) as error:
            self.dialogs.show_error("Could not open the file",
                                    f"“{os.path.basename(path)}” could not be opened. "
                                    "The project you have open is unchanged.", error_reason(error))
            if self.recent is not None and not os.path.exists(path):
                self.recent.remove(path)
            return False
        if self.recent is not None:
            self.recent.add(path)
        self.show_message(f"Opened {os.path.basename(path)}")
        self._refit()
        return True

    def save(self):
        if not self.document.path:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self):
        # a folder that exists: the file's own, else the person's documents, else their home,
        # never the folder the app started in
        path = self.document.path
        if path and os.path.isdir(os.path.dirname(os.path.abspath(path))):
            suggestion = path
        else:
            documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
            folder = documents if documents and os.path.isdir(documents) else os.path.expanduser("~")
            name = os.path.basename(path) if path else file_stem(self.document.title) + ".json"
            suggestion = os.path.join(folder, name)
        path = self.dialogs.get_save_path(suggestion)
        return self._save_to(path) if path else False

    def _save_to(self, path):
        try:
            with self.training.edit_guard():  # a run goes on between two steps, its state saved too
                self.document.save(path)
        except (SimulatorError, OSError, ValueError) as error:
            self.dialogs.show_error("Could not save", f"The project could not be saved to "
                                    f"“{os.path.basename(path)}”.", error_reason(error))
            return False
        if self.recent is not None:
            self.recent.add(path)
        self.show_message(f"Saved {os.path.basename(path)}")
        return True

    def open_lesson(self, name):
        self.training.stop()
        try:
            if not self.maybe_save():
                return False
            try:
                project = make_preset(name)
            except Exception as error:  # a lesson that cannot be built must not take the app down
                self.dialogs.show_error("Could not open the lesson", f"The lesson “{lesson_label(name)}” "
                                        "could not be opened.", error_reason(error))
                return False
            self.document.new_project(project)
            self.mark_lesson(name)
            self.show_message(f"Opened the lesson “{lesson_label(name)}”")
            self._refit()
            return True
        finally:  # the menu's check mark follows the document, not the click
            self._update_lessons()

    def mark_lesson(self, name):
        """The document, as it is now, is the lesson ``name`` (its menu entry is checked)."""
        self.lesson = name
        self._update_lessons()

    def _update_lessons(self, *_):
        """Check the lesson the document came from while it is unchanged."""
        current = self.lesson if not self.document.is_modified() else None
        for name, action in self.acts.lessons.items():
            action.setChecked(name == current)

    def clear_recent(self):
        if self.recent is not None:
            self.recent.clear()

    def _fill_recent_menu(self):
        fill_recent_menu(self, self.recent_menu, self.recent.paths() if self.recent else [])


def error_reason(error):
    """The simulator's message as a sentence; OS errors in plain words.

    A message about a field starts with the field as the file writes it
    (``network.edges[0]: ...``), so its case is kept: it is a name, not a word."""
    if isinstance(error, OSError) and not isinstance(error, SimulatorError):
        text = error.strerror or str(error)
    else:
        text = str(error) or type(error).__name__
    text = text.strip()
    if not getattr(error, "field", None):
        text = text[0].upper() + text[1:] if text else "No reason was given."
    return text if text.endswith((".", "!", "?")) else text + "."
