"""The network's output over its input space, with the data drawn on top.

Two inputs: a heat map of the output over the plane (one output), or coloured
regions (several classes: the class of the largest output, paler where the
network is less sure). One input: the data and the network's curve. Any other
number of inputs has no plane to draw on, and the view says so.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from simulator.names import neuron_name

from .data_points import DataPoints
from .point_drawing import DrawControls, PointDrawing
from .view_support import (DECISION_THRESHOLD, MAP_STRENGTH, NEUTRAL, GridShape, activation_map, as_image,
                           class_colour, fit_view, grid_shape, label_colour_bar, map_plot, nice_bound, place_legend,
                           translucent_legend)

NO_SNAPSHOT = "The network's output appears here once it has been trained for a step."
REGRESSION_BANDS = 5
"""Discretised regression output: this many bands on each side of zero."""


def output_mode(n_inputs, n_outputs, task):
    """Which picture the output needs: "map", "regions", "curve" or None (nothing to draw)."""
    if n_inputs == 2:
        return "regions" if n_outputs > 1 and task == "classification" else "map"
    return "curve" if n_inputs == 1 else None


def region_colours(probabilities, discretise=False):
    """RGBA uint8 colours for several classes: the class of the largest output,
    faded towards white as the network grows less sure.

    Parameters
    ----------
    probabilities : ndarray of shape (g, k)
    discretise : bool
        Full colour everywhere, whatever the confidence.

    Returns
    -------
    ndarray of uint8, shape (g, 4)
        Transparent where any output is not a number.
    """
    g, k = probabilities.shape
    bad = ~np.isfinite(probabilities).all(axis=1)
    p = np.where(bad[:, None], 0.0, probabilities)
    winner = p.argmax(axis=1)
    if discretise:
        strength = np.ones(g)
    else:
        # the largest output runs from 1/k (no idea) to 1 (certain)
        strength = np.clip((p.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
        strength = 0.15 + 0.85 * strength
    strength = strength * MAP_STRENGTH
    palette = np.array([pg.mkColor(class_colour(c)).getRgb()[:3] for c in range(k)], dtype=float)
    white = np.array(pg.mkColor(NEUTRAL).getRgb()[:3], dtype=float)
    rgb = white + (palette[winner] - white) * strength[:, None]
    out = np.empty((g, 4), dtype=np.uint8)
    out[:, :3] = np.round(rgb)
    out[:, 3] = np.where(bad, 0, 255)
    return out


class OutputMap(QWidget):
    """The output view. Feed it with ``show_snapshot`` and ``set_datasets``.

    Signals
    -------
    sample_clicked(str, int)
        ``("train" or "test", row)`` when a data point is clicked.
    point_added(tuple, object), point_removed(str, int), point_moved(str, int, tuple, object, object),
    points_drawn(list)
        A point drawn, taken away or dragged, or a curve of points drawn with "Draw points" on (see point_drawing.py).
    """

    sample_clicked = Signal(str, int)
    point_added = Signal(tuple, object)
    point_removed = Signal(str, int)
    point_moved = Signal(str, int, tuple, object, object)
    points_drawn = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.train = self.test = None
        self.snapshot = None
        self.mode = None
        self._key = None
        self._levels = (0.0, 1.0)
        self._target_bound = None
        self._pending_rect = None
        self._legend_pending = False
        self.discretise = QCheckBox("Discretise")
        self.discretise.setToolTip("Show only the decision: which class (or which band of values) "
                                   "the network gives each point, without the shades in between.")
        self.discretise.toggled.connect(self._redraw)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.discretise)

        parts = map_plot(NO_SNAPSHOT, activation_map(MAP_STRENGTH), (0.0, 1.0))
        self.canvas, self.plot, self.nan_patch = parts.canvas, parts.plot, parts.nan_patch
        self.image, self.colour_bar, self.message, self.pages = parts.image, parts.colour_bar, parts.message, parts.pages
        self.colour_map = self.image.getColorMap()
        # several classes: one RGBA image of their colours, apart from the value map and its levels
        self.regions = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.regions)
        self.curves = []
        self.legend = translucent_legend(self.plot)
        self.points = DataPoints(self.plot)
        self.points.sample_clicked.connect(self.sample_clicked)
        self.plot.getViewBox().sigResized.connect(self._place_legend)
        self.draw_controls = DrawControls()
        self.drawing = PointDrawing(self.points, self.draw_controls)
        self.drawing.point_added.connect(self.point_added)
        self.drawing.point_removed.connect(self.point_removed)
        self.drawing.point_moved.connect(self.point_moved)
        self.drawing.points_drawn.connect(self.points_drawn)
        self.drawing.drag_finished.connect(self._on_drag_finished)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.draw_controls)
        layout.addWidget(self.pages, 1)
        self._say(NO_SNAPSHOT)

    # ----------------------------------------------------------------- input
    def set_datasets(self, train, test):
        """Use new data (Dataset objects, either may be None); redraws the points."""
        self.train, self.test = train, test
        self.draw_controls.set_dataset(train if train is not None else test)
        targets = [d.y[:, 0] for d in (train, test) if d is not None and d.task == "regression"]
        self._target_bound = (nice_bound(max(float(np.abs(t).max()) for t in targets if len(t)), floor=0.1)
                              if any(len(t) for t in targets) else None)
        self._key = None
        self._redraw()

    def _on_drag_finished(self):
        self._key = None  # fit the view to the moved point
        self._redraw()

    def show_snapshot(self, snapshot):
        """Draw the output of ``snapshot`` (None: nothing yet)."""
        self.snapshot = snapshot
        self._redraw()

    # --------------------------------------------------------------- drawing
    def _task(self, snapshot):
        data = self.train or self.test
        if data is not None and data.n_outputs == snapshot.sizes[-1]:
            return data.task
        return "classification" if snapshot.activations[-1] in ("sigmoid", "softmax", "step") else "regression"

    def _say(self, text):
        self.message.setText(text)
        self.pages.setCurrentWidget(self.message)
        self.discretise.setEnabled(False)
        self.caption.setText("")
        self.mode = None
        self._key = None

    def _redraw(self):
        snap = self.snapshot
        if snap is None:
            return self._say(NO_SNAPSHOT)
        n_in, n_out = snap.sizes[0], snap.sizes[-1]
        task = self._task(snap)
        mode = output_mode(n_in, n_out, task)
        if mode is None:
            return self._say(f"The output can be drawn over one input (as a curve) or two (as a map), "
                             f"but this network has {n_in} inputs: there is no plane to draw it on. "
                             "The loss plot shows how training goes.")
        shape = grid_shape(snap.grid)
        if shape is None or shape.n_inputs != n_in or not snap.grid_activations:
            return self._say("This snapshot carries no grid of inputs to draw the output on.")
        key = (mode, shape, n_out, task, snap.activations[-1])
        if key != self._key:
            self._rebuild(mode, shape, n_out, task, snap)
            self._key, self.mode = key, mode
        out = snap.grid_activations[-1]
        if mode == "map":
            self._draw_map(out[:, 0], shape.n, task)
        elif mode == "regions":
            rgba = region_colours(out, self.discretise.isChecked())
            self.regions.setImage(rgba.reshape(shape.n, shape.n, 4), autoLevels=False)
        if self._pending_rect is not None and mode != "curve":
            (self.image if mode == "map" else self.regions).setRect(self._pending_rect)
            self._pending_rect = None
        if mode == "curve":
            self._draw_curves(snap.grid[:, 0], out, task)
            if self._legend_pending:  # now that the curves are drawn, keep the legend off them
                self._legend_pending = False
                self._place_legend()
        self.pages.setCurrentWidget(self.canvas)

    def _draw_map(self, values, n, task):
        if task == "regression" and self._target_bound is None:
            # no data to fix the scale: it only ever grows, in round steps, so colours stay put
            finite = np.abs(values[np.isfinite(values)])
            if finite.size and finite.max() > self._levels[1]:
                bound = nice_bound(finite.max())
                self._levels = (-bound, bound)
                self.colour_bar.setLevels(self._levels)
        if self.discretise.isChecked():
            if task == "classification":
                values = np.where(values > DECISION_THRESHOLD, 1.0, 0.0) + values * 0.0  # keeps NaN
            else:
                step = self._levels[1] / REGRESSION_BANDS
                values = (np.floor(values / step) + 0.5) * step
        self.image.setImage(as_image(values, n), autoLevels=False, levels=self._levels)

    def _draw_curves(self, x, out, task):
        step = self.discretise.isChecked() and task == "classification"
        for j, curve in enumerate(self.curves):
            y = out[:, j]
            if step:
                y = np.where(y > DECISION_THRESHOLD, 1.0, 0.0) if out.shape[1] == 1 else \
                    (out.argmax(axis=1) == j).astype(np.float32)
            curve.setData(x, y, connect="finite")

    def _rebuild(self, mode, shape: GridShape, n_out, task, snap):
        """Set the items up for a new kind of picture (mode, grid, outputs or task changed)."""
        names = self._names(snap, task)
        features = (self.train or self.test).feature_names if (self.train or self.test) else ("x1", "x2")
        for curve in self.curves:
            self.plot.removeItem(curve)
        self.curves = []
        self.legend.clear()
        self.image.setVisible(mode == "map")
        self.regions.setVisible(mode == "regions")
        self.nan_patch.setVisible(mode != "curve")
        self.colour_bar.setVisible(mode == "map")
        self.legend.setVisible(mode != "map")
        self.discretise.setEnabled(not (mode == "curve" and task == "regression"))
        if mode == "curve":
            self._setup_curves(shape, n_out, task, names, features)
        else:
            self._setup_plane(mode, shape, n_out, task, names, features, snap)
        value_map = self.colour_map if mode == "map" and task == "regression" else None
        self.points.set_points(self.train, self.test, shape.n_inputs, value_map, self._levels)
        if self.drawing.dragging is None:  # while a point is dragged the view holds still under the mouse
            self._fit(mode, shape, task)
        self._set_tooltip(mode, task, n_out)
        self._place_legend()
        self._legend_pending = mode == "curve"

    def _fit(self, mode, shape, task):
        """Fill the plot with the grid and every data point, test points too, with a small margin."""
        shown = [self.points.positions["train"], self.points.positions["test"]]
        if mode != "curve":
            r = shape.image_rect()
            return fit_view(self.plot, shown, (r.left(), r.right(), r.top(), r.bottom()), square=True)
        (x0, x1), any_points = shape.x_range, any(len(x) for x, _ in shown)
        y = (-0.1, 1.1) if task == "classification" else (np.inf, -np.inf) if any_points else (-1.0, 1.0)
        return fit_view(self.plot, shown, (x0, x1, *y), margin=0.04 if task == "classification" else 0.12)

    def _place_legend(self, *_):
        """Move the legend to the corner where it hides the fewest points (it can also be dragged)."""
        if self.mode is None and not self.curves and not self.legend.items:
            return
        shown = [self.points.positions["train"], self.points.positions["test"]]
        curves = [curve.getData() for curve in self.curves if curve.getData()[0] is not None]
        place_legend(self.legend, self.plot, shown, curves)

    def _names(self, snap, task):
        """Class names (at least two) for classification, else the output neurons' names."""
        data = self.train or self.test
        n_out = snap.sizes[-1]
        if task == "classification":
            if data is not None and data.n_outputs == n_out and len(data.target_names) >= max(n_out, 2):
                return list(data.target_names)
            return [f"class {k}" for k in range(max(n_out, 2))]
        return [neuron_name((len(snap.sizes) - 1, j), snap.sizes) for j in range(n_out)]

    def _setup_plane(self, mode, shape, n_out, task, names, features, snap):
        rect = shape.image_rect()
        self._pending_rect = rect  # placed after setImage: setRect scales by the image's size
        self.nan_patch.setRect(rect)
        self.plot.setLabel("bottom", features[0])
        self.plot.setLabel("left", features[1] if len(features) > 1 else "x2")
        if mode == "map":
            if task == "classification":
                self._levels = (0.0, 1.0)
                label = f"ŷ: above {DECISION_THRESHOLD:g} means {names[1]}"
                self.caption.setText(f"Network output ŷ over the input plane: {names[1]} (blue) "
                                     f"against {names[0]} (orange). Dots: training data, rings: test data.")
            else:
                out = np.abs(snap.grid_activations[-1][:, 0])
                finite = out[np.isfinite(out)]
                bound = self._target_bound or nice_bound(finite.max() if finite.size else 1.0)
                self._levels = (-bound, bound)
                label = "ŷ (network output)"
                first = f" (the first of {n_out} outputs, {names[0]})" if n_out > 1 else ""
                self.caption.setText(f"Network output ŷ{first} over the input plane; the dots are coloured "
                                     "by their target on the same scale (rings: test data).")
            self.colour_bar.setLevels(self._levels)
            label_colour_bar(self.colour_bar, label)
            self.image.setColorMap(self.colour_map)
        else:
            for k in range(n_out):
                self.legend.addItem(pg.ScatterPlotItem(symbol="s", size=12, brush=class_colour(k),
                                                       pen=None), names[k])
            self.caption.setText("Each point of the plane gets the colour of the class with the largest "
                                 "output, paler where the network is less sure. Dots: training data, "
                                 "rings: test data.")

    def _setup_curves(self, shape, n_out, task, names, features):
        self.plot.setLabel("bottom", features[0])
        colours = ([class_colour(1)] if n_out == 1 else [class_colour(j) for j in range(n_out)]) \
            if task == "classification" else ["#222222"] + [class_colour(j) for j in range(1, n_out)]
        for j in range(n_out):
            curve = pg.PlotDataItem(pen=pg.mkPen(colours[j], width=2.5))
            curve.setZValue(5)
            self.plot.addItem(curve)
            self.curves.append(curve)
            label = f"P({names[1]})" if task == "classification" and n_out == 1 else \
                (f"P({names[j]})" if task == "classification" else f"network {names[j]}")
            self.legend.addItem(curve, label)
        if task == "classification":
            self.plot.setLabel("left", "probability / class")
            self.caption.setText("The network's output along the input; the dots sit at their class "
                                 "(rings: test data).")
        else:
            self.plot.setLabel("left", "y and ŷ")  # the legend says which is which
            self.caption.setText("The data (dots; rings: test data) and the network's curve ŷ(x).")
        self.legend.addItem(self.points.train, "training data")
        if self.test is not None and self.test.n_samples:
            self.legend.addItem(self.points.test, "test data")

    def _set_tooltip(self, mode, task, n_out):
        if mode == "map" and task == "classification":
            tip = ("Colour: ŷ(x1, x2) = the network's output at each point of the plane, from 0 (orange) "
                   f"to 1 (blue), the canvas's colours. The network says class 1 where ŷ > "
                   f"{DECISION_THRESHOLD:g}: the pale band between orange and blue is its decision boundary.")
        elif mode == "map":
            tip = ("Colour: ŷ(x1, x2) = the network's output at each point of the plane, on a scale "
                   "centred on 0 (white), blue above and orange below. Each dot is coloured by its target y on the same scale, so a "
                   "dot that matches its background is fitted well.")
        elif mode == "regions":
            tip = ("Colour: the class argmax_k ŷ_k(x1, x2) the network picks at each point. Shade: how "
                   f"sure it is, from max_k ŷ_k = 1/{n_out} (pale, a guess) to 1 (full colour).")
        else:
            tip = "The network's output ŷ(x) at each x, drawn over the data."
        self.canvas.setToolTip(tip + " Filled dots: training data; rings: test data, which the network "
                               "never trains on. Grey: the output is not a number. Click a dot to trace "
                               "that example through the network.")
