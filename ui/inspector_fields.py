"""The inspector's fields: a weight or bias box that shows any value as it is,
a layer size box, an activation menu, and the table of a neuron's edges."""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QDoubleSpinBox, QHeaderView, QSpinBox, QTableView

from simulator.activations import ACTIVATION_NAMES
from simulator.names import neuron_name
from simulator.limits import MAX_LAYER_SIZE, MAX_WEIGHT

from .wording import activation_label

WEIGHT_CELL_TIP = "Double-click or type to change this weight"


def format_value(value):
    if not math.isfinite(value):
        return "NaN" if value != value else ("\u221e" if value > 0 else "\u2212\u221e")
    return f"{value:.4f}" if value == 0 or 1e-3 <= abs(value) < 1e5 else f"{value:.4g}"


class ValueBox(QDoubleSpinBox):
    """A weight or bias: emits ``edited(float)`` only when the person changes it."""

    edited = Signal(float)

    def __init__(self, tip, parent=None):
        super().__init__(parent)
        self.setRange(-MAX_WEIGHT, MAX_WEIGHT)
        self.setDecimals(4)
        self.setSingleStep(0.1)
        self.setKeyboardTracking(False)  # one edit per Enter or arrow step, not per keystroke
        self.setToolTip(tip)
        self.tip = tip
        self._quiet = False
        self._beyond = None  # a value the box cannot hold (past ±MAX_WEIGHT, infinite, NaN), shown as it is
        self.valueChanged.connect(self._on_value_changed)

    def show_value(self, value):
        value = float(value)
        inside = math.isfinite(value) and abs(value) <= MAX_WEIGHT
        self._beyond = None if inside else value
        self._quiet = True
        self.setValue(value if inside else 0.0 if value != value else math.copysign(MAX_WEIGHT, value))
        self.lineEdit().setText(self.textFromValue(self.value()))
        self._quiet = False
        self.setToolTip(self.tip if inside else
                        f"{format_value(value)}: past \u00b1{MAX_WEIGHT:g}, the largest value that can be typed; "
                        "training diverged. Type a new value, reset the weights or undo the run.")

    def being_edited(self):
        """True while the person has the box in hand (it has the keyboard focus):
        values arriving from training then wait, so they never overwrite a typed number."""
        return self.hasFocus()

    def textFromValue(self, value):  # noqa: N802 (Qt's name)
        if getattr(self, "_beyond", None) is not None:  # (Qt asks before __init__ has set it)
            return format_value(self._beyond)  # as it is, not clamped to the range
        return super().textFromValue(value)

    def _on_value_changed(self, value):
        if not self._quiet:
            self._beyond = None
            self.setToolTip(self.tip)
            self.edited.emit(value)


class SizeBox(QSpinBox):
    """A layer's size, 1 to MAX_LAYER_SIZE, applied on Enter or when focus leaves.

    A number out of range can be typed in full (a plain QSpinBox would drop
    the keystroke that makes it too big, so 100000 became 1000); on Enter the
    box goes back to the layer's size and ``refused`` says why.
    """

    refused = Signal(str)

    def __init__(self, tip, parent=None):
        super().__init__(parent)
        self.setRange(1, MAX_LAYER_SIZE)
        self.setKeyboardTracking(False)
        self.setToolTip(tip)

    def validate(self, text, pos):
        if self._out_of_range(text) is not None:
            return QValidator.Intermediate, text, pos
        return super().validate(text, pos)

    def fixup(self, text):
        number = self._out_of_range(text)
        if number is not None:
            self.refused.emit(f"A layer has {self.minimum()} to {self.maximum():,} neurons, not {number:,}; "
                              f"it keeps {self.value():,}.")
        return super().fixup(text)

    def _out_of_range(self, text):
        digits = text.strip().replace(",", "")
        if digits.isdigit() and not self.minimum() <= int(digits) <= self.maximum():
            return int(digits)
        return None


class ActivationBox(QComboBox):
    """The activation of a layer; only those the model allows for it are enabled."""

    edited = Signal(str)

    def __init__(self, tip, parent=None):
        super().__init__(parent)
        for name in ACTIVATION_NAMES:
            self.addItem(activation_label(name), name)
        self.setToolTip(tip)
        self._quiet = False
        self.currentIndexChanged.connect(self._on_index_changed)

    def show_activation(self, allowed, name):
        """Show ``name``, enabling the ``allowed`` names (``Network.allowed_activations``);
        none allowed (the input layer): the box is disabled and shows linear."""
        self._quiet = True
        model = self.model()
        for row in range(self.count()):
            model.item(row).setEnabled(self.itemData(row) in allowed)
        self.setEnabled(bool(allowed))
        self.setCurrentIndex(max(self.findData(name), 0) if allowed else self.findData("linear"))
        self._quiet = False

    def _on_index_changed(self, row):
        if not self._quiet and row >= 0:
            self.edited.emit(self.itemData(row))


class EdgeWeightsModel(QAbstractTableModel):
    """The rows of a :class:`WeightTable`: (other neuron, weight), the weight editable.

    A model rather than one QTableWidgetItem per cell: the view asks only for
    the rows it shows, so a neuron with thousands of edges opens at once.
    """

    def __init__(self, other_end, table):
        super().__init__(table)
        self.other_end = other_end
        self.table = table
        self.rows, self.sizes = [], ()

    def set_rows(self, rows, sizes):
        self.beginResetModel()
        self.rows, self.sizes = list(rows), tuple(sizes)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def update_weights(self, weight_of):
        """New weights for the same rows (``weight_of(other neuron)``, None: keep
        the old one): the cells repaint, the rows and the scroll position stay."""
        changed = False
        for row, (key, old) in enumerate(self.rows):
            new = weight_of(key)
            if new is not None and new != old:
                self.rows[row] = (key, new)
                changed = True
        if changed:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self.rows) - 1, 1), [Qt.DisplayRole])

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 2

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return (self.other_end, "Weight")[section]
        return None

    def flags(self, index):
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        return base | Qt.ItemIsEditable if index.column() == 1 else base

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        key, weight = self.rows[index.row()]
        column = index.column()
        if role in (Qt.DisplayRole, Qt.EditRole):
            return neuron_name(key, self.sizes) if column == 0 else format_value(weight)
        if role == Qt.ToolTipRole:
            return f"Layer {key[0]}, neuron {key[1] + 1}" if column == 0 else WEIGHT_CELL_TIP
        if role == Qt.TextAlignmentRole and column == 1:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.UserRole:
            return weight
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or index.column() != 1 or not 0 <= index.row() < len(self.rows):
            return False
        text = str(value).strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            self.table.refused.emit(f"“{text}” is not a number; the weight is unchanged.")
            return False
        # The document's values_changed refills the table; if the model refused
        # the edit (and said why) the cell keeps showing the model's value.
        return bool(self.table.apply(self.rows[index.row()][0], number))


class WeightTable(QTableView):
    """Edges into or out of a neuron: the other end and the weight (editable).

    ``apply(other neuron, weight)`` makes the edit and returns False if the
    model refused it; the cell then shows the model's value again.
    """

    refused = Signal(str)

    def __init__(self, other_end, tip, apply, parent=None):
        super().__init__(parent)
        self.apply = apply
        self.setModel(EdgeWeightsModel(other_end, self))
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        # A fixed width that fits any weight the column shows: measuring the
        # contents of every row took seconds for a neuron with 1,400 edges.
        header.setSectionResizeMode(1, QHeaderView.Fixed)
        header.resizeSection(1, self.fontMetrics().horizontalAdvance("\u2212" + "8" * 7 + ".8888") + 16)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setMinimumHeight(4 * (self.fontMetrics().height() + 8))
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed)
        self.setToolTip(tip)

    @property
    def keys(self):
        return [key for key, _ in self.model().rows]

    def rowCount(self):
        return self.model().rowCount()

    def text(self, row, column):
        """What cell (row, column) shows."""
        return self.model().index(row, column).data()

    def edit_cell(self, row, text):
        """Type ``text`` into the weight of ``row``, as a person would; True if it was accepted."""
        model = self.model()
        return model.setData(model.index(row, 1), text)

    def show_weights(self, weight_of):
        """Training changed the weights: show them in the same rows, unless a
        cell is being edited (what the person types wins; the next frame catches up)."""
        if self.state() != QAbstractItemView.EditingState:
            self.model().update_weights(weight_of)

    def show_edges(self, rows, sizes):
        """``rows``: list of (other neuron, weight)."""
        self.model().set_rows(rows, sizes)
        # As tall as its rows (a few edges leave room for the map below), at most as the panel allows.
        row = self.verticalHeader().defaultSectionSize()
        whole = self.horizontalHeader().sizeHint().height() + max(len(rows), 1) * row + 2 * self.frameWidth() + 2
        self.setMaximumHeight(whole)
        self.setMinimumHeight(min(whole, 4 * row))
