"""How long the training views take to show a snapshot (run by hand).

    python benchmarks/bench_views.py [--frames N] [--grid N] [--sizes 2,8,8,1]

A 2-8-8-1 tanh network trains on the spiral lesson's data; a snapshot with a
50 x 50 evaluation grid is taken after every step. Offscreen, it then feeds
the snapshots in turn (step numbers rising, so the gradient map keeps
accumulating and thinning) and prints, in milliseconds per frame (median and
95th percentile):

- each view's ``show_snapshot`` alone (output, activations with one neuron's
  map, gradient flow), each in a visible window of its own;
- all three together, without and with their paint;
- ``TrainingViews`` as the window holds them (tabs, one in front; a hidden
  tab only keeps the snapshot) plus the paint, each tab in front in turn;
- side by side, what the same frame costs elsewhere: taking the snapshot
  (``Trainer.snapshot(grid=...)``, done on the training thread) and one
  training step; and the views' share of a 33 ms frame at 30 Hz.
"""

import argparse
import dataclasses
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from simulator.datasets import evaluation_grid  # noqa: E402
from simulator.network import Network  # noqa: E402
from simulator.presets import make_preset  # noqa: E402
from simulator.trainer import Trainer  # noqa: E402
from ui.plots.activation_view import ActivationView  # noqa: E402
from ui.plots.gradient_heatmap import GradientHeatmap  # noqa: E402
from ui.plots.output_map import OutputMap  # noqa: E402
from ui.plots.views_panel import TrainingViews  # noqa: E402

FRAME = 1000.0 / 30


def timed(fn, frames):
    """Milliseconds of each of ``frames`` calls ``fn(k)``."""
    out = np.empty(frames)
    for k in range(frames):
        t0 = time.perf_counter()
        fn(k)
        out[k] = (time.perf_counter() - t0) * 1000.0
    return out


def row(name, ms):
    return f"| {name} | {np.median(ms):.2f} | {np.percentile(ms, 95):.2f} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--grid", type=int, default=50)
    parser.add_argument("--sizes", default="2,8,8,1")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    app = QApplication.instance() or QApplication(sys.argv)

    project = make_preset("spiral")
    train, test = project.datasets()
    network = Network(sizes, ["tanh"] * (len(sizes) - 2) + ["sigmoid"], seed=0)
    trainer = Trainer(network, train, test, project.settings)
    grid = evaluation_grid(train.input_range(), args.grid)
    snapshots = []
    step_ms = timed(lambda k: trainer.step(), 200)
    snap_ms = np.empty(100)
    for k in range(100):
        trainer.step()
        t0 = time.perf_counter()
        snapshots.append(trainer.snapshot(grid=grid))
        snap_ms[k] = (time.perf_counter() - t0) * 1000.0

    def nth(k):  # a different snapshot every frame, its step always rising
        return dataclasses.replace(snapshots[k % len(snapshots)], step=1000 + k)

    frames = args.frames
    counter = iter(range(10 ** 9))
    lines = [f"Views on a {'-'.join(map(str, sizes))} network, {args.grid} x {args.grid} grid, "
             f"{frames} frames, offscreen", "", "| work per frame | median ms | p95 ms |", "|---|---|---|"]

    # every view in a window of its own, all visible, so each does all its work every frame
    views = {"output view": OutputMap(), "activations (histograms + neuron map)": ActivationView(),
             "gradient flow": GradientHeatmap()}
    for view in views.values():
        view.resize(600, 460)
        view.set_datasets(train, test)
        view.show()
    views["activations (histograms + neuron map)"].set_neuron((2, 3))
    app.processEvents()
    for name, view in views.items():
        lines.append(row(f"{name}: show_snapshot", timed(lambda k: view.show_snapshot(nth(next(counter))), frames)))

    def all_three(k, paint):
        snap = nth(next(counter))
        for view in views.values():
            view.show_snapshot(snap)
        if paint:
            app.processEvents()  # the scenes' queued updates: each view paints, as on screen
    together = timed(lambda k: all_three(k, False), frames)
    lines.append(row("**all three views visible: show_snapshot**", together))
    painted = timed(lambda k: all_three(k, True), frames)
    lines.append(row("**all three views visible: show_snapshot + paint**", painted))
    for view in views.values():
        view.close()
        view.deleteLater()

    # as the window holds them: tabs, one visible; a hidden tab keeps the snapshot and draws when shown
    panel = TrainingViews()
    panel.resize(800, 560)
    panel.set_datasets(train, test)
    panel.set_neuron((2, 3))
    panel.show()
    app.processEvents()
    for tab in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(tab)
        app.processEvents()

        def frame(k):
            panel.show_snapshot(nth(next(counter)))
            app.processEvents()
        lines.append(row(f"TrainingViews + paint, '{panel.tabs.tabText(tab)}' tab in front", timed(frame, frames)))
    lines.append(row("for comparison: Trainer.snapshot(grid) (training thread)", snap_ms))
    lines.append(row("for comparison: one Trainer.step()", step_ms))
    lines.append("")
    lines.append(f"All three views visible, show_snapshot: {np.median(together):.2f} ms median "
                 f"({np.median(together) / np.median(snap_ms):.1f}x taking the snapshot); with paint "
                 f"{np.median(painted):.2f} ms, {np.median(painted) / FRAME:.0%} of a 33 ms frame at 30 Hz.")
    print("\n".join(lines))
    panel.close()
    panel.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
