"""Digits: test images drawn as small grey pictures, each with the network's answer under it.

Shown (as a tab of the training views) when the inputs are the 64 pixels of
an 8x8 image, as in the handwritten digits. Each snapshot's weights answer for
the images shown (the core's forward pass, ``activation_stats.activations_over``);
a wrong answer is written in red, with a red frame, and its true label after it.
"""

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from simulator.accuracy import predicted_classes

from .activation_stats import activations_over
from ..theme import plot_colours

SIDE = 8
"""Pixels per side of an image: 64 inputs are an 8x8 image, row by row."""
ROWS, COLUMNS = 6, 8
"""Images shown: the first ROWS x COLUMNS of the test set (of the training set if there is none),
laid out 6 x 8 or in another grid of the same count where that draws them larger."""
GRIDS = ((6, 8), (4, 12), (3, 16), (8, 6), (2, 24))
WRONG = QColor("#c62828")


def is_image_input(n_inputs):
    """True when ``n_inputs`` inputs are the pixels of one SIDE x SIDE image."""
    return n_inputs == SIDE * SIDE


def short_label(name):
    """``class 7`` -> ``7``: the numbers the CSV reader names classes by, shown bare."""
    return name[6:] if name.startswith("class ") else name


class DigitsView(QWidget):
    """A ROWS x COLUMNS grid of images with their predicted labels, wrong ones in red.

    ``set_datasets(train, test)`` picks the images; ``show_snapshot(snapshot)``
    answers them with the snapshot's weights (while the view is hidden it only
    keeps the snapshot, and answers when it is shown again).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.images = np.zeros((0, SIDE, SIDE), dtype=np.uint8)
        self.truth = np.zeros(0, dtype=np.int64)
        self.names = ()
        self.X = None
        self.source = "test"
        self.predicted = None
        self.snapshot = None
        self._stale = False
        self.setMinimumSize(320, 260)
        self.setToolTip("The first test images, each with the network's answer under it; "
                        "a wrong answer is red and followed by the right one")

    # ---------------------------------------------------------------- data
    def set_datasets(self, train, test):
        data, self.source = (test, "test") if test is not None and test.n_samples else (train, "training")
        self.predicted = None
        if (data is None or data.task != "classification" or not is_image_input(data.n_inputs)
                or data.n_samples == 0):
            self.X, self.images, self.truth, self.names = None, self.images[:0], self.truth[:0], ()
        else:
            self.X = data.X[:ROWS * COLUMNS]
            lo, hi = float(data.X.min()), float(data.X.max())
            grey = (self.X - lo) / (hi - lo) if hi > lo else np.zeros_like(self.X)
            # ink is dark: 0 (no ink) white, the largest value black
            self.images = np.ascontiguousarray(255 - np.round(grey * 255).astype(np.uint8)).reshape(-1, SIDE, SIDE)
            self.truth = data.labels[:ROWS * COLUMNS]
            self.names = tuple(short_label(n) for n in data.target_names)
        self._stale = True
        self.update()

    def show_snapshot(self, snapshot):
        self.snapshot = snapshot
        self._stale = True
        if self.isVisible():
            self._answer()
            self.update()

    def showEvent(self, event):
        super().showEvent(event)
        if self._stale:
            self._answer()

    def _answer(self):
        self._stale = False
        snap, X = self.snapshot, self.X
        self.predicted = None
        outputs = 1 if len(self.names) == 2 else len(self.names)
        if snap is None or X is None or snap.sizes[0] != X.shape[1] or snap.sizes[-1] != outputs:
            return
        with np.errstate(all="ignore"):
            output = activations_over(snap, X)[-1]
        if np.isfinite(output).all():
            self.predicted = predicted_classes(output)

    def wrong_count(self):
        """How many of the images shown the network gets wrong (None before an answer)."""
        return None if self.predicted is None else int((self.predicted != self.truth).sum())

    # ------------------------------------------------------------- drawing
    def paintEvent(self, event):
        colours = plot_colours()
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(colours["background"]))
        text = QColor(colours["text"])
        painter.setPen(text)
        if self.X is None:
            painter.drawText(self.rect(), Qt.AlignCenter | Qt.TextWordWrap,
                             "The Digits view shows images: it needs classification data with 64 inputs,\n"
                             "the pixels of an 8x8 image (File > Import Data… > Bundled: digits).")
            return
        n = len(self.images)
        title_h = self.fontMetrics().height() + 8
        wrong = self.wrong_count()
        title = f"The first {n} {self.source} images"
        if wrong is not None:
            title += f": {n - wrong} read correctly, {wrong} wrong (in red)"
        painter.drawText(QRectF(0, 0, self.width(), title_h), Qt.AlignCenter, title)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        label_h = self.fontMetrics().height() + 4

        def side_of(grid):
            return min(self.width() / grid[1] - 8, (self.height() - title_h) / grid[0] - label_h - 6)

        rows, columns = max(GRIDS, key=side_of)  # the first of the best: 6 x 8 where it is as good
        cell_w = self.width() / columns
        cell_h = (self.height() - title_h) / rows
        side = max(8.0, side_of((rows, columns)))
        for k in range(n):
            r, c = divmod(k, columns)
            x = c * cell_w + (cell_w - side) / 2
            y = title_h + r * cell_h
            image = QImage(self.images[k].data, SIDE, SIDE, SIDE, QImage.Format_Grayscale8)
            target = QRectF(x, y, side, side)
            painter.drawImage(target, image)
            ok = self.predicted is None or self.predicted[k] == self.truth[k]
            painter.setPen(QPen(WRONG if not ok else QColor(colours["axis"]), 3 if not ok else 1))
            painter.drawRect(target)
            if self.predicted is None:
                label = "?"
            else:
                label = self.names[self.predicted[k]]
                if not ok:
                    label += f" (is {self.names[self.truth[k]]})"
            painter.setPen(WRONG if not ok else text)
            painter.drawText(QRectF(c * cell_w, y + side + 2, cell_w, label_h), Qt.AlignCenter, label)
