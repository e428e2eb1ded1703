"""Ctrl-C on the command line, sent as a real SIGINT to a real process at
several moments: start-up, loading, training and saving. Every time: one
line that tells the truth about what was written, exit status 130, no
traceback, and no temporary file left behind.

A Ctrl-C during the interpreter's own start-up (the first tens of
milliseconds, before any project code runs) is Python's; the tests start
counting once the command line has begun loading NumPy."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.network import Network
from simulator.presets import make_preset
from simulator.project_file import load_project, save_project

ROOT = Path(__file__).resolve().parents[2]
ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child needs POSIX")


def start(folder, *args):
    return subprocess.Popen([sys.executable, "-m", "simulator", *args], cwd=folder, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def interrupt(proc):
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:  # it ignored the Ctrl-C: fail, and leave no process behind
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode, out, err


def check_truth(folder, code, out, err, project, outputs, before):
    """The line is one of the two truths, and the files agree with it."""
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    temps = [p.name for p in folder.glob(".*.tmp")]
    assert not temps, f"temporary files left behind: {temps}"
    if code == 0:  # the signal came after the run was over
        assert lines == [] and "wrote" in out
        return "finished"
    assert code == 130 and len(lines) == 1, (code, err)
    line = lines[0]
    if line.startswith("interrupted: nothing was written"):
        assert (folder / project).read_bytes() == before
        for name in outputs:
            assert not (folder / name).exists() or name == project
        return "nothing"
    assert line == f"interrupted after writing {' and '.join(outputs)} in full", line
    for name in outputs:
        assert (folder / name).stat().st_size > 0
    load_project(folder / outputs[0])  # complete and valid
    return "written"


def wait_for(found, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found():
            return True
        time.sleep(0.002)
    return False


def numpy_loading(proc):
    """True once the process has begun loading NumPy: Python's own start-up is
    over and the command line's code is running."""
    try:
        return "numpy" in Path(f"/proc/{proc.pid}/maps").read_text()
    except OSError:
        return proc.poll() is not None


def slow_loading_project(folder):
    """Save p.json, a project big enough to take a moment to load; its bytes."""
    project = make_preset("circles")
    project.network = Network([2, 300, 300, 1], ["tanh", "tanh", "sigmoid"])
    save_project(project, folder / "p.json")
    return (folder / "p.json").read_bytes()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see start-up")
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3])
def test_ctrl_c_during_start_up_and_loading(tmp_path, delay):
    before = slow_loading_project(tmp_path)
    proc = start(tmp_path, "train", "p.json", "--steps", "100000000", "--log", "h.csv")
    assert wait_for(lambda: numpy_loading(proc))
    time.sleep(delay)
    code, out, err = interrupt(proc)
    assert check_truth(tmp_path, code, out, err, "p.json", ["p.json", "h.csv"], before) == "nothing"


def test_ctrl_c_as_the_log_file_is_opened_leaves_no_temporary_file(tmp_path):
    """The log's temporary file is made just before training starts: a Ctrl-C
    the moment it appears still leaves nothing behind."""
    before = slow_loading_project(tmp_path)
    for _ in range(5):
        proc = start(tmp_path, "train", "p.json", "--steps", "100000000", "--log", "h.csv")
        while not any(tmp_path.glob(".h.csv.*.tmp")) and proc.poll() is None:
            pass  # no sleep: the moment of creation is the point
        code, out, err = interrupt(proc)
        assert check_truth(tmp_path, code, out, err, "p.json", ["p.json", "h.csv"], before) == "nothing"


def test_ctrl_c_during_training_keeps_the_project_and_writes_no_log(tmp_path):
    save_project(make_preset("spiral"), tmp_path / "p.json")
    before = (tmp_path / "p.json").read_bytes()
    proc = start(tmp_path, "train", "p.json", "--steps", "100000000", "--log", "h.csv")
    assert wait_for(lambda: any(p.stat().st_size > 50_000 for p in tmp_path.glob(".h.csv.*.tmp")))
    code, out, err = interrupt(proc)
    assert err.strip() == "interrupted: nothing was written; p.json is unchanged"
    assert check_truth(tmp_path, code, out, err, "p.json", ["p.json", "h.csv"], before) == "nothing"


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see start-up")
def test_ctrl_c_while_saving_finishes_the_files_and_says_so(tmp_path):
    """A large network takes a moment to save: Ctrl-C as soon as the trained
    project's temporary file appears, and at several moments around it."""
    project = make_preset("circles")
    project.network = Network([2, 600, 600, 1], ["tanh", "tanh", "sigmoid"])
    save_project(project, tmp_path / "p.json")
    before = (tmp_path / "p.json").read_bytes()
    seen = set()
    for attempt in range(4):
        for name in ("t.json", "h.csv"):
            if (tmp_path / name).exists():
                os.unlink(tmp_path / name)
        proc = start(tmp_path, "train", "p.json", "--steps", "2", "--out", "t.json", "--log", "h.csv")
        wait_for(lambda: numpy_loading(proc))
        if attempt == 0:  # the moment the save has begun writing
            wait_for(lambda: list(tmp_path.glob(".t.json.*")) or proc.poll() is not None)
        else:  # spread around the save, whatever this machine's speed
            wait_for(lambda: proc.poll() is not None, seconds=0.4 * attempt)
        code, out, err = interrupt(proc)
        seen.add(check_truth(tmp_path, code, out, err, "p.json", ["t.json", "h.csv"], before))
    assert "written" in seen  # the save was reached and completed despite the Ctrl-C


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see start-up")
def test_ctrl_c_while_writing_a_new_project(tmp_path):
    for delay in (0.0, 0.1, 0.2):
        proc = start(tmp_path, "new", "--preset", "spiral", "--out", "n.json")
        wait_for(lambda: numpy_loading(proc))
        time.sleep(delay)
        code, out, err = interrupt(proc)
        assert "Traceback" not in err and not list(tmp_path.glob(".*.tmp"))
        if code == 130:
            assert err.strip() in ("interrupted: nothing was written", "interrupted after writing n.json in full")
            assert (tmp_path / "n.json").exists() == err.strip().endswith("in full")
        else:
            assert code == 0 and out.startswith("wrote n.json")
        if (tmp_path / "n.json").exists():
            load_project(tmp_path / "n.json")
            os.unlink(tmp_path / "n.json")


def test_a_log_that_cannot_be_set_up_takes_its_temporary_file_with_it(tmp_path, monkeypatch):
    """A failure (or a Ctrl-C) while the log's temporary file is being set up
    leaves no temporary file and gives a reason, not a traceback."""
    from simulator.cli import outputs
    from simulator.errors import SimulatorError

    (tmp_path / "h.csv").write_text("old\n")
    for failure in (PermissionError(13, "Permission denied"), KeyboardInterrupt()):
        def refuse(*args, failure=failure):
            raise failure
        monkeypatch.setattr(outputs.os, "chmod", refuse)
        with pytest.raises(SimulatorError if isinstance(failure, OSError) else KeyboardInterrupt) as caught:
            outputs.StreamedCSV("h.csv", str(tmp_path / "h.csv"), ["step"])
        if isinstance(failure, OSError):
            assert str(caught.value) == "cannot write h.csv: permission denied"
        assert [p.name for p in tmp_path.iterdir()] == ["h.csv"]
        assert (tmp_path / "h.csv").read_text() == "old\n"
