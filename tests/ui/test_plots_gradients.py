"""The gradient-flow heat map: vanishing gradients are plain to see, and the
history stays bounded, ordered, and honest about resets and NaN."""

import dataclasses

import numpy as np
import pyqtgraph as pg
import pytest

from tests.ui.test_plots_helpers import deep_trainer, lesson
from ui.plots import gradient_heatmap
from ui.plots.gradient_heatmap import CAPACITY, LEVELS, GradientHeatmap, step_columns


@pytest.fixture
def view(qtbot):
    widget = GradientHeatmap()
    widget.resize(600, 320)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def train_into(view, trainer, frames, steps_per_frame):
    for _ in range(frames):
        trainer.run(steps_per_frame)
        view.show_snapshot(trainer.snapshot())


def recent_rows(view, frames=20):
    """Mean log10 norm per layer over the last frames, as drawn (first hidden layer first)."""
    image = view.image.image
    assert image.shape[1] == view.values().shape[1] and image.dtype == np.float32
    share = frames / len(view.values())
    return image[-int(len(image) * share):].mean(axis=0)


def test_a_deep_sigmoid_network_shows_its_first_layer_gradient_far_below_the_last(view):
    _, train, _, _ = lesson("circles")
    train_into(view, deep_trainer("sigmoid", train), 60, 10)
    rows = recent_rows(view)
    assert len(rows) == 5
    assert rows[-1] - rows[0] > 1.5  # more than thirty times smaller, two colour-bar steps apart
    assert np.all(np.diff(rows) > 0)  # it shrinks layer by layer on the way back


def test_a_deep_relu_network_does_not(view):
    _, train, _, _ = lesson("circles")
    train_into(view, deep_trainer("relu", train), 60, 10)
    rows = recent_rows(view)
    assert rows[-1] - rows[0] < 1.0


def test_levels_are_fixed_and_the_colour_bar_says_log10(view):
    trainer, *_ = lesson("spiral")
    train_into(view, trainer, 3, 5)
    assert tuple(view.image.levels) == LEVELS
    assert "log10" in view.colour_bar.getAxis("right").labelText
    assert "sqrt" in view.canvas.toolTip()


def test_history_is_bounded_by_thinning_old_columns(view, monkeypatch):
    trainer, *_ = lesson("mlp-xor")
    for _ in range(CAPACITY + 30):
        trainer.run(1)
        view.show_snapshot(trainer.snapshot())
    steps = view.steps()
    assert view.n <= CAPACITY and view.values().shape[0] == view.n
    assert np.all(np.diff(steps) > 0)
    assert steps[-1] == trainer.steps  # the newest column is the newest step
    assert steps[0] <= 2  # the start of the run is still there, thinned
    assert steps[-30] == trainer.steps - 29  # recent columns keep every snapshot


def test_same_step_replaces_the_column_and_a_step_back_starts_again(view):
    trainer, *_ = lesson("mlp-xor")
    train_into(view, trainer, 5, 2)
    snap = trainer.snapshot()
    view.show_snapshot(snap)
    assert view.n == 5
    earlier = dataclasses.replace(snap, step=3)
    view.show_snapshot(earlier)
    assert view.n == 1 and list(view.steps()) == [3]
    view.clear()
    assert view.n == 0 and view.pages.currentWidget() is view.message


def test_a_structure_change_rebuilds_the_rows(view):
    trainer, *_ = lesson("mlp-xor")
    train_into(view, trainer, 3, 1)
    assert view.values().shape == (3, 2)
    spiral, *_ = lesson("spiral")
    train_into(view, spiral, 2, 1)
    assert view.values().shape == (2, 3)
    labels = [text for _, text in view.plot.getAxis("left")._tickLevels[0]]
    assert labels == ["Hidden 1 (16)", "Hidden 2 (16)", "Output (1)"]


def test_zero_is_the_darkest_colour_and_nan_a_hole(view):
    trainer, *_ = lesson("mlp-xor")
    snap = trainer.snapshot()  # before any step: every gradient is 0
    view.show_snapshot(snap)
    assert np.all(view.values()[0] == LEVELS[0])
    bad = dataclasses.replace(snap, step=1, layer_grad_norms=(0.0, float("nan"), 1e3))
    view.show_snapshot(bad)
    assert np.isnan(view.values()[1, 0]) and view.values()[1, 1] == LEVELS[1]


def test_log_norms_clip_to_the_levels():
    out = gradient_heatmap.log_norms([0.0, 1e-3, 1e9, np.inf])
    np.testing.assert_allclose(out, [LEVELS[0], -3.0, LEVELS[1], LEVELS[1]])


def test_the_axis_is_the_training_step_with_regular_ticks_and_each_column_where_its_step_is(view):
    trainer, *_ = lesson("spiral")
    for steps in (3, 7, 20, 5, 41, 2, 90):  # snapshots at irregular steps, as a worker sends them
        trainer.run(steps)
        view.show_snapshot(trainer.snapshot())
    pg.QtWidgets.QApplication.processEvents()
    axis = view.plot.getAxis("bottom")
    assert axis.labelText == "training step"
    (x0, x1), _ = view.plot.viewRange()
    ticks = [v for _, values in axis.tickValues(x0, x1, axis.width()) for v in values]
    major = axis.tickValues(x0, x1, axis.width())[0][1]
    assert len(major) >= 3 and np.allclose(np.diff(major), major[1] - major[0])  # evenly spaced steps
    assert all(float(v).is_integer() for v in major)
    assert ticks
    # the pixel drawn over step s holds the snapshot whose stretch (previous step, its step] holds s
    steps, values = view.steps(), view.values()
    rect = view.image.mapRectToView(view.image.boundingRect())
    image = view.image.image
    for s in (1, 10, 30, 60, 100, 168):
        col = int((s - 0.5 - rect.left()) / rect.width() * len(image))
        expected = values[np.searchsorted(steps, s - 0.5)]
        np.testing.assert_array_equal(image[col], expected)
    np.testing.assert_array_equal(step_columns(np.array([10, 20]), 0.0, 20.0, width=4), [0, 0, 1, 1])


def test_a_hidden_map_keeps_the_columns_and_draws_them_when_shown_again(view):
    trainer, *_ = lesson("spiral")
    view.hide()
    for _ in range(3):
        trainer.run(5)
        view.show_snapshot(trainer.snapshot())
    assert len(view.values()) == 3 and view.image.image is None  # kept, not drawn behind another tab
    view.show()
    assert view.image.image is not None and view.image.image.shape[1] == view.values().shape[1]
