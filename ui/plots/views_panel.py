"""The training views in one widget: output, activations, gradient flow."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from .activation_view import ActivationView
from .gradient_heatmap import GradientHeatmap
from .output_map import OutputMap


class TrainingViews(QWidget):
    """Tabs holding the output view, the activations and the gradient flow.

    The main window adds this one widget, calls ``show_snapshot`` with the
    newest snapshot on its redraw timer, ``set_datasets`` when the data
    changes and ``set_neuron`` when the selection does.

    Signals
    -------
    sample_clicked(str, int)
        ``("train" or "test", row)`` of a data point clicked in the output view.
    """

    sample_clicked = Signal(str, int)
    point_added = Signal(tuple, object)  # drawn on the output view (see point_drawing.py)
    point_removed = Signal(str, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.output = OutputMap()
        self.activations = ActivationView()
        self.gradients = GradientHeatmap()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.output, "Output")
        self.tabs.addTab(self.activations, "Activations")
        self.tabs.addTab(self.gradients, "Gradient flow")
        self.tabs.setTabToolTip(0, "The network's output over the input space, with the data.")
        self.tabs.setTabToolTip(1, "Each layer's activations, and the selected neuron's activation map.")
        self.tabs.setTabToolTip(2, "Each layer's gradient norm over training, on a log scale.")
        self.output.sample_clicked.connect(self.sample_clicked)
        self.output.point_added.connect(self.point_added)
        self.output.point_removed.connect(self.point_removed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` (a simulator Snapshot, or None before any training) in every view."""
        self.output.show_snapshot(snapshot)
        self.activations.show_snapshot(snapshot)
        self.gradients.show_snapshot(snapshot)

    def set_datasets(self, train, test):
        """The training and test Datasets (either may be None) changed; the gradient history restarts."""
        self.output.set_datasets(train, test)
        self.activations.set_datasets(train, test)
        self.gradients.set_datasets(train, test)

    def set_neuron(self, neuron):
        """Show ``(layer, index)`` large in the activations tab (None: no neuron)."""
        self.activations.set_neuron(neuron)

    def clear(self):
        """Forget the gradient history (training was reset)."""
        self.gradients.clear()
