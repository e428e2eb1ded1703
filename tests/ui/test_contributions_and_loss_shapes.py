"""The lesson views: each hidden neuron's contribution with a width slider, and the loss shapes."""

import numpy as np
import pytest

from simulator.activations import get_activation
from simulator.losses import get_loss
from simulator.presets import make_preset
from ui.document import Document
from ui.plots.views_panel import TrainingViews
from ui.training.controller import TrainingController


@pytest.fixture
def window(qtbot):
    """A lesson in a document, its controller, and the training views registered with it."""
    made = []

    def build(name):
        doc = Document(make_preset(name))
        controller = TrainingController(doc)
        views = TrainingViews(doc)
        views.resize(900, 500)
        qtbot.addWidget(views)
        views.show()
        controller.add_view(views)
        made.append(controller)
        return doc, controller, views

    yield build
    for controller in made:
        controller.stop()


def train(qtbot, controller, steps):
    with qtbot.waitSignal(controller.running_changed, timeout=20000, check_params_cb=lambda running: not running):
        assert controller.start(max_steps=steps)


def test_contributions_add_up_to_the_drawn_output(qtbot, window):
    doc, controller, views = window("sine")
    train(qtbot, controller, 200)
    view = views.contributions
    views.tabs.setCurrentWidget(view)
    assert view.pages.currentWidget() is view.canvas
    shown = [c for c in view.terms if c.isVisible()]
    assert len(shown) == 16  # one thin curve per hidden neuron
    x, total = view.total.getData()
    # the bold curve is the network's own output over the grid
    snap = controller.trainer.snapshot(controller.grid)
    np.testing.assert_allclose(total, snap.grid_activations[2][:, 0], atol=1e-5)
    terms = np.stack([c.getData()[1] for c in shown], axis=1)
    bias = view.bias_line.getData()[1][0]
    assert np.abs(terms.sum(axis=1) + bias - total).max() < 1e-12
    assert len(view.data.getData()[0]) == doc.project.datasets()[0].n_samples


def test_the_width_slider_is_one_undoable_edit_with_fresh_weights(qtbot, window):
    doc, controller, views = window("sine-one-neuron")
    views.tabs.setCurrentWidget(views.contributions)
    qtbot.waitUntil(lambda: views.contributions.width_slider.isEnabled(), timeout=5000)
    slider = views.contributions.width_slider
    assert slider.value() == 1
    count = doc.undo_stack.count()
    slider.setSliderDown(True)
    for value in (3, 7, 12):  # a drag: nothing changes until the release
        slider.setValue(value)
    assert doc.network.sizes[1] == 1
    slider.setSliderDown(False)
    slider.sliderReleased.emit()
    assert doc.network.sizes == [1, 12, 1]
    assert doc.undo_stack.count() == count + 1
    # fresh weights from the seed: the same as a network drawn at that width
    from simulator.network import Network
    fresh = Network([1, 12, 1], doc.network.activations, seed=doc.settings.seed)
    fresh.initialize("xavier", seed=doc.settings.seed)
    np.testing.assert_array_equal(doc.network.blocks[(0, 1)].weights, fresh.blocks[(0, 1)].weights)
    qtbot.waitUntil(lambda: sum(c.isVisible() for c in views.contributions.terms) == 12, timeout=5000)
    doc.undo_stack.undo()
    assert doc.network.sizes == [1, 1, 1]
    qtbot.waitUntil(lambda: slider.value() == 1, timeout=5000)
    slider.setValue(5)  # a key press or a click on the groove is one edit of its own
    assert doc.network.sizes == [1, 5, 1]


def test_contributions_explain_a_network_they_cannot_split(qtbot, window):
    doc, controller, views = window("spiral")
    views.tabs.setCurrentWidget(views.contributions)
    qtbot.waitUntil(lambda: "one input" in views.contributions.message.text()
                    or "hidden layers" in views.contributions.message.text(), timeout=5000)
    assert not views.contributions.width_slider.isEnabled()


def test_loss_shapes_plot_the_loss_modules_own_gradient(qtbot, window):
    doc, controller, views = window("outliers")
    train(qtbot, controller, 200)
    view = views.loss_shapes
    views.tabs.setCurrentWidget(view)
    assert view.pages.currentWidget() is view.canvas
    linear = get_activation("linear")
    for name in ("l1", "l2", "huber"):
        r, g = view.grad_curves[name].getData()
        assert len(r) > 100
        a = r.reshape(-1, 1)
        expected = get_loss(name).grad_z(a, np.zeros_like(a), a, linear)[:, 0] * len(r)
        np.testing.assert_allclose(g, expected, rtol=1e-12, atol=1e-15)
    # the data's residuals sit on the curves: the outliers far out, pulling hardest under L2
    r, g = view.grad_marks["l2"].getData()
    assert len(r) == doc.project.datasets()[0].n_samples
    far = np.argmax(np.abs(r))
    assert abs(g[far]) == pytest.approx(2 * abs(r[far]))
    r1, g1 = view.grad_marks["l1"].getData()
    assert np.allclose(np.abs(g1[np.abs(r1) > 1e-9]), 1.0)
    assert abs(r[far]) > 5 * np.median(np.abs(r))
    assert view.loss_curves["l2"].opts["pen"].width() == 4  # the lesson trains with L2
    doc.set_setting("loss", "l1")
    assert view.loss_curves["l1"].opts["pen"].width() == 4


# ------------------------------------------------------------------ step back
def flat(doc):
    return doc.network.plan().flat.copy()


def test_rewind_to_a_recorded_step_is_exact_undoable_and_trains_on_from_there(qtbot, window):
    from ui.training.scrubber import StepScrubber, rewind_to
    doc, controller, views = window("outliers")
    doc.set_setting("batch_size", 16)  # mini-batches: the shuffle order must come back too
    scrubber = StepScrubber(controller)
    qtbot.addWidget(scrubber)
    train(qtbot, controller, 100)
    at_100 = flat(doc)
    train(qtbot, controller, 100)
    at_200 = flat(doc)
    record = controller.trainer.checkpoints
    np.testing.assert_array_equal(record.at(100).params, at_100)
    assert rewind_to(controller, 100)
    np.testing.assert_array_equal(flat(doc), at_100)
    assert controller.trainer.steps == 100
    assert controller.history.column("step")[-1] == 100  # the loss curve stops at step 100
    assert doc.undo_stack.undoText() == "Rewind to Step 100"
    assert scrubber.label.text().startswith("at step 100, recorded to 200")
    doc.undo_stack.undo()
    np.testing.assert_array_equal(flat(doc), at_200)
    assert controller.trainer.steps == 200 and controller.history.column("step")[-1] == 200
    doc.undo_stack.redo()
    np.testing.assert_array_equal(flat(doc), at_100)
    # Play goes on from step 100, exactly as the first time
    train(qtbot, controller, 100)
    assert controller.trainer.steps == 200
    np.testing.assert_array_equal(flat(doc), at_200)
    assert record.steps()[-1] == 200


def test_a_drag_of_the_slider_is_one_undo_step_and_the_views_follow(qtbot, window):
    from ui.training.scrubber import StepScrubber
    doc, controller, views = window("sine")
    scrubber = StepScrubber(controller)
    qtbot.addWidget(scrubber)
    train(qtbot, controller, 60)
    at_60 = flat(doc)
    steps = scrubber.steps
    assert steps[0] == 0 and steps[-1] == 60 and scrubber.slider.isEnabled()
    count = doc.undo_stack.count()
    slider = scrubber.slider
    slider.setSliderDown(True)
    scrubber._on_pressed()
    for index in (50, 30, 10):
        slider.setValue(index)
        assert controller.trainer.steps == steps[index]  # live: the network follows the drag
    slider.setSliderDown(False)
    scrubber._on_released()
    assert doc.undo_stack.count() == count + 1
    assert doc.undo_stack.undoText() == f"Rewind to Step {steps[10]}"
    np.testing.assert_array_equal(flat(doc), controller.trainer.checkpoints.at(steps[10]).params)
    views.tabs.setCurrentWidget(views.contributions)
    snap = controller.trainer.snapshot(controller.grid)
    qtbot.waitUntil(lambda: np.allclose(views.contributions.total.getData()[1], snap.grid_activations[2][:, 0],
                                        atol=1e-6), timeout=3000)
    doc.undo_stack.undo()
    np.testing.assert_array_equal(flat(doc), at_60)
    # a drag that ends where it began leaves no entry
    index = doc.undo_stack.index()
    slider.setSliderDown(True)
    scrubber._on_pressed()
    slider.setValue(20)
    assert controller.trainer.steps == steps[20]
    slider.setValue(len(steps) - 1)
    slider.setSliderDown(False)
    scrubber._on_released()
    assert doc.undo_stack.index() == index and doc.undo_stack.undoText() == "Train 60 steps"
    np.testing.assert_array_equal(flat(doc), at_60)


# ------------------------------------------------------------------- capacity
def test_capacity_shows_the_models_parameter_count_beside_the_accuracy(qtbot, window):
    shapes = []
    for name in ("spiral-3", "spiral"):
        doc, controller, views = window(name)
        views.tabs.setCurrentWidget(views.capacity)
        train(qtbot, controller, 150)
        qtbot.waitUntil(lambda: views.capacity.count.text() == f"{doc.network.parameter_count:,}", timeout=3000)
        metrics = controller.last_metrics
        assert views.capacity.train_value.text() == f"{100 * metrics['train_accuracy']:.1f}%"
        assert views.capacity.test_value.text() == f"{100 * metrics['test_accuracy']:.1f}%"
        shapes.append(views.capacity.count.text())
        assert len(views.capacity.runs) == 1
    assert shapes == ["3", "337"]  # the numbers the lessons teach


def test_the_status_line_shows_the_loss_of_the_step_rewound_to(qtbot, window):
    from ui.training.scrubber import rewind_to
    doc, controller, views = window("sine")
    train(qtbot, controller, 300)
    late = controller.last_metrics["train_loss"]
    assert rewind_to(controller, 20)
    early = controller.trainer.evaluate(controller.trainer.train)[0]
    assert early > 2 * late
    qtbot.waitUntil(lambda: controller.last_metrics.get("train_loss") == early, timeout=3000)


def test_capacity_follows_a_rewind(qtbot, window):
    from ui.training.scrubber import rewind_to
    doc, controller, views = window("spiral")
    views.tabs.setCurrentWidget(views.capacity)
    train(qtbot, controller, 400)
    late = views.capacity.train_value.text()
    assert rewind_to(controller, 0)
    start = controller.trainer.evaluate(controller.trainer.train)[1]
    qtbot.waitUntil(lambda: views.capacity.train_value.text() == f"{100 * start:.1f}%", timeout=3000)
    assert views.capacity.train_value.text() != late
