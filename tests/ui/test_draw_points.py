"""Drawing data on the output view in the window: a left click adds a point of the
chosen class (or value), a right click takes the nearest away, each is one undo
step, and a run in progress trains on the changed data without stopping."""

import numpy as np
from PySide6.QtCore import QPointF, Qt

from tests.ui.test_training_window import window


def output_view(win):
    views = win.training_views
    views.tabs.setCurrentWidget(views.output)
    win.training.step()  # a snapshot to draw
    qtbot_process()
    return views.output


def qtbot_process():
    from PySide6.QtWidgets import QApplication
    for _ in range(5):
        QApplication.processEvents()


def click(qtbot, view, x, y, button=Qt.LeftButton):
    vb = view.plot.getViewBox()
    pos = view.canvas.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(view.canvas.viewport(), button, pos=pos)


def datasets(win):
    return win.document.project.datasets()


def rows(ds):
    return np.hstack([ds.X, ds.y])


def test_clicks_add_and_remove_points_of_the_chosen_class_with_undo_and_redo(qtbot):
    win = window(qtbot, "multiclass")
    view = output_view(win)
    controls = view.draw_controls
    assert controls.isVisible() and [controls.classes.itemText(i) for i in range(3)] == \
        ["class 0", "class 1", "class 2"]
    train0, test0 = datasets(win)
    controls.enabled.setChecked(True)
    controls.classes.setCurrentIndex(2)
    click(qtbot, view, 1.2, 1.4)  # an empty corner of the plane
    train1, test1 = datasets(win)
    assert train1.n_samples == train0.n_samples + 1
    x, y = train1.X[-1]
    sx, sy = view.plot.getViewBox().viewPixelSize()
    assert abs(x - 1.2) < 2 * sx and abs(y - 1.4) < 2 * sy
    assert train1.labels[-1] == 2
    np.testing.assert_array_equal(rows(test1), rows(test0))  # the test set stays as it was
    assert win.acts.undo.text() == "&Undo Add Data Point"
    # the new point is on the plot, in class 2's colour
    px, py = view.points.positions["train"]
    assert (px[-1], py[-1]) == (x, y)
    assert view.points.train.points()[-1].brush().color().name() == "#3a9d3a"

    # a right click near a test point takes that one away
    tx, ty = test1.X[4]
    click(qtbot, view, tx, ty, Qt.RightButton)
    train2, test2 = datasets(win)
    assert test2.n_samples == test1.n_samples - 1 and train2.n_samples == train1.n_samples
    assert not any(np.allclose(r, test1.X[4]) for r in test2.X)
    assert win.acts.undo.text() == "&Undo Remove Data Point"

    win.acts.undo.trigger()
    np.testing.assert_array_equal(rows(datasets(win)[1]), rows(test1))
    win.acts.undo.trigger()
    np.testing.assert_array_equal(rows(datasets(win)[0]), rows(train0))
    win.acts.redo.trigger()
    np.testing.assert_array_equal(rows(datasets(win)[0]), rows(train1))
    win.acts.redo.trigger()
    np.testing.assert_array_equal(rows(datasets(win)[1]), rows(test2))


def test_with_drawing_off_a_click_traces_and_adds_nothing(qtbot):
    win = window(qtbot, "multiclass")
    view = output_view(win)
    n = datasets(win)[0].n_samples
    click(qtbot, view, 1.2, 1.4)
    click(qtbot, view, 1.2, 1.4, Qt.RightButton)
    assert datasets(win)[0].n_samples == n and "Data Point" not in win.acts.undo.text()


def test_one_input_regression_adds_the_point_where_it_is_clicked(qtbot):
    win = window(qtbot, "sine")
    view = output_view(win)
    assert not view.draw_controls.classes.isVisible() and not view.draw_controls.value.isVisible()
    view.draw_controls.enabled.setChecked(True)
    n = datasets(win)[0].n_samples
    click(qtbot, view, 0.3, -0.8)
    train, _ = datasets(win)
    assert train.n_samples == n + 1
    sx, sy = view.plot.getViewBox().viewPixelSize()
    assert abs(train.X[-1, 0] - 0.3) < 2 * sx and abs(train.y[-1, 0] + 0.8) < 2 * sy


def test_two_input_regression_takes_the_value_from_the_spin_box(qtbot):
    win = window(qtbot, "backprop-trace")
    view = output_view(win)
    controls = view.draw_controls
    assert controls.value.isVisible() and not controls.classes.isVisible()
    controls.enabled.setChecked(True)
    controls.value.setValue(0.75)
    (x0, x1), (y0, y1) = view.plot.viewRange()
    click(qtbot, view, 0.5 * (x0 + x1), 0.5 * (y0 + y1))
    train = datasets(win)[0]
    assert train.y[-1, 0] == 0.75
    assert abs(train.X[-1, 0] - 0.5 * (x0 + x1)) < 0.05 * (x1 - x0)


def test_points_drawn_during_a_run_are_trained_on_without_stopping(qtbot):
    win = window(qtbot, "multiclass")
    view = output_view(win)
    view.draw_controls.enabled.setChecked(True)
    win.acts.train_play.trigger()
    qtbot.waitUntil(lambda: win.training.current_step > 20, timeout=20000)
    n = win.training.trainer.train.n_samples
    click(qtbot, view, 1.2, 1.4)
    assert win.training.running  # not paused
    steps = win.training.trainer.steps
    qtbot.waitUntil(lambda: win.training.current_step > steps + 20, timeout=20000)
    assert win.training.trainer.train.n_samples == n + 1  # the trainer has the new point
    assert win.training.current_step > steps  # and goes on counting from where it was
    win.acts.train_play.trigger()
    assert not win.training.running
    assert datasets(win)[0].n_samples == n + 1
