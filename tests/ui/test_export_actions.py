"""File > Export in the window: each entry writes a file that opens, and a
failure says so without writing anything."""

import csv
import xml.etree.ElementTree as ET

from PySide6.QtGui import QImage

from simulator.export.npz import read_npz
from simulator.history import COLUMNS
from simulator.presets import make_preset
from tests.ui.test_main_window import FakeDialogs
from ui.document import Document
from ui.main_window import MainWindow


def window(qtbot, lesson="sine"):
    win = MainWindow(Document(make_preset(lesson)), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def answer(win, path):
    asked = []
    win.exports.ask_path = lambda title, suggestion, file_filter: asked.append(suggestion) or str(path)
    return asked


def test_the_file_menu_offers_every_export(qtbot):
    win = window(qtbot)
    file_menu = win.menuBar().actions()[0].menu()
    assert win.export_menu.menuAction() in file_menu.actions()
    texts = [a.text().replace("&", "") for a in win.export_menu.actions() if not a.isSeparator()]
    assert texts == ["PyTorch Script…", "Weights (.npz)…", "Loss History (.csv)…", "Canvas as PNG…",
                     "Canvas as SVG…", "Current Plot as PNG…", "Current Plot as SVG…",
                     "Current Plot's Data (.csv)…"]
    assert all(a.toolTip() for a in win.export_menu.actions() if not a.isSeparator())


def test_script_and_weights_hold_the_windows_network(qtbot, tmp_path):
    win = window(qtbot)
    win.document.network.layers[1].bias[:] = 0.25  # a change the file on disk does not have
    asked = answer(win, tmp_path / "model")
    assert win.exports.export_pytorch()
    assert asked[0].endswith(".py")  # the suggestion is a script named after the project
    text = (tmp_path / "model.py").read_text()  # the suffix was added
    compile(text, "model.py", "exec")
    assert "B_1 = np.array([0.25, 0.25" in text
    answer(win, tmp_path / "w.npz")
    assert win.exports.export_weights()
    assert read_npz(tmp_path / "w.npz").same_as(win.document.network)
    assert "Exported w.npz" in win.statusBar().currentMessage()


def test_history_is_exported_after_training(qtbot, tmp_path):
    win = window(qtbot)
    answer(win, tmp_path / "h.csv")
    assert not win.exports.export_history()  # nothing trained yet: nothing asked, nothing written
    assert not (tmp_path / "h.csv").exists()
    with qtbot.waitSignal(win.training.running_changed, timeout=20000, check_params_cb=lambda r: not r):
        win.training.run_epochs(5)
    assert win.exports.export_history()
    with open(tmp_path / "h.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 1 + len(win.training.history)
    assert float(rows[-1][2]) == win.training.history.last("train_loss")


def test_canvas_pictures_open_and_show_the_network(qtbot, tmp_path):
    win = window(qtbot, "mlp-xor")
    answer(win, tmp_path / "c.png")
    assert win.exports.export_png()
    image = QImage(str(tmp_path / "c.png"))
    assert not image.isNull() and image.width() > 200
    pixels = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(pixels) > 10  # not blank: edges, neurons and labels in several colours
    answer(win, tmp_path / "c.svg")
    assert win.exports.export_svg()
    root = ET.parse(tmp_path / "c.svg").getroot()
    texts = [el.text or "" for el in root.iter() if el.tag.endswith("text")]
    assert any("Output" in t for t in texts)  # labels stay text, not outlines


def test_a_failed_export_says_why_and_writes_nothing(qtbot, tmp_path):
    win = window(qtbot)
    out = tmp_path / "out"
    out.mkdir()
    answer(win, out / "no" / "such" / "model.py")
    assert not win.exports.export_pytorch()
    title, text, details = win.dialogs.errors[-1]
    assert title == "Could not export" and "model.py" in text and details
    answer(win, "")  # cancelled: nothing happens
    assert not win.exports.export_weights() and len(win.dialogs.errors) == 1
    assert list(out.iterdir()) == []


def test_the_plot_in_front_exports_through_pyqtgraphs_exporters(qtbot, tmp_path):
    win = window(qtbot)
    with qtbot.waitSignal(win.training.running_changed, timeout=20000, check_params_cb=lambda r: not r):
        win.training.run_epochs(20)
    qtbot.wait(100)
    win.plot_tabs.setCurrentIndex(0)  # the loss
    answer(win, tmp_path / "loss.csv")
    assert win.exports.export_plot_csv()
    with open(tmp_path / "loss.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) > 10 and all(len(r) >= 2 for r in rows[1:])  # step and loss columns, a row per point
    answer(win, tmp_path / "loss.svg")
    assert win.exports.export_plot_svg()
    ET.parse(tmp_path / "loss.svg")  # well-formed SVG
    win.plot_tabs.setCurrentWidget(win.training_views.output)  # the sine fit
    qtbot.wait(100)
    answer(win, tmp_path / "fit.png")
    assert win.exports.export_plot_png()
    image = QImage(str(tmp_path / "fit.png"))
    assert not image.isNull() and image.width() > 100
    pixels = {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}
    assert len(pixels) > 10
