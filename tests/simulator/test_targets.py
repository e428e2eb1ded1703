"""Every loss says which targets and output layers it accepts, its value is the
documented formula, and it is never negative; Project.problems() and
`validate` report what does not fit, with what to change."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulator.__main__ import main
from simulator.activations import check_size, get_activation
from simulator.backprop import Pass
from simulator.generators import make_dataset
from simulator.errors import SimulatorError, TrainingError
from simulator.losses import LOSS_NAMES, get_loss
from simulator.network import Network
from simulator.presets import make_preset
from simulator.project_file import output_depends_on_input, save_project
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer

CCE = get_loss("categorical_cross_entropy")
BCE = get_loss("binary_cross_entropy")


# ------------------------------------------------- the value is the formula
def test_soft_label_cross_entropy_is_minus_sum_y_log_a():
    """A one-input 1-2 softmax network, weights [1, -1], input 1, target [0.5, 0.5]."""
    net = Network([1, 2], ["softmax"], init="zeros")
    net.set_weight((0, 0), (1, 0), 1.0)
    net.set_weight((0, 0), (1, 1), -1.0)
    p = Pass(net, np.array([[1.0]]), np.array([[0.5, 0.5]]), CCE)
    p.forward()
    a = np.exp([1.0, -1.0]) / np.exp([1.0, -1.0]).sum()
    assert p.compute_loss() == pytest.approx(-(0.5 * math.log(a[0]) + 0.5 * math.log(a[1])), rel=1e-14)
    assert p.compute_loss() == pytest.approx(1.1269, abs=5e-5)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(z=hnp.arrays(float, (3, 4), elements=st.floats(-800, 800)), seed=st.integers(0, 2**32 - 1))
def test_cross_entropy_agrees_with_its_formula_for_any_scores(z, seed):
    """Small scores, and scores so large that some probabilities underflow to 0: one formula throughout,
    -sum y (z - logsumexp(z)), computed here independently with exact-enough Python sums."""
    y = np.random.default_rng(seed).dirichlet(np.ones(4), 3)
    y[0] = np.eye(4)[seed % 4]  # one-hot and soft rows together
    a = get_activation("softmax").value(z)
    expected = 0.0
    for zi, yi in zip(z, y):
        m = max(zi)
        lse = m + math.log(math.fsum(math.exp(v - m) for v in zi))
        expected += math.fsum(yj * (lse - zj) for yj, zj in zip(yi, zi))
    value = CCE.value(a, y, z)
    assert value == pytest.approx(expected / 3, rel=1e-9, abs=1e-12)
    assert value >= 0.0


def test_cross_entropy_gradient_is_exact_for_rows_that_do_not_sum_to_one():
    """Refused by check_targets, but if used anyway the gradient is still the loss's own (it was 107% off)."""
    z = np.array([[0.4, -1.1, 2.0], [-0.3, 0.8, 0.05]])
    y = np.array([[0.9, 0.0, 1.2], [0.1, 0.1, 0.0]])
    f = get_activation("softmax")
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        d = np.zeros_like(z)
        d[idx] = 1e-6
        numeric[idx] = (CCE.value(f.value(z + d), y, z + d) - CCE.value(f.value(z - d), y, z - d)) / 2e-6
    np.testing.assert_allclose(CCE.grad_z(f.value(z), y, z, f), numeric, rtol=1e-7, atol=1e-10)
    assert CCE.check_targets(y) is not None


# ------------------------------------------------------ never negative
ACCEPTED = {
    "l1": st.floats(-1e6, 1e6), "l2": st.floats(-1e6, 1e6), "huber": st.floats(-1e6, 1e6),
    "binary_cross_entropy": st.floats(0.0, 1.0),
}


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data(), name=st.sampled_from(LOSS_NAMES))
def test_no_loss_is_ever_negative_on_targets_it_accepts(data, name):
    loss = get_loss(name)
    z = data.draw(hnp.arrays(float, (3, 2), elements=st.floats(-1000, 1000)), label="z")
    if name == "categorical_cross_entropy":
        y = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).dirichlet([0.3, 0.3], 3)
        activation = "softmax"
    else:
        y = data.draw(hnp.arrays(float, (3, 2), elements=ACCEPTED[name]), label="y")
        activation = "sigmoid" if name == "binary_cross_entropy" else "linear"
    assert loss.check_targets(y) is None
    a = get_activation(activation).value(z)
    with np.errstate(under="ignore"):
        assert loss.value(a, y, z) >= 0.0


# ---------------------------------------------------- what each accepts
@pytest.mark.parametrize("name", ["l1", "l2", "huber"])
def test_regression_losses_accept_any_finite_target(name):
    loss = get_loss(name)
    assert loss.check_targets([[-1e300, 0.5], [3.0, 1e-300]]) is None
    reason = loss.check_targets([[0.0, np.nan]])
    assert reason is not None and "NaN or infinite" in reason


def test_binary_cross_entropy_accepts_probabilities_only():
    assert BCE.check_targets([[0.0], [1.0], [0.25]]) is None
    reason = BCE.check_targets(make_dataset({"generator": "sine"}).y)
    assert reason.startswith("binary cross-entropy needs every target between 0 and 1")
    assert "run from -" in reason and "L2" in reason  # what the targets are, and what to choose instead
    assert BCE.check_targets([[1.0000001]]) is not None


def test_categorical_cross_entropy_accepts_probability_rows_only():
    assert CCE.check_targets(np.eye(3)[[0, 2, 1]]) is None
    assert CCE.check_targets([[0.5, 0.5], [0.2, 0.8]]) is None
    assert CCE.check_targets([[1 / 3, 1 / 3, 1 / 3]]) is None  # rounding is no reason to refuse
    sums = CCE.check_targets([[0.5, 0.5], [0.3, 0.2]])
    assert "the row [0.3, 0.2] sums to 0.5" in sums
    negative = CCE.check_targets([[1.5, -0.5]])
    assert "the row [1.5, -0.5] has a negative value" in negative
    one_column = CCE.check_targets(make_dataset({"generator": "xor"}).y)
    assert "one target column per class" in one_column and "binary cross-entropy" in one_column


# ------------------------------------------------- one-neuron softmax
def test_softmax_over_one_neuron_is_refused_with_the_reason():
    assert check_size("softmax", 2) is None and check_size("sigmoid", 1) is None
    reason = check_size("softmax", 1)
    assert "always outputs 1" in reason and "sigmoid" in reason
    for name in LOSS_NAMES:  # whatever the loss: the output layer itself cannot learn
        assert get_loss(name).check_output("softmax", 1) == reason
    assert CCE.check_output("softmax", 3) is None
    net = Network([2, 1], ["softmax"])
    with pytest.raises(SimulatorError, match="always outputs 1"):
        Trainer(net, make_dataset({"generator": "and"}), None, TrainingSettings(loss="l2"))


def test_one_neuron_softmax_used_to_train_to_a_negative_loss():
    """The issue's case, straight through Pass: the value stays at 0 (softmax is 1), never below."""
    net = Network([2, 1], ["softmax"], seed=0)
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0]])
    p = Pass(net, X, y, CCE)
    p.forward()
    assert p.compute_loss() == 0.0


# ------------------------------------------------------------ problems()
def test_problems_report_targets_that_do_not_fit_the_loss():
    project = make_preset("sine")
    project.network.set_activation(project.network.output_layer, "sigmoid")
    project.settings.loss = "binary_cross_entropy"
    problems = project.problems()
    assert len(problems) == 1
    assert problems[0].startswith("training.loss: binary cross-entropy needs every target between 0 and 1")
    train, _ = project.datasets()
    with pytest.raises(TrainingError, match="between 0 and 1"):
        Trainer(project.network, train, None, project.settings)


def test_problems_report_targets_even_when_the_widths_do_not_match():
    project = make_preset("sine")
    project.network.add_neuron(0)  # 2 inputs, the data has 1
    project.settings.loss = "categorical_cross_entropy"
    places = [p.split(":")[0] for p in project.problems()]
    assert places == ["data", "training.loss", "training.loss"]  # widths, output layer, targets


def test_problems_name_the_output_layer_for_a_one_neuron_softmax():
    project = make_preset("mlp-xor")
    project.network.set_activation(2, "softmax")
    project.settings.loss = "categorical_cross_entropy"
    problems = project.problems()
    assert problems[0].startswith("network: softmax over a single neuron")
    assert problems[1].startswith("training.loss: categorical cross-entropy needs one target column per class")
    assert len(problems) == 2


def test_problems_warn_when_the_output_no_longer_depends_on_any_input():
    project = make_preset("mlp-xor")
    net = project.network
    assert project.problems() == []
    for s in range(net.sizes[0]):
        for d in range(net.sizes[1]):
            if (s, d) != (1, 2):
                net.disconnect((0, s), (1, d))
    assert output_depends_on_input(net) and project.problems() == []  # one chain is left
    net.disconnect((0, 1), (1, 2))
    assert not output_depends_on_input(net)
    (problem,) = project.problems()
    assert problem.startswith("network: the output no longer depends on any input")
    assert "same prediction" in problem
    net.connect((0, 0), (2, 0))  # a skip connection straight to the output is enough
    assert project.problems() == []


def test_depends_on_input_follows_chains_not_single_blocks():
    net = Network([1, 2, 2, 1], ["tanh", "tanh", "linear"])
    net.disconnect((1, 0), (2, 0))
    net.disconnect((1, 0), (2, 1))
    net.disconnect((0, 0), (1, 1))
    # input -> hidden1[0] leads nowhere; hidden1[1] gets no input: nothing reaches the output
    assert not output_depends_on_input(net)
    net.connect((1, 0), (3, 0))
    assert output_depends_on_input(net)


def test_validate_reports_each_problem(tmp_path, capsys):
    project = make_preset("sine")
    project.settings.loss = "binary_cross_entropy"
    net = project.network
    for d in range(net.sizes[1]):
        net.disconnect((0, 0), (1, d))
    path = tmp_path / "p.json"
    save_project(project, path)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "needs every target between 0 and 1" in err and "no longer depends on any input" in err
