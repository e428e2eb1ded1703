"""The training views in one widget: output, activations, gradient flow, and digits for 8x8 images."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from .activation_view import ActivationView
from .digits_view import DigitsView, is_image_input
from .gradient_heatmap import GradientHeatmap
from .output_map import OutputMap


class TrainingViews(QWidget):
    """Tabs holding the output view, the activations, the gradient flow and, for 8x8 images, the digits.

    The main window adds this one widget, calls ``show_snapshot`` with the
    newest snapshot on its redraw timer, ``set_datasets`` when the data
    changes and ``set_neuron`` when the selection does.

    Signals
    -------
    sample_clicked(str, int)
        ``("train" or "test", row)`` of a data point clicked in the output view.
    """

    sample_clicked = Signal(str, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.output = OutputMap()
        self.activations = ActivationView()
        self.gradients = GradientHeatmap()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.output, "Output")
        self.tabs.addTab(self.activations, "Activations")
        self.tabs.addTab(self.gradients, "Gradient flow")
        self.digits = DigitsView()  # its tab shows only for 8x8 images (set_datasets)
        self.tabs.addTab(self.digits, "Digits")
        self.tabs.setTabToolTip(0, "The network's output over the input space, with the data.")
        self.tabs.setTabToolTip(1, "Each layer's activations, and the selected neuron's activation map.")
        self.tabs.setTabToolTip(2, "Each layer's gradient norm over training, on a log scale.")
        self.tabs.setTabToolTip(3, "Test images (8x8 pixels) with the network's answer under each; wrong ones in red.")
        self.tabs.setTabVisible(3, False)
        self.output.sample_clicked.connect(self.sample_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` (a simulator Snapshot, or None before any training) in every view."""
        self.output.show_snapshot(snapshot)
        self.activations.show_snapshot(snapshot)
        self.gradients.show_snapshot(snapshot)
        self.digits.show_snapshot(snapshot)

    def set_datasets(self, train, test):
        """The training and test Datasets (either may be None) changed; the gradient history restarts."""
        self.output.set_datasets(train, test)
        self.activations.set_datasets(train, test)
        self.gradients.set_datasets(train, test)
        self.digits.set_datasets(train, test)
        images = next((d for d in (train, test) if d is not None), None)
        self.tabs.setTabVisible(self.tabs.indexOf(self.digits),
                                images is not None and is_image_input(images.n_inputs))

    def set_neuron(self, neuron):
        """Show ``(layer, index)`` large in the activations tab (None: no neuron)."""
        self.activations.set_neuron(neuron)

    def clear(self):
        """Forget the gradient history (training was reset)."""
        self.gradients.clear()
