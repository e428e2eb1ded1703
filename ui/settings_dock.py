"""The Data & Training panel: where the data comes from, how to train, and
why the project cannot be trained yet.

Every change is an undoable Document edit (``set_data``, ``set_setting``).
The panel redraws from the document's signals and never holds the truth.
Each control's range is the simulator's own rule (``TrainingSettings.validate``,
the dataset limits), so any value a file holds shows exactly as it is.
"""

from __future__ import annotations

import html
import json
import sys

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QAbstractSpinBox, QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel,
                               QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from simulator.backprop import RULES
from simulator.generators import GENERATORS, OUTLIER_FRACTION_RANGE, default_recipe, recipe_settings
from simulator.errors import SimulatorError
from simulator.limits import MAX_BATCH_SIZE, MAX_NOISE, MAX_SAMPLES, MAX_SEED, MAX_TEST_FRACTION
from simulator.losses import LOSS_NAMES
from simulator.optimizers import OPTIMIZER_NAMES
from simulator.project_file import output_depends_on_input
from simulator.project_schema import build_dataset, given_test_rows
from simulator.settings import PRECISIONS

from .number_box import NumberBox, below
from .wheel_guard import guard_wheel
from .wording import plural

LOSS_LABELS = {"l1": "L1 (mean absolute error)", "l2": "L2 (mean squared error)", "huber": "Huber",
               "binary_cross_entropy": "Binary cross-entropy",
               "categorical_cross_entropy": "Categorical cross-entropy"}
OPTIMIZER_LABELS = {"sgd": "Gradient descent (SGD)", "momentum": "Momentum", "adam": "Adam"}
RULE_LABELS = {"backprop": "Backpropagation", "perceptron": "Perceptron rule (output layer only)"}
PRECISION_LABELS = {"float64": "Exact (float64)", "float32": "Fast (float32)"}
GENERATOR_LABELS = {"and": "AND", "or": "OR", "xor": "XOR", "linear_outliers": "Line with outliers",
                    "multiclass": "Several classes", "abs": "Absolute value |x|", "sine": "Sine wave"}
INLINE = "__inline__"
TEST_SHARE_TIP = "The share of points kept aside to test the network on data it did not train on"
STORED_SPLIT_TIP = (" (now the points' own split: test rows of all rows; changing it splits the points "
                    "again at random)")
PROBLEM_COLOR = "#b00020"
# Where Project.problems() says a problem lies, as this panel (or, for the network, the canvas) names it.
PROBLEM_PLACES = {"data": "Data", "training.loss": "Loss", "training.batch_size": "Batch size", "training.rule": "Training rule", "network": "Network"}

_LARGEST = sys.float_info.max  # "no upper limit"
_SMALLEST = sys.float_info.min  # "greater than 0": the smallest float a spin box keeps apart from 0


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


def _whole(lo, hi, tip):
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    return box


def problem_text(problem):
    """A line of ``Project.problems()`` with its place (``problem.field``) named as
    this panel names it: "Loss: binary cross-entropy needs..." for ``training.loss``."""
    field = getattr(problem, "field", None)
    text = f"{PROBLEM_PLACES[field]}: {problem.reason}" if field in PROBLEM_PLACES else str(problem).strip()
    return text if text.endswith((".", "!", "?")) else text + "."  # a sentence, with its full stop


def _recipe_key(data):
    """What the built dataset depends on: the recipe's settings, or the stored points themselves."""
    if "recipe" in data:
        try:
            return json.dumps(data["recipe"], sort_keys=True)
        except (TypeError, ValueError):
            return data["recipe"]
    return data.get("inline")


def _shown_text(box):
    """The text a spin box shows for its committed value."""
    if box.specialValueText() and box.value() == box.minimum():
        return box.specialValueText()
    return box.prefix() + box.textFromValue(box.value()) + box.suffix()


class _DocumentUndo(QObject):
    """Ctrl+Z and Ctrl+Shift+Z in a number field undo and redo the document.

    A spin box's own line edit keeps a private text undo history and takes
    the Undo key for it: after "0.7, Tab", Ctrl+Z put the old text back in the
    field while the value, the document and the undo history kept 0.7, so the
    field and the document disagreed. Here the key goes to the window's Undo
    action (the document's history), which shows the undone value in the
    field; only typing not yet committed (no Enter or Tab yet) is undone in
    the field, by showing the committed value again.
    """

    def eventFilter(self, watched, event):
        kind = event.type()
        if kind not in (QEvent.ShortcutOverride, QEvent.KeyPress):
            return False
        undo, redo = event.matches(QKeySequence.Undo), event.matches(QKeySequence.Redo)
        if not (undo or redo):
            return False
        box = watched if isinstance(watched, QAbstractSpinBox) else watched.parent()
        typing = undo and box.text() != _shown_text(box)
        if kind == QEvent.ShortcutOverride:
            if typing:
                event.accept()  # the key press comes to this field: drop the typing below
            return True  # not accepted otherwise, so the window's Undo/Redo action runs
        if typing:
            box.setValue(box.value())  # shows the committed value again, changes nothing
        return True


class SettingsPanel(QScrollArea):
    """Data and training settings of the document, and what stops training."""

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self._quiet = False
        self._dataset_key = self._dataset = None
        self._problems_key = None
        self.problems = []
        self.setWidgetResizable(True)
        # a narrow dock scrolls the form sideways rather than cutting its fields off
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.setFrameShape(QScrollArea.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.RichText)
        self.problems_label.setToolTip("What to change before the network can be trained")
        layout.addWidget(self.problems_label)
        layout.addWidget(self._build_data_group())
        layout.addWidget(self._build_training_group())
        layout.addStretch(1)
        self.setWidget(body)
        self._undo_keys = _DocumentUndo(self)
        self._wheel_guard = guard_wheel(body)  # the wheel scrolls the panel unless a field has the focus
        for box in body.findChildren(QAbstractSpinBox):
            # keys reach the spin box (its focus) or, sent straight to it, its line edit
            box.installEventFilter(self._undo_keys)
            box.lineEdit().installEventFilter(self._undo_keys)
        # Only what an edit can have changed is shown again.
        document.project_replaced.connect(self.refresh)
        document.settings_changed.connect(lambda: self._show(self._show_settings, self._show_problems))
        document.data_changed.connect(lambda: self._show(self._show_data, self._show_problems))
        document.structure_changed.connect(lambda: self._show(self._show_problems))
        self.refresh()

    # ------------------------------------------------------------ building
    def _build_data_group(self):
        group = QGroupBox("Data")
        form = self.data_form = QFormLayout(group)
        self.generator = _combo(GENERATORS, GENERATOR_LABELS, "Which dataset to learn from")
        self.generator.addItem("Points stored in the project", INLINE)
        self.generator.currentIndexChanged.connect(self._on_generator_changed)
        self.samples = _whole(1, MAX_SAMPLES, "How many points the dataset has")
        self.noise = NumberBox(0.0, MAX_NOISE, 0.05, "How much random scatter is added to the points")
        self.data_seed = _whole(0, MAX_SEED, "The random seed: the same seed always gives the same points")
        self.outliers = NumberBox(*OUTLIER_FRACTION_RANGE, 0.05, "The share of points pushed far off the line "
                                  "(0: none); an L2 fit is dragged towards them, an L1 fit is not")
        self.test_fraction = NumberBox(0.0, MAX_TEST_FRACTION, 0.05, TEST_SHARE_TIP)
        # Spin-box steps of one setting merge into one undo step.
        self.samples.valueChanged.connect(lambda v: self._set_recipe("n", v))
        self.noise.valueChanged.connect(lambda v: self._set_recipe("noise", v))
        self.data_seed.valueChanged.connect(lambda v: self._set_recipe("seed", v))
        self.outliers.valueChanged.connect(lambda v: self._set_recipe("outlier_fraction", v))
        self.test_fraction.valueChanged.connect(lambda v: self._set_data("test_fraction", v, merge=True))
        self.data_summary = QLabel()
        self.data_summary.setWordWrap(True)
        self.data_summary.setToolTip("What the data holds")
        form.addRow("Dataset:", self.generator)
        form.addRow("Points:", self.samples)
        form.addRow("Noise:", self.noise)
        form.addRow("Seed:", self.data_seed)
        form.addRow("Outliers:", self.outliers)
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
        self.precision = _combo(PRECISIONS, PRECISION_LABELS, "float64 computes exactly; float32 is about "
                                "twice as fast on big networks, with about 7 significant digits")
        self.learning_rate = NumberBox(_SMALLEST, _LARGEST, 0.01, "How big a step the weights take each "
                                       "update (greater than 0)", adaptive=True)
        self.momentum = NumberBox(0.0, below(1.0), 0.05, "How much of the previous step carries over, "
                                  "below 1 (the Momentum optimizer only)")
        self.beta1 = NumberBox(0.0, below(1.0), 0.01, "How much of the average gradient carries over, "
                               "below 1 (the Adam optimizer only)")
        self.beta2 = NumberBox(0.0, below(1.0), 0.001, "How much of the average squared gradient carries "
                               "over, below 1 (the Adam optimizer only)")
        self.epsilon = NumberBox(_SMALLEST, _LARGEST, 1e-8, "Keeps Adam's steps finite where the gradient is "
                                 "near 0 (the Adam optimizer only)", adaptive=True)
        self.batch_size = _whole(0, MAX_BATCH_SIZE, "Points per update: 1 updates after every point, "
                                 "'All points' after the whole training set")
        self.batch_size.setSpecialValueText("All points")
        self.shuffle = QCheckBox("Shuffle every epoch")
        self.shuffle.setToolTip("Visit the training points in a new random order every epoch")
        self.l1 = NumberBox(0.0, _LARGEST, 0.001, "L1 regularisation: pushes small weights to exactly 0")
        self.l2 = NumberBox(0.0, _LARGEST, 0.001, "L2 regularisation (weight decay): keeps weights small")
        self.train_seed = _whole(0, MAX_SEED, "Seeds the starting weights (Reset Weights draws them "
                                 "from it; Train > New Random Weights moves it on) and the shuffling order")
        for name, combo in self._setting_combos():
            combo.currentIndexChanged.connect(lambda row, name=name, combo=combo:
                                              self._set_setting(name, combo.itemData(row)))
        for name, box in self._setting_boxes():
            box.valueChanged.connect(lambda v, name=name: self._set_setting(name, v, merge=True))
        self.shuffle.toggled.connect(lambda on: self._set_setting("shuffle", bool(on)))
        form.addRow("Loss:", self.loss)
        form.addRow("Optimizer:", self.optimizer)
        form.addRow("Learning rate:", self.learning_rate)
        form.addRow("Momentum:", self.momentum)
        form.addRow("Beta 1:", self.beta1)
        form.addRow("Beta 2:", self.beta2)
        form.addRow("Epsilon:", self.epsilon)
        form.addRow("Batch size:", self.batch_size)
        form.addRow("", self.shuffle)
        form.addRow("L1:", self.l1)
        form.addRow("L2:", self.l2)
        form.addRow("Training rule:", self.rule)
        form.addRow("Weights && shuffle seed:", self.train_seed)
        form.addRow("Precision:", self.precision)
        return group

    def _setting_combos(self):
        return (("loss", self.loss), ("optimizer", self.optimizer), ("rule", self.rule),
                ("precision", self.precision))

    def _setting_boxes(self):
        return (("learning_rate", self.learning_rate), ("momentum", self.momentum), ("beta1", self.beta1),
                ("beta2", self.beta2), ("epsilon", self.epsilon), ("batch_size", self.batch_size),
                ("l1", self.l1), ("l2", self.l2), ("seed", self.train_seed))

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
        """Show the document's data, settings and problems again."""
        self._show(self._show_data, self._show_settings, self._show_problems)

    def _show(self, *parts):
        """Run every part, even after one fails, so no group keeps showing the
        previous project; then let the first failure surface."""
        errors = []
        self._quiet = True
        try:
            for part in parts:
                try:
                    part()
                except Exception as error:  # noqa: BLE001 - re-raised below, once the rest is shown
                    errors.append(error)
        finally:
            self._quiet = False
        if errors:
            raise errors[0]

    def _show_settings(self):
        s = self.document.settings
        for name, combo in self._setting_combos():
            combo.setCurrentIndex(max(combo.findData(getattr(s, name)), 0))
        for name, box in self._setting_boxes():
            box.setValue(getattr(s, name))
        self.shuffle.setChecked(bool(s.shuffle))
        self.momentum.setEnabled(s.optimizer == "momentum")
        for box in (self.beta1, self.beta2, self.epsilon):
            box.setEnabled(s.optimizer == "adam")

    def _show_data(self):
        data = self._data()
        recipe = data.get("recipe")
        inline = not isinstance(recipe, dict)
        self.generator.setCurrentIndex(self.generator.findData(INLINE if inline else recipe.get("generator")))
        self.generator.model().item(self.generator.findData(INLINE)).setEnabled(inline)
        # the recipe's own settings, as the datasets module names them: none for stored points
        takes = () if inline else recipe_settings(recipe.get("generator"))
        for key, box in (("n", self.samples), ("noise", self.noise), ("seed", self.data_seed),
                         ("outlier_fraction", self.outliers)):
            self.data_form.setRowVisible(box, key in takes)
        self.data_summary.setText(self._summary(data))
        self._show_test_share(data)
        if not inline:
            full = default_recipe(recipe["generator"]) if recipe.get("generator") in GENERATORS else {}
            self.samples.setValue(int(recipe.get("n", full.get("n", 100))))
            self.noise.setValue(float(recipe.get("noise", full.get("noise", 0.0))))
            self.data_seed.setValue(int(recipe.get("seed", full.get("seed", 0))))
            if "outlier_fraction" in takes:
                self.outliers.setValue(float(recipe.get("outlier_fraction", full.get("outlier_fraction", 0.0))))

    def _show_test_share(self, data):
        """The share the test set really has: for points with their own split (``test_rows``),
        test rows of all rows, rounded to 3 digits; otherwise ``test_fraction``."""
        rows = given_test_rows(data)
        share = float(data.get("test_fraction", 0.0))
        stored = rows is not None and self._dataset is not None and self._dataset.n_samples > 0
        if stored:
            share = min(round(len(rows) / self._dataset.n_samples, 3), MAX_TEST_FRACTION)
        self.test_fraction.setValue(share)
        self.test_fraction.setToolTip(TEST_SHARE_TIP + (STORED_SPLIT_TIP if stored else ""))

    def _summary(self, data):
        """"XOR: 4 points, 2 inputs, 1 output (classification)." The dataset is
        built once per recipe: changing the test share or the network does not rebuild it."""
        key = _recipe_key(data)
        if self._dataset is None or key is not self._dataset_key and key != self._dataset_key:
            try:
                self._dataset = build_dataset(data, "data")
            except SimulatorError:  # the problems above say why
                self._dataset = None
                return ""
            self._dataset_key = key
        dataset = self._dataset
        name = dataset.name or "data"
        return (f"{name[0].upper() + name[1:]}: {plural(dataset.n_samples, 'point')}, "
                f"{plural(dataset.n_inputs, 'input')}, {plural(dataset.n_outputs, 'output')} ({dataset.task}).")

    def _show_problems(self):
        """Show ``Project.problems()``, asked again only when something it reads
        has changed: the data, the settings, the sizes of the input and output
        layers, the output activation, or whether the output still depends on
        an input. Other edits of hidden layers cost nothing."""
        doc, net = self.document, self.document.network
        key = (doc.project.data, doc.project.settings, net.sizes[0], net.sizes[-1], net.layers[-1].activation,
               output_depends_on_input(net))
        old = self._problems_key
        if old is not None and old[0] is key[0] and old[1:] == key[1:]:
            return
        self._problems_key = None  # a failure below asks again next time
        self.problems = doc.project.problems()
        self._problems_key = key
        if not self.problems:
            self.problems_label.hide()
            self.problems_label.clear()
            return
        items = "".join(f"<li>{html.escape(problem_text(p), quote=False)}</li>" for p in self.problems)
        self.problems_label.setText(f"<div style='color:{PROBLEM_COLOR}'><b>Cannot train yet:</b>"
                                    f"<ul style='margin-left:-20px'>{items}</ul></div>")
        self.problems_label.show()
