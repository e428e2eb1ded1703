"""Behaviour a new user expects from the window and the canvas, tried with
real key presses and mouse drags where the behaviour is about them."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from simulator.presets import make_preset
from ui.document import Document
from ui.main_window import MainWindow

from tests.ui.test_main_window import FakeDialogs


@pytest.fixture
def win(qtbot):
    window = MainWindow(Document(make_preset("mlp-xor")), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.view.setFocus()
    return window


def press(qtbot, window, sequence):
    """Type a shortcut as a person would: the key event goes to the canvas."""
    combo = QKeySequence(sequence)[0]
    qtbot.keyClick(window.view, combo.key(), combo.keyboardModifiers())


# ------------------------------------------------------------------ delete
def test_select_all_then_delete_keeps_only_what_cannot_go(qtbot, win):
    net = win.document.network
    press(qtbot, win, "Ctrl+A")
    assert len(win.view.scene().selected_neurons()) == sum(net.sizes)
    press(qtbot, win, "Delete")
    # the last input and output neuron must stay; everything else went in one step
    assert net.sizes == [1, 1]
    assert win.document.undo_stack.count() == 1
    message = win.statusBar().currentMessage()
    assert "kept" in message and "ŷ" in message and "x1" in message
    win.acts.undo.trigger()
    assert net.sizes == [2, 4, 1]


# --------------------------------------------------------- level of detail
def test_fit_on_a_seven_layer_network_titles_every_layer_without_overlap(qtbot, canvas):
    from simulator.network import Network
    from tests.ui.test_canvas_view import title_ink
    view, scene, doc = canvas(Network([2, 4, 4, 4, 4, 4, 1], seed=0))
    view.resize(700, 420)  # the canvas of a 1400x900 window between its docks
    view.fit()
    titles = [scene._layers[layer].title for layer in range(7)]
    assert all(title.isVisible() for title in titles)
    inks = [title_ink(view, layer) for layer in range(7)]
    assert not any(a.intersects(b) for i, a in enumerate(inks) for b in inks[i + 1:])
    assert all(view.viewport().rect().contains(ink) for ink in inks)
    # the drawing is not a thin strip: the neurons are at least 60 % of their normal size
    assert view.zoom() >= 0.6
    view.resize(1400, 700)
    view.fit()  # room enough: the whole titles come back
    assert not any(title.short for title in titles)


def test_labels_are_readable_or_not_drawn():
    from PySide6.QtGui import QFont
    from ui.network_view.items import MIN_TEXT_PIXELS, fitting_font
    base = QFont()
    assert fitting_font(base, 9, 1.0, "0.53", 29).pixelSize() == 9  # at 100 %: as designed
    for lod in (0.9, 0.6, 0.45):  # zoomed out: the text grows to stay readable while it fits
        font = fitting_font(base, 9, lod, "x1", 29)
        assert font is not None and font.pixelSize() * lod >= MIN_TEXT_PIXELS - 0.5
    assert fitting_font(base, 9, 0.2, "\u22120.53", 29) is None  # too small to read: no label at all
