"""Behaviour a new user expects from the window and the canvas, tried with
real key presses and mouse drags where the behaviour is about them."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from simulator.presets import make_preset
from ui.document import Document
from ui.main_window import MainWindow

from tests.ui.test_main_window import FakeDialogs


@pytest.fixture
def win(qtbot):
    window = MainWindow(Document(make_preset("mlp-xor")), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.view.setFocus()
    return window


def press(qtbot, window, sequence):
    """Type a shortcut as a person would: the key event goes to the canvas."""
    combo = QKeySequence(sequence)[0]
    qtbot.keyClick(window.view, combo.key(), combo.keyboardModifiers())


# ------------------------------------------------------------------ delete
def test_select_all_then_delete_keeps_only_what_cannot_go(qtbot, win):
    net = win.document.network
    press(qtbot, win, "Ctrl+A")
    assert len(win.view.scene().selected_neurons()) == sum(net.sizes)
    press(qtbot, win, "Delete")
    # the last input and output neuron must stay; everything else went in one step
    assert net.sizes == [1, 1]
    assert win.document.undo_stack.count() == 1
    message = win.statusBar().currentMessage()
    assert "kept" in message and "ŷ" in message and "x1" in message
    win.acts.undo.trigger()
    assert net.sizes == [2, 4, 1]


# --------------------------------------------------------- level of detail
def test_fit_on_a_seven_layer_network_titles_every_layer_without_overlap(qtbot, canvas):
    from simulator.network import Network
    from tests.ui.test_canvas_view import title_ink
    view, scene, doc = canvas(Network([2, 4, 4, 4, 4, 4, 1], seed=0))
    view.resize(700, 420)  # the canvas of a 1400x900 window between its docks
    view.fit()
    titles = [scene._layers[layer].title for layer in range(7)]
    assert all(title.isVisible() for title in titles)
    inks = [title_ink(view, layer) for layer in range(7)]
    assert not any(a.intersects(b) for i, a in enumerate(inks) for b in inks[i + 1:])
    assert all(view.viewport().rect().contains(ink) for ink in inks)
    # the drawing is not a thin strip: the neurons are at least 60 % of their normal size
    assert view.zoom() >= 0.6
    view.resize(1400, 700)
    view.fit()  # room enough: the whole titles come back
    assert not any(title.short for title in titles)


def test_labels_are_readable_or_not_drawn():
    from PySide6.QtGui import QFont
    from ui.network_view.items import MIN_TEXT_PIXELS, fitting_font
    base = QFont()
    assert fitting_font(base, 9, 1.0, "0.53", 29).pixelSize() == 9  # at 100 %: as designed
    for lod in (0.9, 0.6, 0.45):  # zoomed out: the text grows to stay readable while it fits
        font = fitting_font(base, 9, lod, "x1", 29)
        assert font is not None and font.pixelSize() * lod >= MIN_TEXT_PIXELS - 0.5
    assert fitting_font(base, 9, 0.2, "\u22120.53", 29) is None  # too small to read: no label at all


# --------------------------------------------------------- mouse on neurons
@pytest.mark.parametrize("zoom", [1.0, 1.5, 2.0])
@pytest.mark.parametrize("offset", [(19, 0), (0, -19), (-13, 13)])
def test_a_drag_from_19_pixels_off_centre_connects(qtbot, canvas, zoom, offset):
    from PySide6.QtGui import QTransform
    from tests.ui.canvas_support import drag, neuron
    view, scene, doc = canvas()  # 2-4-1 without x1 -> h1
    view.setTransform(QTransform.fromScale(zoom, zoom))
    scene.set_zoom(zoom)
    view.centerOn(scene.neuron_pos((0, 0)))
    before = scene.neuron_xy((0, 0))
    drag(qtbot, view, neuron(view, (0, 0), *offset), neuron(view, (1, 0)))
    assert doc.network.has_edge((0, 0), (1, 0))
    assert scene.neuron_xy((0, 0)) == before and doc.positions == {}


def test_a_neuron_dropped_onto_another_is_set_beside_it_in_the_same_step(qtbot, canvas):
    import numpy as np
    from tests.ui.canvas_support import drag, neuron
    from ui.network_view.layout import DROP_GAP
    view, scene, doc = canvas()
    drag(qtbot, view, neuron(view, (0, 1)), neuron(view, (1, 2)))  # x2 dropped right onto h3
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Move Neuron"
    x, y = scene.neuron_xy((0, 1))
    others = [scene.neuron_xy(k) for k in scene.neuron_keys() if k != (0, 1)]
    assert min(np.hypot(x - ox, y - oy) for ox, oy in others) >= DROP_GAP - 0.1
    hx, hy = scene.neuron_xy((1, 2))
    assert np.hypot(x - hx, y - hy) < DROP_GAP + 8  # the nearest free place, not far away
    assert scene.neuron_at(scene.neuron_pos((0, 1))) == (0, 1)  # nothing hides it: it can be picked
    doc.undo_stack.undo()
    assert doc.positions == {}


# ------------------------------------------------------------------- keys
def test_arrow_keys_nudge_the_selected_neurons_in_one_step(qtbot, canvas):
    view, scene, doc = canvas()
    view.setFocus()
    scene.select_only(neurons=[(1, 0), (1, 1)])
    start = {k: scene.neuron_xy(k) for k in [(1, 0), (1, 1)]}
    for key in (Qt.Key_Right, Qt.Key_Right, Qt.Key_Down):
        qtbot.keyClick(view, key)
    qtbot.keyClick(view, Qt.Key_Left, Qt.ShiftModifier)  # Shift: a fine step
    for key, (x, y) in start.items():
        assert scene.neuron_xy(key) == (x + 19, y + 10)
    assert doc.undo_stack.count() == 1  # the presses in a row are one step
    doc.undo_stack.undo()
    assert {k: scene.neuron_xy(k) for k in start} == start
    scene.select_only()
    qtbot.keyClick(view, Qt.Key_Right)  # nothing selected: nothing moves
    assert doc.positions == {}


def test_ctrl_equals_zooms_in_as_ctrl_plus_does(qtbot, win):
    for keys in ("Ctrl+=", "Ctrl++"):
        zoom = win.view.zoom()
        press(qtbot, win, keys)
        assert win.view.zoom() > zoom * 1.2, keys
    assert "Ctrl+=" in win.acts.zoom_in.text() and "Ctrl+=" in win.acts.zoom_in.toolTip()


def test_the_edit_menu_shows_both_redo_shortcuts_and_both_work(qtbot, win):
    edit = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Edit")
    assert win.acts.redo in edit.actions()
    net = win.document.network
    win.document.set_bias((1, 0), 0.5)
    win.acts.undo.trigger()
    # a menu draws the text after the tab where the shortcut goes
    label, keys = win.acts.redo.text().split("\t")
    assert label == "&Redo Set Bias" and keys == "Ctrl+Y, Ctrl+Shift+Z"
    assert "Ctrl+Y or Ctrl+Shift+Z" in win.acts.redo.toolTip()
    for sequence in ("Ctrl+Y", "Ctrl+Shift+Z"):
        press(qtbot, win, sequence)
        assert net.layers[1].bias[0] == 0.5, sequence
        win.acts.undo.trigger()


def test_toolbar_insert_layer_agrees_with_the_output_neurons_context_menu(qtbot, win):
    net, scene = win.document.network, win.view.scene()
    scene.select_only(neurons=[(2, 0)])  # the output neuron
    button = win.toolbar.widgetForAction(win.acts.insert_layer)
    assert button.isEnabled() and "between Hidden 1 and Output" in win.acts.insert_layer.toolTip()
    menu = scene.context_menu(scene.neuron_pos((2, 0)))
    offered = {a.text(): a.isEnabled() for a in menu.actions()}
    assert offered["Insert Layer Before"] and not offered["Insert Layer After"]
    qtbot.mouseClick(button, Qt.LeftButton)  # the toolbar does what the menu offers: before the output
    assert net.sizes == [2, 4, 2, 1]
    win.acts.undo.trigger()
    next(a for a in menu.actions() if a.text() == "Insert Layer Before").trigger()
    assert net.sizes == [2, 4, 2, 1]
    scene.select_only(neurons=[(0, 0)])  # an input neuron: after it, as its menu's Insert Layer After
    win.acts.insert_layer.trigger()
    assert net.sizes == [2, 2, 4, 2, 1]


def test_a_network_with_the_most_layers_offers_no_insert_anywhere(qtbot, win):
    from simulator.limits import MAX_LAYERS
    net, scene = win.document.network, win.view.scene()
    while net.n_layers < MAX_LAYERS:
        assert win.document.insert_layer(1)
    scene.select_only(neurons=[(2, 0)])
    reason = f"at most {MAX_LAYERS} layers"
    for action in (win.acts.insert_layer, win.acts.insert_before, win.acts.insert_after):
        assert not action.isEnabled() and reason in action.toolTip(), action.text()
    menu = scene.context_menu(scene.neuron_pos((2, 0)))
    for text in ("Insert Layer Before", "Insert Layer After"):
        action = next(a for a in menu.actions() if a.text() == text)
        assert not action.isEnabled() and reason in action.toolTip()
    scene.select_only()  # nothing chosen: the same answer
    assert not win.acts.insert_layer.isEnabled() and not win.acts.insert_before.isEnabled()


def test_status_messages_do_not_linger_after_new(qtbot, win):
    win.document.delete_items(neurons=[(2, 0)])  # refused: the reason shows for a while
    assert win.statusBar().currentMessage()
    win.acts.new.trigger()
    assert win.statusBar().currentMessage() == ""


def test_save_as_suggests_a_folder_that_exists(qtbot, win, tmp_path, monkeypatch):
    import os
    from PySide6.QtCore import QStandardPaths
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda kind: str(home / "Documents"))  # missing
    monkeypatch.chdir(tmp_path)  # the folder the app was started from: never suggested
    asked = []
    win.dialogs.get_save_path = lambda suggestion="": asked.append(suggestion) or ""
    win.acts.save_as.trigger()
    assert os.path.dirname(asked[-1]) == str(home) and asked[-1].endswith(".json")
    (home / "Documents").mkdir()
    win.acts.save_as.trigger()
    assert os.path.dirname(asked[-1]) == str(home / "Documents")


# ---------------------------------------------------------------- layout
def dock_extents(window):
    return {d.objectName(): (d.width() if window.dockWidgetArea(d) in (Qt.LeftDockWidgetArea, Qt.RightDockWidgetArea)
                             else d.height()) for d in window.docks if d.isVisible()}


def settle(qtbot):
    qtbot.wait(50)


def test_a_500_by_350_window_keeps_the_canvas_in_sight_and_the_docks_grow_back(qtbot, win):
    win.resize(1400, 900)  # the window's size at first start
    settle(qtbot)
    start, canvas = dock_extents(win), win.view.size()
    win.resize(500, 350)
    settle(qtbot)
    view = win.view
    assert view.width() >= 200 and view.height() >= 150  # the docks give way, not the drawing
    assert not view.legend_shown()  # a legend would cover the little canvas
    assert view.viewport().rect().contains(
        view.mapFromScene(view.scene().content_rect(titles=False)).boundingRect())
    win.resize(1400, 900)
    settle(qtbot)
    again = dock_extents(win)
    for name, size in start.items():
        assert again[name] >= 0.9 * size, (name, again[name], size)
    assert win.view.width() >= 0.9 * canvas.width() and win.view.height() >= 0.9 * canvas.height()
    assert view.legend_shown()


def test_the_data_and_training_form_scrolls_rather_than_clipping(qtbot, win):
    panel = win.settings_panel
    assert panel.horizontalScrollBarPolicy() == Qt.ScrollBarAsNeeded
    win.resizeDocks([win.docks[1]], [120], Qt.Horizontal)
    settle(qtbot)
    assert panel.widget().width() >= panel.widget().minimumSizeHint().width()  # no field cut off
    assert panel.horizontalScrollBar().maximum() > 0  # the rest is a scroll away


def test_reset_layout_puts_docks_and_toolbar_back(qtbot, win):
    settle(qtbot)
    start = dock_extents(win)
    win.docks[0].hide()
    win.toolbar.hide()
    win.resizeDocks([win.docks[1]], [150], Qt.Horizontal)
    win.removeDockWidget(win.docks[3])
    settle(qtbot)
    view_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    assert win.acts.reset_layout in view_menu.actions()
    win.acts.reset_layout.trigger()
    settle(qtbot)
    assert win.toolbar.isVisible() and all(d.isVisible() or d is win.docks[2] for d in win.docks)
    assert win.dockWidgetArea(win.docks[3]) == Qt.BottomDockWidgetArea
    assert dock_extents(win) == start


# ------------------------------------------------------------- start-up
def test_starting_on_a_bad_file_opens_the_window_and_explains(qtbot, tmp_path):
    from ui.app import DEFAULT_LESSON, open_window
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": ')
    dialogs = FakeDialogs()
    window = open_window(str(bad), dialogs=dialogs)
    qtbot.addWidget(window)
    assert window.isVisible() and not dialogs.errors  # the dialog waits until the window shows
    qtbot.waitUntil(lambda: bool(dialogs.errors))
    title, text, details = dialogs.errors[0]
    assert title == "Could not open the file" and "bad.json" in text
    assert details.startswith("Cannot open") and "not valid JSON" in details
    assert window.lesson == DEFAULT_LESSON and window.document.path is None  # the default project is open
    assert window.document.network.sizes == make_preset(DEFAULT_LESSON).network.sizes


def test_the_inspector_and_the_status_bar_count_layers_alike(qtbot, win):
    import re
    scene = win.view.scene()
    for _ in range(2):
        n = win.document.network.n_layers
        status = int(re.match(r"(\d+) layers?", win.counts_label.text()).group(1))
        output = win.document.network.output_layer
        scene.select_only()
        win.inspector.set_current(("layer", output))
        first, last = map(int, re.search(r"layer \d+ of (\d+)\u2013(\d+)", win.inspector.l_name.text()).groups())
        assert status == n == last - first + 1  # "Output (layer 2 of 0–2)" and "3 layers"
        win.document.insert_layer(2, 3)


def test_neurons_dropped_on_one_spot_are_all_set_apart():
    import numpy as np
    from ui.network_view.layout import DROP_GAP, free_places
    others = np.array([[0.0, 0.0], [0.0, 56.0], [0.0, -56.0]])
    placed = free_places({(1, i): (0.0, 0.0) for i in range(3)}, others)
    points = np.vstack([others, list(placed.values())])
    gaps = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    assert gaps[np.triu_indices(len(points), 1)].min() >= DROP_GAP - 0.1
    assert max(np.hypot(x, y) for x, y in placed.values()) < 3 * DROP_GAP  # near where they were dropped


def _has_colour(image, rect, colour, tolerance=8):
    for y in range(rect.top(), rect.bottom()):
        for x in range(rect.left(), rect.right()):
            c = image.pixelColor(x, y)
            if max(abs(c.red() - colour.red()), abs(c.green() - colour.green()),
                   abs(c.blue() - colour.blue())) <= tolerance:
                return True
    return False


def test_view_menu_switches_the_canvas_to_gradient_colours_and_back(qtbot, win):
    from ui.network_view.legend import LEGEND_SIZES
    from ui.network_view.styles import GRADIENT_PALETTE
    view = win.view
    view_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    texts = [a.text() for a in view_menu.actions()]
    assert "Colour Edges by &Gradient" in texts and "Colour Edges by &Weight" in texts
    assert win.acts.colour_weights.isChecked() and not win.acts.colour_gradients.isChecked()
    win.acts.colour_gradients.trigger()
    assert view.colour_mode() == "gradients" and not win.acts.colour_weights.isChecked()
    legend = view.legend_rect()
    assert legend.size() == LEGEND_SIZES["gradients"]
    # the legend now shows the colour bar of |dL/dw|
    assert _has_colour(view.viewport().grab().toImage(), legend, GRADIENT_PALETTE[-1])
    win.acts.colour_weights.trigger()
    assert view.colour_mode() == "weights" and view.legend_rect().size() == LEGEND_SIZES["weights"]
    assert not _has_colour(view.viewport().grab().toImage(), view.legend_rect(), GRADIENT_PALETTE[-1])
