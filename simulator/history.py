"""The record of training: a row per step, kept in growable NumPy arrays."""

import numpy as np

COLUMNS = ("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")


class History:
    """Loss and accuracy for every step.

    Accuracy is NaN for regression; test values are NaN on steps where the
    test set was not evaluated (see ``TrainingSettings.test_every``) or there
    is no test set. Step ``i`` (0-based row) is the state *before* update
    ``i + 1``, i.e. the loss the step's forward pass saw.
    """

    def __init__(self, capacity=1024):
        self._data = np.full((len(COLUMNS), capacity), np.nan)
        self.n = 0

    def __len__(self):
        return self.n

    def append(self, epoch, train_loss, train_accuracy, test_loss, test_accuracy):
        if self.n == self._data.shape[1]:
            grown = np.full((len(COLUMNS), 2 * self.n), np.nan)
            grown[:, :self.n] = self._data
            self._data = grown
        col = self._data[:, self.n]
        col[0] = epoch
        col[1] = train_loss
        col[2] = train_accuracy
        col[3] = test_loss
        col[4] = test_accuracy
        self.n += 1

    def truncate(self, n):
        """Forget every step from row ``n`` on (used when weights are rolled back)."""
        self._data[:, n:self.n] = np.nan
        self.n = min(self.n, n)

    def column(self, name):
        """A read-only view of one column, shape (n_steps,)."""
        view = self._data[COLUMNS.index(name), :self.n]
        view.flags.writeable = False
        return view

    def last(self, name):
        return float(self._data[COLUMNS.index(name), self.n - 1]) if self.n else float("nan")

    def last_finite(self, name):
        col = self._data[COLUMNS.index(name), :self.n]
        finite = col[np.isfinite(col)]
        return float(finite[-1]) if finite.size else None

    def to_rows(self):
        """Rows of (step, epoch, train_loss, train_accuracy, test_loss, test_accuracy)."""
        data = self._data[:, :self.n]
        return [(i + 1, *data[:, i].tolist()) for i in range(self.n)]
