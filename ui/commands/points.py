"""Drawing data on the output view: one point added or taken away, each one undo step."""

from __future__ import annotations

from simulator.drawn_points import with_point, without_point

from .base import DocumentCommand


class _DataPointCommand(DocumentCommand):
    """Keeps the project's data before and after the edit (``new_data`` computes it)."""

    KEEPS_RUN = True  # a run in progress trains on the new data from the next step (ui/training)

    def prepare(self):
        self.old = self.doc.project.data
        self.new = self.new_data(self.old)  # raises DatasetError with the reason

    def new_data(self, data):
        raise NotImplementedError

    def _put(self, data):
        self.doc.project.data = data
        self.doc.changed(data=True)

    def redo(self):
        self._put(self.new)

    def undo(self):
        self._put(self.old)


class AddDataPointCommand(_DataPointCommand):
    """Add a training point at inputs ``x`` (a tuple) with ``target`` (class index or value)."""

    def __init__(self, doc, x, target):
        super().__init__(doc, "Add Data Point")
        self.x, self.target = tuple(float(v) for v in x), target

    def new_data(self, data):
        return with_point(data, self.x, self.target)


class RemoveDataPointCommand(_DataPointCommand):
    """Take away row ``row`` of the training (``which="train"``) or test set."""

    def __init__(self, doc, which, row):
        super().__init__(doc, "Remove Data Point")
        self.which, self.row = which, int(row)

    def new_data(self, data):
        return without_point(data, self.which, self.row)
