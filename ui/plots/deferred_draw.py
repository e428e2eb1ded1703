"""Views that draw only while they are visible.

A view behind another tab costs nothing: it keeps the newest data and draws
it when it is shown again. The training controller also skips hidden views.
"""


class DeferredDraw:
    """Mixed in before the Qt widget class; the view defines ``_draw()``, which
    draws from what it holds and sets ``_stale`` to False."""

    _stale = False

    def draw_or_defer(self):
        """Draw now if visible, else when next shown."""
        self._stale = True
        if self.isVisible():
            self._draw()

    def showEvent(self, event):
        super().showEvent(event)
        if self._stale:
            self._draw()
