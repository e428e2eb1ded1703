"""A long run's loss curve is drawn from its peaks: every spike stays visible,
the curve still spans the whole run, short runs are drawn point for point, and
what a frame draws from the rows new since the last one is what drawing the
whole history afresh would."""

import numpy as np
import pyqtgraph as pg
import pytest

from simulator.history import History
from ui.plots.loss_plot import LOG_FLOOR, LossPlot
from ui.plots.pixel_peaks import PixelPeaks


def test_peaks_keep_every_extreme_and_both_ends():
    rng = np.random.default_rng(0)
    for n in (700, 3001, 20_000):
        x = np.arange(1.0, n + 1)
        y = rng.normal(size=n)
        px, py = PixelPeaks().points(x, y, (0.0, n + 1.0), 600)
        assert len(px) == len(py) <= 2 * 600 + 4
        assert px[0] == x[0] and px[-1] == x[-1]
        assert np.all(np.diff(px) > 0)
        assert py.max() == y.max() and py.min() == y.min()
        column = np.floor(px * 600 / (n + 1.0))
        for c in np.unique(column)[::50]:  # each pixel column spans what its rows span
            rows = np.floor(x * 600 / (n + 1.0)) == c
            assert py[column == c].max() == y[rows].max() and py[column == c].min() == y[rows].min()
    short = np.arange(1.0, 11.0)
    px, py = PixelPeaks().points(short, short ** 2, (0.0, 20.0), 600)
    assert list(px) == list(short) and list(py) == list(short ** 2)  # drawn point for point


def test_rows_binned_as_they_come_give_the_points_of_all_rows_binned_at_once():
    rng = np.random.default_rng(3)
    for trial in range(12):  # gaps in the steps, NaN rows, ties, a log scale, views of any part
        n = int(rng.integers(10, 5000))
        x = np.cumsum(rng.integers(1, 4, size=n)).astype(float)
        y = np.abs(rng.normal(size=n))
        if trial % 3 == 0:
            y = np.round(y)
        y[rng.random(n) < 0.3] = np.nan
        view = (float(rng.uniform(-50, x[n // 3])), float(rng.uniform(x[n // 2], x[-1] * 1.3)))
        columns = int(rng.integers(50, 800))
        floor = 1e-3 if trial % 2 else None
        at_once = PixelPeaks().points(x, y, view, columns, floor)
        peaks, k = PixelPeaks(), 0
        while k < n:  # a row, a few rows or many at a time, as frames bring them
            k = min(n, k + int(rng.choice([1, 2, 5, 30, 200])))
            as_they_come = peaks.points(x[:k], y[:k], view, columns, floor)
        assert np.array_equal(at_once[0], as_they_come[0]) and np.array_equal(at_once[1], as_they_come[1])


def test_a_spike_in_a_long_history_is_drawn(qtbot):
    history = History()
    for step in range(1, 20_001):
        history.append(step // 25, 5.0 if step == 12_345 else 1.0 / step ** 0.5, float("nan"),
                       float("nan"), float("nan"), step=step)
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.set_history(history)
    plot.redraw()
    x, y = plot.train_loss.drawn()
    assert len(x) < 2_100  # not all 20,000 points every frame
    assert y.max() == 5.0 and x[0] == 1 and x[-1] == 20_000


CURVES = (("train_loss", "train_loss", "loss_plot"), ("test_loss", "test_loss", "loss_plot"),
          ("train_acc", "train_accuracy", "acc_plot"), ("test_acc", "test_accuracy", "acc_plot"))


def drawn(plot):
    return [getattr(plot, curve).drawn() for curve, _, _ in CURVES]


def assert_same_as_afresh(plot, history):
    """What ``plot`` draws, frame after frame, is what drawing the whole ``history`` at once
    for its view and width draws."""
    pg.QtWidgets.QApplication.processEvents()
    view = plot.loss_plot.viewRange()[0]
    for (x, y), (_, column, where) in zip(drawn(plot), CURVES):
        floor = LOG_FLOOR if where == "loss_plot" and plot.log_scale.isChecked() else None
        width = round(getattr(plot, where).getViewBox().width())
        fx, fy = PixelPeaks().points(history.column("step"), history.column(column), view, width, floor)
        assert np.array_equal(x, fx) and np.array_equal(y, fy)
    for curve, _, _ in CURVES:  # the settled chunks and the live end join into the whole curve
        curve = getattr(plot, curve)
        x, y = [], []
        for piece in [*curve.chunks, curve.live]:
            px, py = piece.getData()
            if x:
                assert (px[0], py[0]) == (x[-1][-1], y[-1][-1])
                px, py = px[1:], py[1:]
            x.append(px)
            y.append(py)
        assert np.array_equal(np.concatenate(x), curve.drawn()[0])
        assert np.array_equal(np.concatenate(y), curve.drawn()[1])


@pytest.fixture
def plot(qtbot):
    from tests.ui.test_plots_helpers import lesson
    widget = LossPlot()
    widget.resize(700, 360)
    qtbot.addWidget(widget)
    _, train, test, _ = lesson("spiral")
    widget.set_datasets(train, test)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def feed(history, rng, rows):
    """Rows of a run as frames bring them: a test value on the last row of each batch."""
    for k in range(rows):
        step = history.last("step") + 1 if len(history) else 1
        loss = 1.0 / np.sqrt(step) + 0.2 * rng.random()
        last = k == rows - 1
        history.append(0, loss, 1 - loss / 2, loss * 1.1 if last else np.nan, 0.5 if last else np.nan,
                       step=step)


def test_frame_by_frame_draws_what_the_whole_history_draws(plot):
    rng = np.random.default_rng(1)
    history = History(max_rows=4000)
    plot.set_history(history)
    for _ in range(6):  # appends
        feed(history, rng, 257)
        plot.show_snapshot(None)
    assert len(plot.train_loss.drawn()[0]) < len(history)  # thinned to the pixels, not point for point
    assert_same_as_afresh(plot, history)
    history.truncate(history.column("step")[700])  # undo back to an earlier step
    plot.show_snapshot(None)
    assert plot.train_loss.drawn()[0][-1] == history.column("step")[-1]
    assert_same_as_afresh(plot, history)
    revision = history.revision
    for _ in range(20):  # until the history thins its older rows
        feed(history, rng, 311)
        plot.show_snapshot(None)
    assert history.revision > revision + 1
    assert_same_as_afresh(plot, history)
    history.set_last("test_loss", 9.0)  # a row already drawn gets its test value
    plot.show_snapshot(None)
    assert plot.test_loss.drawn()[1].max() == 9.0
    assert_same_as_afresh(plot, history)
    view = plot.loss_plot.viewRange()[0]
    plot.log_scale.setChecked(True)
    assert plot.loss_plot.viewRange()[0] == view  # the log scale changes the y axis only
    feed(history, rng, 100)
    plot.show_snapshot(None)
    assert_same_as_afresh(plot, history)


def test_a_reset_clears_the_curves(plot):
    history = History()
    plot.set_history(history)
    feed(history, np.random.default_rng(2), 500)
    plot.show_snapshot(None)
    assert len(plot.train_loss.drawn()[0]) and len(plot.test_acc.drawn()[0])
    history.truncate(0)
    plot.show_snapshot(None)
    assert all(len(x) == 0 for x, _ in drawn(plot))
