"""The inspector shows the current neuron, edge or layer and edits it through
the document; the activation plot shows the function and its slope."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from simulator.errors import EditError
from simulator.network import Network
from ui.activation_plot import curves
from ui.document import Document, default_project
from ui.inspector import Inspector
from ui.wording import sentence


@pytest.fixture
def inspector(qtbot):
    project = default_project()
    project.network = Network([2, 3, 1], ["tanh", "sigmoid"], seed=1)
    doc = Document(project)
    widget = Inspector(doc)
    qtbot.addWidget(widget)
    widget.messages = []
    doc.message.connect(widget.messages.append)
    return widget


def weight_text(table, row):
    return table.text(row, 1)


def test_neuron_shows_its_numbers(inspector):
    net = inspector.document.network
    inspector.set_current(("neuron", (1, 2)))
    assert inspector.pages.currentIndex() == 1
    assert inspector.header.text() == "Neuron 3 of Hidden 1"
    assert inspector.incoming.rowCount() == 2 and inspector.outgoing.rowCount() == 1
    assert float(weight_text(inspector.incoming, 1)) == pytest.approx(net.weight((0, 1), (1, 2)), abs=1e-4)
    assert inspector.incoming.text(1, 0) == "x2"
    assert inspector.outgoing.text(0, 0) == "\u0177"
    assert inspector.n_activation.currentData() == "tanh"


def test_editing_an_incoming_weight_cell_sets_the_weight(inspector):
    doc = inspector.document
    inspector.set_current(("neuron", (1, 0)))
    inspector.incoming.edit_cell(0, "0.75")
    assert doc.network.weight((0, 0), (1, 0)) == 0.75
    assert doc.undo_stack.undoText() == "Set Weight"
    inspector.outgoing.edit_cell(0, "-1,5")  # a decimal comma is understood
    assert doc.network.weight((1, 0), (2, 0)) == -1.5
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.network.weight((0, 0), (1, 0)) != 0.75
    assert float(weight_text(inspector.incoming, 0)) != 0.75  # the table follows undo


def test_text_that_is_not_a_number_is_refused(inspector):
    doc = inspector.document
    inspector.set_current(("neuron", (1, 0)))
    before = doc.network.weight((0, 0), (1, 0))
    inspector.incoming.edit_cell(0, "lots")
    assert doc.network.weight((0, 0), (1, 0)) == before
    assert doc.undo_stack.count() == 0
    assert inspector.messages and "not a number" in inspector.messages[-1]
    assert float(weight_text(inspector.incoming, 0)) == pytest.approx(before, abs=1e-4)


def test_bias_and_activation_of_a_neuron(inspector):
    doc = inspector.document
    inspector.set_current(("neuron", (1, 1)))
    inspector.n_bias.setValue(0.5)
    assert doc.network.layers[1].bias[1] == 0.5
    inspector.n_activation.setCurrentIndex(inspector.n_activation.findData("relu"))
    assert doc.network.activations == ["relu", "sigmoid"]
    assert [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())] == ["Set Bias", "Set Activation"]


def test_input_neuron_has_no_bias_and_no_plot(inspector):
    inspector.set_current(("neuron", (0, 0)))
    assert inspector.header.text() == "Input x1"
    assert not inspector.n_bias.isEnabled() and not inspector.n_activation.isEnabled()
    assert inspector.plots.isHidden()


def test_edge_weight_is_editable(inspector):
    doc = inspector.document
    inspector.set_current(("edge", ((1, 1), (2, 0))))
    assert inspector.pages.currentIndex() == 2
    inspector.e_weight.setValue(-2.25)
    assert doc.network.weight((1, 1), (2, 0)) == -2.25
    inspector.e_remove.click()
    assert not doc.network.has_edge((1, 1), (2, 0))
    assert inspector.current is None and inspector.pages.currentIndex() == 0  # the edge is gone


def test_layer_size_and_activation_are_editable(inspector):
    doc = inspector.document
    inspector.set_current(("layer", 1))
    assert inspector.pages.currentIndex() == 3 and inspector.l_size.value() == 3
    inspector.l_size.setValue(5)
    assert doc.network.sizes == [2, 5, 1]
    inspector.l_size.setValue(2)
    assert doc.network.sizes == [2, 2, 1]
    inspector.l_activation.setCurrentIndex(inspector.l_activation.findData("sigmoid"))
    assert doc.network.activations == ["sigmoid", "sigmoid"]


def test_softmax_is_offered_only_on_the_output_layer(inspector):
    model = inspector.l_activation.model()
    row = inspector.l_activation.findData("softmax")
    inspector.set_current(("layer", 1))
    assert not model.item(row).isEnabled()
    inspector.set_current(("layer", 2))
    assert model.item(row).isEnabled()


def test_removed_neuron_clears_the_inspector(inspector):
    inspector.set_current(("neuron", (1, 2)))
    inspector.document.remove_neuron(1, 2)
    assert inspector.current is None and inspector.header.text() == "Nothing selected"


def test_plot_follows_the_layer_activation(inspector):
    inspector.set_current(("neuron", (1, 0)))
    x, y = inspector.plot.value_curve.getData()
    _, slope = inspector.plot.slope_curve.getData()
    assert np.allclose(y, np.tanh(x))
    assert np.allclose(slope, 1 - np.tanh(x) ** 2)
    inspector.document.set_activation(1, "relu")
    x, y = inspector.plot.value_curve.getData()
    assert np.allclose(y, np.maximum(x, 0))
    assert inspector.plot.name == "relu"


@pytest.mark.parametrize("name", ["step", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"])
def test_every_activation_can_be_plotted(name):
    z, value, slope, note = curves(name)
    assert z.shape == value.shape == slope.shape == (401,)
    assert np.isfinite(value).all() and np.isfinite(slope).all()
    assert bool(note) == (name == "softmax")
    # the slope is the derivative of the value, away from kinks
    numeric = np.gradient(value, z)
    smooth = np.abs(z) > 0.1
    if name != "step":
        assert np.allclose(numeric[smooth][1:-1], slope[smooth][1:-1], atol=2e-2)


def test_every_control_has_a_tooltip(inspector):
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QPushButton, QTableView
    for kind in (QAbstractSpinBox, QComboBox, QPushButton, QTableView):
        for widget in inspector.findChildren(kind):
            assert widget.toolTip(), widget


def test_weight_cells_are_editable_and_names_are_not(inspector):
    inspector.set_current(("neuron", (1, 0)))
    model = inspector.incoming.model()
    assert model.flags(model.index(0, 1)) & Qt.ItemIsEditable
    assert not model.flags(model.index(0, 0)) & Qt.ItemIsEditable


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e9"])
def test_a_weight_the_model_refuses_shows_the_model_value_again(inspector, text):
    doc = inspector.document
    inspector.set_current(("neuron", (1, 0)))
    before = doc.network.weight((0, 0), (1, 0))
    inspector.incoming.edit_cell(0, text)
    assert doc.network.weight((0, 0), (1, 0)) == before and doc.undo_stack.count() == 0
    assert inspector.messages and inspector.messages[-1][0].isupper()
    assert float(weight_text(inspector.incoming, 0)) == pytest.approx(before, abs=1e-4)


def test_a_refused_bias_shows_the_model_value_again(inspector, monkeypatch):
    doc = inspector.document
    inspector.set_current(("neuron", (1, 0)))
    monkeypatch.setattr(doc, "set_bias", lambda *args, **kwargs: False)  # the model says no
    inspector.n_bias.setValue(3.5)
    assert inspector.n_bias.value() == doc.network.layers[1].bias[0] == 0.0


def test_weights_have_one_limit_in_fields_dialogs_and_the_model(inspector, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from simulator.limits import MAX_WEIGHT
    from ui.network_view.scene import NetworkScene
    doc = inspector.document
    assert inspector.e_weight.maximum() == inspector.n_bias.maximum() == MAX_WEIGHT
    asked = []
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *args, **kwargs: asked.append(args[4:6]) or (0.5, True))
    scene = NetworkScene(doc)
    assert scene.edit_weight((0, 0), (1, 0))
    assert asked == [(-MAX_WEIGHT, MAX_WEIGHT)]
    assert doc.set_weight((0, 0), (1, 0), MAX_WEIGHT) and doc.set_bias((1, 0), -MAX_WEIGHT)
    assert not doc.set_weight((0, 0), (1, 0), MAX_WEIGHT * 1.5)
    with pytest.raises(EditError) as refusal:  # the model's own reason reaches the status bar
        doc.network.copy().set_weight((0, 0), (1, 0), MAX_WEIGHT * 1.5)
    assert inspector.messages[-1] == sentence(str(refusal.value))


def test_the_neuron_page_says_its_activation_belongs_to_the_layer(inspector):
    inspector.set_current(("neuron", (1, 0)))
    form = inspector.n_layer.parentWidget().layout().itemAt(0).layout()
    assert form.labelForField(inspector.n_activation).text() == "Layer activation:"
    assert "every neuron of the layer" in inspector.n_activation.toolTip()


def test_an_edge_names_each_end_once(inspector):
    inspector.set_current(("edge", ((1, 2), (2, 0))))
    assert inspector.e_src.text() == "neuron 3 of Hidden 1"
    assert inspector.e_dst.text() == "\u0177 (Output)"
    inspector.set_current(("edge", ((0, 1), (1, 0))))
    assert inspector.e_src.text() == "x2 (Input)"


def test_a_layer_size_past_the_limit_is_refused_with_a_reason_not_cut_short(inspector, qtbot):
    from simulator.limits import MAX_LAYER_SIZE
    doc, box = inspector.document, inspector.l_size
    inspector.set_current(("layer", 1))
    inspector.show()
    assert box.maximum() == MAX_LAYER_SIZE and not box.keyboardTracking()
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "100000")
    assert box.text() == "100000" and doc.network.sizes == [2, 3, 1]  # nothing applies while typing
    qtbot.keyClick(box, Qt.Key_Return)
    assert doc.network.sizes == [2, 3, 1] and box.value() == 3 and doc.undo_stack.count() == 0
    assert inspector.messages[-1] == f"A layer has 1 to {MAX_LAYER_SIZE:,} neurons, not 100,000; it keeps 3."
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "12")
    qtbot.keyClick(box, Qt.Key_Return)
    assert doc.network.sizes == [2, 12, 1] and doc.undo_stack.count() == 1


@pytest.mark.parametrize("value, text", [(1e38, "1e+38"), (-2.5e7, "-2.5e+07"), (np.inf, "\u221e"),
                                         (np.nan, "NaN")])
def test_a_diverged_bias_or_weight_shows_as_it_is_not_clamped(inspector, value, text):
    net = inspector.document.network
    net.layers[1].bias[0] = value  # as a run that diverged leaves it
    net.blocks[(0, 1)].weights[0, 0] = value
    inspector.set_current(("neuron", (1, 0)))
    assert inspector.n_bias.text() == text and "diverged" in inspector.n_bias.toolTip()
    assert weight_text(inspector.incoming, 0) == text
    inspector.set_current(("edge", ((0, 0), (1, 0))))
    assert inspector.e_weight.text() == text
    assert not inspector.messages
    inspector.set_current(("neuron", (1, 1)))  # an ordinary value again: the box as always
    assert inspector.n_bias.text() == f"{net.layers[1].bias[1]:.4f}" and "diverged" not in inspector.n_bias.toolTip()
    inspector.n_bias.setValue(0.5)  # typing a new value takes it back into the range
    assert net.layers[1].bias[1] == 0.5


def _trained_snapshot(net, step, shift):
    """A training snapshot of ``net`` with every weight and bias moved by ``shift``, as a run would send."""
    from simulator.history import History
    from simulator.snapshot import take_snapshot
    moved = net.copy()
    for block in moved.blocks.values():
        block.weights += shift
    for layer in moved.layers[1:]:
        layer.bias += shift
    return take_snapshot(moved, None, History(), step, 0)


def test_the_numbers_follow_training_while_it_runs(inspector, qtbot):
    net = inspector.document.network
    inspector.set_current(("neuron", (1, 2)))
    inspector.show()
    qtbot.waitExposed(inspector)
    rows = inspector.incoming.rowCount()
    bias0 = float(net.layers[1].bias[2])
    inspector.show_snapshot(_trained_snapshot(net, 97, 0.5))
    assert float(inspector.n_bias.text()) == pytest.approx(bias0 + 0.5, abs=1e-4)
    assert float(weight_text(inspector.incoming, 1)) == pytest.approx(net.weight((0, 1), (1, 2)) + 0.5, abs=1e-4)
    assert float(weight_text(inspector.outgoing, 0)) == pytest.approx(net.weight((1, 2), (2, 0)) + 0.5, abs=1e-4)
    inspector.show_snapshot(_trained_snapshot(net, 191, 1.0))
    assert float(inspector.n_bias.text()) == pytest.approx(bias0 + 1.0, abs=1e-4)
    assert inspector.incoming.rowCount() == rows  # the same rows: nothing jumps
    inspector.set_current(("edge", ((0, 1), (1, 2))))
    inspector.show_snapshot(_trained_snapshot(net, 250, 2.0))
    assert inspector.e_weight.value() == pytest.approx(net.weight((0, 1), (1, 2)) + 2.0, abs=1e-4)


def test_training_never_overwrites_a_field_being_edited(inspector, qtbot):
    from PySide6.QtWidgets import QAbstractItemView
    net = inspector.document.network
    inspector.set_current(("neuron", (1, 2)))
    inspector.show()
    inspector.activateWindow()
    qtbot.waitExposed(inspector)
    inspector.n_bias.setFocus()
    qtbot.waitUntil(inspector.n_bias.hasFocus)
    inspector.n_bias.lineEdit().setText("0.25")  # typed, not yet applied
    inspector.show_snapshot(_trained_snapshot(net, 97, 0.5))
    assert inspector.n_bias.lineEdit().text() == "0.25"
    # a weight cell being edited: the table waits too, and catches up once it is done
    table = inspector.incoming
    table.setFocus()
    table.setCurrentIndex(table.model().index(1, 1))
    qtbot.keyClick(table, Qt.Key_F2)
    assert table.state() == QAbstractItemView.EditingState
    before = weight_text(table, 1)
    inspector.show_snapshot(_trained_snapshot(net, 98, 0.7))
    assert weight_text(table, 1) == before
