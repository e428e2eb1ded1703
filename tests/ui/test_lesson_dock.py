"""The Lesson dock shows a lesson's text, headed by a note once the network is no longer the lesson's."""

from simulator.presets import make_preset
from tests.ui.test_main_window import FakeDialogs
from ui.document import Document
from ui.main_window import MainWindow


def test_the_lesson_text_gets_a_note_above_it_once_the_network_changes(qtbot, tmp_path):
    win = MainWindow(Document(make_preset("perceptron-and")), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(win)
    assert win.open_lesson("mlp-xor")
    shown = win.lesson_text.toPlainText
    assert "four tanh neurons" in shown() and "Multilayer perceptron: XOR" in shown()

    win.document.add_neuron(1)
    assert "Based on the lesson “Multilayer perceptron: XOR”, changed" in shown()
    assert "Try this" in shown()  # the steps still to follow stay readable
    win.document.undo_stack.undo()
    assert "four tanh neurons" in shown() and "Based on the lesson" not in shown()

    win.document.set_activation(1, "relu")
    assert "changed" in shown()
    path = tmp_path / "mine.json"
    assert win._save_to(str(path))
    assert win.open_path(str(path))  # the saved project remembers its lesson and that it changed
    assert "Based on the lesson" in shown() and "four tanh neurons" in shown()
    win.document.set_activation(1, "tanh")
    assert "four tanh neurons" in shown() and "Based on the lesson" not in shown()
