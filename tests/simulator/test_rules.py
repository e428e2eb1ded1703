"""One home for the rules: the network's checks, the limits, errors that carry
their field, the flat parameter storage, and the parameter limit counting
what is stored."""

import math
import pathlib
import re

import numpy as np
import pytest

from simulator import limits
from simulator.activations import ACTIVATION_NAMES
from simulator.backprop import Pass, Plan
from simulator.errors import EditError, Problem, ProjectFileError, SimulatorError
from simulator.limits import MAX_FILE_BYTES, MAX_LAYER_SIZE, MAX_PARAMETERS
from simulator.losses import get_loss
from simulator.network import Network
from simulator.optimizers import make_optimizer
from simulator.presets import make_preset
from simulator.project_file import Project, load_project, project_from_dict, project_to_dict, save_project
from simulator.project_schema import settings_from_dict
from simulator.settings import TrainingSettings

ROOT = pathlib.Path(__file__).resolve().parents[2]


def sample():
    """2-3-2-1 with a skip block 0 -> 2, a removed edge and a built plan."""
    net = Network([2, 3, 2, 1], ["tanh", "relu", "sigmoid"], seed=4)
    net.connect((0, 1), (2, 0))
    net.disconnect((0, 0), (1, 2))
    net.plan()
    return net


# Each edit beside its check: on valid and refused arguments alike.
EDITS = [
    ("check_connect", "connect", ((0, 0), (1, 2))),
    ("check_connect", "connect", ((0, 0), (1, 0))),            # already connected
    ("check_connect", "connect", ((1, 0), (0, 0))),            # into the inputs
    ("check_connect", "connect", ((2, 0), (1, 0))),            # backwards
    ("check_connect", "connect", ((1, 0), (1, 1))),            # same layer
    ("check_connect", "connect", ((0, 0), (3, 0))),            # a new skip block
    ("check_connect", "connect", ((0, 0), (1, 2), math.nan)),
    ("check_connect", "connect", ((0, 5), (1, 0))),
    ("check_disconnect", "disconnect", ((0, 1), (2, 0))),
    ("check_disconnect", "disconnect", ((0, 0), (1, 2))),      # already removed
    ("check_set_weight", "set_weight", ((0, 0), (1, 0), 0.25)),
    ("check_set_weight", "set_weight", ((0, 0), (1, 0), "0.25")),
    ("check_set_weight", "set_weight", ((0, 0), (1, 0), 2e6)),
    ("check_set_bias", "set_bias", ((2, 1), -0.5)),
    ("check_set_bias", "set_bias", ((0, 1), -0.5)),            # inputs have no bias
    ("check_set_bias", "set_bias", ((2, 1), math.inf)),
    ("check_activation", "set_activation", (1, "relu")),
    ("check_activation", "set_activation", (1, "softmax")),
    ("check_activation", "set_activation", (3, "softmax")),
    ("check_activation", "set_activation", (0, "tanh")),
    ("check_activation", "set_activation", (2, "swish")),
    ("check_add_neuron", "add_neuron", (1,)),
    ("check_add_neuron", "add_neuron", (1, 9)),
    ("check_add_neuron", "add_neuron", (7,)),
    ("check_remove_neuron", "remove_neuron", (1, 2)),
    ("check_remove_neuron", "remove_neuron", (3, 0)),          # the last output
    ("check_resize_layer", "resize_layer", (2, 5)),
    ("check_resize_layer", "resize_layer", (2, MAX_LAYER_SIZE + 1)),
    ("check_insert_layer", "insert_layer", (2, 3, "tanh")),
    ("check_insert_layer", "insert_layer", (2, 3, "softmax")),
    ("check_insert_layer", "insert_layer", (0, 3, "tanh")),
    ("check_remove_layer", "remove_layer", (2,)),
    ("check_remove_layer", "remove_layer", (3,)),
    ("check_connect_layers", "connect_layers", (0, 1)),
    ("check_connect_layers", "connect_layers", (1, 2)),        # already full
    ("check_connect_layers", "connect_layers", (2, 1)),
    ("check_disconnect_layers", "disconnect_layers", (0, 2)),
    ("check_disconnect_layers", "disconnect_layers", (0, 3)),
]


@pytest.mark.parametrize("check, edit, args", EDITS, ids=[f"{e}{a}" for _, e, a in EDITS])
def test_a_check_changes_nothing_and_gives_the_reason_the_edit_refuses_with(check, edit, args):
    net = sample()
    before, rng_state = net.copy(), net.rng.bit_generator.state
    plan, weights = net.plan(), {k: b.weights for k, b in net.blocks.items()}
    reason = getattr(net, check)(*args)
    assert net.same_as(before) and net.rng.bit_generator.state == rng_state
    assert net.plan() is plan and all(net.blocks[k].weights is w for k, w in weights.items())
    if reason is None:
        getattr(net, edit)(*args)  # accepted by the check: the edit is made
        assert not net.same_as(before)
    else:
        assert isinstance(reason, str) and reason
        with pytest.raises(EditError) as info:
            getattr(net, edit)(*args)
        assert str(info.value) == reason
        assert net.same_as(before)


def test_allowed_activations_is_the_one_answer_to_softmax_on_hidden_layers():
    net = sample()
    assert net.allowed_activations(0) == ()
    assert "softmax" not in net.allowed_activations(1) and "softmax" not in net.allowed_activations(2)
    assert net.allowed_activations(3) == ACTIVATION_NAMES
    for layer in range(net.n_layers):
        for name in ACTIVATION_NAMES:
            assert (net.check_activation(layer, name) is None) == (name in net.allowed_activations(layer))
    with pytest.raises(EditError) as info:
        Network([2, 3, 1], ["softmax", "sigmoid"])
    assert str(info.value) == net.check_activation(1, "softmax")
    doc = project_to_dict(Project(sample(), {"recipe": {"generator": "xor"}}))
    doc["network"]["layers"][1]["activation"] = "softmax"
    with pytest.raises(ProjectFileError) as info:
        project_from_dict(doc)
    assert info.value.field == "network.layers[1].activation"
    assert info.value.reason == net.check_activation(1, "softmax")


def test_connect_targets_agree_with_check_connect_for_every_pair():
    net = sample()
    near = Network([1655, 1207, 1], ["tanh", "sigmoid"], init="zeros")  # stores exactly the limit
    near.disconnect((0, 3), (1, 5))
    for network in (net, near):
        for src_layer, src_size in enumerate(network.sizes):
            for src in {(src_layer, 0), (src_layer, src_size - 1), (src_layer, src_size // 2)}:
                targets = network.connect_targets(src)
                assert [t.shape for t in targets] == [(s,) for s in network.sizes]
                for dst_layer, dst_size in enumerate(network.sizes):
                    for dst in {0, dst_size - 1, 3, 5} & set(range(dst_size)):
                        ok = network.check_connect(src, (dst_layer, dst)) is None
                        assert targets[dst_layer][dst] == ok, (src, (dst_layer, dst))
    assert near.connect_targets((0, 3))[1][5] and not near.connect_targets((0, 3))[2].any()


# --------------------------------------------------------------- limits
def test_every_limit_lives_in_limits_py_with_its_documentation():
    defined = re.compile(r"^\s*(MAX_[A-Z_]+)\s*=", re.M)
    for folder in ("simulator", "ui/commands"):
        for path in (ROOT / folder).glob("*.py"):
            if path.name != "limits.py":
                assert not defined.findall(path.read_text(encoding="utf-8")), path
    for path in (ROOT / "ui/document.py",):
        assert not defined.findall(path.read_text(encoding="utf-8"))
    source = (ROOT / "simulator/limits.py").read_text(encoding="utf-8")
    names = defined.findall(source)
    assert len(names) >= 15 and len(set(names)) == len(names)
    for name in names:  # each is followed by its docstring
        assert re.search(rf"^{name} = .*\n\"\"\"", source, re.M), name
        assert isinstance(getattr(limits, name), (int, float))


# ----------------------------------------------------------- error.field
def test_a_settings_error_carries_its_field_and_the_reason_apart():
    with pytest.raises(SimulatorError) as info:
        TrainingSettings(learning_rate=0.0).validate()
    error = info.value
    assert error.field == "learning_rate" and error.reason == "must be greater than 0"
    assert str(error) == "learning_rate: must be greater than 0"
    with pytest.raises(SimulatorError) as info:
        TrainingSettings.from_dict({"lr": 0.1})
    assert info.value.field == "lr" and info.value.reason == "unknown setting"
    with pytest.raises(ProjectFileError) as info:
        settings_from_dict({"beta1": 1.5}, "training")
    assert info.value.field == info.value.path == "training.beta1"
    assert info.value.reason == "must be below 1, not 1.5"
    plain = SimulatorError("no field here")
    assert plain.field is None and str(plain) == plain.reason == "no field here"


def test_problems_carry_their_field():
    project = make_preset("mlp-xor")
    project.network.set_activation(project.network.output_layer, "linear")
    project.settings.rule = "perceptron"
    project.data = {"recipe": {"generator": "circles"}, "test_fraction": 0.2}
    project.network.resize_layer(0, 3)
    problems = project.problems()
    assert all(isinstance(p, Problem) for p in problems)
    assert [p.field for p in problems] == ["data", "training.loss", "training.rule"]
    assert all(str(p) == f"{p.field}: {p.reason}" for p in problems)
    assert "input column" in problems[0].reason and not problems[0].reason.startswith("data")


# ---------------------------------------------------- the flat storage
def test_the_network_owns_its_flat_storage_and_the_plan_reads_it():
    net = sample()
    store = net.parameters()
    for key, block in net.blocks.items():
        assert np.shares_memory(block.weights, store.flat)
    for layer in net.layers[1:]:
        assert np.shares_memory(layer.bias, store.flat)
    # the plan reads the store: building one rebinds nothing
    arrays = [b.weights for b in net.blocks.values()] + [l.bias for l in net.layers]
    plan = Plan(net)
    assert plan.flat is store.flat
    assert [b.weights for b in net.blocks.values()] + [l.bias for l in net.layers] == arrays
    # an edit of one weight and a training step change the same numbers
    net.set_weight((0, 1), (2, 0), 0.75)
    assert 0.75 in store.flat
    X, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0], [0.0]])
    before = net.weight((0, 1), (2, 0))
    Pass(net, X, y, get_loss("l2")).run(make_optimizer("sgd", learning_rate=0.5))
    assert net.weight((0, 1), (2, 0)) != before
    assert net.blocks[(0, 1)].weights[0, 2] == 0.0  # a removed edge stays at exactly 0
    # a structural edit starts a new store; a change of activation keeps it
    net.set_activation(1, "relu")
    assert net.parameters() is store
    net.add_neuron(2)
    assert net.parameters() is not store


# ------------------------------------- the parameter limit counts storage
def test_one_edge_needing_a_huge_block_is_refused_with_its_size():
    net = Network([2, 4096, 4096, 1], connect=False)
    net.connect((0, 0), (1, 0))
    net.connect((2, 0), (3, 0))
    before = net.copy()
    reason = net.check_connect((1, 0), (2, 0))
    assert "4,096 \u00d7 4,096 = 16,777,216" in reason and f"{MAX_PARAMETERS:,}" in reason
    with pytest.raises(EditError, match="4,096 \u00d7 4,096"):
        net.connect((1, 0), (2, 0))
    assert net.same_as(before) and net.stored_parameter_count == 2 * 4096 + 4096 + 8193
    assert not net.connect_targets((1, 7))[2].any()
    with pytest.raises(EditError, match="4,096 \u00d7 4,096"):
        net.connect_layers(1, 2)


def test_a_file_with_a_huge_sparse_block_is_refused_before_it_is_built():
    doc = project_to_dict(make_preset("mlp-xor"))
    doc["network"] = {"layers": [{"size": 2}, {"size": 4096, "activation": "tanh"},
                                 {"size": 4096, "activation": "tanh"}, {"size": 1, "activation": "sigmoid"}],
                      "edges": [{"from": 1, "to": 2, "weights": [], "mask": []}]}
    with pytest.raises(ProjectFileError) as info:
        project_from_dict(doc)
    assert info.value.field == "network.edges" and "16,785,409 parameters" in info.value.reason


def test_the_largest_network_within_the_limit_saves_and_loads(tmp_path):
    """At the limit, with the longest number texts and a mask in every block: the
    worst case a network within the limit can write."""
    net = Network([1655, 1207, 1], ["tanh", "sigmoid"], init="zeros")
    assert net.stored_parameter_count == MAX_PARAMETERS
    longest = -1.2345678901234567e-100  # 24 characters, as long as a float's text gets
    store = net.parameters()
    store.flat[:] = longest
    net.disconnect((0, 0), (1, 0))
    net.disconnect((1, 0), (2, 0))
    assert not any(b.full for b in net.blocks.values())  # every block writes its mask
    project = Project(net, {"recipe": {"generator": "xor"}})
    path = tmp_path / "big.json"
    save_project(project, path)
    assert path.stat().st_size <= MAX_FILE_BYTES
    loaded = load_project(path)
    assert loaded.network.same_as(net)
