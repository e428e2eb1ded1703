"""Project files: save and load give back the same project, writes are atomic,
the data is split as the file says, and the documented example loads."""

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from simulator import project_file
from simulator.backprop import forward
from simulator.generators import make_dataset
from simulator.errors import ProjectFileError
from simulator.network import Network
from simulator.project_file import (
    FORMAT_NAME, FORMAT_VERSION, Project, inline_data, load_project, network_from_dict,
    network_to_dict, project_from_dict, project_to_dict, save_project)
from simulator.settings import TrainingSettings

DOC = Path(__file__).resolve().parents[2] / "docs" / "file-format.md"


# ------------------------------------------------------------------ networks
def plain():
    return Network([2, 4, 1], seed=1)


def deep_with_skips():
    net = Network([3, 5, 4, 2], ["relu", "leaky_relu", "softmax"], seed=2)
    net.connect_layers(0, 3)                 # skip over two layers
    net.connect((1, 2), (3, 1), weight=-0.75)  # a single skip edge
    net.disconnect((0, 1), (1, 3))           # removed edges leave mask holes
    net.disconnect((2, 0), (3, 1))
    for k in range(1, 4):
        net.set_bias((k, 0), 0.125 * k)
    return net


def sparse_block_and_unfed_layer():
    net = Network([2, 3, 3, 1], ["step", "linear", "tanh"], seed=3)
    net.disconnect_layers(1, 2)  # layer 2 gets no input: only its biases
    net.connect((1, 0), (3, 0), weight=1e-300)
    net.set_weight((2, 1), (3, 0), -123456.789)
    return net


def after_many_edits():
    net = Network([2, 2, 1], ["sigmoid", "sigmoid"], seed=4)
    net.insert_layer(2, 3, "tanh")
    net.add_neuron(1)
    net.remove_neuron(2, 0)
    net.set_weight((0, 1), (1, 2), 5e-324)  # the smallest double survives the text
    return net


NETWORKS = {"plain": plain, "deep_with_skips": deep_with_skips,
            "sparse_block_and_unfed_layer": sparse_block_and_unfed_layer,
            "after_many_edits": after_many_edits}


def settings_for(net):
    out = net.activations[-1]
    loss = {"sigmoid": "binary_cross_entropy", "softmax": "categorical_cross_entropy"}.get(out, "huber")
    return TrainingSettings(loss=loss, optimizer="adam", learning_rate=0.003, momentum=0.5, beta1=0.8,
                            beta2=0.99, epsilon=1e-7, l1=0.001, l2=0.25, batch_size=7, shuffle=False,
                            seed=123456789, rule="backprop", test_every=5)


def project_for(net, data=None):
    data = data or {"recipe": {"generator": "moons", "n": 40, "noise": 0.2, "seed": 5},
                    "test_fraction": 0.25, "split_seed": 9}
    layout = {"positions": [[1, 0, 10.5, -3.25], [0, 1, 0, 1e-9]], "zoom": 1.5, "notes": None,
              "nested": {"a": [True, False, {"ü": "ünïcödé ✓"}]}}
    return Project(net, data, settings_for(net), layout, "Title ✓", "Line one.\nLine two: \"quoted\".")


def assert_same(a, b):
    assert a.network.same_as(b.network)
    X = np.random.default_rng(0).normal(size=(17, a.network.sizes[0]))
    for za, zb in zip(forward(a.network, X)[1], forward(b.network, X)[1]):
        assert np.array_equal(za, zb)
    assert a.settings == b.settings
    assert a.data == b.data and a.layout == b.layout
    assert json.dumps(a.data) == json.dumps(b.data)       # ints stay ints, floats floats
    assert json.dumps(a.layout) == json.dumps(b.layout)
    assert (a.title, a.description) == (b.title, b.description)


# ----------------------------------------------------------------- round trips
@pytest.mark.parametrize("name", NETWORKS)
def test_save_then_load_gives_the_same_project(tmp_path, name):
    project = project_for(NETWORKS[name]())
    path = tmp_path / "p.json"
    save_project(project, path)
    loaded = load_project(path)
    assert loaded.network._plan is None
    assert_same(project, loaded)
    # a second save writes the same bytes: nothing drifts
    save_project(loaded, tmp_path / "q.json")
    assert (tmp_path / "q.json").read_bytes() == path.read_bytes()


@pytest.mark.parametrize("name", NETWORKS)
def test_network_dict_round_trip_keeps_masks_and_omits_full_ones(name):
    net = NETWORKS[name]()
    data = network_to_dict(net)
    assert "activation" not in data["layers"][0] and "bias" not in data["layers"][0]
    for edge in data["edges"]:
        block = net.blocks[(edge["from"], edge["to"])]
        assert ("mask" in edge) == (not block.full)
    back = network_from_dict(json.loads(json.dumps(data)))
    assert back.same_as(net)
    for key, block in back.blocks.items():
        assert block.weights.flags.writeable and block.mask.dtype == bool


def test_loaded_network_trains_and_edits_like_a_built_one(tmp_path):
    net = deep_with_skips()
    save_project(project_for(net), tmp_path / "p.json")
    loaded = load_project(tmp_path / "p.json").network
    loaded.set_weight((0, 0), (1, 0), 0.5)
    net.set_weight((0, 0), (1, 0), 0.5)
    loaded.connect((0, 1), (1, 3), weight=0.25)
    net.connect((0, 1), (1, 3), weight=0.25)
    assert loaded.same_as(net)


def test_inline_data_round_trips_and_builds_the_same_points(tmp_path):
    ds = make_dataset({"generator": "multiclass", "n": 30, "seed": 2})
    data = inline_data(ds, test_fraction=0.2, split_seed=4)
    net = Network([2, 3], ["softmax"])
    project = Project(net, data, TrainingSettings(loss="categorical_cross_entropy"))
    save_project(project, tmp_path / "p.json")
    loaded = load_project(tmp_path / "p.json")
    assert_same(project, loaded)
    train, test = loaded.datasets()
    assert train.n_samples + test.n_samples == 30 and test.n_samples == 6
    assert np.array_equal(np.sort(np.vstack([train.X, test.X]), axis=0), np.sort(ds.X, axis=0))
    assert train.target_names == ds.target_names and train.name == ds.name


def test_data_is_kept_exactly_as_given_without_defaults_filled_in(tmp_path):
    data = {"recipe": {"generator": "xor"}}
    project = Project(Network([2, 2, 1]), data, TrainingSettings())
    save_project(project, tmp_path / "p.json")
    assert load_project(tmp_path / "p.json").data == {"recipe": {"generator": "xor"}}


@pytest.mark.parametrize("settings", [
    TrainingSettings(),
    TrainingSettings(loss="l1", optimizer="momentum", learning_rate=1, momentum=0.0, batch_size=1),
    TrainingSettings(loss="l2", optimizer="sgd", rule="perceptron", shuffle=True, seed=2**31 - 1),
    TrainingSettings(loss="huber", optimizer="adam", learning_rate=1e-12, l1=3.5, test_every=10**9),
])
def test_every_setting_round_trips(tmp_path, settings):
    out = "sigmoid" if settings.loss == "binary_cross_entropy" else "linear"
    project = Project(Network([2, 1], [out]), {"recipe": {"generator": "and"}}, settings)
    save_project(project, tmp_path / "p.json")
    assert load_project(tmp_path / "p.json").settings == settings
    assert project_from_dict(project_to_dict(project)).settings.to_dict() == settings.to_dict()


def test_file_starts_with_format_and_version_and_is_readable(tmp_path):
    save_project(project_for(plain()), tmp_path / "p.json")
    text = (tmp_path / "p.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert list(doc)[:2] == ["format", "version"]
    assert doc["format"] == FORMAT_NAME and doc["version"] == FORMAT_VERSION
    assert "ünïcödé ✓" in text                # written as UTF-8, not \u escapes
    assert '"weights": [[' not in text or text.count("\n") > 20  # indented, rows on lines
    assert not text.startswith("\ufeff") and text.endswith("}\n")


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    save_project(project_for(plain()), tmp_path / "p.json")
    raw = (tmp_path / "p.json").read_bytes()
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + raw)
    assert_same(load_project(tmp_path / "p.json"), load_project(tmp_path / "bom.json"))


def test_nesting_up_to_the_limit_loads_and_one_more_is_refused(tmp_path):
    project = project_for(plain())
    doc = project_to_dict(project)
    doc["layout"] = {"deep": 0}
    # the document is one level, layout a second: 62 more lists reach 64
    doc["layout"]["deep"] = json.loads("[" * 62 + "]" * 62)
    (tmp_path / "ok.json").write_text(json.dumps(doc))
    assert load_project(tmp_path / "ok.json").layout == doc["layout"]
    doc["layout"]["deep"] = json.loads("[" * 63 + "]" * 63)
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(ProjectFileError, match="nested 65 levels deep; at most 64"):
        load_project(tmp_path / "bad.json")


# -------------------------------------------------------------- saving checks
def test_save_refuses_a_project_it_could_not_open_again(tmp_path):
    target = tmp_path / "p.json"
    target.write_text("old")
    bad = [
        (Project(plain(), {"generator": "xor"}, TrainingSettings()), "data: unknown key 'generator'"),
        (Project(plain(), {"recipe": {"generator": "xor"}}, TrainingSettings(), {"p": (1, 2)}),
         "layout.p: tuple cannot be stored"),
        (Project(plain(), {"recipe": {"generator": "xor"}}, TrainingSettings(), {"p": float("nan")}),
         "layout.p: NaN is not allowed"),
        (Project(plain(), {"recipe": {"generator": "xor"}}, TrainingSettings(), title="t" * 201),
         "title: is 201 characters long"),
    ]
    for project, message in bad:
        with pytest.raises(ProjectFileError, match=re.escape(message)):
            save_project(project, target)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["p.json"]


def test_save_refuses_a_file_larger_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(project_file, "MAX_FILE_BYTES", 2000)
    with pytest.raises(ProjectFileError, match="project files are limited to"):
        save_project(project_for(Network([10, 20, 1])), tmp_path / "p.json")
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- atomic write
def _old_file(tmp_path):
    target = tmp_path / "project.json"
    save_project(project_for(plain()), target)
    return target, target.read_bytes()


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_a_failed_save_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, where):
    target, before = _old_file(tmp_path)
    written = []

    def broken(*args, **kwargs):
        written.extend(p for p in os.listdir(tmp_path) if p.endswith(".tmp"))
        raise OSError(28, "No space left on device")

    if where == "write":
        real_fdopen = os.fdopen

        class HalfFile:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def write(self, data):
                self.f.write(data[: len(data) // 2])  # half the bytes reach the disk
                broken()

        monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfFile(real_fdopen(fd, mode)))
    else:
        monkeypatch.setattr(os, where, broken)
    with pytest.raises(ProjectFileError, match="cannot save .*No space left on device"):
        save_project(project_for(deep_with_skips()), target)
    assert written, "the failure should happen after the temporary file exists"
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["project.json"]
    assert load_project(target).network.same_as(plain())


def test_an_unexpected_error_mid_write_also_cleans_up(tmp_path, monkeypatch):
    target, before = _old_file(tmp_path)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        save_project(project_for(deep_with_skips()), target)
    assert target.read_bytes() == before and os.listdir(tmp_path) == ["project.json"]


def test_save_into_a_missing_folder_is_a_clean_error(tmp_path):
    with pytest.raises(ProjectFileError, match="cannot save"):
        save_project(project_for(plain()), tmp_path / "nope" / "p.json")


def test_save_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    target, _ = _old_file(tmp_path)
    os.chmod(target, 0o640)
    save_project(project_for(deep_with_skips()), target)
    assert (os.stat(target).st_mode & 0o777) == 0o640


# -------------------------------------------------------------------- datasets
def test_datasets_splits_with_the_files_fraction_and_seed():
    data = {"recipe": {"generator": "circles", "n": 100, "seed": 1}, "test_fraction": 0.3, "split_seed": 4}
    project = Project(plain(), data, TrainingSettings())
    train, test = project.datasets()
    assert (train.n_samples, test.n_samples) == (70, 30)
    again_train, again_test = project.datasets()
    assert np.array_equal(test.X, again_test.X)
    other = Project(plain(), dict(data, split_seed=5), TrainingSettings()).datasets()[1]
    assert not np.array_equal(test.X, other.X)
    full = make_dataset(data["recipe"])
    assert sorted(map(tuple, np.vstack([train.X, test.X]))) == sorted(map(tuple, full.X))


def test_datasets_without_a_fraction_has_an_empty_test_set():
    train, test = Project(plain(), {"recipe": {"generator": "xor", "n": 8}}, TrainingSettings()).datasets()
    assert train.n_samples == 8 and test.n_samples == 0 and test.n_inputs == 2


@pytest.mark.parametrize("sizes, message", [
    ([3, 4, 1], "data: the data has 2 input columns (x1, x2) but the network's input layer has 3 neurons; they must match"),
    ([2, 4, 3], "data: the data has 1 target column but the network's output layer has 3 neurons; "
                 "they must match"),
])
def test_datasets_names_a_size_mismatch(sizes, message):
    project = Project(Network(sizes), {"recipe": {"generator": "xor"}}, TrainingSettings())
    with pytest.raises(ProjectFileError) as err:
        project.datasets()
    assert str(err.value) == message


def test_a_mismatched_project_still_saves_and_loads(tmp_path):
    project = Project(Network([3, 1]), {"recipe": {"generator": "xor"}}, TrainingSettings())
    save_project(project, tmp_path / "p.json")
    with pytest.raises(ProjectFileError, match="input layer has 3 neurons"):
        load_project(tmp_path / "p.json").datasets()


# ------------------------------------------------------------------ the docs
def doc_example():
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    full = [b for b in blocks if '"format"' in b]
    assert len(full) == 1, "docs/file-format.md should hold exactly one complete example"
    return full[0]


def test_the_documented_example_loads(tmp_path):
    path = tmp_path / "example.json"
    path.write_text(doc_example(), encoding="utf-8")
    project = load_project(path)
    assert project.network.sizes == [2, 3, 1]
    assert not project.network.has_edge((0, 0), (1, 1)) and project.network.has_edge((0, 0), (2, 0))
    assert project.settings.optimizer == "adam" and project.settings.beta2 == 0.999  # default filled
    train, test = project.datasets()
    assert (train.n_samples, test.n_samples) == (150, 50)
    save_project(project, tmp_path / "again.json")
    assert_same(project, load_project(tmp_path / "again.json"))


def test_the_documented_snippets_are_valid_json():
    text = DOC.read_text(encoding="utf-8")
    for block in re.findall(r"```json\n(.*?)```", text, re.DOTALL):
        if "[...]" not in block:  # the outline of the network object
            json.loads(block)
    recipe = json.loads(re.findall(r"```json\n(\{\"recipe\".*?)```", text, re.DOTALL)[0])
    Project(Network([2, 3], ["softmax"]), recipe, TrainingSettings()).datasets()


@pytest.mark.parametrize("project, words", [
    (Project(Network([2, 1], ["tanh"]), {"recipe": {"generator": "xor"}}, TrainingSettings()),
     "training.loss: binary cross-entropy needs a sigmoid output layer, but the output layer uses tanh"),
    (Project(Network([2, 3], ["sigmoid"]), {"recipe": {"generator": "xor"}},
             TrainingSettings(loss="categorical_cross_entropy")),
     "categorical cross-entropy needs a softmax output layer"),
    (Project(Network([2, 1], ["sigmoid"]), {"recipe": {"generator": "sine"}}, TrainingSettings(loss="l2")),
     "the data has 1 input column"),
    (Project(Network([2, 1], ["sigmoid"]), {"recipe": {"generator": "and"}},
             TrainingSettings(loss="l2", rule="perceptron")),
     "training.rule: the perceptron rule trains step units"),
])
def test_work_in_progress_saves_and_loads_and_says_why_it_cannot_train(tmp_path, project, words):
    """A half-built project is the learner's work: it must save and load, and
    Project.problems says what to change before it can be trained."""
    save_project(project, tmp_path / "p.json")
    loaded = load_project(tmp_path / "p.json")
    assert loaded.network.same_as(project.network)
    assert any(words in p for p in loaded.problems())


def test_a_lesson_has_no_problems():
    from simulator.presets import PRESET_NAMES, make_preset
    for name in PRESET_NAMES:
        assert make_preset(name).problems() == [], name
