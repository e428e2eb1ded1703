"""TrainingViews: one widget for the main window, feeding all three views."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from tests.ui.test_plots_helpers import lesson
from ui.plots.views_panel import TrainingViews


@pytest.fixture
def panel(qtbot):
    widget = TrainingViews()
    widget.resize(700, 500)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_every_view_follows_the_snapshots_and_the_selection(panel):
    trainer, train, test, grid = lesson("spiral")
    panel.set_datasets(train, test)
    panel.show_snapshot(None)
    assert panel.output.pages.currentWidget() is panel.output.message
    for _ in range(3):
        trainer.run(10)
        panel.show_snapshot(trainer.snapshot(grid=grid))
    panel.set_neuron((1, 4))
    assert panel.output.pages.currentWidget() is panel.output.canvas
    assert panel.gradients.n == 3  # hidden, it still gathers every column
    assert panel.gradients.image.image is None  # but draws them only when shown
    panel.tabs.setCurrentWidget(panel.activations)  # a hidden tab draws the newest snapshot when shown
    np.testing.assert_array_equal(panel.activations.neuron_map.values(),
                                  trainer.snapshot(grid=grid).grid_activations[1][:, 4])
    assert panel.activations.histograms.pages.currentWidget() is panel.activations.histograms.scroll
    panel.tabs.setCurrentWidget(panel.gradients)
    assert panel.gradients.image.image.shape[1] == 3 and len(np.unique(panel.gradients.image.image[:, 0])) == 3
    panel.clear()
    assert panel.gradients.n == 0
    panel.set_datasets(None, None)  # the data went away: nothing breaks, the points go
    assert len(panel.output.points.train.getData()[0]) == 0


def test_a_click_on_a_data_point_reaches_the_panel_signal(qtbot, panel):
    trainer, train, test, grid = lesson("multiclass", 5)
    panel.set_datasets(train, test)
    panel.show_snapshot(trainer.snapshot(grid=grid))
    view = panel.output
    vb = view.plot.getViewBox()
    pos = view.canvas.mapFromScene(vb.mapViewToScene(QPointF(*train.X[11])))
    with qtbot.waitSignal(panel.sample_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.canvas.viewport(), Qt.LeftButton, pos=pos)
    assert blocker.args == ["train", 11]
