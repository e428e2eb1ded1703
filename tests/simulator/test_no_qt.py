"""The simulator package never loads Qt or pyqtgraph, so it runs headless.

Each check runs in a fresh interpreter: in this one, UI tests may already
have imported Qt.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph")

SCRIPT = """
import importlib, json, pkgutil, sys
{prelude}
import simulator
names = ["simulator"] + [m.name for m in pkgutil.walk_packages(simulator.__path__, "simulator.")]
for name in names:
    importlib.import_module(name)
forbidden = {forbidden!r}
loaded = sorted(m for m in sys.modules if m.startswith(forbidden))
print(json.dumps({{"imported": names, "qt": loaded}}))
"""


def run(prelude=""):
    code = SCRIPT.format(prelude=prelude, forbidden=FORBIDDEN)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"importing the simulator failed:\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_simulator_imports_no_qt():
    report = run()
    assert "simulator.network" in report["imported"]
    assert "simulator.backprop" in report["imported"]
    assert report["qt"] == [], f"the simulator package loaded {report['qt']}"


def test_the_check_sees_a_qt_import():
    # the same script, with a stand-in for a module that imports Qt
    report = run("import types; sys.modules['shiboken6'] = types.ModuleType('shiboken6')")
    assert report["qt"] == ["shiboken6"]
