"""Light and dark: the app follows the system's colour scheme.

Qt reports the desktop's choice (``QStyleHints.colorScheme``, Qt 6.5+). Where
the platform gives a dark scheme but a light palette (Fusion on some Linux
desktops), the app sets a dark palette itself. Views that paint their own
colours (the canvas, the plots) ask here, so each colour has one home:

- ``is_dark()``: is the app dark now;
- ``canvas_background()``: the network canvas's paper;
- ``plot_colours()``: background, axis and text colours of every plot.

The colour maps (blue-white-orange for signs, light-to-dark for magnitudes)
are drawn as opaque images, so they read the same on either background.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

LIGHT_PLOTS = {"background": "#ffffff", "axis": "#666666", "text": "#444444"}
DARK_PLOTS = {"background": "#1e2124", "axis": "#9aa0a6", "text": "#d5dade"}
LIGHT_CANVAS = QColor(255, 255, 255)
DARK_CANVAS = QColor(52, 57, 62)  # dark enough to sit in a dark window, light enough for dark labels nearby


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
