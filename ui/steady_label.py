"""A label whose text changes many times a second without laying out the window again.

A QLabel asks its layout to recompute on every ``setText``, and the request
climbs to the dock and the main window: while training, when the step and
the loss change 30 times a second, that was several milliseconds of the UI
thread's time per redraw, taken from training. ``SteadyLabel`` holds a QLabel
in a widget without a layout and tells the layout only when the text needs
more room, a different number of lines, or much less room than it has.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

SHRINK = 0.75
"""Give room back once the text needs less than this share of the width it has."""


class SteadyLabel(QWidget):
    """A QLabel (``label``) inside a widget that keeps its size while the text changes.

    ``setText`` and ``text`` are the label's; everything else is reached
    through ``label`` (tool tip, word wrap, selection flags).
    """

    def __init__(self, text="", parent=None):
        super().__init__(parent)
        self.label = QLabel(text, self)
        self._room = None  # the size hint the layout was last told of
        policy = QSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        self.setSizePolicy(policy)
        # opaque: a new text repaints this label only, not the dock and panel behind it
        self.setAutoFillBackground(True)

    # ------------------------------------------------------------- the text
    def text(self):
        return self.label.text()

    def setText(self, text):  # noqa: N802 (QLabel's name)
        if text == self.label.text():
            return
        self.label.setText(text)
        if self._needs_layout():
            self._room = None
            self.updateGeometry()

    def setToolTip(self, text):  # noqa: N802
        super().setToolTip(text)
        self.label.setToolTip(text)

    def setWordWrap(self, on):  # noqa: N802
        self.label.setWordWrap(on)
        self.setSizePolicy(self.label.sizePolicy())
        self._room = None
        self.updateGeometry()

    def _needs_layout(self):
        """True when the new text does not fit the room the layout gave, or wastes much of it."""
        if self._room is None or not self.isVisible():
            return True
        if self.label.wordWrap():
            return self.label.heightForWidth(self.width()) != self.height()
        need = self.label.sizeHint()
        have = self._room
        return need.height() != have.height() or need.width() > have.width() or \
            need.width() < SHRINK * have.width()

    # ----------------------------------------------------------- the layout
    def sizeHint(self):  # noqa: N802
        hint = self.label.sizeHint()
        self._room = hint
        return hint

    def minimumSizeHint(self):  # noqa: N802
        return self.label.minimumSizeHint()

    def hasHeightForWidth(self):  # noqa: N802
        return self.label.hasHeightForWidth()

    def heightForWidth(self, width):  # noqa: N802
        return self.label.heightForWidth(width)

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())
