"""The training views in one widget: output, activations, gradient flow, digits for 8x8 images,
and the lesson views (hidden space, derivative, chain rule, contributions, loss shapes, capacity)."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from .activation_view import ActivationView
from .capacity_view import CapacityView
from .chain_rule_view import ChainRuleView
from .contributions_view import ContributionsView
from .derivative_view import DerivativeView
from .digits_view import DigitsView, is_image_input
from .gradient_heatmap import GradientHeatmap
from .hidden_space_view import HiddenSpaceView
from .loss_shapes_view import LossShapesView
from .output_map import OutputMap


class TrainingViews(QWidget):
    """Tabs holding every training view; the Digits tab shows only for 8x8 images.

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
    point_moved = Signal(str, int, tuple, object, object)
    points_drawn = Signal(list)

    def __init__(self, document=None, parent=None):
        super().__init__(parent)
        self.output = OutputMap()
        self.activations = ActivationView()
        self.gradients = GradientHeatmap()
        self.digits = DigitsView()  # its tab shows only for 8x8 images (set_datasets)
        # the lesson views: a lesson opens on one of them by name (project_schema.LESSON_VIEWS)
        self.hidden_space, self.derivative, self.chain_rule = HiddenSpaceView(), DerivativeView(), ChainRuleView()
        self.lesson_views = (self.hidden_space, self.derivative, self.chain_rule)
        self.contributions = ContributionsView()
        self.loss_shapes = LossShapesView()
        self.capacity = CapacityView()
        self.tabs = QTabWidget()
        for view, title, tip in (
                (self.output, "Output", "The network's output over the input space, with the data."),
                (self.activations, "Activations", "Each layer's activations, and the selected neuron's "
                                                  "activation map."),
                (self.gradients, "Gradient flow", "Each layer's gradient norm over training, on a log scale."),
                (self.digits, "Digits", "Test images (8x8 pixels) with the network's answer under each; "
                                        "wrong ones in red."),
                (self.hidden_space, "Hidden space", "The data as a hidden layer sees it, with the input grid "
                                                    "bent into that space and the output's decision line."),
                (self.derivative, "Derivative", "The loss along one weight, with the tangent whose slope "
                                                "backpropagation computes."),
                (self.chain_rule, "Chain rule", "dL/dw of one edge for one example, written out with its "
                                                "numbers."),
                (self.contributions, "Contributions",
                 "One input, one hidden layer: each hidden neuron's share of the output curve."),
                (self.loss_shapes, "Loss shapes", "L1, L2 and Huber (and cross-entropy) and their gradients "
                                                  "against the residual, with the data's residuals marked."),
                (self.capacity, "Capacity",
                 "The number of parameters beside the accuracy, for every network shape trained.")):
            self.tabs.setTabToolTip(self.tabs.addTab(view, title), tip)
        self.tabs.setTabVisible(self.tabs.indexOf(self.digits), False)
        self.view_names = {"output": self.output, "activations": self.activations, "gradient-flow": self.gradients,
                           "hidden-space": self.hidden_space, "derivative": self.derivative,
                           "chain-rule": self.chain_rule, "contributions": self.contributions,
                           "loss-shapes": self.loss_shapes, "capacity": self.capacity}  # the main window adds "loss"
        self.output.sample_clicked.connect(self.sample_clicked)
        self.output.point_added.connect(self.point_added)
        self.output.point_removed.connect(self.point_removed)
        self.output.point_moved.connect(self.point_moved)
        self.output.points_drawn.connect(self.points_drawn)
        self.document = document
        if document is not None:
            self.contributions.width_chosen.connect(self._on_width_chosen)
            document.settings_changed.connect(self._on_loss_changed)
            document.project_replaced.connect(self.project_replaced)
            self._on_loss_changed()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _views(self):
        return (self.output, self.activations, self.gradients, self.digits, *self.lesson_views,
                self.contributions, self.loss_shapes, self.capacity)

    def _on_width_chosen(self, layer, size):
        self.document.set_hidden_width(layer, size)

    def _on_loss_changed(self):
        self.loss_shapes.set_training_loss(self.document.settings.loss)

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` (a simulator Snapshot, or None before any training) in every view."""
        for view in self._views():
            view.show_snapshot(snapshot)

    def set_datasets(self, train, test):
        """The training and test Datasets (either may be None) changed; the gradient history restarts."""
        for view in self._views():
            view.set_datasets(train, test)
        images = next((d for d in (train, test) if d is not None), None)
        self.tabs.setTabVisible(self.tabs.indexOf(self.digits),
                                images is not None and is_image_input(images.n_inputs))

    def set_neuron(self, neuron):
        """Show ``(layer, index)`` large in the activations tab (None: no neuron)."""
        self.activations.set_neuron(neuron)

    def set_edge(self, edge):
        """The edge ``(src, dst)`` selected on the canvas (None: none), for the derivative and chain rule."""
        self.derivative.set_edge(edge)
        self.chain_rule.set_edge(edge)

    def set_settings_source(self, source, changed=None):
        """``source()`` returns the TrainingSettings (the loss and the rule the lesson views use);
        ``changed``, a signal emitted when they change."""
        for view in self.lesson_views:
            view.settings_source = source
        if changed is not None:
            changed.connect(self._on_settings_changed)
        self._on_settings_changed()

    def _on_settings_changed(self):
        for view in self.lesson_views:
            view.refresh()

    def set_example(self, dataset_name, index):
        """The example traced on the canvas; the chain rule follows it."""
        self.chain_rule.set_example(dataset_name, index)

    def show_view(self, name):
        """Bring the view called ``name`` (see ``project_schema.LESSON_VIEWS``) to the front."""
        if name in self.view_names:
            self.tabs.setCurrentWidget(self.view_names[name])

    def project_replaced(self):
        """Another project opened: nothing of the old one's run or tools carries over."""
        self.gradients.clear()
        self.output.draw_controls.enabled.setChecked(False)  # a click traces again, it adds no point

    def clear(self):
        """Forget the gradient history (training was reset)."""
        self.gradients.clear()
