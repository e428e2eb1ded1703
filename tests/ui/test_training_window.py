"""Training from the window: the Train menu and keys, the Plots dock, and runs
stopped cleanly when the window closes or another project opens."""

import numpy as np
from PySide6.QtCore import Qt

from simulator.presets import make_preset
from tests.ui.test_main_window import FakeDialogs
from ui.document import Document
from ui.main_window import MainWindow


def window(qtbot, lesson="spiral"):
    win = MainWindow(Document(make_preset(lesson)), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.training_views.show_view("loss")  # a lesson opens on the tab its text names; these tests watch the Loss tab
    return win


def test_play_from_the_menu_trains_and_the_loss_plot_and_numbers_follow(qtbot):
    win = window(qtbot)
    a = win.acts
    assert a.train_play.isEnabled() and "Space" in a.train_play.toolTip()
    a.train_play.trigger()
    assert win.training.running and a.train_play.text() == "&Pause" and not a.train_step.isEnabled()
    qtbot.waitUntil(lambda: len(win.loss_plot.train_loss.drawn()[0]) > 100, timeout=20000)
    a.train_play.trigger()
    assert not win.training.running and a.train_play.text() == "&Play"
    x, y = win.loss_plot.train_loss.drawn()
    assert x[-1] == win.training.trainer.steps and np.all(np.isfinite(y))
    assert len(win.loss_plot.test_loss.drawn()[0]) > 0  # the spiral lesson has a test split
    assert f"step {win.training.trainer.steps:,}" in win.training_panel.live.text()
    assert "test accuracy" in win.training_panel.live.text()
    assert win.acts.undo.text().startswith("&Undo Train")


def test_space_toggles_training_but_space_drag_still_pans(qtbot):
    win = window(qtbot)
    win.view.setFocus()
    qtbot.keyClick(win.view, Qt.Key_Space)
    assert win.training.running
    qtbot.keyClick(win.view, Qt.Key_Space)
    assert not win.training.running
    steps = win.training.trainer.steps
    qtbot.keyPress(win.view, Qt.Key_Space)
    qtbot.mousePress(win.view.viewport(), Qt.LeftButton)
    qtbot.mouseRelease(win.view.viewport(), Qt.LeftButton)
    qtbot.keyRelease(win.view, Qt.Key_Space)
    assert not win.training.running and win.training.trainer.steps == steps


def test_step_phase_names_the_phase_in_the_status_bar(qtbot):
    win = window(qtbot)
    win.acts.train_phase.trigger()
    assert win.statusBar().currentMessage().startswith("Forward through Hidden 1")
    win.acts.train_phase.trigger()
    assert win.statusBar().currentMessage().startswith("Forward through Hidden 2")


def test_undo_during_a_run_stops_it_and_takes_it_back(qtbot):
    win = window(qtbot)
    before = win.document.network.copy()
    win.acts.train_play.trigger()
    qtbot.waitUntil(lambda: win.training.current_step > 10, timeout=20000)
    win.acts.undo.trigger()
    assert not win.training.running and win.document.network.same_as(before)


def test_closing_or_opening_a_lesson_while_training_stops_the_worker(qtbot):
    win = window(qtbot)
    win.acts.train_play.trigger()
    qtbot.waitUntil(lambda: win.training.current_step > 10, timeout=20000)
    assert win.open_lesson("mlp-xor")
    assert not win.training.running and win.training.trainer is None
    win.acts.train_play.trigger()
    assert win.training.running
    win.close()
    assert not win.training.running  # the fixture checks no thread is left


def test_divergence_says_what_to_try_in_the_window(qtbot):
    win = window(qtbot, "outliers")
    win.document.set_setting("learning_rate", 10.0)
    with qtbot.waitSignal(win.training.running_changed, timeout=20000, check_params_cb=lambda r: not r):
        win.acts.train_play.trigger()
    text = win.statusBar().currentMessage()
    assert "infinite" in text or "NaN" in text
    assert "smaller learning rate" in text and "smaller learning rate" in win.training_panel.live.text()
    assert all(np.isfinite(b.weights).all() for b in win.document.network.blocks.values())


def test_log_scale_and_accuracy_only_for_classification(qtbot):
    win = window(qtbot, "sine")
    assert not win.loss_plot.acc_plot.isVisible()  # regression: no accuracy
    with qtbot.waitSignal(win.training.running_changed, timeout=20000, check_params_cb=lambda r: not r):
        win.training.run_epochs(5)
    linear = win.loss_plot.train_loss.drawn()[1]
    win.loss_plot.log_scale.setChecked(True)
    assert win.loss_plot.loss_plot.getAxis("left").logMode
    assert np.allclose(10 ** win.loss_plot.train_loss.drawn()[1], linear[linear > 0], rtol=1e-12)
    classification = window(qtbot, "spiral")
    assert classification.loss_plot.acc_plot.isVisible()
