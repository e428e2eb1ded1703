"""The project file: one JSON document with the network, data, settings and layout.

Reading never executes anything: the text goes through ``json`` only, after
checks on its size, encoding and nesting depth, and every value is checked
(``project_schema``) before anything is built. Any problem becomes a
``ProjectFileError`` that names where it is. Writing is atomic: a temporary
file in the same folder, flushed to disk, then renamed over the old file.
docs/file-format.md describes the format.
"""

import json
import os
from dataclasses import dataclass, field

import numpy as np

from .datasets import split_at, train_test_split
from .errors import Problem, SimulatorError
from .activations import check_size
from .limits import MAX_DESCRIPTION_CHARS, MAX_FILE_BYTES, MAX_NAME_CHARS, MAX_NESTING  # noqa: F401
from .losses import get_loss
from .memory import check_training
from .network import Network
from .atomic_write import write_atomically
from .json_text import check_measures, load_json, parse_json  # noqa: F401 (parse_json: part of this module's interface)
from .json_checks import check_keys, fail, json_copy, show, text, whole
from .project_schema import (
    build_dataset, given_test_rows, layout_from_dict, lesson_from_dict, network_from_dict, network_to_dict,
    settings_from_dict, split_settings)
from .settings import TrainingSettings
from .train_state import state_from_dict, state_to_dict

FORMAT_NAME = "backprop-studio-project"
FORMAT_VERSION = 1

_TOP_REQUIRED = ("format", "version", "network", "data")
_TOP_OPTIONAL = ("title", "description", "training", "layout", "training_state", "lesson")


@dataclass
class Project:
    """Everything a project file holds.

    Attributes
    ----------
    network : Network
    data : dict
        ``{"recipe": {...}}`` (a ``generators.make_dataset`` recipe) or
        ``{"inline": {"X": ..., "y": ..., "task": ...}}``, plus optional
        ``test_fraction`` (0 to 0.9, default 0) and ``split_seed`` (default 0), or,
        for inline points without ``test_fraction``, ``test_rows`` (the test set's rows).
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
    lesson : dict or None
        The lesson the project came from: ``{"name", "fingerprint"}`` and
        optionally ``"steps"`` (``project_schema.lesson_from_dict``). The
        fingerprint is the lesson network's (``lessons.network_fingerprint``),
        so ``lessons.lesson_changed`` can tell when the network differs.
    """

    network: Network
    data: dict
    settings: TrainingSettings = field(default_factory=TrainingSettings)
    layout: dict = field(default_factory=dict)
    title: str = ""
    description: str = ""
    training_state: object = None
    lesson: dict = None

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
        rows = given_test_rows(self.data)
        if rows is not None:
            return split_at(full, rows)
        fraction, seed = split_settings(self.data)
        return train_test_split(full, fraction, seed)

    def problems(self):
        """What to change before this project can be trained: a list of sentences, empty if nothing.

        Each is a :class:`~simulator.errors.Problem`: a ``str`` whose ``field``
        is the JSON path of what to change (``data``, ``training.loss``).

        A file may hold a network that is still being built (data of the wrong
        width, a loss that does not suit the output layer or the targets yet);
        it loads and saves, and this says what to change before training.
        Each sentence starts with where the change is made (``data``,
        ``training.loss``, ``training.rule`` or ``network``), then the reason.
        """
        out = []
        full = None
        try:
            train, test = self.datasets()
            full = (train.y, test.y)
            reason = check_training(self.network, train, test, self.settings)
            if reason is not None:
                out.append(Problem(reason, "training.batch_size"))
        except SimulatorError as exc:
            out.append(Problem.of(exc))
            try:  # the data may still be well formed, only of another width
                full = (build_dataset(self.data, "data").y,)
            except SimulatorError:
                pass
        network, settings = self.network, self.settings
        output, n_outputs = network.layers[-1].activation, network.sizes[-1]
        loss = get_loss(settings.loss)
        size_reason = check_size(output, n_outputs)
        if size_reason is not None:
            # the output layer itself must change first; which loss suits it comes after
            out.append(Problem(size_reason, "network"))
        else:
            reason = loss.check_output(output, n_outputs)
            if reason is not None:
                out.append(Problem(reason, "training.loss"))
        for y in full or ():
            reason = loss.check_targets(y)
            if reason is not None:
                out.append(Problem(reason, "training.loss"))
                break
        if settings.rule == "perceptron" and output != "step":
            out.append(Problem(f"the perceptron rule trains step units, but the output layer uses {output}",
                               "training.rule"))
        if not output_depends_on_input(network):
            out.append(Problem("the output no longer depends on any input: no chain of edges leads from an "
                       "input neuron to an output neuron, so every sample gets the same prediction and only "
                       "the biases can learn. Connect the inputs again (drag from an input neuron to a later one)",
                               "network"))
        return out


def output_depends_on_input(network):
    """Whether some chain of edges leads from an input neuron to an output neuron.

    Walks the layers in order, marking the neurons an input reaches; one
    boolean product per block, so it costs about as much as a forward pass
    of one sample.
    """
    reached = [np.ones(network.sizes[0], dtype=bool)]
    incoming = {}
    for (i, j), block in network.blocks.items():
        incoming.setdefault(j, []).append((i, block.mask))
    for j in range(1, network.n_layers):
        here = np.zeros(network.sizes[j], dtype=bool)
        for i, mask in incoming.get(j, ()):
            if reached[i].any():
                here |= reached[i] @ mask
        reached.append(here)
    return bool(reached[-1].any())


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
        "layout": layout_from_dict(project.layout, "layout", project.network.sizes),
        **({"training_state": state_to_dict(project.training_state, project.network)} if project.training_state else {}),
        **({"lesson": lesson_from_dict(project.lesson)} if project.lesson else {}),
    }


def project_from_dict(data):
    """Check a parsed project document completely and build the Project.

    Raises
    ------
    ProjectFileError
        For the first problem found, with the path of the offending value.
    """
    return _project_from_dict(data, copy=True)


def _project_from_dict(data, copy):
    """``copy=False`` when ``data`` is fresh from the parser: the Project may keep its values."""
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
    title = text(data.get("title", ""), "title", MAX_NAME_CHARS)
    description = text(data.get("description", ""), "description", MAX_DESCRIPTION_CHARS)
    network = network_from_dict(data["network"], "network")
    settings = settings_from_dict(data.get("training", {}), "training")
    layout = layout_from_dict(data.get("layout", {}), "layout", network.sizes)
    build_dataset(data["data"], "data")  # checks the recipe or every point
    state = None
    if "training_state" in data:
        state = state_from_dict(data["training_state"], "training_state", network)
    lesson = lesson_from_dict(data["lesson"], "lesson") if "lesson" in data else None
    # Checked completely above, so an uncopied value is plain JSON already.
    data = json_copy(data["data"], "data") if copy else data["data"]
    return Project(network=network, data=data, settings=settings, layout=layout,
                   title=title, description=description, training_state=state, lesson=lesson)


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
    try:
        name = os.fspath(path)
    except TypeError:
        fail("", f"{path!r} is not a file name")
    return _project_from_dict(load_json(name), copy=False)


# -------------------------------------------------------------------- writing
def save_project(project, path):
    """Write ``project`` to ``path`` atomically.

    The document is checked first (a file this app could not open again is
    never written), then written to a temporary file in the same folder,
    flushed and synced, and renamed over ``path`` (see ``atomic_write``). A
    symbolic link is written through to the file it points at; a path that
    holds a folder, a FIFO or a device is refused. If anything fails, the
    old file is untouched and the temporary file is removed.

    Raises
    ------
    ProjectFileError
        If the project is not valid, the path is not a regular file, or the
        file cannot be written.
    """
    document = project_to_dict(project)
    _project_from_dict(document, copy=False)
    body = dumps(document).encode("utf-8")
    del document
    if len(body) > MAX_FILE_BYTES:
        fail("", f"the project would take {len(body) / 2**20:.1f} MB; project files are limited to "
                 f"{MAX_FILE_BYTES // 2**20} MB, so make the network smaller")
    check_measures(body)
    write_atomically(path, body)


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
