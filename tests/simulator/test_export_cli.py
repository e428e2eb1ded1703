"""``python -m simulator export``: the files it writes, and how it refuses bad input."""

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.export.npz import read_npz, write_npz
from simulator.export.tables import history_csv
from simulator.history import COLUMNS
from simulator.network import Network
from simulator.presets import make_preset
from simulator.project_file import load_project, save_project
from simulator.trainer import Trainer

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "simulator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def edited_project():
    """The spiral lesson with a skip connection, removed edges and non-zero biases."""
    project = make_preset("spiral")
    net = project.network
    net.connect_layers(0, 3)
    net.disconnect((0, 0), (1, 3))
    net.disconnect((1, 5), (2, 0))
    net.layers[2].bias[:] = np.linspace(-1, 1, net.sizes[2])
    return project


@pytest.fixture
def project_file(tmp_path):
    save_project(edited_project(), tmp_path / "p.json")
    return tmp_path / "p.json"


def test_npz_holds_every_block_mask_and_bias_and_reads_back(tmp_path, project_file):
    r = cli("export", "p.json", "--to", "npz", "--out", "w.npz", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("wrote w.npz"), r.stderr
    net = load_project(project_file).network
    with np.load(tmp_path / "w.npz", allow_pickle=False) as data:  # plain arrays, no pickle needed
        assert list(data["sizes"]) == net.sizes and list(data["activations"]) == net.activations
        for (i, j), block in net.blocks.items():
            assert np.array_equal(data[f"w_{i}_{j}"], block.weights)
            assert np.array_equal(data[f"mask_{i}_{j}"], block.mask)
        assert not data["mask_0_1"][0, 3] and data["w_0_3"].shape == (2, 1)  # removed edge, skip block
        for k in range(1, net.n_layers):
            assert np.array_equal(data[f"b_{k}"], net.layers[k].bias)
    assert read_npz(tmp_path / "w.npz").same_as(net)


def test_a_bad_npz_file_is_refused_in_one_line(tmp_path):
    write_npz(Network([2, 3, 1]), tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz") as data:
        arrays = dict(data)
    arrays["w_0_1"] = np.zeros((3, 3))
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match="w_0_1 .* does not fit layers 0 and 1"):
        read_npz(tmp_path / "bad.npz")


def test_csv_has_a_row_per_weight_and_bias(tmp_path, project_file):
    r = cli("export", "p.json", "--to", "csv", "--out", "w.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    net = load_project(project_file).network
    with open(tmp_path / "w.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    edges = [r for r in rows if r["kind"] == "edge"]
    biases = [r for r in rows if r["kind"] == "bias"]
    assert len(edges) == net.edge_count and len(biases) == sum(net.sizes[1:])
    for row in edges:
        src, dst = (int(row["from_layer"]), int(row["from_neuron"])), (int(row["to_layer"]), int(row["to_neuron"]))
        assert float(row["value"]) == net.weight(src, dst)  # exact: the text round-trips
    assert float(biases[-1]["value"]) == net.layers[-1].bias[-1]
    assert f"{net.edge_count:,} weights" in r.stdout


def test_history_csv_has_a_row_per_step():
    project = make_preset("sine")
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.run(7)
    lines = history_csv(trainer.history).splitlines()
    assert lines[0] == ",".join(COLUMNS) and len(lines) == 8
    assert float(lines[-1].split(",")[2]) == trainer.history.last("train_loss")
    assert lines[-1].split(",")[3] == ""  # regression: no accuracy, an empty cell rather than nan


@pytest.mark.parametrize("args, fragment", [
    (("--to", "xls", "--out", "w.xls"), "--to must be one of pytorch, npz, csv, not xls"),
    (("--out", "w.npz"), "the following arguments are required: --to"),
    (("--to", "npz"), "the following arguments are required: --out"),
    (("--to", "npz", "--out", "no/such/folder/w.npz"), "cannot write no/such/folder/w.npz: there is no folder"),
    (("--to", "npz", "--out", "."), "it is a folder"),
    (("--to", "npz", "--out", ""), "--out needs a file name"),
    (("--to", "csv", "--out", "p.json"), "--out p.json is the project being exported"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, project_file, args, fragment):
    before = sorted(p.name for p in tmp_path.iterdir())
    text = project_file.read_bytes()
    r = cli("export", "p.json", *args, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and fragment in r.stderr, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before and project_file.read_bytes() == text


def test_a_missing_or_broken_project_is_named(tmp_path):
    (tmp_path / "bad.json").write_text("{")
    for name, fragment in (("missing.json", "missing.json"), ("bad.json", "not valid JSON")):
        r = cli("export", name, "--to", "npz", "--out", "w.npz", cwd=tmp_path)
        assert r.returncode == 2 and fragment in r.stderr and r.stderr.count("\n") == 1
        assert not (tmp_path / "w.npz").exists()


def test_a_project_that_cannot_train_exports_weights_but_no_script(tmp_path):
    project = edited_project()
    project.settings.loss = "categorical_cross_entropy"  # needs a softmax output; the spiral's is sigmoid
    save_project(project, tmp_path / "p.json")
    r = cli("export", "p.json", "--to", "pytorch", "--out", "m.py", cwd=tmp_path)
    assert r.returncode == 2 and "cannot be exported as a PyTorch script" in r.stderr and "softmax" in r.stderr
    assert not (tmp_path / "m.py").exists()
    assert cli("export", "p.json", "--to", "npz", "--out", "w.npz", cwd=tmp_path).returncode == 0


def test_an_unwritable_side_file_stops_the_export_before_anything_is_written(tmp_path):
    project = make_preset("circles")
    project.network = Network([2, 150, 140, 1], ["relu", "tanh", "sigmoid"], seed=1)
    save_project(project, tmp_path / "big.json")
    (tmp_path / "big.npz").mkdir()  # where the side file would go
    r = cli("export", "big.json", "--to", "pytorch", "--out", "big.py", cwd=tmp_path)
    assert r.returncode == 2 and "big.npz" in r.stderr and "folder" in r.stderr
    assert not (tmp_path / "big.py").exists()


def test_a_trained_project_says_the_script_starts_afresh(tmp_path, project_file):
    assert cli("train", "p.json", "--steps", "5", cwd=tmp_path).returncode == 0
    assert load_project(project_file).training_state.step == 5
    r = cli("export", "p.json", "--to", "pytorch", "--out", "m.py", cwd=tmp_path)
    assert r.returncode == 0 and "fresh optimiser" in r.stdout
    text = (tmp_path / "m.py").read_text()
    assert "The project had trained 5 steps" in text
    compile(text, "m.py", "exec")  # valid Python, whether or not PyTorch is installed


def test_exporting_never_imports_pytorch_or_qt(tmp_path):
    code = ("import sys, simulator.export.pytorch, simulator.export.npz, simulator.export.tables, "
            "simulator.cli.commands; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'PySide6', 'pyqtgraph')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stderr
