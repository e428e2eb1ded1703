"""Structural edits: neurons, layers, whole blocks of edges, deletions.

Each keeps the network and the manual positions before and after the edit.
The "after" state is computed on a copy in ``prepare``, so redo replays
exactly the random weights the first time drew.
"""

from __future__ import annotations

from simulator.errors import EditError
from simulator.names import layer_title, neuron_name

from .base import DocumentCommand


# -------------------------------------------------------------- structural
class _SnapshotCommand(DocumentCommand):
    """Keeps (network, positions) before and after; subclasses define ``refusal``
    (the model's check) and ``apply``."""

    def prepare(self):
        # ask the model first: a refused edit costs no copies and changes nothing
        reason = self.refusal(self.doc.network)
        if reason is not None:
            raise EditError(reason)
        self._before = self.doc.state()
        network, positions = self.doc.state()
        self.apply(network, positions)  # may raise: nothing real has changed yet
        self._after = (network, positions)

    def refusal(self, network):
        """Why the model would refuse the edit (its ``check_*``), or None."""
        return None

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

    def refusal(self, network):
        return network.check_add_neuron(self.layer, self.index)

    def apply(self, network, positions):
        network.add_neuron(self.layer, self.index)
        index = network.sizes[self.layer] - 1 if self.index is None else self.index
        _shift_neurons(positions, self.layer, index, +1)


class RemoveNeuronCommand(_SnapshotCommand):
    def __init__(self, doc, layer, index):
        super().__init__(doc, "Remove Neuron")
        self.layer, self.index = layer, index

    def refusal(self, network):
        return network.check_remove_neuron(self.layer, self.index)

    def apply(self, network, positions):
        network.remove_neuron(self.layer, self.index)
        _remove_neuron_position(positions, self.layer, self.index)


class InsertLayerCommand(_SnapshotCommand):
    def __init__(self, doc, index, size=2, activation="tanh"):
        super().__init__(doc, "Insert Layer")
        self.index, self.size, self.activation = index, size, activation

    def refusal(self, network):
        return network.check_insert_layer(self.index, self.size, self.activation)

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
        return (f"Inserted {layer_title(i, n)} between {layer_title(i - 1, n)} and {layer_title(i + 1, n)}; "
                "their direct edges now run through it")


class RemoveLayerCommand(_SnapshotCommand):
    def __init__(self, doc, index):
        super().__init__(doc, "Remove Layer")
        self.index = index

    def refusal(self, network):
        return network.check_remove_layer(self.index)

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

    def refusal(self, network):
        return network.check_resize_layer(self.layer, self.size)

    def apply(self, network, positions):
        network.resize_layer(self.layer, self.size)
        for key in [k for k in positions if k[0] == self.layer and k[1] >= self.size]:
            del positions[key]


class ConnectLayersCommand(_SnapshotCommand):
    def __init__(self, doc, src_layer, dst_layer):
        super().__init__(doc, "Connect Layers")
        self.src_layer, self.dst_layer = src_layer, dst_layer

    def refusal(self, network):
        return network.check_connect_layers(self.src_layer, self.dst_layer)

    def apply(self, network, positions):
        network.connect_layers(self.src_layer, self.dst_layer)


class DisconnectLayersCommand(_SnapshotCommand):
    def __init__(self, doc, src_layer, dst_layer):
        super().__init__(doc, "Disconnect Layers")
        self.src_layer, self.dst_layer = src_layer, dst_layer

    def refusal(self, network):
        return network.check_disconnect_layers(self.src_layer, self.dst_layer)

    def apply(self, network, positions):
        network.disconnect_layers(self.src_layer, self.dst_layer)


class DeleteItemsCommand(_SnapshotCommand):
    """Delete what can be deleted of some edges and neurons, in one step.

    The model says what may go (its ``check_*`` methods): a neuron or edge it
    refuses (the last output neuron, the last input neuron) stays, and
    ``note`` names what stayed and why. Only when nothing at all can go is the
    edit refused. Neurons go from the last layer backwards and from the
    highest index down, so earlier indices stay valid. Selecting every neuron
    of a hidden layer removes the layer. An edge goes with a neuron it
    touches; a selected edge between neurons that stay is removed on its own.
    """

    def __init__(self, doc, neurons=(), edges=()):
        super().__init__(doc, "Delete")
        self.neurons = sorted(set(neurons))
        self.edges = sorted(set(edges))
        self.removed_layers = []
        self.kept = []  # [(what, reason)] for the note

    def prepare(self):
        if not self.neurons and not self.edges:
            raise EditError("nothing is selected to delete")
        super().prepare()

    def apply(self, network, positions):
        self.removed_layers, self.kept = [], []
        for neuron in self.neurons:  # names and indices the model does not know refuse the whole edit
            reason = network.check_neuron(neuron)
            if reason is not None:
                raise EditError(reason)
        plan = self._plan(network.copy())
        gone = {n for n in self.neurons if n not in plan["kept"]}
        removed = 0
        for src, dst in self.edges:
            if src in gone or dst in gone:
                continue
            reason = network.check_disconnect(src, dst)
            if reason is None:
                network.disconnect(src, dst)
                removed += 1
            else:
                self.kept.append((f"the edge {_name(network, src)} \u2192 {_name(network, dst)}", reason))
        for step in plan["steps"]:
            if step[0] == "layer":
                self.removed_layers.append(step[1])
                network.remove_layer(step[1])
                _remove_layer_positions(positions, step[1])
            else:
                network.remove_neuron(*step[1])
                _remove_neuron_position(positions, *step[1])
            removed += 1
        self.kept = plan["refused"] + self.kept
        if not removed:
            what, reason = self.kept[0]
            raise EditError(reason)

    def _plan(self, scratch):
        """Which removals the model allows, tried in order on ``scratch`` (a copy)."""
        steps, kept, refused = [], set(), []
        by_layer = {}
        for layer, index in self.neurons:
            by_layer.setdefault(layer, []).append(index)
        for layer in sorted(by_layer, reverse=True):
            indices = sorted(by_layer[layer], reverse=True)
            layer_reason = None
            if len(indices) == scratch.sizes[layer]:
                layer_reason = scratch.check_remove_layer(layer)
                if layer_reason is None:
                    scratch.remove_layer(layer)
                    steps.append(("layer", layer))
                    continue
            for index in indices:
                reason = scratch.check_remove_neuron(layer, index)
                if reason is not None and layer_reason is not None and 0 < layer < scratch.output_layer:
                    reason = layer_reason  # the layer could not go: say why, not "remove the layer instead"
                if reason is None:
                    scratch.remove_neuron(layer, index)
                    steps.append(("neuron", (layer, index)))
                else:
                    kept.add((layer, index))
                    refused.append((_name(scratch, (layer, index)), reason))
        return {"steps": steps, "kept": kept, "refused": refused}

    def note(self):
        notes = []
        if self.kept:
            parts = [f"{what} ({reason})" for what, reason in self.kept[:3]]
            if len(self.kept) > 3:
                parts.append(f"{len(self.kept) - 3} more")
            listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            notes.append(f"Deleted what could go and kept {listed}")
        rewired = rewire_note(self._before[0], self._after[0], self.removed_layers)
        if rewired:
            notes.append(rewired)
        return ". ".join(notes) or None


# ----------------------------------------------------------------- helpers
def rewire_note(before, after, removed):
    """What removing hidden layers ``removed`` (indices in ``before``) joined anew, or None.

    Removing a layer fully connects its neighbours, with new random weights,
    when no edges joined them, so that data still reaches the output
    (``Network.remove_layer``). A person should hear of edges they did not draw:
    "Removed Hidden 1; connected Input to Output directly with new random weights".
    """
    if not removed:
        return None
    kept = [layer for layer in range(before.n_layers) if layer not in set(removed)]
    joined = sorted((kept[i], kept[j]) for i, j in after.blocks if (kept[i], kept[j]) not in before.blocks)
    if not joined:
        return None
    numbers = [str(layer) for layer in sorted(removed)]
    what = "Hidden " + numbers[0] if len(numbers) == 1 else \
        "Hidden " + ", ".join(numbers[:-1]) + " and " + numbers[-1]
    pairs = "; ".join(f"connected {layer_title(i, before.n_layers)} to {layer_title(j, before.n_layers)} directly"
                      for i, j in joined)
    return f"Removed {what}; {pairs} with new random weights"


def _name(network, neuron):
    return neuron_name(neuron, network.sizes)


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
