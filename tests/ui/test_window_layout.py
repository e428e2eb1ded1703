"""The window's layout holds still: what the inspector shows never resizes the
window or squeezes the other docks, and the layout saved at close is the one
the person had."""

import pytest
from PySide6.QtWidgets import QApplication

from simulator.presets import make_preset
from tests.ui.test_main_window import FakeDialogs
from ui.document import Document
from ui.main_window import MainWindow


def _window(qtbot, preset="mlp-xor"):
    window = MainWindow(Document(make_preset(preset)), dialogs=FakeDialogs())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _settle():
    for _ in range(5):
        QApplication.processEvents()


def _extents(window):
    return window.size(), {dock.objectName(): dock.size() for dock in window.docks if dock.isVisible()}


@pytest.mark.parametrize("current", [("neuron", (1, 0)), ("neuron", (0, 0)), ("layer", 1),
                                     ("edge", ((0, 0), (1, 0)))])
def test_selecting_an_item_moves_no_dock_and_keeps_the_window_size(qtbot, current):
    window = _window(qtbot)
    _settle()
    before = _extents(window)
    window.view.scene().select_only(neurons=[current[1]] if current[0] == "neuron" else ())
    window.inspector.set_current(current)
    _settle()
    assert _extents(window) == before


def test_the_inspector_scrolls_what_does_not_fit(qtbot):
    window = _window(qtbot)
    window.inspector.set_current(("neuron", (1, 0)))
    _settle()
    hint = window.inspector.minimumSizeHint()
    assert hint.height() <= 150 and hint.width() <= 200
    assert window.inspector.scroll.widget().minimumSizeHint().height() > window.inspector.minimumSizeHint().height()


def test_the_saved_layout_after_selecting_a_neuron_keeps_the_plots_dock(qtbot, private_settings):
    first = _window(qtbot)
    _settle()
    plots = first.docks[4].height()
    first.inspector.set_current(("neuron", (1, 0)))
    _settle()
    assert first.close()
    second = _window(qtbot)
    _settle()
    assert second.docks[4].height() == plots


def test_a_long_status_message_ends_in_an_ellipsis_and_is_whole_in_the_tooltip(qtbot):
    window = _window(qtbot)
    bar = window.statusBar()
    long = ("Training paused: the loss became infinite at step 1,240 because the learning rate is too large "
            "for this network; the weights of step 1,239 are back. Try a learning rate ten times smaller, "
            "or the Adam optimiser, which adapts its step size to each weight as it trains.")
    window.show_message(long, 20000)
    shown = bar._shown
    assert shown.endswith("\u2026") and long.startswith(shown[:-1])
    assert bar.fontMetrics().horizontalAdvance(shown) <= bar.message_room()
    assert bar.toolTip() == long and bar.currentMessage() == long
    window.resize(window.width() - 300, window.height())
    _settle()
    assert len(bar._shown) < len(shown) and bar.currentMessage() == long  # less room: cut earlier
    window.show_message("Saved.")
    assert bar.currentMessage() == "Saved." and bar.toolTip() == ""
    bar.clearMessage()
    assert bar.currentMessage() == "" and bar.toolTip() == ""
