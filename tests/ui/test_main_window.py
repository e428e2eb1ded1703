"""The main window: actions change the model, files round-trip, prompts, the
status bar and title, settings kept private, and the command line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup, QImage, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QTableWidget, QToolButton

from simulator.presets import PRESET_NAMES, make_preset
from ui.document import Document
from ui.main_window import MainWindow
from ui.settings_dock import problem_text

ROOT = Path(__file__).resolve().parents[2]


class FakeDialogs:
    """Answers every question at once and records what was asked."""

    def __init__(self):
        self.save_answer = "discard"
        self.open_path = ""
        self.save_path = ""
        self.layer_pair = None
        self.asked = []
        self.errors = []
        self.infos = []

    def ask_save_changes(self, name):
        self.asked.append(name)
        return self.save_answer

    def get_open_path(self, folder=""):
        return self.open_path

    def get_save_path(self, suggestion=""):
        return self.save_path

    def show_error(self, title, text, details=""):
        self.errors.append((title, text, details))

    def show_info(self, title, text):
        self.infos.append((title, text))

    def ask_layer_pair(self, title, layer_names, default):
        return self.layer_pair


@pytest.fixture
def win(qtbot):
    dialogs = FakeDialogs()
    window = MainWindow(Document(make_preset("mlp-xor")), dialogs=dialogs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def plain(action):
    """The text a person reads: without the & that marks the keyboard mnemonic, nor
    the shortcuts a menu shows after a tab."""
    return action.text().split("\t")[0].replace("&", "")


def select(window, neurons=(), edges=()):
    window.view.scene().select_only(neurons=neurons, edges=edges)


def test_delete_removes_the_selected_neuron_and_edge(win):
    net = win.document.network
    select(win, neurons=[(1, 2)], edges=[((0, 0), (1, 0))])
    win.acts.delete.trigger()
    assert net.sizes == [2, 3, 1]
    assert not net.has_edge((0, 0), (1, 0))
    assert plain(win.acts.undo) == "Undo Delete"
    win.acts.undo.trigger()
    assert net.sizes == [2, 4, 1] and net.has_edge((0, 0), (1, 0))


def test_delete_with_nothing_selected_explains(win):
    select(win)
    win.acts.delete.trigger()
    assert "Select" in win.statusBar().currentMessage()
    assert win.document.undo_stack.count() == 0


def test_add_neuron_goes_to_the_chosen_layer(win):
    net = win.document.network
    select(win, neurons=[(2, 0)])
    assert win.acts.add_neuron.text().endswith("Output")
    win.acts.add_neuron.trigger()
    assert net.sizes == [2, 4, 2]
    select(win)
    win.acts.add_neuron.trigger()  # nothing chosen: the last hidden layer
    assert net.sizes == [2, 5, 2]
    assert plain(win.acts.undo) == "Undo Add Neuron"


def test_insert_and_remove_layer(win):
    net = win.document.network
    select(win, neurons=[(1, 0)])
    win.acts.insert_after.trigger()
    assert net.sizes == [2, 4, 2, 1]
    assert net.activations == ["tanh", "tanh", "sigmoid"]
    assert net.has_edge((1, 0), (2, 0)) and net.has_edge((2, 1), (3, 0))
    assert not net.has_edge((1, 0), (3, 0))  # the new layer sits in the path
    select(win, neurons=[(2, 0)])
    win.acts.insert_before.trigger()
    assert net.sizes == [2, 4, 2, 2, 1]
    select(win, neurons=[(2, 0)])
    assert win.acts.remove_layer.isEnabled()
    win.acts.remove_layer.trigger()
    assert net.sizes == [2, 4, 2, 1]
    select(win, neurons=[(0, 0)])
    assert not win.acts.remove_layer.isEnabled() and not win.acts.insert_before.isEnabled()


def test_change_activation_from_the_menu(win):
    net = win.document.network
    select(win, neurons=[(1, 3)])
    assert win.acts.activations["tanh"].isChecked()
    assert not win.acts.activations["softmax"].isEnabled()  # hidden layer
    win.acts.activations["relu"].trigger()
    assert net.activations == ["relu", "sigmoid"]
    assert win.acts.activations["relu"].isChecked()
    assert plain(win.acts.undo) == "Undo Set Activation"


def test_fully_connect_and_disconnect_layers_ask_for_the_pair(win):
    net = win.document.network
    win.dialogs.layer_pair = (0, 2)
    win.acts.connect_layers.trigger()
    assert all(net.has_edge((0, i), (2, 0)) for i in range(2))
    win.dialogs.layer_pair = (1, 2)
    win.acts.disconnect_layers.trigger()
    assert not any(net.has_edge((1, i), (2, 0)) for i in range(4))
    win.dialogs.layer_pair = None  # cancelled
    count = win.document.undo_stack.count()
    win.acts.connect_layers.trigger()
    assert win.document.undo_stack.count() == count


def test_edit_menu_names_the_command(win):
    win.document.connect((0, 0), (2, 0))
    assert plain(win.acts.undo) == "Undo Connect"
    win.acts.undo.trigger()
    assert plain(win.acts.redo) == "Redo Connect"
    win.document.set_weight((0, 0), (1, 0), 2.0)
    assert plain(win.acts.undo) == "Undo Set Weight"


def test_refused_edit_shows_its_reason_in_the_status_bar(win):
    win.document.connect((1, 0), (0, 0))
    assert "input layer" in win.statusBar().currentMessage()


def test_title_and_status_bar_show_the_modified_marker_until_saved(win, tmp_path):
    assert "*" not in win.windowTitle()
    win.document.set_bias((1, 0), 0.5)
    assert win.windowTitle().startswith("Multilayer perceptron: XOR*")
    assert win.file_label.text().endswith("*")
    win.dialogs.save_path = str(tmp_path / "xor.json")
    win.acts.save.trigger()
    assert win.windowTitle() == "xor.json — Backprop Studio"
    assert win.file_label.text() == "xor.json"
    win.acts.undo.trigger()
    assert win.windowTitle().startswith("xor.json*")


def test_status_bar_counts_the_network(win):
    assert win.counts_label.text() == "3 layers · 7 neurons · 12 edges · 17 parameters"
    win.document.disconnect((0, 0), (1, 0))
    assert win.counts_label.text() == "3 layers · 7 neurons · 11 edges · 16 parameters"


def test_save_and_reopen_through_the_window_round_trips(win, tmp_path):
    doc = win.document
    doc.set_weight((0, 1), (1, 2), -0.125)
    doc.set_bias((2, 0), 0.75)
    doc.connect((0, 0), (2, 0), 1.5)
    doc.set_activation(1, "relu")
    doc.move_neurons({(1, 0): (12.0, -40.0), (2, 0): (400.0, 5.5)})
    doc.set_setting("learning_rate", 0.25)
    saved, positions, settings = doc.network.copy(), dict(doc.positions), doc.settings
    path = tmp_path / "round trip.json"
    win.dialogs.save_path = str(path)
    win.acts.save_as.trigger()
    assert path.exists() and not doc.is_modified()
    assert json.loads(path.read_text())["layout"]  # positions are in the file

    win.acts.new.trigger()
    assert not doc.network.same_as(saved) and doc.path is None
    win.dialogs.open_path = str(path)
    win.acts.open.trigger()
    assert doc.network.same_as(saved)
    assert doc.positions == positions
    assert doc.settings == settings
    assert doc.path == str(path) and not doc.is_modified()
    assert win.windowTitle() == "round trip.json — Backprop Studio"
    assert win.dialogs.errors == []


@pytest.mark.parametrize("content", ["{not json", json.dumps({"format": "something-else"}), "",
                                     json.dumps({"format": "backprop-studio-project", "version": 1,
                                                 "network": {"sizes": "x"}, "data": {}})])
def test_malformed_file_shows_the_reason_and_keeps_the_document(win, tmp_path, content):
    doc = win.document
    doc.set_bias((1, 1), 0.3)
    before, title = doc.network.copy(), win.windowTitle()
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    win.dialogs.save_answer = "discard"
    win.dialogs.open_path = str(bad)
    win.acts.open.trigger()
    assert len(win.dialogs.errors) == 1
    title_text, text, details = win.dialogs.errors[0]
    assert "bad.json" in text and "unchanged" in text
    assert details and "Traceback" not in details
    assert doc.network.same_as(before)
    assert doc.is_modified() and win.windowTitle() == title and doc.path is None


def test_missing_file_from_the_recent_list_is_explained_and_dropped(win, tmp_path):
    gone = tmp_path / "gone.json"
    win.recent.add(str(gone))
    win.open_path(str(gone))
    assert len(win.dialogs.errors) == 1
    assert str(gone) not in win.recent.paths()


def test_unsaved_changes_prompt_on_new_open_lesson_and_close(win, tmp_path):
    doc = win.document
    doc.set_bias((1, 0), 0.9)
    edited = doc.network.copy()

    win.dialogs.save_answer = "cancel"
    win.acts.new.trigger()
    win.acts.open.trigger()
    win.acts.lessons["sine"].trigger()
    assert not win.close()
    assert len(win.dialogs.asked) == 4
    assert doc.network.same_as(edited) and doc.is_modified()

    win.dialogs.save_answer = "save"
    win.dialogs.save_path = str(tmp_path / "kept.json")
    win.acts.lessons["sine"].trigger()
    assert (tmp_path / "kept.json").exists()
    assert doc.network.sizes == [1, 16, 1]

    doc.set_bias((1, 0), 0.1)
    win.dialogs.save_answer = "discard"
    win.acts.new.trigger()
    assert not doc.is_modified() and doc.path is None


def test_unmodified_document_is_replaced_without_asking(win):
    win.acts.lessons["spiral"].trigger()
    assert win.dialogs.asked == []
    assert win.document.network.sizes == [2, 16, 16, 1]
    assert "spiral" in win.lesson_text.toPlainText().lower()


def test_lessons_menu_has_one_entry_per_preset(win):
    assert list(win.acts.lessons) == list(PRESET_NAMES)
    assert win.acts.lessons["mlp-xor"].text() == "Multilayer perceptron: XOR"


def test_recent_files_and_geometry_live_in_the_private_settings(qtbot, tmp_path, private_settings):
    dialogs = FakeDialogs()
    first = MainWindow(Document(make_preset("mlp-xor")), dialogs=dialogs)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    dialogs.save_path = str(tmp_path / "a.json")
    first.acts.save.trigger()
    first.resize(780, 700)
    assert first.close()
    ini = list(private_settings.rglob("*.ini"))
    assert ini, "settings were not written to the temporary location"
    second = MainWindow(Document(make_preset("mlp-xor")), dialogs=FakeDialogs())
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.recent.paths() == [str(tmp_path / "a.json")]
    second._fill_recent_menu()
    assert [a.text() for a in second.recent_menu.actions()][0] == "&1 a.json"
    assert (second.width(), second.height()) == (780, 700)


def test_standard_shortcuts(win):
    a = win.acts
    for action, key in ((a.new, QKeySequence.New), (a.open, QKeySequence.Open), (a.save, QKeySequence.Save),
                        (a.save_as, QKeySequence.SaveAs), (a.undo, QKeySequence.Undo),
                        (a.redo, QKeySequence.Redo), (a.delete, QKeySequence.Delete),
                        (a.select_all, QKeySequence.SelectAll), (a.zoom_in, QKeySequence.ZoomIn),
                        (a.zoom_out, QKeySequence.ZoomOut), (a.quit, QKeySequence.Quit)):
        expected = QKeySequence.keyBindings(key)
        if expected:  # some platforms have no binding for a standard key (SaveAs on Linux is Ctrl+Shift+S)
            assert action.shortcut() == expected[0], action.text()


def _menu_actions(menu):
    for action in menu.actions():
        if action.isSeparator():
            continue
        if action.menu() is not None:
            yield from _menu_actions(action.menu())
        else:
            yield action


def test_every_control_has_a_tooltip(win):
    win._fill_recent_menu()
    missing = []
    for top in win.menuBar().actions():
        for action in _menu_actions(top.menu()):
            tip = action.toolTip().strip()
            if action.isEnabled() and (not tip or tip == action.text().replace("&", "")):
                missing.append(f"menu: {action.text()}")
    for button in win.toolbar.findChildren(QToolButton):
        if button.defaultAction() is not None and not button.toolTip():
            missing.append(f"toolbar: {button.defaultAction().text()}")
    for dock in win.docks:
        widgets = [w for kind in (QAbstractButton, QComboBox, QAbstractSpinBox, QTableWidget)
                   for w in dock.widget().findChildren(kind)]
        for widget in widgets:
            if widget.parent() is not None and widget.objectName().startswith("qt_"):
                continue
            if isinstance(widget, QAbstractButton) and widget.parent().inherits("QAbstractSpinBox"):
                continue
            if not widget.toolTip().strip():
                missing.append(f"{dock.windowTitle()}: {type(widget).__name__} {widget.objectName()}")
    assert missing == []


def test_docks_are_toggled_from_the_view_menu(win):
    view_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    texts = [a.text() for a in view_menu.actions()]
    for title in ("Inspector", "Data && Training", "Plots", "Undo History", "Lesson"):
        assert title in texts
    toggle = next(a for a in view_menu.actions() if a.text() == "Plots")
    toggle.trigger()
    assert not win.docks[4].isVisible()


def test_canvas_selection_drives_the_inspector(win):
    select(win, edges=[((1, 2), (2, 0))])
    assert win.inspector.current == ("edge", ((1, 2), (2, 0)))
    win.inspector.e_weight.setValue(-2.5)
    assert win.document.network.weight((1, 2), (2, 0)) == -2.5


# ------------------------------------------------------------- command line
def run_main(*args, cwd=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=cwd or ROOT)


def test_screenshot_writes_a_non_blank_1400x900_png(tmp_path):
    out = tmp_path / "window.png"
    result = run_main("--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)
    pixels = np.frombuffer(image.convertToFormat(QImage.Format_RGB32).constBits(), np.uint32)
    assert len(np.unique(pixels)) > 200  # a drawing, not a flat colour
    assert (pixels != pixels[0]).mean() > 0.2


def test_screenshot_of_a_file(tmp_path):
    doc = Document(make_preset("sine"))
    doc.save(tmp_path / "sine.json")
    out = tmp_path / "sine.png"
    result = run_main("--screenshot", str(out), str(tmp_path / "sine.json"))
    assert result.returncode == 0, result.stderr
    assert QImage(str(out)).width() == 1400


@pytest.mark.parametrize("args", [("--bogus",), ("--screenshot",), ("--screenshot", "x.png", "missing.json"),
                                  ("--screenshot", "/no/such/folder/x.png")])
def test_command_line_errors_are_one_line_and_exit_2(tmp_path, args):
    result = run_main(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("backprop-studio: "), result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_file_on_the_command_line_names_the_problem(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "backprop-studio-project", "version": 99}')
    result = run_main("--screenshot", str(tmp_path / "x.png"), str(bad))
    assert result.returncode == 2
    assert "version" in result.stderr and "Traceback" not in result.stderr


def test_excepthook_turns_a_crash_into_one_plain_line(capsys, monkeypatch, tmp_path):
    import threading

    from ui.app import ERROR_LOG_VARIABLE, error_log_path, install_excepthook
    log = tmp_path / "errors.log"
    monkeypatch.setenv(ERROR_LOG_VARIABLE, str(log))  # never the log a person's crash dialog names
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    messages = install_excepthook(interactive=False)
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    err = capsys.readouterr().err
    assert err == "backprop-studio: division by zero\n"
    assert messages == ["division by zero"]
    # the details, traceback and all, went to the log
    assert error_log_path() == str(log)
    assert "Traceback" in log.read_text(encoding="utf-8") and "ZeroDivisionError" in log.read_text(encoding="utf-8")


def test_data_and_training_edits_are_undoable(win):
    panel, doc = win.settings_panel, win.document
    panel.learning_rate.setValue(0.1)
    assert doc.settings.learning_rate == 0.1
    assert plain(win.acts.undo) == "Undo Set Learning Rate"
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("momentum"))
    assert doc.settings.optimizer == "momentum" and panel.momentum.isEnabled()
    panel.generator.setCurrentIndex(panel.generator.findData("sine"))
    assert doc.data["recipe"]["generator"] == "sine"
    assert panel.problems_label.isVisibleTo(panel) and panel.problems[0].startswith("data:")  # sine has 1 input
    panel.samples.setValue(50)
    panel.samples.setValue(60)  # spin-box steps of one setting merge
    assert doc.data["recipe"]["n"] == 60
    assert plain(win.acts.undo) == "Undo Change Data"
    win.acts.undo.trigger()
    assert doc.data["recipe"] == {**doc.data["recipe"], "generator": "sine", "n": 100}
    win.acts.undo.trigger()
    assert doc.data["recipe"]["generator"] == "xor"
    assert panel.generator.currentData() == "xor" and not panel.problems and not panel.problems_label.isVisibleTo(panel)
    win.acts.undo.trigger()
    win.acts.undo.trigger()
    assert doc.settings.learning_rate == 1.0 and panel.learning_rate.value() == 1.0


def test_ctrl_y_and_ctrl_shift_z_both_redo(win, qtbot):
    shortcuts = win.acts.redo.shortcuts()
    assert QKeySequence("Ctrl+Y") in shortcuts and QKeySequence("Ctrl+Shift+Z") in shortcuts
    assert shortcuts[0] == QKeySequence.keyBindings(QKeySequence.Redo)[0]
    win.document.set_bias((1, 0), 0.5)
    win.acts.undo.trigger()
    win.activateWindow()
    win.view.setFocus()
    qtbot.keyClick(win.view, Qt.Key_Y, Qt.ControlModifier)
    assert win.document.network.layers[1].bias[0] == 0.5


def test_with_nothing_selected_add_neuron_never_adds_an_output_and_insert_layer_goes_before_the_output(win):
    doc, net = win.document, win.document.network
    win.acts.lessons["perceptron-xor"].trigger()
    assert net.sizes == [2, 1]
    select(win)
    win.acts.add_neuron.trigger()
    assert net.sizes == [2, 1] and doc.undo_stack.count() == 0
    assert win.statusBar().currentMessage().startswith("Select a layer first")
    assert win.acts.insert_after.isEnabled() and win.acts.insert_before.isEnabled()
    assert "before the Output layer" in win.acts.insert_after.toolTip()
    win.acts.insert_after.trigger()
    assert net.sizes == [2, 2, 1] and net.activations == ["tanh", "step"]
    select(win)
    win.acts.add_neuron.trigger()  # now there is a hidden layer to grow
    assert net.sizes == [2, 3, 1]
    win.acts.insert_before.trigger()
    assert net.sizes == [2, 3, 2, 1]


def test_several_selected_items_are_summed_up_in_the_inspector(win, qtbot):
    select(win, neurons=[(1, 0), (1, 1), (2, 0)], edges=[((0, 0), (1, 0)), ((0, 1), (1, 0))])
    assert win.inspector.header.text() == "3 neurons, 2 edges selected"
    assert "Delete" in win.inspector.several_page.text()
    assert win.inspector.pages.currentWidget() is win.inspector.several_page
    select(win, edges=[((0, 0), (1, 0))])  # a page that takes no spare height
    qtbot.wait(20)
    select(win, neurons=[(1, 0), (1, 1), (1, 2)], edges=[((0, 0), (1, 0)), ((0, 1), (1, 0))])
    qtbot.wait(20)  # the layout settles
    page = win.inspector.several_page
    assert page.height() >= page.heightForWidth(page.width())  # no line of the hint cut off
    select(win, neurons=[(1, 0), (1, 1)])
    assert win.inspector.header.text() == "2 neurons selected"
    select(win, edges=[((0, 0), (1, 0))])
    assert win.inspector.header.text() == "Edge" and win.inspector.current == ("edge", ((0, 0), (1, 0)))
    win.acts.select_all.trigger()
    assert win.inspector.header.text() == "7 neurons, 12 edges selected"


def test_removing_the_only_hidden_layer_says_input_and_output_are_joined_anew(win):
    select(win, neurons=[(1, 0)])
    assert "new random weights" in win.acts.remove_layer.toolTip()
    win.acts.remove_layer.trigger()
    assert win.document.network.sizes == [2, 1]
    assert win.statusBar().currentMessage() == ("Removed Hidden 1; connected Input to Output directly "
                                                "with new random weights.")


def test_save_as_suggests_a_file_name_without_punctuation(win, monkeypatch):
    asked = []
    monkeypatch.setattr(win.dialogs, "get_save_path", lambda suggestion="": asked.append(suggestion) or "")
    win.acts.save_as.trigger()
    assert os.path.basename(asked[0]) == "multilayer-perceptron-xor.json"
    assert os.path.dirname(asked[0]) not in ("", os.getcwd())  # the documents folder, not the app's
    win.acts.lessons["outliers"].trigger()
    win.acts.save_as.trigger()
    assert os.path.basename(asked[-1]) == "l1-against-l2-outliers.json"


def test_counts_and_status_messages_read_as_sentences(win):
    win.acts.lessons["sine"].trigger()  # one input
    panel = win.settings_panel
    assert "1 input," in panel.data_summary.text() and "1 inputs" not in panel.data_summary.text()
    panel.generator.setCurrentIndex(panel.generator.findData("xor"))  # two inputs for a one-input network
    assert "the network's input layer has 1 neuron;" in panel.problems_label.text()
    win.view.scene().edit_bias((0, 0))  # the canvas says why not, in lower case
    assert win.statusBar().currentMessage() == "Input neurons have no bias: they pass the data on unchanged."
    win.document.disconnect_layers(0, 1)
    win.document.disconnect_layers(1, 2)
    win.document.resize_layer(1, 1)
    win.document.connect((0, 0), (1, 0))
    assert win.counts_label.text() == "3 layers · 3 neurons · 1 edge · 3 parameters"


def test_the_lessons_menu_checks_the_lesson_while_it_is_unchanged(win):
    def checked():
        return [name for name, action in win.acts.lessons.items() if action.isChecked()]

    assert win.acts.lesson_group.exclusionPolicy() == QActionGroup.ExclusionPolicy.ExclusiveOptional
    assert checked() == []  # the fixture's document was not opened from the menu
    win.acts.lessons["spiral"].trigger()
    assert checked() == ["spiral"]
    win.document.set_bias((1, 0), 0.5)
    assert checked() == []
    win.acts.undo.trigger()  # back to the lesson as it came
    assert checked() == ["spiral"]
    win.document.set_bias((1, 0), 0.5)
    win.dialogs.save_answer = "cancel"
    win.acts.lessons["sine"].trigger()  # cancelled: the click must not leave a check mark
    assert checked() == [] and win.document.network.sizes == [2, 16, 16, 1]
    win.dialogs.save_answer = "discard"
    win.acts.lessons["sine"].trigger()
    assert checked() == ["sine"]
    win.acts.lessons["sine"].trigger()  # opening it again keeps it checked
    assert checked() == ["sine"]
    win.acts.new.trigger()
    assert checked() == []


def test_a_project_whose_loss_does_not_suit_its_output_saves_and_reopens_intact(win, tmp_path):
    window = win
    doc, panel = window.document, window.settings_panel
    window.view.scene().select_only(neurons=[(2, 0)])
    window.acts.activations["linear"].trigger()
    assert doc.settings.loss == "binary_cross_entropy" and doc.network.activations[-1] == "linear"
    saved = doc.network.copy()
    window.dialogs.save_path = str(tmp_path / "half-built.json")
    window.acts.save_as.trigger()
    assert window.dialogs.errors == [] and not doc.is_modified()
    window.acts.new.trigger()
    assert doc.network.activations[-1] == "sigmoid" and panel.problems == []
    window.dialogs.open_path = str(tmp_path / "half-built.json")
    window.acts.open.trigger()
    assert window.dialogs.errors == [] and doc.path == window.dialogs.open_path
    assert doc.network.same_as(saved) and doc.settings.loss == "binary_cross_entropy"
    assert [p.split(":")[0] for p in panel.problems] == ["training.loss"]
    assert problem_text(panel.problems[0]) in panel.problems_label.text()
