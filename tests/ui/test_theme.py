"""Light and dark: switching the app's palette (as following the system's
colour scheme does) re-styles the toolbar icons, the canvas, its titles and
legend, and the plots, live."""

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from simulator.presets import make_preset
from tests.ui.test_main_window import FakeDialogs
from ui.document import Document
from ui.main_window import MainWindow
from ui.theme import DARK_CANVAS, LIGHT_CANVAS, canvas_colours, dark_palette, is_dark, plot_colours


@pytest.fixture
def win(qtbot):
    app = QApplication.instance()
    light = app.palette()
    window = MainWindow(Document(make_preset("mlp-xor")), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    app.setPalette(light)


def icon_ink(action):
    """The mean colour of the opaque pixels of the action's icon."""
    image = action.icon().pixmap(32, 32).toImage()
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    solid = [c for c in pixels if c.alpha() > 200]
    assert solid, action.text()
    return QColor(*(round(sum(getattr(c, part)() for c in solid) / len(solid)) for part in ("red", "green", "blue")))


def title_colours(window, layer=1):
    """The colours in the middle strip of a layer title's text, on screen."""
    view = window.view
    title = view.scene()._layers[layer].title
    box = view.mapFromScene(title.mapRectToScene(title.ink())).boundingRect()
    image = view.viewport().grab().toImage()
    return [image.pixelColor(x, y) for x in range(box.left(), box.right()) for y in range(box.top(), box.bottom())]


def contrast(colours, background):
    """The largest lightness difference of ``colours`` from ``background``: the text's, where there is text."""
    return max(abs(c.lightness() - background.lightness()) for c in colours)


@pytest.mark.parametrize("name", ["train_play", "train_step", "train_epoch", "train_phase", "zoom_in", "undo"])
def test_toolbar_icons_are_drawn_in_the_palettes_text_colour_and_follow_a_switch(qtbot, win, name):
    app = QApplication.instance()
    action = getattr(win.acts, name)
    assert not is_dark() and icon_ink(action).lightness() < 110  # dark ink on a light toolbar
    app.setPalette(dark_palette())
    QApplication.processEvents()
    assert is_dark() and icon_ink(action).lightness() > 170  # light ink on a dark one, without a restart


def test_pause_keeps_the_theme_ink(qtbot, win):
    from ui.actions import show_running
    app = QApplication.instance()
    app.setPalette(dark_palette())
    QApplication.processEvents()
    show_running(win.acts, True)
    assert icon_ink(win.acts.train_play).lightness() > 170
    show_running(win.acts, False)
    assert icon_ink(win.acts.train_play).lightness() > 170


def test_the_canvas_titles_and_legend_turn_dark_with_the_palette_and_stay_readable(qtbot, win):
    app = QApplication.instance()
    view = win.view
    assert view.backgroundBrush().color() == LIGHT_CANVAS
    light_title = title_colours(win)
    assert contrast(light_title, canvas_colours()["title_back"]) > 100
    app.setPalette(dark_palette())
    QApplication.processEvents()
    assert view.backgroundBrush().color() == DARK_CANVAS
    dark = canvas_colours()
    shown = title_colours(win)
    assert any(abs(c.lightness() - dark["title_ink"].lightness()) < 30 for c in shown)  # light text...
    assert sum(c.lightness() for c in shown) / len(shown) < 110  # ...on a dark backdrop
    image = view.viewport().grab().toImage()
    legend = view.legend_rect()
    inside = image.pixelColor(legend.right() - 6, legend.bottom() - 6)  # the legend's box, not white
    assert inside.lightness() < 80
    app.setPalette(QApplication.style().standardPalette())  # and back to light, live as well
    QApplication.processEvents()
    assert view.backgroundBrush().color() == LIGHT_CANVAS


def test_plots_follow_the_switch(qtbot, win):
    import pyqtgraph as pg
    win.build_plot_views()
    app = QApplication.instance()
    app.setPalette(dark_palette())
    QApplication.processEvents()
    views = win.plots.findChildren(pg.GraphicsView)
    assert views
    dark = QColor(plot_colours()["background"])
    for view in views:
        assert view.backgroundBrush().color() == dark
