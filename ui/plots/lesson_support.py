"""What the lesson views (hidden space, derivative, chain rule) share: drawing only
when shown, a page that explains why there is nothing to draw, and the choice of an edge."""

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from simulator.errors import SimulatorError
from simulator.losses import get_loss
from simulator.names import neuron_symbol

from .deferred_draw import DeferredDraw
from .view_support import message_label

MAX_ROWS = 2000
"""The lesson views compute on the UI thread at frame rate: beyond this many training examples
they use an evenly spread subset of this size, and say so."""


class LessonView(DeferredDraw, QWidget):
    """A view fed with snapshots that computes only while it is on screen.

    Subclasses put their controls in ``self.controls`` (a row above the page),
    their drawing in ``self.page``, and implement ``draw()``, which returns
    None when it drew or the reason why it could not.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.snapshot = None
        self.train = None
        self.settings_source = None  # a callable returning the TrainingSettings (loss, rule)
        self._stale = False
        self.controls = QHBoxLayout()
        self.controls.setContentsMargins(6, 4, 6, 0)
        self.message = message_label()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.controls)
        layout.addWidget(self.pages, 1)

    def set_page(self, widget):
        self.page = widget
        self.pages.addWidget(widget)

    def add_control(self, label, widget):
        if label:
            self.controls.addWidget(QLabel(label))
        self.controls.addWidget(widget)

    # ------------------------------------------------------------ feeding
    def show_snapshot(self, snapshot):
        """Keep ``snapshot``; draw it now if the view is on screen, else when it is shown."""
        self.snapshot = snapshot
        self.refresh()

    def set_datasets(self, train, test):
        self.train = train
        self.refresh()

    def refresh(self):
        self.draw_or_defer()

    def _draw(self):
        self._stale = False
        if self.snapshot is None:
            reason = "This view appears once the network can be trained on the data."
        else:
            try:
                reason = self.draw()
            except (SimulatorError, ValueError, FloatingPointError) as error:
                reason = f"Nothing to draw: {error}."
        if reason:
            self.message.setText(reason)
            self.pages.setCurrentWidget(self.message)
        else:
            self.pages.setCurrentWidget(self.page)

    def draw(self):
        raise NotImplementedError

    # ------------------------------------------------------------ helpers
    def loss(self):
        """The training settings' Loss (L2 when no settings are known)."""
        settings = self.settings_source() if self.settings_source is not None else None
        return get_loss(settings.loss if settings is not None else "l2")

    def rule(self):
        settings = self.settings_source() if self.settings_source is not None else None
        return settings.rule if settings is not None else "backprop"

    @staticmethod
    def subset(train):
        """``(rows, note)``: every training example (rows ``slice(None)``, no note), or beyond
        MAX_ROWS an evenly spread MAX_ROWS of them, with a note saying so."""
        n = train.n_samples
        if n <= MAX_ROWS:
            return slice(None), ""
        rows = np.linspace(0, n - 1, MAX_ROWS).round().astype(int)
        return rows, f"on {MAX_ROWS:,} of the {n:,} training examples, evenly spread"

    def data_fits(self):
        """The training set, if its inputs and targets fit the snapshot's network (else None)."""
        snap, train = self.snapshot, self.train
        if train is None or train.n_samples == 0:
            return None
        if train.X.shape[1] != snap.sizes[0] or train.y.shape[1] != snap.sizes[-1]:
            return None
        return train


def snapshot_edges(snapshot):
    """Every edge of the snapshot's network, ``((src layer, index), (dst layer, index))``, in order."""
    out = []
    for (i, j), mask in sorted(snapshot.masks.items()):
        for s, d in zip(*np.nonzero(mask)):
            out.append(((i, int(s)), (j, int(d))))
    return out


class EdgeChoice(QComboBox):
    """A combo box of the network's edges ("x1 → h1.2"), kept in step with the snapshots.

    Signals
    -------
    edge_changed(object)
        The chosen ``(src, dst)``, or None.
    """

    edge_changed = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._edges = []
        self._wanted = None
        self.setMinimumContentsLength(12)
        self.setToolTip("The weight to look at; selecting an edge on the canvas chooses it too")
        self.currentIndexChanged.connect(self._on_index)

    def edge(self):
        k = self.currentIndex()
        return self._edges[k] if 0 <= k < len(self._edges) else None

    def set_snapshot(self, snapshot):
        """List the snapshot's edges (only rebuilt when they change)."""
        edges = snapshot_edges(snapshot)
        if edges == self._edges:
            return
        keep = self._wanted if self._wanted in edges else self.edge()
        self.blockSignals(True)
        self.clear()
        self._edges = edges
        for src, dst in edges:
            self.addItem(f"w({neuron_symbol(src, snapshot.sizes)} → {neuron_symbol(dst, snapshot.sizes)})")
        self.setCurrentIndex(edges.index(keep) if keep in edges else (0 if edges else -1))
        self.blockSignals(False)

    def choose(self, edge):
        """Choose ``edge`` (from the canvas) if it exists; remembered until it does."""
        if edge is None:
            return
        edge = (tuple(edge[0]), tuple(edge[1]))
        self._wanted = edge
        if edge in self._edges:
            self.setCurrentIndex(self._edges.index(edge))

    def _on_index(self, _):
        self._wanted = self.edge()
        self.edge_changed.emit(self._wanted)
