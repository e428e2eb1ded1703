"""File > Import Data…: a CSV file, or one of the bundled data sets, as the project's data.

The dialog only shows and asks. Reading is the simulator's CSV reader
(``datasets.load_csv``, ``csv_import.preview_csv``), so its limits and
messages apply, and a problem is shown as the reader words it, its line
(``DatasetError.line``) marked in the preview. Whether the network fits the
data is ``data_fit``'s answer. Importing is one undoable step
(``Document.import_data``), which can also fit the network to the data.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from simulator.bundled import bundled_datasets
from simulator.csv_import import preview_csv
from simulator.data_fit import fit_reasons, fitted
from simulator.datasets import load_csv
from simulator.errors import DatasetError, SimulatorError
from simulator.limits import MAX_TEST_FRACTION
from simulator.project_file import inline_data
from simulator.project_schema import build_dataset

from .wording import sentence

PREVIEW_ROWS = 20
ERROR_ROW = QColor(255, 215, 215)
ERROR_CELL = QColor(240, 140, 140)
TARGET_COLUMN = QColor(215, 230, 250)
CLASSIFICATION, REGRESSION = "classification", "regression"
FILE_ENTRY = "A CSV file…"


class ImportDataDialog(QDialog):
    """Choose a file (or a bundled data set), its target column(s) and task, and import it.

    ``ask_path`` is the one question asked of the system (a file dialog); tests replace it.
    """

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import Data")
        self.doc = document
        self.path = None
        self.header = None
        self.dataset = None
        self.error = None
        self._detected, self._needs_fit, self._lines, self._columns = None, False, [], []
        self.ask_path = self._ask_path

        self.source = QComboBox()
        self.source.addItem(FILE_ENTRY, None)
        for entry in bundled_datasets():
            self.source.addItem(f"Bundled: {entry.name} — {entry.title}", entry)
            self.source.setItemData(self.source.count() - 1, f"{entry.source}. Licence: {entry.licence}.",
                                    Qt.ToolTipRole)
        self.source.setToolTip("A CSV file of your own, or one of the real data sets that come with the app")
        self.source.activated.connect(self._on_source)
        self.choose = QPushButton("Choose File…")
        self.choose.setToolTip("Pick a CSV file: a header row is optional; values separated by commas, "
                               "semicolons or tabs")
        self.choose.clicked.connect(self.choose_file)
        self.file_label = QLabel("No file chosen yet.")
        self.file_label.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.preview.setSelectionMode(QAbstractItemView.NoSelection)
        self.preview.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.preview.setToolTip(f"The first {PREVIEW_ROWS} rows of the file, as written; "
                                "the row numbers are the file's line numbers")
        self.targets = QListWidget()
        self.targets.setToolTip("The column(s) the network learns to predict; every other column is an input. "
                                "Several target columns make a regression.")
        self.targets.itemChanged.connect(self._on_targets)
        self.targets.setMaximumWidth(220)

        self.task = QComboBox()
        self.task.addItem("Classification: the target names a class", CLASSIFICATION)
        self.task.addItem("Regression: the target is a number to predict", REGRESSION)
        self.task.setToolTip("Detected from the target column; change it if the guess is wrong")
        self.task.activated.connect(self._on_task)
        self.detected = QLabel()
        self.test_fraction = QDoubleSpinBox()
        self.test_fraction.setRange(0.0, MAX_TEST_FRACTION)
        self.test_fraction.setSingleStep(0.05)
        fraction = self.doc.data.get("test_fraction", 0.0) if isinstance(self.doc.data, dict) else 0.0
        self.test_fraction.setValue(fraction or 0.2)
        self.test_fraction.setToolTip("The share of the samples kept aside as a test set, never trained on")

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.fit = QCheckBox()
        self.fit.setChecked(True)
        self.fit.setText("Change the network to fit the data, in the same undoable step")
        self.fit_changes = QLabel()
        self.fit_changes.setWordWrap(True)
        self.fit_changes.setContentsMargins(22, 0, 0, 0)
        self.fit.setToolTip("Resize the input and output layers (and choose the output activation and loss) "
                            "as part of the same undoable step")

        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.AcceptRole)
        self.import_button.setToolTip("Replace the project's data with this (Undo takes it back)")
        self.buttons.accepted.connect(self.import_data)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.source, 1)
        top.addWidget(self.choose)
        middle = QHBoxLayout()
        middle.addWidget(self.preview, 1)
        side = QVBoxLayout()
        side.addWidget(QLabel("Target column(s):"))
        side.addWidget(self.targets)
        middle.addLayout(side)
        form = QFormLayout()
        form.addRow("Task:", self.task)
        form.addRow("", self.detected)
        form.addRow("Test share:", self.test_fraction)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.file_label)
        layout.addLayout(middle, 1)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.fit)
        layout.addWidget(self.fit_changes)
        layout.addWidget(self.buttons)
        self.resize(860, 600)
        self._show_result()

    # --------------------------------------------------------------- sources
    def _ask_path(self):
        path, _ = QFileDialog.getOpenFileName(self, "Import Data", "", "CSV files (*.csv *.tsv *.txt);;All files (*)")
        return path or None

    def choose_file(self):
        path = self.ask_path()
        if path:
            self.source.setCurrentIndex(0)
            self.set_path(path)

    def _on_source(self, index):
        entry = self.source.itemData(index)
        if entry is None:
            self.choose_file()
        else:
            self.set_path(entry.path, entry.target)

    def set_path(self, path, target=None):
        """Show the file at ``path``, with ``target`` (a column name) or else the last column as target."""
        self.path = str(path)
        self.file_label.setText(self.path)
        shown = [i for i in range(1, self.source.count()) if str(self.source.itemData(i).path) == self.path]
        self.source.setCurrentIndex(shown[0] if shown else 0)
        self.dataset, self.error = None, None
        try:
            preview = preview_csv(self.path, PREVIEW_ROWS)
        except DatasetError as error:
            preview = None
            self.error = error
        self._fill_preview(preview)
        self._fill_targets(target)
        if self.error is None:
            self._read(task=None)
        self._show_result()

    def _fill_preview(self, preview):
        table = self.preview
        table.clear()
        rows = preview.rows if preview else ()
        self.header = list(preview.header) if preview and preview.header else None
        width = max([len(self.header or ())] + [len(r) for r in rows] + [0])
        table.setColumnCount(width)
        table.setRowCount(len(rows))
        names = self.header or [f"column {i + 1}" for i in range(width)]
        table.setHorizontalHeaderLabels(names + [""] * (width - len(names)))
        table.setVerticalHeaderLabels([str(line) for line in (preview.lines if preview else ())])
        for r, cells in enumerate(rows):
            for c, cell in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(cell))
        table.resizeColumnsToContents()
        self._lines = list(preview.lines) if preview else []
        self._columns = names[:width]

    def _fill_targets(self, target):
        self.targets.blockSignals(True)
        self.targets.clear()
        chosen = target if target in self._columns else (self._columns[-1] if self._columns else None)
        for name in self._columns:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if name == chosen else Qt.Unchecked)
            self.targets.addItem(item)
            if name == chosen:
                shown = item
        self.targets.blockSignals(False)
        if chosen is not None:
            self.targets.scrollToItem(shown)

    # --------------------------------------------------------------- reading
    def chosen_targets(self):
        """The checked target columns: names if the file has a header, else positions."""
        rows = [i for i in range(self.targets.count()) if self.targets.item(i).checkState() == Qt.Checked]
        return [self.header[i] for i in rows] if self.header else rows

    def set_targets(self, names):
        """Check exactly the columns ``names`` (as the list shows them) and read again."""
        self.targets.blockSignals(True)
        for i in range(self.targets.count()):
            item = self.targets.item(i)
            item.setCheckState(Qt.Checked if item.text() in names else Qt.Unchecked)
        self.targets.blockSignals(False)
        self._on_targets()

    def _on_targets(self, *_):
        self._read(task=None)
        self._show_result()

    def _on_task(self, *_):
        self._read(task=self.task.currentData())
        self._show_result()

    def set_task(self, task):
        self.task.setCurrentIndex(self.task.findData(task))
        self._on_task()

    def _read(self, task):
        """Read the whole file with the chosen targets; ``task`` None: let the reader detect it."""
        self.dataset, self.error = None, None
        if self.path is None:
            return
        targets = self.chosen_targets()
        try:
            if not targets:
                raise DatasetError("Choose the target column: the one the network learns to predict.")
            self.dataset = load_csv(self.path, targets if len(targets) > 1 else targets[0], task)
        except DatasetError as error:
            self.error = error
        if task is None:
            self._detected = self.dataset.task if self.dataset is not None else None
        if self.dataset is not None:
            self.task.setCurrentIndex(self.task.findData(self.dataset.task))

    # ------------------------------------------------------------- showing
    def _show_result(self):
        targets = {i for i in range(self.targets.count()) if self.targets.item(i).checkState() == Qt.Checked}
        for r in range(self.preview.rowCount()):
            for c in range(self.preview.columnCount()):
                item = self.preview.item(r, c)
                if item is not None:
                    item.setBackground(TARGET_COLUMN if c in targets else Qt.transparent)
        data, error = self.dataset, self.error
        self.import_button.setEnabled(data is not None)
        self.task.setEnabled(self.path is not None)
        self.fit.setVisible(False)
        self.fit_changes.setVisible(False)
        self._needs_fit = False
        if error is not None:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(sentence(str(error)))
            self.summary.setText("")
            self.detected.setText("")
            self._mark_line(getattr(error, "line", None))
            return
        if data is None:
            self.message.setText("")
            self.summary.setText("Choose a CSV file or a bundled data set.")
            self.detected.setText("")
            return
        detected = self._detected
        self.detected.setText(f"Detected: {detected}." if detected == data.task else
                              f"Detected: {detected}; you chose {data.task}.")
        if data.task == CLASSIFICATION:
            what = f"{data.n_classes} classes: {', '.join(data.target_names)}"
        else:
            what = f"{data.n_outputs} target{'s' if data.n_outputs > 1 else ''}: {', '.join(data.target_names)}"
        self.summary.setText(f"{data.n_samples:,} samples, {data.n_inputs} input{'s' if data.n_inputs > 1 else ''}"
                             f", {what}.")
        reasons = fit_reasons(self.doc.network, self.doc.settings, data)
        self._needs_fit = bool(reasons)
        if reasons:
            self.message.setStyleSheet("color: #8a5a00;")
            self.message.setText("The network does not fit this data yet: " + "; ".join(reasons) + ".")
            try:
                changes = fitted(self.doc.network, self.doc.settings, data)[2]
                self.fit.setEnabled(True)
                self.fit_changes.setText("It would change " + ", ".join(changes) + ".")
            except SimulatorError as error:
                self.fit.setChecked(False)
                self.fit.setEnabled(False)
                self.fit_changes.setText(f"The network cannot be changed to fit: {sentence(str(error))}")
            self.fit_changes.setVisible(True)
            self.fit.setVisible(True)
        else:
            self.message.setStyleSheet("")
            self.message.setText("The network fits this data.")

    def _mark_line(self, line):
        """Colour the preview row of file line ``line`` (if it is shown) and scroll to it."""
        if line is None or line not in self._lines:
            return
        row = self._lines.index(line)
        for c in range(self.preview.columnCount()):
            item = self.preview.item(row, c)
            if item is None:
                item = QTableWidgetItem("")
                self.preview.setItem(row, c, item)
            item.setBackground(ERROR_ROW)
        column = getattr(self.error, "column", None)
        if column is not None and self.preview.item(row, column):
            self.preview.item(row, column).setBackground(ERROR_CELL)
        self.preview.scrollToItem(self.preview.item(row, column or 0))

    # -------------------------------------------------------------- import
    def import_data(self):
        """Replace the project's data (one undo step); True if it was."""
        data = self.dataset
        if data is None:
            return False
        fit = self._needs_fit and self.fit.isChecked()
        stored = inline_data(data, round(self.test_fraction.value(), 4), 0)
        try:
            build_dataset(stored, "data")  # what a project file may hold (names' lengths...)
        except SimulatorError as error:
            self.dataset, self.error = None, error
            self._show_result()
            return False
        if not self.doc.import_data(stored, fit=fit, name=data.name):
            return False
        self.accept()
        return True


def open_import_dialog(win):
    """File > Import Data…: show the dialog over ``win`` (a MainWindow) and return it."""
    dialog = ImportDataDialog(win.document, win)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog
