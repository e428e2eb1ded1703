"""Start-up: how long from starting the interpreter until the window is painted.

Run by hand from anywhere in the repository (not a test; no test imports it)::

    python benchmarks/bench_startup.py            # 7 runs, about 15 seconds
    python benchmarks/bench_startup.py --runs 15
    python benchmarks/bench_startup.py --tree /tmp/old-checkout   # side by side with another tree

Each run starts a fresh ``python`` process that runs the app exactly as
``python main.py`` does (``ui.app.main``, the XOR lesson), with a probe that
notes the wall-clock time of the main window's first paint event and then
ends the process. The time counts from just before the parent starts the child
process, so it includes the interpreter's own start-up. The child also reports
the CPU time it had used by then (which a busy machine inflates far less than
the wall time) and whether pyqtgraph was imported before the first paint.

With ``--tree DIR`` (repeatable) the same is measured for other checkouts of
the project, runs interleaved, so a before/after comparison shares the
machine's load.

Bytecode caching is on in the child (``PYTHONDONTWRITEBYTECODE`` is removed),
as on a person's machine; the first, uncounted run writes the caches.
``--no-cache`` measures the worst case instead: every module compiled from
source in every run (the cache goes to an empty folder and is not written).
Settings and recovery files go to a temporary folder, so runs neither read
nor change the person's own. The platform is ``offscreen`` unless
``QT_QPA_PLATFORM`` says otherwise (a real display paints a little later).
See docs/performance.md ("Start-up") for results.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in the child: the app's own main(), plus an event filter that notes the
# first paint of the main window, then the first paint of the loss plot (the
# Plots dock's first tab), and ends the process at once.
PROBE = r"""
import json, os, sys, time
sys.path.insert(0, os.environ["BENCH_ROOT"])
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    result = {}

    def eventFilter(self, obj, event):
        if event.type() != QEvent.Paint:
            return False
        if not self.result and isinstance(obj, QMainWindow):
            self.result.update(painted=time.time(), cpu=time.process_time(),
                               pyqtgraph="pyqtgraph" in sys.modules)
        parent = obj.parent()
        if self.result and parent is not None and any(c.__name__ == "GraphicsView"
                                                      for c in type(parent).__mro__):
            # the first plot painted: the Loss tab's, or the tab the default lesson opens on
            self.result["plots"] = time.time()
            sys.stdout.write(json.dumps(self.result) + "\n")
            sys.stdout.flush()
            os._exit(0)
        return False

app = QApplication([sys.argv[0]])
probe = FirstPaint()
app.installEventFilter(probe)
from ui.app import main
sys.exit(main([]))
"""


def one_run(python, root=ROOT, cache=True):
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, BENCH_ROOT=str(root), XDG_CONFIG_HOME=home, XDG_DATA_HOME=home,
                   XDG_CACHE_HOME=home, TMPDIR=home)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        # A person's Python keeps compiled bytecode (pip even compiles at install);
        # without it every run would compile the project again.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not cache:  # the worst case: every module compiled from source
            env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=os.path.join(home, "pycache"))
        started = time.time()
        out = subprocess.run([python, "-c", PROBE], env=env, capture_output=True, text=True,
                             timeout=60, cwd=home)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"the app did not paint its window:\n{out.stderr[-2000:]}")
    result = json.loads(lines[-1])
    return result["painted"] - started, result["cpu"], result["pyqtgraph"], result["plots"] - started


def interpreter_only(python):
    started = time.time()
    subprocess.run([python, "-c", "pass"], check=True)
    return time.time() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--tree", action="append", default=[], help="another checkout to measure alongside")
    parser.add_argument("--no-cache", action="store_true",
                        help="compile every module from source in every run (no bytecode cache)")
    args = parser.parse_args()
    trees = [ROOT] + [Path(t).resolve() for t in args.tree]
    for tree in trees:
        one_run(args.python, tree, not args.no_cache)  # warm the file cache; not counted
    results = {tree: [] for tree in trees}
    for _ in range(args.runs):
        for tree in trees:
            results[tree].append(one_run(args.python, tree, not args.no_cache))
    bare = statistics.median(interpreter_only(args.python) for _ in range(5))
    print(f"process start to first paint of the main window, median of {args.runs} runs "
          f"(an empty `python -c pass` takes {bare:.3f} s here):")
    for tree, runs in results.items():
        wall = [r[0] for r in runs]
        cpu = [r[1] for r in runs]
        loaded = "yes" if any(r[2] for r in runs) else "no"
        plots = statistics.median(r[3] for r in runs)
        print(f"  {tree}: wall {statistics.median(wall):.3f} s (min {min(wall):.3f}, max {max(wall):.3f}), "
              f"CPU {statistics.median(cpu):.3f} s, pyqtgraph before the paint: {loaded}; "
              f"the first plot painted at {plots:.3f} s")


if __name__ == "__main__":
    main()
