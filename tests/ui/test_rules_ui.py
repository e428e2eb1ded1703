"""The views ask the model: commands refuse with the network's own reason and
never try an edit on the live network; the canvas lights the targets the
model allows; menus offer the activations it allows; settings errors and file
errors are named by their field."""

import json
import math

import pytest
from PySide6.QtWidgets import QMenu

import simulator.network_rules
from simulator.errors import SimulatorError
from simulator.network import Network
from simulator.presets import make_preset
from simulator.project_file import project_to_dict
from tests.ui.canvas_support import drag, make_doc, neuron, rim
from tests.ui.test_main_window import FakeDialogs
from ui.commands import SetSettingCommand
from ui.main_window import MainWindow
from ui.network_view.menus import add_layer_actions
from ui.wording import sentence


@pytest.fixture
def doc(qtbot):
    made = []

    def build():
        d = make_doc(Network([2, 3, 1], ["tanh", "sigmoid"], seed=5))
        d.messages = []
        d.message.connect(d.messages.append)
        made.append(d)
        return d

    yield build
    for d in made:
        d.deleteLater()


REFUSED = [
    ("set_activation", (1, "softmax"), "check_activation"),
    ("set_activation", (0, "relu"), "check_activation"),
    ("connect", ((1, 0), (0, 0)), "check_connect"),
    ("connect", ((0, 0), (1, 0)), "check_connect"),
    ("disconnect", ((0, 0), (0, 1)), "check_disconnect"),
    ("set_weight", ((0, 0), (1, 0), math.nan), "check_set_weight"),
    ("set_bias", ((0, 0), 1.0), "check_set_bias"),
    ("add_neuron", (7,), "check_add_neuron"),
    ("remove_neuron", (2, 0), "check_remove_neuron"),
    ("insert_layer", (1, 0), "check_insert_layer"),
    ("remove_layer", (2,), "check_remove_layer"),
    ("resize_layer", (1, 0), "check_resize_layer"),
    ("connect_layers", (1, 2), "check_connect_layers"),
    ("disconnect_layers", (0, 2), "check_disconnect_layers"),
]


@pytest.mark.parametrize("edit, args, check", REFUSED, ids=[f"{e}{a}" for e, a, _ in REFUSED])
def test_a_refused_edit_says_the_models_reason_and_pushes_nothing(doc, edit, args, check):
    d = doc()
    before = d.network.copy()
    reason = getattr(d.network, check)(*args)
    assert reason
    assert getattr(d, edit)(*args) is False
    assert d.messages == [sentence(reason)]
    assert d.undo_stack.count() == 0 and d.network.same_as(before)


def test_commands_ask_the_checks_instead_of_trying_the_edit_on_the_live_network(doc, monkeypatch):
    d = doc()
    net = d.network
    calls = []
    for name in ("set_weight", "set_bias", "set_activation", "connect", "disconnect"):
        method = getattr(net, name)
        monkeypatch.setattr(net, name, lambda *a, _m=method, _n=name: calls.append(_n) or _m(*a))
    assert d.set_weight((0, 0), (1, 0), 0.5) and d.set_bias((1, 1), -0.25)
    assert d.set_activation(1, "relu")
    assert d.disconnect((0, 1), (1, 2)) and d.connect((0, 1), (1, 2))
    # each accepted edit wrote the live network exactly once (its redo)
    assert calls == ["set_weight", "set_bias", "set_activation", "disconnect", "connect"]
    calls.clear()
    assert not d.set_weight((0, 0), (1, 0), "heavy") and not d.connect((0, 0), (1, 0))
    assert not d.set_activation(1, "softmax")
    assert calls == []
    # the new edge's weight was drawn once, in prepare: undo and redo replay it
    weight = net.weight((0, 1), (1, 2))
    d.undo_stack.undo()
    assert not net.has_edge((0, 1), (1, 2))
    d.undo_stack.redo()
    assert net.weight((0, 1), (1, 2)) == weight


def test_the_canvas_lights_the_targets_the_model_allows_and_refuses_with_its_reason(qtbot, canvas, monkeypatch):
    view, scene, doc = canvas()  # 2-4-1 with x1 -> h1 removed: stores 2*4 + 4*1 + 4 + 1 = 17 numbers
    assert doc.network.stored_parameter_count == 17
    # a skip block from the inputs (2 x 1 more) would pass this limit
    monkeypatch.setattr(simulator.network_rules, "MAX_PARAMETERS", 18)
    seen = {}

    def look():
        seen.update({key: scene.neuron_item(key).target for key in scene.neuron_keys()})

    targets = doc.network.connect_targets((0, 0))
    drag(qtbot, view, rim(view, (0, 0)), neuron(view, (1, 0)), during=look)
    lit = {key for key, state in seen.items() if state is not None}
    assert lit == {(layer, i) for layer, ok in enumerate(targets) for i, on in enumerate(ok) if on}
    assert (2, 0) not in lit and (1, 0) in lit  # the skip edge needs a block beyond the limit
    before = doc.network.copy()
    view.messages.clear()
    drag(qtbot, view, rim(view, (0, 1)), neuron(view, (2, 0)))
    assert doc.network.same_as(before)
    assert view.messages == [sentence(before.check_connect((0, 1), (2, 0)))]
    assert "2 \u00d7 1" in view.messages[0]


def test_the_layer_menu_offers_the_activations_the_model_allows(doc):
    d = doc()
    for layer in range(d.network.n_layers):
        menu = QMenu()
        add_layer_actions(menu, d, layer)
        subs = [a.menu() for a in menu.actions() if a.menu() is not None and a.text() == "Layer Activation"]
        allowed = d.network.allowed_activations(layer)
        if not allowed:
            assert subs == []
            continue
        enabled = {a.text() for a in subs[0].actions() if a.isEnabled()}
        assert len(enabled) == len(allowed) and ("Softmax" in enabled) == ("softmax" in allowed)
        menu.deleteLater()


def test_a_setting_refused_by_the_command_keeps_its_field(doc):
    d = doc()
    command = SetSettingCommand(d, "learning_rate", 0.0)
    with pytest.raises(SimulatorError) as info:
        command.prepare()
    assert info.value.field == "learning_rate" and info.value.reason == "must be greater than 0"
    assert str(info.value) == "learning rate: must be greater than 0"
    assert not d.set_setting("learning_rate", 0.0)
    assert d.messages == ["Learning rate: must be greater than 0."]


def test_a_file_error_names_the_json_key_as_the_file_writes_it(qtbot, tmp_path):
    dialogs = FakeDialogs()
    window = MainWindow(make_doc(Network([2, 2, 1], seed=1)), dialogs=dialogs)
    qtbot.addWidget(window)
    data = project_to_dict(make_preset("mlp-xor"))
    data["network"]["edges"][0]["weights"] = "heavy"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    dialogs.save_answer = "discard"
    assert not window.open_path(str(path))
    (_, _, details), = dialogs.errors
    assert details.startswith("network.edges[0].weights: must be a list of rows")
    assert "Network." not in details
