"""Exact resume, a bounded history, and snapshots that carry only what changed."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.errors import ProjectFileError
from simulator.history import History
from simulator.presets import make_preset
from simulator.project_file import load_project, project_from_dict, project_to_dict, save_project
from simulator.trainer import Trainer

ROOT = Path(__file__).resolve().parents[2]


def weights(network):
    return {k: b.weights.copy() for k, b in network.blocks.items()}, [l.bias.copy() for l in network.layers]


def same(a, b):
    return all(np.array_equal(a[0][k], b[0][k]) for k in a[0]) and all(
        np.array_equal(x, y) for x, y in zip(a[1], b[1]))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_fifty_steps_saved_loaded_and_fifty_more_equal_a_hundred(tmp_path, optimizer, precision):
    project = make_preset("spiral")
    project.settings.optimizer, project.settings.precision = optimizer, precision
    project.settings.batch_size = 7  # mini-batches that do not divide the set: the cursor matters
    train, test = project.datasets()
    straight = Trainer(project.network.copy(), train, test, project.settings)
    straight.run(100)

    first = Trainer(project.network, train, test, project.settings)
    first.run(50)
    project.training_state = first.state(params=False)
    save_project(project, tmp_path / "p.json")
    loaded = load_project(tmp_path / "p.json")
    tr, te = loaded.datasets()
    resumed = Trainer(loaded.network, tr, te, loaded.settings, state=loaded.training_state)
    resumed.run(50)
    assert resumed.steps == 100 and resumed.epoch == straight.epoch
    assert same(weights(resumed.network), weights(straight.network))


def test_command_line_resumes_exactly(tmp_path):
    def cli(*args):
        r = subprocess.run([sys.executable, "-m", "simulator", *map(str, args)], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120,
                           env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        assert r.returncode == 0, r.stderr
        return r
    cli("new", "--preset", "multiclass", "--out", "p.json")
    doc = json.loads((tmp_path / "p.json").read_text())
    doc["training"].update(optimizer="adam", learning_rate=0.01)
    (tmp_path / "p.json").write_text(json.dumps(doc))
    cli("train", "p.json", "--steps", "100", "--out", "once.json")
    cli("train", "p.json", "--steps", "50", "--out", "half.json")
    cli("train", "half.json", "--steps", "50")
    once, twice = load_project(tmp_path / "once.json"), load_project(tmp_path / "half.json")
    assert twice.training_state.step == 100 and twice.training_state.t == 100
    assert same(weights(once.network), weights(twice.network))


def test_a_training_state_that_does_not_fit_the_network_is_refused_with_its_path():
    project = make_preset("mlp-xor")
    project.settings.optimizer = "adam"
    train, test = project.datasets()
    t = Trainer(project.network, train, test, project.settings)
    t.run(3)
    project.training_state = t.state(params=False)
    doc = project_to_dict(project)
    doc["training_state"]["optimizer"]["moments"]["m"].pop()
    with pytest.raises(ProjectFileError, match="training_state.optimizer.moments.m"):
        project_from_dict(doc)
    doc = project_to_dict(project)
    doc["training_state"]["shuffle_rng"]["inc"] = "zz"
    with pytest.raises(ProjectFileError, match="training_state.shuffle_rng.inc"):
        project_from_dict(doc)


def test_state_puts_back_weights_and_progress_for_undo():
    project = make_preset("spiral")
    project.settings.optimizer = "adam"
    train, test = project.datasets()
    t = Trainer(project.network, train, test, project.settings)
    t.run(20)
    before, w_before = t.state(), weights(t.network)
    t.run(30)
    after, w_after = t.state(), weights(t.network)
    t.set_state(before)
    assert t.steps == 20 and same(weights(t.network), w_before) and len(t.history) == 20
    t.run(30)
    assert same(weights(t.network), w_after)  # the same 30 steps again, to the bit
    from simulator.train_state import same_state
    assert same_state(t.state(), after)  # and the optimiser's moments, order and generator with them


def test_history_stays_bounded_and_keeps_recent_steps_exact():
    h = History(max_rows=1000)
    for s in range(1, 100_001):
        h.append(s // 10, float(s), np.nan, float(s) if s % 97 == 0 else np.nan, np.nan)
    assert len(h) <= 1000
    steps = h.column("step")
    assert steps[-1] == 100_000 and np.all(np.diff(steps) > 0)
    assert np.array_equal(steps[-250:], np.arange(99_751, 100_001))  # the newest at full resolution
    assert steps[0] <= 1000  # the oldest thinned, not dropped
    gaps = np.diff(steps[:100])
    assert gaps.max() == gaps.min()  # old steps evenly spaced
    # merged rows keep the test values evaluated now and then
    assert np.isfinite(h.column("test_loss")).sum() > 100


def test_test_set_is_evaluated_at_frame_rate_not_every_step():
    project = make_preset("spiral")
    train, test = project.datasets()
    t = Trainer(project.network, train, test, project.settings)
    t.evaluate_each_step = False
    t.run(10)
    assert np.all(np.isnan(t.history.column("test_loss")))
    metrics = t.evaluate_now()
    assert metrics["test_loss"] == t.history.last("test_loss") == t.evaluate(test)[0]


def test_snapshots_carry_only_new_history_rows():
    project = make_preset("mlp-xor")
    train, test = project.datasets()
    t = Trainer(project.network, train, test, project.settings)
    snaps, since = [], None
    for _ in range(4):  # as the worker does: train a while, then send the rows new since the last snapshot
        for _ in t.run_steps(50):
            pass
        snaps.append(t.snapshot(since=since))
        since = t.steps
    assert snaps[0].history_reset and not any(s.history_reset for s in snaps[1:])
    assert sum(len(s.history["step"]) for s in snaps) == 200
    received = History()
    for s in snaps:
        received.extend(np.array([s.history[c] for c in ("step", "epoch", "train_loss", "train_accuracy",
                                                         "test_loss", "test_accuracy")]))
    assert np.array_equal(received.column("train_loss"), t.history.column("train_loss"))


def test_saving_drops_only_the_optimiser_memory_that_no_longer_fits():
    from simulator.train_state import state_to_dict
    project = make_preset("spiral")
    project.settings.optimizer = "adam"
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.run(7)
    state = trainer.state(params=False)
    fits = state_to_dict(state, project.network)
    assert fits["optimizer"]["t"] == 7 and len(fits["optimizer"]["moments"]["m"]) == state.n_params
    project.network.add_neuron(1)
    reshaped = state_to_dict(state, project.network)
    assert reshaped["optimizer"] == {"name": "adam", "t": 0, "moments": {}}
    assert {k: v for k, v in reshaped.items() if k != "optimizer"} == \
        {k: v for k, v in fits.items() if k != "optimizer"}


def test_same_state_compares_progress_parameters_and_memory_bit_for_bit():
    from simulator.train_state import same_state
    project = make_preset("spiral")
    project.settings.optimizer = "adam"
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.run(3)
    a, b = trainer.state(), trainer.state()
    assert same_state(a, b)
    trainer.run(1)
    assert not same_state(a, trainer.state())
    moved = trainer.state()
    trainer.set_state(a)
    assert same_state(a, trainer.state()) and not same_state(moved, trainer.state())


def test_the_saved_optimiser_memory_fits_the_parameters_training_lays_out():
    # A skip connection and a removed edge: the count the file checks against
    # (Network.stored_parameter_count) is the length of the trainer's flat array.
    from simulator.network import Network
    from simulator.parameters import ParameterStore

    net = Network([2, 3, 4, 1], seed=1)
    net.connect((0, 1), (3, 0), 0.5)
    net.disconnect((1, 0), (2, 1))
    assert ParameterStore(net).n_params == net.stored_parameter_count == 2 * 3 + 3 * 4 + 4 * 1 + 2 * 1 + 3 + 4 + 1
