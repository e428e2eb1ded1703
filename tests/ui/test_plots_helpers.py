"""Snapshots from real training for the plot tests (no tests of its own).

The views are fed what the training worker feeds them: a frozen Snapshot of
a Trainer on a lesson, with the evaluation grid over the training inputs.
"""

from PySide6.QtWidgets import QApplication

from simulator.datasets import evaluation_grid
from simulator.network import Network
from simulator.presets import make_preset
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer

GRID_2D = 50
GRID_1D = 200


def grid_for(train, n=None):
    """The evaluation grid the app uses: n x n for 2 inputs, a line for 1, None otherwise."""
    if train.n_inputs == 2:
        return evaluation_grid(train.input_range(), n or GRID_2D)
    if train.n_inputs == 1:
        return evaluation_grid(train.input_range(), n or GRID_1D)
    return None


def lesson(name, steps=0):
    """(trainer, train, test, grid) for a lesson after ``steps`` training steps."""
    project = make_preset(name)
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.run(steps) if steps else None
    return trainer, train, test, grid_for(train)


def lesson_snapshot(name, steps=0):
    """(snapshot, trainer, train, test) for a lesson after ``steps`` steps."""
    trainer, train, test, grid = lesson(name, steps)
    return trainer.snapshot(grid=grid), trainer, train, test


def deep_trainer(activation, train, depth=6, width=8, seed=0):
    """A network of ``depth`` layers (inputs included) of ``activation`` units on ``train``."""
    sizes = [train.n_inputs] + [width] * (depth - 2) + [train.n_outputs]
    network = Network(sizes, [activation] * (depth - 2) + ["sigmoid"], seed=seed)
    settings = TrainingSettings(loss="binary_cross_entropy", learning_rate=0.5, batch_size=32)
    return Trainer(network, train, None, settings)


def shown(view, snapshot, train, test):
    """Give ``view`` the datasets and the snapshot, and let it draw."""
    view.set_datasets(train, test)
    view.show_snapshot(snapshot)
    QApplication.processEvents()
