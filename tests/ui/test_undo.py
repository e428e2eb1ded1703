"""Undo and redo restore the model exactly, whatever the mix of edits."""

import numpy as np
import pytest

from simulator.activations import ACTIVATION_NAMES
from simulator.network import Network
from ui.document import Document, default_project


def random_neuron(rng, net, layer=None):
    layer = int(rng.integers(net.n_layers)) if layer is None else layer
    return layer, int(rng.integers(net.sizes[layer]))


def random_edge(rng, net):
    edges = net.edges()
    if not edges:
        return None
    s_l, s_i, d_l, d_i, _ = edges[int(rng.integers(len(edges)))]
    return (s_l, s_i), (d_l, d_i)


def random_edit(rng, doc):
    """Make one random edit; return True if the document accepted it."""
    net = doc.network
    kind = rng.choice(["move", "connect", "disconnect", "weight", "nudge", "bias", "activation",
                       "add_neuron", "remove_neuron", "insert_layer", "remove_layer", "connect_layers",
                       "disconnect_layers", "delete", "relayout", "resize"],
                      p=[.12, .1, .07, .12, .07, .1, .07, .07, .06, .04, .03, .04, .03, .04, .02, .02])
    if kind == "move":
        keys = {random_neuron(rng, net) for _ in range(int(rng.integers(1, 4)))}
        return doc.move_neurons({k: tuple(rng.normal(0, 100, 2)) for k in keys})
    if kind == "connect":
        src_layer = int(rng.integers(net.n_layers - 1))
        dst_layer = int(rng.integers(src_layer + 1, net.n_layers))
        weight = None if rng.random() < 0.5 else float(rng.normal())
        return doc.connect(random_neuron(rng, net, src_layer), random_neuron(rng, net, dst_layer), weight)
    if kind in ("disconnect", "weight", "nudge"):
        edge = random_edge(rng, net)
        if edge is None:
            return False
        if kind == "disconnect":
            return doc.disconnect(*edge)
        if kind == "nudge":
            return doc.set_weight(*edge, net.weight(*edge) + 0.05, merge=True)
        return doc.set_weight(*edge, float(rng.normal()))
    if kind == "bias":
        return doc.set_bias(random_neuron(rng, net, int(rng.integers(1, net.n_layers))), float(rng.normal()))
    if kind == "activation":
        return doc.set_activation(int(rng.integers(1, net.n_layers)), str(rng.choice(ACTIVATION_NAMES)))
    if kind == "add_neuron":
        layer = int(rng.integers(net.n_layers))
        index = None if rng.random() < 0.5 else int(rng.integers(net.sizes[layer] + 1))
        return doc.add_neuron(layer, index)
    if kind == "remove_neuron":
        return doc.remove_neuron(*random_neuron(rng, net))
    if kind == "insert_layer":
        return doc.insert_layer(int(rng.integers(1, net.n_layers)), int(rng.integers(1, 4)),
                                str(rng.choice(["tanh", "relu", "sigmoid"])))
    if kind == "remove_layer":
        return doc.remove_layer(int(rng.integers(1, net.n_layers)))
    if kind in ("connect_layers", "disconnect_layers"):
        i = int(rng.integers(net.n_layers - 1))
        j = int(rng.integers(i + 1, net.n_layers))
        return getattr(doc, kind)(i, j)
    if kind == "delete":
        neurons = [random_neuron(rng, net, int(rng.integers(1, net.n_layers)))] if rng.random() < 0.7 else []
        edge = random_edge(rng, net)
        return doc.delete_items(neurons=neurons, edges=[edge] if edge and rng.random() < 0.7 else [])
    if kind == "resize":
        return doc.resize_layer(int(rng.integers(net.n_layers)), int(rng.integers(1, 5)))
    return doc.clear_positions()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_200_random_edits_undo_and_redo_exactly(qapp, seed):
    rng = np.random.default_rng(seed)
    project = default_project()
    project.network = Network([2, 3, 3, 1], seed=seed)
    doc = Document(project)
    doc.move_neurons({(1, 1): (40.0, -30.0), (2, 0): (90.0, 12.5)})
    doc.undo_stack.clear()
    original, original_positions = doc.network.copy(), dict(doc.positions)
    network = doc.network

    accepted = 0
    for _ in range(2000):
        if accepted == 200:
            break
        accepted += bool(random_edit(rng, doc))
    assert accepted == 200
    assert doc.undo_stack.count() > 150  # nudges merge and no-op edits push nothing
    edited, edited_positions = doc.network.copy(), dict(doc.positions)
    assert not edited.same_as(original)

    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.network is network
    assert doc.network.same_as(original)
    assert doc.positions == original_positions

    while doc.undo_stack.canRedo():
        doc.undo_stack.redo()
    assert doc.network.same_as(edited)
    assert doc.positions == edited_positions
    doc.deleteLater()


def test_redo_replays_the_same_random_weights(qapp):
    doc = Document()
    doc.insert_layer(1, 4, "relu")
    doc.add_neuron(2)
    doc.connect((0, 0), (3, 0))  # random weight
    after = doc.network.copy()
    for _ in range(3):
        doc.undo_stack.undo()
    for _ in range(3):
        doc.undo_stack.redo()
    assert doc.network.same_as(after)
    doc.deleteLater()


def test_a_train_command_applies_on_push_only_when_told_and_undo_redo_are_bit_identical(qtbot):
    from simulator.presets import make_preset
    from simulator.train_state import same_state
    from ui.commands.training import TrainCommand
    from ui.training.controller import TrainingController

    doc = Document(make_preset("spiral"))
    doc.project.settings.optimizer = "adam"
    c = TrainingController(doc)
    try:
        trainer = c._ensure_trainer()
        trainer.run(3)
        before = trainer.state()
        trainer.run(40)
        after = trainer.state()
        # pushed after the run already happened: the push changes nothing
        doc.undo_stack.push(TrainCommand(doc, c, "Train 40 steps", before, after, 3, applied=True,
                                         rows_redo=trainer.history.rows_after(3)))
        assert same_state(trainer.state(), after)
        for _ in range(3):
            doc.undo_stack.undo()
            assert same_state(trainer.state(), before) and trainer.steps == 3
            doc.undo_stack.redo()
            assert same_state(trainer.state(), after) and trainer.steps == 43
        # pushed before it is applied (a reset): the push applies it
        doc.undo_stack.push(TrainCommand(doc, c, "Back", after, before, 3, applied=False))
        assert same_state(trainer.state(), before)
        doc.undo_stack.undo()
        assert same_state(trainer.state(), after)
    finally:
        c.stop()
