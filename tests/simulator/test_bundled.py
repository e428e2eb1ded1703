"""The bundled data sets (resources/datasets/) and what the CSV reader learned for them:
class names in the target column, several target columns, the error's line as data, a preview."""

import json
from pathlib import Path

import numpy as np
import pytest

from simulator.bundled import bundled, bundled_datasets, datasets_dir, load_bundled
from simulator.csv_import import preview_csv
from simulator.datasets import load_csv
from simulator.errors import DatasetError

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "resources" / "datasets"


def test_the_four_data_sets_are_indexed_and_load_as_the_index_says():
    assert datasets_dir() == FOLDER
    entries = {e.name: e for e in bundled_datasets()}
    assert list(entries) == ["iris", "wine", "breast-cancer", "digits"]
    sizes = {"iris": (150, 4, 3), "wine": (178, 13, 3), "breast-cancer": (569, 30, 2), "digits": (1797, 64, 10)}
    for name, (rows, features, classes) in sizes.items():
        entry, data = entries[name], load_bundled(name)
        assert (data.n_samples, data.n_inputs, data.n_classes) == (rows, features, classes)
        assert (entry.rows, entry.features, len(entry.classes)) == (rows, features, classes)
        assert data.task == entry.task == "classification"
        assert data.target_names == entry.classes
        assert "UCI" in entry.source and "CC BY 4.0" in entry.licence
    assert entries["iris"].classes == ("setosa", "versicolor", "virginica")
    # every class is there, in the numbers the source gives
    assert np.bincount(load_bundled("iris").labels).tolist() == [50, 50, 50]
    assert np.bincount(load_bundled("breast-cancer").labels).tolist() == [357, 212]  # benign, malignant
    digits = load_bundled("digits")
    assert digits.X.min() == 0 and digits.X.max() == 16 and digits.feature_names[9] == "pixel_1_1"


def test_the_readme_names_each_source_and_the_licences():
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    index = json.loads((FOLDER / "datasets.json").read_text(encoding="utf-8"))["datasets"]
    for entry in index:
        assert f"`{entry['file']}`" in text
        assert entry["source"].split("https://")[1].split(";")[0] in text  # the UCI page
    assert "CC BY 4.0" in text and "BSD 3-Clause" in text and "scikit-learn" in text


def test_a_name_that_is_not_bundled_is_refused():
    with pytest.raises(DatasetError, match="no bundled data set called '../README'"):
        bundled("../README")


# ---------------------------------------------------------- the CSV reader
def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_class_names_in_the_target_column_are_kept_sorted(tmp_path):
    path = _write(tmp_path, "a,b,kind\n1,2,dog\n3,4,cat\n5,6,dog\n")
    data = load_csv(path, target_column="kind")
    assert data.task == "classification" and data.target_names == ("cat", "dog")
    assert data.y.tolist() == [[1], [0], [1]] and data.X.tolist() == [[1, 2], [3, 4], [5, 6]]


def test_class_names_cannot_be_a_regression_target_and_the_error_says_where(tmp_path):
    path = _write(tmp_path, "a,kind\n1,2\n3,cat\n")
    with pytest.raises(DatasetError, match="line 3, column 'kind': 'cat' is not a number") as error:
        load_csv(path, task="regression")
    assert (error.value.line, error.value.column) == (3, 1)


def test_an_input_column_must_still_be_numbers(tmp_path):
    path = _write(tmp_path, "a,b,kind\n1,2,dog\n\n3,x,cat\n")
    with pytest.raises(DatasetError, match="line 4, column 'b': 'x' is not a number") as error:
        load_csv(path, target_column="kind")
    assert (error.value.line, error.value.column) == (4, 1)


def test_several_target_columns_are_a_regression(tmp_path):
    path = _write(tmp_path, "x,u,v\n1,2,3\n4,5,6\n")
    data = load_csv(path, target_column=["u", "v"])
    assert data.task == "regression" and data.target_names == ("u", "v")
    assert data.y.tolist() == [[2, 3], [5, 6]] and data.X.tolist() == [[1], [4]]
    with pytest.raises(DatasetError, match="one column"):
        load_csv(path, target_column=["u", "v"], task="classification")
    with pytest.raises(DatasetError, match="at least one must be an input"):
        load_csv(path, target_column=["x", "u", "v"])


@pytest.mark.parametrize("text, line", [
    ("x,y\n1,0\n2,1,5\n", 3),
    ("x,y\n1,0\n\n2,\n", 4),
    ("1\n", 1),
])
def test_the_line_of_a_problem_travels_as_data(tmp_path, text, line):
    with pytest.raises(DatasetError) as error:
        load_csv(_write(tmp_path, text))
    assert error.value.line == line and f"line {line}" in str(error.value)


def test_a_preview_shows_the_first_rows_as_text_with_their_lines(tmp_path):
    path = _write(tmp_path, "\nx;y;name\n0,5;1;a\n\n2;bad;b\n3;4;c\n")
    preview = preview_csv(path, n_rows=2)
    assert preview.header == ("x", "y", "name")
    assert preview.rows == (("0,5", "1", "a"), ("2", "bad", "b"))  # as written, even what will not load
    assert preview.lines == (3, 5)
    assert preview_csv(_write(tmp_path, "", "empty.csv")).rows == ()


def test_a_class_name_longer_than_a_name_may_be_is_refused_at_its_line(tmp_path):
    path = _write(tmp_path, "a,kind\n1,cat\n2," + "x" * 201 + "\n")
    with pytest.raises(DatasetError, match="line 3, column 'kind': the class name is 201 characters") as error:
        load_csv(path)
    assert error.value.line == 3
