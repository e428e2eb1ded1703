"""Malformed project files: each is refused with a ProjectFileError that says
where the problem is and what it is, and nothing else ever escapes."""

import copy
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import project_schema
from simulator.errors import ProjectFileError
from simulator.project_file import (
    MAX_FILE_BYTES, Project, load_project, project_from_dict)

ROOT = Path(__file__).resolve().parents[2]


def base():
    """A valid 2-3-1 project with a skip connection and one removed edge."""
    return {
        "format": "backprop-studio-project",
        "version": 1,
        "title": "XOR",
        "description": "Two lines are needed.",
        "network": {
            "layers": [
                {"size": 2},
                {"size": 3, "activation": "tanh", "bias": [0.1, -0.2, 0.0]},
                {"size": 1, "activation": "sigmoid", "bias": [0.05]},
            ],
            "edges": [
                {"from": 0, "to": 1, "weights": [[0.5, 0.0, -0.3], [0.8, 0.4, 0.9]],
                 "mask": [[True, False, True], [True, True, True]]},
                {"from": 0, "to": 2, "weights": [[0.25], [-0.25]]},
                {"from": 1, "to": 2, "weights": [[1.2], [-0.7], [0.6]]},
            ],
        },
        "data": {"recipe": {"generator": "xor", "n": 8, "noise": 0.1, "seed": 7},
                 "test_fraction": 0.25, "split_seed": 1},
        "training": {"loss": "binary_cross_entropy", "optimizer": "adam", "learning_rate": 0.05,
                     "batch_size": 4, "shuffle": True, "seed": 3},
        "layout": {"positions": [[1, 0, 180.0, 40.0]]},
    }


def inline_base():
    doc = base()
    doc["data"] = {"inline": {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]],
                              "task": "classification", "feature_names": ["a", "b"],
                              "target_names": ["off", "on"], "name": "xor"}}
    return doc


def test_the_bases_are_valid():
    assert isinstance(project_from_dict(base()), Project)
    assert isinstance(project_from_dict(inline_base()), Project)


# ---------------------------------------------------------------- the table
def _walk(doc, path):
    """Follow 'a.b[2].c' to (parent, last key)."""
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    for part in parts[:-1]:
        doc = doc[part]
    return doc, parts[-1]


def put(path, value, doc=base):
    def make():
        d = doc()
        parent, key = _walk(d, path)
        parent[key] = value
        return d
    return make


def drop(path, doc=base):
    def make():
        d = doc()
        parent, key = _walk(d, path)
        del parent[key]
        return d
    return make


def edit(function, doc=base):
    def make():
        d = doc()
        function(d)
        return d
    return make


def RAW(text):
    """A value written into the file as the literal ``text`` (e.g. NaN)."""
    return f"@RAW<{text}>@"


def to_text(doc, indent=None):
    return re.sub(r'"@RAW<(.*?)>@"', r"\1", json.dumps(doc, indent=indent))


def _layers(n, size=2):
    return [{"size": size}] + [{"size": size, "activation": "tanh"} for _ in range(n - 2)] + \
        [{"size": 1, "activation": "sigmoid"}]


def _set_output(d, activation):
    d["network"]["layers"][2]["activation"] = activation


CASES = [
    # --- top level
    ("top_list", lambda: [base()], "a project file holds one JSON object {...}; this one holds a list"),
    ("top_number", lambda: 42, "a project file holds one JSON object {...}; this one holds a single value"),
    ("format_missing", drop("format"), "format: not a Backprop Studio project file (the key is missing"),
    ("format_wrong", put("format", "tensorflow-model"), "format: not a Backprop Studio project file"),
    ("format_number", put("format", 1), "format: not a Backprop Studio project file"),
    ("version_7", put("version", 7), "version: this file is version 7; this app reads version 1"),
    ("version_0", put("version", 0), "version: this file is version 0; this app reads version 1"),
    ("version_text", put("version", "1"), "version: must be a whole number, not '1'"),
    ("version_float", put("version", 1.0), "version: must be a whole number, not 1.0"),
    ("version_bool", put("version", True), "version: must be a whole number, not true"),
    ("version_null", put("version", None), "version: must be a whole number, not null"),
    ("version_missing", drop("version"), "version: this required key is missing"),
    ("top_unknown_key", put("foo", 1), "unknown key 'foo'"),
    ("network_missing", drop("network"), "network: this required key is missing"),
    ("data_missing", drop("data"), "data: this required key is missing"),
    ("title_number", put("title", 3), "title: must be text, not 3"),
    ("title_too_long", put("title", "x" * 201), "title: is 201 characters long; at most 200"),
    ("description_list", put("description", ["a"]), "description: must be text, not a list"),
    ("description_too_long", put("description", "x" * 20001), "description: is 20,001 characters long"),
    # --- network object
    ("network_list", put("network", []), "network: must be an object {...}, not a list"),
    ("network_unknown_key", put("network.colour", "red"), "network: unknown key 'colour'"),
    ("layers_missing", drop("network.layers"), "network.layers: this required key is missing"),
    ("edges_missing", drop("network.edges"), "network.edges: this required key is missing"),
    ("layers_object", put("network.layers", {}), "network.layers: must be a list of layers, not an object"),
    ("layers_one", put("network.layers", [{"size": 2}]), "network.layers: a network needs 2 to 32 layers"),
    ("layers_33", edit(lambda d: d["network"].update(layers=_layers(33), edges=[])), "not 33"),
    # --- layers
    ("layer_number", put("network.layers[1]", 3), "network.layers[1]: must be a layer object {...}, not 3"),
    ("layer_unknown_key", put("network.layers[1].colour", "red"), "network.layers[1]: unknown key 'colour'"),
    ("size_missing", drop("network.layers[1].size"), "network.layers[1].size: this required key is missing"),
    ("size_text", put("network.layers[1].size", "3"),
     "network.layers[1].size: must be a whole number of neurons, not '3'"),
    ("size_float", put("network.layers[1].size", 3.0), "network.layers[1].size: must be a whole number"),
    ("size_bool", put("network.layers[0].size", True), "network.layers[0].size: must be a whole number"),
    ("size_zero", put("network.layers[1].size", 0), "network.layers[1].size: must be from 1 to 4096, not 0"),
    ("size_negative", put("network.layers[2].size", -1), "network.layers[2].size: must be from 1 to 4096"),
    ("size_billion", put("network.layers[1].size", 10**9),
     "network.layers[1].size: must be from 1 to 4096, not 1000000000"),
    ("size_huge_int", put("network.layers[1].size", 10**400), "a 401-digit number"),
    ("activation_relu6", put("network.layers[2].activation", "relu6"),
     "network.layers[2].activation: unknown activation 'relu6'"),
    ("activation_number", put("network.layers[1].activation", 3),
     "network.layers[1].activation: unknown activation 3"),
    ("activation_missing", drop("network.layers[1].activation"),
     "network.layers[1].activation: this required key is missing"),
    ("activation_case", put("network.layers[1].activation", "Tanh"), "unknown activation 'Tanh'"),
    ("softmax_hidden", put("network.layers[1].activation", "softmax"),
     "network.layers[1].activation: softmax is only offered on the output layer"),
    ("input_activation", put("network.layers[0].activation", "linear"),
     "network.layers[0].activation: the input layer has no activation or bias"),
    ("input_bias", put("network.layers[0].bias", [0, 0]), "network.layers[0].bias: the input layer has no"),
    ("bias_short", put("network.layers[1].bias", [0.1, 0.2]),
     "network.layers[1].bias: expected 3 values (one per neuron of layer 1), found 2"),
    ("bias_text", put("network.layers[1].bias[2]", "0"), "network.layers[1].bias[2]: must be a number, not '0'"),
    ("bias_bool", put("network.layers[1].bias[0]", False), "network.layers[1].bias[0]: must be a number, not false"),
    ("bias_null", put("network.layers[2].bias[0]", None), "network.layers[2].bias[0]: must be a number, not null"),
    ("bias_not_list", put("network.layers[1].bias", 0.5), "network.layers[1].bias: must be a list of 3 numbers"),
    ("bias_infinity", put("network.layers[1].bias[1]", RAW("Infinity")),
     "network.layers[1].bias[1]: Infinity is not allowed"),
    ("bias_1e400", put("network.layers[2].bias[0]", RAW("-1e400")),
     "network.layers[2].bias[0]: Infinity is not allowed"),
    ("bias_huge_int", put("network.layers[1].bias[0]", 10**320), "bias[0]: a 321-digit number is too large"),
    # --- edges
    ("edges_object", put("network.edges", {}), "network.edges: must be a list of edge blocks"),
    ("edges_too_many", edit(lambda d: d["network"]["edges"].append(d["network"]["edges"][0])),
     "network.edges: 4 edge blocks, but a network of 3 layers has only 3 pairs of layers"),
    ("edge_number", put("network.edges[1]", 7), "network.edges[1]: must be an edge block object"),
    ("edge_unknown_key", put("network.edges[1].bias", []), "network.edges[1]: unknown key 'bias'"),
    ("edge_from_missing", drop("network.edges[0].from"), "network.edges[0].from: this required key is missing"),
    ("edge_weights_missing", drop("network.edges[2].weights"),
     "network.edges[2].weights: this required key is missing"),
    ("edge_from_text", put("network.edges[0].from", "0"), "network.edges[0].from: must be a layer number, not '0'"),
    ("edge_to_bool", put("network.edges[0].to", True), "network.edges[0].to: must be a layer number, not true"),
    ("edge_from_range", put("network.edges[1].from", 5), "network.edges[1].from: must be from 0 to 2, not 5"),
    ("edge_to_negative", put("network.edges[1].to", -1), "network.edges[1].to: must be from 0 to 2, not -1"),
    ("edge_into_input", edit(lambda d: d["network"]["edges"][1].update({"from": 2, "to": 0})),
     "network.edges[1].to: nothing can connect into the input layer"),
    ("edge_backwards", edit(lambda d: d["network"]["edges"][2].update({"from": 2, "to": 1})),
     "network.edges[2]: edges run forwards, from a layer to a later one; this block runs from layer 2 to layer 1"),
    ("edge_same_layer", edit(lambda d: d["network"]["edges"][2].update({"from": 1, "to": 1})),
     "this block runs from layer 1 to layer 1"),
    ("edge_duplicate", edit(lambda d: d["network"]["edges"][2].update({"from": 0, "to": 2})),
     "network.edges[2]: a second block from layer 0 to layer 2 (network.edges[1] is the first)"),
    ("weights_rows", put("network.edges[0].weights", [[0.5, 0, 0], [0.8, 0.4, 0.9], [1, 1, 1]]),
     "network.edges[0].weights: expected 2 rows (the size of layer 0), found 3"),
    ("weights_cols", put("network.edges[0].weights[1]", [0.8, 0.4]),
     "network.edges[0].weights[1]: expected 3 values (the size of layer 1), found 2"),
    ("weights_transposed", put("network.edges[2].weights", [[1.2, -0.7, 0.6]]),
     "network.edges[2].weights: expected 3 rows (the size of layer 1), found 1"),
    ("weights_not_list", put("network.edges[1].weights", "0.25"), "network.edges[1].weights: must be a list of rows"),
    ("weights_row_number", put("network.edges[1].weights[0]", 0.25),
     "network.edges[1].weights[0]: must be a list of 1 values, not 0.25"),
    ("weights_flat", put("network.edges[1].weights", [0.25, -0.25]),
     "network.edges[1].weights[0]: must be a list of 1 values"),
    ("weight_text", put("network.edges[2].weights[1][0]", "-0.7"),
     "network.edges[2].weights[1][0]: must be a number, not '-0.7'"),
    ("weight_bool", put("network.edges[2].weights[0][0]", True),
     "network.edges[2].weights[0][0]: must be a number, not true"),
    ("weight_null", put("network.edges[0].weights[1][2]", None),
     "network.edges[0].weights[1][2]: must be a number, not null"),
    ("weight_nested", put("network.edges[0].weights[1][2]", [1]),
     "network.edges[0].weights[1][2]: must be a number, not a list"),
    ("weight_nan", put("network.edges[1].weights[1][0]", RAW("NaN")),
     "network.edges[1].weights[1][0]: NaN is not allowed"),
    ("weight_minus_infinity", put("network.edges[0].weights[0][2]", RAW("-Infinity")),
     "network.edges[0].weights[0][2]: -Infinity is not allowed"),
    ("weight_1e999", put("network.edges[0].weights[1][2]", RAW("1e999")),
     "network.edges[0].weights[1][2]: Infinity is not allowed"),
    ("weight_huge_int", put("network.edges[0].weights[0][0]", 10**400),
     "network.edges[0].weights[0][0]: a 401-digit number is too large"),
    ("mask_shape", put("network.edges[0].mask", [[True, False, True]]),
     "network.edges[0].mask: expected 2 rows (the size of layer 0), found 1"),
    ("mask_row", put("network.edges[0].mask[1]", [True, True]),
     "network.edges[0].mask[1]: expected 3 values (the size of layer 1), found 2"),
    ("mask_number", put("network.edges[0].mask[0][1]", 0), "network.edges[0].mask[0][1]: must be true or false, not 0"),
    ("mask_text", put("network.edges[0].mask[1][0]", "true"),
     "network.edges[0].mask[1][0]: must be true or false, not 'true'"),
    ("mask_all_false", put("network.edges[1].mask", [[False], [False]]),
     "network.edges[1].mask: every edge of this block is masked out"),
    ("masked_weight", put("network.edges[0].weights[0][1]", 0.7),
     "network.edges[0].weights[0][1]: the mask removes this edge, so its weight must be 0, not 0.7"),
    ("params_10M_edges", edit(lambda d: d["network"].update(
        layers=[{"size": 4096}, {"size": 4096, "activation": "tanh"}, {"size": 4096, "activation": "sigmoid"}],
        edges=[{"from": 0, "to": 1, "weights": []}, {"from": 1, "to": 2, "weights": []}])),
     "network.edges: the network would store 33,562,624 parameters (every slot of its edge blocks, masked or not, "
     "and the biases); the limit is 2,000,000"),
    # --- training
    ("training_list", put("training", []), "training: must be an object of settings {...}, not a list"),
    ("training_unknown", put("training.lr", 0.1), "training: unknown key 'lr'"),
    ("loss_unknown", put("training.loss", "cross"), "training.loss: unknown loss 'cross'"),
    ("loss_number", put("training.loss", 2), "training.loss: unknown loss 2"),
    ("optimizer_unknown", put("training.optimizer", "rmsprop"), "training.optimizer: unknown optimizer 'rmsprop'"),
    ("rule_unknown", put("training.rule", "hebb"), "training.rule: unknown training rule 'hebb'"),
    ("lr_text", put("training.learning_rate", "fast"), "training.learning_rate: must be a number, not 'fast'"),
    ("lr_bool", put("training.learning_rate", True), "training.learning_rate: must be a number, not true"),
    ("lr_zero", put("training.learning_rate", 0), "training.learning_rate: must be greater than 0"),
    ("lr_negative", put("training.learning_rate", -0.1), "training.learning_rate: must not be negative"),
    ("lr_nan", put("training.learning_rate", RAW("NaN")), "training.learning_rate: NaN is not allowed"),
    ("lr_huge", put("training.learning_rate", 10**400), "training.learning_rate: a 401-digit number is too large"),
    ("momentum_one", put("training.momentum", 1.5), "training.momentum: must be below 1"),
    ("epsilon_infinity", put("training.epsilon", RAW("Infinity")), "training.epsilon: Infinity is not allowed"),
    ("batch_float", put("training.batch_size", 2.5), "training.batch_size: must be a whole number"),
    ("batch_negative", put("training.batch_size", -1), "training.batch_size: must be a whole number from 0"),
    ("shuffle_text", put("training.shuffle", "yes"), "training.shuffle: must be true or false, not 'yes'"),
    ("seed_bool", put("training.seed", True), "training.seed: must be a whole number"),
    ("test_every_zero", put("training.test_every", 0), "training.test_every: must be a whole number from 1"),
    # --- data
    ("data_list", put("data", []), "data: must be an object {...}, not a list"),
    ("data_neither", put("data", {}), "data: needs exactly one of 'recipe'"),
    ("data_both", put("data.inline", inline_base()["data"]["inline"]), "data: needs exactly one of 'recipe'"),
    ("data_unknown", put("data.points", []), "data: unknown key 'points'"),
    ("bare_recipe", put("data", {"generator": "xor"}), "data: unknown key 'generator'"),
    ("fraction_high", put("data.test_fraction", 0.95), "data.test_fraction: must be from 0 to 0.9, not 0.95"),
    ("fraction_negative", put("data.test_fraction", -0.1), "data.test_fraction: must be from 0 to 0.9"),
    ("fraction_text", put("data.test_fraction", "0.2"), "data.test_fraction: must be a number, not '0.2'"),
    ("fraction_nan", put("data.test_fraction", RAW("NaN")), "data.test_fraction: NaN is not allowed"),
    ("split_seed_negative", put("data.split_seed", -1), "data.split_seed: must be from 0 to"),
    ("split_seed_float", put("data.split_seed", 1.5), "data.split_seed: must be a whole number, not 1.5"),
    ("recipe_list", put("data.recipe", ["xor"]), "data.recipe: must be an object of dataset settings"),
    ("generator_unknown", put("data.recipe.generator", "xor2"),
     "data.recipe: There is no dataset generator called 'xor2'"),
    ("generator_missing", drop("data.recipe.generator"), "data.recipe: The dataset recipe does not say which"),
    ("generator_number", put("data.recipe.generator", 5), "data.recipe: There is no dataset generator called 5"),
    ("recipe_n_huge", put("data.recipe.n", 10**9), "data.recipe: The dataset setting 'n' must be between"),
    ("recipe_n_giant_int", put("data.recipe.n", 10**400), "data.recipe"),
    ("recipe_unknown_param", put("data.recipe.arms", 3), "data.recipe: The 'xor' dataset has no setting 'arms'"),
    ("recipe_noise_text", put("data.recipe.noise", "lots"), "data.recipe: The dataset setting 'noise' must be a number"),
    ("recipe_noise_nan", put("data.recipe.noise", RAW("NaN")), "data.recipe.noise: NaN is not allowed"),
    # --- inline data
    ("inline_not_object", put("data.inline", [[0, 0]], inline_base), "data.inline: must be an object"),
    ("inline_unknown", put("data.inline.weights", [], inline_base), "data.inline: unknown key 'weights'"),
    ("inline_task_missing", drop("data.inline.task", inline_base), "data.inline.task: this required key is missing"),
    ("inline_task_unknown", put("data.inline.task", "clustering", inline_base),
     "data.inline.task: unknown task 'clustering' (known: classification, regression)"),
    ("inline_X_text", put("data.inline.X", "0,0", inline_base), "data.inline.X: must be a list of rows of inputs"),
    ("inline_X_empty", put("data.inline.X", [], inline_base), "data.inline.X: must be a list of rows of inputs"),
    ("inline_X_ragged", put("data.inline.X[2]", [1, 0, 5], inline_base),
     "data.inline.X[2]: expected 2 values (as many as data.inline.X[0]), found 3"),
    ("inline_X_empty_row", put("data.inline.X[0]", [], inline_base),
     "data.inline.X[0]: must be a non-empty list of numbers"),
    ("inline_X_cell_text", put("data.inline.X[1][1]", "1", inline_base),
     "data.inline.X[1][1]: must be a number, not '1'"),
    ("inline_X_nan", put("data.inline.X[3][0]", RAW("NaN"), inline_base), "data.inline.X[3][0]: NaN is not allowed"),
    ("inline_X_too_many", put("data.inline.X", [[0, 0]] * 100_001, inline_base),
     "data.inline.X: 100,001 samples; at most 100,000"),
    ("inline_X_too_wide", put("data.inline.X", [[0] * 5000] * 4, inline_base),
     "data.inline.X[0]: 5,000 columns; a layer holds at most 4,096"),
    ("inline_y_rows", put("data.inline.y", [[0], [1], [1]], inline_base),
     "data.inline.y: expected 4 rows (one per row of data.inline.X), found 3"),
    ("inline_y_not_rows", put("data.inline.y", [0, 1, 1, 0], inline_base),
     "data.inline.y[0]: must be a non-empty list of numbers, not 0"),
    ("inline_y_infinity", put("data.inline.y[0][0]", RAW("Infinity"), inline_base),
     "data.inline.y[0][0]: Infinity is not allowed"),
    ("inline_class_half", put("data.inline.y[1][0]", 0.5, inline_base),
     "data.inline.y[1][0]: a class target must be 0 or 1, not 0.5"),
    ("inline_one_hot_two", put("data.inline.y", [[1, 0], [0, 1], [1, 1], [0, 1]], inline_base),
     "data.inline.y[2]: a one-hot row needs exactly one 1"),
    ("inline_features_count", put("data.inline.feature_names", ["a"], inline_base),
     "data.inline.feature_names: expected 2 names (one per input column), found 1"),
    ("inline_features_number", put("data.inline.feature_names[1]", 2, inline_base),
     "data.inline.feature_names[1]: must be text, not 2"),
    ("inline_targets_count", put("data.inline.target_names", ["on"], inline_base),
     "data.inline.target_names: expected 2 names (one per class), found 1"),
    ("inline_name_long", put("data.inline.name", "n" * 300, inline_base),
     "data.inline.name: is 300 characters long; at most 200"),
    # --- layout
    ("layout_list", put("layout", [[1, 0, 5, 5]]), "layout: must be a JSON object {...}, not a list"),
    ("layout_text", put("layout", "grid"), "layout: must be a JSON object {...}, not 'grid'"),
    ("layout_nan", put("layout.positions[0][2]", RAW("NaN")), "layout.positions[0][2]: NaN is not allowed"),
    ("layout_infinity", put("layout.zoom", RAW("Infinity")), "layout.zoom: Infinity is not allowed"),
    ("layout_surrogate", put("layout.name", "\ud800"), "layout.name: contains an unpaired surrogate"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("malformed")


@pytest.mark.parametrize("name, make, fragment", CASES, ids=[c[0] for c in CASES])
def test_malformed_field_is_refused_with_its_path(folder, name, make, fragment):
    path = folder / f"{name}.json"
    path.write_text(to_text(make()), encoding="utf-8")
    with pytest.raises(ProjectFileError) as err:
        load_project(path)
    assert fragment in str(err.value)


def test_case_ids_are_distinct():
    names = [c[0] for c in CASES + TEXTS + TRUNCATIONS]
    assert len(set(names)) == len(names)


# ------------------------------------------------------------ text-level cases
VALID_TEXT = to_text(base(), indent=1)

TEXTS = [
    ("empty", b"", "the file is empty"),
    ("blank", b" \n\t\n", "the file is empty"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not UTF-8 text"),
    ("garbage", bytes(range(128, 256)) * 4, "is not UTF-8 text"),
    ("nul_bytes", b"\x00" * 32, "not valid JSON: line 1, column 1"),
    ("utf16", VALID_TEXT.encode("utf-16"), "is saved as UTF-16 text; project files are UTF-8"),
    ("latin1", VALID_TEXT.replace("XOR", "Café").encode("latin-1"), "is not UTF-8 text"),
    ("trailing_comma", b'{"format": "backprop-studio-project",}', "not valid JSON: line 1, column 38"),
    ("single_quotes", b"{'format': 1}", "not valid JSON: line 1, column 2: Expecting property name"),
    ("comment", b'// project\n{"format": 1}', "not valid JSON: line 1, column 1"),
    ("two_documents", (VALID_TEXT + VALID_TEXT).encode(),
     f"not valid JSON: line {VALID_TEXT.count(chr(10)) + 1}, column 2: Extra data"),
    ("python_literal", b'{"format": None}', "not valid JSON: line 1, column 12"),
    ("duplicate_key", VALID_TEXT.replace('"title": "XOR"', '"title": "XOR", "title": "AND"').encode(),
     "the key 'title' appears twice in one object"),
    ("giant_integer", VALID_TEXT.replace('"seed": 3', '"seed": ' + "9" * 5000).encode(), "not valid JSON"),
    ("top_list_text", b"[1, 2]", "a project file holds one JSON object {...}; this one holds a list"),
    ("top_string", b'"backprop-studio-project"', "this one holds a single value"),
    ("nan_literal_alone", b"NaN", "this one holds a single value"),
    ("deep_lists", b"[" * 100_000 + b"]" * 100_000, "nested 100000 levels deep; at most 64"),
    ("deep_objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested 100000 levels deep"),
    ("deep_unclosed", b"[" * 1_000_000, "nested 1000000 levels deep"),
    ("deep_in_layout", VALID_TEXT.replace('"positions": [', '"positions": ' + "[" * 70 + "[")
     .replace("40.0]", "40.0]" + "]" * 70).encode(), "nested 74 levels deep; at most 64"),
    ("brackets_in_strings_are_not_nesting", VALID_TEXT.replace('"XOR"', '"' + "[" * 500 + '"')
     .replace('"version": 1', '"version": 2').encode(), "version: this file is version 2"),
]
TRUNCATIONS = [(f"truncated_at_{n}", VALID_TEXT[:n].encode(), "not valid JSON: line")
               for n in (1, 2, 10, 37, 100, 250, 400, 555, 700, 900, len(VALID_TEXT) - 2)]


@pytest.mark.parametrize("name, raw, fragment", TEXTS + TRUNCATIONS, ids=[c[0] for c in TEXTS + TRUNCATIONS])
def test_malformed_text_is_refused(folder, name, raw, fragment):
    path = folder / f"{name}.txt"
    path.write_bytes(raw)
    with pytest.raises(ProjectFileError) as err:
        load_project(path)
    assert fragment in str(err.value)


def test_there_are_at_least_a_hundred_malformed_files():
    assert len(CASES) + len(TEXTS) + len(TRUNCATIONS) >= 100


@pytest.mark.parametrize("limit, ok", [(15, True), (14, False)])
def test_the_parameter_limit_counts_every_slot_a_block_stores(monkeypatch, limit, ok):
    # 4 biases + all 6 cells of block 0->1 (5 kept by the mask) + 2 + 3 = 15 stored parameters
    monkeypatch.setattr(project_schema, "MAX_PARAMETERS", limit)
    if ok:
        network = project_from_dict(base()).network
        assert network.stored_parameter_count == 15 and network.parameter_count == 14
    else:
        with pytest.raises(ProjectFileError, match="network.edges: the network would store 15 parameters"):
            project_from_dict(base())


def test_missing_file_folder_and_device(tmp_path):
    with pytest.raises(ProjectFileError, match="there is no such file"):
        load_project(tmp_path / "absent.json")
    with pytest.raises(ProjectFileError, match="it is a folder, not a project file"):
        load_project(tmp_path)
    if os.path.exists("/dev/zero"):
        with pytest.raises(ProjectFileError, match="it is not a regular file"):
            load_project("/dev/zero")
    with pytest.raises(ProjectFileError, match="is not a file name"):
        load_project(3.5)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk space
    read = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: read.append(a) or real_open(*a, **k))
    with pytest.raises(ProjectFileError, match="is 64.0 MB; project files are limited to 64 MB"):
        load_project(path)
    assert not read


class _Exploit:
    marker = None

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_a_pickle_is_rejected_and_never_run(tmp_path, protocol):
    marker = tmp_path / "pwned"
    _Exploit.marker = marker
    payload = pickle.dumps(_Exploit(), protocol=protocol)
    path = tmp_path / "evil.json"
    path.write_bytes(payload)
    with pytest.raises(ProjectFileError) as err:
        load_project(path)
    assert "not UTF-8" in str(err.value) or "not valid JSON" in str(err.value)
    assert not marker.exists()
    # the same payload wrapped as a JSON string is just text in the layout
    doc = base()
    doc["layout"]["blob"] = payload.decode("latin-1")
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert load_project(path).layout["blob"] == payload.decode("latin-1")
    assert not marker.exists()


# -------------------------------------------------------------- random mutation
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.integers(-3, 5)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8)
    | st.sampled_from(["tanh", "softmax", "xor", "spiral", "l2", "adam", "regression", "", "linear"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=8)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _mutate(doc, path, action, value):
    if not path:
        return value if action == "replace" else doc
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "add" and isinstance(parent, dict):
        parent[f"{key}_extra"] = value
    else:
        parent[key] = value
    return doc


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_mutations_give_a_project_or_a_project_file_error(data):
    doc = data.draw(st.sampled_from([base, inline_base]))()
    paths = list(_paths(doc))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        try:
            doc = _mutate(doc, path, action, data.draw(JSON_VALUES))
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation removed this path
        paths = list(_paths(doc)) if isinstance(doc, (dict, list)) else [()]
    try:
        result = project_from_dict(copy.deepcopy(doc))
    except ProjectFileError as err:
        assert str(err) and "\n" not in str(err)
    else:
        assert isinstance(result, Project)
        result.network.plan()


def _edit_bytes(data, raw):
    raw = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        how = data.draw(st.sampled_from(["set", "delete", "insert", "repeat"]))
        byte = data.draw(st.sampled_from(list(b'{}[]",:0123456789.eE-+ \\tnulfasNIy') + [0, 0xFF]))
        if how == "set":
            raw[i] = byte
        elif how == "delete":
            del raw[i]
        elif how == "insert":
            raw.insert(i, byte)
        else:  # a run of one byte: deep brackets, long numbers, runs of escapes
            raw[i:i] = bytes([byte]) * data.draw(st.sampled_from([70, 5000, 100_000]))
    return bytes(raw)


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_random_byte_edits_give_a_project_or_a_project_file_error(data, tmp_path_factory):
    path = tmp_path_factory.getbasetemp() / "edited.json"
    path.write_bytes(_edit_bytes(data, VALID_TEXT.encode()))
    try:
        result = load_project(path)
    except ProjectFileError as err:
        assert str(err) and "\n" not in str(err)
    else:
        assert isinstance(result, Project)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_validate_on_a_mutated_file_exits_0_or_2_with_one_line(data, tmp_path_factory):
    path = tmp_path_factory.getbasetemp() / "mutated.json"
    path.write_bytes(_edit_bytes(data, VALID_TEXT.encode()))
    done = subprocess.run([sys.executable, "-m", "simulator", "validate", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode in (0, 2), out
    assert out.count("\n") == 1 and "Traceback" not in out and "unexpected" not in out, out
