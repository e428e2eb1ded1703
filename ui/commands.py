"""One QUndoCommand per kind of edit.

The Document builds a command, calls ``prepare()`` (which checks the edit
against the current model and raises SimulatorError with a reason if it is
refused, changing nothing) and only then pushes it. The command's ``redo``
and ``undo`` change the model and tell the document what changed. The rules
are the model's: a command asks the network (or the settings, or the dataset
builder) and passes its reason on, never checks on its own.

Two ways to be exact:

- Value edits and simple ones (weights, biases, settings, data, activations,
  one edge, positions) keep the old and the new value; the first four share
  ``SetValueCommand``.
- Structural edits (neurons, layers, whole blocks, deletions) keep the
  network and the manual positions before and after. The "after" state is
  computed on a copy in ``prepare``, so redo replays exactly the random
  weights the first time drew. Two copies per step is why the document
  limits its undo stack (``document.UNDO_LIMIT``).
"""

from __future__ import annotations

import dataclasses
import math
import weakref

from PySide6.QtGui import QUndoCommand

from simulator.errors import EditError, SimulatorError
from simulator.names import layer_title
from simulator.project_schema import build_dataset

MAX_POSITION = 1e6
"""Manual positions lie within ±MAX_POSITION in x and y: far beyond any drawing,
and small enough that the canvas's scaling and scrolling stay in range."""

class DocumentCommand(QUndoCommand):
    """A command on a Document.

    Subclasses implement ``prepare`` (check and record; raise to refuse),
    ``redo`` and ``undo``.
    """

    def __init__(self, doc, text):
        super().__init__(text)
        # Weak: the document owns the undo stack that owns this command. A
        # strong reference would make a cycle, and when the garbage collector
        # breaks it the stack's C++ destructor runs over half-freed Python
        # commands and crashes.
        self._doc = weakref.ref(doc)

    @property
    def doc(self):
        return self._doc()

    def prepare(self):
        """Check the edit against the current model; raise SimulatorError to refuse."""

    def is_noop(self):
        """True if the edit would change nothing (the document then pushes nothing)."""
        return False

    def note(self):
        """Something the edit did that the person did not ask for, to say in the
        status bar once it is made; or None."""
        return None


# ------------------------------------------------------------------ values
class SetValueCommand(DocumentCommand):
    """Replace one value, keeping the old and the new one.

    Subclasses say where the value lives (``read``, ``write``) and how a new
    one is checked (``check``: the model's own rules; it raises with the
    reason). ``target`` names what the value belongs to. With ``merge``,
    consecutive merging edits of the same target (wheel nudges, spin-box
    steps) become one undo step.
    """

    MERGE_ID = -1  # each subclass its own, so only edits of one kind merge

    def __init__(self, doc, text, target, value, merge=False):
        super().__init__(doc, text)
        self.target, self.value, self.merge = target, value, merge
        self.old = self.new = None

    def read(self):
        """The current value (raise EditError if the target does not exist)."""
        raise NotImplementedError

    def write(self, value):
        """Put ``value`` into the model and tell the document what changed."""
        raise NotImplementedError

    def check(self, value):
        """``value`` as the model would store it; raise SimulatorError to refuse."""
        return value

    def same(self, a, b):
        return a == b

    def prepare(self):
        self.old = self.read()
        self.new = self.check(self.value)

    def is_noop(self):
        return self.same(self.new, self.old)

    def id(self):
        return self.MERGE_ID if self.merge else -1

    def mergeWith(self, other):
        if not (type(other) is type(self) and other.merge and other.target == self.target):
            return False
        self.new = other.new
        self.setObsolete(self.same(self.new, self.old))
        return True

    def redo(self):
        self.write(self.new)

    def undo(self):
        self.write(self.old)


class SetWeightCommand(SetValueCommand):
    """Set the weight of one existing edge. Nudges of the same edge merge."""

    MERGE_ID = 1

    def __init__(self, doc, src, dst, value, merge=False):
        super().__init__(doc, "Set Weight", (src, dst), value, merge)

    def read(self):
        return self.doc.network.weight(*self.target)

    def check(self, value):
        # The model checks (a finite number within ±MAX_WEIGHT) and, refusing,
        # stays as it was; accepted, the old value goes back until redo.
        network = self.doc.network
        network.set_weight(*self.target, value)
        new = network.weight(*self.target)
        network.set_weight(*self.target, self.old)
        return new

    def write(self, value):
        self.doc.network.set_weight(*self.target, value)
        self.doc.changed(values=True)


class SetBiasCommand(SetValueCommand):
    """Set the bias of one neuron. Nudges of the same neuron merge."""

    MERGE_ID = 2

    def __init__(self, doc, neuron, value, merge=False):
        super().__init__(doc, "Set Bias", neuron, value, merge)

    def read(self):
        network = self.doc.network
        network._check_neuron(self.target)
        layer, index = self.target
        return float(network.layers[layer].bias[index])

    def check(self, value):
        # As for weights: the model refuses input neurons and non-numbers.
        network = self.doc.network
        network.set_bias(self.target, value)
        new = self.read()
        network.set_bias(self.target, self.old)
        return new

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
        network._check_layer(self.layer)
        self.old = network.layers[self.layer].activation
        # The model checks the name and where it is allowed; refusing, it stays
        # as it was. Accepted, the old one goes back until redo.
        network.set_activation(self.layer, self.name)
        network.set_activation(self.layer, self.old)

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
        # The model checks the ends, the weight and the parameter limit, and
        # refusing stays as it was. Accepted, the edge comes off again until
        # redo, which makes it with the weight drawn here.
        network = self.doc.network
        network.connect(self.src, self.dst, self.weight)
        self.weight = network.weight(self.src, self.dst)
        network.disconnect(self.src, self.dst)

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
        self.weight = self.doc.network.weight(self.src, self.dst)

    def redo(self):
        self.doc.network.disconnect(self.src, self.dst)
        self.doc.changed(structure=True)

    def undo(self):
        self.doc.network.connect(self.src, self.dst, self.weight)
        self.doc.changed(structure=True)


# -------------------------------------------------------------- structural
class _SnapshotCommand(DocumentCommand):
    """Keeps (network, positions) before and after; subclasses define ``apply``."""

    def prepare(self):
        self._before = self.doc.state()
        network, positions = self.doc.state()
        self.apply(network, positions)  # may raise: nothing real has changed yet
        self._after = (network, positions)

    def apply(self, network, positions):
        """Make the edit on ``network`` and the ``positions`` dict (both copies)."""
        raise NotImplementedError

    def redo(self):
        self.doc.restore(self._after)

    def undo(self):
        self.doc.restore(self._before)


class AddNeuronCommand(_SnapshotCommand):
    def __init__(self, doc, layer, index=None):
        super().__init__(doc, "Add Neuron")
        self.layer, self.index = layer, index

    def apply(self, network, positions):
        network.add_neuron(self.layer, self.index)
        index = network.sizes[self.layer] - 1 if self.index is None else self.index
        _shift_neurons(positions, self.layer, index, +1)


class RemoveNeuronCommand(_SnapshotCommand):
    def __init__(self, doc, layer, index):
        super().__init__(doc, "Remove Neuron")
        self.layer, self.index = layer, index

    def apply(self, network, positions):
        network.remove_neuron(self.layer, self.index)
        _remove_neuron_position(positions, self.layer, self.index)


class InsertLayerCommand(_SnapshotCommand):
    def __init__(self, doc, index, size=2, activation="tanh"):
        super().__init__(doc, "Insert Layer")
        self.index, self.size, self.activation = index, size, activation

    def apply(self, network, positions):
        network.insert_layer(self.index, self.size, self.activation)
        _shift_layers(positions, self.index, +1)

    def note(self):
        """The new layer replaces the edges that ran directly between its neighbours
        (``Network.insert_layer``): say so, as removing a layer says what it joins."""
        before, i = self._before[0], self.index
        if (i - 1, i) not in before.blocks:
            return None
        n = before.n_layers + 1
        return (f"Inserted hidden layer {i} between {layer_title(i - 1, n)} and {layer_title(i + 1, n)}; "
                "their direct edges now run through it")


class RemoveLayerCommand(_SnapshotCommand):
    def __init__(self, doc, index):
        super().__init__(doc, "Remove Layer")
        self.index = index

    def apply(self, network, positions):
        network.remove_layer(self.index)
        _remove_layer_positions(positions, self.index)

    def note(self):
        return rewire_note(self._before[0], self._after[0], [self.index])


class ResizeLayerCommand(_SnapshotCommand):
    """Add neurons to, or remove them from, the end of a layer: one model edit
    (``Network.resize_layer``), however many neurons it adds."""

    def __init__(self, doc, layer, size):
        super().__init__(doc, "Resize Layer")
        self.layer, self.size = layer, size

    def is_noop(self):
        return self._before[0].sizes == self._after[0].sizes

    def apply(self, network, positions):
        network.resize_layer(self.layer, self.size)
        for key in [k for k in positions if k[0] == self.layer and k[1] >= self.size]:
            del positions[key]


class ConnectLayersCommand(_SnapshotCommand):
    def __init__(self, doc, src_layer, dst_layer):
        super().__init__(doc, "Connect Layers")
        self.src_layer, self.dst_layer = src_layer, dst_layer

    def apply(self, network, positions):
        network.connect_layers(self.src_layer, self.dst_layer)


class DisconnectLayersCommand(_SnapshotCommand):
    def __init__(self, doc, src_layer, dst_layer):
        super().__init__(doc, "Disconnect Layers")
        self.src_layer, self.dst_layer = src_layer, dst_layer

    def apply(self, network, positions):
        network.disconnect_layers(self.src_layer, self.dst_layer)


class DeleteItemsCommand(_SnapshotCommand):
    """Delete edges and neurons in one step.

    Edges go first, then neurons from the last layer backwards and from the
    highest index down, so earlier indices stay valid. Selecting every neuron
    of a hidden layer removes the layer.
    """

    def __init__(self, doc, neurons=(), edges=()):
        super().__init__(doc, "Delete")
        self.neurons = sorted(set(neurons))
        self.edges = sorted(set(edges))
        self.removed_layers = []

    def prepare(self):
        if not self.neurons and not self.edges:
            raise EditError("nothing is selected to delete")
        super().prepare()

    def apply(self, network, positions):
        gone = set(self.neurons)
        for src, dst in self.edges:
            if src not in gone and dst not in gone:
                network.disconnect(src, dst)
        by_layer = {}
        for layer, index in self.neurons:
            by_layer.setdefault(layer, []).append(index)
        for layer in sorted(by_layer, reverse=True):
            indices = sorted(by_layer[layer], reverse=True)
            whole = len(indices) == network.sizes[layer]
            if whole and 0 < layer < network.output_layer:
                self.removed_layers.append(layer)
                network.remove_layer(layer)
                _remove_layer_positions(positions, layer)
                continue
            for index in indices:
                network.remove_neuron(layer, index)
                _remove_neuron_position(positions, layer, index)

    def note(self):
        return rewire_note(self._before[0], self._after[0], self.removed_layers)


# --------------------------------------------------------------- positions
class MoveNeuronsCommand(DocumentCommand):
    """Move one or more neurons: one step for a whole drag."""

    def __init__(self, doc, moves):
        super().__init__(doc, "Move Neuron" if len(moves) == 1 else "Move Neurons")
        self.moves = dict(moves)
        self.old = {}

    def prepare(self):
        if not self.moves:
            raise EditError("no neurons to move")
        sizes = self.doc.network.sizes
        for (layer, index), (x, y) in self.moves.items():
            if not (0 <= layer < len(sizes) and 0 <= index < sizes[layer]):
                raise EditError(f"there is no neuron {index} in layer {layer}")
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
        except SimulatorError as error:  # "learning_rate: ..." -> "learning rate: ..."
            text = str(error)
            if text.startswith(self.target + ":"):
                text = setting_label(self.target).lower() + text[len(self.target):]
            raise SimulatorError(text) from None

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
def rewire_note(before, after, removed):
    """What removing hidden layers ``removed`` (indices in ``before``) joined anew, or None.

    Removing a layer fully connects its neighbours, with new random weights,
    when no edges joined them, so that data still reaches the output
    (``Network.remove_layer``). A person should hear of edges they did not draw:
    "Removed hidden layer 1; connected Input to Output directly with new random weights".
    """
    if not removed:
        return None
    kept = [layer for layer in range(before.n_layers) if layer not in set(removed)]
    joined = sorted((kept[i], kept[j]) for i, j in after.blocks if (kept[i], kept[j]) not in before.blocks)
    if not joined:
        return None
    numbers = [str(layer) for layer in sorted(removed)]
    what = "hidden layer " + numbers[0] if len(numbers) == 1 else \
        "hidden layers " + ", ".join(numbers[:-1]) + " and " + numbers[-1]
    pairs = "; ".join(f"connected {layer_title(i, before.n_layers)} to {layer_title(j, before.n_layers)} directly"
                      for i, j in joined)
    return f"Removed {what}; {pairs} with new random weights"


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


def _shift_neurons(positions, layer, start, step):
    """Shift the manual positions of neurons ``start..`` of ``layer`` by ``step``."""
    moved = {(l, i + step if l == layer and i >= start else i): p for (l, i), p in positions.items()}
    positions.clear()
    positions.update(moved)


def _remove_neuron_position(positions, layer, index):
    positions.pop((layer, index), None)
    _shift_neurons(positions, layer, index + 1, -1)


def _shift_layers(positions, start, step):
    moved = {(l + step if l >= start else l, i): p for (l, i), p in positions.items()}
    positions.clear()
    positions.update(moved)


def _remove_layer_positions(positions, layer):
    for key in [k for k in positions if k[0] == layer]:
        del positions[key]
    _shift_layers(positions, layer + 1, -1)
