"""The project file: one JSON document with the network, data, settings and layout.

Reading never executes anything: the text goes through ``json`` only, after
checks on its size, encoding and nesting depth, and every value is checked
(``project_schema``) before anything is built. Any problem becomes a
``ProjectFileError`` that names where it is. Writing is atomic: a temporary
file in the same folder, flushed to disk, then renamed over the old file.
docs/file-format.md describes the format.
"""

import codecs
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass, field

import numpy as np

from .datasets import train_test_split
from .errors import ProjectFileError, SimulatorError
from .losses import get_loss
from .network import Network
from .project_schema import (
    MAX_NAME_CHARS, MAX_NESTING, NonFinite, build_dataset, check_keys, fail, json_copy,
    network_from_dict, network_to_dict, settings_from_dict, show, split_settings, text, whole)
from .settings import TrainingSettings
from .train_state import state_from_dict, state_to_dict

FORMAT_NAME = "backprop-studio-project"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TITLE_CHARS = MAX_NAME_CHARS
MAX_DESCRIPTION_CHARS = 20_000

_TOP_REQUIRED = ("format", "version", "network", "data")
_TOP_OPTIONAL = ("title", "description", "training", "layout", "training_state")


@dataclass
class Project:
    """Everything a project file holds.

    Attributes
    ----------
    network : Network
    data : dict
        ``{"recipe": {...}}`` (a ``datasets.make_dataset`` recipe) or
        ``{"inline": {"X": ..., "y": ..., "task": ...}}``, plus optional
        ``test_fraction`` (0 to 0.9, default 0) and ``split_seed`` (default 0).
        Plain JSON values, kept exactly as given.
    settings : TrainingSettings
    layout : dict
        Opaque to the simulator (the UI keeps node positions here); any JSON
        object, saved and loaded unchanged.
    title, description : str
        The description is the lesson text shown to the learner.
    training_state : TrainState or None
        Where training stands (train_state.py): a Trainer built with it
        resumes bit-identically. None for a network never trained.
    """

    network: Network
    data: dict
    settings: TrainingSettings = field(default_factory=TrainingSettings)
    layout: dict = field(default_factory=dict)
    title: str = ""
    description: str = ""
    training_state: object = None

    def datasets(self):
        """The (train, test) Datasets, split with ``test_fraction`` and ``split_seed``.

        Raises
        ------
        ProjectFileError
            If the data is malformed, or its input or target columns do not
            match the sizes of the network's input and output layers.
        """
        full = build_dataset(self.data, "data")
        n_in, n_out = self.network.sizes[0], self.network.sizes[-1]
        if full.n_inputs != n_in:
            fail("data", f"the data has {_count(full.n_inputs, 'input column')} "
                         f"({', '.join(full.feature_names)}) but the network's input layer has "
                         f"{_count(n_in, 'neuron')}; they must match")
        if full.n_outputs != n_out:
            fail("data", f"the data has {_count(full.n_outputs, 'target column')} but the network's "
                         f"output layer has {_count(n_out, 'neuron')}; they must match")
        fraction, seed = split_settings(self.data)
        return train_test_split(full, fraction, seed)

    def problems(self):
        """Why this project cannot be trained as it stands: a list of sentences, empty if it can.

        A file may hold a network that is still being built (data of the wrong
        width, a loss that does not suit the output layer yet); it loads and
        saves, and this says what to change before training.
        """
        out = []
        try:
            self.datasets()
        except SimulatorError as exc:
            out.append(str(exc))
        output = self.network.layers[-1].activation
        try:
            get_loss(self.settings.loss).check(output)
        except SimulatorError as exc:
            out.append(f"training.loss: {exc}")
        if self.settings.rule == "perceptron" and output != "step":
            out.append(f"training.rule: the perceptron rule trains step units, but the output layer uses {output}")
        return out


def _count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def inline_data(dataset, test_fraction=0.0, split_seed=0):
    """The ``data`` dict that stores ``dataset``'s points in the file itself (e.g. after CSV import)."""
    inline = {"X": dataset.X.tolist(), "y": dataset.y.tolist(), "task": dataset.task,
              "feature_names": list(dataset.feature_names), "target_names": list(dataset.target_names)}
    if dataset.name:
        inline["name"] = dataset.name
    return {"inline": inline, "test_fraction": test_fraction, "split_seed": split_seed}


# ------------------------------------------------------------ dict <-> Project
def project_to_dict(project):
    """The JSON document for ``project`` (plain dicts, lists, str, numbers, bools)."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": project.title,
        "description": project.description,
        "network": network_to_dict(project.network),
        "data": json_copy(project.data, "data"),
        "training": project.settings.to_dict(),
        "layout": json_copy(project.layout, "layout"),
        **({"training_state": state_to_dict(project.training_state)} if project.training_state else {}),
    }


def project_from_dict(data):
    """Check a parsed project document completely and build the Project.

    Raises
    ------
    ProjectFileError
        For the first problem found, with the path of the offending value.
    """
    if not isinstance(data, dict):
        fail("", "a project file holds one JSON object {...}; this one holds "
                 f"{'a list' if isinstance(data, list) else 'a single value'}")
    if data.get("format") != FORMAT_NAME:
        found = "the key is missing" if "format" not in data else f"it says {show(data['format'])}"
        fail("format", f"not a Backprop Studio project file ({found}; expected {FORMAT_NAME!r})")
    if "version" not in data:
        fail("version", "this required key is missing")
    version = whole(data["version"], "version", -(2**63), 2**63, "a whole number")
    if version != FORMAT_VERSION:
        newer = " (it was saved by a newer Backprop Studio)" if version > FORMAT_VERSION else ""
        fail("version", f"this file is version {version}; this app reads version {FORMAT_VERSION}{newer}")
    check_keys(data, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    title = text(data.get("title", ""), "title", MAX_TITLE_CHARS)
    description = text(data.get("description", ""), "description", MAX_DESCRIPTION_CHARS)
    network = network_from_dict(data["network"], "network")
    settings = settings_from_dict(data.get("training", {}), "training")
    build_dataset(data["data"], "data")  # checks the recipe or the points
    layout = data.get("layout", {})
    if not isinstance(layout, dict):
        fail("layout", f"must be a JSON object {{...}}, not {show(layout)}")
    state = None
    if "training_state" in data:
        state = state_from_dict(data["training_state"], "training_state", network)
    return Project(network=network, data=json_copy(data["data"], "data"), settings=settings,
                   layout=json_copy(layout, "layout"), title=title, description=description,
                   training_state=state)


# -------------------------------------------------------------------- reading
def load_project(path):
    """Read, check and build a project file.

    Raises
    ------
    ProjectFileError
        If the file is missing, unreadable, larger than ``MAX_FILE_BYTES``,
        not UTF-8, not JSON, nested deeper than ``MAX_NESTING``, or not a
        valid project. Problems with the file itself name the file; problems
        with its content name the path of the value.
    """
    return project_from_dict(parse_json(read_text(path)))


def read_text(path):
    """The file's text; a UTF-8 byte order mark at the start is skipped."""
    try:
        name = os.fspath(path)
    except TypeError:
        fail("", f"{path!r} is not a file name")
    raw = _read_bytes(name)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        fail("", f"{name} is saved as UTF-16 text; project files are UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail("", f"{name} is not a project file: byte {exc.start} is not UTF-8 text "
                 "(the file is binary or damaged)")


def _read_bytes(name):
    """At most MAX_FILE_BYTES + 1 bytes, after checking it is a regular file of allowed size."""
    problem = None
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            problem = "it is a folder, not a project file"
        elif not stat.S_ISREG(info.st_mode):
            problem = "it is not a regular file"
        elif info.st_size <= MAX_FILE_BYTES:
            with open(name, "rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        problem = "there is no such file"
    except PermissionError:
        problem = "permission denied"
    except OSError as exc:
        problem = exc.strerror or str(exc)
    except ValueError:  # a NUL character in the name
        fail("", f"{name!r} is not a file name")
    if problem:
        fail("", f"cannot open {name}: {problem}")
    _check_size(name, info.st_size)
    _check_size(name, len(raw))  # the file may have grown since
    return raw


def _check_size(name, size):
    if size > MAX_FILE_BYTES:
        fail("", f"{name} is {size / 2**20:.1f} MB; project files are limited to "
                 f"{MAX_FILE_BYTES // 2**20} MB")


_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")


def nesting_depth(text):
    """How deeply lists and objects nest in JSON ``text``, without parsing it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).encode("ascii")
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    return int(np.cumsum(np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)).max())


def parse_json(text):
    """Parse JSON text safely: depth checked first, NaN/Infinity kept as markers, no duplicate keys."""
    if not text.strip():
        fail("", "the file is empty")
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        fail("", f"lists and objects are nested {depth} levels deep; at most {MAX_NESTING} are allowed")
    try:
        return json.loads(text, parse_constant=NonFinite, object_pairs_hook=_object)
    except ProjectFileError:
        raise
    except json.JSONDecodeError as exc:
        fail("", f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}")
    except (ValueError, RecursionError) as exc:  # e.g. an integer with too many digits
        fail("", f"not valid JSON: {exc}")


def _object(pairs):
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        fail("", f"the key {show(key)} appears twice in one object; each key may appear only once")
    return out


# -------------------------------------------------------------------- writing
def save_project(project, path):
    """Write ``project`` to ``path`` atomically.

    The document is checked first (a file this app could not open again is
    never written), then written to a temporary file in the same folder,
    flushed and synced, and renamed over ``path``. If anything fails, the old
    file is untouched and the temporary file is removed.

    Raises
    ------
    ProjectFileError
        If the project is not valid or the file cannot be written.
    """
    document = project_to_dict(project)
    project_from_dict(document)
    body = dumps(document).encode("utf-8")
    if len(body) > MAX_FILE_BYTES:
        fail("", f"the project would take {len(body) / 2**20:.1f} MB; project files are limited to "
                 f"{MAX_FILE_BYTES // 2**20} MB, so make the network smaller")
    name = os.fspath(path)
    folder, base = os.path.split(os.path.abspath(name))
    temp = None
    try:
        fd, temp = _create_temp(folder, base)
        try:
            os.chmod(temp, stat.S_IMODE(os.stat(name).st_mode))
        except OSError:
            pass  # a new file keeps the default permissions
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, name)
        temp = None
        _sync_folder(folder)
    except OSError as exc:
        raise ProjectFileError(f"cannot save {name}: {exc.strerror or exc}") from exc
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass


def _create_temp(folder, base):
    for _ in range(100):
        temp = os.path.join(folder, f".{base}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {folder}")


def _sync_folder(folder):
    """Make the rename itself durable where the system allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def dumps(document):
    """JSON text that people can read: indented, but each row of numbers on one line."""
    return _dump(document, 0) + "\n"


_CONTAINERS = {list, dict}


def _flat(value):
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _few_leaves(value, budget):
    """``budget`` minus the number of values inside ``value``; negative once it runs out."""
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        budget -= 1
        if isinstance(item, (list, dict)):
            budget = _few_leaves(item, budget)
        if budget < 0:
            break
    return budget


def _dump(value, level):
    if isinstance(value, list) and not set(map(type, value)) & _CONTAINERS:
        return _flat(value)
    if isinstance(value, (list, dict)) and _few_leaves(value, 12) >= 0:
        flat = _flat(value)
        if len(flat) + 2 * level <= 90:
            return flat
    pad = "  " * (level + 1)
    if isinstance(value, dict):
        items = [f"{pad}{_flat(k)}: {_dump(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}" if items else "{}"
    if isinstance(value, list):
        return "[\n" + ",\n".join(pad + _dump(v, level + 1) for v in value) + "\n" + "  " * level + "]"
    return _flat(value)


__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "MAX_FILE_BYTES", "MAX_NESTING", "Project",
           "project_to_dict", "project_from_dict", "save_project", "load_project",
           "network_to_dict", "network_from_dict", "inline_data"]
