"""Activations, losses and optimisers: known values, derivatives against
finite differences, numerical stability, and update rules against
hand-written references."""

import math
import warnings
from contextlib import contextmanager

import numpy as np
import pytest

from simulator.activations import ACTIVATION_NAMES, LEAKY_SLOPE, get_activation
from simulator.backprop import Pass
from simulator.errors import SimulatorError
from simulator.losses import LOSS_NAMES, get_loss
from simulator.network import Network
from simulator.optimizers import make_optimizer

H = 1e-6


@contextmanager
def strict_numerics():
    """Any NumPy overflow, division by zero or invalid value, or any warning, fails the test."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


def act(name, z):
    return get_activation(name).value(np.array(z, dtype=float))


# --------------------------------------------------------------- activations
def test_known_values():
    z = [[-2.0, 0.0, 3.0]]
    np.testing.assert_array_equal(act("step", z), [[0.0, 1.0, 1.0]])
    np.testing.assert_array_equal(act("step", [[-1e-12, 1e-12]]), [[0.0, 1.0]])
    np.testing.assert_array_equal(act("linear", z), z)
    np.testing.assert_array_equal(act("relu", z), [[0.0, 0.0, 3.0]])
    np.testing.assert_allclose(act("leaky_relu", z), [[-0.02, 0.0, 3.0]], rtol=1e-15)
    assert LEAKY_SLOPE == 0.01
    assert act("sigmoid", [[0.0]])[0, 0] == 0.5
    np.testing.assert_allclose(act("sigmoid", [[2.0, -1.5]]), 1 / (1 + np.exp(-np.array([[2.0, -1.5]]))),
                               rtol=1e-14)
    np.testing.assert_allclose(act("tanh", z), np.tanh(z), rtol=1e-15)
    assert act("tanh", [[0.0]])[0, 0] == 0.0


def test_softmax_values():
    a = act("softmax", [[0.0, math.log(3.0)], [1.0, 1.0]])
    np.testing.assert_allclose(a, [[0.25, 0.75], [0.5, 0.5]], rtol=1e-14)
    z = np.random.default_rng(0).normal(0, 3, (5, 4))
    a = act("softmax", z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-14)
    assert np.all(a > 0)
    np.testing.assert_allclose(act("softmax", z + 7.0), a, rtol=1e-12)  # only differences matter


def test_softmax_is_stable_for_large_scores():
    with strict_numerics():
        a = act("softmax", [[1000.0, 1000.0], [1000.0, 0.0], [-1000.0, 1000.0], [-1000.0, -1000.0]])
    np.testing.assert_allclose(a, [[0.5, 0.5], [1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], atol=1e-300)


def test_sigmoid_never_overflows():
    z = np.array([[-1000.0, -745.0, -50.0, 50.0, 1000.0]])
    with strict_numerics():
        a = get_activation("sigmoid").value(z)
        slope = get_activation("sigmoid").derivative(z, a)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(slope))
    assert a[0, 0] == 0.0 and a[0, -1] == 1.0
    assert np.all((a >= 0) & (a <= 1))
    assert np.all(np.diff(a) >= 0)


# points well away from the kinks of step, relu and leaky relu
Z = np.array([[-2.3, -0.7, -0.05, 0.04, 0.6, 1.9], [3.1, -4.0, 0.3, -1.2, 0.02, 2.5]])


@pytest.mark.parametrize("name", [n for n in ACTIVATION_NAMES if n != "softmax"])
def test_derivative_matches_finite_differences(name):
    f = get_activation(name)
    a = f.value(Z)
    numeric = (f.value(Z + H) - f.value(Z - H)) / (2 * H)
    np.testing.assert_allclose(f.derivative(Z, a), numeric, rtol=1e-7, atol=1e-9)
    # backward is the chain rule through that slope
    g = np.cos(Z)
    np.testing.assert_allclose(f.backward(Z, a, g), g * numeric, rtol=1e-7, atol=1e-9)


def test_softmax_backward_matches_finite_differences():
    f = get_activation("softmax")
    z = Z[:, :4]
    a = f.value(z)
    g = np.cos(3 * z)  # dL/da for L = sum(g * a)
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        dz = np.zeros_like(z)
        dz[idx] = H
        numeric[idx] = ((g * f.value(z + dz)).sum() - (g * f.value(z - dz)).sum()) / (2 * H)
    np.testing.assert_allclose(f.backward(z, a, g), numeric, rtol=1e-7, atol=1e-10)
    # the plotted derivative is the Jacobian's diagonal
    diag = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        dz = np.zeros_like(z)
        dz[idx] = H
        diag[idx] = (f.value(z + dz)[idx] - f.value(z - dz)[idx]) / (2 * H)
    np.testing.assert_allclose(f.derivative(z, a), diag, rtol=1e-7, atol=1e-10)


def test_step_slope_is_zero():
    f = get_activation("step")
    np.testing.assert_array_equal(f.derivative(Z, f.value(Z)), np.zeros_like(Z))


def test_unknown_activation():
    with pytest.raises(SimulatorError, match="swish"):
        get_activation("swish")


# -------------------------------------------------------------------- losses
A = np.array([[0.5, 2.0]])
Y = np.array([[1.0, 0.0]])


def test_regression_losses_by_hand():
    assert get_loss("l1").value(A, Y, None) == pytest.approx((0.5 + 2.0) / 2, rel=1e-15)
    assert get_loss("l2").value(A, Y, None) == pytest.approx((0.25 + 4.0) / 2, rel=1e-15)
    # |r| = 0.5 is inside the threshold (0.5 r^2), |r| = 2 outside (|r| - 0.5)
    assert get_loss("huber").value(A, Y, None) == pytest.approx((0.125 + 1.5) / 2, rel=1e-15)


def test_binary_cross_entropy_by_hand():
    z = np.array([[0.0, math.log(3.0)]])  # sigmoid: 0.5 and 0.75
    a = get_activation("sigmoid").value(z)
    value = get_loss("binary_cross_entropy").value(a, Y, z)
    assert value == pytest.approx((math.log(2) + math.log(4)) / 2, rel=1e-14)


def test_categorical_cross_entropy_by_hand():
    z = np.array([[0.0, math.log(3.0)], [0.0, math.log(3.0)]])  # softmax: 0.25, 0.75
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    a = get_activation("softmax").value(z)
    value = get_loss("categorical_cross_entropy").value(a, y, z)
    assert value == pytest.approx((-math.log(0.75) - math.log(0.25)) / 2, rel=1e-14)


def numeric_gradient(f, x):
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = H
        out[idx] = (f(x + d) - f(x - d)) / (2 * H)
    return out


@pytest.mark.parametrize("name", ["l1", "l2", "huber"])
def test_regression_loss_gradients(name):
    loss = get_loss(name)
    a = np.array([[0.3, -1.7, 2.2], [0.9, 0.1, -0.4]])
    y = np.array([[0.0, 0.5, 0.1], [-0.8, 0.2, 0.3]])  # errors away from 0 and from Huber's 1
    numeric = numeric_gradient(lambda v: loss.value(v, y, None), a)
    np.testing.assert_allclose(loss.grad_a(a, y, None), numeric, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name, activation", [("binary_cross_entropy", "sigmoid"),
                                              ("categorical_cross_entropy", "softmax")])
def test_cross_entropy_gradients(name, activation):
    loss, f = get_loss(name), get_activation(activation)
    z = np.array([[0.4, -1.1, 2.0], [-0.3, 0.8, 0.05]])
    y = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    a = f.value(z)
    numeric = numeric_gradient(lambda v: loss.value(f.value(v), y, v), z)
    np.testing.assert_allclose(loss.grad_z(a, y, z, f), numeric, rtol=1e-7, atol=1e-10)
    # through dL/da and the activation's own backward, the same answer
    np.testing.assert_allclose(f.backward(z, a, loss.grad_a(a, y, z)), numeric, rtol=1e-6, atol=1e-10)


def test_cross_entropy_from_logits_is_finite_for_large_scores():
    z = np.array([[1000.0, -1000.0]])
    bce, cce = get_loss("binary_cross_entropy"), get_loss("categorical_cross_entropy")
    with strict_numerics():
        a = get_activation("sigmoid").value(z)
        wrong = bce.value(a, np.array([[0.0, 1.0]]), z)
        right = bce.value(a, np.array([[1.0, 0.0]]), z)
        g = bce.grad_z(a, np.array([[0.0, 1.0]]), z, get_activation("sigmoid"))
        s = get_activation("softmax").value(z)
        c_wrong = cce.value(s, np.array([[0.0, 1.0]]), z)
        c_right = cce.value(s, np.array([[1.0, 0.0]]), z)
        cg = cce.grad_z(s, np.array([[0.0, 1.0]]), z, get_activation("softmax"))
    assert wrong == pytest.approx(1000.0, rel=1e-12)
    assert right == pytest.approx(0.0, abs=1e-300)
    assert c_wrong == pytest.approx(2000.0, rel=1e-12)
    assert c_right == pytest.approx(0.0, abs=1e-300)
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(cg))
    np.testing.assert_allclose(g, [[0.5, -0.5]])
    np.testing.assert_allclose(cg, [[1.0, -1.0]])


@pytest.mark.parametrize("name, good, bad", [("binary_cross_entropy", "sigmoid", ["tanh", "softmax", "linear"]),
                                             ("categorical_cross_entropy", "softmax", ["sigmoid", "relu"])])
def test_cross_entropy_refuses_other_outputs(name, good, bad):
    loss = get_loss(name)
    loss.check(good)
    for activation in bad:
        with pytest.raises(SimulatorError) as info:
            loss.check(activation)
        assert activation in str(info.value)
        assert good in str(info.value)


@pytest.mark.parametrize("name", ["l1", "l2", "huber"])
def test_regression_losses_accept_any_output(name):
    for activation in ACTIVATION_NAMES:
        get_loss(name).check(activation)


def test_unknown_loss():
    with pytest.raises(SimulatorError, match="hinge"):
        get_loss("hinge")
    assert set(LOSS_NAMES) == {"l1", "l2", "huber", "binary_cross_entropy", "categorical_cross_entropy"}


# ---------------------------------------------------------------- optimisers
GRADS = [np.array([[0.5, -0.25], [0.1, 0.0]]), np.array([[-0.3, 0.2], [0.4, -0.6]]),
         np.array([[0.05, 0.7], [-0.2, 0.3]])]
START = np.array([[1.0, -2.0], [0.5, 0.25]])


def test_sgd_one_step_by_hand():
    p, g = START.copy(), GRADS[0].copy()
    make_optimizer("sgd", learning_rate=0.1).update([p], [g])
    np.testing.assert_array_equal(p, [[0.95, -1.975], [0.49, 0.25]])
    np.testing.assert_array_equal(g, GRADS[0])  # the gradient on show is untouched


def momentum_reference(lrs, mu=0.9):
    p, v = START.copy(), np.zeros_like(START)
    for lr, g in zip(lrs, GRADS):
        v = mu * v - lr * g
        p = p + v
    return p


def adam_reference(lrs, b1=0.9, b2=0.999, eps=1e-8):
    """Kingma and Ba, Algorithm 1, line by line (epsilon added to sqrt(v_hat))."""
    p, m, v = START.copy(), np.zeros_like(START), np.zeros_like(START)
    for t, (lr, g) in enumerate(zip(lrs, GRADS), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def run(name, lrs, **settings):
    opt = make_optimizer(name, learning_rate=lrs[0], **settings)
    p = START.copy()
    for lr, g in zip(lrs, GRADS):
        opt.learning_rate = lr  # changed between steps, as the UI does
        opt.update([p], [g])
    return p


def test_momentum_matches_reference():
    np.testing.assert_allclose(run("momentum", [0.1] * 3), momentum_reference([0.1] * 3), rtol=1e-14)
    np.testing.assert_allclose(run("momentum", [0.1] * 3, momentum=0.5),
                               momentum_reference([0.1] * 3, mu=0.5), rtol=1e-14)


def test_adam_matches_reference():
    np.testing.assert_allclose(run("adam", [0.1] * 3), adam_reference([0.1] * 3), rtol=1e-13)
    np.testing.assert_allclose(run("adam", [0.01] * 3, beta1=0.8, beta2=0.99, epsilon=1e-3),
                               adam_reference([0.01] * 3, b1=0.8, b2=0.99, eps=1e-3), rtol=1e-13)


@pytest.mark.parametrize("name, reference", [("sgd", None), ("momentum", momentum_reference),
                                             ("adam", adam_reference)])
def test_changing_learning_rate_keeps_the_optimizer_memory(name, reference):
    lrs = [0.1, 0.01, 0.05]
    got = run(name, lrs)
    if reference is None:
        expected = START - sum(lr * g for lr, g in zip(lrs, GRADS))
    else:
        expected = reference(lrs)  # one memory across all three steps
    np.testing.assert_allclose(got, expected, rtol=1e-13)


def test_momentum_velocity_survives_a_learning_rate_change():
    opt = make_optimizer("momentum", learning_rate=0.1)
    p = START.copy()
    opt.update([p], [GRADS[0]])
    opt.learning_rate = 0.0001
    before = p.copy()
    opt.update([p], [np.zeros_like(START)])
    # with no gradient, the step is the remembered velocity times the momentum
    np.testing.assert_allclose(p - before, 0.9 * (-0.1 * GRADS[0]), rtol=1e-14)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("reg", [{"l1": 0.1}, {"l2": 0.1}, {"l1": 0.05, "l2": 0.2}])
def test_regularisation_changes_weights_never_biases(name, reg):
    w, b = START.copy(), np.array([0.7, -0.3])
    mask = np.array([[True, True], [True, False]])
    w[~mask] = 0.0
    opt = make_optimizer(name, learning_rate=0.1, **reg)
    zero = [np.zeros_like(w), np.zeros_like(b)]
    for _ in range(3):
        opt.update([w, b], zero, [True, False], [mask, None])
    assert np.all(w[mask] != START[mask])
    assert np.all(np.abs(w[mask]) < np.abs(START[mask]))  # pulled towards 0
    np.testing.assert_array_equal(b, [0.7, -0.3])
    assert w[1, 1] == 0.0  # a removed edge gets no regularisation either


def test_l2_step_by_hand():
    w, b = START.copy(), np.array([0.7, -0.3])
    g_w, g_b = GRADS[0], np.array([0.1, 0.2])
    make_optimizer("sgd", learning_rate=0.1, l1=0.01, l2=0.5).update([w, b], [g_w, g_b], [True, False])
    np.testing.assert_allclose(w, START - 0.1 * (GRADS[0] + 0.5 * START + 0.01 * np.sign(START)), rtol=1e-14)
    np.testing.assert_allclose(b, [0.7 - 0.01, -0.3 - 0.02], rtol=1e-14)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_regularisation_in_training_leaves_biases_alone(name):
    """Through Pass.update: the same step with and without L1/L2 moves biases identically."""
    X = np.array([[0.2, -0.4], [0.9, 0.1], [-0.5, 0.6]])
    y = np.array([[1.0], [0.0], [1.0]])
    loss = get_loss("binary_cross_entropy")
    nets = []
    for reg in ({}, {"l1": 0.05, "l2": 0.3}):
        net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=4)
        net.connect((0, 0), (2, 0), weight=0.5)
        for d in range(3):
            net.set_bias((1, d), 0.1 * d)
        Pass(net, X, y, loss).run(make_optimizer(name, learning_rate=0.1, **reg))
        nets.append(net)
    plain, regularised = nets
    for k in range(1, 3):
        np.testing.assert_array_equal(plain.layers[k].bias, regularised.layers[k].bias)
    for key in plain.blocks:
        assert not np.array_equal(plain.blocks[key].weights, regularised.blocks[key].weights)


def test_unknown_optimizer_and_setting():
    with pytest.raises(SimulatorError, match="rmsprop"):
        make_optimizer("rmsprop")
    with pytest.raises(SimulatorError, match="momentum"):
        make_optimizer("sgd", momentum=0.9)
