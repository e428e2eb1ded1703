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
