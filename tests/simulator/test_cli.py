"""The headless command line, run as a person runs it: a subprocess."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.presets import PRESET_NAMES
from simulator.project_file import load_project

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "simulator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_new_train_validate_round_trip(tmp_path):
    r = cli("new", "--preset", "mlp-xor", "--out", "p.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = cli("train", "p.json", "--steps", "1500", "--out", "t.json", "--log", "h.csv", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["steps"] == 1500 and result["train_accuracy"] == 1.0 and result["train_loss"] < 0.05
    assert result["test_loss"] is None and result["test_accuracy"] is None  # XOR has no test split
    with open(tmp_path / "h.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1500 and float(rows[-1]["train_loss"]) < float(rows[0]["train_loss"])
    # the trained file holds the trained weights; the input file is untouched
    before, after = load_project(tmp_path / "p.json"), load_project(tmp_path / "t.json")
    assert not before.network.same_as(after.network)
    assert cli("validate", "t.json", cwd=tmp_path).returncode == 0


def test_training_is_deterministic(tmp_path):
    cli("new", "--preset", "spiral", "--out", "p.json", cwd=tmp_path)
    outs = [json.loads(cli("train", "p.json", "--steps", "50", "--out", f"{i}.json", "--json",
                           cwd=tmp_path).stdout) for i in range(2)]
    for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
        assert outs[0][key] == outs[1][key]
    assert load_project(tmp_path / "0.json").network.same_as(load_project(tmp_path / "1.json").network)


def test_regression_reports_null_accuracy(tmp_path):
    cli("new", "--preset", "sine", "--out", "p.json", cwd=tmp_path)
    result = json.loads(cli("train", "p.json", "--steps", "10", "--json", cwd=tmp_path).stdout)
    assert result["train_accuracy"] is None and result["test_accuracy"] is None
    assert result["out"] == "p.json"  # without --out the file itself is updated


def test_every_preset_is_written_and_valid(tmp_path):
    for name in PRESET_NAMES:
        assert cli("new", "--preset", name, "--out", f"{name}.json", cwd=tmp_path).returncode == 0
        r = cli("validate", f"{name}.json", cwd=tmp_path)
        assert r.returncode == 0 and "valid" in r.stdout


@pytest.mark.parametrize("args, fragment", [
    (("train", "missing.json", "--steps", "3"), "missing.json"),
    (("train", "bad.json", "--steps", "3"), "not valid JSON"),
    (("validate", "bad.json"), "not valid JSON"),
    (("train", "p.json"), "--steps"),
    (("train", "p.json", "--steps", "-4"), "--steps"),
    (("train", "p.json", "--steps", "ten"), "invalid int"),
    (("new", "--preset", "nope", "--out", "x.json"), "unknown preset 'nope'"),
    (("new", "--preset", "mlp-xor", "--out", "no/such/dir/x.json"), "x.json"),
    (("fly",), "invalid choice"),
    ((), "required"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, fragment):
    cli("new", "--preset", "mlp-xor", "--out", "p.json", cwd=tmp_path)
    (tmp_path / "bad.json").write_text('{"format": ')
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in r.stderr


def test_nan_loss_exits_2_and_says_why(tmp_path):
    cli("new", "--preset", "sine", "--out", "p.json", cwd=tmp_path)
    data = json.loads((tmp_path / "p.json").read_text())
    data["training"]["optimizer"] = "sgd"
    data["training"]["learning_rate"] = 50.0
    (tmp_path / "p.json").write_text(json.dumps(data))
    r = cli("train", "p.json", "--steps", "500", cwd=tmp_path)
    assert r.returncode == 2 and "learning rate" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_validate_says_when_a_valid_file_cannot_be_trained(tmp_path):
    cli("new", "--preset", "mlp-xor", "--out", "p.json", cwd=tmp_path)
    data = json.loads((tmp_path / "p.json").read_text())
    data["network"]["layers"][-1]["activation"] = "linear"
    (tmp_path / "p.json").write_text(json.dumps(data))
    r = cli("validate", "p.json", cwd=tmp_path)
    assert r.returncode == 2 and "valid project file, but it cannot be trained" in r.stderr
    assert "needs a sigmoid output layer" in r.stderr
