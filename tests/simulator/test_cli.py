"""The headless command line, run as a person runs it: a subprocess."""

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.presets import PRESET_NAMES
from simulator.network import Network
from simulator.project_file import Project, load_project, save_project

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
    (("train", "p.json", "--steps", "ten"), "--steps must be a whole number from 0 to 100,000,000, not ten"),
    (("new", "--preset", "nope", "--out", "x.json"), "unknown preset 'nope'"),
    (("new", "--preset", "mlp-xor", "--out", "no/such/dir/x.json"), "x.json"),
    (("fly",), "unknown command 'fly' (known: new, train, validate, presets, export)"),
    ((), "a command is needed: one of new, train, validate, presets, export"),
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


def one_line(r):
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0]


@pytest.mark.parametrize("option, values", [
    ("--seed", ["-5", "-1", "2147483648", "99999999999999999999999", "1.5", "1e3", "seven", ""]),
    ("--steps", ["-4", "100000001", "99999999999999999999999", "2.5", "1e3", "ten", ""]),
])
def test_every_bad_number_is_refused_in_the_same_words(tmp_path, option, values):
    """Negative, huge, float and text values all get the same kind of line, never an internal name."""
    cli("new", "--preset", "mlp-xor", "--out", "p.json", cwd=tmp_path)
    before = (tmp_path / "p.json").read_bytes()
    for value in values:
        if option == "--seed":
            r = cli("new", "--preset", "mlp-xor", "--out", "q.json", "--seed", value, cwd=tmp_path)
        else:
            r = cli("train", "p.json", "--steps", value, cwd=tmp_path)
        assert r.returncode == 2
        assert one_line(r) == f"error: {option} must be a whole number from 0 to " \
                              f"{'2,147,483,647' if option == '--seed' else '100,000,000'}, not {value or repr(value)}"
    assert not (tmp_path / "q.json").exists() and (tmp_path / "p.json").read_bytes() == before


def test_the_largest_seed_is_accepted(tmp_path):
    r = cli("new", "--preset", "mlp-xor", "--out", "p.json", "--seed", "2147483647", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("extra, fragment", [
    (("--log", "/nonexistent/h.csv"), "cannot write /nonexistent/h.csv: there is no folder /nonexistent"),
    (("--log", "folder"), "cannot write folder: it is a folder"),
    (("--out", "folder"), "cannot write folder: it is a folder"),
    (("--out", "pipe"), "cannot write pipe: it is not a regular file"),
    (("--log", "pipe"), "cannot write pipe: it is not a regular file"),
    (("--log", ""), "--log needs a file name"),
    (("--out", ""), "--out needs a file name"),
    (("--log", "p.json"), "--log p.json is the project being trained"),
    (("--log", "link.json"), "--log link.json is the project being trained (p.json)"),
    (("--log", "hard.json"), "--log hard.json is the project being trained (p.json)"),
    (("--log", "t.json", "--out", "t.json"), "--log t.json is the trained project's file"),
    (("--log", "./t.json", "--out", "sub/../t.json"), "is the trained project's file"),
])
def test_outputs_are_checked_before_training_and_nothing_is_written(tmp_path, extra, fragment):
    cli("new", "--preset", "mlp-xor", "--out", "p.json", cwd=tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "sub").mkdir()
    os.mkfifo(tmp_path / "pipe")  # not a regular file; never a real device, which a bug could replace
    (tmp_path / "link.json").symlink_to("p.json")
    (tmp_path / "hard.json").hardlink_to(tmp_path / "p.json")
    before = sorted(p.name for p in tmp_path.iterdir())
    project = (tmp_path / "p.json").read_bytes()
    r = cli("train", "p.json", "--steps", "10", *extra, cwd=tmp_path)
    assert r.returncode == 2 and fragment in one_line(r)
    assert (tmp_path / "p.json").read_bytes() == project  # not trained in place before the refusal
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no output, no temporary file


def test_the_log_is_streamed_to_disk_while_training_runs(tmp_path):
    """Rows reach the disk as steps run (under a temporary name), not all at the end."""
    cli("new", "--preset", "spiral", "--out", "p.json", cwd=tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "train", "p.json", "--steps", "100000000",
                             "--log", "h.csv"], cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        grown = wait_for(lambda: [p for p in tmp_path.glob(".h.csv.*.tmp") if p.stat().st_size > 100_000])
        assert grown, "no rows reached the disk while training"
        assert not (tmp_path / "h.csv").exists()  # the log is put in place only with the trained project
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.strip() == "interrupted: nothing was written; p.json is unchanged"
    assert not list(tmp_path.glob(".*.tmp")) and not (tmp_path / "h.csv").exists()


def wait_for(found, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.01)
    return None


def test_validate_counts_in_words(tmp_path):
    net = Network([2, 1], ["sigmoid"])
    net.disconnect((0, 0), (1, 0))  # one edge left: "1 edge", not "1 edges"
    save_project(Project(network=net, data={"recipe": {"generator": "and"}}), tmp_path / "p.json")
    r = cli("validate", "p.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"1 edge, {net.parameter_count} parameters" in r.stdout
    assert "4 training samples and 0 test samples" in r.stdout


def test_a_whole_number_written_as_a_float_trains(tmp_path):
    """A recipe's "n": 2.0 is the number 2, not an internal error."""
    cli("new", "--preset", "mlp-xor", "--out", "p.json", cwd=tmp_path)
    data = json.loads((tmp_path / "p.json").read_text())
    data["data"]["recipe"]["n"] = 2.0
    (tmp_path / "p.json").write_text(json.dumps(data))
    r = cli("train", "p.json", "--steps", "2", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "2 training samples" in cli("validate", "p.json", cwd=tmp_path).stdout
    data["data"]["recipe"]["n"] = 2.5
    (tmp_path / "p.json").write_text(json.dumps(data))
    r = cli("train", "p.json", "--steps", "2", cwd=tmp_path)
    assert r.returncode == 2 and "'n' must be a whole number, not 2.5" in one_line(r)


def test_divergence_says_exactly_what_was_kept_and_written(tmp_path):
    cli("new", "--preset", "sine", "--out", "p.json", cwd=tmp_path)
    data = json.loads((tmp_path / "p.json").read_text())
    data["training"].update(optimizer="sgd", learning_rate=50.0)
    (tmp_path / "p.json").write_text(json.dumps(data))
    original = load_project(tmp_path / "p.json")
    r = cli("train", "p.json", "--steps", "500", "--out", "t.json", "--log", "h.csv", cwd=tmp_path)
    assert r.returncode == 2
    line = one_line(r)
    kept = int(re.search(r"Wrote the weights of step (\d+) to t.json", line).group(1))
    logged = int(re.search(r"h.csv logs steps 1 to (\d+)\.$", line).group(1))
    assert 0 < kept <= logged < 500
    with open(tmp_path / "h.csv") as f:
        rows = list(csv.DictReader(f))
    assert [int(row["step"]) for row in rows] == list(range(1, logged + 1))
    # the file holds the weights of step `kept`: training the original that far gives them
    r = cli("train", "p.json", "--steps", str(kept), "--out", "again.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert load_project(tmp_path / "t.json").network.same_as(load_project(tmp_path / "again.json").network)
    assert load_project(tmp_path / "p.json").network.same_as(original.network)


def test_divergence_at_the_first_steps_writes_nothing(tmp_path):
    cli("new", "--preset", "sine", "--out", "p.json", cwd=tmp_path)
    data = json.loads((tmp_path / "p.json").read_text())
    data["training"].update(optimizer="sgd", learning_rate=1e12)
    (tmp_path / "p.json").write_text(json.dumps(data))
    before = (tmp_path / "p.json").read_bytes()
    r = cli("train", "p.json", "--steps", "500", "--log", "h.csv", cwd=tmp_path)
    assert r.returncode == 2 and one_line(r).endswith("Nothing was written; p.json is unchanged.")
    assert (tmp_path / "p.json").read_bytes() == before and not (tmp_path / "h.csv").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_killed_runs_temporary_log_is_removed_by_the_next_run(tmp_path):
    cli("new", "--preset", "mlp-xor", "--out", "p.json", cwd=tmp_path)
    left = tmp_path / ".h.csv.0123abcd.tmp"  # as a run killed with SIGKILL leaves it
    left.write_text("step,epoch\n1,1\n")
    keep = tmp_path / ".h.csv.notours.tmp"
    keep.write_text("someone else's")
    r = cli("train", "p.json", "--steps", "2", "--log", "h.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert not left.exists() and keep.exists() and len((tmp_path / "h.csv").read_text().splitlines()) == 3
