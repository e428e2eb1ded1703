"""Every question the main window asks a person, in one replaceable object.

The window calls ``self.dialogs.<question>(...)``; tests replace these
methods with ones that answer at once, so no test ever blocks on a modal
dialog.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QMessageBox)

FILE_FILTER = "Backprop Studio projects (*.json);;All files (*)"
SUFFIX = ".json"


class Dialogs:
    """Modal questions and messages, parented to ``parent``."""

    def __init__(self, parent):
        self.parent = parent

    def ask_save_changes(self, name):
        """Return "save", "discard" or "cancel"."""
        box = QMessageBox(QMessageBox.Warning, "Unsaved changes",
                          f"“{name}” has changes that are not saved yet.", parent=self.parent)
        box.setInformativeText("Do you want to save them first?")
        box.setStandardButtons(QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel)
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")

    def get_open_path(self, folder=""):
        """A file to open, or "" if the person cancelled."""
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open project", folder, FILE_FILTER)
        return path

    def get_save_path(self, suggestion=""):
        """A file name to save to (with the suffix added if missing), or ""."""
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save project as", suggestion, FILE_FILTER)
        if path and "." not in path.rsplit("/", 1)[-1]:
            path += SUFFIX
        return path

    def show_error(self, title, text, details=""):
        box = QMessageBox(QMessageBox.Critical, title, text, parent=self.parent)
        if details:
            box.setInformativeText(details)
        box.exec()

    def show_info(self, title, text):
        box = QMessageBox(QMessageBox.Information, title, text, parent=self.parent)
        box.exec()

    def ask_restore(self, name, saved, original=""):
        """Offer unsaved work kept from a session that ended without closing.

        Parameters
        ----------
        name : str
            The project's file name or title.
        saved : float
            When the copy was written (seconds since the epoch).
        original : str
            The file the work belongs to, "" if it was never saved.

        Returns
        -------
        "restore", "discard" or "later" (keep the copy and ask at the next start)
        """
        when = QDateTime.fromSecsSinceEpoch(int(saved)).toString("d MMM yyyy, hh:mm")
        box = QMessageBox(QMessageBox.Question, "Restore unsaved work",
                          f"Backprop Studio closed unexpectedly while “{name}” had unsaved changes.",
                          parent=self.parent)
        where = f"It belongs to {original}." if original else "It had never been saved."
        box.setInformativeText(f"A copy of the work from {when} was kept. {where} Restore it?")
        restore = box.addButton("Restore", QMessageBox.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.DestructiveRole)
        box.addButton("Ask Next Time", QMessageBox.RejectRole)
        box.setDefaultButton(restore)
        box.exec()
        clicked = box.clickedButton()
        return "restore" if clicked is restore else "discard" if clicked is discard else "later"

    def ask_layer_pair(self, title, layer_names, default):
        """Ask for a (from, to) pair of layers; None if cancelled.

        Parameters
        ----------
        layer_names : list of str
            One label per layer, layer 0 first.
        default : (int, int)
        """
        dialog = QDialog(self.parent)
        dialog.setWindowTitle(title)
        form = QFormLayout(dialog)
        src, dst = QComboBox(dialog), QComboBox(dialog)
        for combo, tip in ((src, "The layer the edges start from"), (dst, "The later layer the edges go to")):
            combo.addItems(layer_names)
            combo.setToolTip(tip)
        src.setCurrentIndex(default[0])
        dst.setCurrentIndex(default[1])
        form.addRow("From layer:", src)
        form.addRow("To layer:", dst)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, parent=dialog)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.Accepted:
            return None
        return src.currentIndex(), dst.currentIndex()


class UnattendedDialogs:
    """The same questions answered at once, for runs no person watches (benchmarks,
    screenshot scripts): changes are discarded, no file is chosen, nothing is restored,
    and what the app would show is printed to standard error."""

    def ask_save_changes(self, name):
        return "discard"

    def get_open_path(self, folder=""):
        return ""

    def get_save_path(self, suggestion=""):
        return ""

    def show_error(self, title, text, details=""):
        print(f"  the app said: {title}: {text} {details}", file=sys.stderr)

    def show_info(self, title, text):
        pass

    def ask_restore(self, name, saved, original=""):
        return "later"

    def ask_layer_pair(self, title, layer_names, default):
        return None
