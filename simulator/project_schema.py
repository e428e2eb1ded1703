"""Checking the parts of a project file, value by value.

Everything here works on plain JSON values (dict, list, str, int, float,
bool, None) and raises :class:`ProjectFileError` naming the exact path of the
first bad value, e.g. ``network.edges[1].weights[0][2]: NaN is not allowed``.
Sizes and row counts are checked before any array is allocated, so a file
that claims a huge layer is refused without trying to build it.

A NaN or Infinity literal in the file's text arrives here as a
:class:`NonFinite` marker (the JSON reader never turns it into a float), so
the message can say where it was.
"""

import math

import numpy as np

from .activations import ACTIVATION_NAMES
from .datasets import TASKS, Dataset, make_dataset
from .errors import EditError, ProjectFileError, SimulatorError
from .limits import (MAX_LAYER_SIZE, MAX_LAYERS, MAX_LAYOUT_TEXT, MAX_LAYOUT_VALUES, MAX_NAME_CHARS, MAX_NESTING,
                     MAX_PARAMETERS, MAX_SAMPLES, MAX_SEED, MAX_STEPS, MAX_TEST_FRACTION)
from .network import Block, Network
from .network_rules import activation_reason
from .settings import TrainingSettings

_NUMBER_TYPES = {int, float}


class NonFinite:
    """Stands for a ``NaN``, ``Infinity`` or ``-Infinity`` literal read from a file."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def fail(path, message):
    raise ProjectFileError(message, path)


def key_path(path, key):
    return f"{path}.{key}" if path else key


def show(value):
    """A value as a person reading the JSON file would recognise it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and abs(value) > 10**15:
        try:
            return f"a {len(str(abs(value)))}-digit number"
        except ValueError:  # too long for str(); the count is then approximate
            return f"a {int(abs(value).bit_length() * math.log10(2)) + 1}-digit number"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ------------------------------------------------------------------ scalars
def check_keys(value, path, required=(), optional=(), what="an object"):
    """Check that ``value`` is a JSON object with exactly the allowed keys."""
    if not isinstance(value, dict):
        fail(path, f"must be {what} {{...}}, not {show(value)}")
    allowed = tuple(required) + tuple(optional)
    for key in value:
        if key not in allowed:
            fail(path, f"unknown key {show(key)} (allowed: {', '.join(allowed)})")
    for key in required:
        if key not in value:
            fail(key_path(path, key), "this required key is missing")
    return value


def number(value, path, lo=-math.inf, hi=math.inf):
    """A finite JSON number (not true/false), returned unchanged."""
    if isinstance(value, NonFinite):
        fail(path, f"{value.text} is not allowed: numbers must be finite")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(path, f"must be a number, not {show(value)}")
    if isinstance(value, int):
        try:
            float(value)
        except OverflowError:
            fail(path, f"{show(value)} is too large for a number")
    if value != value:
        fail(path, "NaN is not allowed: numbers must be finite")
    if value in (math.inf, -math.inf):
        fail(path, "Infinity is not allowed: numbers must be finite")
    if not lo <= value <= hi:
        fail(path, f"must be from {lo:g} to {hi:g}, not {show(value)}")
    return value


def whole(value, path, lo, hi, what="a whole number"):
    if isinstance(value, NonFinite):
        fail(path, f"{value.text} is not allowed: it must be {what}")
    if isinstance(value, bool) or not isinstance(value, int):
        fail(path, f"must be {what}, not {show(value)}")
    if not lo <= value <= hi:
        fail(path, f"must be from {lo} to {hi}, not {show(value)}")
    return value


def text(value, path, max_chars):
    if not isinstance(value, str):
        fail(path, f"must be text, not {show(value)}")
    if len(value) > max_chars:
        fail(path, f"is {len(value):,} characters long; at most {max_chars:,} are allowed")
    _check_encodable(value, path)
    return value


def _check_encodable(value, path):
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        fail(path, f"contains an unpaired surrogate {value[exc.start]!r}, which is not valid text")


def json_copy(value, path, depth=0):
    """A deep copy of a JSON value, refusing anything JSON cannot hold exactly.

    Used for the parts of a file the simulator does not interpret (the
    layout, the data recipe): they must still be plain, finite JSON so they
    save and load unchanged. The path of a bad value is only worked out once
    one is found, so a large value costs one quick pass.
    """
    try:
        return _copy(value, depth)
    except _Bad as bad:
        for step in reversed(bad.steps):
            path = f"{path}[{step}]" if isinstance(step, int) else key_path(path, step)
        fail(path, bad.message)


class _Bad(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message, self.steps = message, []


def _copy(value, depth):
    if depth > MAX_NESTING:
        raise _Bad(f"is nested more than {MAX_NESTING} levels deep")
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Bad(f"keys must be text, not {show(key)}")
            try:
                _check_encodable(key, "")
                out[key] = _copy(item, depth + 1)
            except _Bad as bad:
                bad.steps.append(key)
                raise
            except ProjectFileError as exc:
                raise _Bad(str(exc)) from None
        return out
    if isinstance(value, list):
        if _plain_numbers(value):
            return list(value)
        out = []
        for i, item in enumerate(value):
            try:
                out.append(_copy(item, depth + 1))
            except _Bad as bad:
                bad.steps.append(i)
                raise
        return out
    try:
        if isinstance(value, str):
            _check_encodable(value, "")
            return value
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, (int, float, NonFinite)):
            return number(value, "")
    except ProjectFileError as exc:
        raise _Bad(str(exc)) from None
    raise _Bad(f"{type(value).__name__} cannot be stored in a project file")


def _plain_numbers(items):
    """True if ``items`` is a list of finite floats and ints that fit a float (checked at C speed)."""
    kinds = set(map(type, items))
    if not items or not kinds <= _NUMBER_TYPES:
        return False
    try:  # math.isfinite reads an int as a float, so an int too large for one overflows
        return all(map(math.isfinite, items))
    except OverflowError:
        return False


# ----------------------------------------------------------------- matrices
def rows_of(value, path, n_rows, n_cols, rows_note, cols_note):
    """Check the shape of a list of lists before anything is converted."""
    if not isinstance(value, list):
        fail(path, f"must be a list of rows, not {show(value)}")
    if len(value) != n_rows:
        fail(path, f"expected {n_rows} rows ({rows_note}), found {len(value)}")
    for r, row in enumerate(value):
        if not isinstance(row, list):
            fail(f"{path}[{r}]", f"must be a list of {n_cols} values, not {show(row)}")
        if len(row) != n_cols:
            fail(f"{path}[{r}]", f"expected {n_cols} values ({cols_note}), found {len(row)}")


def number_matrix(rows, path):
    """Rows already shape-checked -> float64 array; names the first bad cell."""
    for r, row in enumerate(rows):
        if not set(map(type, row)) <= _NUMBER_TYPES:
            for c, v in enumerate(row):
                number(v, f"{path}[{r}][{c}]")
    try:
        array = np.array(rows, dtype=np.float64)
    except OverflowError:
        array = None
    if array is None or not np.isfinite(array).all():
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                number(v, f"{path}[{r}][{c}]")
        if array is None:
            fail(path, "holds a number too large to store")
    return array.reshape(len(rows), -1)


def bool_matrix(rows, path):
    for r, row in enumerate(rows):
        if not set(map(type, row)) <= {bool}:
            c = next(c for c, v in enumerate(row) if not isinstance(v, bool))
            fail(f"{path}[{r}][{c}]", f"must be true or false, not {show(row[c])}")
    return np.array(rows, dtype=bool).reshape(len(rows), -1)


def number_vector(value, path, n, note):
    if not isinstance(value, list):
        fail(path, f"must be a list of {n} numbers, not {show(value)}")
    if len(value) != n:
        fail(path, f"expected {n} values ({note}), found {len(value)}")
    for i, v in enumerate(value):
        if type(v) is not float or not math.isfinite(v):
            number(v, f"{path}[{i}]")
    return np.array(value, dtype=np.float64)


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
        network = Network(sizes, activations, connect=False)
    except EditError as exc:  # every rule it checks was checked above
        fail(path, str(exc))
    for layer, bias in zip(network.layers[1:], biases):
        layer.bias = bias
    network.blocks = blocks
    network._plan = None
    return network


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
