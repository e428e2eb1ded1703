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
