"""Training in the app stays correct at its edges: a resumed file, the live
numbers, stop conditions, a cancelled step-through, edits during a run, and
the undo history they leave."""

import numpy as np
import pytest

from simulator.presets import make_preset
from simulator.trainer import Trainer
from tests.ui.test_main_window import FakeDialogs
from tests.ui.test_training import params, run, same, trained  # noqa: F401 (fixture)
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
    qtbot.waitUntil(lambda: c.trainer.steps > 80, timeout=20000)
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
