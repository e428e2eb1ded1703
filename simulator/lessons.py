"""The lessons: project files and their texts in the top-level ``resources/lessons/`` folder.

A lesson called NAME is two files: ``NAME.json``, an ordinary project file
(``python -m simulator train resources/lessons/NAME.json`` trains it), and
``NAME.md``, its text, shown in the app's Lesson dock. ``order.txt`` lists
the names in the order the Lessons menu shows them; a lesson missing from
it comes after the listed ones, in alphabetical order. A teacher adds a
lesson by adding its two files; no code changes.

A project made from a lesson records which one in its ``lesson`` field,
with the fingerprint of the lesson's network (layer sizes, activations and
which edges exist, not the weights, which training changes). Once the
network differs, the lesson's text may no longer be true of it, and
:func:`lesson_text` says so above it.
"""

import hashlib
import json
from pathlib import Path

import numpy as np

from .errors import ProjectFileError, SimulatorError
from .limits import MAX_DESCRIPTION_CHARS
from .project_file import load_project

ORDER_FILE = "order.txt"
_TEXT_BYTES = MAX_DESCRIPTION_CHARS * 4  # at most 4 bytes per character in UTF-8


def lessons_dir():
    """The folder holding the lesson files.

    The ``resources`` folder sits beside the ``simulator`` package both in
    the source tree (and so in an editable install) and in an installed
    package, where pyproject.toml installs it next to ``simulator``.
    """
    return Path(__file__).resolve().parent.parent / "resources" / "lessons"


def lesson_names(folder=None):
    """Every lesson's name, in the order of ``order.txt`` then alphabetically."""
    folder = Path(folder) if folder is not None else lessons_dir()
    try:
        found = {p.stem for p in folder.glob("*.json") if p.is_file()}
    except OSError:
        return ()
    try:
        listed = (folder / ORDER_FILE).read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        listed = []
    ordered = [name for name in dict.fromkeys(listed) if name in found]
    return tuple(ordered + sorted(found - set(ordered)))


def network_fingerprint(network):
    """A hexadecimal digest of the network's shape: layer sizes, activations and existing edges.

    The weights and biases are left out: training a lesson keeps it the
    same lesson, while adding a neuron or changing an activation does not.
    """
    digest = hashlib.sha256(json.dumps({"sizes": list(network.sizes),
                                        "activations": [layer.activation for layer in network.layers[1:]]},
                                       separators=(",", ":")).encode())
    for (i, j), block in sorted(network.blocks.items()):
        if block.mask.any():  # packed bits: cheap even for the largest blocks, so the window can ask often
            digest.update(f";{i},{j}:".encode())
            digest.update(np.packbits(block.mask.astype(bool)).tobytes())
    return digest.hexdigest()[:16]


def load_lesson(name, seed=0, folder=None):
    """The lesson called ``name`` as a new Project, its text as the description.

    Parameters
    ----------
    name : str
    seed : int
        0 keeps the weights stored in the lesson's file; any other seed draws
        fresh weights from it as the app's Reset Weights does (Xavier).
    folder : path-like, optional
        Where the lessons are (default :func:`lessons_dir`).

    Raises
    ------
    SimulatorError
        If there is no such lesson, or its file is not a valid project
        (the message names the file).
    """
    folder = Path(folder) if folder is not None else lessons_dir()
    names = lesson_names(folder)
    if name not in names:
        raise SimulatorError(f"unknown preset {name!r} (known: {', '.join(names) or 'none installed'})")
    path = folder / f"{name}.json"
    try:
        project = load_project(path)
    except ProjectFileError as exc:
        raise SimulatorError(f"the lesson file {path.name} is broken: {exc}") from None
    text = _read_text(folder / f"{name}.md")
    if text is not None:
        project.description = text
    if seed:
        method, scale = lesson_initializer(project)
        project.network.initialize(method, seed=seed, scale=scale)
        project.training_state = None
    kept = {key: value for key, value in (project.lesson or {}).items()
            if key in ("steps", "view", "init", "speed")}
    project.lesson = {"name": name, "fingerprint": network_fingerprint(project.network), **kept}
    return project


def lesson_initializer(project):
    """How the project's weights are drawn: (method, scale) for ``Network.initialize``.

    The lesson's ``init`` (the perceptron lessons: uniform within ±0.5), else
    Xavier, which suits the networks with hidden layers.
    """
    init = (project.lesson or {}).get("init") or {}
    return init.get("method", "xavier"), float(init.get("scale", 1.0))


def lesson_changed(project, network=None):
    """True when ``project`` came from a lesson and its network no longer matches the lesson's.

    ``network`` is the network as it is now (default ``project.network``).
    """
    if not project.lesson:
        return False
    network = project.network if network is None else network
    return network_fingerprint(network) != project.lesson["fingerprint"]


def lesson_text(project, network=None):
    """The Markdown for the Lesson dock: the project's description, headed by a note once the
    network is based on a lesson but changed.

    A lesson's "Try this" steps ask for changes (another activation, more neurons), so the
    text stays readable after them; the note says its numbers were measured on the lesson's
    own network.
    """
    text = _description(project)
    if lesson_changed(project, network):
        note = (f"*Based on the lesson “{project.title or project.lesson['name']}”, changed.* "
                "The text below describes the lesson's own network; yours is different now, so its "
                "numbers may not be what you see. Undo your changes, or open the lesson again from "
                "the Lessons menu, to get the lesson's network back.")
        return f"{note}\n\n---\n\n{text}" if text else note
    return text or "Build a network, then train it on the data."


def _description(project):
    """The project's description, or, for a lesson's own file opened directly, its text."""
    if not project.description and project.lesson:
        # a lesson's own file (opened directly) has no description: its text is beside it
        name = project.lesson["name"]
        if name in lesson_names():  # only an installed lesson's name: never a path taken from a file
            try:
                text = _read_text(lessons_dir() / f"{name}.md")
            except SimulatorError:
                text = None
            if text:
                return text
    return project.description


def _read_text(path):
    """The text of a lesson's ``.md`` file, or None if it has none."""
    try:
        with open(path, "rb") as f:
            raw = f.read(_TEXT_BYTES + 1)
    except OSError:
        return None
    try:
        text = raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise SimulatorError(f"the lesson text {path.name} is not UTF-8") from None
    if len(raw) > _TEXT_BYTES or len(text) > MAX_DESCRIPTION_CHARS:
        raise SimulatorError(f"the lesson text {path.name} is too long: at most "
                             f"{MAX_DESCRIPTION_CHARS:,} characters")
    return text
