"""A long run's loss curve is drawn from its peaks: every spike stays visible,
the curve still spans the whole run, and short runs are drawn point for point."""

import numpy as np

from simulator.history import History
from ui.plots.loss_plot import PEAK_BINS, LossPlot, peaks


def test_peaks_keep_every_extreme_and_both_ends():
    rng = np.random.default_rng(0)
    for n in (2 * PEAK_BINS + 1, 5 * PEAK_BINS + 7, 20_000):
        x = np.arange(1.0, n + 1)
        y = rng.normal(size=n)
        px, py = peaks(x, y)
        assert len(px) == len(py) < 4 * PEAK_BINS + n // PEAK_BINS
        assert px[0] == x[0] and px[-1] == x[-1]
        assert np.all(np.diff(px) >= 0)
        assert py.max() == y.max() and py.min() == y.min()
    short = np.arange(10.0)
    assert peaks(short, short)[1] is short  # drawn point for point


def test_a_spike_in_a_long_history_is_drawn(qtbot):
    history = History()
    for step in range(1, 20_001):
        history.append(step // 25, 5.0 if step == 12_345 else 1.0 / step ** 0.5, float("nan"),
                       float("nan"), float("nan"), step=step)
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.set_history(history)
    plot.redraw()
    x, y = plot.train_loss.xData, plot.train_loss.yData
    assert len(x) < 4 * PEAK_BINS  # not all 20,000 points every frame
    assert y.max() == 5.0 and x[0] == 1 and x[-1] == 20_000
