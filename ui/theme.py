"""Light and dark: the app follows the system's colour scheme.

Qt reports the desktop's choice (``QStyleHints.colorScheme``, Qt 6.5+). Where
the platform gives a dark scheme but a light palette (Fusion on some Linux
desktops), the app sets a dark palette itself. Views that paint their own
colours (the canvas, the plots) ask here, so each colour has one home:

- ``is_dark()``: is the app dark now;
- ``canvas_background()``: the network canvas's paper;
- ``canvas_colours()``: what the canvas paints on it (columns, titles, legend);
- ``plot_colours()``: background, axis and text colours of every plot;
- ``ink()``: the palette's text colour, which the toolbar icons are drawn in.

``ThemeWatcher`` says when the scheme or the palette changes, live, so the
window re-styles the canvas, the plots and the icons (``restyle_plots``).

The colour maps (blue-white-orange for signs, light-to-dark for magnitudes)
are drawn as opaque images, so they read the same on either background.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

LIGHT_PLOTS = {"background": "#ffffff", "axis": "#666666", "text": "#444444"}
DARK_PLOTS = {"background": "#1e2124", "axis": "#9aa0a6", "text": "#d5dade"}
LIGHT_CANVAS = QColor(255, 255, 255)
DARK_CANVAS = QColor(52, 57, 62)  # dark enough to sit in a dark window, light enough for dark labels nearby

# What the canvas paints on its paper. The neurons keep their light fills in
# either theme (their values are dark text inside them); what sits on the paper
# itself (columns, titles, labels, the legend) follows the theme.
LIGHT_CANVAS_COLOURS = {
    "column": QColor(245, 247, 249), "column_lit": QColor(238, 241, 245), "column_edge": QColor(200, 205, 210),
    "title_back": QColor(255, 255, 255, 200), "title_ink": QColor(90, 90, 90), "label_ink": QColor(40, 40, 40),
    "legend_back": QColor(255, 255, 255, 225), "legend_frame": QColor(210, 210, 210),
    "legend_ink": QColor(50, 50, 50), "legend_line": QColor(110, 110, 110), "diverged": QColor(176, 0, 32),
}
DARK_CANVAS_COLOURS = {
    "column": QColor(63, 69, 75), "column_lit": QColor(72, 79, 86), "column_edge": QColor(110, 118, 126),
    "title_back": QColor(52, 57, 62, 200), "title_ink": QColor(213, 218, 222), "label_ink": QColor(230, 232, 234),
    "legend_back": QColor(36, 40, 44, 235), "legend_frame": QColor(90, 96, 102),
    "legend_ink": QColor(220, 224, 228), "legend_line": QColor(170, 176, 182), "diverged": QColor(255, 120, 120),
}


def is_dark(app=None):
    """True when the app shows dark colours: the system asks for dark, or the palette is dark."""
    app = app or QGuiApplication.instance()
    if app is None:
        return False
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return app.palette().color(QPalette.Window).lightness() < 128


def dark_palette():
    """A dark palette for platforms that report a dark scheme but hand out a light palette."""
    colours = {
        QPalette.Window: "#2b2f33", QPalette.WindowText: "#e6e8ea", QPalette.Base: "#1e2124",
        QPalette.AlternateBase: "#2f3337", QPalette.ToolTipBase: "#1e2124", QPalette.ToolTipText: "#e6e8ea",
        QPalette.PlaceholderText: "#8a9096", QPalette.Text: "#e6e8ea", QPalette.Button: "#33383d",
        QPalette.ButtonText: "#e6e8ea", QPalette.BrightText: "#ff6b6b", QPalette.Highlight: "#2f6fb0",
        QPalette.HighlightedText: "#ffffff", QPalette.Link: "#7ab4ee", QPalette.LinkVisited: "#b59ce6",
        QPalette.Light: "#4a5056", QPalette.Midlight: "#3d4247", QPalette.Mid: "#25282b",
        QPalette.Dark: "#191b1d", QPalette.Shadow: "#000000",
    }
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        palette.setColor(QPalette.Disabled, role, QColor("#80868b"))
    return palette


def follow_system_theme(app):
    """Give ``app`` a dark palette when the system is dark but Qt's palette is light,
    now and whenever the system's scheme changes."""
    default = QPalette(app.palette())

    def apply(*_):
        scheme = app.styleHints().colorScheme()
        light_palette = app.palette().color(QPalette.Window).lightness() >= 128
        if scheme == Qt.ColorScheme.Dark and light_palette:
            app.setPalette(dark_palette())
        elif scheme == Qt.ColorScheme.Light and not light_palette:
            app.setPalette(default)

    apply()
    app.styleHints().colorSchemeChanged.connect(apply)


def canvas_background():
    """The colour of the network canvas behind the layers."""
    return QColor(DARK_CANVAS if is_dark() else LIGHT_CANVAS)


def plot_colours():
    """``{"background", "axis", "text"}`` colour names for the plots in the current theme."""
    return dict(DARK_PLOTS if is_dark() else LIGHT_PLOTS)


def canvas_colours():
    """{role: QColor} of what the canvas paints on its paper in the current theme (see the roles above)."""
    return DARK_CANVAS_COLOURS if is_dark() else LIGHT_CANVAS_COLOURS


def ink():
    """The palette's text colour: what the toolbar icons are drawn in, so they read on any toolbar."""
    app = QGuiApplication.instance()
    return QColor(app.palette().color(QPalette.WindowText)) if app is not None else QColor("#3a3f44")


class ThemeWatcher(QWidget):
    """Emits ``changed`` when the system's colour scheme or the app's palette
    changes (the app follows the system live, ``follow_system_theme``).

    A hidden child of the window: the window passes a new palette on to its
    children, so this needs no event filter on the whole application.
    """

    changed = Signal(object)  # the plot colours as they were, for ``restyle_plots``

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hide()
        app = QGuiApplication.instance()
        self._busy = False
        self._dark = is_dark(app)
        self._ink = ink().rgba()
        self._plots = plot_colours()
        app.styleHints().colorSchemeChanged.connect(self._check)

    def changeEvent(self, event):  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.ApplicationPaletteChange, QEvent.PaletteChange):
            self._check()
        super().changeEvent(event)

    def _check(self, *_):
        dark, text = is_dark(), ink().rgba()
        if (dark, text) != (self._dark, self._ink) and not self._busy:
            self._dark, self._ink = dark, text
            old, self._plots = self._plots, plot_colours()
            self._busy = True
            try:
                self.changed.emit(old)
            finally:
                self._busy = False


def restyle_plots(root, old):
    """Give every pyqtgraph plot under ``root`` the current theme's colours;
    ``old`` is ``plot_colours()`` as they were. Plots made after this ask the theme themselves."""
    pg = sys.modules.get("pyqtgraph")
    new = plot_colours()
    if pg is not None:
        for view in root.findChildren(pg.GraphicsView):
            view.setBackground(new["background"])
            for item in view.scene().items():
                if isinstance(item, pg.AxisItem):
                    item.setPen(pg.mkPen(new["axis"]))
                    item.setTextPen(pg.mkPen(new["text"]))
                    if item.labelText:
                        item.setLabel(item.labelText, units=item.labelUnits, unitPrefix=item.labelUnitPrefix,
                                      **{**item.labelStyle, "color": new["text"]})
                elif isinstance(item, pg.LegendItem):
                    item.setLabelTextColor(new["text"])
    for widget in root.findChildren(QWidget):  # captions coloured by a style sheet, as the plots set them
        sheet = widget.styleSheet()
        if sheet and f"color: {old['text']}" in sheet:
            widget.setStyleSheet(sheet.replace(f"color: {old['text']}", f"color: {new['text']}"))
