"""The Data & Training panel: where the data comes from and how to train.

Every change is an undoable Document edit (``set_data``, ``set_setting``).
The panel redraws from the document's signals and never holds the truth.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel,
                               QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from simulator.backprop import RULES
from simulator.datasets import GENERATORS, MAX_NOISE, MAX_SAMPLES, default_recipe
from simulator.errors import SimulatorError
from simulator.losses import LOSS_NAMES
from simulator.optimizers import OPTIMIZER_NAMES
from simulator.project_schema import build_dataset
from simulator.settings import MAX_BATCH_SIZE

from .wording import plural

LOSS_LABELS = {"l1": "L1 (mean absolute error)", "l2": "L2 (mean squared error)", "huber": "Huber",
               "binary_cross_entropy": "Binary cross-entropy",
               "categorical_cross_entropy": "Categorical cross-entropy"}
OPTIMIZER_LABELS = {"sgd": "Gradient descent (SGD)", "momentum": "Momentum", "adam": "Adam"}
RULE_LABELS = {"backprop": "Backpropagation", "perceptron": "Perceptron rule (output layer only)"}
GENERATOR_LABELS = {"and": "AND", "or": "OR", "xor": "XOR", "linear_outliers": "Line with outliers",
                    "multiclass": "Several classes", "abs": "Absolute value |x|", "sine": "Sine wave"}
INLINE = "__inline__"


def _label(name, labels):
    return labels.get(name, name.replace("_", " ").capitalize())


def _combo(items, labels, tip):
    combo = QComboBox()
    for name in items:
        combo.addItem(_label(name, labels), name)
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


def _double(lo, hi, step, decimals, tip):
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    return box


def _whole(lo, hi, tip):
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    return box


class SettingsPanel(QScrollArea):
    """Data and training settings of the document."""

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self._quiet = False
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QScrollArea.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self._build_data_group())
        layout.addWidget(self._build_training_group())
        layout.addStretch(1)
        self.setWidget(body)
        for signal in (document.settings_changed, document.data_changed, document.structure_changed,
                       document.project_replaced):
            signal.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------ building
    def _build_data_group(self):
        group = QGroupBox("Data")
        form = QFormLayout(group)
        self.generator = _combo(GENERATORS, GENERATOR_LABELS, "Which dataset to learn from")
        self.generator.addItem("Points stored in the project", INLINE)
        self.generator.currentIndexChanged.connect(self._on_generator_changed)
        self.samples = _whole(1, MAX_SAMPLES, "How many points the dataset has")
        self.noise = _double(0.0, MAX_NOISE, 0.05, 3, "How much random scatter is added to the points")
        self.data_seed = _whole(0, 2**31 - 1, "The random seed: the same seed always gives the same points")
        self.test_fraction = _double(0.0, 0.9, 0.05, 2, "The share of points kept aside to test the network "
                                     "on data it did not train on")
        # Spin-box steps of one setting merge into one undo step.
        self.samples.valueChanged.connect(lambda v: self._set_recipe("n", v))
        self.noise.valueChanged.connect(lambda v: self._set_recipe("noise", v))
        self.data_seed.valueChanged.connect(lambda v: self._set_recipe("seed", v))
        self.test_fraction.valueChanged.connect(lambda v: self._set_data("test_fraction", v, merge=True))
        self.data_summary = QLabel()
        self.data_summary.setWordWrap(True)
        self.data_summary.setToolTip("What the data holds, and whether it fits the network")
        form.addRow("Dataset:", self.generator)
        form.addRow("Points:", self.samples)
        form.addRow("Noise:", self.noise)
        form.addRow("Seed:", self.data_seed)
        form.addRow("Test share:", self.test_fraction)
        form.addRow(self.data_summary)
        return group

    def _build_training_group(self):
        group = QGroupBox("Training")
        form = QFormLayout(group)
        self.loss = _combo(LOSS_NAMES, LOSS_LABELS, "How the error between output and target is measured")
        self.optimizer = _combo(OPTIMIZER_NAMES, OPTIMIZER_LABELS, "How the weights follow the gradient")
        self.rule = _combo(RULES, RULE_LABELS, "Backpropagation trains every layer; the perceptron rule "
                           "is the classic rule for a single layer of step units")
        self.learning_rate = _double(1e-5, 10.0, 0.01, 5, "How big a step the weights take each update")
        self.momentum = _double(0.0, 0.999, 0.05, 3, "How much of the previous step carries over "
                                "(the Momentum optimizer only)")
        self.batch_size = _whole(0, MAX_BATCH_SIZE, "Points per update: 1 updates after every point, "
                                 "'All points' after the whole training set")
        self.batch_size.setSpecialValueText("All points")
        self.shuffle = QCheckBox("Shuffle every epoch")
        self.shuffle.setToolTip("Visit the training points in a new random order every epoch")
        self.l1 = _double(0.0, 10.0, 0.001, 5, "L1 regularisation: pushes small weights to exactly 0")
        self.l2 = _double(0.0, 10.0, 0.001, 5, "L2 regularisation (weight decay): keeps weights small")
        self.train_seed = _whole(0, 2**31 - 1, "The seed of the shuffling")
        for name, combo in (("loss", self.loss), ("optimizer", self.optimizer), ("rule", self.rule)):
            combo.currentIndexChanged.connect(lambda row, name=name, combo=combo:
                                              self._set_setting(name, combo.itemData(row)))
        for name, box in (("learning_rate", self.learning_rate), ("momentum", self.momentum),
                          ("batch_size", self.batch_size), ("l1", self.l1), ("l2", self.l2),
                          ("seed", self.train_seed)):
            box.valueChanged.connect(lambda v, name=name: self._set_setting(name, v, merge=True))
        self.shuffle.toggled.connect(lambda on: self._set_setting("shuffle", bool(on)))
        form.addRow("Loss:", self.loss)
        form.addRow("Optimizer:", self.optimizer)
        form.addRow("Learning rate:", self.learning_rate)
        form.addRow("Momentum:", self.momentum)
        form.addRow("Batch size:", self.batch_size)
        form.addRow("", self.shuffle)
        form.addRow("L1:", self.l1)
        form.addRow("L2:", self.l2)
        form.addRow("Training rule:", self.rule)
        form.addRow("Shuffle seed:", self.train_seed)
        return group

    # -------------------------------------------------------------- editing
    def _set_setting(self, name, value, merge=False):
        if not self._quiet and not self.document.set_setting(name, value, merge):
            self.refresh()

    def _data(self):
        data = self.document.data
        return dict(data) if isinstance(data, dict) else {}

    def _set_data(self, key, value, merge=False):
        if self._quiet:
            return
        data = self._data()
        data[key] = value
        if not self.document.set_data(data, merge):
            self.refresh()

    def _set_recipe(self, key, value):
        if self._quiet:
            return
        data = self._data()
        recipe = dict(data.get("recipe") or {})
        if not recipe:
            return
        recipe[key] = value
        data["recipe"] = recipe
        if not self.document.set_data(data, merge=True):
            self.refresh()

    def _on_generator_changed(self, row):
        name = self.generator.itemData(row)
        if self._quiet or name == INLINE:
            return
        data = self._data()
        old = data.pop("recipe", None) or {}
        data.pop("inline", None)
        recipe = {k: list(v) if isinstance(v, tuple) else v for k, v in default_recipe(name).items()}
        if "seed" in old:
            recipe["seed"] = old["seed"]
        data["recipe"] = recipe
        if not self.document.set_data(data):
            self.refresh()

    # ------------------------------------------------------------- showing
    def refresh(self):
        self._quiet = True
        try:
            self._show_data()
            self._show_settings()
        finally:
            self._quiet = False

    def _show_settings(self):
        s = self.document.settings
        for name, combo in (("loss", self.loss), ("optimizer", self.optimizer), ("rule", self.rule)):
            combo.setCurrentIndex(max(combo.findData(getattr(s, name)), 0))
        for name, box in (("learning_rate", self.learning_rate), ("momentum", self.momentum),
                          ("batch_size", self.batch_size), ("l1", self.l1), ("l2", self.l2),
                          ("seed", self.train_seed)):
            box.setValue(getattr(s, name))
        self.shuffle.setChecked(bool(s.shuffle))
        self.momentum.setEnabled(s.optimizer == "momentum")

    def _show_data(self):
        data = self._data()
        recipe = data.get("recipe")
        inline = recipe is None
        self.generator.setCurrentIndex(self.generator.findData(INLINE if inline else recipe.get("generator")))
        inline_row = self.generator.findData(INLINE)
        self.generator.model().item(inline_row).setEnabled(inline)
        for box in (self.samples, self.noise, self.data_seed):
            box.setEnabled(not inline)
        if not inline:
            full = default_recipe(recipe["generator"]) if recipe.get("generator") in GENERATORS else {}
            self.samples.setValue(int(recipe.get("n", full.get("n", 100))))
            self.noise.setValue(float(recipe.get("noise", full.get("noise", 0.0))))
            self.data_seed.setValue(int(recipe.get("seed", full.get("seed", 0))))
        self.test_fraction.setValue(float(data.get("test_fraction", 0.0)))
        self.data_summary.setText(self._summary(data))

    def _summary(self, data):
        try:
            dataset = build_dataset(data, "data")
        except SimulatorError as error:
            return f"<span style='color:#b00020'>The data cannot be used: {error}</span>"
        net = self.document.network
        name = dataset.name or "data"
        text = (f"{name[0].upper() + name[1:]}: {plural(dataset.n_samples, 'point')}, "
                f"{plural(dataset.n_inputs, 'input')}, {plural(dataset.n_outputs, 'output')} ({dataset.task}).")
        problems = []
        if dataset.n_inputs != net.sizes[0]:
            problems.append(f"the network has {plural(net.sizes[0], 'input neuron')} but the data has "
                            f"{plural(dataset.n_inputs, 'input')}")
        if dataset.n_outputs != net.sizes[-1]:
            problems.append(f"the network has {plural(net.sizes[-1], 'output neuron')} but the data needs "
                            f"{dataset.n_outputs}")
        if problems:
            text += "<br><span style='color:#b00020'>Does not fit: " + "; ".join(problems) + ".</span>"
        return text
