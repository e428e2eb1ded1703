"""Training in the window: how smooth the UI stays and how fast it trains.

Run by hand from anywhere in the repository (not a test; no test imports it)::

    python benchmarks/bench_app.py            # about 40 seconds
    python benchmarks/bench_app.py --quick    # about 15 seconds

The main window is built offscreen with every dock shown, and training runs as
fast as possible in the worker thread while the views redraw on their timer.
It prints, per scenario:

- the UI thread's frame interval: a 16 ms timer on the UI thread records when
  it actually fires; the 95th percentile and the longest gap say how long the
  window could not react (targets: 95th percentile <= 33 ms, longest <= 100 ms);
- the redraw rate: snapshots drawn per second (the views' update rate);
- training throughput in the app against the headless ``Trainer.step`` loop on
  the same network, settings and data, timed in interleaved rounds (target >= 0.5x);
- whether the runs trained in the helper process (``simulator/training_process.py``;
  the app starts it after its first paint, and so does this script before its
  first round) or in the worker thread;
- for TensorFlow Playground's default setting (circle data, 250 training
  points, hidden layers of 4 and 2 tanh units, tanh output, squared error,
  batch 10, learning rate 0.03): epochs per second in the app (target >= 1,000
  while the views update at 30 Hz).

See docs/performance.md for results.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from simulator.network import Network  # noqa: E402
from simulator.presets import make_preset  # noqa: E402
from simulator.project_file import Project  # noqa: E402
from simulator.settings import TrainingSettings  # noqa: E402
from simulator.trainer import Trainer  # noqa: E402


def spiral_288():
    """The spiral lesson's data and settings on a 2-8-8-1 tanh network."""
    project = make_preset("spiral")
    project.network = Network([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    return project


def playground():
    """TensorFlow Playground's default: circle, 50 % of 500 points for training, 4-2 tanh, tanh out, MSE."""
    network = Network([2, 4, 2, 1], ["tanh", "tanh", "tanh"], seed=0)
    data = {"recipe": {"generator": "circles", "n": 500, "noise": 0.0, "seed": 0},
            "test_fraction": 0.5, "split_seed": 0}
    settings = TrainingSettings(loss="l2", optimizer="sgd", learning_rate=0.03, batch_size=10)
    return Project(network=network, data=data, settings=settings, title="Playground default")


def headless_rate(project, seconds, evaluate_each_step=True):
    """Trainer.step per second on a copy of the project's network (the app's settings).

    ``evaluate_each_step`` True evaluates the test set and the batch's accuracy
    after every step, as the command line does; False evaluates them as the
    app's worker does, at frame rate (here: not at all, a few per cent of a
    step at 30 Hz).
    """
    train, test = project.datasets()
    trainer = Trainer(project.network.copy(), train, test, project.settings)
    trainer.evaluate_each_step = evaluate_each_step
    n, start = 0, time.perf_counter()
    with np.errstate(all="ignore"):
        while time.perf_counter() - start < seconds:
            for _ in range(50):
                trainer.step()
            n += 50
    return n / (time.perf_counter() - start)


def app_round(app, win, seconds):
    """Train in the window for ``seconds``; returns (steps/s, UI gaps in ms, draws/s,
    UI thread CPU seconds per draw)."""
    gaps, draws = [], []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(16)
    ticker.timeout.connect(tick)
    win.training.snapshot_shown.connect(lambda snap: draws.append(time.perf_counter()))
    steps0 = win.training.trainer.steps if win.training.trainer is not None else 0
    win.training.play()
    worker = win.training._worker
    start = time.perf_counter()
    cpu = time.thread_time()  # the UI thread's CPU: steadier than wall time on a busy machine
    last[0] = start
    ticker.start()
    loop = QEventLoop()  # the app's own way of waiting: in Qt, without holding Python's lock
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    ticker.stop()
    cpu = time.thread_time() - cpu
    helper = worker.stretches > 0
    win.training.pause()
    elapsed = time.perf_counter() - start
    steps = win.training.trainer.steps - steps0
    win.training.snapshot_shown.disconnect()
    win.training.snapshot_shown.connect(win.training_panel._on_snapshot)
    return steps / elapsed, gaps[1:], len(draws) / elapsed, cpu / max(len(draws), 1), helper


def scenario(app, name, project, rounds, seconds, epochs_per_step=None):
    from ui.dialogs import UnattendedDialogs
    from ui.document import Document
    from ui.main_window import MainWindow

    win = MainWindow(Document(project), dialogs=UnattendedDialogs(), remember=False)
    win.build_plot_views()  # the app builds them just after its first paint (ui/app.py)
    win.resize(1400, 900)
    win.show()
    for dock in win.docks:
        dock.show()
    app.processEvents()
    app_rates, head_rates, gaps, draw_rates, worker_rates, cpu_per_draw, helper = [], [], [], [], [], [], []
    for _ in range(rounds):
        rate, g, d, c, h = app_round(app, win, seconds)
        helper.append(h)
        app_rates.append(rate)
        cpu_per_draw.append(c)
        gaps += g
        draw_rates.append(d)
        head_rates.append(headless_rate(project, seconds))
        worker_rates.append(headless_rate(project, seconds / 2, evaluate_each_step=False))
        win.training.reset()  # the next round starts from fresh weights again, like the headless one
    win.close()
    gaps = np.array(gaps)
    best_app, best_head = max(app_rates), max(head_rates)
    print(f"\n{name}")
    print(f"  UI frame interval: median {np.median(gaps):.1f} ms, 95th percentile {np.percentile(gaps, 95):.1f} ms, "
          f"longest {gaps.max():.1f} ms ({len(gaps)} ticks of a 16 ms timer)")
    print(f"  views redrawn {statistics.median(draw_rates):.1f} times a second (median of rounds); "
          f"UI thread CPU {statistics.median(cpu_per_draw) * 1000:.1f} ms per redraw")
    print(f"  trained in the helper process in {sum(helper)} of {len(helper)} rounds (else in the worker thread)")
    print(f"  training in the app {best_app:,.0f} steps/s (median {statistics.median(app_rates):,.0f}); "
          f"headless Trainer.step {best_head:,.0f} (median {statistics.median(head_rates):,.0f}); "
          f"ratio {best_app / best_head:.2f}x best, "
          f"{statistics.median(app_rates) / statistics.median(head_rates):.2f}x median")
    print(f"  headless with the test set evaluated at frame rate, as the app's worker does: "
          f"{max(worker_rates):,.0f} steps/s (median {statistics.median(worker_rates):,.0f})")
    if epochs_per_step:
        print(f"  epochs per second in the app: {best_app * epochs_per_step:,.0f} best, "
              f"{statistics.median(app_rates) * epochs_per_step:,.0f} median; headless "
              f"{best_head * epochs_per_step:,.0f} best ({max(worker_rates) * epochs_per_step:,.0f} "
              "with the test set at frame rate)")
    return gaps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds of 2 s per scenario")
    args = parser.parse_args(argv)
    rounds, seconds = (2, 2.0) if args.quick else (4, 4.0)
    app = QApplication.instance() or QApplication([])
    from simulator import training_process
    helper = training_process.warm()  # as the app does after its first paint
    deadline = time.monotonic() + 60
    while not helper.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    print(f"python {sys.version.split()[0]}, nproc {os.cpu_count()}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {rounds} rounds of {seconds} s, "
          "app and headless interleaved")
    scenario(app, "2-8-8-1 tanh on the spiral lesson (320 training points, Adam, batch 32)", spiral_288(),
             rounds, seconds)
    project = playground()
    train, _ = project.datasets()
    scenario(app, f"TensorFlow Playground default (circle, {train.n_samples} training points, 4-2 tanh, "
             "tanh out, squared error, batch 10, lr 0.03)", project, rounds, seconds,
             epochs_per_step=1 / -(-train.n_samples // 10))
    print(f"\nload average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
