"""File > Import Data…: the dialog previews a CSV file, lets a person pick the target and
the task, shows the reader's problems at their line, and imports in one undoable step."""

from PySide6.QtCore import Qt

from simulator.errors import DatasetError
from tests.ui.test_main_window import FakeDialogs
from ui.csv_dialog import ERROR_CELL, ImportDataDialog
from ui.document import Document
from ui.main_window import MainWindow


def dialog(qtbot, document=None):
    doc = document if document is not None else Document()
    d = ImportDataDialog(doc)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return doc, d


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_file_is_previewed_detected_and_imported_in_one_undoable_step(qtbot, tmp_path):
    doc, d = dialog(qtbot)
    before = doc.network.sizes, dict(doc.data), doc.settings.loss
    d.ask_path = lambda: str(write(tmp_path, "a,b,c,kind\n1,2,3,cat\n4,5,6,dog\n7,8,9,bird\n0,1,2,cat\n"))
    d.choose.click()
    # the preview: the header, the rows with their line numbers, the last column chosen as target
    assert [d.preview.horizontalHeaderItem(c).text() for c in range(4)] == ["a", "b", "c", "kind"]
    assert d.preview.rowCount() == 4 and d.preview.item(2, 3).text() == "bird"
    assert d.preview.verticalHeaderItem(0).text() == "2"
    assert d.chosen_targets() == ["kind"]
    assert d.task.currentData() == "classification" and "Detected: classification" in d.detected.text()
    assert "4 samples, 3 inputs, 3 classes: bird, cat, dog" in d.summary.text()  # the names kept
    assert "input layer has 2 neurons but the data has 3 input columns" in d.message.text()
    assert d.fit.isVisible() and d.fit.isChecked() and "softmax" in d.fit_changes.text()

    d.import_button.click()
    assert d.result() == d.DialogCode.Accepted
    assert doc.network.sizes == [3, 2, 3] and doc.network.activations[-1] == "softmax"
    assert doc.settings.loss == "categorical_cross_entropy"
    assert doc.data["inline"]["target_names"] == ["bird", "cat", "dog"]
    train, test = doc.project.datasets()
    assert train.n_samples + test.n_samples == 4 and doc.project.problems() == []
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Import data"
    doc.undo_stack.undo()  # one step takes all of it back
    assert (doc.network.sizes, doc.data, doc.settings.loss) == before
    doc.undo_stack.redo()
    assert doc.network.sizes == [3, 2, 3]


def test_the_task_and_the_targets_can_be_changed(qtbot, tmp_path):
    doc, d = dialog(qtbot)
    d.set_path(write(tmp_path, "x,y,z\n0,1,0\n1,2,1\n2,3,1\n"))
    assert d.task.currentData() == "classification"
    d.set_task("regression")
    assert d.dataset.task == "regression" and "you chose regression" in d.detected.text()
    d.set_targets(["y", "z"])  # two targets: a regression with two outputs
    assert d.dataset.n_outputs == 2 and d.dataset.target_names == ("y", "z")
    d.fit.setChecked(False)  # import as it is: the network then says what must change
    assert d.import_data()
    assert doc.network.sizes == [2, 2, 1] and doc.data["inline"]["X"] == [[0], [1], [2]]
    assert any(p.field == "data" and "input layer" in p for p in doc.project.problems())


def test_a_malformed_file_shows_the_readers_message_at_its_line_and_imports_nothing(qtbot, tmp_path):
    doc, d = dialog(qtbot)
    before = dict(doc.data)
    d.set_path(write(tmp_path, "x1,x2,y\n1,2,0\n\n1,2,1\n3,abc,1\n1,2,0\n"))
    assert "line 5, column 'x2': 'abc' is not a number" in d.message.text()
    assert not d.import_button.isEnabled() and not d.fit.isVisible()
    # the row of line 5 (the third shown: the blank line 3 is skipped) is marked, its bad cell most
    assert d.preview.verticalHeaderItem(2).text() == "5"
    assert d.preview.item(2, 1).background().color() == ERROR_CELL
    assert d.preview.item(0, 1).background().color() != ERROR_CELL
    assert not d.import_data() and doc.data == before and doc.undo_stack.count() == 0
    # no target chosen, or a file that cannot be read at all: said inline too
    d.set_path(write(tmp_path, "a,b\n1,2\n3,4\n", "fine.csv"))
    d.set_targets([])
    assert "Choose the target column" in d.message.text() and not d.import_button.isEnabled()
    # read, but not what a project may hold: said in the dialog, nothing imported
    d.set_path(write(tmp_path, "x" * 201 + ",y\n1,0\n2,1\n", "long.csv"))
    assert d.import_button.isEnabled() and not d.import_data()
    assert "feature_names[0]" in d.message.text() and doc.undo_stack.count() == 0
    d.set_path(tmp_path / "missing.csv")
    assert "no such file" in d.message.text() and d.preview.rowCount() == 0


def test_the_reader_gives_the_line_as_data_not_only_in_words(tmp_path):
    from simulator.datasets import load_csv
    try:
        load_csv(write(tmp_path, "x,y\n1,0\n2\n"))
    except DatasetError as error:
        assert error.line == 3
    else:
        raise AssertionError("a short row was read")


def test_file_menu_imports_a_bundled_data_set(qtbot):
    win = MainWindow(Document(), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(win)
    file_menu = win.menuBar().actions()[0].menu()
    assert win.acts.import_data in file_menu.actions() and win.acts.import_data.toolTip()
    win.acts.import_data.trigger()
    d = win.findChild(ImportDataDialog)
    assert d is not None and d.isVisible()
    index = next(i for i in range(d.source.count()) if d.source.itemText(i).startswith("Bundled: digits"))
    d.source.setCurrentIndex(index)
    d.source.activated.emit(index)
    assert d.dataset.n_samples == 1797 and d.dataset.n_inputs == 64 and d.dataset.n_classes == 10
    assert d.source.itemData(index, Qt.ToolTipRole).startswith("UCI Machine Learning Repository")
    d.import_button.click()
    assert win.document.network.sizes[0] == 64 and win.document.network.sizes[-1] == 10
    assert win.document.project.problems() == []
