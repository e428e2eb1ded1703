"""Hidden space: the data as a hidden layer sees it, the input grid bent into that
space, and the output's decision line, straight there (simulator/hidden_space.py)."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPolygonF
from PySide6.QtWidgets import QComboBox, QGraphicsPolygonItem, QLabel, QVBoxLayout, QWidget

from simulator.hidden_space import DecisionLine, half_plane, hidden_space, input_grid_lines
from simulator.names import layer_title, neuron_symbol
from simulator.replay import network_from_snapshot

from ..theme import plot_colours
from .data_points import point_colours
from .lesson_support import LessonView
from .view_support import ACTIVATION_RANGE, class_colour, fit_view, grid_shape, style_plot

GRID_PEN = (120, 120, 120, 190)
LINE_COLOUR = "#c43c3c"


def _with_breaks(lines):
    """One (x, y) pair of arrays for many polylines, NaN between them (one item draws them all)."""
    if not lines:
        return np.zeros(0), np.zeros(0)
    gap = np.full((1, 2), np.nan)
    joined = np.concatenate([p for line in lines for p in (line, gap)])
    return joined[:, 0], joined[:, 1]


class HiddenSpaceView(LessonView):
    """The training points drawn in the space of two neurons (or two directions) of a hidden layer."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("The hidden layer whose space is drawn")
        self.axes_box = QComboBox()
        self.axes_box.setToolTip("Two neurons of the layer as the axes, or, for a wider layer, two directions: "
                                 "those in which the points spread most (principal components), or the "
                                 "output's own direction and the most spread across it")
        for box in (self.layer_box, self.axes_box):
            box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.add_control("Layer", self.layer_box)
        self.add_control("Axes", self.axes_box)
        self.controls.addStretch(1)
        self.layer_box.currentIndexChanged.connect(self._on_layer)
        self.axes_box.currentIndexChanged.connect(lambda _: self._reset_axes())
        self._structure = None
        self._axes_values = []
        self._axes = None  # last frame's, so directions keep their signs
        self._axes_fitted = False  # the view has been fitted to the points on these axes
        self.plot_widget = pg.PlotWidget(background=plot_colours()["background"])
        self.plot = self.plot_widget.getPlotItem()
        style_plot(self.plot)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.grid_h = pg.PlotDataItem(pen=pg.mkPen(GRID_PEN, width=1), connect="finite")
        self.grid_v = pg.PlotDataItem(pen=pg.mkPen(GRID_PEN, width=1, style=pg.QtCore.Qt.DashLine),
                                      connect="finite")
        self.points = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#303030", width=0.8))
        self.points.setZValue(10)
        self.decision = pg.InfiniteLine(pen=pg.mkPen(LINE_COLOUR, width=2.5), movable=False)
        for item in (self.grid_h, self.grid_v, self.points):
            self.plot.addItem(item)
        self.plot.addItem(self.decision, ignoreBounds=True)
        self.sides = []  # the two sides of the line, tinted with their classes' colours
        for k in (0, 1):
            side = QGraphicsPolygonItem()
            side.setPen(pg.mkPen(None))
            colour = pg.mkColor(class_colour(k))
            colour.setAlpha(40)
            side.setBrush(pg.mkBrush(colour))
            side.setZValue(-10)
            self.plot.addItem(side, ignoreBounds=True)
            self.sides.append(side)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {plot_colours()['text']}; padding: 2px 6px;")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.note)
        self.set_page(page)
        self.plot_widget.setToolTip(
            "Each dot is a training example, placed where the chosen hidden layer puts it. The grey lines "
            "are the input plane's grid lines (solid: x2 fixed, dashed: x1 fixed), carried through the "
            "network into this space. The red line is where the output's decision changes; each side is "
            "tinted with the colour of the class the network gives there.")

    def set_datasets(self, train, test):
        self._axes_fitted = False  # new data: fit the view to it afresh
        super().set_datasets(train, test)

    # ------------------------------------------------------------- choices
    def choice(self):
        """``(layer, axes)``: the layer, and ``(i, j)``, ``"pca"`` or ``"output"``."""
        k = self.axes_box.currentIndex()
        return self.layer_box.currentData(), self._axes_values[k] if 0 <= k < len(self._axes_values) else None

    def choose_axes(self, axes):
        """Show ``(i, j)``, ``"pca"`` or ``"output"`` if the layer offers it."""
        if axes in self._axes_values:
            self.axes_box.setCurrentIndex(self._axes_values.index(axes))

    def _rebuild_choices(self, sizes):
        hidden = [k for k in range(1, len(sizes) - 1) if sizes[k] >= 2]
        old = self.layer_box.currentData()
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        for k in hidden:
            self.layer_box.addItem(layer_title(k, len(sizes)), k)
        if old in hidden:
            self.layer_box.setCurrentIndex(hidden.index(old))
        self.layer_box.blockSignals(False)
        self._fill_axes(sizes)

    def _fill_axes(self, sizes):
        layer = self.layer_box.currentData()
        old = self.choice()[1]
        self.axes_box.blockSignals(True)
        self.axes_box.clear()
        self._axes_values = []
        if layer is not None:
            n = sizes[layer]
            if n > 2:
                self._axes_values += ["pca", "output"]
                self.axes_box.addItems(["Principal components", "Output's direction"])
            for i in range(n):
                for j in range(i + 1, n):
                    self._axes_values.append((i, j))
                    self.axes_box.addItem(f"{neuron_symbol((layer, i), sizes)} and {neuron_symbol((layer, j), sizes)}")
            self.axes_box.setCurrentIndex(self._axes_values.index(old) if old in self._axes_values else 0)
        self.axes_box.blockSignals(False)
        self._axes = None
        self._axes_fitted = False

    def _on_layer(self, _):
        if self.snapshot is not None:
            self._fill_axes(self.snapshot.sizes)
        self._reset_axes()

    def _reset_axes(self):
        self._axes = None
        self._axes_fitted = False
        self.refresh()

    # -------------------------------------------------------------- drawing
    def draw(self):
        snap = self.snapshot
        structure = tuple(snap.sizes)
        if structure != self._structure:
            self._structure = structure
            self._rebuild_choices(snap.sizes)
        layer, axes = self.choice()
        if layer is None or axes is None:
            return ("The hidden space needs a hidden layer of at least two neurons: insert a layer "
                    "between the inputs and the output.")
        train = self.data_fits()
        if train is None:
            return "The hidden space shows the training data: the data does not fit this network."
        network = network_from_snapshot(snap)
        rows, self._subset_note = self.subset(train)
        space = hidden_space(network, train.X[rows], layer, axes, self._grid_lines(snap, train), self._axes,
                             classify=train.task == "classification")
        self._axes = space.axes
        brushes = self._brushes(train)
        brushes = brushes if isinstance(rows, slice) else [brushes[k] for k in rows]
        self.points.setData(space.points[:, 0], space.points[:, 1], brush=brushes)
        n_lines = len(space.lines) // 2 if train.n_inputs == 2 else len(space.lines)
        self.grid_h.setData(*_with_breaks(space.lines[:n_lines]))
        self.grid_v.setData(*_with_breaks(space.lines[n_lines:]))
        self._draw_line(space, snap)
        if not self._label_axes(space.axes, snap, layer):
            self._fit(space.points)
        return None

    def _fit(self, points):
        """Fit the view to the data, not to the input grid's lines: bent through the network, they can
        reach far beyond it. It moves only when a point leaves it or the points fill less than a third
        of it, so it keeps still while training (and keeps a zoom the learner chose)."""
        points = points[np.isfinite(points).all(axis=1)]
        if not len(points):
            return
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        lo, hi = points.min(axis=0), points.max(axis=0)
        if self._axes_fitted and lo[0] >= x0 and hi[0] <= x1 and lo[1] >= y0 and hi[1] <= y1 and \
                3 * (hi[0] - lo[0]) >= x1 - x0 and 3 * (hi[1] - lo[1]) >= y1 - y0:
            return
        self._axes_fitted = True
        fit_view(self.plot, [(points[:, 0], points[:, 1])], margin=0.08)

    def _brushes(self, train):
        """One brush per point, shared between the points of a colour: the scatter draws each symbol once."""
        if getattr(self, "_brush_source", None) is not train:
            shared = {}
            self._brush_list = [shared.setdefault(c.rgba(), pg.mkBrush(c)) for c in point_colours(train)]
            self._brush_source = train
        return self._brush_list

    def _grid_lines(self, snap, train):
        if train.n_inputs > 2:
            return []
        shape = grid_shape(snap.grid)
        if shape is not None and shape.n_inputs == train.n_inputs:
            x_range, y_range = shape.x_range, shape.y_range
        else:
            lo, hi = train.X.min(axis=0), train.X.max(axis=0)
            x_range, y_range = (lo[0], hi[0]), (lo[-1], hi[-1])
        return input_grid_lines(x_range, y_range if train.n_inputs == 2 else None)

    def _draw_line(self, space, snap):
        line = space.line
        self.decision.setVisible(line is not None)
        for side in self.sides:
            side.setVisible(line is not None)
        if line is None:
            self.note.setText(f"No decision line: {space.reason}.")
            return
        n = line.normal
        self.decision.setPos(pg.Point(*(-line.offset * n / float(n @ n))))
        self.decision.setAngle(float(np.degrees(np.arctan2(-n[0], n[1]))))
        drawn = np.concatenate([space.points] + space.lines)
        lo, hi = drawn.min(axis=0), drawn.max(axis=0)
        reach = 100.0 * max(float(np.max(hi - lo)), 1.0)  # far beyond anything the view will show
        box = (lo[0] - reach, lo[1] - reach, hi[0] + reach, hi[1] + reach)
        for side, which in zip(self.sides, (DecisionLine(-n, -line.offset, 0.0, 1.0), line)):
            side.setPolygon(QPolygonF([QPointF(*p) for p in half_plane(which, box)]))
        output = snap.activations[-1]
        where = (f"z = {line.threshold:.3g}, where the {output} output is 0.5" if snap.sizes[-1] == 1
                 else "z2 = z1, where the two outputs are equal")
        text = f"Red line: the output's decision, {where}; each side is tinted with the class it gives."
        if line.agree < 1.0:
            text += (f" Drawn in a plane of the layer's space, it puts {line.agree:.0%} of the points on the "
                     "side the network does; the “Output's direction” axes make it exact.")
        self.note.setText(text + (f" Points {self._subset_note}." if self._subset_note else ""))

    def _label_axes(self, axes, snap, layer):
        """Name the axes; True when the range is fixed (a bounded activation's)."""
        fixed = False
        if axes.kind == "neurons":
            names = [f"a({neuron_symbol((layer, k), snap.sizes)})" for k in axes.neurons]
            bounds = ACTIVATION_RANGE.get(snap.activations[layer - 1])
            if bounds is not None:
                pad = 0.08 * (bounds[1] - bounds[0])
                self.plot.setRange(xRange=(bounds[0] - pad, bounds[1] + pad),
                                   yRange=(bounds[0] - pad, bounds[1] + pad), padding=0.0)
                fixed = True
        elif axes.kind == "pca":
            names = ["principal direction 1", "principal direction 2"]
        else:
            names = ["along the output's weights", "across them (most spread)"]
        colour = plot_colours()["text"]
        self.plot.setLabel("bottom", names[0], color=colour)
        self.plot.setLabel("left", names[1], color=colour)
        return fixed
