"""Number fields typed as a person types them: an optional target takes
"off" or an empty field for no target, and shows "off"."""

import pytest
from PySide6.QtCore import Qt

from ui.number_box import OptionalNumberBox


def type_into(qtbot, box, text):
    box.setFocus()
    qtbot.keyClick(box.lineEdit(), Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClick(box.lineEdit(), Qt.Key_Delete)
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)


@pytest.fixture(params=["", " %"])
def box(qtbot, request):
    widget = OptionalNumberBox(0.0, 100.0, 1.0, "a target", suffix=request.param)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_an_optional_target_starts_off_and_says_so(box):
    assert box.number() is None and box.text() == "off"
    assert box.lineEdit().placeholderText() == "off"


@pytest.mark.parametrize("typed", ["off", "Off", "OFF", "", "  "])
def test_off_or_an_empty_field_means_no_target(qtbot, box, typed):
    type_into(qtbot, box, "0.25")
    assert box.number() == 0.25
    type_into(qtbot, box, typed)
    assert box.number() is None and box.text() == "off"


def test_a_number_is_taken_as_typed_with_or_without_the_suffix(qtbot, box):
    type_into(qtbot, box, "1e-3")
    assert box.number() == 0.001
    type_into(qtbot, box, "42" + box.suffix())
    assert box.number() == 42.0
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "abc")  # not a number: the keys are refused, the value stays
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)
    assert box.number() == 42.0
    box.set_number(None)
    assert box.number() is None and box.text() == "off"
    box.set_number(7.5)
    assert box.number() == 7.5 and box.text() == "7.5" + box.suffix()
