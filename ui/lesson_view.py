"""The lesson text: a project's description, shown as rich text that reads nothing else.

A project file comes from anyone (a student's work opened by a teacher), and
its description is Markdown, which may name images, style sheets and links. A
plain QTextBrowser loads whatever they name: ``![x](/dev/zero)`` reads until
memory runs out, a FIFO blocks the window for good, a relative name reads the
folder the app started in. Here nothing is loaded except the app's own
resources (the ``resources`` folder beside this module, and Qt resources),
and a link opens only when clicked, and only when it is a web (http or https)
address, in the person's browser.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import QTextBrowser

RESOURCES = Path(__file__).resolve().parent / "resources"
MAX_RESOURCE_BYTES = 4 * 2**20  # the app's own pictures are small; anything larger is a mistake
WEB_SCHEMES = ("http", "https")


class LessonView(QTextBrowser):
    """Read-only rich text whose resources come from the app alone.

    Parameters
    ----------
    resources : path-like, optional
        The folder images may come from (default: ui/resources).
    open_url : callable, optional
        Opens a web link; default ``QDesktopServices.openUrl``. Tests pass a
        function that records the address instead.

    Signals
    -------
    message(str)
        Why a clicked link was not opened, for the status bar.
    """

    message = Signal(str)

    def __init__(self, resources=RESOURCES, open_url=None, parent=None):
        super().__init__(parent)
        self.resources = Path(resources).resolve()
        self._open_url = open_url or QDesktopServices.openUrl
        self.refused = []  # addresses asked for and not loaded, newest last (for tests and debugging)
        # links are handled in _on_anchor_clicked: the browser itself never follows one
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)

    def show_lesson(self, title, description):
        """Show ``description`` (Markdown) under the heading ``title``."""
        self.setMarkdown(f"### {title}\n\n{description}")

    # ------------------------------------------------------------- resources
    def loadResource(self, kind, url):
        """The resource if it is one of the app's own; otherwise a placeholder.

        Never None: QTextDocument treats an empty answer as "not handled" and
        then reads the file itself.
        """
        data = self._own_resource(kind, url)
        if data is not None:
            return data
        self.refused.append(url.toString())
        if kind == QTextDocument.ImageResource:
            return _placeholder()
        return ""  # a style sheet or HTML page: nothing

    def _own_resource(self, kind, url):
        if url.scheme() == "qrc" or url.toString().startswith(":/"):
            return None  # Qt resources compiled into the app would be fine, but there are none yet
        if url.scheme() not in ("", "file") or url.host():
            return None
        path = self._resource_path(url.path())
        if path is None:
            return None
        try:
            # O_NONBLOCK: even a FIFO swapped in after the check cannot block the window
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_RESOURCE_BYTES:
                    return None
                raw = os.read(fd, MAX_RESOURCE_BYTES)
            finally:
                os.close(fd)
        except OSError:
            return None
        if kind == QTextDocument.ImageResource:
            image = QImage.fromData(raw)
            return None if image.isNull() else image
        return raw.decode("utf-8", errors="replace")

    def _resource_path(self, name):
        """``name`` inside the resources folder (relative names are taken from there), or None."""
        if not name:
            return None
        candidate = Path(name) if os.path.isabs(name) else self.resources / name
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return real if real.is_relative_to(self.resources) else None

    # ----------------------------------------------------------------- links
    def _on_anchor_clicked(self, url: QUrl):
        if url.scheme().lower() in WEB_SCHEMES and url.host():
            self._open_url(url)
            self.message.emit(f"Opened {url.toDisplayString()} in your web browser.")
        elif url.scheme() == "" and url.hasFragment() and not url.path():
            self.scrollToAnchor(url.fragment())
        else:
            shown = url.toDisplayString()[:80]
            self.message.emit(f"The link “{shown}” was not opened: lesson texts open only web "
                              "(http or https) links.")


def _placeholder():
    """A small grey crossed box where a picture the lesson may not load would be."""
    image = QImage(24, 24, QImage.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setPen(QPen(QColor("#9a9a9a"), 1))
    painter.drawRect(0, 0, 23, 23)
    painter.drawLine(0, 0, 23, 23)
    painter.drawLine(0, 23, 23, 0)
    painter.end()
    return image
