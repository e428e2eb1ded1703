"""The loss plot reads plainly: plain tick labels on either scale, a zero loss that
stays on the log scale and says so, a first step that shows, a legend that says what
each point is, and a long run fed without trouble."""

import numpy as np
import pyqtgraph as pg
import pytest

from simulator.history import History
from tests.ui.test_plots_helpers import lesson
from ui.plots.loss_plot import LOG_FLOOR, TEST_COLOUR, TRAIN_COLOUR, LossPlot, log_ticks


@pytest.fixture
def plot(qtbot):
    widget = LossPlot()
    widget.resize(700, 360)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def fed(plot, losses, test=None, classification=False):
    history = History()
    for i, loss in enumerate(losses):
        t = np.nan if test is None else test[i]
        history.append(1, loss, 0.5 if classification else np.nan, t, np.nan)
    plot.set_history(history)
    _, train, test_set, _ = lesson("spiral" if classification else "sine")
    plot.set_datasets(train, test_set)
    plot.redraw()
    pg.QtWidgets.QApplication.processEvents()
    return history


def tick_labels(axis):
    (lo, hi) = axis.range
    levels = axis.tickValues(lo, hi, axis.height() if axis.orientation in ("left", "right") else axis.width())
    values = [v for _, vs in levels for v in vs]
    return values, axis.tickStrings(values, 1.0, 1.0)


def test_log_ticks_are_plain_numbers_that_do_not_pile_up(plot):
    losses = np.geomspace(0.9, 0.6, 300)  # less than a decade: where pyqtgraph piles minor labels up
    fed(plot, losses)
    plot.log_scale.setChecked(True)
    pg.QtWidgets.QApplication.processEvents()
    axis = plot.loss_plot.getAxis("left")
    values, labels = tick_labels(axis)
    assert 2 <= len(values) <= axis.height() // 28
    assert all("·" not in s and "e" not in s for s in labels)  # 0.7, not 7·10⁻¹
    numbers = sorted(float(s) for s in labels)
    assert np.allclose(np.diff(numbers), numbers[1] - numbers[0])  # evenly spaced values
    assert axis.labelUnitPrefix == "" and not axis.autoSIPrefix  # no "(x0.001)"
    wide = log_ticks(-6, 0, 200)  # six decades in 200 pixels: at most 7 ticks, at powers of ten
    assert wide == [-6.0, -5.0, -4.0, -3.0, -2.0, -1.0, 0.0]
    assert len(log_ticks(-12, 0, 100)) <= 100 // 28 + 1


def test_small_losses_in_linear_mode_read_as_plain_numbers(plot):
    fed(plot, np.linspace(0.004, 0.001, 100))
    axis = plot.loss_plot.getAxis("left")
    _, labels = tick_labels(axis)
    assert axis.labelUnitPrefix == "" and "0.00" in "".join(labels)


def test_a_zero_loss_stays_on_the_log_scale_at_the_floor_and_says_so(plot):
    fed(plot, [0.5, 0.1, 0.0, 0.02])
    assert plot.note.text() == ""
    plot.log_scale.setChecked(True)
    x, y = plot.train_loss.drawn()
    assert list(x) == [1, 2, 3, 4]  # the step with loss 0 is still drawn
    assert y[2] == pytest.approx(np.log10(LOG_FLOOR))
    assert f"{LOG_FLOOR:g}" in plot.note.text() and f"{LOG_FLOOR:g}" in plot.log_scale.toolTip()
    plot.log_scale.setChecked(False)
    assert plot.note.text() == "" and plot.train_loss.drawn()[1][2] == 0.0


def painted(plot, colour):
    """(x, y) pixel positions of the plots' image in ``colour``."""
    image = plot.graphics.grab().toImage().convertToFormat(pg.QtGui.QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32, image.sizeInBytes() // 4)
    pixels = pixels.reshape(image.height(), image.bytesPerLine() // 4)[:, :image.width()]
    want = pg.QtGui.QColor(colour).rgb() & 0xFFFFFFFF
    ys, xs = np.nonzero(pixels == want)
    return xs, ys


def test_a_single_step_is_a_visible_point(plot):
    fed(plot, [0.42])
    xs, ys = painted(plot, TRAIN_COLOUR)
    assert len(xs) >= 9 and np.ptp(xs) <= 8 and np.ptp(ys) <= 8  # a dot, not nothing
    lo, hi = plot.loss_plot.viewRange()[1]
    assert lo < 0.42 < hi and hi - lo > 0.01  # a readable range around it, not 1e-9 wide
    x0, x1 = plot.loss_plot.viewRange()[0]
    assert x0 < 1 < x1 and (1 - x0) / (x1 - x0) > 0.005  # not stuck on the axis
    fed(plot, [0.42, 0.4])
    xs, _ = painted(plot, TRAIN_COLOUR)
    step = plot.loss_plot.getViewBox().width() / np.ptp(plot.loss_plot.viewRange()[0])
    assert np.ptp(xs) >= step - 1  # two points are a line from one step to the next


def test_the_legend_says_what_each_curve_averages(plot):
    fed(plot, [0.5, 0.4], test=[np.nan, 0.45], classification=True)
    text = plot.legend.text()
    assert "training loss: mean over each step's mini-batch, at every step" in text
    assert "training accuracy: on the whole training set" in text
    assert "test loss and accuracy: on the whole test set" in text
    assert "Whole sets are evaluated each time the view is drawn" in text
    assert TRAIN_COLOUR in text and TEST_COLOUR in text  # each entry in its curve's colour
    assert plot.train_loss.opts["pen"].color().name() == TRAIN_COLOUR
    fed(plot, [0.5, 0.4])  # sine: regression, no test set
    assert "training loss: mean" in plot.legend.text() and "test" not in plot.legend.text()
    assert "accuracy" not in plot.legend.text() and "Whole sets" not in plot.legend.text()


def test_a_narrow_plot_keeps_its_axis_inside(plot):
    fed(plot, np.linspace(1.0, 0.1, 300), test=np.linspace(1.1, 0.2, 300), classification=True)
    plot.resize(420, 360)
    pg.QtWidgets.QApplication.processEvents()
    right = plot.loss_plot.mapRectToScene(plot.loss_plot.boundingRect()).right()
    assert right <= plot.graphics.viewport().width() + 1  # the legend does not widen the plots


def test_a_million_steps_are_downsampled_and_clipped(plot):
    history = History()
    rng = np.random.default_rng(0)
    rows = 1_000_000
    losses = np.exp(-np.arange(rows) / 2e5) + 0.01 * rng.random(rows)
    for i in range(0, rows, 1000):  # the history stays bounded (simulator/limits.py)
        for j in range(i, i + 1000):
            history.append(1, losses[j], np.nan, np.nan, np.nan)
    plot.set_history(history)
    plot.redraw()
    pg.QtWidgets.QApplication.processEvents()
    curve = plot.train_loss
    width = plot.loss_plot.getViewBox().width()
    x, y = curve.drawn()  # what is drawn: a few points per pixel, not every row
    assert len(x) <= 2 * width + 4 < len(history) / 2
    assert x[0] == history.column("step")[0] and x[-1] == rows  # the whole run
    loss = history.column("train_loss")
    assert y.max() == loss.max() and y.min() == loss.min()  # every peak
    plot.loss_plot.setXRange(400_000, 500_000, padding=0)  # zoomed in: the detail of the range shown
    pg.QtWidgets.QApplication.processEvents()
    x, y = curve.drawn()
    assert len(x) <= 2 * width + 4
    assert np.sum(x < 400_000) == 1 and np.sum(x > 500_000) == 1  # the line runs on to the edges
    steps = history.column("step")
    shown = loss[(steps >= 400_000) & (steps <= 500_000)]
    inside = (x >= 400_000) & (x <= 500_000)
    assert y[inside].max() == shown.max() and y[inside].min() == shown.min()


def test_step_numbers_are_written_in_full(plot):
    axis = plot.acc_plot.getAxis("bottom")
    assert axis.tickStrings([0.0, 500_000.0, 1_000_000.0], 1.0, 500_000.0) == ["0", "500,000", "1,000,000"]
    assert plot.loss_plot.getAxis("left").tickStrings([0.02, 0.04], 1.0, 0.02) == ["0.02", "0.04"]


def test_behind_another_tab_the_loss_plot_waits_and_catches_up_when_shown(plot):
    history = fed(plot, [1.0, 0.8])
    plot.hide()
    history.append(1, 0.5, np.nan, np.nan, np.nan)
    plot.show_snapshot(None)  # hidden: the newest row is not drawn yet
    assert len(plot.train_loss.drawn()[1]) == 2
    plot.show()
    assert list(plot.train_loss.drawn()[1]) == [1.0, 0.8, 0.5]


def test_the_plots_menu_options_leave_the_curves_drawn(plot):
    fed(plot, np.linspace(1.0, 0.1, 300), test=np.linspace(1.1, 0.2, 300), classification=True)
    for item in (plot.loss_plot, plot.acc_plot):  # what pyqtgraph's Plot Options menu calls
        item.updateDownsampling()
        item.updateAlpha()
        item.updateDecimation()
    pg.QtWidgets.QApplication.processEvents()
    assert len(painted(plot, TRAIN_COLOUR)[0]) and len(painted(plot, TEST_COLOUR)[0])
