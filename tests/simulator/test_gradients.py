"""Backpropagation checked against finite differences.

Every weight of every existing edge, every bias and every dL/da that
``Pass`` reports is compared, in float64, with a fourth-order central
difference of the loss, on random topologies: skip connections, removed
edges, random biases, and every kind of target each loss accepts (soft labels
for the cross-entropies as well as 0/1 and one-hot rows; for categorical
cross-entropy also rows that do not sum to 1, which it refuses, yet whose
gradients are still exact). Examples that sit within reach of a kink (ReLU at 0,
L1 at a == y, Huber at |a - y| == 1, the step threshold) are rejected, and so
is any example whose finite difference crossed a kink anyway, because there
the derivative the network reports is a convention, not a limit.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from simulator.backprop import Pass
from simulator.losses import get_loss
from simulator.network import Network
from simulator.optimizers import make_optimizer

H = 1e-4          # finite-difference step
TOL = 1e-6        # relative error allowed
FLOOR = 1e-4      # gradients smaller than this are compared at this scale (round-off)
KINK = 3 * H      # how close to a kink an example may come: beyond the 2H reach of a difference

HIDDEN = ["linear", "sigmoid", "tanh", "relu", "leaky_relu"]
OUTPUT = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]
COMBOS = [(o, l) for o in OUTPUT for l in ("l1", "l2", "huber")] + \
    [("sigmoid", "binary_cross_entropy"), ("softmax", "categorical_cross_entropy")]
KINKED = {"relu", "leaky_relu", "step"}

SETTINGS = settings(max_examples=10, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


# ------------------------------------------------------------------ builders
TARGET_KINDS = ("hard", "soft", "unnormalised")


def targets(rng, loss_name, n, size, kind="hard"):
    """Targets for ``loss_name``: "hard" (0/1, one-hot), "soft" (probabilities) or
    "unnormalised" (categorical rows that do not sum to 1)."""
    if loss_name == "binary_cross_entropy":
        if kind == "hard":
            return rng.integers(0, 2, (n, size)).astype(float)
        return rng.uniform(0.0, 1.0, (n, size))
    if loss_name == "categorical_cross_entropy":
        if kind == "hard":
            return np.eye(size)[rng.integers(0, size, n)]
        rows = rng.dirichlet(np.ones(size), n)
        return rows * rng.uniform(0.2, 3.0, (n, 1)) if kind == "unnormalised" else rows
    # wide enough that Huber sees errors on both sides of its threshold
    return rng.uniform(-2.0, 2.0, (n, size))


def sound(net):
    """Every neuron lies on a path from the inputs to the outputs."""
    last = net.output_layer
    for k, size in enumerate(net.sizes):
        for d in range(size):
            if k > 0 and not net.incoming(k, d):
                return False
            if k < last and not net.outgoing(k, d):
                return False
    return True


@st.composite
def cases(draw, hidden, output, loss_name):
    """A random sound network with skip connections and removed edges, inputs and targets."""
    n_layers = draw(st.integers(2, 4), label="layers")
    sizes = [draw(st.integers(1, 4)) for _ in range(n_layers - 1)]
    sizes.append(draw(st.integers(2 if output == "softmax" else 1, 4)))
    net = Network(sizes, [hidden] * (n_layers - 2) + [output], init="uniform", init_scale=1.5,
                  seed=draw(st.integers(0, 2**32 - 1)))
    for i in range(n_layers):
        for j in range(i + 2, n_layers):
            kind = draw(st.sampled_from(["none", "layers", "edges"]), label=f"skip {i}->{j}")
            if kind == "layers":
                net.connect_layers(i, j)
            elif kind == "edges":
                for s in range(sizes[i]):
                    for d in range(sizes[j]):
                        if draw(st.booleans()):
                            net.connect((i, s), (j, d))
    for pick in draw(st.lists(st.integers(0, 10**6), max_size=8), label="removals"):
        i, s, j, d, _ = net.edges()[pick % net.edge_count]
        # keep the network sound: both ends keep another edge
        if len(net.outgoing(i, s)) > 1 and len(net.incoming(j, d)) > 1:
            net.disconnect((i, s), (j, d))
    assert sound(net)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="data seed"))
    for k in range(1, n_layers):
        for d in range(sizes[k]):
            net.set_bias((k, d), rng.uniform(-1.0, 1.0))
    n = draw(st.integers(1, 4), label="samples")
    X = rng.uniform(-1.0, 1.0, (n, sizes[0]))
    kind = "hard"
    if loss_name == "binary_cross_entropy":
        kind = draw(st.sampled_from(TARGET_KINDS[:2]), label="targets")
    elif loss_name == "categorical_cross_entropy":
        kind = draw(st.sampled_from(TARGET_KINDS), label="targets")
    y = targets(rng, loss_name, n, sizes[-1], kind)
    # the loss says whether it accepts these targets, and only the unnormalised rows are refused
    reason = get_loss(loss_name).check_targets(y)
    assert (reason is None) == (kind != "unnormalised"), reason
    return net, X, y


# ---------------------------------------------------------------- checking
def kink_pattern(net, p):
    """Which side of every kink each value is on; a finite difference must not change it."""
    out = []
    for k in range(1, net.n_layers):
        if net.layers[k].activation in KINKED:
            out.append((p.z[k] > 0).tobytes() if net.layers[k].activation != "step" else
                       (p.z[k] >= 0).tobytes())
    r = p.a[-1] - p.y
    if p.loss.name == "l1":
        out.append((r > 0).tobytes())
    if p.loss.name == "huber":
        out.append((np.abs(r) > 1).tobytes())
    return tuple(out)


def assume_away_from_kinks(net, p):
    for k in range(1, net.n_layers):
        if net.layers[k].activation in KINKED:
            assume(np.abs(p.z[k]).min() >= KINK)
    r = p.a[-1] - p.y
    if p.loss.name == "l1":
        assume(np.abs(r).min() >= KINK)
    if p.loss.name == "huber":
        assume(np.abs(np.abs(r) - 1.0).min() >= KINK)


def full_pass(net, X, y, loss):
    p = Pass(net, X, y, loss)
    p.forward()
    p.compute_loss()
    for k in range(net.n_layers - 1, 0, -1):
        p.backward_layer(k)
    return p


def central(f, arr, idx, h=H):
    """Fourth-order central difference of f() with respect to arr[idx]."""
    old = arr[idx]
    values = []
    for step in (h, -h, 2 * h, -2 * h):
        arr[idx] = old + step
        values.append(f())
    arr[idx] = old
    return (8.0 * (values[0] - values[1]) - (values[2] - values[3])) / (12.0 * h)


def rel_err(analytic, numeric):
    return abs(analytic - numeric) / max(abs(analytic), abs(numeric), FLOOR)


def check_gradients(net, X, y, loss):
    """Compare every reported gradient with finite differences; returns the Pass."""
    p = full_pass(net, X, y, loss)
    assume_away_from_kinks(net, p)
    pattern = kink_pattern(net, p)

    def loss_now():
        q = Pass(net, X, y, loss)
        q.forward()
        value = q.compute_loss()
        assume(kink_pattern(net, q) == pattern)
        return value

    for i, s, j, d, _ in net.edges():
        w = net.blocks[(i, j)].weights
        num = central(loss_now, w, (s, d))
        ana = p.grad_w[(i, j)][s, d]
        assert rel_err(ana, num) < TOL, f"dL/dw {i}:{s}->{j}:{d}: backprop {ana!r}, finite difference {num!r}"
    for k in range(1, net.n_layers):
        for d in range(net.sizes[k]):
            num = central(loss_now, net.layers[k].bias, d)
            ana = p.grad_b[k][d]
            assert rel_err(ana, num) < TOL, f"dL/db {k}:{d}: backprop {ana!r}, finite difference {num!r}"

    # removed edges get exactly no gradient; a pair of layers without edges gets none at all
    for key, block in net.blocks.items():
        assert p.grad_w[key].shape == block.mask.shape
        assert np.all(p.grad_w[key][~block.mask] == 0.0), f"a removed edge of block {key} has a gradient"
    assert set(p.grad_w) == set(net.blocks)

    # dL/da of each hidden layer: perturb the activation and run the rest of the network
    for k in range(1, net.n_layers - 1):
        a_k = p.a[k].copy()

        def loss_from_a(k=k, a_k=a_k):
            q = Pass(net, X, y, loss)
            for layer in range(1, k + 1):
                q.forward_layer(layer)
            q.a[k][...] = a_k  # in place: a Pass may also read its activations through other views
            for layer in range(k + 1, net.n_layers):
                q.forward_layer(layer)
            value = q.compute_loss()
            assume(kink_pattern(net, q) == pattern)
            return value

        for idx in np.ndindex(a_k.shape):
            num = central(loss_from_a, a_k, idx)
            ana = p.grad_a[k][idx]
            assert rel_err(ana, num) < TOL, f"dL/da layer {k} {idx}: backprop {ana!r}, finite difference {num!r}"

    # dL/da of the output layer, against the loss as a function of the activations
    a_out, z_out = p.a[-1].copy(), p.z[-1]
    if loss.name == "binary_cross_entropy":
        def f():
            return float(np.mean(-(y * np.log(a_out) + (1 - y) * np.log(1 - a_out))))
    elif loss.name == "categorical_cross_entropy":
        def f():
            return float(np.mean(-(y * np.log(a_out)).sum(axis=1)))
    else:
        def f():
            return loss.value(a_out, y, z_out)
    if loss.requires:
        # the value the loss reports (from the logits) is the documented formula of the probabilities
        assert loss.value(p.a[-1], y, z_out) == pytest.approx(f(), rel=1e-12, abs=1e-14)
    assert p.loss_value >= 0.0
    grad_out = p.output_grad_a()
    for idx in np.ndindex(a_out.shape):
        # probabilities near 0 or 1 need a step that stays inside (0, 1)
        h = min(H, 0.01 * a_out[idx], 0.01 * (1 - a_out[idx])) if loss.requires else H
        num = central(f, a_out, idx, h)
        assert rel_err(grad_out[idx], num) < TOL, f"output dL/da {idx}: {grad_out[idx]!r} vs {num!r}"
    return p


# -------------------------------------------------------------------- tests
# Parametrised outside @given, so each case draws its own (derandomised) examples.
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output, loss_name", COMBOS)
@SETTINGS
@given(data=st.data())
def test_backprop_matches_finite_differences(hidden, output, loss_name, data):
    case = data.draw(cases(hidden, output, loss_name), label="case")
    check_gradients(*case, get_loss(loss_name))


@pytest.mark.parametrize("output, loss_name", COMBOS)
@SETTINGS
@given(data=st.data())
def test_step_hidden_layers_have_zero_gradient(output, loss_name, data):
    net, X, y = data.draw(cases("step", output, loss_name), label="case")
    p = check_gradients(net, X, y, get_loss(loss_name))  # finite differences agree away from the threshold
    for k in range(1, net.n_layers - 1):
        assert np.all(p.delta[k] == 0.0)
        assert np.all(p.grad_b[k] == 0.0)
        for (i, j), g in p.grad_w.items():
            if j == k:
                assert np.all(g == 0.0), f"step layer {k} got a gradient on block {(i, j)}"


def test_removed_edge_gradient_is_exactly_zero():
    net = Network([2, 3, 2], ["tanh", "linear"], seed=3)
    net.disconnect((0, 0), (1, 0))
    net.disconnect((1, 2), (2, 1))
    X = np.array([[0.5, -0.7], [0.9, 0.2]])
    y = np.array([[1.0, -1.0], [0.0, 0.5]])
    p = full_pass(net, X, y, get_loss("l2"))
    # without the mask these gradients would not be zero
    assert (p.a[0].T @ p.delta[1])[0, 0] != 0.0
    assert (p.a[1].T @ p.delta[2])[2, 1] != 0.0
    assert p.grad_w[(0, 1)][0, 0] == 0.0
    assert p.grad_w[(1, 2)][2, 1] == 0.0


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.mark.parametrize("output, loss_name", [("step", "l2"), ("sigmoid", "binary_cross_entropy")])
def test_step_network_gets_no_hidden_gradient(output, loss_name):
    net = Network([2, 2, 1], ["step", output], seed=1)
    for d in range(2):
        net.set_bias((1, d), 0.1)  # keep z off the threshold at the XOR corners
    hidden_before = net.blocks[(0, 1)].weights.copy(), net.layers[1].bias.copy()
    output_before = net.blocks[(1, 2)].weights.copy()
    opt = make_optimizer("sgd", learning_rate=0.5)
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        for _ in range(20):
            p = Pass(net, XOR_X, XOR_Y, get_loss(loss_name))
            loss = p.run(opt)
            assert np.isfinite(loss)
            assert np.all(p.delta[1] == 0.0)
            assert np.all(p.grad_w[(0, 1)] == 0.0)
            assert np.all(p.grad_b[1] == 0.0)
    assert np.array_equal(net.blocks[(0, 1)].weights, hidden_before[0])
    assert np.array_equal(net.layers[1].bias, hidden_before[1])
    if output == "sigmoid":
        # the output layer did learn, so the zeros above are the step's doing
        assert not np.array_equal(net.blocks[(1, 2)].weights, output_before)
    else:
        assert np.all(p.delta[2] == 0.0)
        assert np.array_equal(net.blocks[(1, 2)].weights, output_before)


def training_network():
    net = Network([2, 3, 3, 1], ["tanh", "relu", "sigmoid"], seed=7)
    net.connect_layers(0, 2)
    net.connect((1, 0), (3, 0), weight=0.3)
    net.disconnect((0, 1), (1, 2))
    for k, size in enumerate(net.sizes[1:], start=1):
        for d in range(size):
            net.set_bias((k, d), 0.1 * (k + d))
    return net


def all_parameters(net):
    return [b.weights for _, b in sorted(net.blocks.items())] + [l.bias for l in net.layers]


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_run_equals_phase_by_phase(name):
    X = np.random.default_rng(0).uniform(-1, 1, (6, 2))
    y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    loss = get_loss("binary_cross_entropy")
    fast, slow = training_network(), training_network()
    opt_fast = make_optimizer(name, learning_rate=0.1, l2=0.01)
    opt_slow = make_optimizer(name, learning_rate=0.1, l2=0.01)
    start = [w.copy() for w in all_parameters(fast)]
    for _ in range(3):
        loss_fast = Pass(fast, X, y, loss).run(opt_fast)
        p = Pass(slow, X, y, loss)
        phases = p.phases()
        n = slow.n_layers
        assert phases == [("forward", k) for k in range(1, n)] + [("loss", n - 1)] + \
            [("backward", k) for k in range(n - 1, 0, -1)] + [("update", None)]
        for phase in phases:
            if phase[0] == "update":
                p.update(opt_slow)
            else:
                p.run_phase(phase)
        assert p.loss_value == loss_fast
    for a, b, s in zip(all_parameters(fast), all_parameters(slow), start):
        assert np.array_equal(a, b)
    assert not all(np.array_equal(a, s) for a, s in zip(all_parameters(fast), start))


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_removed_edges_stay_zero_under_optimizer_memory(name):
    X = np.random.default_rng(1).uniform(-1, 1, (8, 2))
    y = (X.sum(axis=1, keepdims=True) > 0).astype(float)
    loss = get_loss("binary_cross_entropy")
    net = training_network()
    start = net.copy()
    opt = make_optimizer(name, learning_rate=0.1, l1=0.001, l2=0.01)
    for _ in range(5):
        Pass(net, X, y, loss).run(opt)
    # remove an edge mid-training; its block stays, so the optimiser keeps its memory
    src, dst = (1, 1), (2, 2)
    assert net.has_edge(src, dst) and net.blocks[(1, 2)].full
    # the optimiser moved this weight, so its memory of it is not zero:
    # only the re-applied mask can keep it at 0 from now on
    assert net.weight(src, dst) != start.weight(src, dst)
    net.disconnect(src, dst)
    for _ in range(5):
        Pass(net, X, y, loss).run(opt)
        assert net.blocks[(1, 2)].weights[1, 2] == 0.0
        assert not net.has_edge(src, dst)
    assert opt.t == 10, "the optimiser's memory was dropped"
    for block in net.blocks.values():
        assert np.all(block.weights[~block.mask] == 0.0)
