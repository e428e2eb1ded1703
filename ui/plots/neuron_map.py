"""One neuron's activation over the input plane (a curve for one input), large."""

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from simulator.names import neuron_name

from .view_support import (ACTIVATION_RANGE, CLASS_COLOURS, activation_levels, activation_map, as_image,
                           fit_view, grid_shape, label_colour_bar, map_plot)

CHOOSE = "Select a neuron on the canvas to see its activation over the input plane here."


class NeuronMap(QWidget):
    """The chosen neuron's activation a(x) over the evaluation grid of a snapshot."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.neuron = None
        self.snapshot = None
        self.train = None
        self._key = None
        self._levels = (-1.0, 1.0)
        self._pending_rect = False
        parts = map_plot(CHOOSE, activation_map(), self._levels)
        self.canvas, self.plot, self.nan_patch = parts.canvas, parts.plot, parts.nan_patch
        self.image, self.colour_bar, self.message, self.pages = parts.image, parts.colour_bar, parts.message, parts.pages
        self.curve = pg.PlotDataItem(pen=pg.mkPen(CLASS_COLOURS[1], width=2.5))
        self.plot.addItem(self.curve)
        # the training inputs, small and neutral, so the learner can see where the data lies
        self.data = pg.ScatterPlotItem(size=4, brush=pg.mkBrush(40, 40, 40, 150), pen=None)
        self.data.setZValue(10)
        self.plot.addItem(self.data)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def set_datasets(self, train, test):
        self.train = train
        self._key = None
        self._redraw()

    def set_neuron(self, neuron):
        """Show ``(layer, index)`` (None: no neuron chosen)."""
        self.neuron = None if neuron is None else (int(neuron[0]), int(neuron[1]))
        self._key = None
        self._redraw()

    def show_snapshot(self, snapshot):
        self.snapshot = snapshot
        self._redraw()

    def values(self):
        """The chosen neuron's activation at every grid point (None when there is nothing to show)."""
        snap, neuron = self.snapshot, self.neuron
        if snap is None or neuron is None or not snap.grid_activations:
            return None
        layer, index = neuron
        if not (0 <= layer < len(snap.sizes) and 0 <= index < snap.sizes[layer]):
            return None
        return snap.grid_activations[layer][:, index]

    # ------------------------------------------------------------- internals
    def _say(self, text):
        self.message.setText(text)
        self.pages.setCurrentWidget(self.message)
        self._key = None

    def _redraw(self):
        snap = self.snapshot
        if self.neuron is None:
            return self._say(CHOOSE)
        if snap is None:
            return self._say("The neuron's activation appears here once the network has been trained "
                             "for a step.")
        values = self.values()
        shape = grid_shape(snap.grid)
        if values is None and shape is not None:
            return self._say(CHOOSE)  # the chosen neuron no longer exists
        if shape is None:
            return self._say(f"A neuron's activation can be drawn over one or two inputs; this network "
                             f"has {snap.sizes[0]}, so there is no plane to draw it on.")
        layer, index = self.neuron
        name = "linear" if layer == 0 else snap.activations[layer - 1]
        key = (shape, self.neuron, name, tuple(snap.sizes))
        if key != self._key:
            self._rebuild(shape, name, snap)
            self._key = key
        if shape.n_inputs == 2:
            levels = activation_levels(name, values, self._levels)
            if levels != self._levels:
                self._levels = levels
                self.colour_bar.setLevels(levels)
            first = self.image.image is None
            self.image.setImage(as_image(values, shape.n), autoLevels=False, levels=self._levels)
            if first or self._pending_rect:
                self.image.setRect(shape.image_rect())  # after setImage: it scales by the image's size
                self._pending_rect = False
        else:
            self.curve.setData(snap.grid[:, 0], values, connect="finite")
        self.pages.setCurrentWidget(self.canvas)

    def _rebuild(self, shape, name, snap):
        layer, index = self.neuron
        who = neuron_name(self.neuron, snap.sizes)
        features = self.train.feature_names if self.train is not None else ("x1", "x2")
        plane = shape.n_inputs == 2
        self.image.setVisible(plane)
        self.nan_patch.setVisible(plane)
        self.colour_bar.setVisible(plane)
        self.curve.setVisible(not plane)
        self.plot.setTitle(f"Activation of {who} ({name})", color="#333333", size="10pt")
        self.plot.setLabel("bottom", features[0])
        train = self.train if self.train is not None and self.train.n_inputs == shape.n_inputs else None
        if plane:
            self._levels = activation_levels(name, self.values(), None)
            self.colour_bar.setLevels(self._levels)
            label_colour_bar(self.colour_bar, f"a ({name})")
            rect = shape.image_rect()
            self._pending_rect = True
            self.nan_patch.setRect(rect)
            self.plot.setLabel("left", features[1] if len(features) > 1 else "x2")
            self.data.setData(*(train.X.T[:2] if train is not None else ([], [])))
            fit_view(self.plot, [train.X.T[:2]] if train is not None else [],
                     (rect.left(), rect.right(), rect.top(), rect.bottom()), square=True)
            self.canvas.setToolTip(
                f"Colour: the activation a = {name}(z) of {who} at each point (x1, x2) of the input "
                "plane, where z = Σ w·a(previous layers) + b: blue at the top of its range, orange at the "
                "bottom, as on the canvas. The line where the colour passes the middle of the scale is "
                "where this neuron switches. Dots: the training inputs. "
                "Grey: not a number.")
        else:
            self.plot.setAspectLocked(False)
            self.plot.setLabel("left", f"a ({name})")
            if name in ACTIVATION_RANGE:  # a bounded curve keeps still
                self.plot.setRange(xRange=shape.x_range, yRange=ACTIVATION_RANGE[name], padding=0.05)
            else:
                self.plot.enableAutoRange()
            self.data.setData([], [])
            self.canvas.setToolTip(f"The activation a = {name}(z) of {who} for each input x, where "
                                   "z = Σ w·a(previous layers) + b.")
