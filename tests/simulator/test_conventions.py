"""The conventions docs/file-format.md states are the ones the code follows:
seed ranges, the reported loss without the penalty, the perceptron rule's
sum over the batch, a batch larger than the data, the constants named."""

import re
from pathlib import Path

import numpy as np
import pytest

from simulator.activations import LEAKY_SLOPE
from simulator.backprop import Pass
from simulator.datasets import MAX_SEED
from simulator.generators import make_dataset
from simulator.errors import SimulatorError
from simulator.losses import get_loss
from simulator.network import Network
from simulator.optimizers import make_optimizer
from simulator.presets import make_preset
from simulator.project_file import project_from_dict, project_to_dict
from simulator.settings import TrainingSettings
from simulator.trainer import Trainer

DOC = (Path(__file__).resolve().parents[2] / "docs" / "file-format.md").read_text(encoding="utf-8")


def doc_row(key):
    """The table row documenting ``key``."""
    rows = [line for line in DOC.splitlines() if line.startswith(f"| `{key}` |")]
    assert len(rows) == 1, f"docs/file-format.md should document {key!r} in exactly one table row"
    return rows[0]


@pytest.mark.parametrize("key", ["seed", "split_seed"])
def test_documented_seed_range_is_the_accepted_one(key):
    low, high = re.search(r"whole number, (\d+) to 2\^(\d+) - 1", doc_row(key)).groups()
    assert (int(low), 2 ** int(high) - 1) == (0, MAX_SEED)
    document = project_to_dict(make_preset("mlp-xor"))
    where = document["training"] if key == "seed" else document["data"]
    where[key] = MAX_SEED
    project_from_dict(document)
    where[key] = MAX_SEED + 1
    with pytest.raises(SimulatorError, match=key):
        project_from_dict(document)


def test_documented_recipe_seed_range_is_the_accepted_one():
    assert "`seed`\n(0 to 2^31 - 1)" in DOC
    make_dataset({"generator": "xor", "seed": MAX_SEED})
    with pytest.raises(SimulatorError, match="seed"):
        make_dataset({"generator": "xor", "seed": MAX_SEED + 1})


def test_documented_constants():
    assert f"slope {LEAKY_SLOPE}" in doc_row("leaky_relu") and f"else {LEAKY_SLOPE}" in doc_row("leaky_relu")
    assert get_loss("huber").delta == 1.0 and "threshold 1" in doc_row("huber")
    assert "**without** a factor 1/2" in doc_row("l2")
    # L2 as documented: the mean of squares over all n k values, gradient 2 (a - y) / (n k)
    a, y = np.array([[1.0, 2.0], [0.0, -1.0]]), np.zeros((2, 2))
    assert get_loss("l2").value(a, y, None) == (1 + 4 + 0 + 1) / 4
    np.testing.assert_array_equal(get_loss("l2").grad_a(a, y, None), 2 * a / 4)


def test_reported_loss_never_includes_the_penalty():
    """Same weights, same batch: the reported loss is the same with and without a strong L2."""
    losses = []
    for l2 in (0.0, 10.0):
        project = make_preset("mlp-xor")
        project.settings.l2 = l2
        train, _ = project.datasets()
        trainer = Trainer(project.network, train, None, project.settings)
        losses.append(trainer.step())
        losses.append(trainer.evaluate(train)[0])
    assert losses[0] == losses[2]
    assert losses[1] != losses[3]  # and the penalty did change the weights


def test_perceptron_rule_sums_over_the_batch():
    net = Network([2, 1], ["step"], init="zeros")
    net.set_weight((0, 0), (1, 0), 0.5)
    net.set_bias((1, 0), -0.1)
    X = np.array([[1.0, 2.0], [3.0, -1.0], [-2.0, 0.5]])
    y = np.array([[0.0], [0.0], [1.0]])
    # outputs: step(0.4) = 1, step(1.4) = 1, step(-1.1) = 0, so a - y = 1, 1, -1
    p = Pass(net, X, y, get_loss("l2"), rule="perceptron")
    p.run(make_optimizer("sgd", learning_rate=0.1, l2=5.0))  # the optimiser's L2 is not used
    # w -= 0.1 * sum (a - y) x = 0.1 * ([1, 2] + [3, -1] - [-2, 0.5]); b -= 0.1 * (1 + 1 - 1)
    np.testing.assert_allclose(net.blocks[(0, 1)].weights[:, 0], [0.5 - 0.6, 0.0 - 0.05], rtol=1e-14)
    assert net.layers[1].bias[0] == pytest.approx(-0.2, rel=1e-14)


def test_batch_size_above_the_data_size_means_the_whole_set():
    data = make_dataset({"generator": "xor", "n": 12})
    runs = []
    for batch_size in (0, 12, 1000):
        net = Network([2, 3, 1], seed=1)
        trainer = Trainer(net, data, None, TrainingSettings(batch_size=batch_size))
        trainer.run(3)
        assert trainer.last_pass.X.shape[0] == 12 and trainer.epoch == 3
        runs.append(net.blocks[(0, 1)].weights.copy())
    assert np.array_equal(runs[0], runs[1]) and np.array_equal(runs[0], runs[2])
