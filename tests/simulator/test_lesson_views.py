"""The maths behind the three lesson views: hidden space, the loss along one weight, the chain rule."""

import numpy as np
import pytest

from simulator.backprop import forward
from simulator.chain_rule import chain_lines, edge_chain, number, trace_example
from simulator.hidden_space import hidden_space, input_grid_lines, output_reading, switch_point
from simulator.history import History
from simulator.lessons import load_lesson
from simulator.losses import get_loss
from simulator.network import Network
from simulator.replay import network_from_snapshot
from simulator.snapshot import take_snapshot
from simulator.trainer import Trainer
from simulator.weight_slice import weight_slice


def trained(name, steps=None):
    project = load_lesson(name)
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    for _ in range(steps if steps is not None else project.lesson["steps"]):
        trainer.step()
    return project, trainer


def test_network_from_snapshot_computes_what_the_network_does():
    net = Network([2, 3, 2], ["tanh", "softmax"], seed=4)
    net.connect((0, 1), (2, 0), 0.7)  # a skip connection
    net.set_bias((1, 2), 0.3)
    X = np.random.default_rng(0).normal(size=(7, 2))
    copy = network_from_snapshot(take_snapshot(net, None, History(), 0, 0))
    assert copy.sizes == net.sizes and copy.activations == net.activations
    assert np.allclose(forward(copy, X)[1][-1], forward(net, X)[1][-1], atol=1e-6)


# ------------------------------------------------------------- hidden space
def test_the_two_chosen_neurons_coordinates_are_their_activations():
    net = Network([2, 4, 3, 1], seed=2)
    X = np.random.default_rng(1).uniform(-1, 1, size=(20, 2))
    lines = input_grid_lines((-1, 1), (-1, 1), count=5, samples=7)
    space = hidden_space(net, X, 1, (1, 3), lines)
    a = forward(net, X)[1]
    assert np.allclose(space.points, a[1][:, [1, 3]])
    assert np.allclose(space.lines[2], forward(net, lines[2])[1][1][:, [1, 3]])
    assert len(space.lines) == 10 and space.lines[0].shape == (7, 2)
    # layer 2 feeds the output: its decision is a line; layer 1 does not
    assert space.line is None and "directly" in space.reason
    assert hidden_space(net, X, 2, (0, 1)).line is not None


def test_pca_coordinates_are_the_activations_on_orthonormal_axes():
    net = Network([2, 5, 1], seed=3)
    X = np.random.default_rng(2).uniform(-1, 1, size=(30, 2))
    space = hidden_space(net, X, 1, "pca")
    M = space.axes.matrix
    assert np.allclose(M.T @ M, np.eye(2))
    H = forward(net, X)[1][1]
    assert np.allclose(space.points, H @ M)
    # the first axis carries the most spread
    assert np.var(space.points[:, 0]) >= np.var(space.points[:, 1]) - 1e-12


def test_a_two_neuron_layers_line_is_exact():
    net = Network([2, 2, 1], seed=5)
    X = np.random.default_rng(3).uniform(-1, 1, size=(50, 2))
    space = hidden_space(net, X, 1, (0, 1))
    assert space.line.agree == 1.0
    z = forward(net, X)[0][-1][:, 0]
    side = space.points @ space.line.normal + space.line.offset
    assert np.allclose(side, z)  # the sigmoid switches at z = 0


@pytest.mark.parametrize("axes", ["pca", "output"])
def test_after_training_xor_the_output_line_separates_the_classes(axes):
    project, trainer = trained("mlp-xor")
    X, labels = trainer.train.X, trainer.train.y[:, 0] > 0.5
    space = hidden_space(project.network, X, 1, axes, input_grid_lines((-1, 1), (-1, 1)))
    side = space.points @ space.line.normal + space.line.offset > 0
    assert np.array_equal(side, labels)
    assert space.line.agree == 1.0


def test_output_axes_make_the_line_exact_for_every_point():
    net = Network([2, 6, 1], seed=7)
    X = np.random.default_rng(4).uniform(-2, 2, size=(40, 2))
    space = hidden_space(net, X, 1, "output")
    assert space.line.agree == 1.0
    assert abs(space.line.normal[1]) < 1e-12  # the decision reads the first axis only


def test_two_softmax_outputs_decide_where_their_pre_activations_are_equal():
    net = Network([2, 3, 2], ["tanh", "softmax"], seed=6)
    X = np.random.default_rng(5).uniform(-2, 2, size=(60, 2))
    space = hidden_space(net, X, 1, "output")
    z = forward(net, X)[0][-1]
    side = space.points @ space.line.normal + space.line.offset
    assert np.allclose(side, z[:, 1] - z[:, 0]) and space.line.agree == 1.0


def test_regression_has_no_decision_line():
    net = Network([1, 4, 1], ["tanh", "linear"], seed=2)
    space = hidden_space(net, np.linspace(-1, 1, 9)[:, None], 1, "pca", input_grid_lines((-1, 1)), classify=False)
    assert space.line is None and "regression" in space.reason
    assert space.lines[0].shape == (48, 2)  # the input line, carried into the hidden space


def test_diverged_activations_are_refused_with_a_reason():
    net = Network([2, 3, 1], ["relu", "sigmoid"], seed=6)
    net.blocks[(0, 1)].weights[:] = np.inf
    with pytest.raises(ValueError, match="diverged"):
        hidden_space(net, np.ones((3, 2)), 1, "pca")


def test_switch_points_follow_the_trainers_half_way_rule():
    assert switch_point("sigmoid") == pytest.approx(0.0, abs=1e-9)
    assert switch_point("tanh") == pytest.approx(np.arctanh(0.5), abs=1e-9)
    assert switch_point("linear") == pytest.approx(0.5, abs=1e-9)
    assert switch_point("relu") == pytest.approx(0.5, abs=1e-9)
    assert switch_point("step") == pytest.approx(0.0, abs=1e-9)


def test_no_line_for_many_outputs_or_a_skip_into_the_output():
    net = Network([2, 3, 3], ["tanh", "softmax"], seed=1)
    assert "outputs" in output_reading(net, 1)
    net = Network([2, 3, 1], seed=1)
    net.connect((0, 0), (2, 0), 0.5)
    assert "not fed by this layer alone" in output_reading(net, 1)


# ---------------------------------------------------------- loss along a weight
CASES = [  # (hidden, output, loss, outputs)
    ("tanh", "sigmoid", "binary_cross_entropy", 1),
    ("sigmoid", "linear", "l2", 1),
    ("relu", "tanh", "huber", 2),
    ("leaky_relu", "linear", "l1", 1),
    ("tanh", "softmax", "categorical_cross_entropy", 3),
]


@pytest.mark.parametrize("hidden, output, loss_name, outputs", CASES)
def test_the_slope_is_the_backprop_gradient_and_the_finite_difference(hidden, output, loss_name, outputs):
    rng = np.random.default_rng(len(loss_name))
    net = Network([2, 3, outputs], [hidden, output], seed=11)
    for k in range(3):
        net.set_bias((1, k), rng.normal(0, 0.5))
    X = rng.normal(size=(25, 2))
    if output == "softmax":
        y = np.eye(outputs)[rng.integers(0, outputs, 25)]
    elif loss_name == "binary_cross_entropy":
        y = rng.integers(0, 2, size=(25, 1)).astype(float)
    else:
        y = rng.normal(size=(25, outputs))
    loss = get_loss(loss_name)
    before = net.copy()
    for edge in [((0, 1), (1, 2)), ((1, 0), (2, outputs - 1))]:
        s = weight_slice(net, X, y, loss, edge, span=1.5, n=31)
        assert s.gradient == pytest.approx(s.finite_difference, rel=1e-6, abs=1e-9)
        # an independent check: the loss recomputed with the weight nudged by hand
        probe, h = net.copy(), 1e-6
        w = probe.weight(*edge)
        probe.set_weight(*edge, w + h)
        up = loss.value(forward(probe, X)[1][-1], y, forward(probe, X)[0][-1])
        probe.set_weight(*edge, w - h)
        down = loss.value(forward(probe, X)[1][-1], y, forward(probe, X)[0][-1])
        assert s.gradient == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)
        assert s.ws[15] == pytest.approx(s.w) and s.losses[15] == pytest.approx(s.loss)
        assert s.ws[0] == pytest.approx(s.w - 1.5) and len(s.losses) == 31
    assert net.same_as(before)  # the weight was put back


def test_the_derivative_lessons_curve_is_a_parabola_with_its_bottom_near_w_2():
    project, trainer = trained("derivative", 0)
    s = weight_slice(project.network, trainer.train.X, trainer.train.y, trainer.loss, ((0, 0), (1, 0)),
                     span=3.0, n=121)
    assert s.gradient < 0  # w starts below 2: the loss falls as w grows
    bottom = s.ws[np.argmin(s.losses)]
    assert 1.5 < bottom < 2.5
    second = np.diff(s.losses, 2)
    assert np.allclose(second, second[0], rtol=1e-6)  # a parabola: constant curvature


# --------------------------------------------------------------- chain rule
def test_the_printed_product_is_the_gradient_the_core_computes():
    project, trainer = trained("backprop-trace", 0)
    net = project.network
    core = trainer.trace(0)
    mine = trace_example(net, trainer.train.X[0], trainer.train.y[0], trainer.loss)
    for si, sn, di, dn, _ in net.edges():
        src, dst = (si, sn), (di, dn)
        chain = edge_chain(net, mine, src, dst)
        key = (src[0], dst[0])
        assert chain.product == pytest.approx(core.grad_w[key][src[1], dst[1]], rel=1e-12)
        assert chain.gradient == core.grad_w[key][src[1], dst[1]]
        lines = chain_lines(chain, net.sizes)
        assert lines[1].endswith(f"= {number(core.grad_w[key][src[1], dst[1]])}")
        if chain.output:
            assert chain.grad_a * chain.slope == pytest.approx(chain.delta_dst, rel=1e-9)
        else:
            total = sum(w * d for _, w, d in chain.terms)
            assert chain.slope * total == pytest.approx(chain.delta_dst, rel=1e-9)
            assert len(chain.terms) == 1 and "δ(ŷ)" in lines[4]


def test_the_output_delta_is_written_from_the_loss_and_the_sigmoid_slope():
    project, trainer = trained("backprop-trace", 0)
    net = project.network
    trace = trace_example(net, trainer.train.X[0], trainer.train.y[0], trainer.loss)
    chain = edge_chain(net, trace, (1, 1), (2, 0), "l2")
    assert chain.grad_a == pytest.approx(2 * (chain.a_dst - chain.target), rel=1e-12)  # L = (ŷ - y)²
    assert chain.slope == pytest.approx(chain.a_dst * (1 - chain.a_dst), rel=1e-12)   # σ' = a(1 - a)
    text = "\n".join(chain_lines(chain, net.sizes))
    assert "∂L/∂ŷ = 2(ŷ − y)" in text and "σ′(z(ŷ)) = ŷ × (1 − ŷ)" in text
    assert f"2 × ({number(chain.a_dst)} − 1) = {number(chain.grad_a)}" in text
    assert f"{number(chain.a_dst)} × (1 − {number(chain.a_dst)}) = {number(chain.slope)}" in text


def test_the_chain_follows_skip_connections_and_softmax():
    net = Network([2, 3, 2, 3], ["tanh", "relu", "softmax"], seed=9)
    net.connect((1, 0), (3, 1), 0.4)
    loss = get_loss("categorical_cross_entropy")
    trace = trace_example(net, [0.3, -0.8], [0.0, 1.0, 0.0], loss)
    chain = edge_chain(net, trace, (0, 1), (1, 0))
    assert len(chain.terms) == 3  # two neurons of Hidden 2 and the skip into the output
    assert chain.slope * sum(w * d for _, w, d in chain.terms) == pytest.approx(chain.delta_dst, rel=1e-9)
    out = edge_chain(net, trace, (2, 1), (3, 2))
    assert out.product == pytest.approx(trace.grad_w[(2, 3)][1, 2], rel=1e-12)
    assert "softmax" in chain_lines(out, net.sizes)[3]


# ------------------------------------------------------- the lesson's view
def test_a_lesson_names_the_view_it_opens_on_and_a_wrong_name_is_refused():
    from simulator.errors import ProjectFileError
    from simulator.project_schema import LESSON_VIEWS, lesson_from_dict
    assert load_lesson("mlp-xor").lesson["view"] == "hidden-space"
    assert load_lesson("derivative").lesson["view"] == "derivative"
    assert load_lesson("backprop-trace").lesson["view"] == "chain-rule"
    assert load_lesson("circles").lesson["view"] == "output"  # the tab its first step names
    assert "view" not in load_lesson("digits").lesson  # the Digits tab shows only for 8x8 images
    good = {"name": "x", "fingerprint": "ab", "view": "derivative"}
    assert lesson_from_dict(good)["view"] in LESSON_VIEWS
    with pytest.raises(ProjectFileError) as error:
        lesson_from_dict({**good, "view": "hidden space"})
    assert error.value.field == "lesson.view" and "hidden-space" in str(error.value)


def test_the_class_one_half_plane_is_cut_from_the_box_by_the_line():
    from simulator.hidden_space import DecisionLine, half_plane
    line = DecisionLine(np.array([1.0, 0.0]), -0.5, 0.0, 1.0)  # class 1 where x > 0.5
    poly = half_plane(line, (0, 0, 2, 1))
    assert sorted(map(tuple, poly.round(9))) == [(0.5, 0.0), (0.5, 1.0), (2.0, 0.0), (2.0, 1.0)]
    assert len(half_plane(DecisionLine(np.array([1.0, 1.0]), -10.0, 0.0, 1.0), (0, 0, 1, 1))) == 0
