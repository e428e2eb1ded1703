"""Drawing data on the output view: one point added or taken away, each one undo step."""

from __future__ import annotations

from simulator.drawn_points import moved_point, with_point, with_points, without_point

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


class AddDataPointsCommand(_DataPointCommand):
    """Add training points, ``points`` a sequence of ``(x, target)``: a curve drawn in one stroke."""

    def __init__(self, doc, points):
        self.points = [(tuple(float(v) for v in x), target) for x, target in points]
        n = len(self.points)
        super().__init__(doc, f"Draw {n:,} Point{'s' if n != 1 else ''}")

    def new_data(self, data):
        return with_points(data, self.points)


class RemoveDataPointCommand(_DataPointCommand):
    """Take away row ``row`` of the training (``which="train"``) or test set."""

    def __init__(self, doc, which, row):
        super().__init__(doc, "Remove Data Point")
        self.which, self.row = which, int(row)

    def new_data(self, data):
        return without_point(data, self.which, self.row)


class MoveDataPointCommand(_DataPointCommand):
    """Move row ``row`` of the ``which`` set to inputs ``x`` (and, for a regression point
    dragged up or down, to ``target``). The moves of one drag (the same ``drag`` token)
    merge into one undo step."""

    MERGE_ID = 0x5044  # "PD": point drag

    def __init__(self, doc, which, row, x, target=None, drag=None):
        super().__init__(doc, "Move Data Point")
        self.which, self.row = which, int(row)
        self.x = tuple(float(v) for v in x)
        self.target = target
        self.drag = drag

    def new_data(self, data):
        return moved_point(data, self.which, self.row, self.x, self.target)

    def id(self):
        return self.MERGE_ID if self.drag is not None else -1

    def can_merge(self, other):
        return (type(other) is type(self) and other.drag is not None and other.drag is self.drag
                and (other.which, other.row) == (self.which, self.row))

    def mergeWith(self, other):
        if not self.can_merge(other):
            return False
        self.new = other.new
        self.setObsolete(self.new == self.old)
        return True
