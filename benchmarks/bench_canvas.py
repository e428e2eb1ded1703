"""How fast the network canvas builds, repaints and restyles (run by hand).

    python benchmarks/bench_canvas.py [--frames N] [--size WxH]

For each network it measures, offscreen, in milliseconds:

- build:        NetworkView(document): every item created and placed;
- first paint:  the first full paint, which also batches the lines;
- repaint:      a full repaint of the fitted view;
- pan, zoom:    one step of scrolling 15 px / zooming 10 % and the paint that
                follows (the frame time while dragging or wheeling);
- pan @100%:    scrolling at 100 % zoom;
- to QImage:    view.render() into an image (screenshots);
- restyle:      every weight and bias changes (one values_changed signal);
                "+paint" includes the repaint that regroups the lines.
"""

import argparse
import dataclasses
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from simulator.network import Network  # noqa: E402
from ui.document import Document, default_project  # noqa: E402
from ui.network_view import NetworkView  # noqa: E402

NETWORKS = ([2, 4, 1], [2, 8, 8, 1], [64, 128, 128, 10])


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


def bench(sizes, frames, width, height):
    app = QApplication.instance()
    net = Network(sizes, seed=0)
    doc = Document(dataclasses.replace(default_project(), network=net))
    t0 = time.perf_counter()
    view = NetworkView(doc)
    view.resize(width, height)
    build = time.perf_counter() - t0
    view.show()
    app.processEvents()
    view.fit()
    first = time.perf_counter()
    view.viewport().repaint()  # the first paint also builds the line batches
    first = time.perf_counter() - first
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

    # A values change as training makes it: every weight and bias moves,
    # then one values_changed; the scene restyles synchronously and the
    # next paint regroups the lines.
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--size", default="1200x800")
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
