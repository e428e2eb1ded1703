"""Hostile project files: loading stays linear and bounded, and messages say what is really wrong."""

import codecs
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator import json_text, project_schema
from simulator.errors import ProjectFileError
from simulator.network import Network
from simulator.project_file import Project, load_project, project_from_dict, project_to_dict
from simulator.settings import TrainingSettings

ROOT = Path(__file__).resolve().parents[2]


def small_doc(**parts):
    project = Project(Network([2, 3, 1], seed=0), {"recipe": {"generator": "xor", "n": 8}},
                      TrainingSettings())
    doc = project_to_dict(project)
    doc.update(parts)
    return doc


def write(tmp_path, doc, name="p.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# ------------------------------------------------------------ linear loading
_LOAD_UNDER_A_CPU_LIMIT = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_CPU, (30, 30))
    from simulator.errors import ProjectFileError
    from simulator.project_file import load_project
    try:
        load_project(sys.argv[1])
    except ProjectFileError as exc:
        print(exc)
""")


@pytest.mark.parametrize("body", [
    b'{"title": "' + b'\\"' * 1_000_000,  # unterminated: every later quote once restarted a scan
    b'{"title": "' + b'\\\\"' * 700_000,
    b'{"title": "' + b'a"b' * 700_000,
], ids=["escaped_quotes", "escaped_backslashes", "quotes"])
def test_a_hostile_string_does_not_hang_loading(tmp_path, body):
    # Before, 2 MB of escaped quotes took minutes: a hang, not a slow load.
    # The CPU limit is 30 s; a linear scan needs well under a second.
    path = tmp_path / "hostile.json"
    path.write_bytes(body)
    done = subprocess.run([sys.executable, "-c", _LOAD_UNDER_A_CPU_LIMIT, str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-300:]
    assert done.stdout.count("\n") == 1 and "not valid JSON" in done.stdout


@pytest.mark.parametrize("text, depth, containers, strings", [
    ('{"a": [1, [2, {"b": "[[[{{"}]], "c": "\\"]"}', 4, 4, 5),
    ('"unterminated \\" [[[', 0, 0, 1),
    ('[[[', 3, 3, 0),
    ('{"k": "\\\\"} [', 1, 2, 2),
    ("", 0, 0, 0),
], ids=["brackets_in_strings", "unterminated", "unclosed", "escaped_backslash", "empty"])
def test_the_scan_measures_what_a_parse_would_build(text, depth, containers, strings):
    assert json_text.measure(text.encode()) == (depth, containers, strings)


def test_too_many_lists_and_objects_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(json_text, "MAX_CONTAINERS", 1000)
    doc = small_doc(layout={"x": []})
    containers = json_text.measure(json.dumps(doc).encode())[1]
    doc["layout"]["x"] = [[] for _ in range(1000 - containers)]
    path = write(tmp_path, doc)
    assert load_project(path).layout == doc["layout"]  # exactly at the limit: it loads
    doc["layout"]["x"].append([])
    path = write(tmp_path, doc)
    monkeypatch.setattr(json_text.json, "loads", lambda *a, **k: pytest.fail("parsed anyway"))
    with pytest.raises(ProjectFileError, match="holds 1,001 lists and objects; at most 1,000"):
        load_project(path)


def test_too_many_strings_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(json_text, "MAX_STRINGS", 500)
    doc = small_doc(layout={"names": ["ab"] * 600})
    path = write(tmp_path, doc)
    monkeypatch.setattr(json_text.json, "loads", lambda *a, **k: pytest.fail("parsed anyway"))
    with pytest.raises(ProjectFileError, match="more than 500 strings"):
        load_project(path)


# ------------------------------------------------------------------- layout
def _positions(n):
    return [[layer, index, 10.0 * layer, 5.0 * index]
            for layer, size in enumerate([2, 3, 1]) for index in range(size)][:n]


def test_a_position_for_every_neuron_loads(tmp_path):
    layout = {"positions": _positions(6), "zoom": 1.5}
    assert load_project(write(tmp_path, small_doc(layout=layout))).layout == layout


@pytest.mark.parametrize("positions, message", [
    (_positions(6) + [[2, 0, 1.0, 1.0]], "layout.positions: 7 entries, but the network has 6 neurons"),
    ([[0, 0, 1, 1]] * 5_000_000, "layout.positions: 5,000,000 entries, but the network has 6"),
    ([[1, 2, 1, 1], [1, 2, 3, 3]], "layout.positions[1]: a second position for neuron 2 of layer 1"),
    ([[3, 0, 1, 1]], "layout.positions[0][0]: must be from 0 to 2, not 3"),
    ([[2, 1, 1, 1]], "layout.positions[0][1]: must be from 0 to 0, not 1"),
    ([[1, 0, 1]], "layout.positions[0]: must be [layer, index, x, y], not a list"),
    ([[1, 0, "1", 1]], "layout.positions[0][2]: must be a number, not '1'"),
    ({"1": [0, 0]}, "layout.positions: must be a list of [layer, index, x, y], not an object"),
])
def test_the_layout_holds_at_most_one_position_per_neuron(positions, message):
    with pytest.raises(ProjectFileError) as err:
        project_from_dict(small_doc(layout={"positions": positions}))
    assert str(err.value).startswith(message)


def test_the_rest_of_the_layout_is_small(monkeypatch):
    calls = []
    real = project_schema.json_copy
    huge = small_doc(layout={"blob": [0.5] * 3_000_000})
    monkeypatch.setattr(project_schema, "json_copy", lambda v, p, *a: calls.append(p) or real(v, p, *a))
    with pytest.raises(ProjectFileError, match="layout: holds more than 10,000 values besides its positions"):
        project_from_dict(huge)
    assert "layout" not in calls  # counted, then refused, before any copy
    with pytest.raises(ProjectFileError, match="more than 100,000 characters of text"):
        project_from_dict(small_doc(layout={"notes": ["x" * 60_000, "y" * 60_000]}))
    assert project_from_dict(small_doc(layout={"view": {"zoom": 2, "notes": "z" * 90_000}}))


# ----------------------------------------------------------------- messages
VALID = json.dumps(small_doc())


@pytest.mark.parametrize("raw, encoding", [
    (codecs.BOM_UTF32_LE + VALID.encode("utf-32-le"), "UTF-32"),
    (codecs.BOM_UTF32_BE + VALID.encode("utf-32-be"), "UTF-32"),
    (VALID.encode("utf-32-le"), "UTF-32"),
    (VALID.encode("utf-32-be"), "UTF-32"),
    (codecs.BOM_UTF16_LE + VALID.encode("utf-16-le"), "UTF-16"),
    (VALID.encode("utf-16-be"), "UTF-16"),
], ids=["utf32le_bom", "utf32be_bom", "utf32le", "utf32be", "utf16le_bom", "utf16be"])
def test_a_wide_encoding_is_named_as_it_is(tmp_path, raw, encoding):
    path = tmp_path / "wide.json"
    path.write_bytes(raw)
    with pytest.raises(ProjectFileError, match=f"is saved as {encoding} text; project files are UTF-8"):
        load_project(path)


def test_an_overlong_number_is_named_with_its_place_not_a_python_call(tmp_path):
    path = tmp_path / "long.json"
    text = VALID.replace('"seed": 0', '"seed": ' + "7" * 5000, 1)
    text = text.replace('"title": ""', '"title": "' + "9" * 6000 + '"')  # a long run in text is fine
    path.write_text(text, encoding="utf-8")
    line, column = 1, text.index("7" * 5000) + 1
    with pytest.raises(ProjectFileError) as err:
        load_project(path)
    message = str(err.value)
    assert f"line {line}, column {column}: a number 5,000 digits long" in message
    assert "sys." not in message and "set_int_max_str_digits" not in message
