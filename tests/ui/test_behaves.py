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
