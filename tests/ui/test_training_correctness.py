"""Training in the app stays correct at its edges: a resumed file, the live
numbers, stop conditions, a cancelled step-through, edits during a run, and
the undo history they leave."""

import numpy as np
import pytest

from simulator.presets import make_preset
from simulator.trainer import Trainer
from tests.ui.test_main_window import FakeDialogs
from tests.ui.test_training import params, run, same
from ui.document import Document
from ui.main_window import MainWindow
from ui.training.controller import TrainingController




def window(qtbot, lesson="spiral", **settings):
    project = make_preset(lesson)
    for key, value in settings.items():
        setattr(project.settings, key, value)
    win = MainWindow(Document(project), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def reference(lesson, steps, **settings):
    """The network of ``lesson`` trained ``steps`` steps straight through, headless."""
    project = make_preset(lesson)
    for key, value in settings.items():
        setattr(project.settings, key, value)
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.run(steps)
    return project.network, trainer


def test_file_open_resumes_the_saved_training_state_in_the_window(qtbot, tmp_path):
    win = window(qtbot, optimizer="adam")
    run(qtbot, win.training, win.training.start, 50)
    win.document.save(tmp_path / "p.json")
    win.document.new_project()
    assert win.open_path(str(tmp_path / "p.json"))
    assert win.document.project.training_state is not None
    assert win.document.project.training_state.step == 50
    run(qtbot, win.training, win.training.start, 50)
    assert win.training.trainer.steps == 100
    network, _ = reference("spiral", 100, optimizer="adam")
    assert same(params(win.document.network), params(network))


def live_numbers(win):
    """What the status line says, after the idle redraw has run."""
    from PySide6.QtCore import QCoreApplication
    QCoreApplication.processEvents()
    QCoreApplication.processEvents()
    return win.training_panel.live.text()


def loss_text(trainer):
    return f"loss {trainer.evaluate(trainer.train)[0]:.4g}"


def test_the_status_line_follows_step_reset_undo_redo_and_pause(qtbot):
    win = window(qtbot)
    c = win.training
    run(qtbot, c, c.start, 50)
    text = live_numbers(win)
    assert text.startswith("step 50 ·") and loss_text(c.trainer) in text
    run(qtbot, c, c.step)
    assert live_numbers(win).startswith("step 51 ·") and loss_text(c.trainer) in live_numbers(win)
    run(qtbot, c, c.step_epoch)
    assert live_numbers(win).startswith(f"step {51 + c.trainer.steps_per_epoch} ·")
    assert loss_text(c.trainer) in live_numbers(win)
    c.reset()
    text = live_numbers(win)
    assert text.startswith("step 0 ·") and loss_text(c.trainer) in text
    win.undo()
    text = live_numbers(win)
    assert text.startswith(f"step {51 + c.trainer.steps_per_epoch} ·") and loss_text(c.trainer) in text
    win.redo()
    text = live_numbers(win)
    assert text.startswith("step 0 ·") and loss_text(c.trainer) in text
    win.undo()
    win.undo()  # back before the epoch
    text = live_numbers(win)
    assert text.startswith("step 51 ·") and loss_text(c.trainer) in text
    while True:  # step phase by phase up to the update
        phase = c.step_phase()
        if phase[0] == "update":
            break
    text = live_numbers(win)
    assert text.startswith("step 52 ·") and loss_text(c.trainer) in text
    c.play()
    qtbot.waitUntil(lambda: c.current_step > 80, timeout=20000)
    win.pause_training()
    text = live_numbers(win)
    assert text.startswith(f"step {c.trainer.steps:,} ·") and loss_text(c.trainer) in text


def test_the_status_line_starts_afresh_with_another_project(qtbot):
    win = window(qtbot)
    c = win.training
    run(qtbot, c, c.start, 30)
    assert "loss" in live_numbers(win)
    win.document.new_project()
    text = live_numbers(win)
    assert text.startswith("step 0 ·") and "loss" not in text.replace("step 0 · epoch 0", "")


@pytest.mark.parametrize("target", ["accuracy", "loss"])
def test_a_run_stops_at_the_first_step_that_meets_its_target(qtbot, trained, target):
    doc, c = trained("mlp-xor")
    goal = (None, 1.0) if target == "accuracy" else (0.05, None)
    run(qtbot, c, c.run_epochs, 100_000, *goal)
    steps = c.trainer.steps
    loss, accuracy = c.trainer.evaluate(c.trainer.train)
    assert steps < 100_000 and (accuracy == 1.0 if target == "accuracy" else loss <= 0.05)
    # one step earlier the target was not met yet
    _, before = reference("mlp-xor", steps - 1)
    loss, accuracy = before.evaluate(before.train)
    assert accuracy < 1.0 if target == "accuracy" else loss > 0.05


def test_cancelling_a_step_through_drops_the_half_pass(qtbot, trained):
    doc, c = trained(optimizer="momentum", batch_size=32)
    untrained = params(doc.network)
    c.step_phase()
    c.step_phase()
    assert c.trainer.pass_in_progress is not None
    c.pause()  # the Cancel button
    assert c.trainer.pass_in_progress is None and same(params(doc.network), untrained)
    assert not doc.undo_stack.canUndo()
    run(qtbot, c, c.step)
    network, _ = reference("spiral", 1, optimizer="momentum", batch_size=32)
    assert c.trainer.steps == 1 and same(params(doc.network), params(network))
    assert [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())] == ["Train 1 step"]


def test_an_edit_in_the_middle_of_a_step_through_starts_the_pass_afresh(qtbot, trained):
    doc, c = trained(batch_size=32)
    for _ in range(3):
        c.step_phase()
    doc.set_bias((1, 0), 0.5)
    while c.step_phase()[0] != "update":
        pass
    # the same as setting the bias first, then one step: no gradient of the old weights applied to the new
    project = make_preset("spiral")
    project.settings.batch_size = 32
    project.network.set_bias((1, 0), 0.5)
    train, test = project.datasets()
    Trainer(project.network, train, test, project.settings).run(1)
    assert same(params(doc.network), params(project.network))
    assert [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())] == ["Set Bias", "Train 1 step"]


def test_divergence_is_one_line_in_the_status_bar_and_no_warning_escapes(qtbot, recwarn):
    win = window(qtbot, "outliers", learning_rate=10.0)
    with qtbot.waitSignal(win.training.running_changed, timeout=20000, check_params_cb=lambda r: not r):
        win.acts.train_play.trigger()
    text = win.statusBar().currentMessage()
    assert "loss became" in text and "smaller learning rate" in text and "\n" not in text
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    # step by step the same: the status bar says it, nothing raises
    for _ in range(200):
        win.train_phase()
        if "loss became" in win.statusBar().currentMessage():
            break
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


@pytest.mark.parametrize("trained_first", [True, False])
def test_reset_and_trace_say_why_when_the_network_does_not_fit_the_data(qtbot, trained_first):
    win = window(qtbot)
    c = win.training
    if trained_first:
        run(qtbot, c, c.start, 5)
    win.document.add_neuron(0)  # a third input; the data has two columns
    count = win.document.undo_stack.count()
    weights = params(win.document.network)
    win.statusBar().clearMessage()
    assert c.reset() is False
    text = win.statusBar().currentMessage()
    assert "Reset" in text and "input" in text
    assert win.document.undo_stack.count() == count and same(params(win.document.network), weights)
    win.statusBar().clearMessage()
    assert c.trace("train", 0) is None
    text = win.statusBar().currentMessage()
    assert "Trace" in text and "input" in text


@pytest.mark.parametrize("during_run", [False, True])
def test_a_setting_the_model_refuses_drops_the_trainer_and_the_panel_says_why(qtbot, during_run):
    win = window(qtbot)
    c = win.training
    run(qtbot, c, c.start, 5)
    if during_run:
        c.play()
        qtbot.waitUntil(lambda: c.current_step > 20, timeout=20000)
        with qtbot.waitSignal(c.running_changed, timeout=20000):
            win.document.set_setting("rule", "perceptron")
    else:
        win.document.set_setting("rule", "perceptron")
    steps = win.document.project.training_state.step
    assert c.trainer is None and not c.running
    assert "perceptron" in win.training_panel.live.text() and "sigmoid" in win.training_panel.live.text()
    weights = params(win.document.network)
    assert not c.play()  # never trains on the old settings
    assert same(params(win.document.network), weights)
    win.document.set_setting("rule", "backprop")
    run(qtbot, c, c.start, 5)
    assert c.trainer.steps == steps + 5  # the progress was kept


def entries(doc):
    return [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())]


def test_edits_during_a_run_leave_no_ghost_train_entries(qtbot, trained):
    doc, c = trained()
    c.play()
    qtbot.waitUntil(lambda: c.current_step > 20, timeout=20000)
    assert not doc.set_setting("learning_rate", -1.0)  # refused
    assert doc.set_setting("learning_rate", doc.settings.learning_rate)  # changes nothing
    assert doc.undo_stack.count() == 0 and c.running
    doc.set_setting("learning_rate", 0.005, merge=True)  # spin-box steps: one entry
    steps = c.trainer.steps
    qtbot.waitUntil(lambda: c.current_step > steps + 20, timeout=20000)
    doc.set_setting("learning_rate", 0.004, merge=True)
    assert entries(doc)[1:] == ["Set Learning Rate"] and entries(doc)[0].startswith("Train")
    assert c.running and c.trainer.optimizer.learning_rate == 0.004
    doc.add_neuron(1)  # a structural edit goes through its command and the run goes on
    assert entries(doc)[-2].startswith("Train") and entries(doc)[-1] == "Add Neuron" and c.running
    steps = c.trainer.steps
    qtbot.waitUntil(lambda: c.current_step > steps + 20, timeout=20000)
    c.pause()
    texts = entries(doc)
    assert [t.startswith("Train") for t in texts] == [True, False, True, False, True]
    # and every entry undoes in turn, back to the untrained lesson
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert same(params(doc.network), params(make_preset("spiral").network))
    assert doc.settings.learning_rate == make_preset("spiral").settings.learning_rate


def test_reshaping_keeps_the_saved_training_state_and_undo_gives_it_back_whole(qtbot, trained, tmp_path):
    doc, c = trained(optimizer="adam")
    run(qtbot, c, c.start, 30)
    saved = doc.project.training_state
    assert saved.t == 30 and saved.moments
    doc.add_neuron(1)
    assert doc.project.training_state is saved  # not rewritten by the edit
    doc.save(tmp_path / "reshaped.json")  # the file drops only the memory that no longer fits
    other = Document()
    other.open(tmp_path / "reshaped.json")
    state = other.project.training_state
    assert (state.step, state.epoch, state.cursor, state.t, dict(state.moments)) == (30, saved.epoch, saved.cursor,
                                                                                     0, {})
    assert np.array_equal(state.order, saved.order) and dict(state.rng) == dict(saved.rng)
    doc.undo_stack.undo()  # the neuron goes again: the memory fits again, and resumes exactly
    doc.save(tmp_path / "p.json")
    other = Document()
    other.open(tmp_path / "p.json")
    c2 = TrainingController(other)
    try:
        run(qtbot, c2, c2.start, 20)
    finally:
        c2.stop()
    network, _ = reference("spiral", 50, optimizer="adam")
    assert same(params(other.network), params(network))


def test_redo_is_off_while_training_runs_and_undo_pauses_first(qtbot):
    win = window(qtbot)
    c, stack = win.training, win.document.undo_stack
    untrained = params(win.document.network)
    win.acts.train_play.trigger()
    qtbot.waitUntil(lambda: c.current_step > 20, timeout=20000)
    win.acts.undo.trigger()  # pauses, then takes the whole run back
    assert not c.running and same(params(win.document.network), untrained) and c.trainer.steps == 0
    assert stack.canRedo() and win.acts.redo.isEnabled()
    win.acts.train_play.trigger()
    assert c.running and stack.canRedo()
    assert not win.acts.redo.isEnabled()
    steps = c.trainer.steps
    win.redo()  # a shortcut or script gets nowhere either: the run goes on
    assert c.running and c.trainer.steps >= steps
    win.acts.train_play.trigger()
    assert not c.running and win.acts.redo.isEnabled() == stack.canRedo()


@pytest.mark.parametrize("lesson", ["perceptron-and", "perceptron-or", "mlp-xor"])
def test_reset_draws_from_the_seed_with_the_projects_own_initialiser(qtbot, trained, lesson):
    doc, c = trained(lesson)
    original = params(doc.network)  # the lesson's weights: seed 0 with its initialiser
    run(qtbot, c, c.start, 8)
    assert not same(params(doc.network), original)
    assert c.reset()
    assert same(params(doc.network), [p * 0 if i >= len(doc.network.blocks) else p
                                      for i, p in enumerate(original)])


def test_a_step_through_can_be_cancelled_from_the_window(qtbot):
    win = window(qtbot, batch_size=32)
    c, panel = win.training, win.training_panel
    assert not win.acts.train_cancel.isEnabled() and not panel.cancel_button.isEnabled()
    win.train_phase()
    win.train_phase()
    assert win.view.scene().phase is not None
    assert win.acts.train_cancel.isEnabled() and panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    assert c.trainer.pass_in_progress is None
    qtbot.waitUntil(lambda: win.view.scene().phase is None, timeout=5000)  # at the next redraw
    assert not win.acts.train_cancel.isEnabled() and not panel.cancel_button.isEnabled()
    assert "cancelled" in win.statusBar().currentMessage()
    assert not win.document.undo_stack.canUndo()


def test_the_panel_keeps_saying_why_training_stopped_until_training_moves_on(qtbot):
    win = window(qtbot, "outliers", learning_rate=10.0)
    c = win.training
    with qtbot.waitSignal(c.running_changed, timeout=20000, check_params_cb=lambda r: not r):
        win.acts.train_play.trigger()
    qtbot.wait(50)  # the redraw of the restored weights does not hide the reason
    assert "loss became" in live_numbers(win)
    win.document.set_setting("learning_rate", 0.01)
    run(qtbot, c, c.step)
    text = live_numbers(win)
    assert text.startswith(f"step {c.trainer.steps:,} ·") and loss_text(c.trainer) in text


def test_saving_during_a_run_writes_weights_and_progress_of_the_same_step(qtbot, tmp_path):
    win = window(qtbot, optimizer="adam")
    c = win.training
    c.play()
    qtbot.waitUntil(lambda: c.current_step > 30, timeout=20000)
    assert win._save_to(str(tmp_path / "mid.json"))
    assert c.running and win.document.undo_stack.count() == 0  # no Train entry for a save
    c.pause()
    from simulator.project_file import load_project
    saved = load_project(tmp_path / "mid.json")
    steps = saved.training_state.step
    assert 30 < steps <= c.trainer.steps
    network, trainer = reference("spiral", steps, optimizer="adam")
    assert same(params(saved.network), params(network))
    assert saved.training_state.t == steps
    assert np.array_equal(saved.training_state.moments["m"], trainer.state().moments["m"])
