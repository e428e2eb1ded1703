"""Small pieces the training controller and the window share: phase names,
the evaluation grid, the divergence message, and Space as Play/Pause."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt

from simulator.datasets import default_grid
from simulator.errors import DivergenceError
from simulator.names import layer_title

grid_for = default_grid
"""The evaluation grid for 1-D or 2-D inputs, None otherwise (one home: the model's)."""


def phase_text(phase, n_layers):
    """A phase as the status bar names it: "Forward through Hidden 1"."""
    if phase is None:
        return ""
    kind, layer = phase
    if kind == "forward":
        return f"Forward through {layer_title(layer, n_layers)}"
    if kind == "backward":
        return f"Backward through {layer_title(layer, n_layers)}"
    if kind == "loss":
        return "Loss"
    return "Update the weights"


def divergence_text(error):
    """One line for the status bar: what diverged and why, then what to do."""
    text = " ".join(str(error).split())
    if not isinstance(error, DivergenceError):
        return text
    if error.field == "learning_rate":
        return text + " Try a smaller learning rate, then press Play again; undo takes the run back."
    return text + " Change that, then press Play again; undo takes the run back."


class SpaceToPlay(QObject):
    """Space plays and pauses, and on the canvas Space+drag still pans: a press
    and release of Space with no mouse button pressed between them toggles."""

    def __init__(self, view, toggle):
        super().__init__(view)
        self.view, self.toggle = view, toggle
        self._down = self._dragged = False
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    def eventFilter(self, obj, event):
        kind = event.type()
        if kind == QEvent.ShortcutOverride and event.key() == Qt.Key_Space:
            event.accept()  # the canvas gets the key, for Space+drag
        elif kind == QEvent.KeyPress and event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._down, self._dragged = True, False
        elif kind == QEvent.MouseButtonPress and self._down:
            self._dragged = True
        elif kind == QEvent.KeyRelease and event.key() == Qt.Key_Space and not event.isAutoRepeat():
            if self._down and not self._dragged:
                self.toggle()
            self._down = False
        return False
