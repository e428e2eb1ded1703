"""Train > Compare…: two runs side by side in a worker thread, the project left alone,
refusals with the model's reason, Use B as one undoable edit, and no thread left behind."""

import numpy as np
from PySide6.QtCore import Qt

from simulator.compare import Change
from simulator.presets import make_preset
from tests.ui.test_training_window import window


def curve_points(curve):
    return 0 if curve.xData is None else len(curve.xData)


def open_compare(qtbot, win):
    assert win.acts.compare in win.menuBar().actions()[4].menu().actions()  # the Train menu
    win.acts.compare.trigger()
    cw = win.compare_window
    qtbot.waitExposed(cw)
    assert cw.isVisible() and not cw.isModal()
    return cw


def legend_texts(cw):
    return [label.text for _, label in cw.loss_plot.legend.items]


def test_outliers_l2_against_l1_trains_both_and_leaves_the_project_alone(qtbot):
    win = window(qtbot, "outliers")
    before, settings = win.document.network.copy(), win.document.settings
    cw = open_compare(qtbot, win)
    assert cw.change() == Change("loss", "l1")  # the lesson's partner is offered first
    assert legend_texts(cw) == ["A: L2 (MSE)", "B: L1 (MAE)"]
    assert cw.stop_at.value() == 200  # the lesson's own number of steps
    cw.play_button.click()
    assert cw.running and cw.play_button.text() == "Pause"
    curves = cw.loss_plot.train
    qtbot.waitUntil(lambda: curve_points(curves["a"]) > 10 and curve_points(curves["b"]) > 10, timeout=20000)
    qtbot.waitUntil(lambda: not cw.running, timeout=20000)  # it pauses by itself at step 200
    assert cw.steps.text() == "Step 200" and cw.play_button.text() == "Play"
    assert curves["a"].xData[-1] == curves["b"].xData[-1] == 200
    # the two fitted lines: L1's runs through the true line y = 2x + 0.5, L2's is dragged up
    x, a, b = (cw.outputs.curves["a"].xData, cw.outputs.curves["a"].yData, cw.outputs.curves["b"].yData)
    truth = 2.0 * x + 0.5
    assert np.abs(b - truth).mean() < 0.1 < np.abs(a - truth).mean()
    assert "loss" in cw.outputs.plots["one"].titleLabel.text
    # comparing changed nothing in the document
    assert win.document.network.same_as(before) and win.document.settings == settings
    assert win.document.undo_stack.count() == 0 and not win.document.is_modified()
    cw.close()
    assert not cw.running


def test_circles_relu_against_sigmoid_draws_two_maps_and_closing_mid_run_stops_the_thread(qtbot):
    win = window(qtbot, "circles")
    cw = open_compare(qtbot, win)
    cw.field.setCurrentIndex(cw.field.findData("activation"))
    cw.choice.setCurrentIndex(cw.choice.findData("sigmoid"))
    assert cw.change() == Change("activation", "sigmoid")
    assert legend_texts(cw)[:2] == ["A: ReLU, test loss", "B: Sigmoid, test loss"]
    cw.stop_at.setValue(1_000_000)
    cw.play_button.click()
    curves = cw.loss_plot.test
    qtbot.waitUntil(lambda: curve_points(curves["a"]) > 20 and curve_points(curves["b"]) > 20, timeout=20000)
    assert cw.running
    for side in "ab":
        image = cw.outputs.images[side].image
        assert image.shape == (50, 50) and np.isfinite(image).all()
        assert "test loss" in cw.outputs.plots[side].titleLabel.text
    assert not np.array_equal(cw.outputs.images["a"].image, cw.outputs.images["b"].image)
    cw.close()
    assert not cw.running  # and the fixture fails the test if the thread still runs


def test_pause_and_play_go_on_and_a_new_value_starts_again(qtbot):
    win = window(qtbot, "mlp-xor")
    cw = open_compare(qtbot, win)
    cw.set_change("learning_rate", 0.5)
    cw.stop_at.setValue(1_000_000)
    cw.speed.setCurrentIndex(cw.speed.findData(1000))
    cw.play_button.click()
    qtbot.waitUntil(lambda: cw.compare.steps > 20, timeout=20000)
    cw.play_button.click()
    assert not cw.running and cw.play_button.text() == "Play"  # at once, without waiting for the step
    qtbot.waitUntil(cw.play_button.isEnabled, timeout=20000)  # the step under way is done
    paused = cw.compare.steps
    cw.play_button.click()
    qtbot.waitUntil(lambda: cw.compare.steps > paused + 5, timeout=20000)
    cw.speed.setCurrentIndex(cw.speed.findData(10))
    cw.number.setValue(0.25)  # a new B while running: both start again at step 0 and go on
    assert cw.running and cw.compare.change == Change("learning_rate", 0.25)
    qtbot.waitUntil(lambda: curve_points(cw.loss_plot.train["b"]) >= 2, timeout=20000)
    # late results of the old run never reach the plots
    assert cw.compare.steps < paused and cw.loss_plot.train["b"].xData[-1] <= cw.compare.steps
    assert legend_texts(cw)[1] == "B: learning rate 0.25"
    win.close()  # closing the main window stops the comparison too
    assert not cw.running


def test_a_refused_b_gives_the_models_reason_and_cannot_play(qtbot):
    win = window(qtbot, "outliers")
    cw = open_compare(qtbot, win)
    cw.choice.setCurrentIndex(cw.choice.findData("binary_cross_entropy"))
    assert "binary cross-entropy needs a sigmoid" in cw.status.text()
    assert not cw.play_button.isEnabled() and not cw.use_b_button.isEnabled()
    cw.field.setCurrentIndex(cw.field.findData("activation"))
    assert "no hidden layer" in cw.status.text()
    cw.field.setCurrentIndex(cw.field.findData("learning_rate"))
    assert cw.play_button.isEnabled() and cw.status.text() == ""


def test_use_b_applies_b_to_the_project_as_one_undoable_edit(qtbot):
    win = window(qtbot, "spiral")
    doc = win.document
    cw = open_compare(qtbot, win)
    cw.set_change("activation", "relu")
    cw.use_b_button.click()
    assert doc.network.activations == ["relu", "relu", "sigmoid"]
    assert "Edit > Undo" in cw.status.text()
    count = doc.undo_stack.count()
    cw.use_b_button.click()  # again: nothing to change, and no empty step to undo
    assert doc.undo_stack.count() == count and "already use ReLU" in cw.status.text()
    win.acts.undo.trigger()
    assert doc.network.activations == make_preset("spiral").network.activations
    cw.set_change("optimizer", "sgd")
    cw.use_b_button.click()
    assert doc.settings.optimizer == "sgd" and doc.undo_stack.undoText() == "Set Optimizer"
    # Reset reads the project again: A is now the project with B's setting
    cw.reset()
    assert cw.a_value.text() == "Gradient descent (SGD)" and "B's optimiser is A's" in cw.status.text()


def test_a_b_that_diverges_stops_says_why_and_a_trains_on(qtbot):
    win = window(qtbot, "outliers")
    cw = open_compare(qtbot, win)
    cw.set_change("learning_rate", 5.0)
    cw.play_button.click()
    qtbot.waitUntil(lambda: not cw.running, timeout=20000)
    assert cw.status.text().startswith("B stopped: the loss became infinite") and "lower the learning rate" in \
        cw.status.text()
    assert cw.loss_plot.log_scale.isChecked()  # else A's curve would be a flat line under B's
    assert cw.loss_plot.train["a"].xData[-1] == 200 > cw.loss_plot.train["b"].xData[-1]


def test_opening_compare_while_the_project_trains_copies_it_and_training_goes_on(qtbot):
    win = window(qtbot, "spiral")
    win.acts.train_play.trigger()
    qtbot.waitUntil(lambda: win.training.current_step > 10, timeout=20000)
    cw = open_compare(qtbot, win)
    assert win.training.running  # held between two steps for the copy, then let go on
    assert cw.windowTitle() == f"Compare — {win.document.title}"
    steps = win.training.trainer.steps
    qtbot.waitUntil(lambda: win.training.current_step > steps + 10, timeout=20000)
    # A starts from the weights the project had when the window opened, not from the lesson's first ones
    start = cw.compare.a.trainer.network.plan().flat
    assert not np.array_equal(start, make_preset("spiral").network.plan().flat)
    assert not np.shares_memory(start, win.document.network.plan().flat)
    assert open_compare(qtbot, win) is cw  # asked again, the open window comes to the front
    win.close()
    assert not cw.running and not win.training.running


def test_escape_closes_the_window_and_stops_the_run_and_fresh_weights_start_from_the_seed(qtbot):
    win = window(qtbot, "mlp-xor")
    win.acts.train_step.trigger()  # the project's weights move away from the seed's
    cw = open_compare(qtbot, win)
    cw.fresh.setChecked(True)
    seeded = make_preset("mlp-xor").network
    seeded.initialize("xavier", seed=win.document.settings.seed)
    assert np.array_equal(cw.compare.b.trainer.network.plan().flat, seeded.plan().flat)
    assert not np.array_equal(win.document.network.plan().flat, seeded.plan().flat)  # so the box mattered
    cw.stop_at.setValue(1_000_000)
    cw.play_button.click()
    qtbot.waitUntil(lambda: curve_points(cw.loss_plot.train["b"]) > 5, timeout=20000)
    qtbot.keyClick(cw, Qt.Key_Escape)
    assert not cw.isVisible() and not cw.running


def test_stop_at_step_applies_while_running(qtbot):
    win = window(qtbot, "mlp-xor")
    cw = open_compare(qtbot, win)
    cw.stop_at.setValue(1_000_000)
    cw.speed.setCurrentIndex(cw.speed.findData(10))
    cw.play_button.click()
    qtbot.waitUntil(lambda: cw.compare.steps >= 2, timeout=20000)
    target = cw.compare.steps + 3
    cw.stop_at.setValue(target)
    qtbot.waitUntil(lambda: not cw.running, timeout=20000)
    assert cw.compare.steps == target and cw.steps.text() == f"Step {target}"
    cw.play_button.click()  # at the limit, Play says what to do instead of training
    assert not cw.running and "raise “Stop at step”" in cw.status.text()


def test_a_point_moved_in_the_project_reaches_both_runs_and_both_go_on(qtbot):
    win = window(qtbot, "outliers")
    cw = open_compare(qtbot, win)
    cw.stop_at.setValue(1_000_000)
    # not at full speed: a history of hundreds of thousands of steps makes each redraw of the
    # comparison's loss plot slow enough to starve this test's waits on a slow machine
    cw.speed.setCurrentIndex(cw.speed.findData(1000))
    cw.play_button.click()
    qtbot.waitUntil(lambda: cw.compare.steps > 20, timeout=20000)
    train = win.document.project.datasets()[0]
    i = int(np.argmax(train.y[:, 0]))  # the highest outlier, dragged down onto the line
    x = float(train.X[i, 0])
    assert win.document.move_data_point("train", i, (x,), 2.0 * x + 0.5)
    assert cw.running
    steps = cw.compare.steps
    qtbot.waitUntil(lambda: cw.compare.steps > steps + 20, timeout=20000)
    for side in (cw.compare.a, cw.compare.b):
        assert side.trainer.train.y[i, 0] == 2.0 * x + 0.5 and not side.message
        assert side.trainer.steps > steps  # going on, not started again
    # the outputs show the moved point
    qtbot.waitUntil(lambda: cw.outputs.train is not None and cw.outputs.train.y[i, 0] == 2.0 * x + 0.5,
                    timeout=20000)
    # a point added while paused is trained on from the next Play
    cw.play_button.click()
    qtbot.waitUntil(cw.play_button.isEnabled, timeout=20000)
    n = train.n_samples
    assert win.document.add_data_point((0.0,), 0.5)
    cw.play_button.click()
    qtbot.waitUntil(lambda: cw.compare.a.trainer.train.n_samples == n + 1 == cw.compare.b.trainer.train.n_samples,
                    timeout=20000)
    # a new B starts from the project's data as it is now
    cw.choice.setCurrentIndex(cw.choice.findData("huber"))
    assert cw.compare.change == Change("loss", "huber") and cw.compare.steps == 0
    assert cw.compare.b.trainer.train.n_samples == n + 1
    assert cw.compare.a.trainer.train.y[i, 0] == 2.0 * x + 0.5
    cw.close()
    assert not cw.running
