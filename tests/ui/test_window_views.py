"""The training views inside the window: the output, activation and
gradient-flow tabs beside the loss, the canvas and inspector following the
run, and a click on a data point tracing that example on the canvas."""

import numpy as np
from PySide6.QtCore import QPointF, Qt

from simulator.backprop import forward
from tests.ui.test_training_window import window


def test_the_plot_tabs_hold_every_training_view(qtbot):
    win = window(qtbot)
    tabs = win.plot_tabs
    titles = [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]
    assert titles == ["Loss", "Output", "Activations", "Gradient flow", "Hidden space", "Derivative", "Chain rule",
                      "Contributions", "Loss shapes", "Capacity"]
    assert not tabs.isTabVisible(tabs.indexOf(win.training_views.digits))  # for 8x8 images only
    assert all(win.plot_tabs.tabToolTip(i) for i in range(win.plot_tabs.count()))


def test_a_run_reaches_the_canvas_the_inspector_and_every_view(qtbot):
    win = window(qtbot)
    win.plot_tabs.setCurrentWidget(win.training_views.output)
    win.view.scene().select_only(neurons=[(1, 3)])  # the activations tab maps the selected neuron
    assert win.training_views.activations.neuron_map.neuron == (1, 3)
    win.training.play()
    qtbot.waitUntil(lambda: win.training_views.gradients.n >= 3, timeout=20000)  # hidden, it still gathers
    win.training.pause()
    qtbot.waitUntil(lambda: not win.training.running, timeout=5000)
    qtbot.wait(100)  # the idle redraw after the run
    # the output map shows the network's own output on the grid, with the trained weights
    scene = win.view.scene()
    grid, values, _ = scene.neuron_map((3, 0))
    _, a = forward(win.document.network, np.asarray(grid, dtype=np.float64))
    np.testing.assert_allclose(values, a[-1][:, 0], atol=1e-5)
    assert win.training_views.output.pages.currentWidget() is win.training_views.output.canvas
    assert win.inspector.snapshot is not None and win.inspector.snapshot.step == win.training.trainer.steps
    assert win.inspector.plots.isTabVisible(1)  # the selected neuron's map, large
    win.plot_tabs.setCurrentWidget(win.training_views.activations)  # drawn when shown
    np.testing.assert_allclose(win.training_views.activations.neuron_map.values(),
                               forward(win.document.network, np.asarray(grid, dtype=np.float64))[1][1][:, 3],
                               atol=1e-5)


def test_clicking_a_data_point_traces_it_on_the_canvas_and_a_second_click_hides_it(qtbot):
    win = window(qtbot)
    win.plot_tabs.setCurrentWidget(win.training_views.output)
    win.training.step()
    qtbot.waitUntil(lambda: not win.training.running, timeout=5000)
    qtbot.wait(100)
    view = win.training_views.output
    train = win.training.trainer.train
    vb = view.plot.getViewBox()
    pos = view.canvas.mapFromScene(vb.mapViewToScene(QPointF(*train.X[7])))
    qtbot.mouseClick(view.canvas.viewport(), Qt.LeftButton, pos=pos)
    trace = win.view.scene().trace
    assert trace is not None
    np.testing.assert_array_equal(trace.x, train.X[7])
    expected = win.training.trainer.trace(7)
    np.testing.assert_allclose(trace.grad_w[(1, 2)], expected.grad_w[(1, 2)])
    assert "Tracing example 8 of the training set" in win.statusBar().currentMessage()
    qtbot.mouseClick(view.canvas.viewport(), Qt.LeftButton, pos=pos)
    assert win.view.scene().trace is None
