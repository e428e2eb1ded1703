"""Drawn points: added as training points, taken away from either set, and never a
point moved between the training and the test set by someone else's edit."""

import numpy as np
import pytest

from simulator.datasets import train_test_split
from simulator.drawn_points import moved_point, with_point, with_points, without_point
from simulator.errors import DatasetError, ProjectFileError
from simulator.presets import make_preset
from simulator.project_file import load_project, save_project
from simulator.trainer import Trainer


def split(data):
    project = make_preset("multiclass")
    project.data = data
    return project.datasets()


def as_set(ds):
    return {tuple(r) for r in np.hstack([ds.X, ds.y]).tolist()}


def test_an_added_point_is_a_training_point_and_the_test_set_stays_put():
    data = make_preset("multiclass").data
    train, test = split(data)
    new = with_point(data, (0.25, -1.5), 2)
    assert "inline" in new and "recipe" not in new and "test_fraction" not in new
    train2, test2 = split(new)
    assert as_set(test2) == as_set(test)
    assert as_set(train2) == as_set(train) | {(0.25, -1.5, 0.0, 0.0, 1.0)}
    assert train2.target_names == train.target_names and train2.feature_names == train.feature_names


def test_a_removed_point_leaves_every_other_where_it_was():
    data = make_preset("multiclass").data
    train, test = split(data)
    for which, row in (("train", 5), ("test", 3)):
        new = without_point(data, which, row)
        train2, test2 = split(new)
        gone = train if which == "train" else test
        kept = test if which == "train" else train
        assert as_set(kept) == as_set(test2 if which == "train" else train2)
        assert (train2.n_samples + test2.n_samples) == train.n_samples + test.n_samples - 1
        remaining = train2 if which == "train" else test2
        lost = as_set(gone) - as_set(remaining)
        assert lost == {tuple(np.hstack([gone.X[row], gone.y[row]]).tolist())}


def test_regression_and_binary_targets():
    sine = make_preset("sine").data
    new = with_point(sine, (0.5,), 2.5)
    full = make_preset("sine")
    full.data = new
    train, _ = full.datasets()
    assert [0.5, 2.5] in np.hstack([train.X, train.y]).tolist()
    xor = make_preset("mlp-xor").data
    project = make_preset("mlp-xor")
    project.data = with_point(xor, (0.1, 0.2), 1)
    train, _ = project.datasets()
    assert train.y[-1].tolist() == [1.0]


def test_bad_points_are_refused_with_a_reason():
    data = make_preset("multiclass").data
    with pytest.raises(DatasetError, match="no class 7"):
        with_point(data, (0.0, 0.0), 7)
    with pytest.raises(DatasetError, match="2 finite input values"):
        with_point(data, (0.0, float("nan")), 1)
    with pytest.raises(DatasetError, match="no point"):
        without_point(data, "train", 10_000)
    one = with_point({"inline": {"X": [[0.0]], "y": [[1.0]], "task": "regression"}}, (1.0,), 2.0)
    one = without_point(one, "train", 0)
    with pytest.raises(DatasetError, match="last training point"):
        without_point(one, "train", 0)


def test_test_rows_are_checked_and_survive_a_save(tmp_path):
    project = make_preset("multiclass")
    project.data = with_point(project.data, (0.0, 0.0), 0)
    path = tmp_path / "drawn.json"
    save_project(project, path)
    loaded = load_project(path)
    assert loaded.data == project.data
    assert [as_set(d) for d in loaded.datasets()] == [as_set(d) for d in project.datasets()]
    for rows, message in (([0, 0], "more than once"), ([10_000], "test_rows"), ("1", "list of row numbers")):
        project.data = {**project.data, "test_rows": rows}
        with pytest.raises(ProjectFileError, match=message):
            project.datasets()
    with pytest.raises(ProjectFileError, match="needs 'inline'"):
        project.data = {**make_preset("multiclass").data, "test_rows": [1]}
        project.datasets()
    # a test share given again wins: the points are split at random once more
    project.data = {**with_point(make_preset("multiclass").data, (0, 0), 0), "test_fraction": 0.5}
    train, test = project.datasets()
    assert test.n_samples == 151  # floor(0.5 * 301 + 0.5)


def test_train_test_split_is_unchanged():
    data = make_preset("multiclass")
    train, test = data.datasets()
    assert test.n_samples == 60 and train.n_samples == 240  # 300 points, 0.2 held out
    full_train, full_test = train_test_split(train, 0.25, 3)
    assert full_train.n_samples == 180


def test_a_trainer_takes_new_points_mid_run_and_keeps_its_steps():
    project = make_preset("multiclass")
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings)
    trainer.run(20)
    project.data = with_point(project.data, (3.0, 3.0), 1)
    train2, test2 = project.datasets()
    trainer.set_datasets(train2, test2)
    trainer.run(5)
    assert trainer.steps == 25 and trainer.train.n_samples == train.n_samples + 1
    sine = make_preset("sine")
    with pytest.raises(Exception, match="regression"):
        trainer.set_datasets(*sine.datasets())
    assert trainer.train is train2  # refused: nothing changed


def test_a_moved_point_keeps_its_set_its_row_and_its_class():
    data = make_preset("multiclass").data
    train, test = split(data)
    new = moved_point(data, "test", 2, (0.5, -0.25))
    train2, test2 = split(new)
    assert as_set(train2) == as_set(train)
    np.testing.assert_array_equal(test2.X[2], (0.5, -0.25))
    assert test2.labels[2] == test.labels[2]
    others = np.arange(test.n_samples) != 2
    np.testing.assert_array_equal(test2.X[others], test.X[others])
    with pytest.raises(DatasetError, match="no point 999"):
        moved_point(data, "train", 999, (0.0, 0.0))
    with pytest.raises(DatasetError, match="finite"):
        moved_point(data, "train", 0, (float("nan"), 0.0))


def test_a_moved_regression_point_takes_its_new_height_as_target():
    project = make_preset("outliers")
    train, _ = project.datasets()
    project.data = moved_point(project.data, "train", 0, (0.1,), -3.0)
    train2, _ = project.datasets()
    assert (train2.X[0, 0], train2.y[0, 0]) == (0.1, -3.0)
    assert train2.n_samples == train.n_samples


def test_points_drawn_in_one_stroke_are_all_training_points_or_none_is_added():
    project = make_preset("sine")
    data = project.data
    train, test = project.datasets()
    project.data = with_points(data, [((0.1 * k,), 0.5) for k in range(5)])
    train2, test2 = project.datasets()
    assert train2.n_samples == train.n_samples + 5 and as_set(test2) == as_set(test)
    np.testing.assert_array_equal(train2.X[-5:, 0], [0.0, 0.1, 0.2, 0.30000000000000004, 0.4])
    with pytest.raises(DatasetError, match="finite"):
        with_points(data, [((0.0,), 1.0), ((float("inf"),), 1.0)])
    with pytest.raises(DatasetError, match="no points"):
        with_points(data, [])
