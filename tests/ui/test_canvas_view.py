"""The network canvas as it is drawn: layout, colours and widths, zoom, pan and
fit, and a big network."""

import dataclasses

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor

from simulator.network import Network
from tests.ui.canvas_support import at, drag, wheel
from ui.document import Document, default_project
from ui.network_view.items import NEGATIVE, POSITIVE, RADIUS, edge_pen
from ui.network_view.layout import NEURON_SPACING, auto_layout


def test_auto_layout_puts_layers_in_columns_centred_on_zero():
    pos = auto_layout([2, 3, 1])
    assert len(pos) == 6
    assert pos[(0, 0)][0] == pos[(0, 1)][0] < pos[(1, 0)][0] < pos[(2, 0)][0]
    assert [pos[(1, i)][1] for i in range(3)] == [-NEURON_SPACING, 0.0, NEURON_SPACING]
    assert pos[(0, 0)][1] == -pos[(0, 1)][1] and pos[(2, 0)][1] == 0.0


# ------------------------------------------------------------- connecting
def test_wheel_zooms_about_the_cursor(qtbot, canvas):
    view, scene, doc = canvas()
    point = QPoint(200, 150)
    anchor = view.mapToScene(point)
    zoom = view.zoom()
    wheel(view, point, 240)
    assert view.zoom() == pytest.approx(zoom * 1.0015 ** 240)
    moved = view.mapFromScene(anchor) - point
    assert abs(moved.x()) <= 2 and abs(moved.y()) <= 2
    zoom = view.zoom()
    view.zoom_out()
    assert view.zoom() == pytest.approx(zoom / 1.25)
    view.fit()
    rect = view.mapToScene(view.viewport().rect()).boundingRect()
    assert rect.contains(scene.content_rect())


def test_middle_drag_pans_and_does_not_select(qtbot, canvas):
    view, scene, doc = canvas()
    view.zoom_in()
    view.zoom_in()
    vp = view.viewport()
    start = QPoint(400, 300)
    anchor = view.mapToScene(start)
    qtbot.mousePress(vp, Qt.MiddleButton, Qt.NoModifier, start)
    qtbot.mouseMove(vp, start + QPoint(-30, -20))
    qtbot.mouseMove(vp, start + QPoint(-60, -40))
    qtbot.mouseRelease(vp, Qt.MiddleButton, Qt.NoModifier, start + QPoint(-60, -40))
    moved = view.mapFromScene(anchor) - start
    assert (moved.x(), moved.y()) == (-60, -40)
    assert scene.selected_neurons() == [] and doc.undo_stack.count() == 0


# ----------------------------------------------------------------- delete
def test_edge_colour_follows_the_sign_of_its_weight(qtbot, canvas):
    assert edge_pen(0.8).color().rgb() == POSITIVE.rgb()
    assert edge_pen(-0.8).color().rgb() == NEGATIVE.rgb()
    assert edge_pen(-2.0).widthF() > edge_pen(-0.2).widthF()
    net = Network([1, 2], activations=["linear"], seed=0)
    net.set_weight((0, 0), (1, 0), 2.0)
    net.set_weight((0, 0), (1, 1), -2.0)
    view, scene, doc = canvas(net)
    image = view.grab().toImage()
    for key, want in (((1, 0), POSITIVE), ((1, 1), NEGATIVE)):
        p = at(view, scene.edge_pos((0, 0), key, t=0.5))
        got = QColor(image.pixel(p))
        assert abs(got.red() - want.red()) + abs(got.green() - want.green()) + abs(got.blue() - want.blue()) < 60, \
            (key, got.name(), want.name())
    doc.set_weight((0, 0), (1, 0), -2.0)  # restyled from values_changed
    image = view.grab().toImage()
    got = QColor(image.pixel(at(view, scene.edge_pos((0, 0), (1, 0), t=0.5))))
    assert abs(got.red() - NEGATIVE.red()) < 40 and abs(got.blue() - NEGATIVE.blue()) < 40


def test_values_change_restyles_without_rebuilding(qtbot, canvas):
    view, scene, doc = canvas()
    item, neuron_item = scene.edges_item(0, 1), scene.neuron_item((1, 0))
    doc.set_weight((0, 1), (1, 0), -3.0)
    doc.set_bias((1, 0), 1.5)
    assert scene.edges_item(0, 1) is item and scene.neuron_item((1, 0)) is neuron_item
    assert item.weights[item.index_of(1, 0)] == -3.0 and neuron_item.bias == 1.5
    doc.connect((0, 0), (1, 0))
    assert scene.edges_item(0, 1) is not item  # structure: rebuilt


def test_skip_connections_arch_above_the_columns_between(qtbot, canvas):
    net = Network([2, 4, 1], seed=3)
    net.connect((0, 1), (2, 0), 1.0)
    view, scene, doc = canvas(net)
    item = scene.edges_item(0, 2)
    assert item.skip and item.zValue() > scene.edges_item(0, 1).zValue()
    apex = scene.edge_pos((0, 1), (2, 0), t=0.5)
    assert apex.y() < scene.neuron_pos((1, 0)).y() - RADIUS  # above the hidden column
    assert scene.edge_at(apex) == ((0, 1), (2, 0))


def test_a_64_128_128_10_network_builds_with_a_few_edge_items(qtbot, canvas):
    net = Network([64, 128, 128, 10], seed=0)
    view, scene, doc = canvas(net)
    edges = [scene.edges_item(i, i + 1) for i in range(3)]
    assert sum(len(e) for e in edges) == 64 * 128 + 128 * 128 + 128 * 10 == doc.network.edge_count
    # neurons, columns, column titles, edge items, the phase badge and the trace's labels
    assert len(scene.items()) == 330 + 4 + 4 + 3 + 2
    assert view.grab().toImage().width() > 0
    view.zoom_out()
    view.grab()


def test_space_drag_pans_instead_of_drawing_a_band(qtbot, canvas):
    view, scene, doc = canvas()
    view.zoom_in()
    start = QPoint(300, 300)
    anchor = view.mapToScene(start)
    qtbot.keyPress(view, Qt.Key_Space)
    drag(qtbot, view, start, start + QPoint(40, 25))
    qtbot.keyRelease(view, Qt.Key_Space)
    moved = view.mapFromScene(anchor) - start
    assert (moved.x(), moved.y()) == (40, 25)
    assert scene.selected_neurons() == []


def title_ink(view, layer):
    """Where a layer title's text is drawn, in viewport pixels."""
    title = view.scene()._layers[layer].title
    return view.mapFromScene(title.mapRectToScene(title.ink())).boundingRect()


def drawing_on_screen(view):
    """The columns and edges, in viewport pixels."""
    return view.mapFromScene(view.scene().content_rect(titles=False)).boundingRect()


@pytest.mark.parametrize("size", [(800, 600), (520, 420), (320, 560), (900, 300)])
@pytest.mark.parametrize("sizes", [[2, 4, 1], [2, 16, 16, 1], [1, 1]])
def test_fit_shows_everything_clear_of_the_legend_without_scroll_bars(qtbot, canvas, size, sizes):
    view, scene, doc = canvas(Network(sizes, seed=0))
    view.resize(*size)
    view.fit()
    viewport = view.viewport().rect()
    legend = view.legend_rect() if view.legend_shown() else QRect()  # a small canvas drops the legend
    assert viewport.contains(drawing_on_screen(view)) and not drawing_on_screen(view).intersects(legend)
    for layer in range(len(sizes)):
        if scene._layers[layer].title.isVisible():
            ink = title_ink(view, layer)
            assert viewport.contains(ink) and not ink.intersects(legend), (layer, ink, legend)
    assert not view.horizontalScrollBar().isVisible() and not view.verticalScrollBar().isVisible()


def test_a_structural_edit_refits_unless_the_person_looks_at_a_part(qtbot, canvas):
    view, scene, doc = canvas()
    view.fit()
    for _ in range(3):
        doc.insert_layer(2)  # the network grows to the right
        assert view.viewport().rect().contains(drawing_on_screen(view))
    view.zoom_out()  # zoomed by hand, but the whole network is still in sight
    for _ in range(3):
        doc.insert_layer(2)
        assert view.viewport().rect().contains(drawing_on_screen(view))
    for _ in range(6):
        view.zoom_in()  # now a part fills the view: an edit leaves the view alone
    zoom, centre = view.zoom(), view.mapToScene(view.viewport().rect().center())
    doc.insert_layer(2)
    assert view.zoom() == zoom and view.mapToScene(view.viewport().rect().center()) == centre


def test_layer_titles_never_pile_up_when_zoomed_far_out(qtbot, canvas):
    view, scene, doc = canvas(Network([2, 8, 8, 8, 8, 1], seed=0))
    for _ in range(40):
        view.zoom_out()
    shown = [layer for layer in range(6) if scene._layers[layer].title.isVisible()]
    assert 5 in shown  # the output keeps its title
    inks = [title_ink(view, layer) for layer in shown]
    assert not any(a.intersects(b) for i, a in enumerate(inks) for b in inks[i + 1:])
    view.fit()
    assert all(scene._layers[layer].title.isVisible() for layer in range(6))


@pytest.mark.parametrize("sizes, size", [([2, 4, 4, 4, 4, 4, 1], (300, 220)), ([2, 3, 3, 3, 3, 3, 3, 3, 1], (400, 220)),
                                         ([2, 2, 2, 2, 2, 2, 1], (700, 410))])
def test_fit_gives_a_deep_network_the_width_and_every_title(qtbot, canvas, sizes, size):
    view, scene, doc = canvas(Network(sizes, seed=0))
    view.resize(*size)
    view.fit()
    viewport = view.viewport().rect()
    # no room kept for whole titles where short ones ("H3") show: the drawing spans the canvas
    assert drawing_on_screen(view).width() >= 0.8 * viewport.width()
    assert all(scene._layers[layer].title.isVisible() for layer in range(len(sizes)))
    inks = [title_ink(view, layer) for layer in range(len(sizes))]
    assert all(viewport.contains(ink) for ink in inks)
    assert not any(a.intersects(b) for i, a in enumerate(inks) for b in inks[i + 1:])


def test_edge_width_follows_the_largest_weight_of_the_network(qtbot, canvas):
    from ui.network_view.view import width_key
    net = Network([1, 3], activations=["linear"], seed=0)
    for index, weight in enumerate((3.0, -12.0, 30.0)):
        net.set_weight((0, 0), (1, index), weight)
    view, scene, doc = canvas(net)
    item = scene.edges_item(0, 1)

    def width(index):
        return item.pen_for(item.index_of(0, index)).widthF()

    assert width(0) < width(1) < width(2)  # far past the old saturation at |w| ~ 3
    assert width_key(view.largest_weight()) == "width \u221d |w| (max 30)"
    doc.set_weight((0, 0), (1, 2), 0.3)  # now 12 is the largest
    assert width(1) > width(0) > width(2)
    assert width(1) == max(width(i) for i in range(3))
    assert view.largest_weight() == 12.0
    doc.disconnect_layers(0, 1)
    assert width_key(view.largest_weight()) == "width \u221d |w|"


def test_positions_far_out_are_refused_and_fit_survives_a_huge_drawing(qtbot, canvas):
    from simulator.limits import MAX_POSITION
    layout = {"positions": [[1, 0, 1e308, 0.0], [1, 1, 0.0, -2e6], [1, 2, MAX_POSITION, -MAX_POSITION]]}
    net = Network([2, 4, 1], seed=3)
    doc = Document(dataclasses.replace(default_project(), network=net, layout=layout))
    assert doc.positions == {(1, 2): (MAX_POSITION, -MAX_POSITION)}  # the two far ones are skipped
    doc.deleteLater()
    view, scene, doc = canvas()
    assert not doc.move_neurons({(1, 0): (10.0, 0.0), (1, 1): (MAX_POSITION * 2, 0.0)})
    assert doc.undo_stack.count() == 0 and "at most 1,000,000" in view.messages[-1]
    scene.preview_positions({(1, 0): (1e308, 0.0)})  # past any check: the view still copes
    view.fit()
    view.zoom_in()
    view.zoom_out()
    assert 0 < view.zoom() < 1

