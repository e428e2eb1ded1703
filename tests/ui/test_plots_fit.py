"""The training views fill their plots with the data, keep the legend off it, and start
afresh when another project opens."""

import numpy as np
import pyqtgraph as pg
import pytest

from simulator.datasets import Dataset, evaluation_grid
from simulator.loss_shapes import CATEGORICAL, loss_shape
from simulator.network import Network
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer
from tests.ui.test_plots_helpers import lesson_snapshot, shown
from tests.ui.test_training_window import window
from ui.plots.output_map import OutputMap
from ui.plots.view_support import fit_bounds, legend_slot


@pytest.fixture
def wide(qtbot):
    """The output view as the Plots dock shows it: wide and low."""
    widget = OutputMap()
    widget.resize(1100, 290)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_fit_bounds_hold_the_rectangle_and_every_point_with_a_margin():
    x0, x1, y0, y1 = fit_bounds([(np.array([0.0, 1.0]), np.array([0.0, 8.0]))], (-0.1, 1.1, -0.5, 6.5))
    assert (x0, x1) == (-0.1, 1.1)  # the points lie inside: the image's edges are the view's
    assert y0 == -0.5 and 8.0 < y1 < 8.6
    assert fit_bounds([], None) is None


def test_the_xor_map_fills_the_height_of_a_wide_dock_and_stays_square(wide):
    snap, _, train, test = lesson_snapshot("mlp-xor", 50)
    shown(wide, snap, train, test)
    box = wide.plot.getViewBox()
    (x0, x1), (y0, y1) = box.viewRange()
    # the data run from 0 to 1: the short side holds just them (not -3.5 .. 4.5), and a unit
    # is as long across as up, so the input plane is drawn as it is (circles round)
    assert -0.3 < y0 < 0 and 1 < y1 < 1.3 and x0 < 0 and x1 > 1
    width, height = box.width(), box.height()
    assert width / (x1 - x0) == pytest.approx(height / (y1 - y0), rel=0.02)


def test_a_test_point_outside_the_training_data_is_on_the_plot(wide):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 3.0], [3.0, 2.0], [5.0, 6.0]])
    train = Dataset(X, X.sum(axis=1, keepdims=True), "regression")
    test = Dataset(np.array([[7.0, 8.0]]), np.array([[15.0]]), "regression")
    trainer = Trainer(Network([2, 3, 1], ["tanh", "linear"], seed=1), train, test,
                      TrainingSettings(loss="l2", learning_rate=0.01))
    trainer.run(5)
    shown(wide, trainer.snapshot(grid=evaluation_grid(train.input_range(), 20)), train, test)
    (x0, x1), (y0, y1) = wide.plot.getViewBox().viewRange()
    assert x1 > 7.0 and y1 > 8.0 and x0 < 0.0 and y0 < 0.0


def test_the_legend_hides_none_of_the_outliers(wide):
    snap, _, train, test = lesson_snapshot("outliers", 300)
    shown(wide, snap, train, test)
    assert wide.mode == "curve"
    wide._place_legend()
    vb = wide.plot.getViewBox()
    box = wide.legend.mapRectToItem(vb.childGroup, wide.legend.boundingRect())  # in data coordinates
    x, y = wide.points.positions["train"]
    hidden = (x >= box.left()) & (x <= box.right()) & (y >= box.top()) & (y <= box.bottom())
    assert not hidden.any(), list(zip(x[hidden], y[hidden]))


def test_legend_slot_finds_the_free_middle_of_the_top_edge():
    # points crowd both top corners; the middle of the top edge is free
    points = [(np.array([0.02, 0.05, 0.95, 0.98, 0.5]), np.array([0.9, 0.95, 0.9, 0.95, 0.1]))]
    assert legend_slot(points, (0, 1, 0, 1), (0.2, 0.2)) == ("top", 0.5)


def test_the_categorical_shape_is_minus_log_p_and_its_pull_is_r():
    r = np.array([-0.9, -0.5, -0.1])
    value, pull = loss_shape(CATEGORICAL, r)
    assert np.allclose(value, -np.log1p(r)) and np.allclose(pull, r)


def test_opening_another_lesson_starts_every_view_afresh(qtbot):
    win = window(qtbot, "sine")
    views = win.training_views
    views.show_view("contributions")
    qtbot.waitUntil(lambda: not views.contributions.width_slider.isHidden(), timeout=5000)
    assert views.contributions.width_label.text() == "Hidden width: 16"
    views.output.draw_controls.enabled.setChecked(True)
    win.training.start(max_steps=400)
    qtbot.waitUntil(lambda: not win.training.running, timeout=30000)
    win.training_views.show_view("loss")
    qtbot.waitUntil(lambda: win.loss_plot.loss_plot.viewRange()[0][1] > 300, timeout=5000)
    assert views.gradients.n > 0
    assert win.open_lesson("digits")
    pg.QtWidgets.QApplication.processEvents()
    assert win.loss_plot.loss_plot.viewRange()[0][1] <= 10  # not the sine run's 0 .. 600
    assert list(views.gradients.steps()) in ([], [0])  # at most the new network, untrained
    assert not views.output.draw_controls.enabled.isChecked()  # a click traces, it adds no point
    views.show_view("contributions")
    assert views.contributions.width_slider.isHidden()  # 64 inputs: nothing for it to set
    views.show_view("loss-shapes")
    win.train_step()
    qtbot.waitUntil(lambda: views.loss_shapes.pages.currentWidget() is views.loss_shapes.canvas, timeout=10000)
    assert CATEGORICAL in views.loss_shapes._names()
    assert "categorical cross-entropy (in use)" in views.loss_shapes.loss_plots[CATEGORICAL].titleLabel.text


def test_the_hidden_space_fits_the_points_not_the_bent_grid_lines(qtbot):
    from tests.ui.test_lesson_views_ui import feed
    from ui.plots.views_panel import TrainingViews
    panel = TrainingViews()
    panel.resize(1100, 300)
    qtbot.addWidget(panel)
    panel.show()
    feed(panel, "mlp-xor", 300)
    panel.show_view("hidden-space")
    view = panel.hidden_space
    x, y = view.points.getData()
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    assert x0 < x.min() and x.max() < x1 and y0 < y.min() and y.max() < y1
    # a small margin: the points span at least 3/4 of each axis (before: x from about -7 to 7 for points within 2)
    assert x.max() - x.min() > 0.75 * (x1 - x0) and y.max() - y.min() > 0.75 * (y1 - y0)
