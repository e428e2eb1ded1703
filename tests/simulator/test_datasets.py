"""Tests for simulator.datasets and simulator.generators: generators, recipes, splits, grids and CSV import."""

import numpy as np
import pytest

from simulator.datasets import Dataset, evaluation_grid, load_csv, train_test_split
from simulator.generators import GENERATOR_PARAMS, GENERATORS, default_recipe, make_dataset
from simulator.errors import DatasetError
from simulator.limits import MAX_SAMPLES

CLASSIFIERS = ["and", "or", "xor", "circles", "moons", "gaussians", "spiral",
               "checkerboard", "multiclass"]
REGRESSIONS = ["sine", "abs", "step", "polynomial", "linear_outliers"]


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_every_generator_offered_makes_data_from_its_default_recipe(name):
    # the settings panel lists GENERATORS; each must give data of the kind the tests below expect
    recipe = default_recipe(name)
    ds = make_dataset(recipe)
    assert ds.task == ("regression" if name in REGRESSIONS else "classification")
    assert name in CLASSIFIERS + REGRESSIONS  # so the tests below cover it
    assert ds.n_samples == recipe["n"] and np.isfinite(ds.X).all() and np.isfinite(ds.y).all()


# --- generators: shapes, types, read-only, seeds


@pytest.mark.parametrize("name", CLASSIFIERS + REGRESSIONS)
def test_generator_shapes_dtypes_and_read_only(name):
    ds = make_dataset({"generator": name, "n": 60, "noise": 0.1, "seed": 3})
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.float64
    assert ds.n_samples == 60 and ds.y.shape[0] == 60
    assert len(ds.feature_names) == ds.n_inputs
    with pytest.raises(ValueError):
        ds.X[0, 0] = 99.0
    with pytest.raises(ValueError):
        ds.y[0, 0] = 99.0
    if name in REGRESSIONS:
        assert ds.task == "regression" and ds.n_classes == 0
        assert ds.X.shape == (60, 1) and ds.y.shape == (60, 1)
        assert ds.feature_names == ("x",) and ds.target_names == ("y",)
    else:
        assert ds.task == "classification" and ds.n_inputs == 2
        assert len(ds.target_names) == ds.n_classes
        # every class appears, so the plot legend is never missing a colour
        assert set(ds.labels) == set(range(ds.n_classes))
        # points stay near the default view of the plot
        assert np.abs(ds.X).max() < 2.2


@pytest.mark.parametrize("name", CLASSIFIERS + REGRESSIONS)
def test_same_seed_same_points_other_seed_other_points(name):
    recipe = {"generator": name, "n": 40, "noise": 0.1, "seed": 1}
    a, b = make_dataset(recipe), make_dataset(recipe)
    c = make_dataset({**recipe, "seed": 2})
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert a == b
    assert not np.array_equal(a.X, c.X)
    assert a != c


@pytest.mark.parametrize("gate, table", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]),
                                         ("xor", [0, 1, 1, 0])])
def test_logic_gates_are_exact_truth_tables(gate, table):
    ds = make_dataset({"generator": gate})
    assert ds.X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert ds.y.tolist() == [[v] for v in table]
    assert ds.n_classes == 2


def test_logic_gate_with_more_points_cycles_noisy_corners():
    ds = make_dataset({"generator": "xor", "n": 400, "noise": 0.1, "seed": 0})
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 100)
    assert np.array_equal(ds.labels, np.tile([0, 1, 1, 0], 100))
    offsets = ds.X - corners
    assert 0.07 < offsets.std() < 0.13
    assert not np.allclose(offsets, 0)


def test_spiral_with_three_arms_is_one_hot():
    ds = make_dataset({"generator": "spiral", "n": 300, "arms": 3})
    assert ds.y.shape == (300, 3) and ds.n_classes == 3
    assert np.all(ds.y.sum(axis=1) == 1)
    assert np.bincount(ds.labels).tolist() == [100, 100, 100]
    assert make_dataset({"generator": "spiral"}).y.shape == (200, 1)


def test_multiclass_blobs_are_one_hot_and_separated():
    ds = make_dataset({"generator": "multiclass", "classes": 5, "n": 500, "noise": 0.05})
    assert ds.y.shape == (500, 5)
    centres = np.array([ds.X[ds.labels == k].mean(axis=0) for k in range(5)])
    assert np.allclose(np.linalg.norm(centres, axis=1), 1.0, atol=0.05)


def test_circles_inner_class_lies_on_the_inner_circle():
    ds = make_dataset({"generator": "circles", "n": 100, "noise": 0.0, "factor": 0.3})
    radius = np.linalg.norm(ds.X, axis=1)
    assert np.allclose(radius[ds.labels == 1], 0.3)
    assert np.allclose(radius[ds.labels == 0], 1.0)


def test_checkerboard_neighbouring_quadrants_differ():
    ds = make_dataset({"generator": "checkerboard", "n": 400, "tiles": 2})
    pattern = (ds.X[:, 0] > 0) != (ds.X[:, 1] > 0)
    assert np.array_equal(ds.labels, pattern) or np.array_equal(ds.labels, ~pattern)


def test_gaussians_distance_moves_the_blobs_apart():
    ds = make_dataset({"generator": "gaussians", "n": 400, "distance": 3.0, "noise": 0.1})
    gap = ds.X[ds.labels == 1].mean(axis=0) - ds.X[ds.labels == 0].mean(axis=0)
    assert np.linalg.norm(gap) == pytest.approx(3.0, abs=0.05)


@pytest.mark.parametrize("name, params, function", [
    ("sine", {}, lambda x: np.sin(np.pi * x)),
    ("sine", {"frequency": 2.0}, lambda x: np.sin(2 * np.pi * x)),
    ("abs", {}, np.abs),
    ("step", {}, lambda x: (x > 0).astype(float)),
    ("polynomial", {}, lambda x: 2 * x**3 - x),
    ("polynomial", {"coefficients": [1, 0, 3]}, lambda x: 1 + 3 * x**2),
    ("linear_outliers", {"outlier_fraction": 0.0}, lambda x: 2 * x + 0.5),
])
def test_regression_without_noise_follows_its_function(name, params, function):
    ds = make_dataset({"generator": name, "n": 50, "noise": 0.0, **params})
    x = ds.X[:, 0]
    assert x.min() >= -1 and x.max() <= 1
    assert np.allclose(ds.y[:, 0], function(x))


def test_regression_input_range_can_be_changed():
    ds = make_dataset({"generator": "abs", "x_min": 2.0, "x_max": 5.0})
    assert ds.X.min() >= 2.0 and ds.X.max() <= 5.0


@pytest.mark.parametrize("fraction", [0.1, 0.25])
def test_linear_outliers_has_the_requested_fraction(fraction):
    ds = make_dataset({"generator": "linear_outliers", "n": 200, "noise": 0.0,
                       "outlier_fraction": fraction})
    residual = ds.y[:, 0] - (2.0 * ds.X[:, 0] + 0.5)
    assert np.count_nonzero(residual > 1.0) == round(fraction * 200)
    assert residual.min() > -1e-12  # outliers only push one way


def test_linear_outliers_pull_an_l2_fit_but_not_an_l1_fit():
    ds = make_dataset({"generator": "linear_outliers", "n": 400, "seed": 5})
    A = np.column_stack([ds.X[:, 0], np.ones(ds.n_samples)])
    l2 = np.linalg.lstsq(A, ds.y[:, 0], rcond=None)[0]
    l1 = l2.copy()
    for _ in range(100):  # least absolute deviations by reweighted least squares
        w = 1.0 / np.maximum(np.abs(ds.y[:, 0] - A @ l1), 1e-6)
        l1 = np.linalg.lstsq(A * w[:, None] ** 0.5, ds.y[:, 0] * w ** 0.5, rcond=None)[0]
    true = GENERATOR_PARAMS["linear_outliers"]
    assert l2[1] - true["intercept"] > 0.3
    assert l1 == pytest.approx([true["slope"], true["intercept"]], abs=0.1)


# --- recipes


def test_recipe_defaults_fill_missing_settings():
    recipe = default_recipe("circles")
    assert recipe == {"generator": "circles", "n": 200, "noise": 0.05, "seed": 0, "factor": 0.5}
    assert make_dataset(recipe) == make_dataset({"generator": "circles"})


@pytest.mark.parametrize("recipe, words", [
    ({"generator": "blobs"}, ["'blobs'", "xor", "spiral"]),
    ({"n": 10}, ["'generator'", "missing"]),
    ([("generator", "xor")], ["recipe"]),
    ({"generator": "xor", "factor": 0.5}, ["'xor'", "'factor'", "n, noise, seed"]),
    ({"generator": "xor", "n": 0}, ["'n'", "1", str(MAX_SAMPLES)]),
    ({"generator": "xor", "n": MAX_SAMPLES + 1}, ["'n'", str(MAX_SAMPLES + 1)]),
    ({"generator": "xor", "n": "many"}, ["'n'", "whole number", "'many'"]),
    ({"generator": "xor", "n": 2.5}, ["'n'", "whole number"]),
    ({"generator": "xor", "n": True}, ["'n'"]),
    ({"generator": "moons", "noise": -0.1}, ["'noise'", "-0.1"]),
    ({"generator": "moons", "noise": "high"}, ["'noise'", "number"]),
    ({"generator": "moons", "seed": -1}, ["'seed'"]),
    ({"generator": "circles", "factor": 1.5}, ["'factor'", "1.5"]),
    ({"generator": "spiral", "arms": 1}, ["'arms'"]),
    ({"generator": "polynomial", "coefficients": "x^2"}, ["'coefficients'"]),
    ({"generator": "polynomial", "coefficients": [1, "a"]}, ["Coefficient 1", "'a'"]),
    ({"generator": "sine", "x_min": 1.0, "x_max": 0.0}, ["'x_min'", "'x_max'"]),
])
def test_make_dataset_refuses_bad_recipes_by_name(recipe, words):
    with pytest.raises(DatasetError) as info:
        make_dataset(recipe)
    for word in words:
        assert word in str(info.value)


def test_dataset_error_is_a_value_error():
    with pytest.raises(ValueError):
        make_dataset({"generator": "nope"})


# --- the Dataset itself


def test_dataset_copies_its_inputs_and_checks_them():
    X = np.zeros((3, 2))
    ds = Dataset(X, [[0], [1], [1]], "classification")
    X[0, 0] = 5.0
    assert ds.X[0, 0] == 0.0  # the caller's array is not shared
    assert ds.feature_names == ("x1", "x2") and ds.target_names == ("class 0", "class 1")
    with pytest.raises(DatasetError, match="3 rows of inputs but 2"):
        Dataset(X, [[0], [1]], "classification")
    with pytest.raises(DatasetError, match="0 or 1"):
        Dataset(X, [[0], [2], [1]], "classification")
    with pytest.raises(DatasetError, match="row 2"):
        Dataset([[0.0], [np.nan]], [[1.0], [2.0]], "regression")


def test_labels_and_input_range():
    ds = Dataset([[0.0, 5.0], [10.0, 5.0]], [[0, 1, 0], [0, 0, 1]], "classification")
    assert ds.labels.tolist() == [1, 2] and ds.n_classes == 3
    # 10 % of the span on each side; a constant column gets +-1
    assert ds.input_range() == [(-1.0, 11.0), (4.0, 6.0)]
    regression = make_dataset({"generator": "sine"})
    with pytest.raises(DatasetError, match="regression"):
        regression.labels


def test_subset_keeps_names_and_rows():
    ds = make_dataset({"generator": "xor"})
    part = ds.subset([3, 0])
    assert part.X.tolist() == [[1, 1], [0, 0]] and part.labels.tolist() == [0, 0]
    assert part.feature_names == ds.feature_names and part.task == ds.task
    assert ds.subset(2).X.shape == (1, 2)
    assert ds.subset(ds.labels == 1).n_samples == 2


# --- train/test split


def _numbered(n):
    """A regression dataset whose row i holds the value i, to trace rows."""
    return Dataset(np.arange(n, dtype=float)[:, None], np.zeros((n, 1)), "regression")


def test_split_sizes_disjoint_and_complete():
    train, test = train_test_split(_numbered(200), 0.25, seed=0)
    assert (train.n_samples, test.n_samples) == (150, 50)
    rows_train, rows_test = set(train.X[:, 0]), set(test.X[:, 0])
    assert not rows_train & rows_test
    assert rows_train | rows_test == set(range(200))


def test_split_is_reproducible_and_seeded():
    ds = _numbered(100)
    a, b = train_test_split(ds, 0.3, 4), train_test_split(ds, 0.3, 4)
    c = train_test_split(ds, 0.3, 5)
    assert np.array_equal(a[1].X, b[1].X)
    assert not np.array_equal(a[1].X, c[1].X)


def test_split_fraction_zero_gives_empty_test_set_with_columns():
    ds = make_dataset({"generator": "multiclass", "n": 30})
    train, test = train_test_split(ds, 0.0, 0)
    assert train == ds
    assert test.X.shape == (0, 2) and test.y.shape == (0, 3)
    assert test.labels.shape == (0,) and test.input_range() == [(-1.0, 1.0)] * 2


def test_split_of_four_corners_honours_the_fraction():
    train, test = train_test_split(make_dataset({"generator": "xor"}), 0.25, 1)
    assert (train.n_samples, test.n_samples) == (3, 1)
    # never leaves nothing to train on
    train, test = train_test_split(make_dataset({"generator": "xor", "n": 1}), 0.9, 1)
    assert train.n_samples == 1


@pytest.mark.parametrize("fraction", [-0.1, 0.95, "half", None])
def test_split_refuses_bad_fractions(fraction):
    with pytest.raises(DatasetError, match="test fraction"):
        train_test_split(_numbered(10), fraction, 0)


# --- evaluation grid


def test_grid_one_input():
    grid = evaluation_grid([(-1.0, 1.0)], 5)
    assert grid.shape == (5, 1)
    assert grid[:, 0].tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]


def test_grid_two_inputs_rows_are_x2_columns_are_x1():
    grid = evaluation_grid([(0.0, 1.0), (10.0, 30.0)], 3)
    assert grid.shape == (9, 2)
    image = grid.reshape(3, 3, 2)
    assert image[0, 2].tolist() == [1.0, 10.0]   # row j=0 (x2 low), column i=2 (x1 high)
    assert image[2, 0].tolist() == [0.0, 30.0]
    assert grid[:3, 1].tolist() == [10.0, 10.0, 10.0]  # x1 varies fastest


@pytest.mark.parametrize("ranges, n, words", [
    ([(0, 1)] * 3, 10, "one or two inputs"),
    ([], 10, "one or two inputs"),
    ([(1, 0)], 10, "input 1"),
    ([(0, 1)], 1, "grid size"),
])
def test_grid_refuses_what_cannot_be_drawn(ranges, n, words):
    with pytest.raises(DatasetError, match=words):
        evaluation_grid(ranges, n)


# --- CSV import


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_with_header_binary_target_by_name(tmp_path):
    path = _write(tmp_path, "x1,label,x2\n0.5,3,1\n1.5,7,2\n2.5,3,3\n")
    ds = load_csv(path, target_column="label")
    assert ds.task == "classification" and ds.name == "data"
    assert ds.feature_names == ("x1", "x2")
    assert ds.X.tolist() == [[0.5, 1], [1.5, 2], [2.5, 3]]
    assert ds.y.tolist() == [[0], [1], [0]]  # smaller value is class 0
    assert ds.target_names == ("class 3", "class 7")


def test_csv_without_header_multiclass_target_by_index(tmp_path):
    path = _write(tmp_path, "2,0.1,0.2\n\n0,0.3,0.4\n1,0.5,0.6\n2,0.7,0.8\n")
    ds = load_csv(path, target_column=0)
    assert ds.feature_names == ("x1", "x2")
    assert ds.y.shape == (4, 3) and ds.labels.tolist() == [2, 0, 1, 2]
    assert ds.target_names == ("class 0", "class 1", "class 2")


def test_csv_regression_guessed_and_forced(tmp_path):
    path = _write(tmp_path, "x;y\n0;0.5\n1;1.25\n2;2\n")
    ds = load_csv(path)
    assert ds.task == "regression" and ds.target_names == ("y",)
    assert ds.y[:, 0].tolist() == [0.5, 1.25, 2.0]
    whole = _write(tmp_path, "x,y\n0,1\n1,2\n2,3\n", "whole.csv")
    assert load_csv(whole).task == "classification"
    assert load_csv(whole, task="regression").y[:, 0].tolist() == [1, 2, 3]


def test_csv_saved_by_a_spreadsheet_with_bom_and_crlf(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffheight,weight,sex\r\n1.7,60,1\r\n1.8,80,0\r\n".encode("utf-8"))
    ds = load_csv(path, target_column="sex")
    assert ds.feature_names == ("height", "weight")
    assert ds.y.tolist() == [[1], [0]]


def test_csv_negative_index_and_tabs(tmp_path):
    path = _write(tmp_path, "1\t0\t5\n2\t1\t6\n")
    ds = load_csv(path, target_column=-2)
    assert ds.X.tolist() == [[1, 5], [2, 6]] and ds.y.tolist() == [[0], [1]]


@pytest.mark.parametrize("text, kwargs, words", [
    ("x1,x2,y\n1,2,0\n1,2,1\n1,2,0\n1,2,1\n1,2,0\n3,abc,1\n", {},
     ["line 7, column 'x2': 'abc' is not a number"]),
    ("1,2,0\n4,5\n", {}, ["line 2", "2 values", "3 columns"]),
    ("x,y\n1,0\n2,nan\n", {}, ["line 3", "column 'y'", "'nan'"]),
    ("x,y\n1,0\ninf,1\n", {}, ["line 3", "column 'x'", "'inf'"]),
    ("x,y\n1,\n", {}, ["line 2", "column 'y'", "missing"]),
    ('x,y\n"1,5",2\n', {}, ["line 2", "column 'x'", "use a point"]),
    ("x,y\n1,0\n2,1\n", {"target_column": "label"}, ["'label'", "'x', 'y'"]),
    ("1,0\n2,1\n", {"target_column": "label"}, ["no header", "'label'"]),
    ("1,0\n2,1\n", {"target_column": 2}, ["position 2", "2 columns"]),
    ("x,y\n", {}, ["header", "no rows"]),
    ("\n\n", {}, ["empty"]),
    ("", {}, ["empty"]),
    ("1\n2\n", {}, ["one column"]),
    ("x,y\n1,4\n2,4\n", {"task": "classification"}, ["only one value", "4"]),
    ("x,y\n1,0\n2,1\n3,0\n", {"max_rows": 2}, ["more than 2"]),
    ("x,y\n1,0\n", {"task": "clustering"}, ["'clustering'"]),
])
def test_csv_problems_are_named_with_line_and_column(tmp_path, text, kwargs, words):
    path = _write(tmp_path, text)
    with pytest.raises(DatasetError) as info:
        load_csv(path, **kwargs)
    message = str(info.value)
    for word in words:
        assert word in message


def test_csv_missing_file_and_folder(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        load_csv(tmp_path / "nothere.csv")
    with pytest.raises(DatasetError, match="folder"):
        load_csv(tmp_path)


def test_csv_is_never_executed(tmp_path):
    path = _write(tmp_path, "x,y\n1,0\n__import__('os').system('echo hi'),1\n")
    with pytest.raises(DatasetError, match="line 3.*not a number"):
        load_csv(path)
