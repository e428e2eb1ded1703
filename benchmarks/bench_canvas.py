"""How fast the network canvas opens, repaints, restyles and follows training (run by hand).

    python benchmarks/bench_canvas.py [--frames N] [--size WxH] [--skip-big]

Offscreen, in milliseconds unless said otherwise. Three parts:

1. Drawing, per network, in a bare NetworkView:

   - build:        NetworkView(document): every item created and placed;
   - first paint:  show() and the event processing that paints the window
                   for the first time (timed, not hidden in an untimed
                   processEvents());
   - repaint:      a full repaint of the fitted view;
   - pan, zoom:    one step of scrolling 15 px / zooming 10 % and the paint that
                   follows (the frame time while dragging or wheeling);
   - pan @100%:    scrolling at 100 % zoom;
   - to QImage:    view.render() into an image (screenshots);
   - restyle:      every weight and bias changes (one values_changed signal);
                   "+paint" includes the repaint that regroups the lines.

2. Training: frames per second of ``show_snapshot`` followed by a repaint,
   with a different snapshot every frame (the worker's ~30 Hz), in weight
   and in gradient colouring: the 64-128-128-10 network (25,856 edges) and
   the spiral lesson's 2-16-16-1 with its per-neuron maps.

3. Big networks in the main window, each in a fresh process so that its peak
   memory is its own: seconds from building the window to the end of its
   first paint, the process's peak resident memory, and the seconds to select
   a neuron and show it in the inspector (x1 of 1400-1400-10 has 1,400
   outgoing edges).
"""

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from simulator.network import Network  # noqa: E402
from ui.document import Document, default_project  # noqa: E402
from ui.network_view import NetworkView  # noqa: E402

NETWORKS = ([2, 4, 1], [2, 8, 8, 1], [64, 128, 128, 10])
BIG = (("784-1024-1024-10", None), ("1400-1400-10", (0, 0)), ("2-1400-1", (0, 0)))
SNAPSHOTS = 30


def render(view, image):
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    view.render(painter)
    painter.end()


def per_frame(app, frames, step):
    """Mean seconds per frame: ``step(k)`` changes the view, then Qt paints
    what became dirty, as it would on screen."""
    app.processEvents()
    t0 = time.perf_counter()
    for k in range(frames):
        step(k)
        app.processEvents()
    return (time.perf_counter() - t0) / frames


def document_for(sizes, activations=None):
    net = Network(sizes, activations, seed=0)
    return net, Document(dataclasses.replace(default_project(), network=net))


def bench(sizes, frames, width, height):
    app = QApplication.instance()
    net, doc = document_for(sizes)
    t0 = time.perf_counter()
    view = NetworkView(doc)
    view.resize(width, height)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    view.show()
    app.processEvents()  # the first paint happens here
    first = time.perf_counter() - t0
    view.fit()
    vp, bar = view.viewport(), view.horizontalScrollBar()
    center = vp.rect().center()
    out = {"edges": net.edge_count, "build": build, "first paint": first}
    out["repaint"] = per_frame(app, frames, lambda k: vp.repaint())
    out["pan"] = per_frame(app, frames, lambda k: bar.setValue(bar.value() + (15 if k % 8 < 4 else -15)))
    out["zoom"] = per_frame(app, frames, lambda k: view._zoom_about(center, 1.1 if k % 2 == 0 else 1 / 1.1))
    view._zoom_about(center, 1.0 / view.zoom())
    out["pan @100%"] = per_frame(app, frames, lambda k: bar.setValue(bar.value() + (15 if k % 8 < 4 else -15)))
    view.fit()
    image = QImage(view.size(), QImage.Format_ARGB32_Premultiplied)
    t0 = time.perf_counter()
    for _ in range(frames):
        render(view, image)
    out["to QImage"] = (time.perf_counter() - t0) / frames

    # A values change as an edit makes it: every weight and bias moves, then
    # one values_changed; the scene restyles synchronously and the next paint
    # regroups the lines.
    rng = np.random.default_rng(1)
    restyle, paint = [], []
    for _ in range(5):
        for block in doc.network.blocks.values():
            block.weights[block.mask] = rng.normal(0, 1, int(block.mask.sum()))
        for layer in doc.network.layers[1:]:
            layer.bias[:] = rng.normal(0, 1, layer.size)
        t0 = time.perf_counter()
        doc.changed(values=True)
        t1 = time.perf_counter()
        vp.repaint()
        restyle.append(t1 - t0)
        paint.append(time.perf_counter() - t0)
    out["restyle"] = float(np.mean(restyle))
    out["restyle+paint"] = float(np.mean(paint))
    view.close()
    view.deleteLater()
    app.processEvents()
    return out


# ----------------------------------------------------------------- training
def _blobs(n, classes, dims, seed=0):
    from simulator.datasets import Dataset
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 1.0, (classes, dims))
    labels = np.arange(n) % classes
    return Dataset(centres[labels] + rng.normal(0.0, 2.0, (n, dims)), np.eye(classes)[labels], "classification")


def snapshots(case):
    """The network and SNAPSHOTS snapshots of it, one per training step."""
    from simulator.datasets import evaluation_grid
    from simulator.presets import make_preset
    from simulator.settings import TrainingSettings
    from simulator.trainer import Trainer
    if case == "64-128-128-10":
        net = Network([64, 128, 128, 10], ["relu", "relu", "softmax"], seed=0)
        settings = TrainingSettings(loss="categorical_cross_entropy", learning_rate=0.1, batch_size=256)
        trainer, grid = Trainer(net.copy(), _blobs(4096, 10, 64), None, settings), None
    else:
        project = make_preset("spiral")
        net = project.network
        train, test = project.datasets()
        trainer = Trainer(net.copy(), train, test, project.settings)
        grid = evaluation_grid(train.input_range(), 50)
    out = []
    for _ in range(SNAPSHOTS):
        trainer.step()
        out.append(trainer.snapshot(grid=grid))
    return net, out


def bench_training(case, frames, width, height):
    """Frames per second of show_snapshot + repaint, a new snapshot every frame, per colour mode."""
    app = QApplication.instance()
    net, snaps = snapshots(case)
    doc = Document(dataclasses.replace(default_project(), network=net))
    view = NetworkView(doc)
    view.resize(width, height)
    view.show()
    app.processEvents()
    vp = view.viewport()
    out = {"edges": net.edge_count}
    for mode in ("weights", "gradients"):
        view.set_colour_mode(mode)
        view.show_snapshot(snaps[-1])
        vp.repaint()

        def frame(k):
            view.show_snapshot(snaps[k % SNAPSHOTS])
            vp.repaint()
        out[mode] = 1.0 / per_frame(app, frames, frame)
    view.close()
    view.deleteLater()
    app.processEvents()
    return out


# -------------------------------------------------------------- big networks
def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def child_open(sizes, select):
    """In this process: open ``sizes`` in the main window; print a JSON line."""
    from ui.main_window import MainWindow
    app = QApplication.instance() or QApplication([])
    net, doc = document_for([int(s) for s in sizes.split("-")])
    before = peak_mib()
    t0 = time.perf_counter()
    window = MainWindow(doc, remember=False)
    t1 = time.perf_counter()
    window.show()
    app.processEvents()  # the first paint of the window, canvas included
    t2 = time.perf_counter()
    out = {"network": sizes, "edges": net.edge_count, "build": t1 - t0, "open": t2 - t0,
           "peak MiB": peak_mib(), "before MiB": before}
    if select is not None:
        key = tuple(select)
        out["outgoing"] = len(net.outgoing(*key))
        t0 = time.perf_counter()
        window.view.scene().select_only(neurons=[key])
        app.processEvents()
        out["select"] = time.perf_counter() - t0
    print(json.dumps(out))


def big_rows():
    rows = []
    for sizes, select in BIG:
        args = [sys.executable, os.path.abspath(__file__), "--child", sizes]
        if select is not None:
            args += ["--select", f"{select[0]},{select[1]}"]
        done = subprocess.run(args, capture_output=True, text=True, timeout=900)
        line = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
        rows.append(json.loads(line[-1]) if line else {"network": sizes, "error": done.stderr.strip()[-300:]})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--size", default="1200x800")
    parser.add_argument("--skip-big", action="store_true", help="leave out the big networks (part 3)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--select", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_open(args.child, None if args.select is None else [int(v) for v in args.select.split(",")])
        return
    width, height = (int(v) for v in args.size.lower().split("x"))
    QApplication.instance() or QApplication([])
    rows = [(sizes, bench(sizes, args.frames, width, height)) for sizes in NETWORKS]
    print(f"canvas {width}x{height}, {args.frames} frames per column, ms (offscreen raster)")
    head = ("network", "edges", "build", "first paint", "repaint", "pan", "zoom", "pan @100%", "to QImage",
            "restyle", "restyle+paint")
    print(" | ".join(f"{h:>13}" for h in head))
    for sizes, r in rows:
        cells = ["-".join(map(str, sizes)), str(r["edges"])]
        cells += [f"{1000 * r[k]:.1f}" for k in head[2:]]
        print(" | ".join(f"{c:>13}" for c in cells))

    if hasattr(NetworkView, "show_snapshot"):
        print(f"\ntraining: frames per second of show_snapshot + repaint, a new snapshot every frame "
              f"({args.frames} frames)")
        print(" | ".join(f"{h:>16}" for h in ("network", "edges", "weights fps", "gradients fps")))
        for case in ("64-128-128-10", "2-16-16-1 spiral, maps"):
            r = bench_training(case, args.frames, width, height)
            cells = [case.split(",")[0], str(r["edges"]), f"{r['weights']:.1f}", f"{r['gradients']:.1f}"]
            print(" | ".join(f"{c:>16}" for c in cells))

    if not args.skip_big:
        print("\nbig networks in the main window (one process each): seconds, MiB")
        print(" | ".join(f"{h:>16}" for h in ("network", "edges", "open+paint s", "peak MiB", "before MiB",
                                               "select s (edges)")))
        for r in big_rows():
            if "error" in r:
                print(f"{r['network']:>16} | failed: {r['error']}")
                continue
            sel = f"{r['select']:.3f} ({r['outgoing']:,})" if "select" in r else "-"
            cells = [r["network"], f"{r['edges']:,}", f"{r['open']:.2f}", f"{r['peak MiB']:.0f}",
                     f"{r['before MiB']:.0f}", sel]
            print(" | ".join(f"{c:>16}" for c in cells))


if __name__ == "__main__":
    main()
