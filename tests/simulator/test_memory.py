"""Memory is estimated before it is spent: training that would not fit is refused
with the sizes that cause it, and evaluation does not grow with the data."""

import tracemalloc

import numpy as np
import pytest

from simulator import memory
from simulator.__main__ import main
from simulator.backprop import Pass, forward
from simulator.generators import make_dataset
from simulator.errors import TrainingError
from simulator.network import Network
from simulator.presets import PRESET_NAMES, make_preset
from simulator.project_file import save_project
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer


def wide_xor(width=4096, n=100_000, **settings):
    """The file from the report: 2-width-1 inside every limit, XOR with n samples."""
    project = make_preset("mlp-xor")
    project.network = Network([2, width, 1], ["tanh", "sigmoid"], seed=0)
    project.data = {"recipe": {"generator": "xor", "n": n}}
    for key, value in settings.items():
        setattr(project.settings, key, value)
    return project


def budget_problem(project):
    """The reason Project.problems() gives for too much memory, or None."""
    found = [p.reason for p in project.problems() if p.field == "training.batch_size"]
    return found[0] if found else None


def test_full_batch_on_a_wide_layer_is_refused_naming_the_sizes():
    project = wide_xor()
    problem = budget_problem(project)
    assert problem is not None
    for size in ("100,000 samples", "4,097 neurons", "float64", "2 GiB"):
        assert size in problem
    train, test = project.datasets()
    with pytest.raises(TrainingError, match="batch size of at most"):
        Trainer(project.network, train, test, project.settings)


def test_the_command_line_refuses_in_one_line_and_leaves_the_file_alone(tmp_path, capsys):
    path = tmp_path / "wide.json"
    save_project(wide_xor(), path)
    before = path.read_bytes()
    assert main(["train", str(path), "--steps", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: training would need about") and "\n" not in err
    assert path.read_bytes() == before


def test_the_suggested_batch_size_fits_and_one_more_does_not():
    project = wide_xor()
    problem = budget_problem(project)
    fits = int(problem.split("at most ")[1].split(" ")[0].replace(",", ""))
    assert 1_000 < fits < 100_000
    project.settings.batch_size = fits
    assert budget_problem(project) is None
    project.settings.batch_size = fits + 1
    assert budget_problem(project) is not None


def test_every_lesson_fits_with_room_to_spare():
    for name in PRESET_NAMES:
        project = make_preset(name)
        assert budget_problem(project) is None
        train, test = project.datasets()
        est = memory.estimate(project.network.sizes, project.network.stored_parameter_count, train.n_samples,
                              test.n_samples, train.n_inputs + train.n_outputs, project.settings)
        assert est.total < memory.BUDGET_BYTES / 100


def test_changing_to_full_batch_is_refused_and_keeps_the_old_settings():
    project = wide_xor(batch_size=32)
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.step()
    with pytest.raises(TrainingError, match="100,000 samples"):
        trainer.apply_settings(TrainingSettings(batch_size=0))
    assert trainer.settings.batch_size == 32
    trainer.step()


def test_an_edit_that_makes_training_too_big_is_refused_at_the_next_step():
    project = wide_xor(width=16)
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.step()
    project.network.insert_layer(2, 4096)
    with pytest.raises(TrainingError, match="4,113 neurons"):
        trainer.step()


@pytest.mark.parametrize("sizes, activations, batch, precision, optimizer", [
    ([2, 512, 1], ["tanh", "sigmoid"], 0, "float64", "sgd"),
    ([2, 256, 256, 1], ["relu", "relu", "sigmoid"], 1500, "float32", "adam"),
    ([2, 128, 64, 1], ["sigmoid", "tanh", "sigmoid"], 0, "float64", "momentum"),
])
def test_the_estimate_covers_what_training_really_uses(sizes, activations, batch, precision, optimizer):
    settings = TrainingSettings(batch_size=batch, precision=precision, optimizer=optimizer, learning_rate=0.1)
    data = make_dataset({"generator": "xor", "n": 3000})
    net = Network(sizes, activations, seed=0)
    est = memory.estimate(sizes, net.stored_parameter_count, 3000, 3000, 3, settings)
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        trainer = Trainer(net, data, data.subset(np.arange(3000)), settings)
        trainer.run(3)
        trainer.evaluate(trainer.train)
        peak = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    # never an underestimate, and not so cautious that the budget means little
    assert peak <= est.total < 3 * peak


def evaluation_peak(n, width=512):
    data = make_dataset({"generator": "xor", "n": n})
    trainer = Trainer(Network([2, width, 1], ["tanh", "sigmoid"], seed=0), data,
                      settings=TrainingSettings(batch_size=16))
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        result = trainer.evaluate(data)
        return tracemalloc.get_traced_memory()[1] - start, result
    finally:
        tracemalloc.stop()


def test_evaluation_memory_does_not_grow_with_the_data():
    small, _ = evaluation_peak(10_000)
    large, _ = evaluation_peak(80_000)
    # eight times the data, not eight times the memory (a whole-set pass would be)
    assert large < 1.5 * small
    assert large < 8 * memory.EVAL_CHUNK_BYTES


@pytest.mark.parametrize("name", ["mlp-xor", "spiral", "multiclass", "sine", "outliers"])
def test_evaluating_in_chunks_gives_the_whole_set_answer(name, monkeypatch):
    project = make_preset(name)
    project.data["recipe"]["n"] = 203
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, settings=project.settings)
    trainer.run(5)
    whole = Pass(project.network, train.X, train.y, trainer.loss)
    whole.forward()
    expected = whole.compute_loss()
    assert trainer.evaluate(train)[0] == pytest.approx(expected, rel=1e-12)
    one_chunk = trainer.evaluate(train)
    monkeypatch.setattr(memory, "EVAL_CHUNK_BYTES", 1)  # one sample at a time
    chunked = Trainer(project.network, train, settings=project.settings).evaluate(train)
    assert chunked[0] == pytest.approx(one_chunk[0], rel=1e-12)
    assert chunked[1] == one_chunk[1] or (np.isnan(chunked[1]) and np.isnan(one_chunk[1]))


def test_forward_in_chunks_matches_one_pass_and_can_return_float32():
    net = Network([2, 7, 5, 3], ["tanh", "relu", "softmax"], seed=1)
    X = np.random.default_rng(0).normal(size=(50, 2))
    z1, a1 = forward(net, X, rows=50)
    z7, a7 = forward(net, X, rows=7)
    for left, right in zip(a1 + z1[1:], a7 + z7[1:]):
        np.testing.assert_allclose(left, right, rtol=1e-12, atol=1e-15)
    _, small = forward(net, X, dtype=np.float32, keep_z=False, rows=7)
    assert all(a.dtype == np.float32 for a in small)
    np.testing.assert_allclose(small[-1], a1[-1], rtol=1e-6)
