"""The output view draws what the network computes, where it computes it, with the
data on top: heat map, class regions, the 1-D curve, discretise, and clicks."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from simulator.backprop import forward
from simulator.datasets import Dataset, evaluation_grid
from simulator.network import Network
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer
from tests.ui.test_plots_helpers import grid_for, lesson, lesson_snapshot, shown
from ui.plots.output_map import OutputMap
from ui.plots.view_support import CLASS_COLOURS, grid_shape, paler


@pytest.fixture
def view(qtbot):
    widget = OutputMap()
    widget.resize(520, 440)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def rendered(widget):
    """The widget as drawn: an (h, w, 3) uint8 array."""
    image = widget.grab().toImage().convertToFormat(QImage.Format_RGB888)
    w, h = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, :3 * w]
    return pixels.reshape(h, w, 3).copy()  # its own memory: the QImage goes when this returns


def count_near(pixels, colour, tolerance=30):
    """How many pixels lie within ``tolerance`` (sum of channel differences) of ``colour``."""
    return int((np.abs(pixels.astype(int) - np.array(colour[:3])).sum(axis=2) <= tolerance).sum())


def pixel_at(image_item, x, y):
    """(row, column) of the image pixel drawn at view position (x, y)."""
    p = image_item.mapFromView(QPointF(x, y))
    return int(np.floor(p.y())), int(np.floor(p.x()))


def test_heat_map_is_the_core_forward_pass_drawn_where_each_grid_point_lies(view):
    snap, trainer, train, test = lesson_snapshot("spiral", 300)
    shown(view, snap, train, test)
    _, a = forward(trainer.network, snap.grid)
    expected = a[-1][:, 0].astype(np.float32)
    shape = grid_shape(snap.grid)
    image = view.image.image
    assert image.dtype == np.float32 and image.flags.c_contiguous and image.shape == (shape.n, shape.n)
    # every grid point's pixel, found through the item's own placement, holds the network's output there
    rows, cols = zip(*(pixel_at(view.image, x, y) for x, y in snap.grid[::37]))
    np.testing.assert_allclose(image[rows, cols], expected[::37], rtol=1e-6, atol=1e-7)
    assert tuple(view.image.levels) == (0.0, 1.0)  # fixed: the colours do not drift between frames


def test_training_points_are_filled_and_test_points_hollow_at_their_inputs(view):
    snap, _, train, test = lesson_snapshot("circles", 50)
    shown(view, snap, train, test)
    tx, ty = view.points.train.getData()
    np.testing.assert_array_equal(np.column_stack([tx, ty]), train.X)
    sx, sy = view.points.test.getData()
    np.testing.assert_array_equal(np.column_stack([sx, sy]), test.X)
    fills = {pt.brush().color().name() for pt in view.points.train.points()}
    assert fills == {CLASS_COLOURS[0], CLASS_COLOURS[1]}
    for pt, label in zip(view.points.test.points(), test.labels):
        assert pt.brush().style() == Qt.NoBrush
        assert pt.pen().color().name() == CLASS_COLOURS[label]


def test_discretise_shows_only_the_decision(view):
    snap, trainer, train, test = lesson_snapshot("mlp-xor", 400)
    shown(view, snap, train, test)
    smooth = view.image.image.copy()
    assert len(np.unique(smooth)) > 100
    view.discretise.setChecked(True)
    decided = view.image.image
    assert set(np.unique(decided)) == {0.0, 1.0}
    np.testing.assert_array_equal(decided, (smooth > 0.5).astype(np.float32))
    view.discretise.setChecked(False)
    np.testing.assert_array_equal(view.image.image, smooth)


def test_several_classes_become_regions_of_their_class_colour(view):
    snap, trainer, train, test = lesson_snapshot("multiclass", 300)
    shown(view, snap, train, test)
    assert view.mode == "regions" and not view.colour_bar.isVisible()
    _, a = forward(trainer.network, snap.grid)
    winner = a[-1].argmax(axis=1)
    view.discretise.setChecked(True)
    rgba = view.regions.image.reshape(-1, 4)
    palette = np.array([paler(c) for c in CLASS_COLOURS[:3]])
    np.testing.assert_array_equal(rgba[:, :3], palette[winner])
    assert len(np.unique(winner)) == 3  # all three regions are on the map
    view.discretise.setChecked(False)
    shaded = view.regions.image.reshape(-1, 4)[:, :3].astype(float)
    # shaded by confidence: pale where the network hesitates, never another class's hue
    confidence = a[-1].max(axis=1)
    sure, unsure = np.argmax(confidence), np.argmin(confidence)
    white = np.array(pg.mkColor("#f7f7f7").getRgb()[:3])
    assert np.abs(shaded[sure] - white).sum() > 2 * np.abs(shaded[unsure] - white).sum()
    legend_names = [label.text for _, label in view.legend.items]
    assert legend_names == list(train.target_names)


def test_one_input_regression_draws_the_data_and_the_network_curve(view):
    snap, trainer, train, test = lesson_snapshot("sine", 200)
    shown(view, snap, train, test)
    assert view.mode == "curve" and not view.image.isVisible()
    x, y = view.curves[0].getData()
    _, a = forward(trainer.network, snap.grid)
    np.testing.assert_allclose(x, snap.grid[:, 0])
    np.testing.assert_allclose(y, a[-1][:, 0], rtol=1e-6, atol=1e-6)
    px, py = view.points.train.getData()
    np.testing.assert_array_equal(px, train.X[:, 0])
    np.testing.assert_array_equal(py, train.y[:, 0])
    assert not view.discretise.isEnabled()


def test_other_input_counts_say_why_there_is_no_map(view):
    rng = np.random.default_rng(0)
    data = Dataset(rng.normal(size=(40, 3)), (rng.random((40, 1)) > 0.5).astype(float), "classification")
    trainer = Trainer(Network([3, 4, 1], ["tanh", "sigmoid"]), data)
    shown(view, trainer.snapshot(), data, None)
    assert view.pages.currentWidget() is view.message
    assert "3 inputs" in view.message.text()


def test_no_snapshot_yet_then_a_structure_change_rebuilds(view):
    assert view.pages.currentWidget() is view.message
    snap, _, train, test = lesson_snapshot("mlp-xor", 10)
    shown(view, snap, train, test)
    assert view.mode == "map" and view.colour_bar.isVisible()
    snap3, _, train3, test3 = lesson_snapshot("multiclass", 10)
    view.show_snapshot(snap3)  # the network changed before the data did
    assert view.mode == "regions"
    shown(view, snap3, train3, test3)
    assert view.regions.image.shape == (grid_shape(snap3.grid).n,) * 2 + (4,)
    # on screen, not only in the item: each class's region shows in its colour after the
    # switch from a single-output map (its levels once hid the regions as all white)
    shot = rendered(view.canvas)
    for k in range(3):
        assert count_near(shot, paler(CLASS_COLOURS[k]), tolerance=40) > 500
    assert not view.image.isVisible() and view.regions.isVisible()
    view.show_snapshot(None)
    assert view.pages.currentWidget() is view.message


def test_not_a_number_leaves_a_hole_not_an_error(view):
    trainer, train, test, grid = lesson("mlp-xor", 10)
    trainer.network.blocks[(0, 1)].weights[0, 0] = np.nan
    shown(view, trainer.snapshot(grid=grid), train, test)
    assert np.isnan(view.image.image).all()
    view.discretise.setChecked(True)
    assert np.isnan(view.image.image).all()  # still a hole, not class 0


def click_at(qtbot, view, x, y):
    vb = view.plot.getViewBox()
    pos = view.canvas.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(view.canvas.viewport(), Qt.LeftButton, pos=pos)


def test_clicking_a_point_names_it_and_a_miss_names_nothing(qtbot, view):
    snap, _, train, test = lesson_snapshot("circles", 10)
    shown(view, snap, train, test)
    got = []
    view.sample_clicked.connect(lambda name, i: got.append((name, i)))
    click_at(qtbot, view, *train.X[7])
    click_at(qtbot, view, *test.X[3])
    assert got == [("train", 7), ("test", 3)]
    vb = view.plot.getViewBox()
    sx, _ = vb.viewPixelSize()
    x, y = test.X[3]
    far = np.hypot(*(np.concatenate([train.X, test.X]) - (x + 40 * sx, y)).T).min()
    if far > 10 * sx:  # nothing within reach of that spot
        click_at(qtbot, view, x + 40 * sx, y)
        assert len(got) == 2


def test_a_wider_grid_and_new_data_move_the_map(view):
    trainer, train, test, _ = lesson("mlp-xor", 5)
    grid = evaluation_grid([(-2.0, 3.0), (-1.0, 1.0)], 30)
    shown(view, trainer.snapshot(grid=grid), train, test)
    rect = view.image.mapRectToView(view.image.boundingRect())
    step_x, step_y = 5.0 / 29, 2.0 / 29
    assert rect.left() == pytest.approx(-2.0 - step_x / 2) and rect.right() == pytest.approx(3.0 + step_x / 2)
    assert rect.top() == pytest.approx(-1.0 - step_y / 2) and rect.bottom() == pytest.approx(1.0 + step_y / 2)
    view.show_snapshot(trainer.snapshot(grid=grid_for(train)))
    rect = view.image.mapRectToView(view.image.boundingRect())
    assert rect.left() == pytest.approx(train.input_range()[0][0], abs=0.05)


def trained_on(data, sizes, activations, loss, steps=50):
    trainer = Trainer(Network(sizes, activations, seed=1), data, None,
                      TrainingSettings(loss=loss, optimizer="adam", learning_rate=0.02))
    trainer.run(steps)
    return trainer, trainer.snapshot(grid=grid_for(data))


def test_two_input_regression_is_a_zero_centred_map_with_points_coloured_by_target(view):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (80, 2))
    data = Dataset(X, (3.0 * X[:, :1] * X[:, 1:]), "regression")
    trainer, snap = trained_on(data, [2, 8, 1], ["tanh", "linear"], "l2")
    shown(view, snap, data, None)
    assert view.mode == "map"
    lo, hi = view.image.levels
    assert lo == -hi and hi >= np.abs(data.y).max()  # fixed by the data: no flicker while training
    colours = {pt.brush().color().name() for pt in view.points.train.points()}
    assert len(colours) > 20  # each point its own target colour, not one class colour
    view.discretise.setChecked(True)
    assert len(np.unique(view.image.image)) <= 2 * 5 + 2


def test_one_input_classification_draws_the_probability_and_the_points_at_their_class(view):
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (60, 1))
    data = Dataset(x, (x > 0.2).astype(float), "classification")
    trainer, snap = trained_on(data, [1, 4, 1], ["tanh", "sigmoid"], "binary_cross_entropy", 200)
    shown(view, snap, data, None)
    assert view.mode == "curve" and len(view.curves) == 1
    _, py = view.points.train.getData()
    np.testing.assert_array_equal(py, data.labels)
    view.discretise.setChecked(True)
    _, y = view.curves[0].getData()
    _, a = forward(trainer.network, snap.grid)
    np.testing.assert_array_equal(y, (a[-1][:, 0] > 0.5).astype(float))


def test_regression_without_data_grows_its_scale_in_round_steps(view):
    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, (40, 2))
    data = Dataset(X, X[:, :1] * 0.5, "regression")
    trainer, snap = trained_on(data, [2, 4, 1], ["tanh", "linear"], "l2", 5)
    view.show_snapshot(snap)  # no datasets given
    levels = tuple(view.image.levels)
    assert levels[0] == -levels[1] and levels[1] > 0
    trainer.network.layers[-1].bias[:] = 37.0  # the output jumps far beyond the scale
    view.show_snapshot(trainer.snapshot(grid=grid_for(data)))
    assert tuple(view.image.levels) == (-50.0, 50.0)


def legend_rect_in_view(view):
    """The legend's rectangle in the plot's data coordinates."""
    vb = view.plot.getViewBox()
    return vb.mapSceneToView(view.legend.mapToScene(view.legend.boundingRect())).boundingRect()


def test_the_legend_sits_where_it_hides_no_data_point(view):
    snap, _, train, test = lesson_snapshot("outliers", 100)
    shown(view, snap, train, test)
    pg.QtWidgets.QApplication.processEvents()
    rect = legend_rect_in_view(view)
    x, y = view.points.positions["train"]
    assert len(x) and not any(rect.contains(QPointF(a, b)) for a, b in zip(x, y))
    assert view.legend.opts["brush"].color().alpha() < 255  # translucent
    assert "Drag" in view.legend.toolTip()


def test_the_legend_marks_training_points_in_their_own_colour(view):
    snap, _, train, test = lesson_snapshot("sine", 50)
    shown(view, snap, train, test)
    sample = {label.text: item for item, label in view.legend.items}
    colour = sample["training data"].item.opts["brush"].color().name()
    assert colour == view.points.train.points()[0].brush().color().name()
    assert view.plot.getAxis("left").labelText == "y and ŷ"  # short enough to show whole


def test_a_single_output_map_uses_the_canvas_colours_class_one_blue(view):
    from ui.network_view.maps import MAP_RGB
    snap, _, train, test = lesson_snapshot("circles", 50)
    shown(view, snap, train, test)
    lut = view.image.getColorMap().getLookupTable(nPts=256, mode="byte")[:, :3].astype(int)
    # the same hues, a little paler so the points stay visible: low orange, high blue
    assert np.argmax(lut[-1]) == np.argmax(MAP_RGB[-1]) == 2
    assert np.argmax(lut[0]) == np.argmax(MAP_RGB[0]) == 0
    assert CLASS_COLOURS[1] == pg.mkColor(tuple(MAP_RGB[-1])).name()
