"""The network canvas: gestures through real mouse events, redraws from the
document's signals, colours, and a big network."""

import dataclasses

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication, QDoubleSpinBox

from simulator.network import Network
from ui.document import Document, default_project
from ui.network_view import NetworkScene, NetworkView
from ui.network_view.items import NEGATIVE, POSITIVE, RADIUS, NeuronItem, edge_pen
from ui.network_view.layout import NEURON_SPACING, auto_layout


def make_doc(network):
    return Document(dataclasses.replace(default_project(), network=network))


@pytest.fixture
def canvas(qtbot):
    """A shown view on 2-4-1 with edge x1 -> h1 removed and a recorder of messages."""
    documents = []

    def build(network=None):
        if network is None:
            network = Network([2, 4, 1], seed=3)
            network.disconnect((0, 0), (1, 0))
        doc = make_doc(network)
        view = NetworkView(doc)
        qtbot.addWidget(view)
        view.resize(800, 600)
        view.show()
        qtbot.waitExposed(view)
        view.messages = []
        doc.message.connect(view.messages.append)
        documents.append(doc)
        return view, view.scene(), doc

    yield build
    # Delete the documents from Qt's side, as tests/ui/test_document.py does:
    # left to the garbage collector, a document whose undo stack holds
    # commands crashes in ~QUndoStack (see the report).
    for doc in documents:
        doc.deleteLater()


def at(view, scene_point, dx=0, dy=0):
    p = view.mapFromScene(scene_point)
    return QPoint(p.x() + dx, p.y() + dy)


def neuron(view, key, dx=0, dy=0):
    return at(view, view.scene().neuron_pos(key), dx, dy)


def rim(view, key):
    """A point on the neuron's rim (its right edge), where a drag connects."""
    return neuron(view, key, dx=int(RADIUS * 0.85 * view.zoom()))


def drag(qtbot, view, start, end, steps=6, modifier=Qt.NoModifier, during=None):
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.LeftButton, modifier, start)
    for k in range(1, steps + 1):
        qtbot.mouseMove(vp, start + (end - start) * (k / steps))
    if during is not None:
        during()
    qtbot.mouseRelease(vp, Qt.LeftButton, modifier, end)


def wheel(view, point, delta=120, modifiers=Qt.NoModifier):
    vp = view.viewport()
    event = QWheelEvent(QPointF(point), QPointF(vp.mapToGlobal(point)), QPoint(0, 0), QPoint(0, delta),
                        Qt.NoButton, modifiers, Qt.NoScrollPhase, False)
    QApplication.sendEvent(vp, event)


# ---------------------------------------------------------------- layout
def test_auto_layout_puts_layers_in_columns_centred_on_zero():
    pos = auto_layout([2, 3, 1])
    assert len(pos) == 6
    assert pos[(0, 0)][0] == pos[(0, 1)][0] < pos[(1, 0)][0] < pos[(2, 0)][0]
    assert [pos[(1, i)][1] for i in range(3)] == [-NEURON_SPACING, 0.0, NEURON_SPACING]
    assert pos[(0, 0)][1] == -pos[(0, 1)][1] and pos[(2, 0)][1] == 0.0


# ------------------------------------------------------------- connecting
def test_drag_from_rim_to_neuron_connects_exactly_that_edge_and_undo_removes_it(qtbot, canvas):
    view, scene, doc = canvas()
    assert isinstance(scene, NetworkScene)
    before = doc.network.edge_count
    drag(qtbot, view, rim(view, (0, 0)), neuron(view, (1, 0)))
    assert doc.network.has_edge((0, 0), (1, 0))
    assert doc.network.edge_count == before + 1
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Connect"
    assert scene.edges_item(0, 1).index_of(0, 0) is not None  # drawn from the signal
    doc.undo_stack.undo()
    assert not doc.network.has_edge((0, 0), (1, 0))
    assert scene.edges_item(0, 1).index_of(0, 0) is None


def test_ctrl_drag_from_the_centre_connects_and_a_skip_connection_is_allowed(qtbot, canvas):
    view, scene, doc = canvas()
    drag(qtbot, view, neuron(view, (0, 1)), neuron(view, (2, 0)), modifier=Qt.ControlModifier)
    assert doc.network.has_edge((0, 1), (2, 0))
    assert scene.edges_item(0, 2).skip


def test_valid_targets_highlight_during_a_connection_drag(qtbot, canvas):
    view, scene, doc = canvas()
    seen = {}

    def look():
        seen.update({key: scene.neuron_item(key).target for key in scene.neuron_keys()})
        seen["line"] = scene._gesture.line is not None

    drag(qtbot, view, rim(view, (0, 0)), neuron(view, (1, 0)), during=look)
    assert seen[(1, 0)] == "hot"                        # under the mouse, valid
    assert seen[(1, 1)] is None                         # already connected: a drop would be refused
    assert seen[(2, 0)] == "valid"                      # a skip connection is fine
    assert seen[(0, 1)] is None and seen[(0, 0)] is None
    assert seen["line"]
    assert all(scene.neuron_item(k).target is None for k in scene.neuron_keys())


@pytest.mark.parametrize("source, target, words", [
    ((1, 2), (0, 1), "input layer"),      # into the input layer
    ((2, 0), (1, 2), "forward"),          # backwards
    ((1, 0), (1, 3), "same layer"),       # within a layer
    ((0, 1), (1, 1), "already connected"),  # duplicate
])
def test_invalid_drop_creates_nothing_and_says_why(qtbot, canvas, source, target, words):
    view, scene, doc = canvas()
    before = doc.network.copy()
    drag(qtbot, view, rim(view, source), neuron(view, target))
    assert doc.network.same_as(before)
    assert doc.undo_stack.count() == 0
    assert len(view.messages) == 1 and words in view.messages[0]


def test_drop_on_empty_space_or_escape_creates_nothing(qtbot, canvas):
    view, scene, doc = canvas()
    drag(qtbot, view, rim(view, (0, 0)), neuron(view, (0, 0), dx=150, dy=-200))
    vp = view.viewport()
    start, end = rim(view, (0, 0)), neuron(view, (1, 0))
    qtbot.mousePress(vp, Qt.LeftButton, Qt.NoModifier, start)
    qtbot.mouseMove(vp, (start + end) / 2)
    qtbot.mouseMove(vp, end)
    assert scene._gesture is not None
    qtbot.keyClick(view, Qt.Key_Escape)
    qtbot.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, end)
    assert doc.undo_stack.count() == 0 and view.messages == []
    assert not doc.network.has_edge((0, 0), (1, 0))
    assert all(isinstance(i, (NeuronItem,)) or i.zValue() < 20 for i in scene.items())  # no stray line


# ----------------------------------------------------------------- moving
def test_dragging_selected_neurons_moves_them_in_one_undo_step(qtbot, canvas):
    view, scene, doc = canvas()
    scene.select_only(neurons=[(1, 0), (1, 1)])
    old = {k: scene.neuron_xy(k) for k in [(1, 0), (1, 1), (1, 2)]}
    start = neuron(view, (1, 0))
    drag(qtbot, view, start, start + QPoint(60, 30))
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Move Neurons"
    assert set(doc.positions) == {(1, 0), (1, 1)}
    for key in [(1, 0), (1, 1)]:
        dx = doc.positions[key][0] - old[key][0]
        dy = doc.positions[key][1] - old[key][1]
        assert dx == pytest.approx(60 / view.zoom(), abs=2 / view.zoom())
        assert dy == pytest.approx(30 / view.zoom(), abs=2 / view.zoom())
        assert scene.neuron_xy(key) == doc.positions[key]
        assert scene.neuron_item(key).pos() == scene.neuron_pos(key)
    assert scene.neuron_xy((1, 2)) == old[(1, 2)]
    # the edges follow their neurons
    item = scene.edges_item(1, 2)
    assert tuple(item.p1[item.index_of(0, 0)]) == doc.positions[(1, 0)]
    doc.undo_stack.undo()
    assert doc.positions == {} and scene.neuron_xy((1, 0)) == old[(1, 0)]


def test_dragging_an_unselected_neuron_selects_and_moves_only_it(qtbot, canvas):
    view, scene, doc = canvas()
    scene.select_only(neurons=[(1, 3)])
    start = neuron(view, (1, 1))
    drag(qtbot, view, start, start + QPoint(0, 40))
    assert set(doc.positions) == {(1, 1)}
    assert scene.selected_neurons() == [(1, 1)]


def test_click_selects_and_emits_current(qtbot, canvas):
    view, scene, doc = canvas()
    seen = []
    scene.current_changed.connect(seen.append)
    vp = view.viewport()
    qtbot.mouseClick(vp, Qt.LeftButton, Qt.NoModifier, neuron(view, (1, 2)))
    assert scene.selected_neurons() == [(1, 2)] and seen[-1] == ("neuron", (1, 2))
    qtbot.mouseClick(vp, Qt.LeftButton, Qt.ShiftModifier, neuron(view, (1, 3)))
    assert scene.selected_neurons() == [(1, 2), (1, 3)]
    edge = ((1, 1), (2, 0))
    qtbot.mouseClick(vp, Qt.LeftButton, Qt.NoModifier, at(view, scene.edge_pos(*edge)))
    assert scene.selected_edges() == [edge] and scene.selected_neurons() == []
    assert seen[-1] == ("edge", edge) and scene.current_layer() == 2
    # an empty spot in the hidden layer's column, between two neurons
    between = (scene.neuron_pos((1, 1)) + scene.neuron_pos((1, 2))) / 2
    qtbot.mouseClick(vp, Qt.LeftButton, Qt.NoModifier, at(view, between))
    assert seen[-1] == ("layer", 1) and scene.selected_edges() == []
    qtbot.mouseClick(vp, Qt.LeftButton, Qt.NoModifier, QPoint(5, 5))
    assert seen[-1] is None


def test_rubber_band_on_background_selects_neurons_and_edges_inside(qtbot, canvas):
    view, scene, doc = canvas()
    top_left = scene.neuron_pos((1, 0)) + QPointF(-40, -40)
    bottom_right = scene.neuron_pos((2, 0)) + QPointF(60, 0)
    drag(qtbot, view, at(view, top_left), at(view, bottom_right))
    assert scene.selected_neurons() == [(1, 0), (1, 1), (2, 0)]
    assert scene.selected_edges() == [((1, 0), (2, 0)), ((1, 1), (2, 0))]
    assert doc.undo_stack.count() == 0


# ------------------------------------------------------------ editing values
def test_double_click_an_edge_sets_its_weight_through_the_dialog(qtbot, canvas):
    view, scene, doc = canvas()
    asked = []
    scene.ask_number = lambda parent, title, label, value: (asked.append((title, value)) or (0.75, True))
    edge = ((0, 1), (1, 2))
    old = doc.network.weight(*edge)
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, at(view, scene.edge_pos(*edge, t=0.4)))
    assert asked == [("Set Weight", old)]
    assert doc.network.weight(*edge) == 0.75
    assert doc.undo_stack.undoText() == "Set Weight"
    scene.ask_number = lambda *a: (9.0, False)  # Cancel changes nothing
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, at(view, scene.edge_pos(*edge, t=0.4)))
    assert doc.network.weight(*edge) == 0.75 and doc.undo_stack.count() == 1


def test_double_click_a_neuron_sets_its_bias_and_an_input_neuron_says_why_not(qtbot, canvas):
    view, scene, doc = canvas()
    scene.ask_number = lambda *a: (-0.5, True)
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, neuron(view, (1, 3)))
    assert doc.network.layers[1].bias[3] == -0.5
    assert scene.neuron_item((1, 3)).bias == -0.5
    scene.ask_number = lambda *a: pytest.fail("no dialog for an input neuron")
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, neuron(view, (0, 0)))
    assert view.messages and "no bias" in view.messages[-1]


def test_double_click_an_empty_spot_in_a_column_adds_a_neuron_there(qtbot, canvas):
    view, scene, doc = canvas()
    between = (scene.neuron_pos((1, 1)) + scene.neuron_pos((1, 2))) / 2
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, at(view, between))
    assert doc.network.sizes == [2, 5, 1]
    assert doc.undo_stack.undoText() == "Add Neuron"
    assert len(scene.neuron_keys()) == 8  # redrawn


def test_wheel_over_a_selected_edge_nudges_its_weight_and_elsewhere_zooms(qtbot, canvas):
    view, scene, doc = canvas()
    edge = ((0, 1), (1, 2))
    w = doc.network.weight(*edge)
    point = at(view, scene.edge_pos(*edge, t=0.4))
    zoom = view.zoom()
    wheel(view, point)                       # not selected: zoom, weight untouched
    assert doc.network.weight(*edge) == w and view.zoom() > zoom
    scene.select_only(edges=[edge])
    point = at(view, scene.edge_pos(*edge, t=0.4))
    zoom = view.zoom()
    wheel(view, point)
    wheel(view, point)
    assert doc.network.weight(*edge) == pytest.approx(w + 0.2, abs=1e-6)
    wheel(view, point, -120, Qt.ShiftModifier)
    assert doc.network.weight(*edge) == pytest.approx(w + 0.19, abs=1e-6)
    assert view.zoom() == zoom
    assert doc.undo_stack.count() == 1       # nudges merge into one step
    doc.undo_stack.undo()
    assert doc.network.weight(*edge) == w


def test_wheel_over_a_selected_neuron_nudges_its_bias(qtbot, canvas):
    view, scene, doc = canvas()
    scene.select_only(neurons=[(2, 0)])
    wheel(view, neuron(view, (2, 0)), -120)
    assert doc.network.layers[2].bias[0] == pytest.approx(-0.1, abs=1e-6)


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
def test_delete_key_removes_selected_neurons_and_edges_in_one_step(qtbot, canvas):
    view, scene, doc = canvas()
    scene.select_only(neurons=[(1, 3)], edges=[((0, 1), (1, 0)), ((1, 3), (2, 0))])
    qtbot.keyClick(view, Qt.Key_Delete)
    assert doc.network.sizes == [2, 3, 1]
    assert not doc.network.has_edge((0, 1), (1, 0))
    assert doc.undo_stack.count() == 1
    assert len(scene.neuron_keys()) == 6 and scene.selected_neurons() == []
    doc.undo_stack.undo()
    assert doc.network.sizes == [2, 4, 1] and doc.network.has_edge((0, 1), (1, 0))


# --------------------------------------------------------------- drawing
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


def test_context_menus_offer_the_edits(qtbot, canvas):
    view, scene, doc = canvas()

    def trigger(menu, *path):
        top = menu  # noqa: F841 - the submenus live as long as their parent
        for text in path[:-1]:
            menu = next(a.menu() for a in menu.actions() if a.text() == text)
        action = next(a for a in menu.actions() if a.text() == path[-1])
        assert action.isEnabled()
        action.trigger()

    trigger(scene.context_menu(scene.neuron_pos((1, 0))), "Layer Activation", "ReLU")
    assert doc.network.activations[0] == "relu"
    trigger(scene.context_menu(scene.neuron_pos((1, 0))), "Insert Layer After")
    assert doc.network.n_layers == 4
    trigger(scene.context_menu(scene.edge_pos((1, 0), (2, 0))), "Delete Edge")
    assert not doc.network.has_edge((1, 0), (2, 0))
    trigger(scene.context_menu(scene.neuron_pos((0, 0))), "Fully Connect To", "Output (layer 3)")
    assert doc.network.blocks[(0, 3)].full
    between = (scene.neuron_pos((2, 0)) + scene.neuron_pos((2, 1))) / 2
    trigger(scene.context_menu(between), "Remove Layer")
    assert doc.network.sizes == [2, 4, 1]
    assert doc.undo_stack.count() == 5


def test_a_64_128_128_10_network_builds_with_a_few_edge_items(qtbot, canvas):
    net = Network([64, 128, 128, 10], seed=0)
    view, scene, doc = canvas(net)
    edges = [scene.edges_item(i, i + 1) for i in range(3)]
    assert sum(len(e) for e in edges) == 64 * 128 + 128 * 128 + 128 * 10 == doc.network.edge_count
    assert len(scene.items()) == 330 + 4 + 4 + 3  # neurons, columns, column titles, edge items
    assert view.grab().toImage().width() > 0
    view.zoom_out()
    view.grab()


def test_the_cursor_and_tooltip_say_which_part_of_a_neuron_does_what(qtbot, canvas):
    view, scene, doc = canvas()
    vp = view.viewport()
    qtbot.mouseMove(vp, neuron(view, (1, 0)))
    assert vp.cursor().shape() == Qt.SizeAllCursor
    qtbot.mouseMove(vp, rim(view, (1, 0)))
    assert vp.cursor().shape() == Qt.CrossCursor
    assert scene.neuron_item((1, 0)).hover == "rim"
    text = scene.help_text(scene.neuron_pos((1, 0)))
    assert "rim" in text and "connect" in text and "move" in text


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


def test_escape_during_a_move_puts_the_neurons_back(qtbot, canvas):
    view, scene, doc = canvas()
    vp = view.viewport()
    old = scene.neuron_xy((1, 2))
    start = neuron(view, (1, 2))
    qtbot.mousePress(vp, Qt.LeftButton, Qt.NoModifier, start)
    qtbot.mouseMove(vp, start + QPoint(20, 20))
    qtbot.mouseMove(vp, start + QPoint(50, 40))
    assert scene.neuron_xy((1, 2)) != old  # follows the mouse live
    qtbot.keyClick(view, Qt.Key_Escape)
    qtbot.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, start + QPoint(50, 40))
    assert scene.neuron_xy((1, 2)) == old and doc.undo_stack.count() == 0


def test_re_layout_from_the_background_menu_forgets_moved_positions(qtbot, canvas):
    view, scene, doc = canvas()
    doc.move_neurons({(1, 0): (500.0, -400.0)})
    assert scene.neuron_xy((1, 0)) == (500.0, -400.0)
    menu = scene.context_menu(scene.content_rect().topLeft() - QPointF(200, 200))
    next(a for a in menu.actions() if a.text() == "Re-layout").trigger()
    assert doc.positions == {} and scene.neuron_xy((1, 0)) == auto_layout([2, 4, 1])[(1, 0)]


def test_activations_have_the_same_names_in_the_context_menu_the_inspector_and_the_canvas(qtbot, canvas):
    from ui.inspector import ActivationBox
    view, scene, doc = canvas()
    menu = scene.context_menu(scene.neuron_pos((1, 0)))
    sub = next(a.menu() for a in menu.actions() if a.text() == "Layer Activation")
    box = ActivationBox("")
    qtbot.addWidget(box)
    assert [a.text() for a in sub.actions()] == [box.itemText(i) for i in range(box.count())]
    assert "Leaky ReLU" in [a.text() for a in sub.actions()]
    doc.set_activation(1, "leaky_relu")
    assert scene._layers[1].title.subtitle == "Leaky ReLU"
    assert "Leaky ReLU" in scene.help_text(scene.neuron_pos((1, 0)))


# ------------------------------------------------------------ fit and legend
def title_ink(view, layer):
    """Where a layer title's text is drawn, in viewport pixels."""
    title = view.scene()._layers[layer].title
    return view.mapFromScene(title.mapRectToScene(QRectF(-50, 0, 100, 34))).boundingRect()


def drawing_on_screen(view):
    """The columns and edges, in viewport pixels."""
    return view.mapFromScene(view.scene().content_rect(titles=False)).boundingRect()


@pytest.mark.parametrize("size", [(800, 600), (520, 420), (320, 560), (900, 300)])
@pytest.mark.parametrize("sizes", [[2, 4, 1], [2, 16, 16, 1], [1, 1]])
def test_fit_shows_everything_clear_of_the_legend_without_scroll_bars(qtbot, canvas, size, sizes):
    view, scene, doc = canvas(Network(sizes, seed=0))
    view.resize(*size)
    view.fit()
    viewport, legend = view.viewport().rect(), view.legend_rect()
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


@pytest.mark.parametrize("kind", ["weight", "bias"])
def test_ok_on_the_number_dialog_unchanged_changes_nothing(qtbot, canvas, kind):
    from simulator.network import MAX_WEIGHT
    view, scene, doc = canvas()
    edge, key = ((0, 1), (1, 2)), (1, 2)
    value = 0.123456789  # more digits than the dialog shows
    doc.set_weight(*edge, value) if kind == "weight" else doc.set_bias(key, value)
    doc.undo_stack.setClean()
    seen = {}

    def press_ok():  # the real dialog, as a person sees it
        dialog = QApplication.activeModalWidget()
        seen.update(decimals=dialog.doubleDecimals(), top=dialog.doubleMaximum(),
                    shown=dialog.findChild(QDoubleSpinBox).value())
        dialog.accept()

    QTimer.singleShot(0, press_ok)
    scene.edit_weight(*edge) if kind == "weight" else scene.edit_bias(key)
    assert seen["decimals"] >= 6 and seen["top"] == MAX_WEIGHT and seen["shown"] == 0.123457
    assert doc.undo_stack.count() == 1 and not doc.is_modified()  # only the set-up edit
    scene.ask_number = lambda *a: (0.123458, True)  # a changed value is set
    scene.edit_weight(*edge) if kind == "weight" else scene.edit_bias(key)
    assert doc.undo_stack.count() == 2 and doc.is_modified()


def test_positions_far_out_are_refused_and_fit_survives_a_huge_drawing(qtbot, canvas):
    from ui.commands import MAX_POSITION
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


def test_delete_neuron_in_the_menu_removes_a_layer_as_the_delete_key_does(qtbot, canvas):
    view, scene, doc = canvas(Network([2, 1, 1], seed=0))

    def delete_from_menu():
        menu = scene.context_menu(scene.neuron_pos((1, 0)))
        next(a for a in menu.actions() if a.text() == "Delete Neuron").trigger()

    def delete_key():
        scene.select_only(neurons=[(1, 0)])
        view.setFocus()
        qtbot.keyClick(view, Qt.Key_Delete)

    said = []
    for delete in (delete_key, delete_from_menu):
        view.messages.clear()
        delete()
        assert doc.network.sizes == [2, 1] and doc.undo_stack.undoText() == "Delete"
        said.append(view.messages)
        doc.undo_stack.undo()
    assert said[0] == said[1] == ["Removed Hidden 1; connected Input to Output directly with new random weights."]
