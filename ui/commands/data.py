"""Importing data: the new data, and the network and settings fitted to it, in one undo step."""

from __future__ import annotations

from simulator.data_fit import fitted
from simulator.project_schema import build_dataset

from .base import DocumentCommand


class ImportDataCommand(DocumentCommand):
    """Replace the project's data; with ``fit``, also resize the input and output
    layers (and choose the output activation and loss) as ``data_fit.fitted`` does.

    Keeps the network, positions, data and settings before and after, so undo
    gives back exactly the project as it was.
    """

    def __init__(self, doc, data, fit=False, name=""):
        super().__init__(doc, f"Import {name}" if name else "Import Data")
        self.data, self.fit, self.changes = data, fit, []

    def prepare(self):
        dataset = build_dataset(self.data, "data")  # raises naming what is wrong
        doc = self.doc
        self._before = (doc.state(), doc.project.data, doc.project.settings)
        network, positions = doc.state()
        settings = doc.project.settings
        if self.fit:
            old = network.sizes
            network, settings, self.changes = fitted(network, settings, dataset)
            # a resized layer is laid out afresh: its old positions were for other neurons
            moved = {k for k in (0, len(old) - 1) if network.sizes[k] != old[k]}
            positions = {n: xy for n, xy in positions.items() if n[0] not in moved}
        self._after = ((network, positions), self.data, settings)

    def _put(self, state):
        network, data, settings = state
        doc = self.doc
        with doc.batch():
            doc.restore(network)
            doc.project.data = data
            doc.project.settings = settings
            doc.changed(data=True, settings=True)

    def redo(self):
        self._put(self._after)

    def undo(self):
        self._put(self._before)

    def note(self):
        if self.changes:
            return "To fit the data, changed " + ", ".join(self.changes)
        return None
