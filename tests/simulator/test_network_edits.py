"""Network edits: each one does what its docstring says, and each refused one
raises EditError with a reason and leaves the network exactly as it was."""

import math

import numpy as np
import pytest

from simulator.activations import get_activation
from simulator.backprop import forward
from simulator.errors import EditError
from simulator.limits import MAX_LAYER_SIZE, MAX_LAYERS, MAX_PARAMETERS
from simulator.network import INIT_METHODS, Network


def small():
    """2-3-2 with a skip edge and a removed edge."""
    net = Network([2, 3, 2], ["tanh", "sigmoid"], seed=0)
    net.connect((0, 1), (2, 0), weight=0.25)
    net.disconnect((0, 0), (1, 2))
    for d in range(3):
        net.set_bias((1, d), 0.1 * (d + 1))
    return net


def reference_forward(net, X):
    """The output computed edge by edge from the public queries, independently of Plan."""
    a = [np.asarray(X, dtype=float)]
    for k in range(1, net.n_layers):
        z = np.tile(net.layers[k].bias, (len(X), 1))
        for d in range(net.sizes[k]):
            for (i, s), w in net.incoming(k, d):
                z[:, d] += a[i][:, s] * w
        a.append(get_activation(net.layers[k].activation).value(z))
    return a[-1]


def assert_maths_follow(net):
    """Training and drawing see the edit: the fast forward pass agrees with the edge list."""
    x = np.sin(np.arange(3.0 * net.sizes[0])).reshape(3, net.sizes[0])
    _, a = forward(net, x)
    np.testing.assert_allclose(a[-1], reference_forward(net, x), rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ refusals
def refused(net, edit, *words):
    before = net.copy()
    with pytest.raises(EditError) as info:
        edit(net)
    message = str(info.value)
    for word in words:
        assert word in message, f"{message!r} does not mention {word!r}"
    assert net.same_as(before), "a refused edit changed the network"
    assert net.edge_count == before.edge_count
    return message


REFUSALS = {
    "edge into the input layer": (lambda n: n.connect((1, 0), (0, 0)), "input layer"),
    "edge between input neurons": (lambda n: n.connect((0, 0), (0, 1)), "input layer"),
    "backwards edge": (lambda n: n.connect((2, 0), (1, 0)), "forwards"),
    "same-layer edge": (lambda n: n.connect((1, 0), (1, 1)), "same layer"),
    "duplicate edge": (lambda n: n.connect((0, 0), (1, 0)), "already connected"),
    "duplicate skip edge": (lambda n: n.connect((0, 1), (2, 0)), "already connected"),
    "source neuron out of range": (lambda n: n.connect((0, 2), (1, 0)), "no neuron 2"),
    "target layer out of range": (lambda n: n.connect((0, 0), (3, 0)), "no layer 3"),
    "negative neuron index": (lambda n: n.connect((0, -1), (1, 0)), "no neuron -1"),
    "weight of a missing edge": (lambda n: n.set_weight((0, 0), (1, 2), 1.0), "no edge"),
    "disconnect a missing edge": (lambda n: n.disconnect((0, 0), (1, 2)), "no edge"),
    "disconnect a missing block": (lambda n: n.disconnect_layers(2, 1), "no edges"),
    "connect_layers already full": (lambda n: n.connect_layers(1, 2), "already fully connected"),
    "connect_layers backwards": (lambda n: n.connect_layers(2, 1), "forwards"),
    "bias of an input neuron": (lambda n: n.set_bias((0, 0), 1.0), "input neurons have no bias"),
    "bias out of range": (lambda n: n.set_bias((1, 3), 1.0), "no neuron 3"),
    "remove neuron out of range": (lambda n: n.remove_neuron(1, 3), "no neuron 3"),
    "add neuron past the end": (lambda n: n.add_neuron(1, index=5), "positions 0 to 3"),
    "add neuron to a missing layer": (lambda n: n.add_neuron(4), "no layer 4"),
    "remove the input layer": (lambda n: n.remove_layer(0), "input layer"),
    "remove the output layer": (lambda n: n.remove_layer(2), "output layer"),
    "remove a missing layer": (lambda n: n.remove_layer(7), "no layer 7"),
    "insert a layer before the inputs": (lambda n: n.insert_layer(0, 2), "positions 1 to 2"),
    "insert a layer after the outputs": (lambda n: n.insert_layer(3, 2), "positions 1 to 2"),
    "insert an empty layer": (lambda n: n.insert_layer(1, 0), "1 to"),
    "insert a layer beyond MAX_LAYER_SIZE": (lambda n: n.insert_layer(1, MAX_LAYER_SIZE + 1),
                                             str(MAX_LAYER_SIZE)),
    "insert a layer of non-integer size": (lambda n: n.insert_layer(1, 2.5), "whole number"),
    "NaN weight": (lambda n: n.set_weight((0, 0), (1, 0), math.nan), "finite"),
    "infinite weight": (lambda n: n.set_weight((0, 0), (1, 0), math.inf), "finite"),
    "negative infinite bias": (lambda n: n.set_bias((1, 0), -math.inf), "finite"),
    "NaN bias": (lambda n: n.set_bias((1, 0), float("nan")), "finite"),
    "word for a weight": (lambda n: n.set_weight((0, 0), (1, 0), "heavy"), "number"),
    "numeric string for a weight": (lambda n: n.set_weight((0, 0), (1, 0), "0.5"), "number"),
    "None for a weight": (lambda n: n.set_weight((0, 0), (1, 0), None), "number"),
    "weight past the limit": (lambda n: n.set_weight((0, 0), (1, 0), 2e6), "between -1e+06 and 1e+06"),
    "bias past the limit": (lambda n: n.set_bias((1, 0), -1e7), "between"),
    "NaN weight on a new edge": (lambda n: n.connect((0, 0), (1, 2), weight=math.nan), "finite"),
    "string weight on a new edge": (lambda n: n.connect((0, 0), (1, 2), weight="x"), "number"),
    "softmax on a hidden layer": (lambda n: n.set_activation(1, "softmax"), "softmax"),
    "softmax on an inserted layer": (lambda n: n.insert_layer(1, 2, "softmax"), "softmax"),
    "unknown activation": (lambda n: n.set_activation(1, "swish"), "swish"),
    "unknown activation on an inserted layer": (lambda n: n.insert_layer(1, 2, "swish"), "swish"),
    "activation of the input layer": (lambda n: n.set_activation(0, "relu"), "input layer"),
    "unknown initialisation": (lambda n: n.initialize("gaussian"), "gaussian"),
}


@pytest.mark.parametrize("what", list(REFUSALS))
def test_invalid_edit_is_refused_and_changes_nothing(what):
    edit, word = REFUSALS[what]
    net = small()
    net.plan()  # a built plan must not be disturbed either
    refused(net, edit, word)
    assert_maths_follow(net)


def test_unknown_activation_message_lists_the_known_ones():
    message = refused(small(), lambda n: n.set_activation(2, "swish"), "swish")
    for name in ("sigmoid", "relu", "softmax"):
        assert name in message


def test_removing_the_last_output_neuron_is_refused():
    net = Network([2, 2, 1], seed=1)
    refused(net, lambda n: n.remove_neuron(2, 0), "last output neuron")


def test_removing_the_last_input_or_hidden_neuron_is_refused():
    net = Network([1, 1, 2], seed=1)
    refused(net, lambda n: n.remove_neuron(0, 0), "last input neuron")
    refused(net, lambda n: n.remove_neuron(1, 0), "remove the layer")


def test_layer_size_limit():
    net = Network([MAX_LAYER_SIZE, 1], seed=0)
    refused(net, lambda n: n.add_neuron(0), str(MAX_LAYER_SIZE))
    with pytest.raises(EditError, match=str(MAX_LAYER_SIZE)):
        Network([2, MAX_LAYER_SIZE + 1, 1])
    with pytest.raises(EditError, match="1 to"):
        Network([0, 1])


def test_layer_count_limit():
    net = Network([1] * MAX_LAYERS, ["linear"] * (MAX_LAYERS - 1), seed=0)
    refused(net, lambda n: n.insert_layer(1, 1), f"at most {MAX_LAYERS}")
    with pytest.raises(EditError, match=f"at most {MAX_LAYERS}"):
        Network([1] * (MAX_LAYERS + 1))
    with pytest.raises(EditError, match="input layer and an output layer"):
        Network([3])


def network_at_parameter_limit():
    """[1655, 1207, 1], fully connected: stores exactly MAX_PARAMETERS numbers
    (1655 x 1207 + 1207 x 1 weights, 1207 + 1 biases)."""
    net = Network([1655, 1207, 1], ["tanh", "sigmoid"], init="zeros")
    assert net.stored_parameter_count == net.parameter_count == MAX_PARAMETERS
    return net


def test_parameter_limit():
    net = network_at_parameter_limit()
    limit = f"{MAX_PARAMETERS:,}"
    refused(net, lambda n: n.connect((0, net.sizes[0] - 1), (2, 0)), limit, "1,655 \u00d7 1")
    refused(net, lambda n: n.connect_layers(0, 2), limit)
    refused(net, lambda n: n.add_neuron(1), limit)
    refused(net, lambda n: n.add_neuron(2), limit)
    refused(net, lambda n: n.resize_layer(0, 1656), limit)
    refused(net, lambda n: n.insert_layer(2, 3), limit)
    refused(net, lambda n: n.insert_layer(1, 3, rewire=False), limit)
    # a small layer in place of the big block stores less: allowed
    smaller = net.copy()
    smaller.insert_layer(1, 3)
    assert smaller.stored_parameter_count < MAX_PARAMETERS
    # an edge into a block that is already stored costs nothing: the limit itself is allowed
    net.disconnect((0, 0), (1, 0))
    assert net.stored_parameter_count == MAX_PARAMETERS and net.parameter_count == MAX_PARAMETERS - 1
    net.connect((0, 0), (1, 0))
    refused(net, lambda n: n.connect_layers(0, 1), "already fully connected")
    assert net.parameter_count == MAX_PARAMETERS


def test_parameter_limit_on_construction_and_layer_removal():
    side = math.isqrt(MAX_PARAMETERS) + 1
    with pytest.raises(EditError, match="limit"):
        Network([side, side, side])
    net = Network([side, 1, side], seed=0)
    # removing the middle layer would connect side x side directly
    refused(net, lambda n: n.remove_layer(1), f"{MAX_PARAMETERS:,}")


@pytest.mark.parametrize("sizes, activations, word", [
    ([2, 3, 1], ["softmax", "sigmoid"], "softmax"),
    ([2, 3, 1], ["swish", "sigmoid"], "swish"),
    ([2, 3, 1], ["tanh"], "activations"),
    ([2, 2.5, 1], None, "whole number"),
])
def test_invalid_construction(sizes, activations, word):
    with pytest.raises(EditError, match=word):
        Network(sizes, activations)


# ---------------------------------------------------------------- each edit
def test_set_weight_and_bias():
    net = small()
    net.plan()
    net.set_weight((0, 1), (1, 0), -0.75)
    net.set_bias((2, 1), 0.5)
    assert net.weight((0, 1), (1, 0)) == -0.75
    assert net.layers[2].bias[1] == 0.5
    assert_maths_follow(net)


def test_set_activation():
    net = small()
    net.plan()
    net.set_activation(1, "relu")
    net.set_activation(2, "softmax")
    assert net.activations == ["relu", "softmax"]
    assert_maths_follow(net)


def test_connect_adds_one_edge():
    net = small()
    count = net.edge_count
    net.connect((0, 0), (1, 2), weight=0.5)
    assert net.has_edge((0, 0), (1, 2)) and net.weight((0, 0), (1, 2)) == 0.5
    net.connect((0, 0), (2, 1))  # a random weight
    assert net.edge_count == count + 2
    w = net.weight((0, 0), (2, 1))
    assert math.isfinite(w) and w != 0.0
    assert_maths_follow(net)


def test_disconnect_removes_the_edge_and_empty_blocks():
    net = small()
    net.disconnect((0, 0), (1, 0))
    assert not net.has_edge((0, 0), (1, 0))
    assert net.blocks[(0, 1)].weights[0, 0] == 0.0
    assert net.blocks[(0, 1)].mask[0, 0] == np.False_
    net.disconnect((0, 1), (2, 0))  # the only skip edge: its block goes
    assert (0, 2) not in net.blocks
    assert_maths_follow(net)


def test_connect_layers_keeps_existing_weights():
    net = small()
    kept = net.weight((0, 1), (1, 2))
    net.connect_layers(0, 1)
    assert net.blocks[(0, 1)].full
    assert net.weight((0, 1), (1, 2)) == kept
    net.connect_layers(0, 2)
    assert net.blocks[(0, 2)].full and net.weight((0, 1), (2, 0)) == 0.25
    assert_maths_follow(net)


def test_disconnect_layers():
    net = small()
    net.disconnect_layers(0, 2)
    assert (0, 2) not in net.blocks
    assert all(not net.has_edge((0, s), (2, d)) for s in range(2) for d in range(2))
    assert_maths_follow(net)


def test_add_neuron_connects_where_its_layer_had_edges():
    net = small()
    before = net.copy()
    net.add_neuron(1, index=0, bias=0.3)
    assert net.sizes == [2, 4, 2]
    assert net.layers[1].bias[0] == 0.3
    # the new neuron takes every input its layer has, and feeds every layer its layer feeds
    assert {src for src, _ in net.incoming(1, 0)} == {(0, 0), (0, 1)}
    assert {dst for dst, _ in net.outgoing(1, 0)} == {(2, 0), (2, 1)}
    # old neurons shift by one and keep their weights
    for (i, s, j, d, w) in before.edges():
        s2 = s + 1 if i == 1 else s
        d2 = d + 1 if j == 1 else d
        assert net.weight((i, s2), (j, d2)) == w
    assert not net.has_edge((0, 0), (1, 3))  # the removed edge stays removed
    assert net.edge_count == before.edge_count + 4
    assert_maths_follow(net)


def test_add_neuron_to_the_inputs_joins_the_skip_edges():
    net = small()
    net.add_neuron(0)
    assert net.sizes == [3, 3, 2]
    assert {dst for dst, _ in net.outgoing(0, 2)} == {(1, 0), (1, 1), (1, 2), (2, 0), (2, 1)}
    assert net.layers[0].bias[2] == 0.0


def test_remove_neuron_removes_its_edges():
    net = small()
    before = net.copy()
    net.remove_neuron(1, 0)
    assert net.sizes == [2, 2, 2]
    for (i, s, j, d, w) in before.edges():
        if (i, s) == (1, 0) or (j, d) == (1, 0):
            continue
        assert net.weight((i, s - (i == 1)), (j, d - (j == 1))) == w
    assert net.edge_count == before.edge_count - 2 - 2
    assert list(net.layers[1].bias) == pytest.approx([0.2, 0.3])
    assert_maths_follow(net)


def test_insert_layer_with_rewire_sits_in_the_path():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=2)
    net.connect((0, 0), (2, 0), weight=0.4)  # a skip that must survive, renumbered
    first = net.blocks[(0, 1)].weights.copy()
    net.insert_layer(2, 4, "relu")
    assert net.sizes == [2, 3, 4, 1]
    assert net.activations == ["tanh", "relu", "sigmoid"]
    assert net.blocks[(1, 2)].full and net.blocks[(2, 3)].full
    assert (1, 3) not in net.blocks  # the direct edges it replaces are gone
    assert np.array_equal(net.blocks[(0, 1)].weights, first)
    assert net.weight((0, 0), (3, 0)) == 0.4
    assert np.any(net.blocks[(1, 2)].weights != 0)
    assert_maths_follow(net)


def test_insert_layer_without_rewire_is_unconnected():
    net = Network([2, 3, 1], seed=2)
    before = net.copy()
    net.insert_layer(1, 2, rewire=False)
    assert net.sizes == [2, 2, 3, 1]
    assert sorted(net.blocks) == [(0, 2), (2, 3)]
    assert np.array_equal(net.blocks[(0, 2)].weights, before.blocks[(0, 1)].weights)


def test_remove_layer_reconnects_its_neighbours():
    net = Network([2, 3, 4, 1], ["tanh", "relu", "sigmoid"], seed=3)
    first = net.blocks[(0, 1)].weights.copy()
    net.remove_layer(2)
    assert net.sizes == [2, 3, 1]
    assert net.activations == ["tanh", "sigmoid"]
    assert sorted(net.blocks) == [(0, 1), (1, 2)]
    assert net.blocks[(1, 2)].full
    assert np.array_equal(net.blocks[(0, 1)].weights, first)
    assert_maths_follow(net)


def test_remove_layer_keeps_existing_skip_edges_between_neighbours():
    net = Network([2, 3, 4, 1], seed=3)
    net.connect((1, 0), (3, 0), weight=0.7)
    net.remove_layer(2)
    assert net.edges()[-1:] == [(1, 0, 2, 0, 0.7)]
    assert net.blocks[(1, 2)].mask.sum() == 1


# ------------------------------------------------------------ initialisation
SIZES = [3, 5, 4, 2]


@pytest.mark.parametrize("method", INIT_METHODS)
def test_init_is_reproducible(method):
    a = Network(SIZES, init=method, seed=11)
    b = Network(SIZES, init=method, seed=11)
    assert a.same_as(b)
    a.connect_layers(0, 2)
    b.connect_layers(0, 2)
    assert a.same_as(b)  # the weights of later edges come from the same seed too
    c = small()
    c.initialize(method, seed=4)
    d = small()
    d.initialize(method, seed=4)
    assert c.same_as(d)


@pytest.mark.parametrize("method", ["xavier", "he", "uniform"])
def test_different_seeds_differ(method):
    a = Network(SIZES, init=method, seed=1)
    b = Network(SIZES, init=method, seed=2)
    for key in a.blocks:
        assert not np.array_equal(a.blocks[key].weights, b.blocks[key].weights)


def test_zeros_init_is_zero_and_initialize_clears_biases():
    net = small()
    net.initialize("zeros")
    for block in net.blocks.values():
        assert np.all(block.weights == 0.0)
    for layer in net.layers:
        assert np.all(layer.bias == 0.0)
    assert not net.has_edge((0, 0), (1, 2))  # initialising never adds edges


def test_xavier_within_its_limit():
    net = Network([30, 20, 10], init="xavier", seed=5)
    net.connect_layers(0, 2)
    net.initialize("xavier", seed=6)
    fan_in = {1: 30, 2: 20 + 30}
    for (i, j), block in net.blocks.items():
        limit = math.sqrt(6.0 / (fan_in[j] + net.sizes[j]))
        w = np.abs(block.weights)
        assert w.max() <= limit
        assert w.max() > 0.8 * limit  # spread over the whole range, not squeezed


def test_he_and_uniform_scales():
    net = Network([400, 200, 1], init="he", seed=5)
    std = net.blocks[(0, 1)].weights.std()
    assert abs(std - math.sqrt(2.0 / 400)) < 0.05 * math.sqrt(2.0 / 400)
    net = Network([10, 10, 1], init="uniform", init_scale=0.3, seed=5)
    w = np.abs(net.blocks[(0, 1)].weights)
    assert w.max() <= 0.3 and w.max() > 0.2


def test_initialize_keeps_removed_edges_at_zero():
    net = small()
    net.initialize("uniform", seed=3, scale=2.0)
    assert net.blocks[(0, 1)].weights[0, 2] == 0.0
    assert np.all(net.blocks[(0, 2)].weights[net.blocks[(0, 2)].mask] != 0.0)


# --------------------------------------------------------- copy and compare
def test_copy_is_deep_and_same():
    net = small()
    net.plan()
    twin = net.copy()
    assert twin.same_as(net) and net.same_as(twin)
    twin.set_weight((0, 0), (1, 0), 9.0)
    assert net.weight((0, 0), (1, 0)) != 9.0
    assert not twin.same_as(net)


@pytest.mark.parametrize("edit", [
    lambda n: n.set_weight((0, 0), (1, 0), 0.123),
    lambda n: n.set_bias((2, 0), 0.123),
    lambda n: n.set_activation(1, "relu"),
    lambda n: n.disconnect((0, 1), (1, 1)),
    lambda n: n.connect((0, 0), (1, 2), weight=0.0),  # same numbers, one more edge
    lambda n: n.add_neuron(1),
    lambda n: n.insert_layer(1, 2),
], ids=["weight", "bias", "activation", "disconnect", "connect", "add_neuron", "insert_layer"])
def test_same_as_notices_every_kind_of_change(edit):
    net = small()
    other = net.copy()
    edit(other)
    assert not net.same_as(other)
    assert not other.same_as(net)


def test_copy_keeps_the_random_state():
    net = small()
    twin = net.copy()
    net.connect((0, 0), (2, 1))
    twin.connect((0, 0), (2, 1))
    assert net.same_as(twin)


def test_assign_copies_and_keeps_identity():
    net, other = small(), Network([3, 4, 1], ["relu", "sigmoid"], seed=9)
    net.plan()
    handle = net
    net.assign(other)
    assert handle is net and net.same_as(other)
    other.set_weight((0, 0), (1, 0), 5.0)  # the two stay independent
    assert net.weight((0, 0), (1, 0)) != 5.0
    x = np.ones((3, 3))
    np.testing.assert_allclose(forward(net, x)[1][-1], reference_forward(net, x), rtol=1e-12)


@pytest.mark.parametrize("edit, words", [
    (lambda n: n.connect((0, 0), (1, 0)), "x1 is already connected to neuron 1 of Hidden 1"),
    (lambda n: n.connect((2, 0), (1, 1)), "the output layer comes after Hidden 1"),
    (lambda n: n.disconnect_layers(0, 2), "the input layer has no edges to the output layer"),
    (lambda n: n.disconnect((0, 1), (2, 0)), "no edge from x2 to \u0177"),
])
def test_refusals_name_neurons_and_layers_as_the_canvas_does(edit, words):
    net = Network([2, 2, 1], seed=0)
    with pytest.raises(EditError) as info:
        edit(net)
    assert words in str(info.value)


def test_resize_layer_grows_and_shrinks_in_one_edit():
    net = Network([3, 4, 2], seed=0)
    net.connect_layers(0, 2)
    before = net.copy()
    net.resize_layer(1, 300)
    assert net.sizes == [3, 300, 2]
    assert net.blocks[(0, 1)].mask.all() and net.blocks[(1, 2)].mask.all()
    assert np.array_equal(net.blocks[(0, 1)].weights[:, :4], before.blocks[(0, 1)].weights)
    assert np.count_nonzero(net.layers[1].bias[4:]) == 0
    net.resize_layer(1, 4)
    assert net.same_as(before)
    net.resize_layer(2, 1)
    assert net.sizes == [3, 4, 1] and net.blocks[(0, 2)].weights.shape == (3, 1)


@pytest.mark.parametrize("size, words", [(0, "1 to"), (MAX_LAYER_SIZE + 1, str(MAX_LAYER_SIZE)), (2.0, "whole")])
def test_resize_layer_refusals_change_nothing(size, words):
    net = Network([3, 4, 2], seed=0)
    before = net.copy()
    with pytest.raises(EditError, match=words):
        net.resize_layer(1, size)
    assert net.same_as(before)
