"""The commands pip installs: ``backprop-studio`` (the window) and
``backprop-studio-cli`` (headless), run the way their installed scripts run
them, from a folder that is not the project's."""

import importlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def scripts():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["scripts"]


def run_script(name, *args, cwd):
    """What pip's generated script does: import the entry point, exit with what it returns."""
    module, function = scripts()[name].split(":")
    code = (f"import sys; sys.argv[0] = {name!r}; from {module} import {function}; "
            f"sys.exit({function}())")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=cwd)


def test_both_commands_are_declared_and_point_at_a_main():
    declared = scripts()
    assert set(declared) == {"backprop-studio", "backprop-studio-cli"}
    for target in declared.values():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(module), function))


def test_the_app_command_starts_from_any_folder_and_names_itself(tmp_path):
    r = run_script("backprop-studio", "--help", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("usage: backprop-studio ")
    r = run_script("backprop-studio", "--screenshot", "shot.png", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "shot.png").stat().st_size > 10_000
    r = run_script("backprop-studio", "--bogus", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == ("backprop-studio: unrecognized arguments: --bogus "
                                "(usage: backprop-studio [--screenshot OUT.png] [--install-desktop-entry] [FILE])")


def test_the_command_line_command_names_itself(tmp_path):
    r = run_script("backprop-studio-cli", "--help", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("usage: backprop-studio-cli ")


def test_a_file_that_cannot_be_opened_is_named_once(tmp_path):
    (tmp_path / "bad.json").write_text('{"format": ')
    for args, line in [(("missing.json",), "backprop-studio: cannot open missing.json: there is no such file"),
                       (("bad.json",), "backprop-studio: cannot open bad.json: not valid JSON")]:
        r = run_script("backprop-studio", "--screenshot", "x.png", *args, cwd=tmp_path)
        assert r.returncode == 2 and r.stderr.strip().startswith(line), r.stderr
        assert r.stderr.count(args[0]) == 1 and len(r.stderr.strip().splitlines()) == 1
    # With no display to open a window on, the file's problem is still one line, not a Qt abort
    quiet = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "missing.json"], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path, env=quiet)
    assert r.returncode == 2
    assert r.stderr.strip() == "backprop-studio: cannot open missing.json: there is no such file"
    r = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path, env=quiet)
    assert r.returncode == 2 and "no display" in r.stderr and len(r.stderr.strip().splitlines()) == 1
