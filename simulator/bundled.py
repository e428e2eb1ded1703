"""The bundled data sets: real tables in the top-level ``resources/datasets/`` folder.

Each is a CSV file (a header of feature names, then the target column holding
class names) listed in ``datasets.json`` with its title, target column, task,
classes, row count, source and licence; resources/datasets/README.md says
where each comes from. scripts/make_datasets.py writes them. They load through
the same CSV reader as any file a person picks (``datasets.load_csv``), so the
same limits and messages apply.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from .datasets import load_csv
from .errors import DatasetError

INDEX_FILE = "datasets.json"
_INDEX_BYTES = 1 << 20


@dataclass(frozen=True)
class BundledDataset:
    """One entry of ``datasets.json``."""

    name: str
    file: str
    title: str
    target: str
    task: str
    classes: tuple
    rows: int
    features: int
    source: str
    licence: str

    @property
    def path(self):
        return datasets_dir() / self.file


def datasets_dir():
    """The folder holding the bundled data sets, beside ``simulator`` as ``resources/lessons`` is
    (see ``lessons.lessons_dir``)."""
    return Path(__file__).resolve().parent.parent / "resources" / "datasets"


def bundled_datasets():
    """Every bundled data set, in the index's order; () if none is installed."""
    try:
        with open(datasets_dir() / INDEX_FILE, "rb") as f:
            entries = json.loads(f.read(_INDEX_BYTES).decode("utf-8"))["datasets"]
        return tuple(_entry(e) for e in entries)
    except (OSError, ValueError, KeyError, TypeError):
        return ()


def _entry(e):
    file = str(e["file"])
    if Path(file).name != file:  # a name in the folder, never a path elsewhere
        raise ValueError(file)
    return BundledDataset(str(e["name"]), file, str(e["title"]), str(e["target"]), str(e["task"]),
                          tuple(str(c) for c in e["classes"]), int(e["rows"]), int(e["features"]),
                          str(e["source"]), str(e["licence"]))


def bundled(name):
    """The index entry of the data set called ``name``.

    Raises
    ------
    DatasetError
        If no bundled data set has that name.
    """
    for entry in bundled_datasets():
        if entry.name == name:
            return entry
    known = ", ".join(e.name for e in bundled_datasets()) or "none installed"
    raise DatasetError(f"There is no bundled data set called {name!r} (known: {known}).")


def load_bundled(name):
    """The bundled data set ``name`` as a Dataset, read by ``load_csv`` with its target column."""
    entry = bundled(name)
    return load_csv(entry.path, target_column=entry.target, task=entry.task)
