"""The exported PyTorch script computes what the app computes: outputs, steps, losses.

Runs where PyTorch is installed (the ``bench`` extra); skipped otherwise.
"""

import importlib.util
import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.backprop import forward
from simulator.errors import EditError
from simulator.export.pytorch import SIDE_FILE_VALUES, pytorch_script, side_file_name, write_pytorch
from simulator.network import Network
from simulator.presets import make_preset
from simulator.project_file import Project, save_project
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]
HIDDEN = ("step", "linear", "sigmoid", "tanh", "relu", "leaky_relu")
_count = itertools.count()


def random_project(draw, output="sigmoid", loss="binary_cross_entropy", n_samples=23, test_fraction=0.0,
                   hidden=None, **settings):
    """A network with skip connections, removed edges and random biases, and data its loss accepts."""
    rng = np.random.default_rng(draw)
    hidden = hidden or [HIDDEN[(draw + k) % len(HIDDEN)] for k in range(3)]
    n_out = 3 if output == "softmax" else 2 if loss in ("l1", "huber") else 1
    sizes = [3] + [int(rng.integers(2, 6)) for _ in hidden] + [n_out]
    net = Network(sizes, list(hidden) + [output], seed=draw)
    last = len(sizes) - 1
    for src, dst in ((0, 2), (1, last), (0, last)):  # skip connections
        net.connect_layers(src, dst)
    removed = 0
    for (i, j), block in sorted(net.blocks.items()):
        for s, d in zip(*np.nonzero(rng.random(block.mask.shape) < 0.25)):
            try:
                net.disconnect((i, int(s)), (j, int(d)))
                removed += 1
            except EditError:  # the last edge of a neuron may be kept by the rules
                pass
    assert removed, "the test needs removed edges"
    for layer in net.layers[1:]:
        layer.bias[:] = rng.normal(0.0, 0.5, layer.size)
    X = rng.normal(0.0, 1.0, (n_samples, 3))
    if loss == "categorical_cross_entropy":
        y, task = np.eye(n_out)[np.arange(n_samples) % n_out], "classification"
    elif loss == "binary_cross_entropy" or output == "step":
        y, task = (np.arange(n_samples) % 2)[:, None].astype(float), "classification"
    else:
        y, task = rng.normal(0.0, 1.0, (n_samples, n_out)), "regression"
    data = {"inline": {"X": X.tolist(), "y": y.tolist(), "task": task}, "test_fraction": test_fraction}
    project = Project(net, data, TrainingSettings(loss=loss, **settings))
    assert not project.problems(), project.problems()
    return project


def load_script(project, tmp_path):
    """Write the project's script (and side file) and import it as a module."""
    path = tmp_path / f"exported_{next(_count)}.py"
    write_pytorch(project, path)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_same_parameters(model, network, step):
    for (i, j), block in network.blocks.items():
        mine = getattr(model, f"w_{i}_{j}").detach().numpy()
        np.testing.assert_allclose(mine, block.weights, rtol=0, atol=1e-9, err_msg=f"w_{i}_{j} at step {step}")
        assert np.all(mine[~block.mask] == 0.0), f"a removed edge of w_{i}_{j} moved at step {step}"
    for k in range(1, network.n_layers):
        np.testing.assert_allclose(getattr(model, f"b_{k}").detach().numpy(), network.layers[k].bias,
                                   rtol=0, atol=1e-9, err_msg=f"b_{k} at step {step}")


@pytest.mark.parametrize("output, loss", [
    ("sigmoid", "binary_cross_entropy"), ("softmax", "categorical_cross_entropy"), ("linear", "l2"),
    ("tanh", "huber"), ("relu", "l1"), ("leaky_relu", "l2"), ("step", "l2")])
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_outputs_match_the_apps_forward_pass(tmp_path, seed, output, loss):
    project = random_project(seed, output, loss)
    module = load_script(project, tmp_path)
    model = module.Network()
    X = np.random.default_rng(seed + 100).normal(0.0, 1.5, (40, 3))
    z_app, a_app = forward(project.network, X)
    with torch.no_grad():
        z, a = model.layers(torch.tensor(X, dtype=torch.float64))
    for k in range(1, project.network.n_layers):
        np.testing.assert_allclose(z[k].numpy(), z_app[k], rtol=0, atol=1e-9)
        np.testing.assert_allclose(a[k].numpy(), a_app[k], rtol=0, atol=1e-9)
    # every activation of the hidden layers appears across the seeds
    assert set(HIDDEN) <= {HIDDEN[(s + k) % len(HIDDEN)] for s in range(6) for k in range(3)}


@pytest.mark.parametrize("seed, output, loss, settings", [
    (0, "sigmoid", "binary_cross_entropy", dict(optimizer="sgd", learning_rate=0.3, batch_size=0)),
    (1, "sigmoid", "binary_cross_entropy", dict(optimizer="momentum", learning_rate=0.1, batch_size=5)),
    (2, "softmax", "categorical_cross_entropy", dict(optimizer="adam", learning_rate=0.01, batch_size=7)),
    (3, "linear", "l2", dict(optimizer="momentum", learning_rate=0.02, momentum=0.8, batch_size=1,
                             l1=0.01, l2=0.02)),
    (4, "tanh", "huber", dict(optimizer="adam", learning_rate=0.05, batch_size=4, shuffle=False, l2=0.1)),
    (5, "linear", "l1", dict(optimizer="sgd", learning_rate=0.1, batch_size=50, l1=0.05)),
    (6, "softmax", "categorical_cross_entropy", dict(optimizer="momentum", learning_rate=0.2, batch_size=6,
                                                     seed=77)),
    (7, "leaky_relu", "l2", dict(optimizer="adam", learning_rate=0.02, batch_size=0, beta1=0.8, beta2=0.99,
                                 epsilon=1e-6)),
])
def test_twenty_steps_follow_the_apps_trajectory(tmp_path, seed, output, loss, settings):
    project = random_project(seed, output, loss, hidden=["tanh", "relu", "sigmoid"], test_fraction=0.2,
                             **settings)
    module = load_script(project, tmp_path)
    model = module.Network()
    optimizer = module.make_optimizer(model)
    train, test = project.datasets()
    x, y = torch.tensor(train.X), torch.tensor(train.y)
    rows = module.batches(train.n_samples, module.BATCH_SIZE, module.SHUFFLE, module.SEED)
    trainer = Trainer(project.network, train, test, project.settings)
    for step in range(1, 21):
        index = torch.from_numpy(next(rows))
        batch_loss = module.train_step(model, optimizer, x[index], y[index])
        trainer.step()
        assert batch_loss == pytest.approx(trainer.history.last("train_loss"), rel=1e-9, abs=1e-12)
        assert_same_parameters(model, project.network, step)
    assert trainer.epoch > 1 or settings["batch_size"] in (0, 50)  # mini-batch cases cross epochs


def test_the_perceptron_rule_follows_the_app(tmp_path):
    project = make_preset("perceptron-xor")
    module = load_script(project, tmp_path)
    model = module.Network()
    train, _ = project.datasets()
    rows = module.batches(train.n_samples, module.BATCH_SIZE, module.SHUFFLE, module.SEED)
    trainer = Trainer(project.network, train, None, project.settings)
    x, y = torch.tensor(train.X), torch.tensor(train.y)
    moved = False
    for step in range(1, 21):
        index = torch.from_numpy(next(rows))
        module.train_step(model, None, x[index], y[index])
        before = project.network.copy()
        trainer.step()
        moved |= not before.same_as(project.network)
        assert_same_parameters(model, project.network, step)
    assert moved  # XOR cannot be learnt: the weights keep changing


def _run(args, cwd):
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def _same_loss(script, app):
    assert script["train_loss"] == pytest.approx(app["train_loss"], rel=1e-6, abs=1e-9)
    if app["test_loss"] is None:
        assert script["test_loss"] is None
    else:
        assert script["test_loss"] == pytest.approx(app["test_loss"], rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("make", [
    lambda: make_preset("spiral"),       # Adam, mini-batches of 32 over 320 samples, a test set
    lambda: make_preset("sine"),         # regression, L2
    lambda: random_project(3, "softmax", "categorical_cross_entropy", n_samples=40, test_fraction=0.25,
                           optimizer="momentum", learning_rate=0.1, batch_size=9, l2=0.01),
])
def test_the_script_prints_the_loss_the_command_line_prints(tmp_path, make):
    save_project(make(), tmp_path / "p.json")
    r = _run(["-m", "simulator", "export", "p.json", "--to", "pytorch", "--out", "model.py"], tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("wrote model.py"), r.stderr
    script = _run(["model.py", "--steps", "37"], tmp_path)
    assert script.returncode == 0, script.stderr
    lines = script.stdout.splitlines()
    assert len(lines) == 1
    app = _run(["-m", "simulator", "train", "p.json", "--steps", "37", "--json", "--out", "t.json"], tmp_path)
    ours, theirs = json.loads(lines[0]), json.loads(app.stdout)
    assert ours["steps"] == theirs["steps"] == 37
    _same_loss(ours, theirs)


def test_a_big_network_keeps_its_numbers_in_a_side_file(tmp_path):
    net = Network([2, 150, 140, 1], ["relu", "tanh", "sigmoid"], seed=3)
    assert net.parameter_count > SIDE_FILE_VALUES
    project = make_preset("circles")
    project.network = net
    text, side = pytorch_script(project, "big.npz")
    assert "W_1_2 = SIDE_FILE['w_1_2']" in text and len(text) < 50_000  # 21,000 weights are not inlined
    assert {"w_0_1", "w_1_2", "w_2_3", "b_1", "b_2", "b_3"} <= set(side)
    assert "x_train" not in side  # 300 points are few enough to read inline
    save_project(project, tmp_path / "big.json")
    r = _run(["-m", "simulator", "export", "big.json", "--to", "pytorch", "--out", "big.py"], tmp_path)
    assert r.returncode == 0 and "big.npz" in r.stdout, r.stderr
    assert Path(side_file_name(tmp_path / "big.py")).exists()
    ours = json.loads(_run(["big.py", "--steps", "3"], tmp_path).stdout)
    theirs = json.loads(_run(["-m", "simulator", "train", "big.json", "--steps", "3", "--json", "--out", "t.json"],
                             tmp_path).stdout)
    _same_loss(ours, theirs)


def test_the_script_reads_top_to_bottom(tmp_path):
    project = random_project(1, "sigmoid", "binary_cross_entropy", optimizer="momentum")
    text, side = pytorch_script(project)
    assert side is None  # a small project is all in the script
    headings = [line for line in text.splitlines() if line.startswith("# ---")]
    assert [h.split(". ")[0][-1] for h in headings] == list("1234567")
    # every removed edge is named in a mask the forward pass multiplies by
    for (i, j), block in project.network.blocks.items():
        assert (f"self.mask_{i}_{j}" in text) == (not block.full)
    assert "PyTorch keeps b = MOMENTUM * b + gradient" in text  # the momentum form is explained
    assert max(len(line) for line in text.splitlines()) <= 120


def test_a_layer_no_edge_reaches_still_trains_its_biases(tmp_path):
    project = make_preset("multiclass")  # Adam, softmax, categorical cross-entropy
    net = project.network
    net.connect_layers(0, 2)
    net.disconnect_layers(0, 1)  # layer 1 now feeds the output from its biases alone
    net.layers[1].bias[:] = np.linspace(-0.2, 0.5, net.sizes[1])  # ReLU passes a gradient where > 0
    module = load_script(project, tmp_path)
    model = module.Network()
    optimizer = module.make_optimizer(model)
    train, test = project.datasets()
    trainer = Trainer(net, train, test, project.settings)
    before = net.layers[1].bias.copy()
    for step in range(1, 21):
        module.train_step(model, optimizer, torch.tensor(train.X), torch.tensor(train.y))
        trainer.step()
        assert_same_parameters(model, net, step)
    assert not np.array_equal(net.layers[1].bias, before)
