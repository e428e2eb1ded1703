"""Training as a learner meets it: the lessons' claims hold, step-through is exact,
bad settings and NaN losses are handled."""

import numpy as np
import pytest

from simulator.generators import make_dataset
from simulator.errors import SimulatorError, TrainingError
from simulator.network import Network
from simulator.presets import PRESET_NAMES, make_preset
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer


def lesson(name, seed=0, **settings):
    """A lesson's project (its settings changed by keyword) and a Trainer on it."""
    project = make_preset(name, seed=seed)
    for key, value in settings.items():
        setattr(project.settings, key, value)
    train, test = project.datasets()
    return project, Trainer(project.network, train, test, project.settings)


def perceptron(gate):
    project = make_preset(f"perceptron-{gate}")
    train, test = project.datasets()
    return Trainer(project.network, train, test, project.settings)


@pytest.mark.parametrize("gate", ["and", "or"])
def test_perceptron_rule_learns_and_and_or(gate):
    trainer = perceptron(gate)
    trainer.run(100)
    assert trainer.evaluate(trainer.train)[1] == 1.0
    # and, once right, it stays right: the rule stops changing the weights
    w = trainer.network.blocks[(0, 1)].weights.copy()
    trainer.run(8)
    assert np.array_equal(w, trainer.network.blocks[(0, 1)].weights)


@pytest.mark.parametrize("seed", range(5))
def test_perceptron_rule_never_learns_xor(seed):
    project = make_preset("perceptron-xor", seed=seed)
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, None, project.settings)
    for _ in range(500):
        trainer.step()
        assert trainer.evaluate(train)[1] < 1.0


@pytest.mark.parametrize("seed", range(3))
def test_mlp_learns_xor(seed):
    project = make_preset("mlp-xor", seed=seed)
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, None, project.settings)
    trainer.run(1500)
    assert trainer.evaluate(train)[1] == 1.0
    assert trainer.history.last("train_loss") < 0.05


def test_perceptron_rule_refuses_non_step_output():
    net = Network([2, 1], ["sigmoid"])
    with pytest.raises(TrainingError, match="step"):
        Trainer(net, make_dataset({"generator": "and"}), None, TrainingSettings(rule="perceptron", loss="l2"))


def test_gradient_descent_on_step_units_gets_no_gradient_and_does_not_learn():
    project = make_preset("step-backprop")
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, None, project.settings)
    before = project.network.blocks[(0, 1)].weights.copy()
    with np.errstate(all="raise"):
        trainer.run(200)
    snap = trainer.snapshot()
    assert np.all(snap.grad_weights[(0, 1)] == 0) and np.all(snap.grad_biases[1] == 0)
    assert np.array_equal(before, project.network.blocks[(0, 1)].weights)
    assert snap.layer_grad_norms[1] == 0.0 and snap.layer_grad_norms[2] > 0.0


def fit_line(loss):
    project = make_preset("outliers")
    project.settings.loss = loss
    project.settings.learning_rate = 0.05
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, None, project.settings)
    trainer.run(4000)
    return float(project.network.blocks[(0, 1)].weights[0, 0])


def test_l1_fit_ignores_outliers_that_pull_l2_fit():
    true_slope = 2.0  # the linear_outliers generator's default
    l1, l2 = fit_line("l1"), fit_line("l2")
    assert abs(l1 - true_slope) < abs(l2 - true_slope)
    assert abs(l1 - true_slope) < 0.15


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [0, 1, 7])
def test_step_through_phases_gives_bit_identical_weights(optimizer, batch_size):
    ds = make_dataset({"generator": "moons", "n": 40, "seed": 1})
    settings = TrainingSettings(optimizer=optimizer, learning_rate=0.05, batch_size=batch_size, seed=3)
    fast = Network([2, 5, 3, 1], ["relu", "tanh", "sigmoid"], seed=2)
    fast.connect_layers(0, 2)
    fast.disconnect((1, 0), (2, 1))
    slow = fast.copy()
    a, b = Trainer(fast, ds, None, settings), Trainer(slow, ds, None, settings)
    a.run(9)
    phases = []
    while b.steps < 9:
        phases.append(b.next_phase())
    assert fast.same_as(slow)
    assert np.array_equal(a.history.column("train_loss"), b.history.column("train_loss"))
    n = len(phases) // 9
    assert phases[:n] == [("forward", 1), ("forward", 2), ("forward", 3), ("loss", 3),
                          ("backward", 3), ("backward", 2), ("backward", 1), ("update", None)]


def test_same_seed_same_numbers():
    def train():
        project = make_preset("spiral")
        tr, te = project.datasets()
        t = Trainer(project.network, tr, te, project.settings)
        t.run(60)
        return project.network, t.history.column("test_loss").copy()
    (n1, h1), (n2, h2) = train(), train()
    assert n1.same_as(n2) and np.array_equal(h1, h2)


def test_history_records_every_step_with_accuracy_and_test_values():
    project, t = lesson("circles")
    t.run(25)
    assert len(t.history) == 25
    for col in ("train_loss", "train_accuracy", "test_loss", "test_accuracy"):
        assert np.all(np.isfinite(t.history.column(col)))
    assert t.history.column("train_loss")[-1] < t.history.column("train_loss")[0]


def test_regression_history_has_no_accuracy():
    project, t = lesson("sine")
    t.run(5)
    assert np.all(np.isnan(t.history.column("train_accuracy")))


def test_mini_batches_cover_the_epoch_and_reshuffle():
    ds = make_dataset({"generator": "moons", "n": 10, "seed": 0})
    t = Trainer(Network([2, 3, 1], seed=0), ds, None, TrainingSettings(batch_size=4, seed=1))
    seen = []
    for _ in range(3):
        t.step()
        seen.append(t.last_pass.X.copy())
    assert t.epoch == 1 and [len(s) for s in seen] == [4, 4, 2]
    rows = {tuple(r) for s in seen for r in s}
    assert rows == {tuple(r) for r in ds.X}
    t.step()
    assert t.epoch == 2


def test_nan_loss_pauses_and_restores_finite_weights():
    project, t = lesson("sine", optimizer="sgd", learning_rate=50.0)
    tr = t.train
    with np.errstate(all="ignore"), pytest.raises(TrainingError, match="learning rate"):
        t.run(1000)
    for block in project.network.blocks.values():
        assert np.all(np.isfinite(block.weights))
    loss, _ = t.evaluate(tr)
    assert np.isfinite(loss)
    assert len(t.history) == t.steps and np.all(np.isfinite(t.history.column("train_loss")))


def test_settings_change_between_steps_without_reset():
    ds = make_dataset({"generator": "xor"})
    net = Network([2, 4, 1], seed=0)
    t = Trainer(net, ds, None, TrainingSettings(optimizer="momentum", learning_rate=0.1))
    t.run(5)
    velocity = [v.copy() for v in t.optimizer.velocity]
    t.apply_settings(TrainingSettings(optimizer="momentum", learning_rate=0.01))
    assert t.optimizer.learning_rate == 0.01
    assert all(np.array_equal(a, b) for a, b in zip(velocity, t.optimizer.velocity))


def test_edit_between_steps_is_picked_up():
    ds = make_dataset({"generator": "xor"})
    net = Network([2, 4, 1], seed=0)
    t = Trainer(net, ds)
    t.run(3)
    t.next_phase()  # a step is under way...
    net.add_neuron(1)  # ...when the network changes shape
    t.step()
    assert t.snapshot().weights[(0, 1)].shape == (2, 5)


def test_mismatched_data_is_a_clear_error():
    t = Trainer(Network([3, 1]), make_dataset({"generator": "sine"}), None, TrainingSettings(loss="l2"))
    with pytest.raises(TrainingError, match="3 inputs"):
        t.step()


def test_cross_entropy_on_wrong_output_is_refused():
    with pytest.raises(SimulatorError, match="sigmoid"):
        Trainer(Network([2, 1], ["relu"]), make_dataset({"generator": "xor"}))


def test_trace_reports_one_example():
    project, t = lesson("mlp-xor")
    trace = t.trace(1)
    assert trace.x.tolist() == [0.0, 1.0] and trace.y.tolist() == [1.0]
    assert trace.a[1].shape == (4,) and trace.delta[2].shape == (1,)
    # dL/dw of the output edges is a_hidden * delta_out for one example
    assert np.allclose(trace.grad_w[(1, 2)][:, 0], trace.a[1] * trace.delta[2][0])


def test_snapshot_is_frozen_and_independent():
    project, t = lesson("mlp-xor")
    t.run(2)
    grid = np.random.default_rng(0).uniform(-1, 2, (25, 2))
    s = t.snapshot(grid)
    w = s.weights[(0, 1)].copy()
    with pytest.raises(ValueError):
        s.weights[(0, 1)][0, 0] = 1.0
    t.run(5)
    assert np.array_equal(s.weights[(0, 1)], w)
    assert s.weights[(0, 1)].dtype == np.float32
    assert [a.shape for a in s.grid_activations] == [(25, 2), (25, 4), (25, 1)]


def test_run_steps_trains_one_step_per_next_and_stops_at_max_steps():
    project, t = lesson("mlp-xor")
    before = t.steps
    losses = list(t.run_steps(max_steps=30))
    assert len(losses) == 30 and t.steps == before + 30
    assert losses == list(t.history.column("train_loss")[-30:])


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_every_preset_trains(name):
    project = make_preset(name)
    tr, te = project.datasets()
    t = Trainer(project.network, tr, te, project.settings)
    first = t.step()
    t.run(200)
    assert np.isfinite(first) and np.isfinite(t.history.last("train_loss"))


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_reconnected_edge_starts_without_old_optimizer_memory(optimizer):
    ds = make_dataset({"generator": "moons", "n": 20, "seed": 0})
    net = Network([2, 3, 1], seed=0)
    t = Trainer(net, ds, None, TrainingSettings(optimizer=optimizer, learning_rate=0.1))
    t.run(10)
    net.disconnect((0, 0), (1, 0))
    t.run(3)
    net.connect((0, 0), (1, 0), weight=0.0)
    fresh = net.copy()
    t.step()
    # the first update of the new edge comes from its gradient alone
    g = t.last_pass.grad_w[(0, 1)][0, 0]
    moved = net.blocks[(0, 1)].weights[0, 0] - fresh.blocks[(0, 1)].weights[0, 0]
    assert g != 0 and np.sign(moved) == -np.sign(g)
    if optimizer == "momentum":
        assert moved == pytest.approx(-0.1 * g)


def test_regression_in_mini_batches():
    project, t = lesson("sine", batch_size=16)
    t.run(30)
    assert t.epoch == 5 and np.all(np.isnan(t.history.column("train_accuracy")))
    assert t.history.column("train_loss")[-1] < t.history.column("train_loss")[0]


def test_nan_right_after_an_edit_restores_the_edited_weights():
    project, t = lesson("sine")
    tr = t.train
    t.run(40)
    project.network.add_neuron(1)
    edited = project.network.copy()
    t.step()  # the edit is picked up, then the weights blow up on the next step
    project.network.plan().flat[:] *= 1e200  # what a wild update would do
    with np.errstate(all="ignore"), pytest.raises(TrainingError, match="back to those of step"):
        t.step()
    # back to the weights just after the edit: the last ones seen to give a finite loss
    assert project.network.same_as(edited)
    assert np.isfinite(t.evaluate(tr)[0]) and len(t.history) == t.steps == 40


def test_nan_on_the_very_first_step_restores_the_starting_weights():
    project = make_preset("sine")
    tr, _ = project.datasets()
    start = project.network.copy()
    t = Trainer(project.network, tr, None, project.settings)
    project.network.layers[-1].bias[0] = np.inf  # a view into the trained parameters
    with np.errstate(all="ignore"), pytest.raises(TrainingError):
        t.step()
    # the copy kept at the start is restored: the weights as they were before the damage
    assert project.network.same_as(start)
def test_float32_training_follows_float64_and_switches_back():
    project = make_preset("mlp-xor")
    tr, _ = project.datasets()
    n64, n32 = project.network, project.network.copy()
    t64 = Trainer(n64, tr, None, project.settings)
    t32 = Trainer(n32, tr, None, TrainingSettings(**{**project.settings.to_dict(), "precision": "float32"}))
    t64.run(300)
    t32.run(300)
    assert n32.blocks[(0, 1)].weights.dtype == np.float32
    assert np.allclose(t32.history.column("train_loss"), t64.history.column("train_loss"), rtol=1e-3, atol=1e-5)
    assert t32.evaluate(tr)[1] == 1.0
    # back to float64: the weights carry over, training goes on
    w = n32.blocks[(0, 1)].weights.copy()
    t32.apply_settings(project.settings)
    t32.step()
    assert n32.blocks[(0, 1)].weights.dtype == np.float64
    assert np.allclose(n32.blocks[(0, 1)].weights, w, atol=1e-2)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_cancelled_pass_leaves_no_trace_and_the_next_step_starts_afresh(optimizer):
    def fresh():
        project = make_preset("spiral")
        project.settings.optimizer, project.settings.batch_size, project.settings.shuffle = optimizer, 32, True
        train, test = project.datasets()
        return project.network, Trainer(project.network, train, test, project.settings)

    net_a, a = fresh()
    net_b, b = fresh()
    a.run(3)
    b.run(3)
    before = a.state()
    for _ in range(3):
        a.next_phase()
    assert a.pass_in_progress is not None
    assert a.cancel_pass() and a.pass_in_progress is None and not a.cancel_pass()
    assert np.array_equal(a.state().params, before.params) and a.steps == 3
    a.step()
    b.step()
    assert np.array_equal(a.state().params, b.state().params)
    assert a.state().cursor == b.state().cursor and a.epoch == b.epoch
    assert all(np.array_equal(a.state().moments[k], b.state().moments[k]) for k in b.state().moments)


@pytest.mark.parametrize("batch_size", [0, 16])
def test_a_roll_back_puts_the_epoch_and_the_batch_position_back_with_the_weights(batch_size):
    project = make_preset("outliers")
    project.settings.learning_rate, project.settings.batch_size = 10.0, batch_size
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, None, project.settings)
    with np.errstate(all="ignore"), pytest.raises(TrainingError) as info:
        trainer.run(5000)
    kept = info.value.kept_step
    assert trainer.steps == kept
    # the same run stopped at the kept step: the same counters, and the same next batch
    again = make_preset("outliers")
    again.settings.learning_rate, again.settings.batch_size = 10.0, batch_size
    reference = Trainer(again.network, train, None, again.settings)
    reference.run(kept)
    ours, theirs = trainer.state(), reference.state()
    assert (ours.step, ours.epoch, ours.cursor) == (theirs.step, theirs.epoch, theirs.cursor)
    assert np.array_equal(ours.params, theirs.params)
    assert (ours.order is None and theirs.order is None) or np.array_equal(ours.order, theirs.order)
    assert trainer.history.last("epoch") == theirs.epoch or len(trainer.history) == 0


def test_a_roll_back_past_a_new_batch_size_goes_on_from_the_kept_row_with_the_new_size():
    ds = make_dataset({"generator": "circles", "n": 250, "seed": 0})
    t = Trainer(Network([2, 4, 1], ["tanh", "tanh"], seed=0), ds, None,
                TrainingSettings(batch_size=10, seed=3, loss="l2"))
    t.run(17)  # the roll-back point is the state after step 16: row 160 of the first epoch
    rows = t._train_aug[t._order]
    t.apply_settings(TrainingSettings(batch_size=20, seed=3, loss="l2"))
    t.network.plan().flat[:] = np.nan  # weights that fail at the next step
    with np.errstate(all="ignore"), pytest.raises(TrainingError) as info:
        t.step()
    assert info.value.kept_step == 16 and t.steps == 16
    t.step()  # the kept epoch's next rows, 20 of them now
    assert np.array_equal(t.last_pass.X, rows[160:180, :-1])
    t.step()
    assert np.array_equal(t.last_pass.X, rows[180:200, :-1])
    while t.epoch == 1:
        t.step()
    assert len(t.last_pass.X) == 20  # the next epoch cut in batches of the new size


def test_every_epoch_is_the_shuffled_rows_cut_in_batches_the_last_one_short():
    ds = make_dataset({"generator": "circles", "n": 25, "seed": 0})
    t = Trainer(Network([2, 3, 1], seed=0), ds, None, TrainingSettings(batch_size=10, seed=1))
    for epoch in (1, 2):
        seen = []
        for _ in range(3):
            t.step()
            seen.append(t.last_pass.X.copy())
        assert t.epoch == epoch and [len(s) for s in seen] == [10, 10, 5]
        assert np.array_equal(np.concatenate(seen), ds.X[t._order])


def test_a_step_through_after_whole_steps_shows_only_what_its_phases_computed():
    ds = make_dataset({"generator": "circles", "n": 40, "seed": 0})
    t = Trainer(Network([2, 4, 3, 1], ["tanh", "relu", "sigmoid"], seed=0), ds, None, TrainingSettings(batch_size=10))
    t.run(5)  # whole steps leave z, delta and grad_a of every layer filled in
    assert t.next_phase() == ("forward", 1)
    p = t.pass_in_progress
    assert p.z[1] is not None and p.z[2] is None and p.z[3] is None
    assert all(d is None for d in p.delta) and all(g is None for g in p.grad_a)
    while t.upcoming_phase() != ("backward", 2):
        t.next_phase()
    assert p.delta[3] is not None and p.delta[2] is None and p.grad_a[2] is None
    t.cancel_pass()
    t.step()  # a whole step again: every layer's values are this step's
    p = t.last_pass
    assert all(x is not None for x in (*p.z[1:], *p.delta[1:], *p.grad_a[1:-1]))
