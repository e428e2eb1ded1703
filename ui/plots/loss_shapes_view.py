"""The losses side by side: each loss and its gradient against the residual,
with the data's current residuals marked on every curve.

The residual of an example is prediction − target. On the gradient plot an
example's height is how hard it pulls on the fit: under L2 an outlier far to
the side pulls many times harder than the rest, under L1 it pulls no harder
than any other point, and Huber is L2 near zero and L1 beyond 1. The curves
come from ``simulator.loss_shapes``, which asks the very loss functions the
trainer uses.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from simulator.errors import SimulatorError
from simulator.loss_shapes import CATEGORICAL, CROSS_ENTROPY, loss_shape, shown_losses
from simulator.losses import get_loss
from simulator.replay import snapshot_outputs

from ..theme import plot_colours
from .deferred_draw import DeferredDraw
from .view_support import message_pages, nice_bound, style_plot

NO_SNAPSHOT = "Each loss and its gradient appear here, with the data's residuals on them, once there is a network."
COLOURS = {"l2": "#2f6fb0", "l1": "#e07b00", "huber": "#3a9d3a", CROSS_ENTROPY: "#8a5cc2", CATEGORICAL: "#8a5cc2"}
SHORT = {"l2": "L2", "l1": "L1", "huber": "Huber", CROSS_ENTROPY: "cross-entropy",
         CATEGORICAL: "categorical cross-entropy"}
LOG_LOSSES = (CROSS_ENTROPY, CATEGORICAL)
"""Infinite where the probability of the true class reaches 0: the other losses set the plots' height."""
CURVE_POINTS = 401
MAX_MARKED = 2000
"""Residuals marked at most (evenly chosen from a bigger data set): enough to see, cheap to redraw."""


class LossShapesView(DeferredDraw, QWidget):
    """Loss (left) and gradient (right) of every loss against the residual. Feed it
    ``show_snapshot`` and ``set_datasets``; ``set_training_loss`` names the loss in use."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.snapshot = None
        self.train = None
        self.training_loss = None
        self.residuals = np.zeros(0)
        self.true_class = np.zeros(0)
        self._stale = False
        self._range = None
        self._curve_key = None

        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground(plot_colours()["background"])
        # one column per loss: the loss on top, its gradient below; the rows share
        # their y axis, so a pull of 13 stands visibly above a pull of 1
        self.loss_plots, self.grad_plots = {}, {}
        self.loss_curves, self.grad_curves, self.loss_marks, self.grad_marks = {}, {}, {}, {}
        self._columns = None
        for name in shown_losses("classification") + (CATEGORICAL,):
            colour = COLOURS[name]
            loss_plot, grad_plot = pg.PlotItem(), pg.PlotItem()
            style_plot(loss_plot, "", "L(r)")
            style_plot(grad_plot, "residual r", "pull dL/dr")
            for plot in (loss_plot, grad_plot):
                plot.setMouseEnabled(x=False, y=False)
                plot.addLine(x=0, pen=pg.mkPen("#bbbbbb", width=1))
                plot.addLine(y=0, pen=pg.mkPen("#bbbbbb", width=1))
            self.loss_plots[name], self.grad_plots[name] = loss_plot, grad_plot
            self.loss_curves[name] = loss_plot.plot([], [], pen=pg.mkPen(colour, width=2))
            self.grad_curves[name] = grad_plot.plot([], [], pen=pg.mkPen(colour, width=2))
            for marks, plot in ((self.loss_marks, loss_plot), (self.grad_marks, grad_plot)):
                item = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#ffffff", width=1), brush=pg.mkBrush(colour))
                item.setZValue(5)
                plot.addItem(item)
                marks[name] = item

        self.message, self.pages = message_pages(self.canvas, NO_SNAPSHOT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.pages, 1)
        self._say(NO_SNAPSHOT)

    # ----------------------------------------------------------------- input
    def set_datasets(self, train, test):
        self.train = train
        self._range = self._curve_key = None
        self._refresh()

    def set_training_loss(self, name):
        """The loss training uses now: its curves are drawn on top, thicker."""
        if name != self.training_loss:
            self.training_loss = name
            self._curve_key = None
            self._refresh()

    def show_snapshot(self, snapshot):
        self.snapshot = snapshot
        self._refresh()

    def _refresh(self):
        self.draw_or_defer()

    # --------------------------------------------------------------- drawing
    def _say(self, text):
        self.message.setText(text)
        self.pages.setCurrentWidget(self.message)
        self.caption.setText("")

    def _task(self):
        return self.train.task if self.train is not None else "regression"

    def _names(self):
        """The losses to draw: binary cross-entropy for one sigmoid output, categorical for softmax outputs."""
        names = shown_losses(self._task())
        snap = self.snapshot
        if CROSS_ENTROPY in names and (snap is None or snap.sizes[-1] != 1 or snap.activations[-1] != "sigmoid"):
            names = tuple(n for n in names if n != CROSS_ENTROPY)
            if snap is not None and snap.sizes[-1] >= 2 and snap.activations[-1] == "softmax":
                names += (CATEGORICAL,)
        return names

    def _draw(self):
        self._stale = False
        snap, train = self.snapshot, self.train
        if snap is None or train is None:
            return self._say(NO_SNAPSHOT)
        if snap.sizes[0] != train.n_inputs or snap.sizes[-1] != train.n_outputs:
            return self._say("The network's inputs and outputs do not match the data, so there are no residuals.")
        rows = np.linspace(0, train.n_samples - 1, min(train.n_samples, MAX_MARKED)).astype(int)
        try:
            with np.errstate(all="ignore"):
                prediction = snapshot_outputs(snap, train.X[rows])
        except (SimulatorError, ValueError):
            return self._say("The network cannot be evaluated on the data yet.")
        true_class = np.sum(prediction * train.y[rows], axis=1) - 1.0  # categorical: p(true class) - 1
        self.true_class = true_class[np.isfinite(true_class)]
        residuals = (prediction - train.y[rows]).ravel()
        residuals = residuals[np.isfinite(residuals)]
        self.residuals = residuals
        names = self._names()
        self._lay_out(names)
        self._fit_range(residuals)
        lo, hi = self._range
        key = (self._range, names, self.training_loss)
        if key != self._curve_key:
            self._curve_key = key
            self._draw_curves(names, lo, hi)
        for name in self.loss_curves:
            shown = name in names
            r = {CROSS_ENTROPY: residuals[np.abs(residuals) < 1.0],
                 CATEGORICAL: self.true_class}.get(name, residuals)
            if shown and r.size:
                value, gradient = loss_shape(name, r)
                self.loss_marks[name].setData(r, value)
                self.grad_marks[name].setData(r, gradient)
            else:
                self.loss_marks[name].setData([], [])
                self.grad_marks[name].setData([], [])
        self.caption.setText(self._caption(residuals, names))
        self.pages.setCurrentWidget(self.canvas)

    def _fit_range(self, residuals):
        """(-m, m) holding every residual; m moves in round steps and only when the residuals
        leave the range or shrink to a quarter of it, so the plot does not jitter."""
        biggest = float(np.abs(residuals).max()) * 1.1 if residuals.size else 0.0
        floor = 1.0 if self._task() == "classification" else 2.0
        m = nice_bound(biggest, floor=floor)
        if self._range is None or biggest > self._range[1] or m < self._range[1] / 4:
            self._range = (-m, m)

    def _lay_out(self, names):
        """One column per loss drawn; the training loss's title says it is the one in use."""
        if self._columns == (names, self.training_loss):
            return
        self._columns = (names, self.training_loss)
        self.canvas.ci.clear()
        first = None
        for col, name in enumerate(names):
            ours = name == self.training_loss
            title = f"{SHORT[name]}{' (in use)' if ours else ''}"
            self.loss_plots[name].setTitle(title, color=COLOURS[name], bold=ours)
            self.canvas.ci.addItem(self.loss_plots[name], row=0, col=col)
            self.canvas.ci.addItem(self.grad_plots[name], row=1, col=col)
            self.canvas.ci.layout.setColumnStretchFactor(col, 1)  # equal columns, whatever the titles
            if first is None:
                first = name
            else:
                self.loss_plots[name].setYLink(self.loss_plots[first])
                self.grad_plots[name].setYLink(self.grad_plots[first])

    def _draw_curves(self, names, lo, hi):
        r = np.linspace(lo, hi, CURVE_POINTS)
        drawn = {}
        for name in names:
            rr = {CROSS_ENTROPY: r[np.abs(r) < 0.999], CATEGORICAL: r[(r > -0.999) & (r <= 0.0)]}.get(name, r)
            value, gradient = loss_shape(name, rr)
            pen = pg.mkPen(COLOURS[name], width=4 if name == self.training_loss else 2)
            for curve, data in ((self.loss_curves[name], value), (self.grad_curves[name], gradient)):
                curve.setPen(pen)
                curve.setData(rr, data)
            drawn[name] = (value, gradient)
            for plot in (self.loss_plots[name], self.grad_plots[name]):
                # categorical residuals run from -1 (true class given 0) to 0 (given 1)
                plot.setXRange(*((-1.0, 0.0) if name == CATEGORICAL else (lo, hi)), padding=0.04)
        # cross-entropy runs to infinity at |r| = 1: the others set the height when there are others
        bounded = {n: v for n, v in drawn.items() if n not in LOG_LOSSES} or drawn
        if bounded:
            top = max(float(np.max(v)) for v, _ in bounded.values())
            steep = max(float(np.max(np.abs(g))) for _, g in bounded.values())
            first = names[0]
            self.loss_plots[first].setYRange(-0.05 * top, 1.05 * top, padding=0)
            self.grad_plots[first].setYRange(-1.1 * steep, 1.1 * steep, padding=0)

    def _caption(self, residuals, names):
        if not residuals.size:
            return "No residuals to mark."
        using = ""
        if self.training_loss is not None:
            try:
                using = f"Training uses {get_loss(self.training_loss).label} (the thick curves). "
            except SimulatorError:
                using = ""
        far = float(residuals[np.argmax(np.abs(residuals))])
        pulls = ", ".join(f"{SHORT[n]} {abs(float(loss_shape(n, [far])[1][0])):.3g}"
                          for n in names if n not in LOG_LOSSES or (n == CROSS_ENTROPY and abs(far) < 1.0))
        logits = (" For cross-entropy the pull is on the sigmoid's input z, and it is exactly r."
                  if CROSS_ENTROPY in names else "")
        if CATEGORICAL in names:
            logits += (" For categorical cross-entropy each dot is one example at r = p(true class) − 1, "
                       "and the pull on that class's logit z is exactly r.")
        return (f"{using}Top: the loss of one example against its residual r = prediction \u2212 target; "
                f"bottom: the gradient, how hard that example pulls its prediction. Each dot is one training "
                f"example. The furthest is {abs(far):.3g} from its target; its pull: {pulls}.{logits}")
