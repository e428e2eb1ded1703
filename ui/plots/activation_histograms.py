"""One histogram of activations per layer, with the share of dead and saturated units."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from simulator.names import layer_title

from .activation_stats import (BINS, SATURATED_SHARE, SATURATION_MARGIN, activations_over, count_layer,
                               rail_bars)
from .view_support import ACTIVATION_RANGE, activation_map, message_label, nice_bound, style_plot
from ..theme import plot_colours

MAX_TRAINING_ROWS = 256
"""Without a grid, the histograms run the network on at most this many training inputs."""
WARN = "#c43c3c"
PLOT_HEIGHT = 130
"""Pixels each layer's histogram keeps at least; more layers than fit scroll."""


def describe(counts):
    """The histogram's title from a layer's LayerCounts: its health in words, e.g.
    "3 of 8 dead (38%)", and whether to warn.

    Saturation is counted from the shaded bars themselves, and the title gives
    their total so it can be checked against the picture. An output unit near its
    rails is only a confident answer (with cross-entropy its gradient does not
    vanish), so saturation is reported for hidden layers only.
    """
    k, n = counts.flagged, counts.n_units
    if counts.kind == "dead":
        return f"{k} of {n} dead ({100 * k / n:.0f}%)", k > 0
    if counts.kind == "saturated":
        return f"{k} of {n} saturated, {100 * counts.band_share:.0f}% in red", k > 0
    return "", False


class LayerHistograms(QWidget):
    """A column of small histograms, one per layer after the inputs."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.train = None
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground(plot_colours()["background"])
        self.plots, self.curves, self.edges, self.y_tops, self.titles = [], [], [], [], []
        self._key = None
        self.source = ""
        self.message = message_label("The activations of every layer appear here once the network "
                                     "has been trained for a step.")
        # a deep network's histograms keep a readable height and scroll
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.NoFrame)
        self.scroll.setWidget(self.canvas)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.message)
        self.pages.addWidget(self.scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def set_datasets(self, train, test):
        self.train = train

    def show_snapshot(self, snapshot):
        """Count the snapshot's activations: over its grid, else over training inputs."""
        if snapshot is None:
            return self._say("The activations of every layer appear here once the network has been "
                             "trained for a step.")
        layers = self._activations(snapshot)
        if layers is None:
            return self._say("There is no grid and no training data to run the network on, so "
                             "there are no activations to count.")
        key = (tuple(snapshot.sizes), tuple(snapshot.activations), self.source)
        if key != self._key:
            self._rebuild(snapshot)
            self._key = key
        for k, a in enumerate(layers[1:]):
            name = snapshot.activations[k]
            lo, hi = self.edges[k][0], self.edges[k][-1]
            if name not in ACTIVATION_RANGE:
                biggest = np.abs(a[np.isfinite(a)]).max() if np.isfinite(a).any() else 0.0
                if biggest > hi:  # unbounded units: the range only grows, so bars do not jump
                    hi = nice_bound(biggest)
                    lo = 0.0 if name == "relu" else -hi
                    self.edges[k] = np.linspace(lo, hi, BINS + 1)
                    self.plots[k].setXRange(lo, hi, padding=0.02)
                    self.curves[k].setBrush(self._bar_brush(name, lo, hi))
            counts = count_layer(name, a, self.edges[k], output=k == len(layers) - 2)
            shares = counts.shares
            top = shares.max() if shares.size else 0.0
            if top > self.y_tops[k]:
                self.y_tops[k] = nice_bound(top, floor=0.05)
                self.plots[k].setYRange(0.0, self.y_tops[k], padding=0.0)
                self._share_ticks(self.plots[k], self.y_tops[k])
            self.curves[k].setData(self.edges[k], shares)
            text, warn = describe(counts)
            # two lines: a narrow pane keeps the whole title and the axis in view
            title = f"{self.titles[k]}<br>{text}" if text else self.titles[k]
            if title != self.plots[k].titleLabel.text:  # laying out a label costs more than the bars
                self.plots[k].setTitle(title, color=WARN if warn else "#333333", size="9pt")
        self.pages.setCurrentWidget(self.scroll)

    # ------------------------------------------------------------- internals
    def _say(self, text):
        self.message.setText(text)
        self.pages.setCurrentWidget(self.message)
        self._key = None

    def _activations(self, snapshot):
        if snapshot.grid_activations and snapshot.grid is not None:
            self.source = f"the {len(snapshot.grid):,} points of the grid the output view draws"
            return snapshot.grid_activations
        train = self.train
        if train is None or train.n_inputs != snapshot.sizes[0] or train.n_samples == 0:
            return None
        X = train.X[:MAX_TRAINING_ROWS]
        self.source = f"{len(X):,} training inputs"
        return activations_over(snapshot, X)

    @staticmethod
    def _bar_brush(name, lo, hi):
        """Bars coloured by their value with the canvas's map, over the colour levels the
        maps use: a bar in the orange end holds the values a neuron map shows orange."""
        if name in ACTIVATION_RANGE:
            lo, hi = ACTIVATION_RANGE[name]
        else:
            hi = max(abs(lo), abs(hi))
            lo = -hi
        return activation_map(0.85).getBrush(span=(lo, hi), orientation="horizontal")

    @staticmethod
    def _share_ticks(plot, top):
        # two labels (0 and the top) in a plot a few lines high, never a pile of them
        plot.getAxis("left").setTicks([[(0.0, "0"), (top, f"{top:g}")], []])

    def _rebuild(self, snapshot):
        self.canvas.clear()
        self.plots, self.curves, self.edges, self.y_tops, self.titles = [], [], [], [], []
        n_layers = len(snapshot.sizes)
        for k, name in enumerate(snapshot.activations, start=1):
            hidden = k < n_layers - 1
            plot = self.canvas.addPlot(row=k - 1, col=0)
            style_plot(plot)
            plot.setMouseEnabled(x=False, y=False)
            left = plot.getAxis("left")
            left.enableAutoSIPrefix(False)  # shares read 0.2, not 200 x 0.001
            left.setWidth(48)
            lo, hi = ACTIVATION_RANGE.get(name, (0.0 if name == "relu" else -1.0, 1.0))
            edges = np.linspace(lo, hi, BINS + 1)
            bars = rail_bars(name, BINS) if hidden else None
            if bars is not None:
                # the bands where a unit counts as saturated: exactly the bars counted (activation_stats.py)
                k_bars = int(bars[:BINS // 2].sum())
                for band in ((edges[0] - 1.0, edges[k_bars]), (edges[-1 - k_bars], edges[-1] + 1.0)):
                    plot.addItem(pg.LinearRegionItem(band, movable=False, brush=pg.mkBrush(196, 60, 60, 40),
                                                     pen=pg.mkPen(None)))
            curve = pg.PlotCurveItem(x=edges, y=np.zeros(BINS), stepMode="center", fillLevel=0.0,
                                     pen=pg.mkPen(plot_colours()["axis"], width=1.0),
                                     brush=self._bar_brush(name, lo, hi))
            plot.addItem(curve)
            plot.setXRange(lo, hi, padding=0.02)
            plot.setYRange(0.0, 0.05, padding=0.0)
            self._share_ticks(plot, 0.05)
            plot.setLabel("bottom", f"a = {name}(z), {snapshot.sizes[k]} unit{'s' if snapshot.sizes[k] != 1 else ''}")
            plot.setLabel("left", "share")
            self.plots.append(plot)
            self.curves.append(curve)
            self.edges.append(edges)
            self.y_tops.append(0.05)
            self.titles.append(layer_title(k, n_layers))
        self.canvas.setMinimumHeight(PLOT_HEIGHT * len(self.plots))
        self.canvas.setToolTip(
            f"Each histogram: the share of all of a layer's activations a = f(z) over {self.source} "
            f"falling in each bar. A ReLU unit is dead when a ≤ 0 at every one of these inputs: it "
            f"passes no gradient back and stops learning. A sigmoid or tanh unit is saturated when a is "
            f"within {SATURATION_MARGIN:.0%} of its range from a rail (shaded red) for at least "
            f"{SATURATED_SHARE:.0%} of the inputs: there its slope f'(z) is under a tenth of its peak, "
            f"so little gradient gets through. The title's share of values in the red bands is the sum "
            f"of the shaded bars. Bars are coloured by their value as the neuron maps are. NaN values "
            f"are not counted.")
