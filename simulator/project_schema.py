"""Checking the parts of a project file: the network, settings, data, layout
and lesson, each from its JSON value (the value checks are in json_checks.py).

Everything here raises :class:`ProjectFileError` naming the exact path of the
first bad value, e.g. ``network.edges[1].weights[0][2]: NaN is not allowed``.
Sizes and row counts are checked before any array is allocated, so a file
that claims a huge layer is refused without trying to build it.
"""

import numpy as np

from .activations import ACTIVATION_NAMES
from .datasets import TASKS, Dataset
from .generators import make_dataset
from .json_checks import (NonFinite, bool_matrix, check_keys, fail, json_copy, key_path, number, number_matrix,
                          number_vector, rows_of, show, text, whole)
from .errors import EditError, SimulatorError
from .limits import (MAX_LAYER_SIZE, MAX_LAYERS, MAX_LAYOUT_TEXT, MAX_LAYOUT_VALUES, MAX_NAME_CHARS,
                     MAX_PARAMETERS, MAX_SAMPLES, MAX_SEED, MAX_STEPS, MAX_TEST_FRACTION)
from .network import Block, Network
from .network_rules import activation_reason
from .settings import TrainingSettings


# ------------------------------------------------------------------ network
def network_from_dict(data, path="network"):
    """Build a Network from its JSON form, checking every value.

    The network is assembled directly (not edit by edit), so loading costs
    one pass over the weights; its training plan is built on first use.
    """
    check_keys(data, path, ("layers", "edges"))
    sizes, activations, biases = _layers(data["layers"], key_path(path, "layers"))
    blocks = _edges(data["edges"], key_path(path, "edges"), sizes)
    try:
        return Network.from_arrays(sizes, activations, blocks, biases)
    except EditError as exc:  # every rule it checks was checked above
        fail(path, str(exc))


def _layers(value, path):
    if not isinstance(value, list):
        fail(path, f"must be a list of layers, not {show(value)}")
    if not 2 <= len(value) <= MAX_LAYERS:
        fail(path, f"a network needs 2 to {MAX_LAYERS} layers (inputs first, outputs last), "
                   f"not {len(value)}")
    sizes, activations, biases = [], [], []
    last = len(value) - 1
    for k, layer in enumerate(value):
        where = f"{path}[{k}]"
        if k == 0:
            if isinstance(layer, dict) and ("activation" in layer or "bias" in layer):
                key = "activation" if "activation" in layer else "bias"
                fail(key_path(where, key), "the input layer has no activation or bias: "
                                           "it passes the data on unchanged")
            check_keys(layer, where, ("size",), what="a layer object")
        else:
            check_keys(layer, where, ("size", "activation"), ("bias",), what="a layer object")
        size = whole(layer["size"], key_path(where, "size"), 1, MAX_LAYER_SIZE,
                     "a whole number of neurons")
        sizes.append(size)
        if k == 0:
            continue
        name = layer["activation"]
        if not isinstance(name, str) or name not in ACTIVATION_NAMES:
            fail(key_path(where, "activation"),
                 f"unknown activation {show(name)} (known: {', '.join(ACTIVATION_NAMES)})")
        reason = activation_reason(name, output=k == last)  # the model's rule, as an edit meets it
        if reason is not None:
            fail(key_path(where, "activation"), reason)
        activations.append(name)
        if "bias" in layer:
            biases.append(number_vector(layer["bias"], key_path(where, "bias"), size,
                                        f"one per neuron of layer {k}"))
        else:
            biases.append(np.zeros(size))
    return sizes, activations, biases


def _edges(value, path, sizes):
    n = len(sizes)
    if not isinstance(value, list):
        fail(path, f"must be a list of edge blocks, not {show(value)}")
    pairs = n * (n - 1) // 2
    if len(value) > pairs:
        fail(path, f"{len(value)} edge blocks, but a network of {n} layers has only "
                   f"{pairs} pairs of layers")
    seen, masks, stored = {}, [], 0
    for e, edge in enumerate(value):
        where = f"{path}[{e}]"
        check_keys(edge, where, ("from", "to", "weights"), ("mask",), what="an edge block object")
        src = whole(edge["from"], key_path(where, "from"), 0, n - 1, "a layer number")
        dst = whole(edge["to"], key_path(where, "to"), 0, n - 1, "a layer number")
        if dst == 0:
            fail(key_path(where, "to"), "nothing can connect into the input layer (layer 0): "
                                        "it only holds the data")
        if src >= dst:
            fail(where, f"edges run forwards, from a layer to a later one; this block runs "
                        f"from layer {src} to layer {dst}")
        if (src, dst) in seen:
            fail(where, f"a second block from layer {src} to layer {dst} "
                        f"({path}[{seen[(src, dst)]}] is the first)")
        seen[(src, dst)] = e
        # a block is stored whole, however many of its edges the mask keeps (network_rules.py)
        stored += sizes[src] * sizes[dst]
    total = stored + sum(sizes[1:])
    if total > MAX_PARAMETERS:
        fail(path, f"the network would store {total:,} parameters (every slot of its edge blocks, "
                   f"masked or not, and the biases); the limit is {MAX_PARAMETERS:,}")
    for (src, dst), e in seen.items():
        mask, edge = None, value[e]
        if "mask" in edge:
            mask_path = key_path(f"{path}[{e}]", "mask")
            rows_of(edge["mask"], mask_path, sizes[src], sizes[dst],
                    f"the size of layer {src}", f"the size of layer {dst}")
            mask = bool_matrix(edge["mask"], mask_path)
            if not mask.any():
                fail(mask_path, "every edge of this block is masked out: leave the block out instead")
        masks.append((src, dst, mask))
    blocks = {}
    for (src, dst, mask), edge, e in zip(masks, value, range(len(value))):
        where = key_path(f"{path}[{e}]", "weights")
        rows_of(edge["weights"], where, sizes[src], sizes[dst],
                f"the size of layer {src}", f"the size of layer {dst}")
        weights = number_matrix(edge["weights"], where)
        if mask is None:
            mask = np.ones(weights.shape, dtype=bool)
        elif (weights[~mask] != 0).any():
            r, c = np.argwhere((weights != 0) & ~mask)[0]
            fail(f"{where}[{r}][{c}]", f"the mask removes this edge, so its weight must be 0, "
                                       f"not {show(edge['weights'][r][c])}")
        blocks[(src, dst)] = Block(weights, mask)
    return dict(sorted(blocks.items()))


def network_to_dict(network):
    """The JSON form of a network: layers with biases, then edge blocks by (from, to)."""
    layers = [{"size": int(network.sizes[0])}]
    for layer in network.layers[1:]:
        layers.append({"size": int(layer.size), "activation": layer.activation,
                       "bias": layer.bias.tolist()})
    edges = []
    for (src, dst), block in sorted(network.blocks.items()):
        edge = {"from": int(src), "to": int(dst),
                "weights": np.where(block.mask, block.weights, 0.0).tolist()}
        if not block.full:
            edge["mask"] = block.mask.tolist()
        edges.append(edge)
    return {"layers": layers, "edges": edges}


# ----------------------------------------------------------------- settings
_SETTING_KINDS = {f: type(v) for f, v in TrainingSettings().to_dict().items()}


def settings_from_dict(value, path):
    """TrainingSettings from the ``training`` object.

    Whether the loss suits the output layer is not checked here: a project
    being built may be saved half-way (see ``Project.problems``)."""
    check_keys(value, path, optional=tuple(_SETTING_KINDS), what="an object of settings")
    for name, item in value.items():
        if isinstance(item, NonFinite) or _SETTING_KINDS[name] is float:
            number(item, key_path(path, name))
    try:
        settings = TrainingSettings.from_dict(dict(value))
    except SimulatorError as exc:
        if exc.field in _SETTING_KINDS:
            fail(key_path(path, exc.field), exc.reason)
        fail(path, str(exc))
    return settings


# --------------------------------------------------------------------- data
def build_dataset(data, path="data"):
    """The full Dataset that ``data`` describes (before the train/test split)."""
    check_keys(data, path, optional=("recipe", "inline", "test_fraction", "split_seed", "test_rows"),
               what="an object")
    if ("recipe" in data) == ("inline" in data):
        fail(path, "needs exactly one of 'recipe' (a generated dataset) or 'inline' (the points)")
    if "test_fraction" in data:
        number(data["test_fraction"], key_path(path, "test_fraction"), 0.0, MAX_TEST_FRACTION)
    if "split_seed" in data:
        whole(data["split_seed"], key_path(path, "split_seed"), 0, MAX_SEED)
    if "test_rows" in data and "inline" not in data:
        fail(key_path(path, "test_rows"), "names rows of inline points, so it needs 'inline', not 'recipe'")
    if "recipe" in data:
        where = key_path(path, "recipe")
        if not isinstance(data["recipe"], dict):
            fail(where, f"must be an object of dataset settings {{...}}, not {show(data['recipe'])}")
        recipe = json_copy(data["recipe"], where)
        try:
            return make_dataset(recipe)
        except (SimulatorError, TypeError, ArithmeticError) as exc:
            fail(where, str(exc))
    dataset = _inline(data["inline"], key_path(path, "inline"))
    if "test_rows" in data:
        _test_rows(data["test_rows"], key_path(path, "test_rows"), dataset.n_samples)
    return dataset


def split_settings(data):
    return data.get("test_fraction", 0.0), data.get("split_seed", 0)


def given_test_rows(data):
    """The rows ``data`` names as its test set (``test_rows``), or None when the split is
    random (``test_fraction`` given, or no ``test_rows``)."""
    if "test_rows" in data and "test_fraction" not in data:
        return data["test_rows"]
    return None


def _test_rows(rows, path, n):
    if not isinstance(rows, list):
        fail(path, f"must be a list of row numbers of the inline points, not {show(rows)}")
    if len(rows) >= n:
        fail(path, f"names {len(rows):,} test rows of {n:,} points: at least one must be left for training")
    for i, row in enumerate(rows):
        whole(row, f"{path}[{i}]", 0, n - 1, "a row number")
    if len(set(rows)) != len(rows):
        fail(path, "names a row more than once")


def _inline(value, path):
    check_keys(value, path, ("X", "y", "task"), ("feature_names", "target_names", "name"))
    task = value["task"]
    if not isinstance(task, str) or task not in TASKS:
        fail(key_path(path, "task"), f"unknown task {show(task)} (known: {', '.join(TASKS)})")
    X, y = value["X"], value["y"]
    x_path, y_path = key_path(path, "X"), key_path(path, "y")
    if not isinstance(X, list) or not X:
        fail(x_path, f"must be a list of rows of inputs, one per sample, not {show(X)}")
    if len(X) > MAX_SAMPLES:
        fail(x_path, f"{len(X):,} samples; at most {MAX_SAMPLES:,} can be used")
    n_in = _width(X[0], f"{x_path}[0]")
    rows_of(X, x_path, len(X), n_in, "one per sample", f"as many as {x_path}[0]")
    n_out = _width(y[0] if isinstance(y, list) and y else None, f"{y_path}[0]")
    rows_of(y, y_path, len(X), n_out, f"one per row of {x_path}", f"as many as {y_path}[0]")
    X, y = number_matrix(X, x_path), number_matrix(y, y_path)
    if task == "classification":
        _check_classes(y, y_path)
    n_targets = (2 if n_out == 1 else n_out) if task == "classification" else n_out
    features = _names(value, "feature_names", path, n_in, "one per input column")
    targets = _names(value, "target_names", path, n_targets,
                     "one per class" if task == "classification" else "one per target column")
    name = text(value.get("name", "points"), key_path(path, "name"), MAX_NAME_CHARS)
    try:
        return Dataset(X, y, task, name, features, targets)
    except SimulatorError as exc:  # everything it checks was checked above
        fail(path, str(exc))


def _width(row, path):
    if not isinstance(row, list) or not row:
        fail(path, f"must be a non-empty list of numbers, not {show(row)}")
    if len(row) > MAX_LAYER_SIZE:
        fail(path, f"{len(row):,} columns; a layer holds at most {MAX_LAYER_SIZE:,} neurons")
    return len(row)


def _check_classes(y, path):
    bad = np.argwhere((y != 0.0) & (y != 1.0))
    if len(bad):
        r, c = bad[0]
        fail(f"{path}[{r}][{c}]", f"a class target must be 0 or 1, not {y[r, c]:g}")
    if y.shape[1] > 1:
        wrong = np.flatnonzero(y.sum(axis=1) != 1.0)
        if len(wrong):
            fail(f"{path}[{wrong[0]}]", "a one-hot row needs exactly one 1 (the sample's class)")


def _names(value, key, path, n, note):
    if key not in value:
        return ()
    where = key_path(path, key)
    names = value[key]
    if not isinstance(names, list):
        fail(where, f"must be a list of names, not {show(names)}")
    if len(names) != n:
        fail(where, f"expected {n} names ({note}), found {len(names)}")
    return tuple(text(name, f"{where}[{i}]", MAX_NAME_CHARS) for i, name in enumerate(names))


# ------------------------------------------------------------------- layout
POSITIONS_KEY = "positions"


def layout_from_dict(value, path, sizes):
    """The layout object, checked and copied.

    ``positions``, if present, holds at most one ``[layer, index, x, y]`` per
    neuron of a network of layer ``sizes``; everything else is plain JSON of
    at most ``MAX_LAYOUT_VALUES`` values and ``MAX_LAYOUT_TEXT`` characters.
    Both are checked by counting before anything is copied.
    """
    if not isinstance(value, dict):
        fail(path, f"must be a JSON object {{...}}, not {show(value)}")
    rest = {key: item for key, item in value.items() if key != POSITIONS_KEY}
    _check_small(rest, path)
    out = json_copy(rest, path)
    if POSITIONS_KEY in value:
        out[POSITIONS_KEY] = _positions(value[POSITIONS_KEY], key_path(path, POSITIONS_KEY), sizes)
    return {key: out[key] for key in value}  # in the file's order


def _check_small(value, path):
    """Count the values and characters in ``value``, stopping as soon as either passes its limit."""
    values, chars, stack = 1, 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            chars += len(item)
            children = ()
        elif isinstance(item, dict):
            values += 2 * len(item)  # keys and values
            children = () if values > MAX_LAYOUT_VALUES else [*item, *item.values()]
        elif isinstance(item, list):
            values += len(item)
            children = item
        else:
            children = ()
        if values > MAX_LAYOUT_VALUES or chars > MAX_LAYOUT_TEXT:
            what = (f"{MAX_LAYOUT_VALUES:,} values" if values > MAX_LAYOUT_VALUES
                    else f"{MAX_LAYOUT_TEXT:,} characters of text")
            fail(path, f"holds more than {what} besides its positions; a layout only "
                       "describes how the network is drawn")
        stack.extend(child for child in children if isinstance(child, (str, dict, list)))


def _positions(entries, path, sizes):
    if not isinstance(entries, list):
        fail(path, f"must be a list of [layer, index, x, y], not {show(entries)}")
    neurons = sum(sizes)
    if len(entries) > neurons:
        fail(path, f"{len(entries):,} entries, but the network has {neurons:,} neurons; "
                   "at most one entry per neuron")
    out, seen = [], set()
    for i, entry in enumerate(entries):
        where = f"{path}[{i}]"
        if type(entry) is not list or len(entry) != 4:
            fail(where, f"must be [layer, index, x, y], not {show(entry)}")
        layer, index, x, y = entry
        whole(layer, f"{where}[0]", 0, len(sizes) - 1, "a layer number")
        whole(index, f"{where}[1]", 0, sizes[layer] - 1, f"a neuron number of layer {layer}")
        number(x, f"{where}[2]")
        number(y, f"{where}[3]")
        if (layer, index) in seen:
            fail(where, f"a second position for neuron {index} of layer {layer}")
        seen.add((layer, index))
        out.append([layer, index, x, y])
    return out


# ------------------------------------------------------------------- lesson
FINGERPRINT_CHARS = 64  # a SHA-256 in hexadecimal; shorter prefixes are allowed
LESSON_VIEWS = ("loss", "output", "activations", "gradient-flow", "hidden-space", "derivative", "chain-rule",
                "contributions", "loss-shapes", "capacity")
"""The training views a lesson may open on (its ``view``): the Plots dock's tabs."""


TRAINING_SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
"""Steps per second the speed slider offers (and a lesson's ``speed`` may name); beyond them, as fast as possible."""


def lesson_from_dict(value, path="lesson"):
    """The ``lesson`` object: which lesson a project came from, checked.

    ``{"name": text, "fingerprint": hexadecimal text, "steps": whole number,
    "view": text, "init": {"method": text, "scale": number}, "speed": number or null}``;
    ``steps`` (how many training steps the lesson's text speaks of), ``view``
    (the training view it opens on, one of ``LESSON_VIEWS``), ``init`` (how its
    weights are drawn; xavier if absent) and ``speed`` (steps per second it
    trains at, one of ``TRAINING_SPEEDS``, or null: as fast as possible) are
    optional. Returns a new plain dict.
    """
    check_keys(value, path, ("name", "fingerprint"), ("steps", "view", "init", "speed"))
    name = text(value["name"], key_path(path, "name"), MAX_NAME_CHARS)
    if not name:
        fail(key_path(path, "name"), "must not be empty")
    fingerprint = text(value["fingerprint"], key_path(path, "fingerprint"), FINGERPRINT_CHARS)
    if not fingerprint or any(c not in "0123456789abcdef" for c in fingerprint):
        fail(key_path(path, "fingerprint"), f"must be lower-case hexadecimal, not {show(fingerprint)}")
    out = {"name": name, "fingerprint": fingerprint}
    if "steps" in value:
        out["steps"] = whole(value["steps"], key_path(path, "steps"), 1, MAX_STEPS)
    if "view" in value:
        view = text(value["view"], key_path(path, "view"), MAX_NAME_CHARS)
        if view not in LESSON_VIEWS:
            fail(key_path(path, "view"), f"must be one of {', '.join(LESSON_VIEWS)}, not {show(view)}")
        out["view"] = view
    if "init" in value:
        out["init"] = _init_from_dict(value["init"], key_path(path, "init"))
    if "speed" in value:
        speed = value["speed"]
        if speed is not None and (isinstance(speed, bool) or speed not in TRAINING_SPEEDS):
            fail(key_path(path, "speed"), "must be null (as fast as possible) or one of "
                 f"{', '.join(map(str, TRAINING_SPEEDS))} steps per second, not {show(speed)}")
        out["speed"] = None if speed is None else int(speed)
    return out


def _init_from_dict(value, path):
    """``{"method": one of INIT_METHODS, "scale": number > 0}``: how the lesson's weights are drawn."""
    from .network import INIT_METHODS
    if not isinstance(value, dict):
        fail(path, f"must be an object, not {show(value)}")
    check_keys(value, path, ("method",), ("scale",))
    method = value["method"]
    if method not in INIT_METHODS:
        fail(key_path(path, "method"), f"must be one of {', '.join(INIT_METHODS)}, not {show(method)}")
    scale = number(value.get("scale", 1.0), key_path(path, "scale"), 0.0, 1e6)
    if scale <= 0:
        fail(key_path(path, "scale"), f"must be above 0, not {show(scale)}")
    return {"method": method, "scale": float(scale)}
