"""Train > Compare…: two versions of a project trained side by side (see window.py)."""

from .window import CompareWindow


def show_compare(win):
    """Show the Compare window of main window ``win`` (a new one unless one is open), and return it.

    It reads the project through ``win.training.edit_guard()``, so a run in
    progress is held between two steps while the copy is taken.
    """
    def project_copy():
        with win.training.edit_guard():
            return win.document.to_project()

    window = win.compare_window
    if window is None or not window.isVisible():
        if window is not None:
            window.deleteLater()
        window = win.compare_window = CompareWindow(project_copy, win.document, win)
    window.show()
    window.raise_()
    window.activateWindow()
    return window


__all__ = ["CompareWindow", "show_compare"]
