"""What one frame of the Loss plot costs the UI thread while training runs (run by hand).

    python benchmarks/bench_loss_plot.py [--frames N] [--regression] [--size 700x300] [--tree DIR]

Offscreen, a LossPlot whose plots take about ``--size`` pixels is shown and fed a
History as a run feeds it (the spiral lesson's datasets: loss and accuracy, with
a test set; ``--regression``: the loss plot alone). Each frame appends a batch
of rows, a test value on the batch's last row (as the test set is evaluated
once per frame), then times, in CPU time of this thread (``time.thread_time``:
the time the UI thread holds the interpreter lock, taken from training):

- ``snapshot``: ``LossPlot.show_snapshot(None)``;
- ``scene+paint``: ``QApplication.processEvents()``: pyqtgraph's scene works
  out what changed, and the plots' viewport is painted (a repaint is forced if
  it was not: every frame is painted once);
- ``frame``: both.

Two runs are timed:

- short: a history of 1,000 rows growing by 5 rows a frame (a slow run);
- full: a history grown in batches of 800 rows to its 20,000 rows, then 800
  more a frame, so it thins every few frames (simulator/history.py).

It prints the median, mean and 95th percentile in milliseconds per frame, and
how many points each curve hands to pyqtgraph in the last frame. ``--tree DIR``
times another checkout's LossPlot (e.g. ``git archive <commit> | tar -x -C DIR``
for the code before a change); run both a few times in turn on a busy machine.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TREE = sys.argv[sys.argv.index("--tree") + 1] if "--tree" in sys.argv[:-1] else None
sys.path.insert(0, os.path.abspath(TREE) if TREE else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from simulator.history import History  # noqa: E402
from simulator.presets import make_preset  # noqa: E402
from ui.plots.loss_plot import LossPlot  # noqa: E402


class Run:
    """A run's rows: a noisy, decaying loss and a rising accuracy, a test value per batch."""

    def __init__(self, seed=0):
        self.rng = np.random.default_rng(seed)
        self.step = 0

    def feed(self, history, rows):
        steps = np.arange(self.step + 1, self.step + rows + 1, dtype=float)
        self.step += rows
        loss = 0.05 + np.exp(-steps / 20_000) * (1 + 0.3 * self.rng.standard_normal(rows) ** 2)
        acc = np.clip(1 - loss / 2 + 0.05 * self.rng.standard_normal(rows), 0, 1)
        for k in range(rows):
            last = k == rows - 1
            history.append(steps[k] // 500, loss[k], acc[k], 1.1 * loss[k] if last else np.nan,
                           acc[k] - 0.02 if last else np.nan, step=steps[k])


class Paints(QObject):
    """Counts the paint events of the widget it filters."""

    count = 0

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint:
            self.count += 1
        return False


def timed_frames(app, plot, history, run, frames, batch):
    paints = Paints()
    viewport = plot.graphics.viewport()
    viewport.installEventFilter(paints)
    out = np.empty((frames, 2))
    for k in range(frames):
        run.feed(history, batch)
        before = paints.count
        t0 = time.thread_time()
        plot.show_snapshot(None)
        t1 = time.thread_time()
        app.processEvents()
        if paints.count == before:
            viewport.repaint()
        t2 = time.thread_time()
        out[k] = (t1 - t0) * 1000.0, (t2 - t1) * 1000.0
    viewport.removeEventFilter(paints)
    return out


def _count(curve):
    x = curve.drawn()[0] if hasattr(curve, "drawn") else curve.getData()[0]
    return 0 if x is None else len(x)


def report(name, ms, plot):
    print(f"\n{name}")
    print("| part | median | mean | p95 |")
    print("|---|---|---|---|")
    for label, col in (("snapshot", ms[:, 0]), ("scene+paint", ms[:, 1]), ("frame", ms.sum(axis=1))):
        print(f"| {label} | {np.median(col):.2f} | {col.mean():.2f} | {np.percentile(col, 95):.2f} |")
    points = {name: _count(curve) for name, curve in
              (("train loss", plot.train_loss), ("test loss", plot.test_loss),
               ("train acc", plot.train_acc), ("test acc", plot.test_acc))}
    print("points handed to pyqtgraph:", ", ".join(f"{k} {v:,}" for k, v in points.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--regression", action="store_true")
    parser.add_argument("--size", default="700x300", help="the plots' size in pixels")
    parser.add_argument("--tree", help="time the LossPlot of this checkout instead")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    app = QApplication.instance() or QApplication([])
    train, test = make_preset("sine" if args.regression else "spiral").datasets()
    plot = LossPlot()
    plot.set_datasets(train, test)
    plot.show()
    # the legend line above the plots takes some height: size the window so the plots get ``--size``
    plot.resize(width + 4, height + 4)
    app.processEvents()
    plot.resize(plot.width() + width - plot.graphics.width(), plot.height() + height - plot.graphics.height())
    app.processEvents()
    print(f"{os.path.abspath(TREE or os.path.join(os.path.dirname(__file__), os.pardir))}: "
          f"plots {plot.graphics.width()}x{plot.graphics.height()} px, "
          f"{'regression (loss only)' if args.regression else 'classification (loss and accuracy)'}")

    history = History()
    plot.set_history(history)
    run = Run()
    run.feed(history, 1000)
    plot.show_snapshot(None)
    app.processEvents()
    short = timed_frames(app, plot, history, run, args.frames, 5)
    report(f"short: {1000:,} to {len(history):,} rows, 5 rows a frame", short, plot)

    history.truncate(0)
    plot.show_snapshot(None)
    app.processEvents()
    run = Run(1)
    while len(history) < history.max_rows - 800:
        run.feed(history, 800)
        plot.show_snapshot(None)
        app.processEvents()
    revision = history.revision
    full = timed_frames(app, plot, history, run, args.frames, 800)
    report(f"full: {history.max_rows:,} rows at most, 800 rows a frame, thinned {history.revision - revision} times "
           f"in {args.frames} frames (now {len(history):,} rows to step {run.step:,})", full, plot)


if __name__ == "__main__":
    main()
