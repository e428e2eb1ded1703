"""The canvas while training: snapshots restyle it, gradient-flow colours on
fixed log levels, per-neuron activation maps, the phase of a step, a
single-sample trace, and the inspector's large map."""

import dataclasses
import math
from types import MappingProxyType

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QRect, QSize
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from simulator.backprop import forward
from simulator.datasets import evaluation_grid
from simulator.network import Network
from simulator.presets import make_preset
from simulator.trainer import Trainer
from tests.ui.canvas_support import at
from ui.document import Document
from ui.inspector import Inspector
from ui.network_view.items import NEGATIVE, POSITIVE, RADIUS
from ui.network_view.maps import MAP_RGB, to_levels
from ui.network_view.overlays import format_number
from ui.network_view.styles import GRADIENT_PALETTE, WEIGHT_PALETTE


def lesson(name, steps=60, grid_side=20):
    """A preset's network, a Trainer on a copy of it after ``steps`` steps, and an evaluation grid."""
    project = make_preset(name)
    train, test = project.datasets()
    trainer = Trainer(project.network.copy(), train, test, project.settings)
    trainer.run(steps)
    grid = evaluation_grid(train.input_range(), grid_side) if train.X.shape[1] <= 2 else None
    return project.network, trainer, grid


def close(a, b, tol=60):
    a, b = QColor(a), QColor(b)
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < tol


def with_gradients(snapshot, factor):
    """The same snapshot with every dL/dw multiplied by ``factor`` (a frame of weaker or stronger gradients)."""
    grads = MappingProxyType({k: np.asarray(g) * factor for k, g in snapshot.grad_weights.items()})
    return dataclasses.replace(snapshot, grad_weights=grads, step=snapshot.step + 1)


# ------------------------------------------------------------- weights
def test_a_snapshot_restyles_edges_and_neurons_from_its_own_weights(qtbot, canvas):
    network, trainer, grid = lesson("mlp-xor", steps=200)
    view, scene, doc = canvas(network)
    snap = trainer.snapshot()
    # The document says the opposite sign for one edge; the snapshot is what is drawn.
    w = float(snap.weights[(0, 1)][0, 0])
    doc.set_weight((0, 0), (1, 0), -2.0 * math.copysign(1.0, w))
    assert view.show_snapshot(snap)
    item = scene.edges_item(0, 1)
    shown = item.weights[item.index_of(0, 0)]
    assert shown == pytest.approx(w)
    image = view.grab().toImage()
    pixel = QColor(image.pixel(at(view, scene.edge_pos((0, 0), (1, 0), t=0.5))))
    assert close(pixel, POSITIVE if w > 0 else NEGATIVE), pixel.name()
    # Widths follow |w| of the snapshot, the widest for the largest.
    weights = snap.weights[(0, 1)][item.src, item.dst]
    widths = np.array([item.pen_for(k).widthF() for k in range(len(item))])
    strongest = int(np.argmax(np.abs(weights)))
    assert widths[strongest] == widths.max() > widths[int(np.argmin(np.abs(weights)))]
    assert scene.neuron_item((1, 2)).bias == pytest.approx(float(snap.biases[1][2]))
    # Training goes on: a later snapshot moves the drawing with it.
    trainer.run(300)
    later = trainer.snapshot()
    view.show_snapshot(later)
    assert item.weights == pytest.approx(later.weights[(0, 1)][item.src, item.dst])
    for k in range(len(item)):
        assert item.colour_of(k) == WEIGHT_PALETTE[int(np.sign(item.weights[k])) + 1]
    # None: back to the document's own values.
    view.show_snapshot(None)
    assert item.weights[item.index_of(0, 0)] == doc.network.weight((0, 0), (1, 0))


def test_a_snapshot_of_another_shape_is_ignored(qtbot, canvas):
    network, trainer, grid = lesson("mlp-xor")
    view, scene, doc = canvas(network)
    snap = trainer.snapshot()
    doc.disconnect((0, 0), (1, 0))  # the snapshot still has that edge
    before = scene.edges_item(0, 1).weights.copy()
    assert not view.show_snapshot(snap)
    assert np.array_equal(scene.edges_item(0, 1).weights, before)


# ----------------------------------------------------------- gradients
def test_gradient_mode_colours_edges_by_the_decade_of_their_gradient(qtbot, canvas):
    network, trainer, grid = lesson("spiral", steps=30)
    view, scene, doc = canvas(network)
    view.set_colour_mode("gradients")
    assert view.colour_mode() == "gradients"
    snap = trainer.snapshot()
    view.show_snapshot(snap)
    magnitudes = np.concatenate([np.abs(snap.grad_weights[key][item.src, item.dst])
                                 for key, item in scene._edges.items()])
    top = math.ceil(math.log10(magnitudes.max()))
    assert scene.grad_levels.top == top
    colours = np.concatenate([item.colours for item in scene._edges.values()])
    # A larger |dL/dw| is never paler, and each colour is one power of ten.
    order = np.argsort(magnitudes)
    assert np.all(np.diff(colours[order]) >= 0)
    expected = np.clip(np.floor(np.log10(magnitudes)) - (top - 6) + 1, 0, 6)
    assert np.array_equal(colours, expected.astype(int))
    item = scene.edges_item(1, 2)
    k = int(np.argmax(np.abs(item.gradients)))
    assert item.colour_of(k) == GRADIENT_PALETTE[int(item.colours[k])] and item.colours[k] >= 5


def test_gradient_levels_stay_fixed_from_frame_to_frame(qtbot, canvas):
    network, trainer, grid = lesson("spiral", steps=30)
    view, scene, doc = canvas(network)
    view.set_colour_mode("gradients")
    snap = trainer.snapshot()
    view.show_snapshot(snap)
    top = scene.grad_levels.top
    first = {key: item.colours.copy() for key, item in scene._edges.items()}
    # Gradients a hundred times weaker: the scale stays, so every edge that
    # was above the bottom of the scale pales by two colours.
    view.show_snapshot(with_gradients(snap, 0.01))
    assert scene.grad_levels.top == top
    for key, item in scene._edges.items():
        assert np.array_equal(item.colours, np.maximum(first[key] - 2, 0)), key
    # The same frame again: the same colours (no flicker).
    view.show_snapshot(with_gradients(snap, 1.0))
    for key, item in scene._edges.items():
        assert np.array_equal(item.colours, first[key])
    # Stronger gradients widen the scale, by whole powers of ten.
    view.show_snapshot(with_gradients(snap, 1000.0))
    assert scene.grad_levels.top == top + 3


def test_gradient_mode_fills_neurons_by_delta_and_the_legend_says_so(qtbot, canvas):
    network, trainer, grid = lesson("mlp-xor", steps=5)
    view, scene, doc = canvas(network)
    snap = trainer.snapshot()
    view.show_snapshot(snap)
    view.set_colour_mode("gradients")
    deltas = snap.neuron_deltas[1]
    pos, neg = int(np.argmax(deltas)), int(np.argmin(deltas))
    assert deltas[pos] > 0 > deltas[neg]
    fill_pos, fill_neg = scene.neuron_item((1, pos)).fill, scene.neuron_item((1, neg)).fill
    assert fill_pos.blue() > fill_pos.red() and fill_neg.red() > fill_neg.blue()
    assert scene.neuron_item((0, 0)).fill is None  # inputs have no delta
    image = view.grab().toImage()
    legend = view.legend_rect()
    found = {QColor(image.pixel(x, y)).rgb() for x in range(legend.left(), legend.right(), 2)
             for y in range(legend.top(), legend.bottom(), 2)}
    assert all(c.rgb() in found for c in GRADIENT_PALETTE)  # the colour bar
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.ToolTip, legend.center(),
                                                      view.viewport().mapToGlobal(legend.center())))
    assert "log scale" in QToolTip.text() and "a(source) \u00d7 \u03b4(target)" in QToolTip.text()
    tip = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "qtooltip_label" and w.isVisible())
    assert tip.width() < 520 and tip.height() > 3 * tip.fontMetrics().height()  # a paragraph, not one long line
    QToolTip.hideText()
    tip = scene.help_text(scene.edge_pos((0, 0), (1, 0)))
    assert "|dL/dw| = " in tip and "a(source) \u00d7 \u03b4(target)" in tip
    view.set_colour_mode("weights")
    assert scene.neuron_item((1, pos)).fill is None
    with pytest.raises(ValueError):
        view.set_colour_mode("rainbow")


# ------------------------------------------------------------ mini maps
def test_mini_maps_show_each_neurons_activation_over_the_grid(qtbot, canvas):
    network, trainer, grid = lesson("mlp-xor", steps=300, grid_side=20)
    view, scene, doc = canvas(network)
    view.show_snapshot(trainer.snapshot(grid=grid))
    _, a = forward(trainer.network, grid)  # the core's own forward pass
    spans = {1: (-1.0, 1.0), 2: (0.0, 1.0)}  # tanh, sigmoid
    for layer in (1, 2):
        for index in range(doc.network.sizes[layer]):
            image = scene.neuron_item((layer, index)).map
            assert (image.width(), image.height()) == (20, 20)
            want = MAP_RGB[to_levels(a[layer][:, index], *spans[layer]).reshape(20, 20)].astype(int)
            # Image row 0 is the top of the plane: the largest x2. The map fills the circle: inside
            # the disc each pixel has its level's colour; the corners are transparent.
            got = np.array([[QColor(image.pixel(i, 19 - j)).getRgb()[:3] for i in range(20)] for j in range(20)])
            disc = np.hypot(*np.meshgrid(np.arange(20) - 9.5, np.arange(20) - 9.5)) <= 10
            assert np.abs(got - want)[disc].max() <= 3, (layer, index)
            assert QColor.fromRgba(image.pixel(0, 0)).alpha() == 0 and QColor.fromRgba(image.pixel(10, 10)).alpha() == 255
    assert scene.neuron_item((0, 0)).map is None
    # Drawn inside the circle when zoomed in, not when zoomed out.
    key = (2, 0)
    for _ in range(3):
        view.zoom_in()
    view.centerOn(scene.neuron_pos(key))
    image = scene.neuron_item(key).map
    expected = QColor(image.pixel(10, 10))
    centre = QColor(view.grab().toImage().pixel(at(view, scene.neuron_pos(key))))
    assert close(centre, expected, 40), (centre.name(), expected.name())
    for _ in range(12):
        view.zoom_out()
    assert view.zoom() * RADIUS < 9
    centre = QColor(view.grab().toImage().pixel(at(view, scene.neuron_pos(key))))
    assert close(centre, QColor(255, 248, 225), 30)  # the output's plain fill


def test_mini_maps_follow_every_new_snapshot_and_only_changed_ones_are_made_again(qtbot, canvas):
    network, trainer, grid = lesson("mlp-xor", steps=20, grid_side=20)
    view, scene, doc = canvas(network)
    keys = [key for key in scene.neuron_keys() if key[0] > 0]

    def colours(key):
        image = scene.neuron_item(key).map
        return [image.pixel(i, j) for i in range(4, 16, 3) for j in range(4, 16, 3)]

    early = trainer.snapshot(grid=grid)
    view.show_snapshot(early)
    first = {key: colours(key) for key in keys}
    trainer.run(400)
    view.show_snapshot(trainer.snapshot(grid=grid))
    later = {key: colours(key) for key in keys}
    assert any(first[key] != later[key] for key in keys)  # training moved the maps
    images = {key: scene.neuron_item(key).map for key in keys}
    view.show_snapshot(trainer.snapshot(grid=grid))  # the same weights again
    assert all(scene.neuron_item(key).map is images[key] for key in keys)  # nothing made again
    view.show_snapshot(early)  # back (e.g. an undo): every map is the early one again
    assert {key: colours(key) for key in keys} == first


def test_one_input_gives_curves_and_no_grid_gives_no_maps(qtbot, canvas):
    network, trainer, grid = lesson("sine", steps=200, grid_side=50)
    view, scene, doc = canvas(network)
    snap = trainer.snapshot(grid=grid)
    view.show_snapshot(snap)
    curve = scene.neuron_item((2, 0)).map
    ys = np.array([curve.at(i).y() for i in range(curve.size())])
    xs = np.array([curve.at(i).x() for i in range(curve.size())])
    assert np.all(np.diff(xs) > 0)
    acts = snap.grid_activations[2][np.argsort(snap.grid[:, 0]), 0]
    # The curve's highest point is where the output is largest (y grows downwards).
    assert abs(np.argmin(ys) / (len(ys) - 1) - np.argmax(acts) / (len(acts) - 1)) < 0.05
    view.show_snapshot(trainer.snapshot())  # no grid
    assert all(scene.neuron_item(key).map is None for key in scene.neuron_keys())


# ---------------------------------------------------------------- phase
def test_set_phase_tints_the_active_column_and_names_the_phase(qtbot, canvas):
    network, trainer, grid = lesson("spiral", steps=1)
    view, scene, doc = canvas(network)
    band = scene._layers[2].band
    spot = at(view, band.center())  # between neurons (columns of 16, centred between two)
    spot.setY(at(view, band.bottomLeft()).y() - 6)
    plain = QColor(view.grab().toImage().pixel(spot))
    view.set_phase(("backward", 2))
    assert [scene._layers[l].phase for l in range(4)] == [None, None, "backward", None]
    assert scene._badge.isVisible() and scene._badge.text == "\u2190 Backward: Hidden 2"
    tinted = QColor(view.grab().toImage().pixel(spot))
    assert tinted.rgb() != plain.rgb() and tinted.red() > tinted.blue()  # vermilion on the way back
    view.set_phase(("forward", 1))
    assert [scene._layers[l].phase for l in range(4)] == [None, "forward", None, None]
    assert QColor(view.grab().toImage().pixel(spot)).rgb() == plain.rgb()
    view.set_phase(("update", None))
    assert [scene._layers[l].phase for l in range(4)] == [None, "update", "update", "update"]
    view.set_phase(None)
    assert not scene._badge.isVisible() and all(scene._layers[l].phase is None for l in range(4))
    doc.remove_layer(2)  # the highlight survives a rebuild only if its layer does
    view.set_phase(("loss", 2))
    assert scene._layers[2].phase == "loss"


@pytest.mark.parametrize("size", [(800, 600), (420, 600), (600, 260)])
def test_the_phase_badge_stays_whole_in_sight_and_leaves_nothing_behind(qtbot, canvas, size):
    view, scene, doc = canvas(make_preset("mlp-xor").network)
    view.resize(*size)
    view.fit()
    badge = scene._badge
    for phase in (("forward", 1), ("forward", 2), ("loss", 2), ("backward", 2), ("update", None)):
        view.set_phase(phase)
        pill = badge_on_screen(view, badge)
        assert view.viewport().rect().contains(pill), (phase, pill)  # not cut by the canvas's edge
    # everything the pill paints lies inside its bounding rect, with a clear pixel round it:
    # moving it leaves nothing behind
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionGraphicsItem
    for phase in (("forward", 1), ("backward", 2)):
        view.set_phase(phase)
        rect = badge.boundingRect()
        image = QImage(int(rect.width()), int(rect.height()), QImage.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.translate(-rect.topLeft())
        badge.paint(painter, QStyleOptionGraphicsItem())
        painter.end()
        border = [image.pixelColor(x, y).alpha() for x in range(image.width()) for y in (0, image.height() - 1)]
        border += [image.pixelColor(x, y).alpha() for y in range(image.height()) for x in (0, image.width() - 1)]
        assert max(border) == 0
        assert image.pixelColor(image.width() // 2, image.height() // 2).alpha() == 255


def badge_on_screen(view, badge):
    """The pill's rectangle in viewport pixels."""
    return badge.deviceTransform(view.viewportTransform()).mapRect(badge._rect).toAlignedRect()


def test_zooming_in_keeps_the_phase_badge_small_and_the_phase_column_in_sight(qtbot, canvas):
    view, scene, doc = canvas(make_preset("backprop-trace").network)
    view.resize(700, 414)
    view.fit()
    view.set_phase(("backward", len(scene._layers) - 1))
    badge = scene._badge
    before = badge_on_screen(view, badge)
    for _ in range(6):  # Ctrl++ six times
        view.zoom_in()
    assert view.zoom() > 3
    after = badge_on_screen(view, badge)
    assert abs(after.width() - before.width()) <= 1 and abs(after.height() - before.height()) <= 1
    assert view.viewport().rect().contains(after)
    band = view.mapFromScene(scene.phase_band(len(scene._layers) - 1)).boundingRect()
    assert view.viewport().rect().contains(band.center())  # the Output column stays on the canvas
    neuron = view.mapFromScene(scene.neuron_pos((len(scene._layers) - 1, 0)))
    assert view.viewport().rect().contains(neuron)
    assert not after.intersects(QRect(neuron.x() - 20, neuron.y() - 20, 40, 40))  # the badge covers no neuron


def test_ctrl_plus_zooms_about_the_selection_or_the_drawing_not_the_title_room(qtbot, canvas):
    view, scene, doc = canvas(make_preset("mlp-xor").network)
    view.resize(700, 414)
    view.fit()
    core = scene.content_rect(titles=False)
    centre = view.mapFromScene(core.center())
    view.zoom_in()
    assert (view.mapFromScene(core.center()) - centre).manhattanLength() <= 2  # the network stays centred
    view.fit()
    scene.select_only(neurons=[(2, 0)])
    view.zoom_in()
    view.zoom_in()
    spot = view.mapFromScene(scene.neuron_pos((2, 0)))
    assert (spot - view.viewport().rect().center()).manhattanLength() <= 2  # the selection comes to the centre


# ---------------------------------------------------------------- trace
def test_a_trace_labels_nodes_and_edges_with_its_numbers(qtbot, canvas):
    network, trainer, grid = lesson("mlp-xor", steps=100)
    view, scene, doc = canvas(network)
    trace = trainer.trace(2)
    blank = view.grab().toImage()
    assert view.show_trace(trace)
    label = scene._trace_item
    assert label.node_lines((1, 3)) == [f"z {format_number(trace.z[1][3])}", f"a {format_number(trace.a[1][3])}",
                                        f"\u03b4 {format_number(trace.delta[1][3])}"]
    assert float(label.node_lines((1, 3))[1][2:].replace("\u2212", "-")) == pytest.approx(trace.a[1][3], rel=2e-3)
    assert label.node_lines((0, 1)) == [f"x {format_number(trace.x[1])}"]
    assert label.edge_text((1, 2), 2, 0) == format_number(trace.grad_w[(1, 2)][2, 0])
    # Painted beside the neurons when zoomed in; the tooltip always has them.
    view.zoom_in()
    labelled = view.grab().toImage()
    corner = at(view, scene.neuron_pos((1, 3)), dx=int(RADIUS * view.zoom()), dy=-int(20 * view.zoom()))
    beside = QRect(corner, QSize(int(70 * view.zoom()), int(40 * view.zoom())))
    view.show_trace(None)
    plain = view.grab().toImage()
    assert labelled.copy(beside) != plain.copy(beside)
    view.show_trace(trace)
    tip = scene.help_text(scene.neuron_pos((1, 3)))
    assert f"z = {format_number(trace.z[1][3])}" in tip and f"\u03b4 = {format_number(trace.delta[1][3])}" in tip
    tip = scene.help_text(scene.edge_pos((1, 2), (2, 0)))
    assert f"dL/dw = a(source) \u00d7 \u03b4(target) = {format_number(trace.grad_w[(1, 2)][2, 0])}" in tip
    # Zoomed far out there is no room: nothing is drawn over the network.
    for _ in range(8):
        view.zoom_out()
    with_trace = view.grab().toImage()
    view.show_trace(None)
    assert view.grab().toImage() == with_trace
    assert blank.width() > 0
    other = Trainer(Network([2, 3, 1], seed=0), trainer.train).trace(0)
    assert not view.show_trace(other)  # a trace of another network


def test_stepping_without_a_trace_the_badge_says_where_the_numbers_are(qtbot, canvas):
    from ui.network_view.overlays import TRACE_HINT
    network, trainer, grid = lesson("backprop-trace", steps=1)
    view, scene, doc = canvas(network)
    view.resize(700, 414)
    view.fit()
    view.set_phase(("backward", 2))
    badge = scene._badge
    assert badge.hint == TRACE_HINT and "Output tab" in TRACE_HINT
    pill = badge_on_screen(view, badge)
    assert view.viewport().rect().contains(pill) and pill.height() >= 36  # two lines, both in sight
    assert view.show_trace(trainer.trace(0))
    assert badge.hint == "" and badge.text == "\u2190 Backward: Output"  # the numbers are on the canvas now
    assert badge_on_screen(view, badge).height() < pill.height()
    view.show_trace(None)
    assert badge.hint == TRACE_HINT


# ------------------------------------------------------------- inspector
def test_the_inspector_shows_the_selected_neurons_map_large(qtbot):
    network, trainer, grid = lesson("mlp-xor", steps=300, grid_side=30)
    doc = Document(make_preset("mlp-xor"))
    inspector = Inspector(doc)
    qtbot.addWidget(inspector)
    inspector.show()
    snap = trainer.snapshot(grid=grid)
    inspector.show_snapshot(snap)
    inspector.set_current(("neuron", (1, 1)))
    assert inspector.plots.isVisible() and inspector.plots.isTabVisible(0)
    assert inspector.plots.currentWidget() is inspector.map_plot
    image = inspector.map_plot.image.image
    _, a = forward(trainer.network, grid)
    assert image.shape == (30, 30)
    assert np.allclose(image, a[1][:, 1].reshape(30, 30).T, atol=1e-5)  # [x1, x2]
    assert inspector.map_plot.image.levels == pytest.approx([-1.0, 1.0])  # tanh's range
    assert "step 300" in inspector.map_plot.caption.text()
    inspector.set_current(("neuron", (0, 0)))  # inputs: no map, no activation
    assert not inspector.plots.isVisible()
    inspector.set_current(("neuron", (2, 0)))
    assert inspector.plots.isTabVisible(0)
    inspector.show_snapshot(None)
    assert not inspector.plots.isTabVisible(0) and inspector.plots.isTabVisible(1)


# ------------------------------------------------------------ big network
def test_a_784_1024_1024_10_network_opens_and_a_neuron_can_be_selected(qtbot, canvas):
    view, scene, doc = canvas(Network([784, 1024, 1024, 10], seed=0))
    inspector = Inspector(doc)
    qtbot.addWidget(inspector)
    scene.current_changed.connect(inspector.set_current)
    assert sum(len(scene.edges_item(i, i + 1)) for i in range(3)) == doc.network.edge_count
    image = view.grab().toImage()
    assert not image.isNull()
    assert scene.edges_item(1, 2)._coarse_mode  # zoomed out: only the strongest edges are drawn
    scene.select_only(neurons=[(1, 0)])
    assert inspector.outgoing.rowCount() == 1024 and inspector.incoming.rowCount() == 784
    assert inspector.outgoing.text(1023, 0) == "neuron 1024 of Hidden 2"


def test_a_diverged_snapshot_draws_honestly_without_warnings(qtbot, canvas):
    import warnings
    from ui.network_view.legend import width_key
    network, trainer, grid = lesson("mlp-xor", steps=20)
    view, scene, doc = canvas(network)
    snap = trainer.snapshot()
    weights = {k: np.array(v, np.float32) for k, v in snap.weights.items()}
    weights[(0, 1)][0, 0], weights[(0, 1)][1, 1], weights[(1, 2)][0, 0] = np.inf, 3e38, -np.inf
    biases = [np.array(b, np.float32) for b in snap.biases]
    biases[1][0], biases[1][1], biases[2][0] = 1e38, np.nan, -np.inf
    grads = {k: np.array(v, np.float32) for k, v in snap.grad_weights.items()}
    grads[(0, 1)][0, 0], grads[(1, 2)][1, 0] = np.inf, np.nan
    deltas = [np.array(d, np.float32) for d in snap.neuron_deltas]
    deltas[1][0], deltas[1][2] = np.inf, np.nan
    bad = dataclasses.replace(snap, weights=MappingProxyType(weights), biases=tuple(biases),
                              grad_weights=MappingProxyType(grads), neuron_deltas=tuple(deltas), step=snap.step + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (overflow, invalid cast) fails the test
        assert view.show_snapshot(bad)
        image = view.grab().toImage()
        view.set_colour_mode("gradients")
        view.grab()
        view.set_colour_mode("weights")
    assert [scene.neuron_item((1, i))._text for i in (0, 1)] == ["1e38", "NaN"]
    assert scene.neuron_item((2, 0))._text == "\u2212\u221e"
    assert scene.diverged and view.largest_weight() == pytest.approx(3e38, rel=1e-6)
    assert width_key(view.largest_weight(), True) == "width \u221d |w| (diverged)"
    # the widths still tell the finite weights apart: infinite ones the widest, the others by size
    item = scene.edges_item(0, 1)
    assert item.widths[item.index_of(0, 0)] == item.widths.max()
    legend = view.legend_rect()
    reds = [QColor(image.pixel(x, y)) for x in range(legend.left(), legend.right())
            for y in range(legend.top(), legend.bottom())]
    assert any(c.red() > 150 and c.green() < 60 and c.blue() < 80 for c in reds)  # "(diverged)" in red
    assert view.show_snapshot(trainer.snapshot()) and not scene.diverged


# ------------------------------------------------------- dense networks
def title_pixels(view, scene, layer):
    title = scene._layers[layer].title
    rect = view.mapFromScene(title.mapRectToScene(title.ink())).boundingRect().adjusted(6, 3, -6, -3)  # inside the rounded corners
    return view.grab().toImage().copy(rect)


def test_on_the_digits_canvas_titles_stay_readable_over_edges_and_trace_labels(qtbot, canvas):
    project = make_preset("digits")
    train, test = project.datasets()
    trainer = Trainer(project.network.copy(), train, test, project.settings)
    view, scene, doc = canvas(project.network)
    view.resize(1100, 800)
    view.fit()
    assert [scene._layers[l].title.isVisible() for l in range(3)] == [True, True, True]
    # Hidden 1's title sits where the 64 inputs' edges fan past: they hardly show through it
    shown = title_pixels(view, scene, 1)
    for item in scene._edges.values():
        item.hide()
    bare = title_pixels(view, scene, 1)
    worst = max(max(abs(a - b) for a, b in zip(QColor(shown.pixel(x, y)).getRgb()[:3],
                                                   QColor(bare.pixel(x, y)).getRgb()[:3]))
                for x in range(0, shown.width(), 2) for y in range(0, shown.height(), 2))
    assert worst <= 25
    for item in scene._edges.values():
        item.show()
    # zoomed in with one example traced, its number boxes never cover a title
    assert view.show_trace(trainer.trace(0))
    view.setTransform(view.transform().fromScale(0.8, 0.8))
    scene.set_zoom(0.8)
    for layer in range(3):
        view.centerOn(scene._layers[layer].title.sceneBoundingRect().center())
        with_trace = title_pixels(view, scene, layer)
        view.show_trace(None)
        assert title_pixels(view, scene, layer) == with_trace, layer
        view.show_trace(trainer.trace(0))


def test_trace_labels_of_a_column_too_dense_to_read_are_left_to_the_tooltips():
    from ui.network_view.overlays import column_gap
    assert column_gap(np.array([[0.0, 0.0], [0.0, 56.0], [0.0, 20.0]])) == pytest.approx(20.0)
    assert column_gap(np.zeros((1, 2))) == math.inf  # one neuron: nothing to run into
