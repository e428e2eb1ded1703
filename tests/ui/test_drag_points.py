"""Dragging a data point on the output view with "Draw points" on: the point follows the
mouse (over one input for regression, in x and in height; over two inputs, in the plane),
the whole drag is one undo step, and a run in progress trains on the moved point."""

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.test_draw_points import click, datasets, output_view, rows
from tests.ui.test_training_window import window


def _send(view, kind, x, y, buttons):
    vb = view.plot.getViewBox()
    port = view.canvas.viewport()
    local = QPointF(view.canvas.mapFromScene(vb.mapViewToScene(QPointF(x, y))))
    button = Qt.NoButton if kind == QEvent.MouseMove else Qt.LeftButton
    event = QMouseEvent(kind, local, port.mapToGlobal(local), button, buttons, Qt.NoModifier)
    QApplication.sendEvent(port, event)


def drag(view, start, path):
    """Press the left button at view position ``start``, move through ``path``, release at its end."""
    _send(view, QEvent.MouseButtonPress, *start, Qt.LeftButton)
    for x, y in path:
        QTest.qWait(25)  # pyqtgraph drops mouse moves closer together than 1/60 s
        _send(view, QEvent.MouseMove, x, y, Qt.LeftButton)
    _send(view, QEvent.MouseButtonRelease, *path[-1], Qt.NoButton)
    QApplication.processEvents()


def test_dragging_a_regression_point_moves_it_in_x_and_height_in_one_undo_step(qtbot):
    win = window(qtbot, "outliers")
    view = output_view(win)
    view.draw_controls.enabled.setChecked(True)
    train0, test0 = datasets(win)
    i = int(np.argmax(train0.y[:, 0]))  # the highest point: an outlier
    x0, y0 = float(train0.X[i, 0]), float(train0.y[i, 0])
    range0 = view.plot.viewRange()
    (vx0, vx1), (vy0, vy1) = range0
    dx, dy = 0.1 * (vx1 - vx0), -0.3 * (vy1 - vy0)
    path = [(x0 + dx * k / 4, y0 + dy * k / 4) for k in range(1, 5)]
    drag(view, (x0, y0), path)
    train1, test1 = datasets(win)
    assert train1.n_samples == train0.n_samples  # moved, not added
    sx, sy = view.plot.getViewBox().viewPixelSize()
    assert abs(train1.X[i, 0] - (x0 + dx)) < 3 * abs(sx) and abs(train1.y[i, 0] - (y0 + dy)) < 3 * abs(sy)
    others = np.arange(train0.n_samples) != i
    np.testing.assert_array_equal(rows(train1)[others], rows(train0)[others])
    np.testing.assert_array_equal(rows(test1), rows(test0))
    # the plot shows it where it was dropped
    px, py = view.points.positions["train"]
    assert (px[i], py[i]) == (train1.X[i, 0], train1.y[i, 0])
    # four moves, one undo step
    assert win.acts.undo.text() == "&Undo Move Data Point"
    win.acts.undo.trigger()
    np.testing.assert_array_equal(rows(datasets(win)[0]), rows(train0))
    assert "Move Data Point" not in win.acts.undo.text()
    win.acts.redo.trigger()
    np.testing.assert_array_equal(rows(datasets(win)[0]), rows(train1))


def test_dragging_a_class_point_moves_it_in_the_plane_and_a_click_still_adds(qtbot):
    win = window(qtbot, "multiclass")
    view = output_view(win)
    view.draw_controls.enabled.setChecked(True)
    train0, _ = datasets(win)
    x0, y0 = (float(v) for v in train0.X[3])
    drag(view, (x0, y0), [(x0 + 0.1, y0), (x0 + 0.2, y0 - 0.2)])
    train1, _ = datasets(win)
    assert train1.n_samples == train0.n_samples
    assert np.allclose(train1.X[3], (x0 + 0.2, y0 - 0.2), atol=0.02)
    assert train1.labels[3] == train0.labels[3]  # a class point keeps its class
    click(qtbot, view, 1.2, 1.4)  # empty space: a click still adds
    assert datasets(win)[0].n_samples == train0.n_samples + 1
    assert win.acts.undo.text() == "&Undo Add Data Point"


def test_a_drag_on_empty_space_or_with_drawing_off_moves_no_point(qtbot):
    win = window(qtbot, "multiclass")
    view = output_view(win)
    train0, _ = datasets(win)
    x0, y0 = (float(v) for v in train0.X[3])
    drag(view, (x0, y0), [(x0 + 0.1, y0), (x0 + 0.2, y0 - 0.2)])  # drawing off: the view pans
    np.testing.assert_array_equal(rows(datasets(win)[0]), rows(train0))
    assert "Data Point" not in win.acts.undo.text()


def test_a_point_dragged_during_a_run_is_trained_on_without_stopping(qtbot):
    win = window(qtbot, "outliers")
    view = output_view(win)
    view.draw_controls.enabled.setChecked(True)
    win.acts.train_play.trigger()
    qtbot.waitUntil(lambda: win.training.current_step > 20, timeout=20000)
    train0 = win.training.trainer.train
    i = int(np.argmax(train0.y[:, 0]))
    x0, y0 = float(train0.X[i, 0]), float(train0.y[i, 0])
    drag(view, (x0, y0), [(x0, y0 - 1.0), (x0, y0 - 2.0)])
    assert win.training.running  # not paused
    steps = win.training.trainer.steps
    qtbot.waitUntil(lambda: win.training.current_step > steps + 20, timeout=20000)
    moved = win.training.trainer.train
    assert moved.n_samples == train0.n_samples and abs(moved.y[i, 0] - (y0 - 2.0)) < 0.2
    win.acts.train_play.trigger()
    assert not win.training.running
    assert abs(datasets(win)[0].y[i, 0] - (y0 - 2.0)) < 0.2


def test_a_drag_on_empty_space_draws_a_curve_of_points_in_one_undo_step(qtbot):
    win = window(qtbot, "sine")
    view = output_view(win)
    view.draw_controls.enabled.setChecked(True)
    assert "draw a curve" in view.draw_controls.hint.text()
    train0, test0 = datasets(win)
    (vx0, vx1), (vy0, vy1) = view.plot.viewRange()
    top = vy1 - 0.05 * (vy1 - vy0)  # above the sine's points: empty space
    xs = np.linspace(vx0 + 0.2 * (vx1 - vx0), vx0 + 0.8 * (vx1 - vx0), 13)
    drag(view, (xs[0], top), [(x, top) for x in xs[1:]])
    train1, test1 = datasets(win)
    added = train1.n_samples - train0.n_samples
    sx, _ = view.plot.getViewBox().viewPixelSize()
    length = (xs[-1] - xs[0]) / sx  # pixels along the path
    assert abs(added - (length // 12 + 1)) <= 2 and added >= 5
    new = train1.X[-added:, 0]
    assert np.all(np.diff(new) > 0) and abs(new[0] - xs[0]) < 3 * sx  # along the path, from where it began
    assert np.allclose(train1.y[-added:, 0], top, atol=0.05 * (vy1 - vy0))
    np.testing.assert_array_equal(rows(test1), rows(test0))
    assert win.acts.undo.text() == f"&Undo Draw {added} Points"
    assert not view.drawing.preview.isVisible()
    win.acts.undo.trigger()
    np.testing.assert_array_equal(rows(datasets(win)[0]), rows(train0))
