"""What edits a network allows, and why not: the one home of the model's rules.

Every ``check_*`` method changes nothing and returns the reason an edit would
be refused, as a sentence a person can read, or None if it would be made.
The edit methods of :class:`~simulator.network.Network` call them and raise
``EditError`` with that reason; the commands, menus and the canvas ask them
before offering an edit, so everyone gives the same answer for the same
reason. The project file reader asks the module functions for the rules it
meets value by value (sizes, activations, numbers).

The parameter limit counts what is stored: an edge block is a dense array,
so a block holds a slot for every pair of its two layers' neurons, whether
the edge exists or was removed.
"""

import numpy as np

from .activations import ACTIVATION_NAMES
from .errors import EditError
from .limits import MAX_LAYER_SIZE, MAX_LAYERS, MAX_PARAMETERS, MAX_WEIGHT
from .names import layer_phrase, neuron_name

HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATION_NAMES if name != "softmax")
"""The activations a hidden layer may take: softmax turns a layer's scores into
class probabilities, which only means something at the output."""


# ----------------------------------------------------- rules of single values
def size_reason(size):
    """Why ``size`` cannot be the number of neurons of a layer, or None."""
    if not isinstance(size, (int, np.integer)) or isinstance(size, (bool, np.bool_)):
        return f"a layer size must be a whole number, not {size!r}"
    if not 1 <= size <= MAX_LAYER_SIZE:
        return f"a layer must have 1 to {MAX_LAYER_SIZE} neurons, not {size}"
    return None


def activation_reason(name, output):
    """Why ``name`` cannot be the activation of a layer, or None.

    Parameters
    ----------
    name : str
    output : bool
        Whether the layer is the output layer (hidden layers may not use softmax).
    """
    if not isinstance(name, str) or name not in ACTIVATION_NAMES:
        return f"unknown activation {name!r} (known: {', '.join(ACTIVATION_NAMES)})"
    if not output and name not in HIDDEN_ACTIVATIONS:
        return f"{name} is only offered on the output layer, where it turns scores into class probabilities"
    return None


def number_reason(value, what):
    """Why ``value`` cannot be stored as ``what`` ("a weight", "a bias"), or None."""
    # float() would also take "0.5" or True; neither is a number a person typed as one
    if isinstance(value, (str, bytes, bool, np.bool_)):
        return f"{what} must be a number, not {value!r}"
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        return f"{what} must be a number, not {value!r}"
    if not np.isfinite(value):
        return f"{what} must be a finite number, not {value}"
    if abs(value) > MAX_WEIGHT:
        return f"{what} must be between {-MAX_WEIGHT:g} and {MAX_WEIGHT:g}, not {value:g}"
    return None


def _whole(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class NetworkRules:
    """The checks of :class:`~simulator.network.Network` (a base class of it).

    Reads ``layers``, ``blocks`` and the queries of the network; never writes.
    """

    # ------------------------------------------------------------- counting
    @property
    def stored_parameter_count(self):
        """Numbers the network stores: every slot of every edge block (removed
        edges included) plus the biases after the input layer. The parameter
        limit counts this."""
        return int(sum(b.mask.size for b in self.blocks.values())) + sum(self.sizes[1:])

    def _limit_reason(self, extra, block=None):
        """Why storing ``extra`` more numbers would break the limit, or None.

        ``block``: the (src, dst) layers of a new weight block the edit needs,
        to name its size."""
        total = self.stored_parameter_count + int(extra)
        if total <= MAX_PARAMETERS:
            return None
        if block is not None:
            i, j = block
            rows, cols = self.sizes[i], self.sizes[j]
            return (f"joining {self._layer(i)} to {self._layer(j)} needs a weight block of "
                    f"{rows:,} \u00d7 {cols:,} = {rows * cols:,} weights, however few edges are drawn: "
                    f"the network would store {total:,} parameters; the limit is {MAX_PARAMETERS:,}")
        return f"that would make {total:,} stored parameters; the limit is {MAX_PARAMETERS:,}"

    def _adjacent_slots(self, layer):
        """Slots one more neuron of ``layer`` adds to the blocks it touches."""
        return sum(b.mask.shape[0] for (i, j), b in self.blocks.items() if j == layer) + \
            sum(b.mask.shape[1] for (i, j), b in self.blocks.items() if i == layer)

    # ------------------------------------------------------ where things are
    def check_layer(self, layer):
        """Why ``layer`` is not a layer of this network, or None."""
        if not _whole(layer) or not 0 <= layer < len(self.layers):
            return f"there is no layer {layer!r} (layers are 0 to {len(self.layers) - 1})"
        return None

    def check_neuron(self, neuron):
        """Why ``neuron`` (a ``(layer, index)`` pair) is not a neuron of this network, or None."""
        try:
            layer, index = neuron
        except (TypeError, ValueError):
            return f"a neuron is a (layer, index) pair, not {neuron!r}"
        reason = self.check_layer(layer)
        if reason is None and (not _whole(index) or not 0 <= index < self.sizes[layer]):
            reason = f"layer {layer} has no neuron {index!r} (it has {self.sizes[layer]})"
        return reason

    def check_layer_pair(self, src, dst):
        """Why edges cannot run from layer ``src`` to layer ``dst``, or None."""
        reason = self.check_layer(src) or self.check_layer(dst)
        if reason is not None:
            return reason
        if dst == 0:
            return "nothing can connect into the input layer: it only holds the data"
        if src == dst:
            return "neurons of the same layer cannot be connected: edges run from one layer to a later one"
        if src > dst:
            return (f"edges run forwards, from a layer to a later one; {self._layer(src)} comes after "
                    f"{self._layer(dst)}")
        return None

    def check_edge(self, src, dst):
        """Why there is no edge ``src -> dst`` to read, change or remove, or None."""
        reason = self.check_neuron(src) or self.check_neuron(dst) or self.check_layer_pair(src[0], dst[0])
        if reason is None and not self.has_edge(src, dst):
            reason = f"there is no edge from {self._neuron(src)} to {self._neuron(dst)}"
        return reason

    # --------------------------------------------------------------- values
    def check_set_weight(self, src, dst, value):
        """Why the weight of edge ``src -> dst`` cannot be set to ``value``, or None."""
        return number_reason(value, "a weight") or self.check_edge(src, dst)

    def check_set_bias(self, neuron, value):
        """Why the bias of ``neuron`` cannot be set to ``value``, or None."""
        reason = number_reason(value, "a bias") or self.check_neuron(neuron)
        if reason is None and neuron[0] == 0:
            reason = "input neurons have no bias: they pass the data on unchanged"
        return reason

    def allowed_activations(self, layer):
        """The activation names ``layer`` may take, in menu order.

        None for the input layer (it passes the data on unchanged); softmax
        only for the output layer.
        """
        if self.check_layer(layer) is not None or layer == 0:
            return ()
        return ACTIVATION_NAMES if layer == self.output_layer else HIDDEN_ACTIVATIONS

    def check_activation(self, layer, name):
        """Why ``layer`` cannot take the activation ``name``, or None."""
        reason = self.check_layer(layer)
        if reason is None and layer == 0:
            reason = "the input layer has no activation: it passes the data on unchanged"
        return reason or activation_reason(name, layer == self.output_layer)

    # ---------------------------------------------------------------- edges
    def check_connect(self, src, dst, weight=None):
        """Why the edge ``src -> dst`` (with ``weight``, or a random one) cannot be added, or None."""
        reason = self.check_neuron(src) or self.check_neuron(dst) or self.check_layer_pair(src[0], dst[0])
        if reason is not None:
            return reason
        if self.has_edge(src, dst):
            return f"{self._neuron(src)} is already connected to {self._neuron(dst)}"
        if weight is not None and number_reason(weight, "a weight"):
            return number_reason(weight, "a weight")
        key = (src[0], dst[0])
        if key not in self.blocks:
            return self._limit_reason(self.sizes[key[0]] * self.sizes[key[1]], key)
        return None

    def connect_targets(self, src):
        """Which neurons ``src`` could be connected to: one answer per neuron.

        Agrees with :meth:`check_connect` everywhere, computed a layer at a
        time (for the canvas, which lights up every target of a drag).

        Returns
        -------
        list of ndarray of bool, one of shape (size_k,) per layer k
        """
        out = [np.zeros(size, dtype=bool) for size in self.sizes]
        if self.check_neuron(src) is not None:
            return out
        i, index = src
        for j in range(i + 1, len(self.layers)):
            block = self.blocks.get((i, j))
            if block is not None:
                out[j] = ~block.mask[index]
            elif self._limit_reason(self.sizes[i] * self.sizes[j]) is None:
                out[j][:] = True
        return out

    def check_disconnect(self, src, dst):
        """Why the edge ``src -> dst`` cannot be removed, or None."""
        return self.check_edge(src, dst)

    def check_connect_layers(self, src_layer, dst_layer):
        """Why layer ``src_layer`` cannot be fully connected to ``dst_layer``, or None."""
        reason = self.check_layer_pair(src_layer, dst_layer)
        if reason is not None:
            return reason
        block = self.blocks.get((src_layer, dst_layer))
        if block is not None:
            if block.full:
                return f"{self._layer(src_layer)} is already fully connected to {self._layer(dst_layer)}"
            return None
        return self._limit_reason(self.sizes[src_layer] * self.sizes[dst_layer], (src_layer, dst_layer))

    def check_disconnect_layers(self, src_layer, dst_layer):
        """Why the edges from ``src_layer`` to ``dst_layer`` cannot be removed, or None."""
        reason = self.check_layer(src_layer) or self.check_layer(dst_layer)
        if reason is None and (src_layer, dst_layer) not in self.blocks:
            reason = f"{self._layer(src_layer)} has no edges to {self._layer(dst_layer)}"
        return reason

    # -------------------------------------------------------------- neurons
    def check_add_neuron(self, layer, index=None):
        """Why a neuron cannot be added to ``layer`` at ``index`` (default: last), or None."""
        reason = self.check_layer(layer)
        if reason is not None:
            return reason
        size = self.sizes[layer]
        if index is not None and (not _whole(index) or not 0 <= index <= size):
            return f"a neuron can be inserted in layer {layer} at positions 0 to {size}, not {index!r}"
        return size_reason(size + 1) or self._limit_reason(self._adjacent_slots(layer) + (layer > 0))

    def check_resize_layer(self, layer, size):
        """Why ``layer`` cannot be given exactly ``size`` neurons, or None."""
        reason = self.check_layer(layer) or size_reason(size)
        if reason is None and size > self.sizes[layer]:
            extra = size - self.sizes[layer]
            reason = self._limit_reason(extra * (self._adjacent_slots(layer) + (layer > 0)))
        return reason

    def check_remove_neuron(self, layer, index):
        """Why neuron ``index`` of ``layer`` cannot be removed, or None. A layer keeps at least one."""
        reason = self.check_neuron((layer, index))
        if reason is None and self.sizes[layer] == 1:
            if layer == self.output_layer:
                return "the last output neuron cannot be removed: the network must have an output"
            if layer == 0:
                return "the last input neuron cannot be removed: the network must have an input"
            return f"{self._neuron((layer, index))} is the last one in its layer: remove the layer instead"
        return reason

    # --------------------------------------------------------------- layers
    def check_insert_layer(self, index, size, activation="tanh", rewire=True):
        """Why a hidden layer of ``size`` neurons cannot become layer ``index``, or None."""
        if not _whole(index) or not 1 <= index <= self.output_layer:
            return f"a hidden layer can be inserted at positions 1 to {self.output_layer}, not {index!r}"
        if len(self.layers) >= MAX_LAYERS:
            return f"a network can have at most {MAX_LAYERS} layers"
        reason = size_reason(size) or activation_reason(activation, output=False)
        if reason is not None:
            return reason
        extra = size
        if rewire:
            before, after = self.sizes[index - 1], self.sizes[index]
            replaced = self.blocks.get((index - 1, index))
            extra += size * (before + after) - (replaced.mask.size if replaced is not None else 0)
        return self._limit_reason(extra)

    def check_remove_layer(self, index):
        """Why layer ``index`` cannot be removed, or None. Only hidden layers can."""
        reason = self.check_layer(index)
        if reason is not None:
            return reason
        if index == 0:
            return "the input layer cannot be removed"
        if index == self.output_layer:
            return "the output layer cannot be removed: the network must have an output"
        if (index - 1, index + 1) not in self.blocks:
            # the neighbours will be fully connected: refuse now if that breaks the limit
            freed = sum(b.mask.size for key, b in self.blocks.items() if index in key) + self.sizes[index]
            rows, cols = self.sizes[index - 1], self.sizes[index + 1]
            if self._limit_reason(rows * cols - freed) is not None:
                total = self.stored_parameter_count + rows * cols - freed
                return (f"removing {self._layer(index)} would join {self._layer(index - 1)} to "
                        f"{self._layer(index + 1)} directly with a block of {rows:,} \u00d7 {cols:,} weights: "
                        f"the network would store {total:,} parameters; the limit is {MAX_PARAMETERS:,}")
        return None

    # ---------------------------------------------------------------- names
    def _neuron(self, neuron):
        return neuron_name(neuron, self.sizes)

    def _layer(self, layer):
        return layer_phrase(layer, len(self.layers))


def require(reason):
    """Raise ``EditError(reason)`` unless ``reason`` is None."""
    if reason is not None:
        raise EditError(reason)
