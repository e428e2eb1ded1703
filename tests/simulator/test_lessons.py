"""The lessons in resources/lessons/: every file is a valid project with its text, and
training it headless for the number of steps its file gives shows what its text claims."""

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.backprop import Pass
from simulator.bundled import load_bundled
from simulator.generators import make_linear_outliers
from simulator.errors import ProjectFileError, SimulatorError
from simulator.lessons import (lesson_changed, lesson_initializer, lesson_names, lesson_text, lessons_dir,
                               load_lesson, network_fingerprint)
from simulator.presets import PRESET_NAMES, PRESETS, make_preset
from simulator.project_schema import build_dataset
from simulator.project_file import load_project, project_from_dict, project_to_dict, save_project
from simulator.trainer import Trainer

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "resources" / "lessons"
OLD_NAMES = ("perceptron-and", "perceptron-or", "perceptron-xor", "mlp-xor", "step-backprop", "circles",
             "spiral", "multiclass", "sine", "outliers")


def trained(name, steps=None, **changes):
    """The lesson's project and its Trainer after its documented number of steps."""
    project = make_preset(name)
    for layer, activation in changes.get("activations", {}).items():
        project.network.set_activation(layer, activation)
    if "loss" in changes:
        project.settings.loss = changes["loss"]
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.run(project.lesson["steps"] if steps is None else steps)
    return project, trainer


def new_random_weights(project, times=1):
    """Train > New Random Weights, ``times`` times: the seed moves on, and the weights
    are drawn from it the lesson's way (as Reset Weights draws them)."""
    project.settings.seed += times
    method, scale = lesson_initializer(project)
    project.network.initialize(method, seed=project.settings.seed, scale=scale)
    return project


def trainer_for(project):
    train, test = project.datasets()
    return Trainer(project.network, train, test, project.settings)


# ----------------------------------------------------------------- the files
def test_the_lessons_are_the_files_in_the_top_level_resources_folder():
    assert lessons_dir() == FOLDER
    names = {p.stem for p in FOLDER.glob("*.json")}
    assert set(PRESET_NAMES) == names and len(PRESET_NAMES) == len(names)
    assert set(OLD_NAMES) <= names  # the preset names of earlier versions still open
    listed = (FOLDER / "order.txt").read_text(encoding="utf-8").split()
    assert list(PRESET_NAMES) == listed  # every lesson has its place in the menu


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_every_lesson_file_validates_loads_and_has_its_text(name):
    project = load_project(FOLDER / f"{name}.json")  # an ordinary project file
    assert project.problems() == []
    assert project.lesson["name"] == name
    assert project.lesson["fingerprint"] == network_fingerprint(project.network)  # the file is up to date
    assert project.lesson["steps"] >= 1
    text = (FOLDER / f"{name}.md").read_text(encoding="utf-8").strip()
    lesson = make_preset(name)
    assert lesson.description == text and lesson.title == project.title
    assert PRESETS[name]()["title"] == project.title
    # a short explanation, then two or three numbered steps to try
    assert "**Try this**" in text
    steps = re.findall(r"^(\d)\. ", text.split("**Try this**")[1], re.M)
    assert steps in (["1", "2"], ["1", "2", "3"])
    assert len(text) < 3000


def test_train_runs_a_lesson_file_headless(tmp_path):
    out = tmp_path / "trained.json"
    r = subprocess.run([sys.executable, "-m", "simulator", "train", str(FOLDER / "mlp-xor.json"), "--steps", "300",
                        "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "accuracy 100.0%" in r.stdout
    assert load_project(out).lesson["name"] == "mlp-xor"


def test_a_seed_draws_other_weights_for_the_same_lesson():
    first, again, other = make_preset("spiral"), make_preset("spiral", seed=0), make_preset("spiral", seed=3)
    w = lambda p: p.network.blocks[(0, 1)].weights
    assert np.array_equal(w(first), w(again)) and not np.array_equal(w(first), w(other))
    assert not lesson_changed(other)  # the same lesson, fresh weights


def test_unknown_and_broken_lessons_say_so(tmp_path):
    with pytest.raises(SimulatorError, match="unknown preset 'nope'"):
        make_preset("nope")
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SimulatorError, match="bad.json is broken"):
        load_lesson("bad", folder=tmp_path)


def test_a_teacher_adds_a_lesson_with_two_files_and_no_code(tmp_path):
    for name in ("perceptron-or", "mlp-xor"):
        (tmp_path / f"{name}.json").write_bytes((FOLDER / f"{name}.json").read_bytes())
    (tmp_path / "mlp-xor.md").write_text("My own words.\n", encoding="utf-8")
    (tmp_path / "order.txt").write_text("mlp-xor\nno-such-lesson\n", encoding="utf-8")
    assert lesson_names(tmp_path) == ("mlp-xor", "perceptron-or")  # listed first, the rest alphabetically
    assert load_lesson("mlp-xor", folder=tmp_path).description == "My own words."
    assert load_lesson("perceptron-or", folder=tmp_path).description == ""  # no text file: no text


# ------------------------------------------------- lesson text and its match
def test_the_lesson_text_stays_only_while_the_network_matches(tmp_path):
    project = make_preset("mlp-xor")
    assert "four tanh neurons" in lesson_text(project)
    train, test = project.datasets()
    Trainer(project.network, train, test, project.settings).run(50)
    assert not lesson_changed(project)  # training changes weights, not the lesson
    save_project(project, tmp_path / "mine.json")
    saved = load_project(tmp_path / "mine.json")
    assert saved.lesson == project.lesson and not lesson_changed(saved)

    saved.network.add_neuron(1)
    saved.network.add_neuron(1)
    assert lesson_changed(saved)
    shown = lesson_text(saved)
    # the note comes first; the text stays, since the lesson's own "Try this" steps change the network
    assert shown.startswith(f"*Based on the lesson “{saved.title}”, changed.*") and "four tanh neurons" in shown
    assert "Based on the lesson" not in lesson_text(project)
    saved.network.remove_neuron(1, 5)
    saved.network.remove_neuron(1, 4)
    assert not lesson_changed(saved)  # back to the lesson's shape: its text is true again

    other = load_project(tmp_path / "mine.json")
    other.network.set_activation(1, "relu")
    assert lesson_changed(other)
    current = load_project(tmp_path / "mine.json")
    assert lesson_changed(current, network=other.network)  # the window asks with its own network


def test_a_lesson_file_opened_directly_shows_its_text():
    project = load_project(FOLDER / "mlp-xor.json")
    assert project.description == "" and "four tanh neurons" in lesson_text(project)
    project.lesson["name"] = "../../README"  # a name from a file is never a path
    assert lesson_text(project) == "Build a network, then train it on the data."


def test_a_project_without_a_lesson_shows_its_description():
    project = make_preset("sine")
    project.lesson = None
    project.network.add_neuron(1)
    assert not lesson_changed(project) and lesson_text(project) == project.description
    assert "lesson" not in project_to_dict(project)


@pytest.mark.parametrize("lesson, where", [
    ({"fingerprint": "ab"}, "lesson.name: this required key is missing"),
    ({"name": "x", "fingerprint": "AB"}, "lesson.fingerprint: must be lower-case hexadecimal"),
    ({"name": "x", "fingerprint": "ab", "steps": 0}, "lesson.steps: must be from 1"),
    ({"name": "", "fingerprint": "ab"}, "lesson.name: must not be empty"),
    ({"name": "x", "fingerprint": "ab", "text": "y"}, "lesson: unknown key 'text'"),
    ("mlp-xor", "lesson: must be an object"),
])
def test_a_bad_lesson_field_is_refused_with_its_path(lesson, where):
    document = project_to_dict(make_preset("mlp-xor"))
    document["lesson"] = lesson
    with pytest.raises(ProjectFileError) as error:
        project_from_dict(json.loads(json.dumps(document)))
    assert str(error.value).startswith(where)


# ------------------------------------------------------------------ claims
def test_1_the_perceptron_learns_and_and_or():
    for name in ("perceptron-and", "perceptron-or"):
        _, trainer = trained(name)
        assert trainer.evaluate(trainer.train)[1] == 1.0, name


def test_1_the_loss_tab_shows_each_examples_accuracy_and_new_random_weights_learn_and_again():
    project, trainer = trained("perceptron-and")
    assert set(trainer.history.column("train_accuracy")) <= {0.0, 1.0}  # one example a step: right or wrong
    first = project.network.blocks[(0, 1)].weights.copy()
    for times in range(1, 6):  # Try this 2: New Random Weights, play again
        again = new_random_weights(make_preset("perceptron-and"), times)
        trainer = trainer_for(again)
        trainer.run(again.lesson["steps"])
        assert trainer.evaluate(trainer.train)[1] == 1.0, times
        assert not np.allclose(again.network.blocks[(0, 1)].weights, first)  # "somewhere else"


def test_1_or_needs_a_smaller_threshold_so_its_bias_is_larger():
    biases = {name: float(trained(name)[0].network.layers[1].bias[0]) for name in ("perceptron-and", "perceptron-or")}
    assert biases["perceptron-or"] > biases["perceptron-and"]


def test_2_xor_is_never_learned_even_in_4000_steps_and_every_shown_example_ends_up_wrong():
    project = make_preset("perceptron-xor")
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, None, project.settings)
    accuracies = []
    for _ in range(4000):
        trainer.step()
        accuracies.append(trainer.evaluate(train)[1])
    assert max(accuracies) == 0.75  # "at best three of the four examples are right"
    assert set(accuracies[-100:]) == {0.25, 0.5}  # the live line keeps swinging
    # the Loss tab plots each step's single example: from step 15 on, every one is a mistake
    assert np.all(trainer.history.column("train_accuracy")[14:] == 0.0)


def test_2_xor_defeats_one_neuron_at_every_step():
    project = make_preset("perceptron-xor")
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, None, project.settings)
    accuracies = []
    for _ in range(project.lesson["steps"]):
        trainer.step()
        accuracies.append(trainer.evaluate(train)[1])
    assert max(accuracies) < 1.0
    assert len(set(accuracies)) > 1  # it keeps swinging rather than settling


def test_3_a_hidden_layer_solves_xor():
    _, trainer = trained("mlp-xor")
    assert trainer.evaluate(trainer.train)[1] == 1.0


def test_3_two_hidden_neurons_get_stuck_from_about_one_start_in_three():
    accuracies = {}
    for hidden in (4, 2):  # Try this 3: remove two neurons, New Random Weights, train 300 steps, a few times
        accuracies[hidden] = []
        for times in range(1, 13):
            project = make_preset("mlp-xor")
            while project.network.sizes[1] > hidden:
                project.network.remove_neuron(1, project.network.sizes[1] - 1)
            trainer = trainer_for(new_random_weights(project, times))
            trainer.run(project.lesson["steps"])
            accuracies[hidden].append(trainer.evaluate(trainer.train)[1])
    stuck = [a for a in accuracies[2] if a < 1.0]
    assert 2 <= len(stuck) <= 6 and set(stuck) == {0.5}  # two of the four examples right
    assert accuracies[2].count(1.0) >= 6  # "can still be learned"
    assert accuracies[4].count(1.0) >= 11  # "hardly ever"


def test_4_a_step_hidden_layer_gets_no_gradient_while_sigmoid_learns():
    project = make_preset("step-backprop")
    before = project.network.blocks[(0, 1)].weights.copy()
    _, trainer = trained("step-backprop")
    norms = trainer.last_pass.layer_grad_norms()
    assert norms[1] == 0.0 and norms[2] > 0.0
    assert np.array_equal(trainer.network.blocks[(0, 1)].weights, before)  # the hidden lines never move
    assert trainer.evaluate(trainer.train)[1] < 1.0
    # the "Try this": the same network and weights with sigmoid hidden neurons learns XOR
    for activation in ("sigmoid", "relu"):  # Reset Weights draws the lesson's own weights (seed 0)
        _, trainer = trained("step-backprop", activations={1: activation})
        assert trainer.last_pass.layer_grad_norms()[1] > 0.0
        assert trainer.evaluate(trainer.train)[1] == 1.0, activation


def test_5_deep_sigmoid_gradients_vanish_while_relu_keeps_them():
    sigmoid, relu = make_preset("deep-sigmoid"), make_preset("deep-relu")
    assert sigmoid.network.n_layers >= 8  # six hidden layers or more
    assert sigmoid.network.sizes == relu.network.sizes and sigmoid.settings == relu.settings
    assert all(layer.activation == "relu" for layer in relu.network.layers[1:-1])
    for name, vanishes in (("deep-sigmoid", True), ("deep-relu", False)):
        _, trainer = trained(name)
        norms = trainer.last_pass.layer_grad_norms()
        assert (norms[1] < 1e-3 * norms[-1]) == vanishes, (name, norms)
        assert norms[1] == trainer.snapshot().layer_grad_norms[1]  # what the gradient-flow view shows
        if vanishes:
            assert abs(trainer.evaluate(trainer.train)[1] - 0.5) < 0.05  # "still guesses at about 50%"
        else:
            assert norms[1] > 0.1 * norms[-1]  # "about a tenth or more"


def test_5_deep_sigmoid_gradient_flow_step_by_step():
    """What the Gradient flow tab shows, column by column, for 1,500 steps of Play."""
    project = make_preset("deep-sigmoid")
    trainer = trainer_for(project)
    norms, accuracies = [], []
    for _ in range(1500):
        trainer.step()
        norms.append(trainer.last_pass.layer_grad_norms()[1:])  # Hidden 1 ... Output, as the rows
        if len(norms) <= 40:
            accuracies.append(trainer.evaluate(trainer.train)[1])
        if len(norms) == 100:  # "by step 100" the output answers the share of class 1 everywhere
            p = Pass(project.network, trainer.train.X, trainer.train.y, trainer.loss)
            p.forward()
            out, last_hidden = p.a[project.network.n_layers - 1], p.a[project.network.n_layers - 2]
            assert np.ptp(out) < 1e-3 and abs(out.mean() - trainer.train.y.mean()) < 0.01
            assert last_hidden.std(axis=0).max() < 1e-3  # the last hidden layer's activations hardly differ
    norms = np.array(norms)
    first = norms[:40]
    assert np.all(np.diff(first, axis=1) > 0)  # the first 40 steps: each row darker than the one above
    assert np.all(first[:, 0] < 1e-3 * first[:, -1])  # Hidden 1's less than a thousandth of the output's
    assert max(abs(a - 0.5) for a in accuracies) < 0.05
    assert np.all(norms[99:] < 1e-5)  # from step 100 on every row in the colour bar's lowest decade,
    assert np.all(norms[119:] < 3e-6)  # and from about step 120 in its darkest half: every row dark
    last = norms[-1]
    assert last[:3].min() > last[3:].max()  # the first rows end a shade lighter than the last
    loss, accuracy = trainer.evaluate(trainer.train)
    assert abs(loss - np.log(2)) < 1e-3 and abs(accuracy - 0.5) < 0.05


def test_5_deep_relu_rows_stay_within_a_factor_of_ten_and_a_large_step_kills_them():
    project = make_preset("deep-relu")
    trainer = trainer_for(project)
    for _ in range(1500):
        trainer.step()
        norms = trainer.last_pass.layer_grad_norms()
        assert min(norms[1:-1]) > 0.1 * norms[-1], trainer.steps
    assert trainer.evaluate(trainer.train)[1] == 1.0
    project = make_preset("deep-relu")
    project.settings.learning_rate = 1.0  # Try this 3
    trainer = trainer_for(project)
    trainer.run(1000)
    assert min(trainer.last_pass.layer_grad_norms()[1:-1]) < 1e-6  # rows that turn dark


def test_5_fewer_sigmoid_layers_let_more_gradient_reach_the_first():
    ratios = []
    for hidden in (6, 4, 2):  # Try this 3: remove hidden layers, Reset Weights, train 20 steps
        project = make_preset("deep-sigmoid")
        while project.network.n_layers - 2 > hidden:
            project.network.remove_layer(project.network.n_layers - 2)
        project.network.initialize("xavier", seed=project.settings.seed)
        train, test = project.datasets()
        trainer = Trainer(project.network, train, test, project.settings)
        trainer.run(project.lesson["steps"])
        norms = trainer.last_pass.layer_grad_norms()
        ratios.append(norms[1] / norms[-1])
    assert ratios[1] > 5 * ratios[0] and ratios[2] > 5 * ratios[1]  # "about ten times for every two"


def test_6_a_wide_hidden_layer_fits_curves_and_width_one_cannot():
    errors = {}
    for name in ("sine", "sine-one-neuron", "abs", "step-target"):
        project, trainer = trained(name)
        assert project.network.n_layers == 3  # one hidden layer
        errors[name] = trainer.evaluate(trainer.train)[0]
    assert make_preset("sine-one-neuron").network.sizes[1] == 1
    assert errors["sine"] < 0.01 and errors["sine-one-neuron"] > 0.05
    assert errors["sine-one-neuron"] > 20 * errors["sine"]  # "about thirty times"
    assert errors["abs"] < 0.01 and errors["step-target"] < 0.01


def test_7_l1_finds_the_true_slope_better_than_l2():
    true_slope = inspect.signature(make_linear_outliers).parameters["slope"].default
    slopes = {}
    for name in ("outliers", "outliers-l1"):
        project, _ = trained(name)
        slopes[project.settings.loss] = float(project.network.blocks[(0, 1)].weights[0, 0])
    assert make_preset("outliers").data == make_preset("outliers-l1").data
    assert abs(slopes["l1"] - true_slope) < abs(slopes["l2"] - true_slope)
    assert abs(slopes["l1"] - true_slope) < 0.1


def test_7_without_outliers_both_losses_find_the_line_and_l1_gives_up_at_a_half():
    true_slope = inspect.signature(make_linear_outliers).parameters["slope"].default

    def slope(loss, outliers):
        project = make_preset("outliers")
        project.settings.loss = loss
        project.data["recipe"]["outlier_fraction"] = outliers  # the Data panel's Outliers field
        trainer_for(project).run(project.lesson["steps"])
        return float(project.network.blocks[(0, 1)].weights[0, 0])

    assert abs(slope("l2", 0.0) - true_slope) < 0.05 and abs(slope("l1", 0.0) - true_slope) < 0.05
    assert abs(slope("l1", 0.3) - true_slope) < 0.1 and abs(slope("l1", 0.5) - true_slope) > 1.0


def test_7_cross_entropy_and_mse_both_classify_the_circles():
    losses = set()
    for name in ("circles", "circles-mse"):
        project, trainer = trained(name)
        losses.add(project.settings.loss)
        assert trainer.evaluate(trainer.test)[1] == 1.0, name
    assert losses == {"binary_cross_entropy", "l2"}


def test_7_from_a_confidently_wrong_start_mse_stalls_and_cross_entropy_learns():
    start = make_preset("circles-saturated")
    assert start.settings.loss == "l2" and start.network.layers[2].bias[0] == -7.0  # ŷ ≈ 0.001 everywhere
    project, trainer = trained("circles-saturated")
    loss, accuracy = trainer.evaluate(trainer.train)
    assert loss > 0.45 and accuracy < 0.6  # "the loss is still about 0.50 and the accuracy about 50%"
    stalled = trainer.last_pass.layer_grad_norms()[1]
    project.settings.loss = "binary_cross_entropy"  # Try this 2: from the stalled weights
    trainer.apply_settings(project.settings)
    trainer.step()
    assert trainer.last_pass.layer_grad_norms()[1] > 100 * stalled  # Try this 3: the rows light up
    _, trainer = trained("circles-saturated", loss="binary_cross_entropy")
    assert trainer.evaluate(trainer.train)[1] == 1.0 and trainer.evaluate(trainer.test)[1] == 1.0


def test_8_backpropagation_one_number_at_a_time():
    project = make_preset("backprop-trace")
    train, _ = project.datasets()
    assert train.n_samples == 1 and project.network.parameter_count <= 10
    trainer = Trainer(project.network, train, None, project.settings)
    trace = trainer.trace(0)
    for (i, j), grad in trace.grad_w.items():
        # dL/dw = delta of the target neuron x activation of the source neuron
        assert np.allclose(grad, np.outer(trace.a[i], trace.delta[j]))
    net = project.network
    weights = net.blocks[(0, 1)].weights
    for r, c in np.ndindex(weights.shape):
        numeric = _central_difference(trainer, weights, (r, c))
        assert trace.grad_w[(0, 1)][r, c] == pytest.approx(numeric, rel=1e-6, abs=1e-10)
    before = trainer.evaluate(train)[0]
    trainer.run(project.lesson["steps"])
    assert trainer.evaluate(train)[0] < before


def test_9_the_derivative_is_the_slope_of_the_loss_along_one_weight():
    project = make_preset("derivative")
    train, _ = project.datasets()
    trainer = Trainer(project.network, train, None, project.settings)
    p = Pass(project.network, train.X, train.y, trainer.loss)
    p.forward()
    p.compute_loss()
    p.backward_layer(1)
    weights = project.network.blocks[(0, 1)].weights
    assert p.grad_w[(0, 1)][0, 0] == pytest.approx(_central_difference(trainer, weights, (0, 0)), rel=1e-6)
    # Try this 2: a clicked point's trace shows its own dL/dw; the slope is their mean over the points
    traced = [trainer.trace(i).grad_w[(0, 1)][0, 0] for i in range(train.n_samples)]
    assert train.n_samples == 20 and np.mean(traced) == pytest.approx(p.grad_w[(0, 1)][0, 0], rel=1e-9)
    _, trainer = trained("derivative")
    assert abs(trainer.network.blocks[(0, 1)].weights[0, 0] - 2.0) < 0.15
    # the "Try this": a learning rate of 1.2 overshoots and the loss grows
    project = make_preset("derivative")
    project.settings.learning_rate = 1.2
    trainer = Trainer(project.network, train, None, project.settings)
    start = trainer.evaluate(train)[0]
    trainer.run(30)
    assert trainer.evaluate(train)[0] > start


def test_10_capacity_too_small_and_large_enough():
    counts, accuracy = {}, {}
    for name in ("spiral-3", "spiral-30", "spiral"):
        project, trainer = trained(name)
        counts[name] = project.network.parameter_count
        accuracy[name] = trainer.evaluate(trainer.test)[1]
        assert str(counts[name]) in project.title  # the title names the parameter count
    assert counts == {"spiral-3": 3, "spiral-30": 29, "spiral": 337}
    assert accuracy["spiral-3"] < 0.9 and accuracy["spiral-30"] < 0.9
    assert accuracy["spiral"] > 0.95


def test_10_noisier_spirals_open_a_gap_between_training_and_test_accuracy():
    project = make_preset("spiral")
    project.data["recipe"]["noise"] = 0.15  # Try this 3
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.run(project.lesson["steps"])
    train_accuracy, test_accuracy = trainer.evaluate(train)[1], trainer.evaluate(test)[1]
    assert 0.8 < train_accuracy < 0.95 and test_accuracy < train_accuracy - 0.05


def test_softmax_lesson_classifies_three_classes():
    _, trainer = trained("multiclass")
    assert trainer.evaluate(trainer.test)[1] == 1.0


def test_11_a_64_32_10_softmax_network_reads_handwritten_digits():
    project, trainer = trained("digits")
    net = project.network
    assert net.sizes == [64, 32, 10] and net.activations[-1] == "softmax"
    assert project.settings.loss == "categorical_cross_entropy" and project.lesson["steps"] == 100
    train, test = trainer.train, trainer.test
    assert (train.n_samples, test.n_samples) == (1438, 359)  # the numbers the text gives
    assert trainer.evaluate(test)[1] > 0.95
    # the lesson's data is the bundled CSV file, as File > Import Data reads it
    bundled, stored = load_bundled("digits"), build_dataset(project.data)
    assert np.array_equal(stored.X, bundled.X) and np.array_equal(stored.y, bundled.y)


def _central_difference(trainer, weights, index, h=1e-6):
    """(L(w + h) - L(w - h)) / 2h for one weight, on the training set."""
    keep = weights[index]
    weights[index] = keep + h
    up = trainer.evaluate(trainer.train)[0]
    weights[index] = keep - h
    down = trainer.evaluate(trainer.train)[0]
    weights[index] = keep
    return (up - down) / (2 * h)


def test_the_documented_lesson_field_is_mlp_xors():
    doc = (ROOT / "docs" / "file-format.md").read_text(encoding="utf-8")
    example = re.search(r'```json\n(\{"name": "mlp-xor".*\})\n```', doc).group(1)
    assert json.loads(example) == load_project(FOLDER / "mlp-xor.json").lesson


def test_perceptron_lessons_draw_their_weights_uniformly_within_a_half():
    from simulator.lessons import lesson_initializer
    from simulator.network import Network
    for name in ("perceptron-and", "perceptron-or", "perceptron-xor"):
        project = load_lesson(name)
        assert lesson_initializer(project) == ("uniform", 0.5)
        fresh = Network(project.network.sizes, [l.activation for l in project.network.layers[1:]],
                        init="uniform", init_scale=0.5, seed=0)
        assert np.array_equal(fresh.blocks[(0, 1)].weights, project.network.blocks[(0, 1)].weights)
        other = load_lesson(name, seed=7)
        assert np.abs(other.network.blocks[(0, 1)].weights).max() <= 0.5
    assert lesson_initializer(load_lesson("mlp-xor")) == ("xavier", 1.0)


def test_a_lesson_sets_a_speed_one_can_watch_and_a_wrong_speed_is_refused(tmp_path):
    from simulator.project_schema import TRAINING_SPEEDS, lesson_from_dict
    for name, speed in (("perceptron-and", 5), ("perceptron-or", 5), ("perceptron-xor", 5), ("mlp-xor", 50),
                        ("backprop-trace", 2), ("derivative", 2)):
        project = load_lesson(name, seed=3)  # another seed: the speed stays, the fingerprint follows the weights
        assert project.lesson["speed"] == speed in TRAINING_SPEEDS
        assert project.lesson["fingerprint"] == network_fingerprint(project.network)
        path = tmp_path / f"{name}.json"
        save_project(project, path)
        assert load_project(path).lesson["speed"] == speed  # a saved lesson keeps it
    assert "speed" not in load_lesson("digits").lesson  # no speed: the slider keeps its setting
    good = {"name": "x", "fingerprint": "ab"}
    assert lesson_from_dict({**good, "speed": None})["speed"] is None  # as fast as possible
    for bad in (3, 0, -5, "fast", True, 1e9, [5]):
        with pytest.raises(ProjectFileError) as error:
            lesson_from_dict({**good, "speed": bad})
        assert error.value.field == "lesson.speed" and "5000" in str(error.value)
