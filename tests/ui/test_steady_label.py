"""SteadyLabel: live numbers change without laying the window out again, yet long text still gets its room."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.steady_label import SteadyLabel


class LayoutRequests(QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.LayoutRequest:
            self.count += 1
        return False


def panel(qtbot, wrap, width=220):
    outer = QWidget()
    layout = QVBoxLayout(outer)
    label = SteadyLabel("step 0 · loss 1.000")
    label.setWordWrap(wrap)
    layout.addWidget(label)
    layout.addStretch(1)
    qtbot.addWidget(outer)
    outer.resize(width, 300)
    outer.show()
    qtbot.waitExposed(outer)
    return outer, label


def test_new_numbers_of_the_same_size_do_not_lay_the_window_out_again(qtbot):
    outer, label = panel(qtbot, wrap=True)
    qtbot.wait(20)  # the first layout is done
    requests = LayoutRequests(outer)
    for step in range(1, 40):
        label.setText(f"step {step * 37:,} · loss {1 / step:.3f}")
        qtbot.wait(1)
    assert requests.count == 0
    assert label.text() == "step 1,443 · loss 0.026" and label.label.text() == label.text()


def test_a_longer_text_gets_more_lines_and_a_short_one_gives_them_back(qtbot):
    outer, label = panel(qtbot, wrap=True)
    one_line = label.height()
    long = "training stopped: the loss became nan at step 1,234; try a smaller learning rate " * 2
    label.setText(long)
    qtbot.waitUntil(lambda: label.height() > 2 * one_line)
    assert label.label.height() >= label.label.heightForWidth(label.width())  # every line shows
    label.setText("step 5 · loss 0.5")
    qtbot.waitUntil(lambda: label.height() == one_line)


def test_a_label_on_one_line_grows_for_a_wider_text(qtbot):
    outer, label = panel(qtbot, wrap=False, width=600)
    label.setText("as fast as possible (running at 12,345 steps/s)")
    qtbot.waitUntil(lambda: label.width() >= label.label.sizeHint().width())
