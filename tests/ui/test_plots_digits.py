"""The Digits tab: shown only for 8x8 images, it draws test images with the network's answers,
the wrong ones in red."""

import numpy as np
from PySide6.QtGui import QImage

from simulator.backprop import forward
from simulator.presets import make_preset
from simulator.trainer import Trainer
from tests.ui.test_main_window import FakeDialogs
from ui.document import Document
from ui.main_window import MainWindow
from ui.plots.digits_view import COLUMNS, ROWS, WRONG
from ui.plots.views_panel import TrainingViews


def red_pixels(widget):
    image = widget.grab().toImage().convertToFormat(QImage.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)
    b, g, r = pixels[..., 0].astype(int), pixels[..., 1].astype(int), pixels[..., 2].astype(int)
    return int(((abs(r - WRONG.red()) < 30) & (abs(g - WRONG.green()) < 30) & (abs(b - WRONG.blue()) < 30)).sum())


def test_the_tab_shows_for_digits_and_marks_the_wrong_answers_in_red(qtbot):
    views = TrainingViews()
    qtbot.addWidget(views)
    views.resize(900, 620)
    views.show()
    tab = views.tabs.indexOf(views.digits)
    views.set_datasets(*make_preset("mlp-xor").datasets())
    assert not views.tabs.isTabVisible(tab)  # two inputs are no image

    project = make_preset("digits")
    train, test = project.datasets()
    views.set_datasets(train, test)
    assert views.tabs.isTabVisible(tab)
    views.tabs.setCurrentIndex(tab)
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.run(12)  # part-way: some answers still wrong
    views.show_snapshot(trainer.snapshot())
    shown = test.subset(slice(0, ROWS * COLUMNS))
    _, a = forward(project.network, shown.X)
    wrong = int((np.argmax(a[-1], axis=1) != shown.labels).sum())
    assert 0 < wrong == views.digits.wrong_count()
    assert red_pixels(views.digits) > 0
    trainer.run(88)  # the lesson's 100 steps
    views.show_snapshot(trainer.snapshot())
    _, a = forward(project.network, shown.X)
    assert views.digits.wrong_count() == int((np.argmax(a[-1], axis=1) != shown.labels).sum()) <= 2
    if views.digits.wrong_count() == 0:
        assert red_pixels(views.digits) == 0


def test_the_digits_lesson_opens_with_its_tab(qtbot):
    win = MainWindow(Document(make_preset("digits")), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(win)
    views = win.training_views
    assert views.tabs.isTabVisible(views.tabs.indexOf(views.digits))
    assert views.digits.X.shape == (ROWS * COLUMNS, 64)
