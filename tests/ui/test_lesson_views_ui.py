"""The lesson views in the Plots dock: hidden space, derivative, chain rule."""

import numpy as np
import pytest

from simulator.backprop import forward
from simulator.chain_rule import number
from simulator.project_schema import LESSON_VIEWS
from tests.ui.test_plots_helpers import lesson
from ui.document import Document
from ui.main_window import MainWindow
from ui.plots.views_panel import TrainingViews


@pytest.fixture
def panel(qtbot):
    widget = TrainingViews()
    widget.resize(900, 450)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def feed(panel, name, steps):
    trainer, train, test, grid = lesson(name, steps)
    panel.set_settings_source(lambda: trainer.settings)
    panel.set_datasets(train, test)
    panel.show_snapshot(trainer.snapshot(grid=grid))
    return trainer


def test_the_hidden_space_shows_xor_separated_by_the_outputs_line(panel):
    trainer = feed(panel, "mlp-xor", 300)
    view = panel.hidden_space
    assert view.points.data.size == 0  # hidden tab: nothing computed yet
    panel.show_view("hidden-space")
    assert panel.tabs.currentWidget() is view and view.pages.currentWidget() is view.page
    assert view.choice() == (1, "pca")
    x, y = view.points.getData()
    H = forward(trainer.network, trainer.train.X)[1][1]
    np.testing.assert_allclose(np.column_stack([x, y]), H @ view._axes.matrix, atol=1e-9)
    # the red line, read back from the item, has the class-1 points on one side and the others on the other
    angle, pos = np.radians(view.decision.angle), view.decision.pos()
    side = np.sign(-(x - pos.x()) * np.sin(angle) + (y - pos.y()) * np.cos(angle))
    labels = trainer.train.y[:, 0] > 0.5
    assert len(set(side[labels])) == 1 and len(set(side[~labels])) == 1 and set(side[labels]) != set(side[~labels])
    assert view.grid_h.getData()[0].size > 100  # the warped grid is drawn
    from PySide6.QtCore import QPointF, Qt
    tint = view.sides[1].polygon()  # class 1's side is tinted orange, and holds exactly the class-1 points
    inside = [tint.containsPoint(QPointF(a, b), Qt.OddEvenFill) for a, b in zip(x, y)]
    assert inside == list(labels)
    # two neurons as axes: their activations are the coordinates
    view.choose_axes((0, 2))
    assert view.axes_box.currentText() == "h1.1 and h1.3"
    x, y = view.points.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), H[:, [0, 2]], atol=1e-9)
    assert view.plot.getAxis("bottom").labelText == "a(h1.1)"


def test_the_hidden_space_moves_with_training_and_explains_when_it_cannot_draw(panel):
    trainer, train, test, grid = lesson("mlp-xor")
    panel.set_datasets(train, test)
    panel.show_view("hidden-space")
    panel.show_snapshot(trainer.snapshot(grid=grid))
    before = np.column_stack(panel.hidden_space.points.getData())
    trainer.run(50)
    panel.show_snapshot(trainer.snapshot(grid=grid))
    assert not np.allclose(before, np.column_stack(panel.hidden_space.points.getData()))
    trainer, train, test, grid = lesson("perceptron-and")  # no hidden layer
    panel.set_datasets(train, test)
    panel.show_snapshot(trainer.snapshot(grid=grid))
    assert panel.hidden_space.pages.currentWidget() is panel.hidden_space.message
    assert "hidden layer" in panel.hidden_space.message.text()


def test_the_derivative_view_draws_the_tangent_with_the_backprop_slope(panel):
    trainer = feed(panel, "derivative", 3)
    panel.show_view("derivative")
    view = panel.derivative
    assert view.pages.currentWidget() is view.page
    s = view.slice
    assert s.gradient == pytest.approx(s.finite_difference, rel=1e-6)
    (x0, x1), (y0, y1) = view.tangent.getData()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(s.gradient, rel=1e-9)
    assert view.marker.getData()[0][0] == pytest.approx(trainer.network.weight((0, 0), (1, 0)))
    assert f"{s.gradient:.9g}" in view.numbers.text() and f"{s.finite_difference:.9g}" in view.numbers.text()
    assert s.gradient < 0  # w is still below 2: the loss falls to the right


def test_the_chain_rule_prints_the_core_gradient_of_the_selected_edge(panel):
    trainer = feed(panel, "backprop-trace", 1)
    panel.show_view("chain-rule")
    view = panel.chain_rule
    panel.set_edge(((0, 0), (1, 1)))
    assert view.edges.currentText() == "w(x1 → h1.2)"
    core = trainer.trace(0).grad_w[(0, 1)][0, 1]
    # the view works from the snapshot, whose weights are float32: equal to about 1e-8
    assert view.chain.product == pytest.approx(core, rel=1e-6)
    assert f"= {number(core)}".replace("-", "\u2212") in view.text.text()
    panel.set_edge(((1, 1), (2, 0)))
    assert view.chain.output and view.chain.gradient == pytest.approx(trainer.trace(0).grad_w[(1, 2)][1, 0], rel=1e-6)


def test_a_lesson_opens_on_the_view_it_names(qtbot):
    window = MainWindow(Document(), remember=False)
    qtbot.addWidget(window)
    window.show()
    tabs = window.plot_tabs
    titles = {name: tabs.tabText(tabs.indexOf(window.training_views.view_names[name])) for name in LESSON_VIEWS}
    assert titles["hidden-space"] == "Hidden space" and titles["loss"] == "Loss"
    assert titles["contributions"] == "Contributions" and titles["loss-shapes"] == "Loss shapes"
    for name, title in (("sine", "Contributions"), ("step-backprop", "Gradient flow"), ("perceptron-and", "Output"),
                        ("mlp-xor", "Hidden space"), ("derivative", "Derivative"), ("backprop-trace", "Chain rule")):
        window.open_lesson(name)
        assert tabs.tabText(tabs.currentIndex()) == title
    window.view.scene().select_only(edges=[((1, 0), (2, 0))])  # an edge chosen on the canvas
    views = window.training_views
    qtbot.waitUntil(lambda: views.chain_rule.edges.edge() == ((1, 0), (2, 0)))  # once the snapshot is drawn
    assert "∂L/∂w(h1.1→ŷ)" in views.chain_rule.text.text()
    views.show_view("derivative")
    assert views.derivative.edges.edge() == ((1, 0), (2, 0))


def test_a_large_training_set_is_drawn_from_an_even_subset_and_says_so(panel):
    from simulator.datasets import Dataset
    from simulator.history import History
    from simulator.network import Network
    from simulator.settings import TrainingSettings
    from simulator.snapshot import take_snapshot
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(5000, 2))
    train = Dataset(X, (X[:, :1] * X[:, 1:] > 0).astype(float), "classification")
    net = Network([2, 3, 1], seed=1)
    panel.set_settings_source(lambda: TrainingSettings(loss="binary_cross_entropy"))
    panel.set_datasets(train, None)
    panel.show_snapshot(take_snapshot(net, None, History(), 0, 0))
    panel.show_view("hidden-space")
    assert len(panel.hidden_space.points.getData()[0]) == 2000
    assert "2,000 of the 5,000" in panel.hidden_space.note.text()
    panel.show_view("derivative")
    assert "2,000 of the 5,000" in panel.derivative.numbers.text()
    s = panel.derivative.slice
    assert s.gradient == pytest.approx(s.finite_difference, rel=1e-6)
