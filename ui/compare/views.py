"""The comparison's pictures: both loss curves on one plot, and the two outputs.

Fed with frozen ``CompareResult`` records (simulator/compare.py). Each curve
and image is made once and updated with ``setData`` / ``setImage``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from simulator.history import History

from ..plots.view_support import (MAP_STRENGTH, NAN_BACKGROUND, activation_map, as_image, class_colour, grid_shape,
                                  label_colour_bar, message_pages, nice_bound, paler, style_plot)
from ..theme import is_dark, plot_colours

COLOURS = {"a": "#0072b2", "b": "#d55e00"}
"""A blue and B vermilion (Okabe and Ito's palette: told apart by colour-blind eyes too)."""
DARK_COLOURS = {"a": "#56a8e8", "b": "#f0793a"}
"""The same two, lighter, for a dark background."""


def side_colour(side):
    """The colour of run ``side`` ("a" or "b") in the current theme."""
    return (DARK_COLOURS if is_dark() else COLOURS)[side]
DATA_COLOUR = "#555555"


def _pen(side, width=2.0, alpha=255):
    colour = pg.mkColor(side_colour(side))
    colour.setAlpha(alpha)
    return pg.mkPen(colour, width=width)


def _legend(plot, offset):
    """A legend whose background lets the curves it lies over show through."""
    background = pg.mkColor(plot_colours()["background"])
    background.setAlpha(150)
    return plot.addLegend(offset=offset, labelTextColor=plot_colours()["text"], brush=pg.mkBrush(background))


def _curve(plot, pen, name=None):
    curve = plot.plot([], [], pen=pen, name=name)
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    return curve


class CompareLossPlot(QWidget):
    """Both runs' loss against the step: solid for the training batches, dashed for the test set."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.histories = {"a": History(), "b": History()}
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(plot_colours()["background"])
        self.plot = self.graphics.addPlot()
        style_plot(self.plot, "step", "loss")
        self.plot.getAxis("left").enableAutoSIPrefix(False)  # "loss (x0.001)" reads as a different quantity
        self.legend = _legend(self.plot, (-10, 10))
        self.train = {s: _curve(self.plot, _pen(s)) for s in "ab"}
        self.test = {s: _curve(self.plot, _pen(s, width=2.5)) for s in "ab"}
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Show the loss on a logarithmic axis: small losses late in training stay visible")
        self.log_scale.toggled.connect(self._on_log_toggled)
        layout = QVBoxLayout(self)  # the window places the log-scale box among its controls
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, 1)
        self.graphics.setToolTip("Loss per step of A (blue) and B (orange): the training batch's loss before "
                                 "each update and, with a test set, the test set's (thick lines, evaluated about "
                                 "30 times a second). Lower is better.")
        self.set_labels("A", "B", False)

    def set_labels(self, a, b, has_test):
        """Name the curves in the legend: ``a`` and ``b`` say what differs ("A: L2 (MSE)").

        With a test set, its loss is the thick line and the noisier loss of
        the training batches a thin, pale one behind it."""
        self.legend.clear()
        for side, label in (("a", a), ("b", b)):
            self.train[side].setPen(_pen(side, 1.0, 110) if has_test else _pen(side))
            self.test[side].setVisible(has_test)
            if has_test:
                self.legend.addItem(self.test[side], f"{label}, test loss")
        for side, label in (("a", a), ("b", b)):
            self.legend.addItem(self.train[side], f"{label[0]}, training loss" if has_test else label)

    def clear(self):
        self.histories = {"a": History(), "b": History()}
        self.redraw()

    def show_result(self, result):
        for name, side in (("a", result.a), ("b", result.b)):
            if side.history_reset:
                self.histories[name] = History()
            self.histories[name].extend(side.history)
        self.redraw()

    def redraw(self):
        log = self.log_scale.isChecked()
        for name, history in self.histories.items():
            steps = history.column("step")
            for curve, column in ((self.train[name], "train_loss"), (self.test[name], "test_loss")):
                y = history.column(column)
                keep = np.isfinite(y) & (y > 0 if log else True)  # 0 has no place on a log axis
                curve.setData(steps[keep], y[keep])

    def _on_log_toggled(self, on):
        self.plot.setLogMode(y=on)
        self.redraw()
        self.plot.enableAutoRange()


class CompareOutputs(QWidget):
    """A's and B's outputs: two maps side by side (two inputs) or two curves over the data (one input)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mode = None
        self.train = self.test = None
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(plot_colours()["background"])
        self.message, self.pages = message_pages(self.graphics, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages, 1)
        self.plots, self.images, self.curves = {}, {}, {}
        self.levels = (0.0, 1.0)
        self.bar = None

    # ------------------------------------------------------------ set-up
    def set_data(self, train, test, grid, labels):
        """Lay the views out for this data and grid; ``labels`` name A and B ("A: tanh")."""
        self.train, self.test = train, test
        self.graphics.clear()
        self.plots, self.images, self.curves, self.bar = {}, {}, {}, None
        shape = grid_shape(grid)
        self.shape = shape
        if shape is None:
            self.mode = None
            why = (f"this network has {train.n_inputs} inputs" if train.n_inputs not in (1, 2) else
                   "the inputs span no range to draw over")
            self.message.setText(f"The outputs can be drawn over one input (as curves) or two (as maps), but "
                                 f"{why}. The loss plot shows how the two runs go.")
            self.pages.setCurrentWidget(self.message)
            return
        self.pages.setCurrentWidget(self.graphics)
        features = list(train.feature_names) + ["x1", "x2"]
        if shape.n_inputs == 1:
            self._set_up_curves(shape, labels, features)
        else:
            self._set_up_maps(shape, labels, features)

    def _set_up_curves(self, shape, labels, features):
        self.mode = "curve"
        plot = self.plots["one"] = self.graphics.addPlot()
        style_plot(plot, features[0], "y (data) and ŷ (network)")
        plot.setMouseEnabled(x=False, y=False)
        legend = _legend(plot, (10, 10))
        classification = self.train.task == "classification"
        for data, filled in ((self.train, True), (self.test, False)):
            if data is None or not data.n_samples:
                continue
            y = data.labels.astype(float) if classification and data.n_classes == 2 else data.y[:, 0]
            dots = pg.ScatterPlotItem(data.X[:, 0], y, size=7, pen=pg.mkPen(DATA_COLOUR, width=1),
                                      brush=pg.mkBrush(DATA_COLOUR) if filled else None)
            plot.addItem(dots)
            legend.addItem(dots, "training data" if filled else "test data")
        for side in "ab":
            curve = self.curves[side] = pg.PlotDataItem(pen=_pen(side, width=3.0))
            curve.setZValue(5)
            plot.addItem(curve)
            legend.addItem(curve, labels[side])
        ys = [d.y[:, 0] for d in (self.train, self.test) if d is not None and d.n_samples]
        lo, hi = min(float(y.min()) for y in ys), max(float(y.max()) for y in ys)
        if classification:
            lo, hi = 0.0, 1.0
        pad = 0.15 * (hi - lo or 1.0)
        plot.setRange(xRange=shape.x_range, yRange=(lo - pad, hi + pad), padding=0.0)

    def _set_up_maps(self, shape, labels, features):
        self.mode = "map"
        regression = self.train.task == "regression"
        if regression:
            bound = max(float(np.abs(d.y[:, 0]).max()) for d in (self.train, self.test) if d is not None and
                        d.n_samples)
            bound = nice_bound(bound, floor=0.1)
            self.levels = (-bound, bound)
        else:
            self.levels = (0.0, 1.0)
        colour_map = activation_map(MAP_STRENGTH)  # the output view's map, the same for A and B
        rect = shape.image_rect()
        for col, side in enumerate("ab"):
            plot = self.plots[side] = self.graphics.addPlot(row=0, col=col)
            style_plot(plot, features[0], features[1])
            plot.setTitle(f"<b>{labels[side]}</b><br>&nbsp;", color=side_colour(side), size="11pt")
            self.graphics.ci.layout.setColumnStretchFactor(col, 1)
            plot.setMouseEnabled(x=False, y=False)
            plot.setAspectLocked(0.25 <= rect.width() / rect.height() <= 4.0)
            background = pg.QtWidgets.QGraphicsRectItem(rect)
            background.setPen(pg.mkPen(None))
            background.setBrush(pg.mkBrush(NAN_BACKGROUND))  # shows where the output is not a number
            background.setZValue(-20)
            plot.addItem(background)
            image = self.images[side] = pg.ImageItem(axisOrder="row-major")
            image.setColorMap(colour_map)
            plot.addItem(image)
            plot.setRange(rect=rect, padding=0.0)
            for data, filled in ((self.train, True), (self.test, False)):
                if data is not None and data.n_samples:
                    plot.addItem(_points(data, filled, colour_map if regression else None, self.levels))
        self._rect = rect
        if self.train.n_outputs == 1:
            self.bar = pg.ColorBarItem(values=self.levels, colorMap=colour_map, interactive=False, width=14)
            self.graphics.addItem(self.bar, row=0, col=2)
            label_colour_bar(self.bar, "ŷ (network output)")
            self.graphics.ci.layout.setColumnMinimumWidth(2, 80)  # room for the scale's numbers and label

    # ----------------------------------------------------------- drawing
    def show_result(self, result):
        if self.mode is None:
            return
        for name, side in (("a", result.a), ("b", result.b)):
            if side.output is None:
                continue
            if self.mode == "curve":
                self.curves[name].setData(result.grid[:, 0], side.output[:, 0], connect="finite")
            elif side.output.shape[1] == 1:
                self.images[name].setImage(as_image(side.output[:, 0], self.shape.n), autoLevels=False,
                                           levels=self.levels)
                self.images[name].setRect(self._rect)
            else:
                rgba = _regions(side.output).reshape(self.shape.n, self.shape.n, 4)
                self.images[name].setImage(rgba, autoLevels=False)
                self.images[name].setRect(self._rect)

    def set_titles(self, titles):
        """Name each run over its map, or both over the one plot of curves, with how it is doing.

        ``titles`` maps "a" and "b" to (label, score): ("A: ReLU", "test loss 0.01 · accuracy 100%").
        """
        for side, plot in self.plots.items():
            if side in titles:
                label, score = titles[side]
                plot.setTitle(f"<b>{label}</b><br>{score}", color=side_colour(side), size="11pt")
        if "one" in self.plots:
            self.plots["one"].setTitle("&nbsp;&nbsp;&nbsp;&nbsp;".join(
                f"<span style='color: {side_colour(side)};'><b>{titles[side][0]}</b> — {titles[side][1]}</span>"
                for side in "ab" if side in titles), size="11pt")


def _points(data, filled, value_map, levels):
    """Training points filled and test points as rings, in their class colour (or their target's)."""
    if data.task == "classification":
        colours = [pg.mkColor(class_colour(k)) for k in data.labels]
    else:
        lo, hi = levels
        colours = list(value_map.map(np.clip((data.y[:, 0] - lo) / (hi - lo), 0.0, 1.0), mode="qcolor"))
    if filled:
        return pg.ScatterPlotItem(data.X[:, 0], data.X[:, 1], size=8, pen=pg.mkPen("#303030", width=0.8),
                                  brush=colours)
    return pg.ScatterPlotItem(data.X[:, 0], data.X[:, 1], size=9, brush=None,
                              pen=[pg.mkPen(c, width=2.0) for c in colours])


def _regions(outputs):
    """RGBA colours of several classes: the class of the largest output (transparent where not a number)."""
    bad = ~np.isfinite(outputs).all(axis=1)
    winner = np.where(bad[:, None], 0.0, outputs).argmax(axis=1)
    palette = np.array([paler(class_colour(k)) for k in range(outputs.shape[1])], dtype=np.uint8)
    out = np.empty((len(outputs), 4), dtype=np.uint8)
    out[:, :3] = palette[winner]
    out[:, 3] = np.where(bad, 0, 255)
    return out
