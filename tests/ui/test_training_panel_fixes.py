"""What a newcomer met in the training panel and the Data panel: the outliers
setting, fresh random weights, a lesson's speed, the step shown mid-pass and
during a run, the rate training really reaches, and the share of drawn points."""

import numpy as np
import pytest

from simulator.lessons import load_lesson
from simulator.presets import make_preset
from ui.document import Document
from ui.settings_dock import SettingsPanel
from ui.training.controller import TrainingController


def weights(network):
    return [b.weights.copy() for _, b in sorted(network.blocks.items())]


@pytest.fixture
def made(qtbot):
    kept = []

    def build(lesson="mlp-xor"):
        doc = Document(make_preset(lesson) if lesson != "outliers" else load_lesson(lesson))
        controller = TrainingController(doc)
        panel = SettingsPanel(doc)
        qtbot.addWidget(panel)
        kept.append((doc, controller))
        return doc, controller, panel

    yield build
    for doc, controller in kept:
        controller.stop()


def test_the_outliers_lesson_shows_its_outlier_share_and_setting_it_is_undoable(made):
    doc, _, panel = made("outliers")
    assert not panel.outliers.isHidden() and panel.data_form.labelForField(panel.outliers).text() == "Outliers:"
    assert panel.outliers.value() == doc.data["recipe"].get("outlier_fraction", 0.1)
    panel.outliers.setValue(0.0)  # "set the outlier fraction to 0"
    assert doc.data["recipe"]["outlier_fraction"] == 0.0 and doc.undo_stack.canUndo()
    doc.undo_stack.undo()
    assert panel.outliers.value() != 0.0 and doc.data["recipe"].get("outlier_fraction", 0.1) != 0.0
    panel.generator.setCurrentIndex(panel.generator.findData("xor"))  # XOR has no outliers
    assert panel.outliers.isHidden() and not panel.samples.isHidden()


def test_new_random_weights_moves_the_seed_on_and_is_one_undo_step(made):
    doc, c, panel = made()
    messages = []
    c.message.connect(messages.append)
    seed = doc.settings.seed
    c.reset()
    reset_weights = weights(doc.network)
    c.reset()  # Reset Weights repeats the same starting weights
    assert all(np.array_equal(a, b) for a, b in zip(weights(doc.network), reset_weights))
    count = doc.undo_stack.count()
    assert c.new_weights()
    assert doc.settings.seed == seed + 1 and panel.train_seed.value() == seed + 1
    assert not all(np.array_equal(a, b) for a, b in zip(weights(doc.network), reset_weights))
    assert messages[-1].startswith(f"Fresh weights from seed {seed + 1}")
    assert doc.undo_stack.count() == count + 1 and doc.undo_stack.undoText() == "New Random Weights"
    doc.undo_stack.undo()
    assert doc.settings.seed == seed
    assert all(np.array_equal(a, b) for a, b in zip(weights(doc.network), reset_weights))
    assert "starting weights" in panel.train_seed.toolTip()


def test_drawn_points_show_the_test_share_they_really_have(made):
    doc, _, panel = made("circles")
    doc.add_data_point([0.0, 0.0], 1)  # points stored in the project, with their own split
    data = doc.data
    assert "test_fraction" not in data and data.get("test_rows")
    train, test = doc.project.datasets()
    share = panel.test_fraction.value()
    assert share > 0 and share == pytest.approx(test.n_samples / (train.n_samples + test.n_samples), abs=1e-3)
    assert "again at random" in panel.test_fraction.toolTip()


# ----------------------------------------------------------------- in the window
@pytest.fixture
def win(qtbot):
    from ui.main_window import MainWindow
    from tests.ui.test_main_window import FakeDialogs
    window = MainWindow(Document(), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(window)
    window.show()
    window.build_plot_views()
    yield window
    window.training.stop()


def test_a_lesson_sets_the_speed_and_its_slow_motion_ends_with_it(win):
    panel = win.training_panel
    win.open_lesson("perceptron-and")
    assert panel.speed_label.text() == "5 steps/s" and win.training.steps_per_second == 5
    win.open_lesson("mlp-xor")
    assert panel.speed_label.text() == "50 steps/s"
    win.open_lesson("digits")  # no speed of its own: not left crawling at the last lesson's
    assert panel.speed_label.text() == "as fast as possible" and win.training.steps_per_second is None
    win.open_lesson("derivative")
    panel.set_speed(200)  # the learner's own choice stays
    win.open_lesson("spiral")
    assert panel.speed_label.text() == "200 steps/s"


def test_new_random_weights_is_in_the_train_menu_and_beside_reset(win):
    from PySide6.QtWidgets import QToolButton
    menu = [a.menu() for a in win.menuBar().actions() if a.text() == "&Train"][0]
    assert win.acts.train_new_weights in menu.actions()
    buttons = [b.defaultAction() for b in win.training_panel.findChildren(QToolButton)]
    assert buttons.index(win.acts.train_new_weights) == buttons.index(win.acts.train_reset) + 1


def test_mid_pass_the_panel_shows_the_step_and_epoch_done_and_the_pass_under_way(qtbot, win):
    win.open_lesson("mlp-xor")
    live = win.training_panel.live
    win.acts.train_phase.trigger()
    qtbot.waitUntil(lambda: "in progress" in live.text())
    assert live.text().startswith("step 0 · epoch 0 · ") and "pass 1 in progress: forward through" in live.text()
    while win.training.trainer.pass_in_progress is not None:
        win.acts.train_phase.trigger()
    qtbot.waitUntil(lambda: live.text().startswith("step 1 · epoch 1"))
    assert "in progress" not in live.text()


def test_the_step_back_label_shows_the_step_drawn_during_a_run(qtbot, win):
    win.open_lesson("spiral")
    win.training_panel.set_speed(None)
    win.acts.train_play.trigger()
    seen = []

    def check(snap):
        seen.append((snap.step, win.scrubber.label.text(), win.training_panel.live.text()))
    win.training.snapshot_shown.connect(check)
    qtbot.waitUntil(lambda: len(seen) > 5 and seen[-1][0] > 300, timeout=20000)
    win.acts.train_play.trigger()
    for step, label, live in seen:
        if "at step" in label:
            assert label.startswith(f"at step {step:,}") and live.startswith(f"step {step:,} ")


def test_the_speed_label_tells_the_rate_training_really_reaches(win):
    panel = win.training_panel
    panel.set_speed(2000)
    panel.note_rate(10.0, 100)
    panel.note_rate(11.0, 118)
    assert panel.speed_label.text() == "2,000 steps/s (running at 18/s)"
    panel.note_rate(12.0, 2118)  # fast enough again over the last second and a half
    panel.note_rate(13.0, 4118)
    assert panel.speed_label.text() == "2,000 steps/s"
    panel.set_speed(None)
    panel.note_rate(14.0, 4200)
    panel.note_rate(15.0, 4300)
    assert panel.speed_label.text() == "as fast as possible"


@pytest.mark.parametrize("size", [(800, 600), (1400, 900)])
def test_the_panel_fits_a_small_window_without_cutting_its_labels(qtbot, win, size):
    from PySide6.QtWidgets import QAbstractButton, QLabel
    win.open_lesson("backprop-trace")
    win.resize(*size)
    qtbot.waitUntil(lambda: win.training_panel.width() < size[0])
    win.grab()  # lays everything out
    panel = win.training_panel
    for widget in panel.findChildren(QLabel) + panel.findChildren(QAbstractButton):
        if widget.isVisibleTo(panel) and widget.text() and widget is not panel.live:
            assert widget.width() >= widget.sizeHint().width(), widget.text()  # no "Reset…ights"
            assert widget.mapTo(panel, widget.rect().topRight()).x() <= panel.width()
    assert panel.speed.width() >= 100
    assert win.scrubber.isVisible() and win.scrubber.height() >= win.scrubber.slider.sizeHint().height()
