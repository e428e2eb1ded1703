"""A status bar whose long messages are shortened with "…", never silently cut.

QStatusBar draws a message on one line and cuts what does not fit. Here a
long message (a trace, a divergence) ends in "…" where the bar is full, and
the whole text is the bar's tooltip. ``currentMessage()`` is the whole text.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtWidgets import QStatusBar

ROOM = 24  # pixels of the message's row taken by the bar's margins and size grip


class StatusBar(QStatusBar):
    """``showMessage`` elides the text to the room left by the permanent widgets."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._full = ""
        self._shown = ""
        self._permanent = []
        self._timeout = 0
        self._clock = QElapsedTimer()
        self.messageChanged.connect(self._on_message_changed)

    def showMessage(self, text, timeout=0):  # noqa: N802 (Qt's name)
        self._full, self._timeout = text, timeout
        self._clock.start()
        self._show()

    def currentMessage(self):  # noqa: N802
        shown = super().currentMessage()
        return self._full if shown and shown == self._shown else shown

    def addPermanentWidget(self, widget, stretch=0):  # noqa: N802
        self._permanent.append(widget)
        super().addPermanentWidget(widget, stretch)

    def message_room(self):
        """Pixels the message may take: the bar less its permanent widgets."""
        taken = sum(w.width() + 6 for w in self._permanent if w.isVisible())
        return max(40, self.width() - taken - ROOM)

    def _show(self):
        if not self._full:
            super().clearMessage()
            return
        left = self._timeout - self._clock.elapsed() if self._timeout > 0 else 0
        if self._timeout > 0 and left <= 0:
            return
        text = self.fontMetrics().elidedText(self._full, Qt.ElideRight, self.message_room())
        self._shown = text
        self.setToolTip(self._full if text != self._full else "")
        super().showMessage(text, left)

    def _on_message_changed(self, text):
        if text != self._shown:  # cleared, timed out, or a status tip of Qt's own
            self._full = self._shown = ""
            self.setToolTip("")

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._full and super().currentMessage() == self._shown:
            self._show()  # the room changed: elide again, for the time the message has left
