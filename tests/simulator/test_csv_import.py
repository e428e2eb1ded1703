"""CSV import reads a line at a time, stops at the first limit, and reads European spreadsheets."""

import os

import pytest

from simulator import csv_import
from simulator.datasets import load_csv
from simulator.errors import DatasetError
from simulator.limits import MAX_LAYER_SIZE


def write(tmp_path, data, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.mark.parametrize("text", [
    "x;y\n0,5;1\n1,5;0\n-2,25;1\n",
    "x\ty\n0,5\t1\n1,5\t0\n-2,25\t1\n",
    '"x";"y"\r\n"0,5";"1"\r\n"1,5";"0"\r\n"-2,25";"1"\r\n',
])
def test_semicolons_or_tabs_with_decimal_commas_are_read(tmp_path, text):
    ds = load_csv(write(tmp_path, text))
    assert ds.X[:, 0].tolist() == [0.5, 1.5, -2.25]
    assert ds.y[:, 0].tolist() == [1, 0, 1] and ds.feature_names == ("x",)


def test_a_spreadsheet_export_from_a_european_locale_loads(tmp_path):
    text = "Höhe;Gewicht;Größe\r\n1,75;72,5;0\r\n1,6;1,2E-3;1\r\n1,82;80;0\r\n"
    ds = load_csv(write(tmp_path, text.encode("cp1252")), target_column="Größe")
    assert ds.feature_names == ("Höhe", "Gewicht")
    assert ds.X.tolist() == [[1.75, 72.5], [1.6, 0.0012], [1.82, 80.0]]


def test_a_comma_file_still_says_how_to_write_a_decimal(tmp_path):
    with pytest.raises(DatasetError, match="line 2, column 'x': '1,5' is not a number .*point"):
        load_csv(write(tmp_path, 'x,y\n"1,5",0\n2,1\n'))


def test_too_many_columns_are_refused_at_the_first_line(tmp_path):
    width = MAX_LAYER_SIZE + 2  # one input too many
    row = ",".join(["1"] * width) + "\n"
    path = write(tmp_path, row + "\0" * 10)  # reading on would find binary data
    with pytest.raises(DatasetError, match=f"line 1 has {width:,} columns; at most {width - 1:,}"):
        load_csv(path)
    assert load_csv(write(tmp_path, (",".join(["1"] * (width - 1)) + "\n") * 2 + "0" + ",0" * (width - 2) + "\n",
                          "ok.csv")).n_inputs == MAX_LAYER_SIZE


def test_reading_stops_at_the_row_limit(tmp_path):
    path = write(tmp_path, "x,y\n" + "1,0\n" * 20 + "\0garbage that is never read\n")
    with pytest.raises(DatasetError, match="more than 10 data rows"):
        load_csv(path, max_rows=10)


def test_blank_lines_count_towards_the_row_limit(tmp_path):
    path = write(tmp_path, "\n" * 50 + "x,y\n1,0\n2,1\n")
    with pytest.raises(DatasetError, match=r"more than 10 rows \(blank lines count too\)"):
        load_csv(path, max_rows=10)
    path = write(tmp_path, "x,y\n1,0\n" + "\n" * 50 + "2,1\n", "middle.csv")
    with pytest.raises(DatasetError, match=r"more than 10 rows \(blank lines count too\)"):
        load_csv(path, max_rows=10)
    assert load_csv(write(tmp_path, "x,y\n1,0\n\n2,1\n", "few.csv"), max_rows=3).n_samples == 2


def test_a_line_longer_than_the_limit_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_CSV_LINE_CHARS", 1000)
    path = write(tmp_path, "x,y\n1,0\n" + "1" * 5000 + ",0\n")
    with pytest.raises(DatasetError, match="line 3 is longer than 1,000 characters"):
        load_csv(path)
    assert load_csv(write(tmp_path, "x,y\n0." + "1" * 985 + ",0\n2,1\n", "ok.csv"), task="regression")


def test_lines_end_as_any_system_writes_them(tmp_path):
    for ending in ("\n", "\r\n", "\r"):
        ds = load_csv(write(tmp_path, ending.join(["x,y", "1,0", "2,1", ""]), "e.csv"))
        assert ds.X[:, 0].tolist() == [1, 2]


def test_a_fifo_or_a_device_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opening it to read would wait for a writer for ever
    for path in (fifo, "/dev/zero"):
        with pytest.raises(DatasetError, match="it is not a regular file"):
            load_csv(path)
