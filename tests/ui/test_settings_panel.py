"""The Data & Training panel: every value a file may hold shows as it is,
the reasons a project cannot train are the simulator's, and edits are
undoable steps that rebuild only what they changed."""

import dataclasses
import warnings

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

import simulator.project_file
import ui.settings_dock
from simulator.limits import MAX_BATCH_SIZE, MAX_SEED, MAX_TEST_FRACTION
from simulator.presets import make_preset
from simulator.project_file import Project, save_project
from ui.document import Document
from ui.settings_dock import SettingsPanel, problem_text

EDGES = dict(learning_rate=50.0, momentum=0.9999, beta1=0.99995, beta2=0.9999999, epsilon=1e-12, l1=1e-7,
             l2=123.456789, batch_size=MAX_BATCH_SIZE, seed=MAX_SEED, optimizer="momentum", shuffle=False)


@pytest.fixture
def panel(qtbot):
    documents = []

    def build(project=None):
        doc = Document(project if project is not None else make_preset("mlp-xor"))
        widget = SettingsPanel(doc)
        qtbot.addWidget(widget)
        documents.append(doc)
        return widget, doc

    yield build
    for doc in documents:  # from Qt's side, as in test_network_view.py
        doc.deleteLater()


def shown_text(label):
    page = QTextDocument()
    page.setHtml(label.text())
    return page.toPlainText()


def test_settings_at_the_edges_show_exactly_and_nothing_is_written_back(panel, tmp_path):
    project = make_preset("mlp-xor")
    project.settings = dataclasses.replace(project.settings, **EDGES).validate()
    project.data = {"recipe": {"generator": "xor", "n": 40, "noise": 0.0001, "seed": MAX_SEED},
                    "test_fraction": MAX_TEST_FRACTION}
    save_project(project, tmp_path / "edges.json")
    widget, doc = panel()
    doc.open(tmp_path / "edges.json")
    for name, box in widget._setting_boxes():
        assert box.value() == EDGES[name], name
    assert widget.learning_rate.text() == "50.0" and widget.momentum.text() == "0.9999"
    assert widget.optimizer.currentData() == "momentum" and not widget.shuffle.isChecked()
    assert widget.data_seed.value() == MAX_SEED and widget.noise.value() == 0.0001
    assert widget.test_fraction.value() == MAX_TEST_FRACTION and widget.samples.value() == 40
    assert doc.undo_stack.count() == 0 and not doc.is_modified() and doc.settings == project.settings
    widget.momentum.stepBy(-1)  # the next arrow click starts from the value shown
    assert doc.settings.momentum == 0.9499
    widget.learning_rate.stepBy(1)
    assert doc.settings.learning_rate == 51.0


def test_number_boxes_follow_the_simulators_rules(panel):
    widget, doc = panel()
    assert widget.learning_rate.minimum() > 0 and widget.learning_rate.maximum() >= 1e300
    assert widget.momentum.maximum() < 1 and widget.beta2.maximum() < 1 and widget.l2.maximum() >= 1e300
    assert widget.data_seed.maximum() == widget.train_seed.maximum() == MAX_SEED
    widget.learning_rate.setValue(0.001)
    for _ in range(3):
        widget.learning_rate.stepBy(-1)  # by tenths of the value's order: never to 0
    assert doc.settings.learning_rate == 0.00097
    widget.momentum.setValue(0.3)
    widget.momentum.stepBy(-5)
    assert doc.settings.momentum == 0.05  # not 0.04999999999999999


def test_refresh_shows_every_group_even_if_one_fails(panel, monkeypatch):
    widget, doc = panel()
    doc.project.settings = dataclasses.replace(doc.settings, learning_rate=0.25, optimizer="adam")

    def broken():
        raise RuntimeError("the data group failed")

    monkeypatch.setattr(widget, "_show_data", broken)
    with pytest.raises(RuntimeError):  # the failure still surfaces...
        widget.refresh()
    # ...after the other groups show the document, not what was there before
    assert widget.learning_rate.value() == 0.25 and widget.optimizer.currentData() == "adam"
    assert widget.beta1.isEnabled() and not widget.momentum.isEnabled()
    assert not widget._quiet


def test_the_panel_shows_exactly_the_projects_problems_after_every_edit(panel):
    widget, doc = panel()
    assert widget.problems == [] and not widget.problems_label.isVisibleTo(widget)

    def shown():
        assert widget.problems == doc.project.problems()
        text = shown_text(widget.problems_label)
        assert all(problem_text(p) in text for p in widget.problems)
        return widget.problems

    doc.set_activation(2, "linear")
    assert [p.field for p in shown()] == ["training.loss"]
    assert "Loss: binary cross-entropy needs a sigmoid output layer" in shown_text(widget.problems_label)
    doc.set_setting("rule", "perceptron")
    assert len(shown()) == 2
    doc.set_data({"recipe": {"generator": "sine"}})  # 1 input, and targets outside [0, 1]
    assert len(shown()) == 4 and shown_text(widget.problems_label).startswith("Cannot train yet:")
    assert "Loss: binary cross-entropy needs every target between 0 and 1" in shown_text(widget.problems_label)
    doc.undo_stack.undo()
    assert len(shown()) == 2
    doc.add_neuron(2)  # a second output: XOR's one target no longer fits
    assert len(shown()) == 3 and "output layer has 2 neurons" in shown()[0]
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert shown() == [] and not widget.problems_label.isVisibleTo(widget)


def test_the_panel_warns_when_the_output_no_longer_depends_on_any_input(panel):
    widget, doc = panel()
    doc.delete_items(edges=[((i, s), (j, d)) for i, s, j, d, _ in doc.network.edges() if i == 0])
    assert [p.split(":")[0] for p in widget.problems] == ["network"]
    assert "the output no longer depends on any input" in shown_text(widget.problems_label)
    assert widget.problems_label.isVisibleTo(widget)
    doc.undo_stack.undo()
    assert widget.problems == [] and not widget.problems_label.isVisibleTo(widget)


def test_adam_epsilon_cannot_be_set_to_zero(panel):
    widget, doc = panel()
    assert widget.epsilon.minimum() > 0
    widget.epsilon.setValue(0.0)  # typed or stepped down to the bottom
    assert doc.settings.epsilon > 0
    doc.project.settings.validate()


def test_edits_rebuild_only_what_they_changed(panel, monkeypatch):
    widget, doc = panel()
    calls = {"build": 0, "problems": 0}
    build, problems = ui.settings_dock.build_dataset, Project.problems

    def counted_build(*args):
        calls["build"] += 1
        return build(*args)

    def counted_problems(self):
        calls["problems"] += 1
        return problems(self)

    monkeypatch.setattr(ui.settings_dock, "build_dataset", counted_build)
    monkeypatch.setattr(simulator.project_file.Project, "problems", counted_problems)
    for _ in range(3):
        doc.add_neuron(1)  # the output still depends on the inputs: no rule of problems() changed
    doc.set_bias((1, 0), 0.5)
    assert calls == {"build": 0, "problems": 0}
    widget.test_fraction.setValue(0.5)  # the same recipe: the dataset is not built again
    assert calls == {"build": 0, "problems": 1}
    doc.set_activation(2, "tanh")
    assert calls == {"build": 0, "problems": 2}
    widget.samples.setValue(8)
    assert calls == {"build": 1, "problems": 3}
    assert widget.data_summary.text().startswith("XOR: 8 points")


def test_choosing_two_optimizers_is_two_undo_steps_and_arrow_steps_merge(panel):
    widget, doc = panel()
    widget.optimizer.setCurrentIndex(widget.optimizer.findData("adam"))
    widget.optimizer.setCurrentIndex(widget.optimizer.findData("momentum"))
    widget.learning_rate.stepBy(1)
    widget.learning_rate.stepBy(1)
    assert doc.undo_stack.count() == 3 and doc.settings.learning_rate == 1.2
    doc.undo_stack.undo()
    assert doc.settings.learning_rate == 1.0
    doc.undo_stack.undo()
    assert doc.settings.optimizer == "adam" and widget.optimizer.currentData() == "adam"


def test_precision_is_a_setting_shown_and_undoable(panel, tmp_path):
    project = make_preset("mlp-xor")
    project.settings.precision = "float32"
    save_project(project, tmp_path / "p.json")
    widget, doc = panel(simulator.project_file.load_project(tmp_path / "p.json"))
    assert widget.precision.currentData() == "float32"
    widget.precision.setCurrentIndex(widget.precision.findData("float64"))
    assert doc.settings.precision == "float64"
    doc.undo_stack.undo()
    assert doc.settings.precision == "float32" and widget.precision.currentData() == "float32"


# ------------------------------------------------- Ctrl+Z in a number field
def recipe_value(key, default):
    return lambda doc: doc.data.get("recipe", {}).get(key, default)


def setting(name):
    return lambda doc: getattr(doc.settings, name)


# field, what to type, where the document keeps it, the optimizer that enables the field
NUMBER_FIELDS = [
    ("samples", "40", recipe_value("n", 4), None),
    ("noise", "0.2", recipe_value("noise", 0.0), None),
    ("data_seed", "7", recipe_value("seed", 0), None),
    ("test_fraction", "0.25", lambda doc: doc.data.get("test_fraction", 0.0), None),
    ("learning_rate", "0.7", setting("learning_rate"), None),
    ("momentum", "0.5", setting("momentum"), "momentum"),
    ("beta1", "0.8", setting("beta1"), "adam"),
    ("beta2", "0.99", setting("beta2"), "adam"),
    ("epsilon", "0.001", setting("epsilon"), "adam"),
    ("batch_size", "2", setting("batch_size"), None),
    ("l1", "0.01", setting("l1"), None),
    ("l2", "0.02", setting("l2"), None),
    ("train_seed", "5", setting("seed"), None),
]


@pytest.fixture
def window(qtbot):
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_main_window import FakeDialogs
    from ui.main_window import MainWindow
    win = MainWindow(Document(make_preset("mlp-xor")), dialogs=FakeDialogs())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    # the offscreen platform does not activate windows by itself; keys need an active window
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(win)
    yield win
    win.document.undo_stack.setClean()  # close without asking


def type_into(qtbot, box, text, key=None):
    box.setFocus()
    qtbot.mouseClick(box.lineEdit(), Qt.LeftButton)
    box.selectAll()
    qtbot.keyClicks(box, text)
    if key is not None:
        qtbot.keyClick(box, key)


@pytest.mark.parametrize("name, typed, stored, optimizer", NUMBER_FIELDS, ids=[f[0] for f in NUMBER_FIELDS])
def test_ctrl_z_in_a_field_undoes_the_document_and_the_field_shows_it(qtbot, window, name, typed, stored,
                                                                      optimizer):
    """Type a value, Tab, click back, Ctrl+Z: the field, the document, the
    undo history and the title agree; Ctrl+Shift+Z brings the value back."""
    doc, box = window.document, getattr(window.settings_panel, name)
    if optimizer:
        doc.set_setting("optimizer", optimizer)
    stack = doc.undo_stack
    stack.setClean()
    before, shown_before, index = stored(doc), box.text(), stack.index()
    assert box.isEnabled()

    type_into(qtbot, box, typed, Qt.Key_Tab)
    assert box.text() == typed and float(stored(doc)) == float(typed) and stack.index() == index + 1
    assert window.windowTitle().split(" — ")[0].endswith("*")

    box.setFocus()
    qtbot.mouseClick(box.lineEdit(), Qt.LeftButton)
    qtbot.keyClick(box, Qt.Key_Z, Qt.ControlModifier)
    assert stored(doc) == before and box.text() == shown_before and stack.index() == index
    assert stack.isClean() and not window.windowTitle().split(" — ")[0].endswith("*")

    qtbot.keyClick(box, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert box.text() == typed and float(stored(doc)) == float(typed) and stack.index() == index + 1
    qtbot.keyClick(box, Qt.Key_Tab)  # leaving the field changes nothing more
    assert float(stored(doc)) == float(typed) and stack.index() == index + 1 and stack.count() == index + 1


def test_ctrl_z_while_typing_takes_back_only_the_typing(qtbot, window):
    doc, box = window.document, window.settings_panel.learning_rate
    type_into(qtbot, box, "0.7", Qt.Key_Return)
    count = doc.undo_stack.count()
    type_into(qtbot, box, "0.3")  # typed, not yet committed
    qtbot.keyClick(box, Qt.Key_Z, Qt.ControlModifier)
    assert box.text() == "0.7" and doc.settings.learning_rate == 0.7 and doc.undo_stack.count() == count
    qtbot.keyClick(box, Qt.Key_Tab)
    assert doc.settings.learning_rate == 0.7 and doc.undo_stack.count() == count
    qtbot.keyClick(window.settings_panel.batch_size, Qt.Key_Z, Qt.ControlModifier)  # now the document's
    assert doc.settings.learning_rate == 1.0 and box.text() == "1.0"


def test_each_problem_is_a_sentence_with_its_full_stop(panel):
    widget, doc = panel()
    doc.set_activation(2, "linear")
    assert widget.problems
    for problem in widget.problems:
        assert problem_text(problem).endswith(".") and not problem_text(problem).endswith("..")
    assert shown_text(widget.problems_label).rstrip().endswith(".")


def _wheel(widget, delta=-120):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, delta),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_panel_over_fields_and_changes_only_a_focused_one(qtbot, panel):
    widget, doc = panel()
    widget.resize(300, 250)  # shorter than the form: it scrolls
    widget.show()
    qtbot.waitExposed(widget)
    bar = widget.verticalScrollBar()
    assert bar.maximum() > 0
    for field, value in ((widget.loss, lambda: widget.loss.currentIndex()),
                         (widget.learning_rate, widget.learning_rate.value),
                         (widget.samples, widget.samples.value)):
        before, settings, position = value(), doc.settings, bar.value()
        widget.ensureWidgetVisible(field)
        position = bar.value()
        _wheel(field, -120)
        assert value() == before and doc.settings == settings, field  # the field kept its value...
        assert bar.value() > position or bar.value() == bar.maximum(), field  # ...and the panel scrolled
        assert field.focusPolicy() == Qt.StrongFocus
    widget.ensureWidgetVisible(widget.samples)
    widget.samples.setFocus()
    qtbot.waitUntil(widget.samples.hasFocus)
    before = widget.samples.value()
    _wheel(widget.samples, 120)  # with the focus, the wheel changes the value as always
    assert widget.samples.value() == before + 1
