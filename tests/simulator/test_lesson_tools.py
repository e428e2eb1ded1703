"""The maths behind the lesson views: contributions, loss shapes, recorded states."""

import numpy as np
import pytest

from simulator.activations import get_activation
from simulator.backprop import forward
from simulator.checkpoints import Checkpoints
from simulator.contributions import check_contributions, output_contributions
from simulator.losses import get_loss
from simulator.loss_shapes import loss_shape, residual_range, shown_losses
from simulator.network import Network
from simulator.presets import make_preset
from simulator.train_state import TrainState
from simulator.trainer import Trainer


def lesson_trainer(name):
    project = make_preset(name)
    train, test = project.datasets()
    return project, Trainer(project.network, train, test, project.settings)


# ------------------------------------------------------------ contributions
@pytest.mark.parametrize("name", ["sine", "abs", "step-target", "sine-one-neuron"])
def test_contributions_add_up_to_the_output(name):
    project, trainer = lesson_trainer(name)
    trainer.run(50)
    net = project.network
    assert check_contributions(net.sizes, net.activations, net.blocks) is None
    x = np.linspace(-1.5, 1.5, 301)[:, None]
    _, a = forward(net, x, dtype=np.float64)
    terms, total = output_contributions(a[1], net.blocks[(1, 2)].weights, net.layers[2].bias[0])
    assert terms.shape == (301, net.sizes[1])
    assert np.abs(total - a[2][:, 0]).max() <= 1e-12


def test_contributions_refuse_networks_they_cannot_split():
    two_hidden = Network([1, 4, 4, 1], ["tanh", "tanh", "linear"])
    assert "2 hidden layers" in check_contributions(two_hidden.sizes, two_hidden.activations, two_hidden.blocks)
    sigmoid_out = Network([1, 4, 1], ["tanh", "sigmoid"])
    assert "linear output" in check_contributions(sigmoid_out.sizes, sigmoid_out.activations, sigmoid_out.blocks)
    two_in = Network([2, 4, 1], ["tanh", "linear"])
    assert "2 inputs" in check_contributions(two_in.sizes, two_in.activations, two_in.blocks)
    skip = Network([1, 4, 1], ["tanh", "linear"])
    skip.connect_layers(0, 2)
    assert "skip" in check_contributions(skip.sizes, skip.activations, skip.blocks)


# ------------------------------------------------------------- loss shapes
@pytest.mark.parametrize("name", ["l1", "l2", "huber", "binary_cross_entropy"])
def test_loss_shape_is_the_loss_module_itself(name):
    r = np.linspace(-3, 3, 121) if name != "binary_cross_entropy" else np.linspace(-0.95, 0.95, 77)
    value, gradient = loss_shape(name, r)
    loss = get_loss(name)
    for i in range(0, len(r), 7):
        if name == "binary_cross_entropy":
            y = np.array([[1.0 if r[i] < 0 else 0.0]])
            a = y + r[i]
            z = np.log(a / (1 - a))
            act = get_activation("sigmoid")
        else:
            y, a, z = np.zeros((1, 1)), np.array([[r[i]]]), np.array([[r[i]]])
            act = get_activation("linear")
        assert value[i] == pytest.approx(loss.value(a, y, z), rel=1e-12, abs=1e-12)
        assert gradient[i] == pytest.approx(loss.grad_z(a, y, z, act)[0, 0], rel=1e-12, abs=1e-12)


def test_l2_pulls_harder_the_further_out_l1_pulls_the_same():
    r = np.array([0.5, 1.0, 4.0])
    _, g2 = loss_shape("l2", r)
    _, g1 = loss_shape("l1", r)
    _, gh = loss_shape("huber", r)
    assert g2 == pytest.approx([1.0, 2.0, 8.0])   # dL/da of r^2 is 2r
    assert g1 == pytest.approx([1.0, 1.0, 1.0])
    assert gh == pytest.approx([0.5, 1.0, 1.0])   # r, capped at the threshold 1
    assert shown_losses("classification")[-1] == "binary_cross_entropy"
    assert residual_range([0.1, -5.0]) == pytest.approx((-5.75, 5.75))


# ------------------------------------------------------------ checkpoints
def test_rewinding_to_a_recorded_step_resumes_exactly():
    project, trainer = lesson_trainer("outliers")
    trainer.settings.batch_size = 16  # mini-batches: the shuffle state must come back too
    trainer.apply_settings(trainer.settings)
    trainer.start()
    trainer.run(100)
    at_100 = trainer.network.plan().flat.copy()
    trainer.run(100)
    at_200 = trainer.network.plan().flat.copy()
    record = trainer.checkpoints
    assert 0 in record.steps() and 100 in record.steps() and 200 in record.steps()
    assert np.array_equal(record.at(100).params, at_100)
    trainer.set_state(record.at(100))
    assert trainer.steps == 100 and np.array_equal(trainer.network.plan().flat, at_100)
    assert 200 in record.steps()  # the later states stay until training goes on
    trainer.start()
    trainer.run(100)
    assert np.array_equal(trainer.network.plan().flat, at_200)


def test_the_record_stays_bounded_and_evenly_spaced():
    record = Checkpoints(max_states=16)
    params = np.zeros(10)
    for step in range(0, 1001):
        if record.due(step):
            record.record(TrainState(step=step, n_params=10, params=params))
    steps = record.steps()
    assert len(steps) <= 16 and steps[0] == 0 and steps[-1] >= 1000 - record.stride
    gaps = np.diff(steps[1:])
    assert (gaps == record.stride).all()
    # a budget in bytes keeps fewer big states
    small = Checkpoints(max_states=100, max_bytes=8 * 1000 * 10)
    for step in range(200):
        if small.due(step):
            small.record(TrainState(step=step, n_params=1000, params=np.zeros(1000)))
    assert len(small) <= 10
    # a network too big for even four states is not recorded at all: the budget holds
    huge = Checkpoints(max_bytes=3 * 8 * 1000)
    huge.record(TrainState(step=0, n_params=1000, params=np.zeros(1000)))
    assert len(huge) == 0 and huge.too_big


def test_thinning_always_makes_room_even_off_the_stride():
    record = Checkpoints(max_states=4)
    for step in (0, 3, 5, 7, 9, 11, 13, 15, 17):
        record.record(TrainState(step=step, n_params=1, params=np.zeros(1)))
        assert len(record) <= 4
    assert record.steps()[0] == 0 and record.steps()[-1] == 17


def test_recording_from_an_earlier_step_forgets_the_later_ones():
    record = Checkpoints()
    for step in range(10):
        record.record(TrainState(step=step, n_params=3, params=np.full(3, step, float)))
    record.record(TrainState(step=4, n_params=3, params=np.zeros(3)))
    assert record.steps() == [0, 1, 2, 3, 4]
    record.record(TrainState(step=5, n_params=4, params=np.zeros(4)))  # the network's shape changed
    assert record.steps() == [5]
