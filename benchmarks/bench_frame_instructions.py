"""Instructions the UI thread spends on one redraw while training, counted by valgrind.

Run by hand from anywhere in the repository (not a test; needs valgrind)::

    python benchmarks/bench_frame_instructions.py              # both scenarios, about 2 minutes
    python benchmarks/bench_frame_instructions.py playground --parts
    python benchmarks/bench_frame_instructions.py --tree /path/to/other/checkout   # another version

The UI thread and the training worker share Python's interpreter lock, so
every instruction the window spends redrawing (about 30 times a second) is
time the worker does not train; on a shared machine wall-clock figures move
by tens of per cent from one minute to the next, instruction counts do not.

The main window is built offscreen with every dock shown, at 1400 x 900, on
the Loss tab, as benchmarks/bench_app.py builds it. Frames are fed as the
worker feeds them: the trainer takes 800 steps 30 times (a full, thinned loss
history), then for each of 12 counted frames 400 steps and a snapshot with
only the new history rows; what is counted is the UI thread's part only:
receiving the snapshot, every visible view's ``show_snapshot``, the
``snapshot_shown`` listeners (training panel, step-back bar) and the event
processing that lays out and paints. ``--parts`` counts each of those apart.
Instrumentation is switched on and off around them with
``callgrind_control``, so start-up and the training steps are not counted.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve()
SCENARIOS = ("playground", "spiral288")
FRAMES = 12
PARTS = ("receive", "NetworkView", "LossPlot", "TrainingViews", "Inspector", "listeners", "events")


def run(name, part):
    """Build the window, feed frames, and count ``part`` ("frame": all of it) of the last FRAMES."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from bench_app import playground, spiral_288
    from ui.dialogs import UnattendedDialogs
    from ui.document import Document
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    project = playground() if name == "playground" else spiral_288()
    win = MainWindow(Document(project), dialogs=UnattendedDialogs(), remember=False)
    win.build_plot_views()
    win.resize(1400, 900)
    win.show()
    for dock in win.docks:
        dock.show()
    app.processEvents()
    controller = win.training
    trainer = controller._ensure_trainer()
    trainer.evaluate_each_step = False  # as the worker runs it
    pid = str(os.getpid())
    since = None

    def counting(on, which):
        if on and part in ("frame", which):
            subprocess.run(["callgrind_control", "-i", "on" if on == "start" else "off", pid],
                           capture_output=True, check=False)

    def frame(steps, counted):
        nonlocal since
        with np.errstate(all="ignore"):
            trainer.run(steps)
            snap = trainer.snapshot(controller.grid, since=since, metrics=trainer.evaluate_now())
        since = trainer.steps
        on = "start" if counted else None
        off = "stop" if counted else None
        counting(on, "receive")
        controller._on_snapshot(snap)
        controller._timer.stop()
        counting(off, "receive")
        controller.latest = None
        for view in controller.views:
            if hasattr(view, "isVisible") and not view.isVisible():
                continue
            counting(on, type(view).__name__)
            view.show_snapshot(snap)
            counting(off, type(view).__name__)
        counting(on, "listeners")
        controller.snapshot_shown.emit(snap)
        counting(off, "listeners")
        counting(on, "events")
        app.processEvents()
        counting(off, "events")

    for _ in range(30):
        frame(800, False)
    for _ in range(FRAMES):
        frame(400, True)


def count(tree, name, part):
    """Instructions counted in ``--run name --part part`` from ``tree``, under callgrind."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
           sys.executable, str(HERE), "--run", name, "--part", part, "--tree", str(tree)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS), help=f"any of {', '.join(SCENARIOS)}")
    parser.add_argument("--parts", action="store_true", help="count each part of a frame apart too")
    parser.add_argument("--tree", default=str(HERE.parents[1]), help="the checkout to measure")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--part", default="frame", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    tree = Path(args.tree).resolve()
    sys.path[:0] = [str(tree), str(tree / "benchmarks"), str(HERE.parent)]
    if args.run:
        run(args.run, args.part)
        return 0
    print(f"{tree}: UI thread instructions per redraw while training (callgrind, {FRAMES} frames)")
    for name in args.scenarios:
        if name not in SCENARIOS:
            parser.error(f"unknown scenario {name!r}")
        print(f"  {name:12s} whole frame {count(tree, name, 'frame') / FRAMES:14,.0f}")
        if args.parts:
            for part in PARTS:
                print(f"  {'':12s} {part:11s} {count(tree, name, part) / FRAMES:14,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
