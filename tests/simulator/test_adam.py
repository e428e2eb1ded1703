"""Adam is the textbook one (Kingma and Ba, Algorithm 1, as PyTorch implements
it), and refuses an epsilon of 0."""

import math

import numpy as np
import pytest

from simulator.backprop import Pass
from simulator.errors import SimulatorError
from simulator.losses import get_loss
from simulator.network import Network
from simulator.optimizers import make_optimizer
from simulator.settings import TrainingSettings


def test_three_steps_by_hand_from_algorithm_1():
    """One weight, gradients 2, -1, 0.5; beta1 0.9, beta2 0.999. The moments worked out on paper:

    t = 1: m = 0.2,   v = 0.004;       m_hat = 0.2 / 0.1 = 2,        v_hat = 0.004 / 0.001 = 4
    t = 2: m = 0.08,  v = 0.004996;    m_hat = 0.08 / 0.19,          v_hat = 0.004996 / 0.001999
    t = 3: m = 0.122, v = 0.005241004; m_hat = 0.122 / 0.271,        v_hat = 0.005241004 / 0.002997001

    A large epsilon (0.1) makes its place visible: added to sqrt(v_hat), as
    here, or to sqrt(v) (the "epsilon hat" variant), the steps differ by far
    more than rounding.
    """
    lr, eps = 0.1, 0.1
    m_hat = [2.0, 0.08 / 0.19, 0.122 / 0.271]
    v_hat = [4.0, 0.004996 / 0.001999, 0.005241004 / 0.002997001]
    opt = make_optimizer("adam", learning_rate=lr, beta1=0.9, beta2=0.999, epsilon=eps)
    w = np.array([1.0])
    expected = 1.0
    for g, mh, vh in zip([2.0, -1.0, 0.5], m_hat, v_hat):
        opt.update([w], [np.array([g])])
        expected -= lr * mh / (math.sqrt(vh) + eps)
        assert w[0] == pytest.approx(expected, rel=1e-13, abs=0)
    # the moments themselves, as worked out above
    assert opt.m[0][0] == pytest.approx(0.122, rel=1e-14)
    assert opt.v[0][0] == pytest.approx(0.005241004, rel=1e-14)


def test_the_epsilon_hat_variant_would_fail_the_hand_computed_step():
    """The same first step with epsilon added to sqrt(v) instead: the by-hand test above can tell them apart."""
    opt = make_optimizer("adam", learning_rate=0.1, epsilon=0.1)
    w = np.array([1.0])
    opt.update([w], [np.array([2.0])])
    textbook = 1.0 - 0.1 * 2.0 / (2.0 + 0.1)
    epsilon_hat = 1.0 - 0.1 * math.sqrt(0.001) / 0.1 * 0.2 / (math.sqrt(0.004) + 0.1)
    assert abs(textbook - epsilon_hat) > 1e-2
    assert w[0] == pytest.approx(textbook, rel=1e-15)


def test_removed_edges_stay_finite_and_zero():
    """A weight whose gradient is always 0 gets m = v = 0, and 0 / (0 + epsilon) = 0, not NaN."""
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=2)
    net.disconnect((0, 0), (1, 1))
    X = np.array([[0.3, -0.8], [0.9, 0.4], [-0.5, 0.1]])
    y = np.array([[1.0], [0.0], [1.0]])
    opt = make_optimizer("adam", learning_rate=0.05, epsilon=1e-300)
    with np.errstate(all="raise"):
        for _ in range(5):
            Pass(net, X, y, get_loss("binary_cross_entropy")).run(opt)
    assert net.blocks[(0, 1)].weights[0, 1] == 0.0
    assert all(np.all(np.isfinite(b.weights)) for b in net.blocks.values())


@pytest.mark.parametrize("epsilon", [0, 0.0])
def test_settings_refuse_an_epsilon_of_zero(epsilon):
    with pytest.raises(SimulatorError) as info:
        TrainingSettings(optimizer="adam", epsilon=epsilon).validate()
    message = str(info.value)
    assert message.startswith("epsilon: must be greater than 0") and "0 / 0" in message
    TrainingSettings(optimizer="adam", epsilon=1e-300).validate()  # any positive epsilon is fine


def test_same_numbers_as_pytorch():
    """Ten steps on arrays holding zeros where edges were removed, in float64."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    start = rng.normal(size=(3, 4))
    start[0, 1] = start[2, 3] = 0.0
    grads = [rng.normal(size=(3, 4)) * rng.uniform(1e-3, 10) for _ in range(10)]
    for g in grads:
        g[0, 1] = g[2, 3] = 0.0
    settings = dict(learning_rate=0.05, beta1=0.8, beta2=0.99, epsilon=1e-3)
    ours = start.copy()
    opt = make_optimizer("adam", **settings)
    theirs = torch.tensor(start.copy(), dtype=torch.float64, requires_grad=True)
    ref = torch.optim.Adam([theirs], lr=0.05, betas=(0.8, 0.99), eps=1e-3, foreach=False)
    for g in grads:
        opt.update([ours], [g])
        theirs.grad = torch.tensor(g, dtype=torch.float64)
        ref.step()
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-13, atol=1e-15)
    assert ours[0, 1] == 0.0 and ours[2, 3] == 0.0
