"""The network canvas: gestures through real mouse events (connect, move, select,
edit, delete) and the edits they make."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDoubleSpinBox

from simulator.network import Network
from tests.ui.canvas_support import at, drag, neuron, rim, wheel
from ui.network_view import NetworkScene
from ui.network_view.items import NeuronItem
from ui.network_view.layout import auto_layout


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
@pytest.mark.parametrize("kind", ["weight", "bias"])
def test_ok_on_the_number_dialog_unchanged_changes_nothing(qtbot, canvas, kind):
    from simulator.limits import MAX_WEIGHT
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
