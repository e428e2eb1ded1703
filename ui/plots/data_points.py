"""The data drawn over the output view: training points filled, test points hollow,
and which one a click lands on."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal

from .view_support import class_colour

CLICK_RADIUS = 6.0
"""How far (in pixels) from a point a click may land and still pick it."""

TRAIN_SIZE, TEST_SIZE = 9, 10


def point_positions(dataset, n_inputs):
    """Where each sample is drawn: (x, y) arrays of float64.

    Two inputs: the inputs themselves. One input: x is the input and y the
    target (for classification, the class index with two classes, else 1.0,
    the top of the per-class probability curves).
    """
    X = dataset.X
    if n_inputs == 2:
        return X[:, 0].astype(float), X[:, 1].astype(float)
    if dataset.task == "classification":
        y = dataset.labels.astype(float) if dataset.n_classes == 2 else np.ones(len(X))
        return X[:, 0].astype(float), y
    return X[:, 0].astype(float), dataset.y[:, 0].astype(float)


def point_colours(dataset, value_map=None, levels=(-1.0, 1.0)):
    """One QColor per sample: its class colour, or its target through ``value_map``."""
    if dataset.task == "classification":
        palette = [pg.mkColor(class_colour(k)) for k in range(max(dataset.n_classes, 2))]
        return [palette[k] for k in dataset.labels]
    if value_map is None:
        return [pg.mkColor("#444444")] * dataset.n_samples
    lo, hi = levels
    scaled = np.clip((dataset.y[:, 0] - lo) / (hi - lo), 0.0, 1.0)
    return list(value_map.map(scaled, mode="qcolor"))


class DataPoints(QObject):
    """Two scatter items (training, test) on a plot, and click picking.

    Signals
    -------
    sample_clicked(str, int)
        ``("train" or "test", row)`` of the point nearest a left click, if
        within ``CLICK_RADIUS`` pixels.
    """

    sample_clicked = Signal(str, int)

    def __init__(self, plot):
        super().__init__()
        self.plot = plot
        self.train = pg.ScatterPlotItem(size=TRAIN_SIZE, pen=pg.mkPen("#303030", width=0.8),
                                        pxMode=True, name="training points")
        # A test point is a ring in its class colour over a darker, wider ring,
        # so it stays visible on a region of its own colour.
        self.test_halo = pg.ScatterPlotItem(size=TEST_SIZE, pen=pg.mkPen("#202020", width=3.6),
                                            brush=None, pxMode=True)
        self.test = pg.ScatterPlotItem(size=TEST_SIZE, brush=None, pxMode=True, name="test points")
        for item in (self.train, self.test_halo, self.test):
            item.setZValue(10)
            plot.addItem(item)
        self.positions = {"train": (np.zeros(0), np.zeros(0)), "test": (np.zeros(0), np.zeros(0))}
        self.picking = True  # off while points are drawn: a click then adds one
        plot.scene().sigMouseClicked.connect(self._on_click)

    def set_points(self, train, test, n_inputs, value_map=None, levels=(-1.0, 1.0)):
        """Draw the datasets (either may be None) for a view over ``n_inputs`` inputs."""
        for name, dataset in (("train", train), ("test", test)):
            if dataset is None or dataset.n_inputs != n_inputs or dataset.n_samples == 0:
                self.positions[name] = (np.zeros(0), np.zeros(0))
                colours = []
            else:
                self.positions[name] = point_positions(dataset, n_inputs)
                colours = point_colours(dataset, value_map, levels)
            x, y = self.positions[name]
            # the legend draws an item's default brush and pen: the points' own colour when they
            # share one, else a neutral grey
            common = colours[0] if colours and all(c == colours[0] for c in colours) else pg.mkColor("#808080")
            if name == "train":
                self.train.setBrush(common, update=False)
                self.train.setData(x=x, y=y, brush=colours)
            else:
                self.test.setPen(pg.mkPen(common, width=2.0), update=False)
                self.test_halo.setData(x=x, y=y)
                self.test.setData(x=x, y=y, pen=[pg.mkPen(c, width=2.0) for c in colours])

    def pick(self, x, y, radius=CLICK_RADIUS):
        """``(name, row)`` of the point nearest the view position (x, y) within ``radius`` pixels, or None."""
        sx, sy = self.plot.getViewBox().viewPixelSize()
        if not (sx > 0 and sy > 0):
            return None
        best = None
        for name, (px, py) in self.positions.items():
            if not len(px):
                continue
            d2 = ((px - x) / sx) ** 2 + ((py - y) / sy) ** 2
            i = int(np.argmin(d2))
            if d2[i] <= radius ** 2 and (best is None or d2[i] < best[0]):
                best = (d2[i], name, i)
        return None if best is None else best[1:]

    def _on_click(self, event):
        if event.button() != Qt.LeftButton or not self.picking or not self.train.isVisible():
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        pos = vb.mapSceneToView(event.scenePos())
        hit = self.pick(pos.x(), pos.y())
        if hit is not None:
            event.accept()
            self.sample_clicked.emit(*hit)
