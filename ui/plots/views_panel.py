"""The training views in one widget: output, activations, gradient flow, contributions, loss shapes, capacity."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ..commands.width import set_hidden_width
from .activation_view import ActivationView
from .capacity_view import CapacityView
from .contributions_view import ContributionsView
from .gradient_heatmap import GradientHeatmap
from .loss_shapes_view import LossShapesView
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

    def __init__(self, document=None, parent=None):
        super().__init__(parent)
        self.output = OutputMap()
        self.activations = ActivationView()
        self.gradients = GradientHeatmap()
        self.contributions = ContributionsView()
        self.loss_shapes = LossShapesView()
        self.capacity = CapacityView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.output, "Output")
        self.tabs.addTab(self.activations, "Activations")
        self.tabs.addTab(self.gradients, "Gradient flow")
        self.tabs.setTabToolTip(0, "The network's output over the input space, with the data.")
        self.tabs.setTabToolTip(1, "Each layer's activations, and the selected neuron's activation map.")
        self.tabs.setTabToolTip(2, "Each layer's gradient norm over training, on a log scale.")
        for view, title, tip in (
                (self.contributions, "Contributions",
                 "One input, one hidden layer: each hidden neuron's share of the output curve."),
                (self.loss_shapes, "Loss shapes", "L1, L2 and Huber (and cross-entropy) and their gradients "
                                                  "against the residual, with the data's residuals marked."),
                (self.capacity, "Capacity",
                 "The number of parameters beside the accuracy, for every network shape trained.")):
            self.tabs.setTabToolTip(self.tabs.addTab(view, title), tip)
        self.output.sample_clicked.connect(self.sample_clicked)
        self.document = document
        if document is not None:
            self.contributions.width_chosen.connect(self._on_width_chosen)
            document.settings_changed.connect(self._on_settings_changed)
            self._on_settings_changed()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _views(self):
        return (self.output, self.activations, self.gradients, self.contributions, self.loss_shapes, self.capacity)

    def _on_width_chosen(self, layer, size):
        set_hidden_width(self.document, layer, size)

    def _on_settings_changed(self):
        self.loss_shapes.set_training_loss(self.document.settings.loss)

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` (a simulator Snapshot, or None before any training) in every view."""
        for view in self._views():
            view.show_snapshot(snapshot)

    def set_datasets(self, train, test):
        """The training and test Datasets (either may be None) changed; the gradient history restarts."""
        for view in self._views():
            view.set_datasets(train, test)

    def set_neuron(self, neuron):
        """Show ``(layer, index)`` large in the activations tab (None: no neuron)."""
        self.activations.set_neuron(neuron)

    def clear(self):
        """Forget the gradient history (training was reset)."""
        self.gradients.clear()
