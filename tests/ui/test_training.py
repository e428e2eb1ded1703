"""Training in the window: the worker through its signals, runs as undo steps,
edits during a run, step-through, divergence and exact resume."""

import numpy as np
import pytest
from PySide6.QtCore import QObject, QThread, Qt, Signal

from simulator import training_process
from simulator.presets import make_preset
from simulator.trainer import Trainer
from ui.document import Document
from ui.training.controller import TrainingController
from ui.training.worker import RunLimits, TrainingWorker


def params(network):
    return [b.weights.copy() for _, b in sorted(network.blocks.items())] + [l.bias.copy() for l in network.layers]


def same(a, b):
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))




def run(qtbot, controller, start, *args):
    with qtbot.waitSignal(controller.running_changed, timeout=20000,
                          check_params_cb=lambda running: not running):
        assert start(*args)


class Relay(QObject):
    """The worker's signals, received in the UI thread as the controller receives them.

    A signal emitted in the worker's thread calls a plain Python callable (such
    as qtbot's signal blockers) directly in that thread: the blocker would stop
    its QTimer from the wrong thread and could be freed there, leaving a dead
    timer registered that crashes the test process 20 s later."""

    snapshot_ready = Signal(object)
    finished = Signal()


def test_worker_reports_snapshots_then_finishes_in_its_thread(qtbot):
    project = make_preset("spiral")
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    worker = TrainingWorker(trainer, RunLimits(max_steps=25))
    thread = QThread()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit, Qt.DirectConnection)
    relay = Relay()
    worker.snapshot_ready.connect(relay.snapshot_ready)  # queued: relay lives in this thread
    worker.finished.connect(relay.finished)
    with qtbot.waitSignals([relay.snapshot_ready, relay.finished], order="strict", timeout=20000):
        thread.start()
    thread.wait()
    assert worker.reason == "done" and trainer.steps == 25
    assert trainer.evaluate_each_step  # given back as it was


def test_play_pause_and_step_through_signals(qtbot, trained):
    doc, c = trained()
    with qtbot.waitSignals([c.running_changed, c.snapshot_shown], order="strict", timeout=20000):
        c.play()
    assert c.running
    qtbot.waitUntil(lambda: c.current_step > 50, timeout=20000)
    with qtbot.waitSignal(c.running_changed, timeout=5000):
        c.pause()
    assert not c.running and doc.undo_stack.undoText() == f"Train {c.trainer.steps:,} steps"
    steps = c.trainer.steps
    run(qtbot, c, c.step)
    assert c.trainer.steps == steps + 1 and doc.undo_stack.undoText() == "Train 1 step"
    run(qtbot, c, c.step_epoch)
    assert c.trainer.steps == steps + 1 + c.trainer.steps_per_epoch


def test_undo_puts_back_the_exact_weights_and_redo_the_trained_ones(qtbot, trained):
    doc, c = trained(optimizer="adam")
    before = params(doc.network)
    run(qtbot, c, c.run_epochs, 3)
    after, steps = params(doc.network), c.trainer.steps
    assert not same(before, after) and doc.is_modified()
    doc.undo_stack.undo()
    assert same(params(doc.network), before) and c.trainer.steps == 0
    doc.undo_stack.redo()
    assert same(params(doc.network), after) and c.trainer.steps == steps
    # and training goes on from the redone state exactly as if never undone
    run(qtbot, c, c.step)
    reference = make_preset("spiral")
    reference.settings.optimizer = "adam"
    train, test = reference.datasets()
    Trainer(reference.network, train, test, reference.settings).run(steps + 1)
    assert same(params(doc.network), params(reference.network))


def test_undoing_an_edit_made_before_a_run_takes_the_run_back_first(qtbot, trained):
    doc, c = trained()
    original = params(doc.network)
    doc.add_neuron(1)
    edited = params(doc.network)
    run(qtbot, c, c.run_epochs, 2)
    trained_weights = params(doc.network)
    assert doc.undo_stack.undoText().startswith("Train")
    doc.undo_stack.undo()
    assert same(params(doc.network), edited)
    doc.undo_stack.undo()
    assert same(params(doc.network), original)
    doc.undo_stack.redo()
    doc.undo_stack.redo()
    assert same(params(doc.network), trained_weights)


def test_edits_during_a_run_reach_the_model_and_the_trainer(qtbot, trained):
    doc, c = trained()
    c.play()
    qtbot.waitUntil(lambda: c.current_step > 20, timeout=20000)
    doc.set_setting("learning_rate", 0.005)
    assert c.running and c.trainer.optimizer.learning_rate == 0.005
    assert doc.undo_stack.undoText() == "Set Learning Rate"
    assert doc.undo_stack.text(doc.undo_stack.index() - 2).startswith("Train")
    doc.add_neuron(1)
    sizes = doc.network.sizes
    steps = c.trainer.steps
    qtbot.waitUntil(lambda: c.current_step > steps + 20, timeout=20000)
    c.pause()
    assert c.trainer.network is doc.network and c.trainer.last_pass.plan.sizes == sizes
    texts = [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())]
    assert texts[-1].startswith("Train") and texts[-2] == "Add Neuron"
    # every piece undoes: back to the untrained lesson
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert same(params(doc.network), params(make_preset("spiral").network))


def test_a_step_taken_phase_by_phase_equals_one_full_step(qtbot, trained):
    doc_a, a = trained(optimizer="momentum")
    doc_b, b = trained(optimizer="momentum")
    run(qtbot, b, b.step)
    phases = []
    while True:
        phase = a.step_phase()
        phases.append(phase)
        if phase[0] == "update":
            break
    n = doc_a.network.n_layers
    assert phases == [("forward", k) for k in range(1, n)] + [("loss", n - 1)] + \
        [("backward", k) for k in range(n - 1, 0, -1)] + [("update", None)]
    assert same(params(doc_a.network), params(doc_b.network))
    assert doc_a.undo_stack.undoText() == "Train 1 step"


def test_divergence_pauses_says_why_and_keeps_finite_weights(qtbot, trained):
    doc, c = trained("outliers", learning_rate=10.0)
    problems = []
    c.problem.connect(problems.append)
    run(qtbot, c, c.play)
    assert len(problems) == 1 and "learning rate" in problems[0] and "smaller" in problems[0]
    assert all(np.isfinite(p).all() for p in params(doc.network))
    assert np.all(np.isfinite(c.trainer.history.column("train_loss")))


def test_training_resumes_exactly_after_save_and_open(qtbot, trained, tmp_path):
    doc, c = trained(optimizer="adam")
    run(qtbot, c, c.start, 50)
    doc.save(tmp_path / "p.json")
    run(qtbot, c, c.start, 50)
    other = Document()
    other.open(tmp_path / "p.json")
    c2 = TrainingController(other)
    try:
        run(qtbot, c2, c2.start, 50)
    finally:
        c2.stop()
    assert c2.trainer.steps == 100
    assert same(params(other.network), params(doc.network))


def test_reset_draws_fresh_weights_and_undoes(qtbot, trained):
    doc, c = trained()
    run(qtbot, c, c.run_epochs, 1)
    trained_weights, steps = params(doc.network), c.trainer.steps
    c.reset()
    assert doc.undo_stack.undoText() == "Reset Weights" and c.trainer.steps == 0
    assert not same(params(doc.network), trained_weights)
    doc.undo_stack.undo()
    assert same(params(doc.network), trained_weights) and c.trainer.steps == steps


def test_changing_the_data_during_a_run_pauses_it_and_says_what_restarts(qtbot, trained):
    doc, c = trained()
    messages = []
    c.message.connect(messages.append)
    c.play()
    qtbot.waitUntil(lambda: c.current_step > 20, timeout=20000)
    data = dict(doc.data, recipe=dict(doc.data["recipe"], noise=0.2))
    with qtbot.waitSignal(c.running_changed, timeout=20000):
        doc.set_data(data)
    assert any("step 0" in m and "new data" in m for m in messages)
    assert c.trainer is None and doc.project.training_state is None
    run(qtbot, c, c.step)
    assert c.trainer.steps == 1 and c.trainer.train.n_samples == 320


def test_a_run_stops_at_its_target_accuracy_with_progress(qtbot, trained):
    doc, c = trained("mlp-xor")
    progress, messages = [], []
    c.progress.connect(lambda done, planned: progress.append((done, planned)))
    c.message.connect(messages.append)
    run(qtbot, c, c.run_epochs, 100_000, None, 1.0)
    assert c.trainer.evaluate(c.trainer.train)[1] == 1.0
    assert c.trainer.steps < 100_000 and any("accuracy reached 100.0%" in m for m in messages)
    assert progress[0] == (0, 100_000) and progress[-1] == (0, 0)


def test_slow_motion_shows_every_step(qtbot, trained):
    doc, c = trained()
    c.set_speed(5)
    shown = []
    c.snapshot_shown.connect(lambda snap: shown.append(snap.step))
    started = c.trainer.steps if c.trainer else 0
    c.play()
    qtbot.waitUntil(lambda: len(set(shown)) >= 5, timeout=20000)
    seen = sorted(set(shown))  # before pause: its final snapshot may land in the same frame as the last step's
    c.pause()
    assert seen == list(range(seen[0], seen[0] + len(seen)))  # every step is drawn: none skipped
    assert seen[-1] - started >= 4
    assert c.trainer.steps - started <= 40  # a few a second, not thousands


def test_a_project_trained_then_reshaped_saves_and_trains_on(qtbot, trained, tmp_path):
    doc, c = trained(optimizer="adam")
    run(qtbot, c, c.start, 30)
    doc.add_neuron(1)
    doc.save(tmp_path / "p.json")  # the saved optimiser memory must fit the new shape
    other = Document()
    other.open(tmp_path / "p.json")
    assert other.project.training_state.step == 30 and other.project.training_state.t == 0
    c2 = TrainingController(other)
    try:
        run(qtbot, c2, c2.start, 5)
    finally:
        c2.stop()
    assert c2.trainer.steps == 35


@pytest.fixture
def ready_helper(qtbot):
    """A helper process waiting for work: the next long run trains in it from its first chunk."""
    helper = training_process.warm()
    qtbot.waitUntil(helper.ready, timeout=60000)
    return helper


def test_a_long_run_trains_in_the_helper_process_and_edits_during_it_land_exactly(qtbot, trained, ready_helper):
    doc, c = trained(optimizer="adam")
    before = params(doc.network)
    c.play()
    qtbot.waitUntil(lambda: c.current_step > 100, timeout=20000)
    worker = c._worker
    assert worker.stretches == 1, "the run went to the helper process that was ready"
    # the step-back bar follows the helper's record while the run goes on
    qtbot.waitUntil(lambda: len(c.recorded_steps()) > 5 and c.recorded_steps()[-1] > 50, timeout=20000)
    doc.set_setting("learning_rate", 0.005)  # the worker holds: the helper's steps are merged first
    edited_at = c.trainer.steps
    assert c.running and edited_at > 100 and c.trainer.optimizer.learning_rate == 0.005
    qtbot.waitUntil(lambda: c.current_step > edited_at + 100, timeout=20000)
    c.pause()
    assert worker.stretches == 2 and c.trainer.steps > edited_at + 100
    assert c.current_step == c.trainer.steps
    # the very weights one process computes for the same steps with the same edit
    reference = make_preset("spiral")
    reference.settings.optimizer = "adam"
    train, test = reference.datasets()
    straight = Trainer(reference.network, train, test, reference.settings)
    straight.run(edited_at)
    reference.settings.learning_rate = 0.005
    straight.apply_settings(reference.settings)
    straight.run(c.trainer.steps - edited_at)
    assert same(params(doc.network), params(reference.network))
    # the step-back record and the loss history came back with them
    assert c.trainer.checkpoints.steps()[-1] > edited_at
    assert c.trainer.history.last("step") == c.trainer.steps == c.history.last("step")
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert same(params(doc.network), before) and c.trainer.steps == 0


def test_a_run_goes_on_in_its_thread_when_the_helper_process_dies(qtbot, trained, ready_helper):
    doc, c = trained()
    problems = []
    c.problem.connect(problems.append)
    c.play()
    qtbot.waitUntil(lambda: c.current_step > 100, timeout=20000)
    worker = c._worker
    assert worker.stretches == 1
    ready_helper.process.kill()
    qtbot.waitUntil(lambda: worker._helper is None, timeout=20000)
    steps = c.current_step
    qtbot.waitUntil(lambda: c.current_step > steps + 50, timeout=20000)
    c.pause()
    assert not problems and worker.reason == "stopped"
    assert np.all(np.isfinite(doc.network.plan().flat)) and doc.undo_stack.undoText().startswith("Train")
    assert c.history.last("step") == c.trainer.steps
