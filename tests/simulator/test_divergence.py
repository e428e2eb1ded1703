"""When the loss stops being finite, the message names what was actually
detected (never the learning rate for something else) and what was kept."""

import numpy as np
import pytest

from simulator.datasets import Dataset
from simulator.errors import TrainingError
from simulator.presets import make_preset
from simulator.trainer import Trainer


def diverge(steps=2000, scale_x=1.0, scale_y=1.0, **settings):
    """Train the sine lesson with these settings until it fails; the message and the trainer."""
    project = make_preset("sine")
    for key, value in settings.items():
        setattr(project.settings, key, value)
    train, _ = project.datasets()
    train = Dataset(train.X * scale_x, train.y * scale_y, "regression")
    with np.errstate(all="ignore"), pytest.raises(TrainingError) as info:
        trainer = Trainer(project.network, train, None, project.settings)
        trainer.run(steps)
    for block in project.network.blocks.values():
        assert np.all(np.isfinite(block.weights))
    return str(info.value), trainer


def sine_trainer(**settings):
    """The sine lesson with these settings, and a Trainer of it."""
    project = make_preset("sine")
    for key, value in settings.items():
        setattr(project.settings, key, value)
    train, _ = project.datasets()
    return project, Trainer(project.network, train, None, project.settings)


@pytest.mark.parametrize("optimizer, limit", [("sgd", "2"), ("momentum", "3.8")])
def test_huge_l2_is_named_not_the_learning_rate(optimizer, limit):
    message, _ = diverge(optimizer=optimizer, l2=1e300)
    assert "L2 regularisation is too strong" in message and f"must stay below {limit}" in message
    assert "lower the learning rate" not in message


def test_huge_l1_is_named():
    message, _ = diverge(optimizer="sgd", l1=1e300)
    assert "L1 regularisation is too strong" in message and "lower the learning rate" not in message


def test_huge_data_is_named_and_the_learning_rate_is_not_blamed():
    message, trainer = diverge(scale_y=1e300, optimizer="sgd")
    assert "the training data hold values up to 1.07e+300" in message
    assert "scale the data" in message and "learning rate" not in message
    assert message.endswith("The weights are back to those of step 0.") and trainer.steps == 0


def test_data_beyond_float32_is_named():
    message, _ = diverge(scale_x=1e100, precision="float32", optimizer="sgd")
    assert "beyond the largest float32 number" in message and "float64" in message


def test_weights_that_fail_before_any_update_are_named():
    project = make_preset("sine")
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, None, project.settings)
    trainer.run(20)
    project.network.add_neuron(1)  # an edit: the trainer keeps the weights it next sees
    project.network.plan().flat[:] *= 1e200  # wild weights, as if typed in
    with np.errstate(all="ignore"), pytest.raises(TrainingError) as info:
        trainer.step()
    message = str(info.value)
    assert "already give a" in message and "before any update, so the learning rate is not the cause" in message
    assert "the last known to give a finite loss" not in message


def test_a_learning_rate_that_overshoots_is_named_with_the_evidence():
    message, trainer = diverge(optimizer="sgd", learning_rate=50.0)
    assert "the loss grew from" in message and "lower the learning rate (50), for example to 5" in message
    assert f"The weights are back to those of step {trainer.steps}, the last known to give a finite loss." \
        in message


@pytest.mark.parametrize("settings, field", [(dict(l2=1e300, optimizer="sgd"), "l2"), (dict(learning_rate=1e3, optimizer="momentum"),
                                                                     "learning_rate"),
                                             (dict(learning_rate=50.0, optimizer="sgd"), "learning_rate")])
def test_divergence_raises_its_own_error_naming_the_setting_without_warnings(settings, field):
    import warnings

    from simulator.errors import DivergenceError
    _, trainer = sine_trainer(**settings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would fail the test
        with pytest.raises(DivergenceError) as info:
            trainer.run(2000)
    error = info.value
    assert isinstance(error, TrainingError) and error.field == field
    assert str(error).startswith("training paused: the loss became") and "\n" not in str(error)
    assert error.step > error.kept_step >= 0 and not np.isfinite(error.loss)


@pytest.mark.parametrize("settings, field", [(dict(l2=1e300, optimizer="sgd"), "l2"),
                                             (dict(learning_rate=50.0, optimizer="sgd"), "learning_rate")])
def test_a_run_loop_diverges_with_the_same_error_and_without_warnings(settings, field):
    # the app's runs (RunLoop) enter the errstate once a chunk and step without it
    import warnings

    from simulator.run_loop import RunLimits, RunLoop
    project, trainer = sine_trainer(**settings)
    loop = RunLoop(trainer, RunLimits(max_steps=2000))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would end the chunk with it, not a DivergenceError
        while loop.reason is None:
            loop.chunk()
    loop.close()
    assert loop.reason == "diverged" and loop.error.field == field
    assert loop.message.startswith("training paused: the loss became")
    assert trainer.steps == loop.error.kept_step and np.all(np.isfinite(project.network.plan().flat))
