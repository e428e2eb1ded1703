"""Edits that keep the old and the new value: weights, biases, activations,
single edges, positions, training settings and the data."""

from __future__ import annotations

import dataclasses
import math

from simulator.errors import EditError, SimulatorError
from simulator.limits import MAX_POSITION
from simulator.project_schema import build_dataset

from .base import DocumentCommand, SetValueCommand



# ------------------------------------------------------------------ values
class SetWeightCommand(SetValueCommand):
    """Set the weight of one existing edge. Nudges of the same edge merge."""

    MERGE_ID = 1

    def __init__(self, doc, src, dst, value, merge=False):
        super().__init__(doc, "Set Weight", (src, dst), value, merge)

    def read(self):
        return self.doc.network.weight(*self.target)

    def check(self, value):
        _refuse(self.doc.network.check_set_weight(*self.target, value))
        return float(value)

    def write(self, value):
        self.doc.network.set_weight(*self.target, value)
        self.doc.changed(values=True)


class SetBiasCommand(SetValueCommand):
    """Set the bias of one neuron. Nudges of the same neuron merge."""

    MERGE_ID = 2

    def __init__(self, doc, neuron, value, merge=False):
        super().__init__(doc, "Set Bias", neuron, value, merge)

    def read(self):
        return self.doc.network.bias(self.target)

    def check(self, value):
        _refuse(self.doc.network.check_set_bias(self.target, value))
        return float(value)

    def write(self, value):
        self.doc.network.set_bias(self.target, value)
        self.doc.changed(values=True)


class SetActivationCommand(DocumentCommand):
    """Change the activation function of a layer."""

    def __init__(self, doc, layer, name):
        super().__init__(doc, "Set Activation")
        self.layer, self.name = layer, name
        self.old = None

    def prepare(self):
        network = self.doc.network
        _refuse(network.check_activation(self.layer, self.name))
        self.old = network.layers[self.layer].activation

    def is_noop(self):
        return self.old == self.name

    def redo(self):
        self._set(self.name)

    def undo(self):
        self._set(self.old)

    def _set(self, name):
        self.doc.network.set_activation(self.layer, name)
        self.doc.changed(structure=True)


# ------------------------------------------------------------------- edges
class ConnectCommand(DocumentCommand):
    """Add one edge. A weight drawn at random is drawn once, in prepare."""

    def __init__(self, doc, src, dst, weight=None):
        super().__init__(doc, "Connect")
        self.src, self.dst, self.weight = src, dst, weight

    def prepare(self):
        # The model checks the ends, the weight and the parameter limit; redo
        # makes the edge with the weight drawn here, the same every time.
        network = self.doc.network
        _refuse(network.check_connect(self.src, self.dst, self.weight))
        if self.weight is None:
            self.weight = network.initial_weight(self.src, self.dst)
        else:
            self.weight = float(self.weight)

    def redo(self):
        self.doc.network.connect(self.src, self.dst, self.weight)
        self.doc.changed(structure=True)

    def undo(self):
        self.doc.network.disconnect(self.src, self.dst)
        self.doc.changed(structure=True)


class DisconnectCommand(DocumentCommand):
    """Remove one edge, remembering its weight for undo."""

    def __init__(self, doc, src, dst):
        super().__init__(doc, "Disconnect")
        self.src, self.dst = src, dst
        self.weight = None

    def prepare(self):
        _refuse(self.doc.network.check_disconnect(self.src, self.dst))
        self.weight = self.doc.network.weight(self.src, self.dst)

    def redo(self):
        self.doc.network.disconnect(self.src, self.dst)
        self.doc.changed(structure=True)

    def undo(self):
        self.doc.network.connect(self.src, self.dst, self.weight)
        self.doc.changed(structure=True)


# --------------------------------------------------------------- positions
class MoveNeuronsCommand(DocumentCommand):
    """Move one or more neurons: one step for a whole drag. With ``merge``,
    consecutive merging moves of the same neurons (arrow-key nudges) become
    one step."""

    MERGE_ID = 7

    def __init__(self, doc, moves, merge=False):
        super().__init__(doc, "Move Neuron" if len(moves) == 1 else "Move Neurons")
        self.moves = dict(moves)
        self.merge = merge
        self.old = {}

    def id(self):
        return self.MERGE_ID if self.merge else -1

    def can_merge(self, other):
        return type(other) is type(self) and other.merge and set(other.moves) == set(self.moves)

    def mergeWith(self, other):
        if not self.can_merge(other):
            return False
        self.moves = dict(other.moves)
        self.setObsolete(self.is_noop())
        return True

    def prepare(self):
        if not self.moves:
            raise EditError("no neurons to move")
        network = self.doc.network
        for neuron, (x, y) in self.moves.items():
            _refuse(network.check_neuron(neuron))
            if not (math.isfinite(x) and math.isfinite(y)):
                raise EditError("a position must be two finite numbers")
            if max(abs(x), abs(y)) > MAX_POSITION:
                raise EditError(f"a neuron can be placed at most {MAX_POSITION:,.0f} from the centre, "
                                f"not at ({x:g}, {y:g})")
        self.old = {key: self.doc.positions.get(key) for key in self.moves}

    def is_noop(self):
        return all(self.old[key] == pos for key, pos in self.moves.items())

    def redo(self):
        positions = dict(self.doc.positions)
        positions.update(self.moves)
        self.doc.set_positions(positions)

    def undo(self):
        positions = dict(self.doc.positions)
        for key, pos in self.old.items():
            if pos is None:
                positions.pop(key, None)
            else:
                positions[key] = pos
        self.doc.set_positions(positions)


class ClearPositionsCommand(DocumentCommand):
    """Forget the manual positions so the automatic layout places every neuron."""

    def __init__(self, doc):
        super().__init__(doc, "Re-layout")
        self.old = {}

    def prepare(self):
        self.old = dict(self.doc.positions)

    def is_noop(self):
        return not self.old

    def redo(self):
        self.doc.set_positions({})

    def undo(self):
        self.doc.set_positions(self.old)


# ------------------------------------------------------ settings and data
class SetSettingCommand(SetValueCommand):
    """Change one training setting; with ``merge``, consecutive changes of the
    same one (spin-box steps) merge."""

    MERGE_ID = 3

    def __init__(self, doc, name, value, merge=False):
        super().__init__(doc, f"Set {setting_label(name)}", name, value, merge)

    def read(self):
        return self.doc.settings

    def check(self, value):
        if self.target not in {f.name for f in dataclasses.fields(self.old)}:
            raise SimulatorError(f"there is no training setting called {self.target!r}")
        try:
            return dataclasses.replace(self.old, **{self.target: value}).validate()
        except SimulatorError as error:
            if error.field != self.target:
                raise
            # named as the panel names it: "learning rate: must be greater than 0"
            raise SimulatorError(error.reason, error.field, setting_label(self.target).lower()) from None

    def write(self, settings):
        self.doc.project.settings = settings
        self.doc.changed(settings=True)


class SetDataCommand(SetValueCommand):
    """Replace the data: a generator recipe (checked by building it) or points.
    With ``merge``, consecutive changes of the same settings (spin-box steps) merge."""

    MERGE_ID = 4

    def __init__(self, doc, data, merge=False):
        super().__init__(doc, "Change Data", None, data, merge)

    def prepare(self):
        super().prepare()
        self.target = _changed_keys(self.old, self.new)

    def read(self):
        return self.doc.project.data

    def check(self, data):
        build_dataset(data, "data")  # raises naming what is wrong
        return data

    def same(self, a, b):
        return _same_data(a, b)

    def write(self, data):
        self.doc.project.data = data
        self.doc.changed(data=True)


# ----------------------------------------------------------------- helpers
def _refuse(reason):
    """Refuse the edit with the model's reason (from a ``Network.check_*``), if any."""
    if reason is not None:
        raise EditError(reason)


def setting_label(name):
    """``learning_rate`` -> ``Learning Rate`` for menus and the undo history."""
    return name.replace("_", " ").title()


def _changed_keys(old, new):
    """Which settings differ between two data dicts, e.g. {"recipe.n"}."""
    def flat(data):
        if not isinstance(data, dict):
            return {"": repr(data)}
        out = {}
        for key, value in data.items():
            if isinstance(value, dict):
                out.update({f"{key}.{k}": repr(v) for k, v in value.items()})
            else:
                out[key] = repr(value)
        return out
    a, b = flat(old), flat(new)
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def _same_data(a, b):
    try:
        return bool(a == b)
    except (ValueError, TypeError):  # arrays compare element-wise
        return a is b
