"""Training in the helper process gives what training in the window's own thread gives, bit for bit."""

import dataclasses
import pickle
import time

import numpy as np
import pytest

from simulator import training_process
from simulator.errors import DivergenceError
from simulator.network import Network
from simulator.run_loop import RunLimits, RunLoop
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer

from step_reference import cases

CASES = cases()


@pytest.fixture(scope="module")
def helper():
    h = training_process.acquire()
    deadline = time.monotonic() + 60
    while not h.ready():
        assert h.alive, "the helper process ended before it was ready"
        assert time.monotonic() < deadline, "the helper process was not ready within a minute"
        time.sleep(0.01)
    yield h
    training_process.release(h)


def trainer_for(case):
    network, train, test, settings = case
    return Trainer(network.copy(), train, test, settings)


def in_helper(helper, trainer, limits, grid=None, done=0, pause_after=None):
    """One stretch in the helper, merged into ``trainer``; returns the StretchResult and the snapshots sent."""
    loop = RunLoop(trainer, limits, grid, done)
    loop.close()
    helper.send(training_process.stretch_for(trainer, loop, helper.sent), None)
    if pause_after is not None:
        time.sleep(pause_after)
        helper.pause()
    snaps = []
    while True:
        kind, *content = helper.receive()
        if kind == "ended":
            break
        snaps.append(content[0])
    result = content[0]
    training_process.merge(trainer, result)
    return result, snaps


def in_thread(trainer, steps):
    """``steps`` steps as the training thread runs them (the test set at frame rate)."""
    loop = RunLoop(trainer, RunLimits(max_steps=steps))
    with np.errstate(all="ignore"):
        while loop.reason is None:
            loop.chunk()
    loop.close()
    return loop


def assert_same_training(a, b):
    """Everything the next step and the person see, except the accuracy and test columns (evaluated at frame times)."""
    n = a.train.n_samples  # a finished epoch's cursor may stand past the end or at it: the same
    assert (a.steps, a.epoch, min(a._cursor, n)) == (b.steps, b.epoch, min(b._cursor, n))
    assert np.array_equal(a.network.plan().flat, b.network.plan().flat)
    sa, sb = a.state(), b.state()
    assert sa.t == sb.t and set(sa.moments) == set(sb.moments)
    for name in sa.moments:
        assert np.array_equal(sa.moments[name], sb.moments[name]), name
    assert sa.rng == sb.rng
    assert (sa.order is None) == (sb.order is None) and (sa.order is None or np.array_equal(sa.order, sb.order))
    for column in ("step", "epoch", "train_loss"):
        assert np.array_equal(a.history.column(column), b.history.column(column), equal_nan=True), column
    assert a.checkpoints.steps() == b.checkpoints.steps()
    for step in b.checkpoints.steps():  # recorded states come back whole, to step back to
        kept, here = b.checkpoints.at(step), a.checkpoints.at(step)
        assert kept.params is not None and np.array_equal(kept.params, here.params) and kept.rng == here.rng


@pytest.mark.parametrize("name", sorted(CASES))
def test_two_stretches_in_the_helper_equal_the_same_steps_in_the_thread(helper, name):
    here, there = trainer_for(CASES[name]), trainer_for(CASES[name])
    in_thread(here, 150)
    first, _ = in_helper(helper, there, RunLimits(max_steps=60))
    assert first.reason == "done" and there.steps == 60
    second, _ = in_helper(helper, there, RunLimits(max_steps=150), done=60)
    assert second.reason == "done" and second.done == 150
    assert_same_training(here, there)


def test_a_pause_ends_a_stretch_between_two_steps_and_the_run_goes_on_from_there(helper):
    case = CASES["adam-skip-l1l2"]
    there = trainer_for(case)
    result, snaps = in_helper(helper, there, RunLimits(), grid=np.zeros((4, 2)), pause_after=0.3)
    assert result.reason is None and there.steps > 50, "a paused stretch trains until the pause"
    assert snaps and snaps[-1].step <= there.steps and snaps[0].history_reset
    assert all(s.grid_activations and not s.weights[(0, 1)].flags.writeable for s in snaps)
    paused_at = there.steps
    in_helper(helper, there, RunLimits(), pause_after=0.1)
    assert there.steps > paused_at
    here = trainer_for(case)
    in_thread(here, there.steps)
    assert_same_training(here, there)
    # what the snapshots of the views show of the last pass comes back too
    assert np.array_equal(there.snapshot().grad_weights[(0, 1)], here.snapshot().grad_weights[(0, 1)])


def test_an_edit_between_two_stretches_reaches_the_helper(helper):
    case = CASES["sgd-plain-b16"]
    here, there = trainer_for(case), trainer_for(case)
    in_thread(here, 40)
    in_helper(helper, there, RunLimits(max_steps=40))
    for trainer in (here, there):
        trainer.network.add_neuron(1)
        trainer.apply_settings(TrainingSettings(**{**vars(trainer.settings), "learning_rate": 0.2}))
    in_thread(here, 30)
    in_helper(helper, there, RunLimits(max_steps=30))
    assert there.network.sizes[1] == 7
    assert_same_training(here, there)
    # new data (a point taken away) reaches it too, though the old data was sent already
    train, test = here.train, here.test
    fewer = dataclasses.replace(train, X=train.X[1:], y=train.y[1:])
    for trainer in (here, there):
        trainer.set_datasets(fewer, test)
    in_thread(here, 30)
    in_helper(helper, there, RunLimits(max_steps=30))
    assert helper.sent[0] is fewer
    assert_same_training(here, there)


def test_a_divergence_in_the_helper_is_reported_and_rolled_back_as_in_the_thread(helper):
    network = Network([2, 6, 1], ["tanh", "linear"], seed=0)
    _, train, test, _ = CASES["sgd-plain-b0"]
    settings = TrainingSettings(loss="l2", optimizer="sgd", learning_rate=1e6, batch_size=8)
    here, there = Trainer(network.copy(), train, test, settings), Trainer(network.copy(), train, test, settings)
    loop = in_thread(here, 500)
    assert loop.reason == "diverged"
    result, _ = in_helper(helper, there, RunLimits(max_steps=500))
    assert result.reason == "diverged" and result.message == loop.message
    error = training_process.divergence(result)
    assert isinstance(error, DivergenceError)
    assert (error.field, error.step, error.kept_step) == (loop.error.field, loop.error.step, loop.error.kept_step)
    assert np.all(np.isfinite(there.network.plan().flat))
    assert_same_training(here, there)


def test_snapshots_and_states_cross_processes_read_only():
    trainer = trainer_for(CASES["momentum-skip-f32"])
    trainer.run(20)
    snap = trainer.snapshot(np.zeros((3, 2)), metrics=trainer.evaluate_now())
    state = trainer.state()
    for before in (snap, state):
        after = pickle.loads(pickle.dumps(before))
        assert type(after) is type(before)
    after = pickle.loads(pickle.dumps(snap))
    assert not after.weights[(0, 1)].flags.writeable and not after.grid_activations[1].flags.writeable
    assert np.array_equal(after.history["train_loss"], snap.history["train_loss"])
    assert dict(after.metrics) == dict(snap.metrics)
    with pytest.raises(TypeError):
        after.weights[(0, 1)] = None
    state_after = pickle.loads(pickle.dumps(state))
    assert not state_after.params.flags.writeable and state_after.rng == state.rng


def test_a_helper_ends_when_the_window_side_goes():
    h = training_process.Helper()
    deadline = time.monotonic() + 60
    while not h.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    h.conn.close()  # as when the window's process is killed: the socket closes
    try:
        h.process.wait(timeout=10)
    finally:
        if h.process.poll() is None:
            h.process.kill()
        h.control.close()
    assert h.process.returncode == 0


def test_a_helper_that_died_is_told_apart_and_not_reused():
    h = training_process.acquire()
    h.process.kill()
    h.process.wait()
    with pytest.raises((EOFError, OSError)):
        for _ in range(3):
            h.receive()
    training_process.release(h, healthy=True)  # a dead one is closed, not kept
    other = training_process.acquire()
    try:
        assert other is not h
    finally:
        training_process.release(other)


def test_only_long_runs_of_small_networks_go_to_a_helper():
    small = trainer_for(CASES["playground"])
    assert training_process.suits(small, RunLimits())
    assert training_process.suits(small, RunLimits(max_steps=1000))
    assert not training_process.suits(small, RunLimits(max_steps=1))  # a Step: not worth a copy
    network, train, test, settings = CASES["playground"]
    big = Trainer(Network([2, 600, 600, 1], ["tanh", "tanh", "tanh"]), train, test, settings)
    assert not training_process.suits(big, RunLimits())


def test_no_helper_when_no_process_can_be_started(monkeypatch):
    monkeypatch.setattr(training_process, "_idle", [])
    monkeypatch.setattr(training_process.sys, "executable", "/nonexistent/python")
    assert training_process.acquire() is None and training_process.warm() is None
