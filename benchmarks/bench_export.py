"""Exports of a big network: how long each File > Export entry takes.

Run by hand from anywhere in the repository (not a test; no test imports it)::

    python benchmarks/bench_export.py     # about 10 seconds

Builds the main window offscreen on a 2-160-160-1 network (26,080 edges, the
size the canvas is measured at in docs/performance.md) and times, a few rounds
each, the canvas as PNG and as SVG, the PyTorch script (its weights go to a
side .npz file) and the weights as .npz. Target: the canvas exports in under
5 s. The median and the slowest round are printed with the file sizes.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from simulator.network import Network  # noqa: E402
from simulator.presets import make_preset  # noqa: E402
from ui.document import Document  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

ROUNDS = 3


class _Quiet:
    """Dialogs that never open (an export error is printed instead)."""

    def show_error(self, title, text, details=""):
        print(f"error: {text} {details}")


def main():
    app = QApplication.instance() or QApplication([])
    project = make_preset("circles")
    project.network = Network([2, 160, 160, 1], ["relu", "tanh", "sigmoid"], seed=1)
    win = MainWindow(Document(project), dialogs=_Quiet(), remember=False)
    win.show()
    app.processEvents()
    print(f"{project.network.edge_count:,} edges")
    with tempfile.TemporaryDirectory() as folder:
        for entry, name in (("export_png", "c.png"), ("export_svg", "c.svg"),
                            ("export_pytorch", "m.py"), ("export_weights", "w.npz")):
            path = os.path.join(folder, name)
            win.exports.ask_path = lambda *args, path=path: path
            times = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                getattr(win.exports, entry)()
                times.append(time.perf_counter() - started)
            print(f"{entry:15s} median {statistics.median(times):6.2f} s, slowest {max(times):6.2f} s, "
                  f"{os.path.getsize(path) / 1e6:6.2f} MB")
    win.close()


if __name__ == "__main__":
    main()
