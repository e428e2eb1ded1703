"""Draw every lesson in the main window, trained, into docs/lessons/NAME.png.

    python3 scripts/lesson_screenshots.py [NAME ...] [--size 1400x900] [--out docs/lessons]

For each lesson in resources/lessons/order.txt (or the NAMEs given) this
opens it in the main window offscreen, as Lessons > NAME does, trains it
through the window's own training controller (the worker thread Play uses)
for the number of steps the lesson's text speaks of (its file's ``steps``,
or the number in ``SHOTS`` below), selects what the lesson's text asks the
student to look at first, and saves the window. docs/lessons/README.md
indexes the pictures; a lesson added to order.txt gets its picture here
without any change to this script, on the tab the lesson opens on.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (1400, 900)
TIMEOUT = 60.0
"""Seconds one lesson may train before the picture is taken anyway (and the script says so)."""

SHOTS = {
    # name: what to show beyond the lesson file's own steps and view (the tab it opens on).
    #   steps: steps to train; tab: the Plots dock's tab (a name of TrainingViews.view_names,
    #   or "digits"); select: ("edge", (src, dst)) or ("neuron", (layer, index)) on the canvas;
    #   inspector: the Inspector's plot tab to show (its title).
    "step-backprop": {"select": ("neuron", (1, 0)), "inspector": "Activation function"},
    "backprop-trace": {"select": ("edge", ((1, 0), (2, 0)))},
    "derivative": {"steps": 2, "select": ("edge", ((0, 0), (1, 0)))},  # on the slope, not yet at the bottom
    "digits": {"tab": "digits"},
}


def _wait(app, done, timeout):
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            return False
        app.processEvents()
        time.sleep(0.005)
    return True


def _select(window, what):
    """Select a neuron or an edge on the canvas, as a click on it does."""
    kind, key = what
    scene = window.view.scene()
    if kind == "neuron":
        scene.select_only(neurons=[key])
    else:
        scene.select_only(edges=[key])


def shoot(app, window, name, out, size):
    """Open, train and draw the lesson ``name`` into ``out``; a line saying what was done."""
    from PySide6.QtWidgets import QScrollArea

    shot = SHOTS.get(name, {})
    started = time.monotonic()
    window.resize(*size)  # back from a size the previous lesson's Inspector forced
    if not window.open_lesson(name):
        return f"{name}: could not be opened"
    _wait(app, lambda: False, 0.1)  # the views draw the fresh lesson first, as before anyone's first click
    lesson = window.document.project.lesson or {}
    steps = shot.get("steps", lesson.get("steps", 0))
    training = window.training
    if steps and training.start(max_steps=steps):
        if not _wait(app, lambda: not training.running, TIMEOUT):
            training.stop()
            print(f"  {name}: stopped after {TIMEOUT:.0f} s", file=sys.stderr)
    _wait(app, lambda: False, 0.15)  # the last snapshot drawn
    if "select" in shot:
        _select(window, shot["select"])
    if "inspector" in shot:
        plots = window.inspector.plots
        for i in range(plots.count()):
            if plots.tabText(i) == shot["inspector"]:
                plots.setCurrentIndex(i)
        _wait(app, lambda: False, 0.1)
        for area in window.inspector.findChildren(QScrollArea):  # scrolled down to the plot, as a person would
            if area.isAncestorOf(plots):
                area.ensureWidgetVisible(plots, 0, 0)
    tab = shot.get("tab", lesson.get("view"))
    views = window.training_views
    if tab == "digits":
        views.tabs.setCurrentWidget(views.digits)
    elif tab:
        views.show_view(tab)
    _wait(app, lambda: False, 0.3)  # views redraw on a timer
    window.resize(*size)
    _wait(app, lambda: False, 0.05)
    # Never squeezed below the window's minimum size: that would draw docks over each other,
    # which no one sees on screen. A taller picture says the window grew, as it does there.
    image = window.grab().toImage()
    image.save(str(out), "PNG")
    trainer = training.trainer
    done = trainer.steps if trainer is not None else 0
    grown = "" if (image.width(), image.height()) == tuple(size) else \
        f", the window grew to {image.width()}x{image.height()}"
    return (f"{name}: “{window.document.project.title}”, {done:,} steps, tab {tab or 'Loss'}, "
            f"{out.stat().st_size // 1024} KB, {time.monotonic() - started:.1f} s{grown}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="lessons to draw (default: every lesson)")
    parser.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--out", default=str(ROOT / "docs" / "lessons"), help="folder for the PNGs")
    args = parser.parse_args(argv)
    try:
        size = tuple(int(v) for v in args.size.lower().split("x"))
        assert len(size) == 2 and min(size) > 0
    except (ValueError, AssertionError):
        parser.error(f"--size must be WIDTHxHEIGHT, such as 1400x900, not {args.size!r}")

    from PySide6.QtWidgets import QApplication

    from ui.app import _quiet_qt_messages
    from ui.theme import follow_system_theme

    from simulator.lessons import lesson_names
    from simulator.presets import make_preset
    from ui.dialogs import UnattendedDialogs
    from ui.document import Document
    from ui.main_window import MainWindow

    names = args.names or list(lesson_names())
    unknown = [n for n in names if n not in lesson_names()]
    if unknown:
        parser.error(f"unknown lesson {', '.join(unknown)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _quiet_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    follow_system_theme(app)  # as the app itself starts
    window = MainWindow(Document(make_preset(names[0])), dialogs=UnattendedDialogs(), remember=False)
    window.resize(*size)
    window.show()
    window.build_plot_views()
    started = time.monotonic()
    for name in names:
        print(shoot(app, window, name, out / f"{name}.png", size), flush=True)
    window.training.stop()
    window.close()
    print(f"{len(names)} lessons in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
