"""Activations: a histogram per layer beside a large map of one chosen neuron."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from .activation_histograms import LayerHistograms
from .deferred_draw import DeferredDraw
from .neuron_map import NeuronMap


class ActivationView(DeferredDraw, QWidget):
    """Per-layer activation histograms (left) and the chosen neuron's map (right)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.snapshot = None
        self._stale = False
        self.histograms = LayerHistograms()
        self.neuron_map = NeuronMap()
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.histograms)
        splitter.addWidget(self.neuron_map)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        self.histograms.setMinimumWidth(240)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def show_snapshot(self, snapshot):
        """Draw the snapshot's activations (None: nothing yet).

        While the view is hidden (another tab in front) it only keeps the
        snapshot, and draws the newest when it is shown again.
        """
        self.snapshot = snapshot
        self.draw_or_defer()

    def _draw(self):
        self._stale = False
        self.histograms.show_snapshot(self.snapshot)
        self.neuron_map.show_snapshot(self.snapshot)

    def set_datasets(self, train, test):
        """Use new data (Dataset objects or None)."""
        self.histograms.set_datasets(train, test)
        self.neuron_map.set_datasets(train, test)

    def set_neuron(self, neuron):
        """Show ``(layer, index)`` large, or None for no neuron."""
        self.neuron_map.set_neuron(neuron)
