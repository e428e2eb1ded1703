"""Live plots of training, each a widget with ``show_snapshot(snapshot)`` (and,
where the data matters, ``set_datasets(train, test)``), redrawn by the training
controller with the newest snapshot at most ~30 times a second."""

from .loss_plot import LossPlot

__all__ = ["LossPlot"]
