"""Compare mode's core: two copies of a project differing in one field, trained side by side."""

import dataclasses
import inspect

import numpy as np
import pytest

from simulator.compare import Change, CompareRun, check_change, current_value, make_pair
from simulator.generators import make_linear_outliers
from simulator.errors import SimulatorError
from simulator.history import COLUMNS
from simulator.presets import make_preset
from simulator.trainer import Trainer


def plain_run(project, steps, **settings):
    """The project trained by a plain Trainer, as the command line would (settings changed first)."""
    network = project.network.copy()
    train, test = project.datasets()
    trainer = Trainer(network, train, test, dataclasses.replace(project.settings, **settings))
    trainer.run(steps)
    return trainer


def run(project, change, steps, **kw):
    compare = CompareRun(project, change)
    results = list(compare.results(max_steps=steps, **kw))
    return compare, results


def test_the_two_runs_are_deep_copies_and_the_project_is_untouched():
    project = make_preset("mlp-xor")
    before = project.network.copy()
    a, b = make_pair(project, Change("learning_rate", 0.05))
    assert a.settings.learning_rate == project.settings.learning_rate and b.settings.learning_rate == 0.05
    assert a.network is not project.network and b.network is not a.network
    assert a.data is not project.data and b.data is not a.data and a.data == b.data == project.data
    a.network.blocks[(0, 1)].weights[0, 0] = 99.0  # changing one touches neither the other nor the project
    a.settings.loss = "l1"
    assert b.network.blocks[(0, 1)].weights[0, 0] != 99.0 and b.settings.loss == project.settings.loss
    compare, _ = run(project, Change("learning_rate", 0.05), 40)
    assert np.array_equal(project.network.plan().flat, before.plan().flat)  # comparing never trains the project
    assert project.settings.learning_rate != 0.05
    wa, wb = (side.trainer.network.plan().flat for side in (compare.a, compare.b))
    assert not np.array_equal(wa, wb)  # different learning rates went different ways


def test_a_follows_a_plain_run_bit_for_bit_and_b_a_plain_run_of_the_changed_project():
    project = make_preset("spiral")  # mini-batches, shuffled: the seed decides every batch
    assert 0 < project.settings.batch_size < project.datasets()[0].n_samples and project.settings.shuffle
    steps = 60
    compare, results = run(project, Change("learning_rate", project.settings.learning_rate / 2), steps)
    for side, plain in ((compare.a, plain_run(project, steps)),
                        (compare.b, plain_run(project, steps, learning_rate=project.settings.learning_rate / 2))):
        assert side.trainer.steps == steps
        assert np.array_equal(side.trainer.network.plan().flat, plain.network.plan().flat)
        history = side.trainer.history
        assert np.array_equal(history.column("train_loss"), plain.history.column("train_loss"))
        # the test set and the training set's accuracy are evaluated for each result, as the
        # window draws it, not after every step: on the whole sets, in the row of its step
        evaluated = [r.step for r in results if r.step]  # (before the first step there is no row)
        for column in ("test_loss", "train_accuracy"):
            assert (np.flatnonzero(np.isfinite(history.column(column))) + 1).tolist() == evaluated
        assert history.last("train_accuracy") == plain.evaluate(plain.train)[1]
        assert history.last("test_loss") == plain.evaluate(plain.test)[0]
    assert results[-1].step == steps
    # what the receiver got adds up to the same curves
    received = np.concatenate([r.b.history for r in results], axis=1)
    assert np.array_equal(received[COLUMNS.index("test_loss")], compare.b.trainer.history.column("test_loss"),
                          equal_nan=True)


@pytest.mark.parametrize("change", [Change("optimizer", "momentum"), Change("batch_size", 16), Change("l2", 0.01),
                                    Change("l1", 0.001), Change("loss", "l2"), Change("activation", "tanh")])
def test_every_field_trains_b_as_the_project_changed_by_hand(change):
    project = make_preset("circles")
    steps = 25
    compare, _ = run(project, change, steps)
    by_hand = make_preset("circles")
    if change.field == "activation":
        for k in range(1, by_hand.network.output_layer):
            by_hand.network.set_activation(k, change.value)
        plain = plain_run(by_hand, steps)
    else:
        plain = plain_run(by_hand, steps, **{change.field: change.value})
    assert np.array_equal(compare.b.trainer.network.plan().flat, plain.network.plan().flat)
    assert np.array_equal(compare.a.trainer.network.plan().flat, plain_run(project, steps).network.plan().flat)


def test_l1_fits_the_slope_of_the_line_with_outliers_better_than_l2():
    # as tests/simulator/test_lessons.py checks the lesson's claim, here in one comparison
    true_slope = inspect.signature(make_linear_outliers).parameters["slope"].default
    project = make_preset("outliers")
    assert current_value(project, "loss") == "l2"
    compare, results = run(project, Change("loss", "l1"), project.lesson["steps"])
    slope = {name: float(side.trainer.network.blocks[(0, 1)].weights[0, 0])
             for name, side in (("l2", compare.a), ("l1", compare.b))}
    assert abs(slope["l1"] - true_slope) < abs(slope["l2"] - true_slope)
    assert abs(slope["l1"] - true_slope) < 0.1
    last = results[-1]
    assert last.a.steps == last.b.steps == 200 and not last.a.message and not last.b.message
    # the 1-D output is a curve over the inputs: the L1 curve runs through y = 2x + 0.5 at x = 0
    x = last.grid[:, 0]
    middle = int(np.argmin(np.abs(x)))
    assert abs(last.b.output[middle, 0] - (2.0 * x[middle] + 0.5)) < abs(last.a.output[middle, 0] -
                                                                          (2.0 * x[middle] + 0.5))


@pytest.mark.parametrize("lesson, change, words", [
    ("outliers", Change("loss", "binary_cross_entropy"), "B cannot be trained: binary cross-entropy needs a sigmoid"),
    ("outliers", Change("activation", "relu"), "no hidden layer"),
    ("mlp-xor", Change("activation", "softmax"), "softmax is only offered on the output layer"),
    ("mlp-xor", Change("activation", "tanh"), "B's hidden activation is A's"),
    ("mlp-xor", Change("learning_rate", -1.0), "B's learning rate must not be negative"),
    ("mlp-xor", Change("learning_rate", 0), "B's learning rate must be greater than 0"),
    ("mlp-xor", Change("batch_size", 2.5), "B's batch size must be a whole number"),
    ("mlp-xor", Change("optimizer", "rmsprop"), "B's optimiser: unknown optimizer 'rmsprop'"),
    ("mlp-xor", Change("seed", 3), "cannot compare 'seed'"),
])
def test_a_refused_change_gives_the_models_reason(lesson, change, words):
    project = make_preset(lesson)
    assert words in check_change(project, change)
    with pytest.raises(SimulatorError):
        CompareRun(project, change)


def test_results_are_frozen_throttled_and_carry_only_new_history_rows():
    project = make_preset("circles")
    compare, results = run(project, Change("learning_rate", 0.01), 50, interval=1e9)
    assert [r.step for r in results] == [0, 50]  # the start, then the end: nothing in between
    first, last = results
    assert first.a.history_reset and first.a.history.shape == (len(COLUMNS), 0)
    assert not last.a.history_reset and list(last.a.history[0]) == list(range(1, 51))
    assert first.a.output.shape == (50 * 50, 1) and first.grid.shape == (2500, 2)
    for array in (last.a.history, last.b.output, last.grid):
        assert not array.flags.writeable
    with pytest.raises(dataclasses.FrozenInstanceError):
        last.a.steps = 3
    # however often it yields, every row comes once
    _, every = run(project, Change("learning_rate", 0.01), 10, interval=0)
    rows = np.concatenate([r.b.history[0] for r in every])
    assert list(rows) == list(range(1, 11))
    # the test set evaluated for each result (as often as the window draws), in the row of its step
    assert np.isfinite(last.a.test_loss) and np.isfinite(last.b.test_loss)
    tested = np.isfinite(last.a.history[COLUMNS.index("test_loss")])
    assert tested[-1] and not tested[:-1].any()
    assert last.a.history[COLUMNS.index("test_loss"), -1] == last.a.test_loss


def test_a_side_whose_loss_becomes_nan_stops_and_says_why_while_the_other_goes_on():
    project = make_preset("outliers")
    compare, results = run(project, Change("learning_rate", 50.0), 100)
    last = results[-1]
    assert "loss became" in last.b.message and last.b.steps < 100
    assert last.a.message == "" and last.a.steps == 100
    assert np.isfinite(compare.b.trainer.network.plan().flat).all()  # rolled back to finite weights


def test_should_stop_ends_the_run_between_two_steps_and_a_new_generator_goes_on():
    project = make_preset("mlp-xor")
    compare = CompareRun(project, Change("optimizer", "adam"))
    calls = []
    results = list(compare.results(should_stop=lambda: calls.append(1) or len(calls) > 7, interval=0))
    assert results[-1].step == 7
    more = list(compare.results(max_steps=5, interval=1e9))
    assert more[-1].step == 12 and more[-1].a.history[0].tolist() == [8, 9, 10, 11, 12]


def test_fresh_weights_start_both_from_the_seed():
    project = make_preset("mlp-xor")
    plain_run(project, 0)
    a, b = make_pair(project, Change("learning_rate", 0.1), fresh_weights=True)
    again = project.network.copy()
    again.initialize("xavier", seed=project.settings.seed)
    assert np.array_equal(a.network.plan().flat, again.plan().flat)
    assert np.array_equal(b.network.plan().flat, again.plan().flat)


def test_new_data_reaches_both_sides_at_the_next_step_and_a_side_that_cannot_take_it_stops():
    project = make_preset("outliers")
    compare = CompareRun(project, Change("loss", "l1"))
    for _ in range(5):
        compare.step()
    train, test = project.datasets()
    y = train.y.copy()
    y[0, 0] = -7.5  # a point dragged down
    moved = dataclasses.replace(train, y=y)
    compare.set_datasets(moved, test)
    assert compare.a.trainer.train.y[0, 0] != -7.5  # handed over between two steps, not at once
    compare.step()
    for side in (compare.a, compare.b):
        assert side.trainer.train.y[0, 0] == -7.5 and side.trainer.steps == 6 and not side.message
    # data for another task: each side stops and says why
    xor, _ = make_preset("mlp-xor").datasets()
    compare.set_datasets(xor, None)
    compare.step()
    assert "new data" in compare.a.message and "new data" in compare.b.message and compare.done
