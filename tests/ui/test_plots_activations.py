"""The activations view: each neuron's map is the core's forward pass, and the
histograms count dead ReLUs and saturated units right."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

from simulator.backprop import forward
from simulator.datasets import Dataset
from simulator.network import Network
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer
from tests.ui.test_plots_helpers import grid_for, lesson, lesson_snapshot
from ui.plots.activation_stats import activations_over, dead_units, histogram, saturated_units
from ui.plots.activation_view import ActivationView


@pytest.fixture
def view(qtbot):
    widget = ActivationView()
    widget.resize(800, 480)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_hidden_neuron_map_is_the_core_forward_pass_over_the_plane(view):
    snap, trainer, train, test = lesson_snapshot("spiral", 200)
    view.set_datasets(train, test)
    view.set_neuron((2, 5))
    view.show_snapshot(snap)
    _, a = forward(trainer.network, snap.grid)
    image = view.neuron_map.image.image
    assert image.dtype == np.float32 and image.flags.c_contiguous
    for x, y, expected in zip(snap.grid[::41, 0], snap.grid[::41, 1], a[2][::41, 5]):
        p = view.neuron_map.image.mapFromView(QPointF(x, y))
        assert image[int(p.y()), int(p.x())] == pytest.approx(expected, rel=1e-6, abs=1e-7)
    assert tuple(view.neuron_map.image.levels) == (-1.0, 1.0)  # tanh: its whole range, centred on 0
    assert "neuron 6 of Hidden 2" in view.neuron_map.plot.titleLabel.text


def test_one_input_shows_the_neuron_as_a_curve(view):
    snap, trainer, train, test = lesson_snapshot("sine", 100)
    view.set_datasets(train, test)
    view.set_neuron((1, 3))
    view.show_snapshot(snap)
    x, y = view.neuron_map.curve.getData()
    _, a = forward(trainer.network, snap.grid)
    np.testing.assert_allclose(y, a[1][:, 3], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(x, snap.grid[:, 0])
    assert not view.neuron_map.image.isVisible()


def test_no_neuron_or_a_neuron_that_went_away_asks_for_a_choice(view):
    snap, _, train, test = lesson_snapshot("spiral", 5)
    view.set_datasets(train, test)
    view.show_snapshot(snap)
    assert view.neuron_map.pages.currentWidget() is view.neuron_map.message
    view.set_neuron((2, 15))
    assert view.neuron_map.pages.currentWidget() is view.neuron_map.canvas
    smaller, _, _, _ = lesson_snapshot("mlp-xor", 5)  # Hidden 2 is gone
    view.show_snapshot(smaller)
    assert view.neuron_map.pages.currentWidget() is view.neuron_map.message
    assert "Select a neuron" in view.neuron_map.message.text()
    view.set_neuron(None)
    assert view.neuron_map.pages.currentWidget() is view.neuron_map.message


def test_dead_units_are_relus_never_positive_over_the_inputs():
    a = np.array([[0.0, 0.3, 0.0, 0.0],
                  [0.0, 0.0, 0.0, 2.0],
                  [0.0, 0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(dead_units("relu", a), [True, False, True, False])
    np.testing.assert_array_equal(dead_units("tanh", a), [False] * 4)
    leaky = np.array([[-0.01, 0.5], [-0.02, -0.01]])
    np.testing.assert_array_equal(dead_units("leaky_relu", leaky), [True, False])


def test_saturated_units_sit_near_a_rail_for_most_inputs():
    n = 100
    rails = np.where(np.arange(n) % 2, 0.99, -0.98)      # always near one rail or the other
    mostly = np.where(np.arange(n) < 85, 0.99, 0.0)     # near a rail for 85 of 100 inputs: not most
    middle = np.linspace(-0.5, 0.5, n)
    a = np.column_stack([rails, mostly, middle])
    np.testing.assert_array_equal(saturated_units("tanh", a), [True, False, False])
    sig = np.column_stack([np.full(n, 0.99), np.full(n, 0.5)])
    np.testing.assert_array_equal(saturated_units("sigmoid", sig), [True, False])


def test_histogram_shares_add_up_and_nan_is_left_out():
    edges = np.linspace(-1.0, 1.0, 5)
    a = np.array([[-1.0, -0.9], [0.1, 0.2], [1.0, 3.0], [np.nan, 0.6]])
    shares = histogram(a, edges)
    np.testing.assert_allclose(shares, np.array([2, 0, 2, 3]) / 8)


def relu_layer_with_dead_units():
    """A 2-4-1 ReLU network on points in [0, 1]^2 in which neurons 1 and 3 can never fire."""
    rng = np.random.default_rng(3)
    X = rng.random((60, 2))
    data = Dataset(X, (X[:, :1] > 0.5).astype(float), "classification")
    net = Network([2, 4, 1], ["relu", "sigmoid"], seed=2)
    w = net.blocks[(0, 1)].weights
    w[:, :] = [[1.0, 1.0, -1.0, -2.0], [1.0, 1.0, 1.0, -1.0]]
    net.layers[1].bias[:] = [0.1, -5.0, 0.2, -0.5]  # neuron 2: z <= 2 - 5 < 0; neuron 4: z < 0
    return Trainer(net, data, None, TrainingSettings(loss="binary_cross_entropy")), data


def test_the_histogram_title_gives_the_dead_share_of_a_constructed_layer(view):
    trainer, data = relu_layer_with_dead_units()
    view.set_datasets(data, None)
    view.show_snapshot(trainer.snapshot(grid=grid_for(data)))
    title = view.histograms.plots[0].titleLabel.text
    assert "2 of 4 dead (50%)" in title
    assert "the grid" in view.histograms.canvas.toolTip()


def test_without_a_grid_the_histograms_run_the_core_on_training_inputs(view):
    rng = np.random.default_rng(0)
    data = Dataset(rng.normal(size=(50, 3)), (rng.random((50, 1)) > 0.5).astype(float), "classification")
    net = Network([3, 5, 1], ["relu", "sigmoid"], seed=4)
    net.layers[1].bias[2] = -100.0  # never fires on these inputs
    trainer = Trainer(net, data, None, TrainingSettings(loss="binary_cross_entropy"))
    snap = trainer.snapshot()
    assert snap.grid is None
    _, expected = forward(net, data.X)
    got = activations_over(snap, data.X)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-6)
    view.set_datasets(data, None)
    view.show_snapshot(snap)
    assert "1 of 5 dead" in view.histograms.plots[0].titleLabel.text
    assert "50 training inputs" in view.histograms.canvas.toolTip()
    assert view.neuron_map.pages.currentWidget() is view.neuron_map.message


def test_a_deep_saturated_tanh_layer_is_reported_and_the_output_layer_is_not(view):
    trainer, train, test, grid = lesson("spiral")
    trainer.network.blocks[(1, 2)].weights *= 40.0  # drives Hidden 2 into its rails
    view.set_datasets(train, test)
    view.show_snapshot(trainer.snapshot(grid=grid))
    titles = [p.titleLabel.text for p in view.histograms.plots]
    assert "saturated" in titles[1] and not titles[1].split("<br>")[1].startswith("0 of")
    assert "saturated" not in titles[2]  # the output: a confident answer, not a problem
    pg.QtWidgets.QApplication.processEvents()


def test_histograms_rebuild_when_the_layers_change_and_survive_nan(view):
    snap, trainer, train, test = lesson_snapshot("spiral", 5)
    view.set_datasets(train, test)
    view.show_snapshot(snap)
    assert len(view.histograms.plots) == 3
    trainer2, train2, test2, grid2 = lesson("circles", 5)
    trainer2.network.blocks[(0, 1)].weights[0, 0] = np.nan
    view.set_datasets(train2, test2)
    view.show_snapshot(trainer2.snapshot(grid=grid2))
    assert len(view.histograms.plots) == 2
    _, shares = view.histograms.curves[0].getData()
    assert np.isfinite(shares).all()


def sigmoid_layer_half_saturated():
    """A 2-2-1 network whose first hidden unit sits on its top rail over the inputs and
    whose second stays in the middle."""
    rng = np.random.default_rng(5)
    X = rng.random((80, 2))
    data = Dataset(X, (X[:, :1] > 0.5).astype(float), "classification")
    net = Network([2, 2, 1], ["sigmoid", "sigmoid"], seed=1)
    net.blocks[(0, 1)].weights[:, :] = [[0.5, 0.1], [0.5, -0.1]]
    net.layers[1].bias[:] = [6.0, 0.0]  # unit 1: z >= 6, a > 0.9975; unit 2: a near 0.5
    return Trainer(net, data, None, TrainingSettings(loss="binary_cross_entropy")), data


def test_the_saturation_title_counts_exactly_the_shaded_bars(view):
    trainer, data = sigmoid_layer_half_saturated()
    view.set_datasets(data, None)
    view.show_snapshot(trainer.snapshot(grid=grid_for(data)))
    plot, curve = view.histograms.plots[0], view.histograms.curves[0]
    title = plot.titleLabel.text
    edges, shares = curve.getData()
    bands = [item.getRegion() for item in plot.items if isinstance(item, pg.LinearRegionItem)]
    centres = 0.5 * (edges[:-1] + edges[1:])
    shaded = np.zeros(len(shares), bool)
    for lo, hi in bands:
        shaded |= (centres > lo) & (centres < hi)
    assert shaded.sum() == 4  # two bars at each rail, whole bars only
    for lo, hi in bands:  # each band's inner edge is a bar edge
        inner = hi if lo < edges[0] else lo
        assert np.isclose(edges, inner).any()
    in_red = shares[shaded].sum()
    assert in_red == pytest.approx(0.5)  # unit 1's values, half of all: what the bars show
    assert "1 of 2 saturated" in title and f"{100 * in_red:.0f}% in red" in title


def test_saturation_and_the_histogram_share_one_bar_rule():
    from ui.plots.activation_stats import BINS, count_layer, rail_edges
    edges = rail_edges("tanh")
    # values either side of the band's inner edge (-0.9 for tanh): only those inside count
    a = np.column_stack([np.full(10, -0.91), np.full(10, -0.89), np.full(10, 0.0)])
    counts = count_layer("tanh", a, edges)
    assert counts.kind == "saturated" and counts.flagged == 1
    assert counts.band_share == pytest.approx(1 / 3)
    np.testing.assert_array_equal(saturated_units("tanh", a), [True, False, False])
    assert len(counts.shares) == BINS and counts.shares.sum() == pytest.approx(1.0)
    assert count_layer("sigmoid", a * 0 + 0.99, rail_edges("sigmoid"), output=True).kind == ""


def test_activation_colours_are_the_canvas_colours_high_is_blue(view):
    from ui.network_view.items import NEGATIVE, POSITIVE
    from ui.network_view.maps import MAP_RGB
    snap, trainer, train, test = lesson_snapshot("spiral", 50)
    view.set_datasets(train, test)
    view.set_neuron((1, 0))
    view.show_snapshot(snap)
    lut = view.neuron_map.image.getColorMap().getLookupTable(nPts=256, mode="byte")[:, :3]
    np.testing.assert_array_equal(lut[0], MAP_RGB[0])
    np.testing.assert_array_equal(lut[-1], MAP_RGB[-1])
    assert tuple(MAP_RGB[-1]) == (POSITIVE.red(), POSITIVE.green(), POSITIVE.blue())  # +1: blue
    assert tuple(MAP_RGB[0]) == (NEGATIVE.red(), NEGATIVE.green(), NEGATIVE.blue())  # -1: orange
    bar = view.neuron_map.colour_bar.colorMap().getLookupTable(nPts=256, mode="byte")[:, :3]
    np.testing.assert_array_equal(bar, lut)
