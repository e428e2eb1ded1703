"""The Document: edit methods, refusals, signals, positions, files."""

import pytest

from simulator.errors import EditError
from simulator.network import Network
from ui.document import UNDO_LIMIT, Document, positions_from_layout
from ui.wording import sentence


@pytest.fixture
def doc(qapp):
    document = Document()
    document.new_project()
    yield document
    document.deleteLater()


def record(doc, *names):
    seen = []
    for name in names:
        getattr(doc, name).connect(lambda *a, name=name: seen.append(name))
    return seen


def test_network_object_is_kept_for_the_documents_lifetime(doc):
    network = doc.network
    doc.add_neuron(1)
    doc.undo_stack.undo()
    doc.new_project()
    assert doc.network is network


def test_each_edit_pushes_one_named_command(doc):
    assert doc.connect((0, 0), (2, 0), 0.25)
    assert doc.undo_stack.count() == 1
    assert doc.undo_stack.undoText() == "Connect"
    assert doc.network.weight((0, 0), (2, 0)) == 0.25
    assert doc.set_weight((0, 0), (2, 0), -1.5)
    assert doc.undo_stack.undoText() == "Set Weight"
    assert doc.move_neurons({(1, 0): (10.0, 20.0), (1, 1): (10.0, 60.0)})
    assert doc.undo_stack.undoText() == "Move Neurons"
    assert doc.undo_stack.count() == 3


def test_refused_edit_pushes_nothing_and_says_why(doc):
    messages = []
    doc.message.connect(messages.append)
    before = doc.network.copy()
    assert not doc.connect((1, 0), (0, 1))
    assert not doc.remove_layer(0)
    assert not doc.set_weight((0, 0), (1, 0), float("nan"))
    assert not doc.set_bias((0, 0), 1.0)
    assert doc.undo_stack.count() == 0
    assert doc.network.same_as(before)
    assert len(messages) == 4
    assert "input layer" in messages[0]
    assert all(m[0].isupper() and m.endswith(".") for m in messages)


def test_signals_fire_only_on_real_change(doc):
    seen = record(doc, "structure_changed", "values_changed", "positions_changed")
    w = doc.network.weight((0, 0), (1, 0))
    assert doc.set_weight((0, 0), (1, 0), w)  # same value: nothing to do
    assert seen == [] and doc.undo_stack.count() == 0
    doc.set_weight((0, 0), (1, 0), w + 1)
    assert seen == ["values_changed"]
    seen.clear()
    doc.set_activation(1, doc.network.activations[0])
    assert seen == []
    doc.set_activation(1, "relu")
    assert seen == ["structure_changed"]
    seen.clear()
    doc.undo_stack.undo()
    assert seen == ["structure_changed"]


def test_modified_flag_follows_the_undo_stack(doc):
    states = []
    doc.modified_changed.connect(states.append)
    assert not doc.is_modified()
    doc.add_neuron(1)
    assert doc.is_modified() and states[-1] is True
    doc.undo_stack.undo()
    assert not doc.is_modified() and states[-1] is False
    doc.add_neuron(1)
    doc.new_project()  # replacing a modified project reports it clean again
    assert not doc.is_modified() and states[-1] is False
    count = len(states)
    doc.new_project()  # already clean: nothing to report
    assert len(states) == count


def test_scroll_nudges_of_one_weight_merge(doc):
    w = doc.network.weight((0, 0), (1, 0))
    for k in range(1, 6):
        doc.set_weight((0, 0), (1, 0), w + 0.1 * k, merge=True)
    assert doc.undo_stack.count() == 1
    doc.set_weight((0, 1), (1, 0), 0.0, merge=True)  # another edge: a new step
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.network.weight((0, 0), (1, 0)) == w
    # typed values never merge
    doc.set_bias((1, 0), 1.0)
    doc.set_bias((1, 0), 2.0)
    assert doc.undo_stack.count() == 2


def test_positions_follow_structural_edits(doc):
    doc.add_neuron(1)  # layer 1 now has 3 neurons
    doc.move_neurons({(1, 0): (0.0, 0.0), (1, 1): (0.0, 1.0), (1, 2): (0.0, 2.0), (2, 0): (5.0, 5.0)})
    doc.remove_neuron(1, 1)
    assert doc.positions == {(1, 0): (0.0, 0.0), (1, 1): (0.0, 2.0), (2, 0): (5.0, 5.0)}
    doc.add_neuron(1, 0)
    assert doc.positions == {(1, 1): (0.0, 0.0), (1, 2): (0.0, 2.0), (2, 0): (5.0, 5.0)}
    doc.insert_layer(1, 2, "relu")
    assert doc.positions == {(2, 1): (0.0, 0.0), (2, 2): (0.0, 2.0), (3, 0): (5.0, 5.0)}
    doc.remove_layer(2)
    assert doc.positions == {(2, 0): (5.0, 5.0)}
    assert doc.network.sizes == [2, 2, 1]


def test_delete_items_is_one_step_and_removes_a_whole_hidden_layer(doc):
    doc.insert_layer(1, 3, "relu")  # 2-3-2-1
    before = doc.network.copy()
    count = doc.undo_stack.count()
    assert doc.delete_items(neurons=[(1, 0), (1, 1), (1, 2), (2, 1)], edges=[((0, 0), (1, 0))])
    assert doc.undo_stack.count() == count + 1
    assert doc.undo_stack.undoText() == "Delete"
    assert doc.network.sizes == [2, 1, 1]
    doc.undo_stack.undo()
    assert doc.network.same_as(before)


def test_delete_refuses_only_the_last_output_neuron_and_says_so(doc):
    messages = []
    doc.message.connect(messages.append)
    before = doc.network.copy()
    assert not doc.delete_items(neurons=[(2, 0)])  # nothing can go: refused, nothing changes
    assert doc.network.same_as(before) and doc.undo_stack.count() == 0
    assert "last output neuron" in messages[-1]
    assert doc.delete_items(neurons=[(2, 0), (1, 0)])  # the hidden neuron goes, the output stays
    assert doc.network.sizes == [2, 1, 1]
    assert "kept ŷ" in messages[-1] and "last output neuron" in messages[-1]
    doc.undo_stack.undo()
    assert doc.network.same_as(before)


def test_settings_and_data_edits_are_undoable(doc):
    seen = record(doc, "settings_changed", "data_changed")
    assert doc.set_setting("learning_rate", 0.05)
    assert doc.undo_stack.undoText() == "Set Learning Rate"
    assert doc.settings.learning_rate == 0.05
    messages = []
    doc.message.connect(messages.append)
    assert not doc.set_setting("learning_rate", -1.0)
    assert messages and messages[-1].startswith("Learning rate")
    assert doc.set_data({"recipe": {"generator": "circles", "n": 100, "noise": 0.1, "seed": 1}})
    assert not doc.set_data({"recipe": {"generator": "no-such-thing"}})
    assert seen == ["settings_changed", "data_changed"]
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.settings.learning_rate != 0.05
    assert doc.data["recipe"]["generator"] == "xor"


def test_layout_block_is_read_defensively():
    net = Network([2, 2, 1])
    layout = {"positions": [[0, 0, 1.0, 2.0], [0, 5, 1, 1], [9, 0, 1, 1], ["a", 0, 1, 1],
                            [1, 0, float("nan"), 1.0], [1, 1, 3, 4], "junk"]}
    assert positions_from_layout(layout, net) == {(0, 0): (1.0, 2.0), (1, 1): (3.0, 4.0)}
    assert positions_from_layout(None, net) == {}
    assert positions_from_layout({"positions": "x"}, net) == {}


def test_long_session_of_qt_calls_does_not_abort(qapp):
    """Some PySide6 releases (6.12.0 on Python 3.11) drop a reference to None
    on every void Qt call and to True on every emit, which aborts the
    interpreter after a few thousand calls; pyproject.toml excludes them."""
    from PySide6.QtWidgets import QLabel

    from ui import qt_problem

    assert qt_problem() is None
    doc = Document()
    label = QLabel()
    for _ in range(20000):
        doc.values_changed.emit()
        label.setText("x")
    doc.deleteLater()


def test_removing_a_hidden_layer_says_when_it_connects_the_neighbours_anew(doc):
    messages = []
    doc.message.connect(messages.append)
    assert doc.remove_layer(1)
    assert doc.network.blocks[(0, 1)].full  # Input now feeds Output directly
    assert messages == ["Removed Hidden 1; connected Input to Output directly with new random weights."]
    doc.undo_stack.undo()
    doc.connect((0, 0), (2, 0), 0.5)  # a skip edge already joins the neighbours: nothing new is drawn
    messages.clear()
    assert doc.remove_layer(1)
    assert messages == [] and doc.network.weight((0, 0), (1, 0)) == 0.5


def test_deleting_every_neuron_of_two_hidden_layers_names_both(qapp):
    document = Document()
    document.new_project()
    document.insert_layer(2, size=1)
    messages = []
    document.message.connect(messages.append)
    assert document.network.sizes == [2, 2, 1, 1]
    assert document.delete_items(neurons=[(1, 0), (1, 1), (2, 0)])
    assert document.network.sizes == [2, 1]
    assert messages == ["Removed Hidden 1 and 2; connected Input to Output directly with new random weights."]
    document.deleteLater()


@pytest.mark.parametrize("value", [True, "0.5", None, [0.5]])
def test_weights_and_biases_must_be_numbers_by_the_models_rule(doc, value):
    messages = []
    doc.message.connect(messages.append)
    assert not doc.set_weight((0, 0), (1, 0), value)
    assert not doc.set_bias((1, 0), value)
    if value is not None:  # None asks for a random weight
        assert not doc.connect((0, 0), (2, 0), value)
    assert doc.undo_stack.count() == 0
    assert messages[0].startswith("A weight must be a number") and messages[1].startswith("A bias must be a number")


def test_an_input_neuron_bias_is_refused_by_the_model_with_its_reason(doc):
    messages = []
    doc.message.connect(messages.append)
    with pytest.raises(EditError) as refusal:
        doc.network.copy().set_bias((0, 0), 1.0)
    assert not doc.set_bias((0, 0), 1.0)
    assert messages == [sentence(str(refusal.value))]


def test_only_consecutive_merging_changes_of_one_setting_merge(doc):
    assert doc.set_setting("optimizer", "adam")
    assert doc.set_setting("optimizer", "momentum")  # two choices: two steps
    assert doc.undo_stack.count() == 2
    assert doc.set_setting("learning_rate", 0.4, merge=True)
    assert doc.set_setting("learning_rate", 0.3, merge=True)  # spin-box steps: one step
    assert doc.undo_stack.count() == 3
    assert doc.set_setting("momentum", 0.8, merge=True)  # another setting: its own step
    assert doc.undo_stack.count() == 4
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.settings.learning_rate == 0.5
    doc.undo_stack.undo()
    assert doc.settings.optimizer == "adam"
    recipe = {"generator": "circles", "n": 100, "noise": 0.1, "seed": 1}
    assert doc.set_data({"recipe": recipe})
    assert doc.set_data({"recipe": {**recipe, "generator": "moons"}})  # two datasets: two steps
    assert doc.undo_stack.count() == 3


def test_the_undo_stack_keeps_the_last_undo_limit_steps(doc):
    for k in range(UNDO_LIMIT + 20):
        doc.set_bias((1, 0), float(k + 1))
    assert doc.undo_stack.count() == UNDO_LIMIT
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.network.layers[1].bias[0] == 20.0  # the oldest 20 steps were forgotten


def test_activation_and_edge_edits_are_checked_without_copying_the_network(doc, monkeypatch):
    monkeypatch.setattr(Network, "copy", lambda self: pytest.fail("a whole network copied to check one edit"))
    before = [doc.network.activations, doc.network.edge_count]
    assert not doc.set_activation(1, "softmax")  # hidden layer: refused, unchanged
    assert not doc.set_activation(1, "no-such-function")
    assert not doc.connect((0, 0), (1, 0))  # already there
    assert not doc.connect((1, 0), (0, 0))  # backwards
    assert [doc.network.activations, doc.network.edge_count] == before and doc.undo_stack.count() == 0
    assert doc.set_activation(1, "relu") and doc.connect((0, 0), (2, 0), 0.25)
    assert doc.network.activations[0] == "relu" and doc.network.weight((0, 0), (2, 0)) == 0.25
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert [doc.network.activations, doc.network.edge_count] == before


def test_resizing_a_layer_is_one_model_edit_even_to_thousands_of_neurons(doc, monkeypatch):
    monkeypatch.setattr(Network, "add_neuron", lambda *a, **k: pytest.fail("neurons added one by one"))
    monkeypatch.setattr(Network, "remove_neuron", lambda *a, **k: pytest.fail("neurons removed one by one"))
    doc.move_neurons({(1, 0): (5.0, 5.0), (1, 1): (5.0, 50.0)})
    assert doc.resize_layer(1, 2000)
    assert doc.network.sizes == [2, 2000, 1] and doc.network.blocks[(1, 2)].full
    assert doc.undo_stack.undoText() == "Resize Layer"
    assert doc.resize_layer(1, 1)
    assert doc.network.sizes == [2, 1, 1] and doc.positions == {(1, 0): (5.0, 5.0)}
    assert not doc.resize_layer(1, 0) and not doc.resize_layer(7, 3)  # the model says why
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.network.sizes == [2, 2, 1] and doc.positions == {(1, 0): (5.0, 5.0), (1, 1): (5.0, 50.0)}


def test_inserting_a_layer_says_it_replaces_the_direct_edges_between_its_neighbours(doc):
    messages = []
    doc.message.connect(messages.append)
    assert doc.insert_layer(2)
    assert messages == ["Inserted Hidden 2 between Hidden 1 and Output; their direct edges now run through it."]
    assert not doc.network.has_edge((1, 0), (3, 0))
    assert doc.disconnect_layers(0, 1)
    messages.clear()
    assert doc.insert_layer(1)  # no edges joined Input and Hidden 1: nothing was replaced
    assert messages == []


def test_a_document_in_a_reference_cycle_is_freed_without_crashing(tmp_path):
    """The garbage collector frees a document caught in a cycle (a view's
    lambda, a closure...) with edits on its undo stack. Run apart: a crash
    would take the test process down with it."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import gc\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from ui.document import Document\n"
        "for _ in range(5):\n"
        "    doc = Document()\n"
        "    doc.set_weight((0, 0), (1, 0), 0.5)\n"
        "    doc.add_neuron(1)\n"
        "    doc.cycle = doc\n"
        "    del doc\n"
        "    gc.collect()\n"
        "print('freed')\n")
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60, env={"PYTHONPATH": str(root), "QT_QPA_PLATFORM": "offscreen",
                                          "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0 and "freed" in run.stdout, run.stderr[-500:]


def test_a_refusal_naming_an_input_keeps_its_case(qapp):
    doc = Document()
    said = []
    doc.message.connect(said.append)
    assert not doc.connect((0, 0), (1, 0))  # the lesson's x1 already feeds that neuron
    assert said == ["x1 is already connected to neuron 1 of Hidden 1."]
    doc.deleteLater()
