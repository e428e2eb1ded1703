"""The network model: ordered layers, masked weight blocks, biases, and edits.

Layer 0 holds the inputs. An edge runs from a neuron of an earlier layer to a
neuron of a later layer, so skip connections are possible and cycles are not.
Each connected pair of layers ``(i, j)`` with ``i < j`` keeps a dense weight
block of shape (size_i, size_j) and a boolean mask of the same shape saying
which edges exist. A removed edge has mask False and weight exactly 0, so the
maths can use the dense block as it is.

Every edit asks its check first (``check_*`` in ``network_rules.py``, which
change nothing and return the reason) and raises :class:`EditError` with that
reason before changing anything, so a refused edit leaves the network as it
was.
"""

import numpy as np

from .activations import ACTIVATION_NAMES
from .errors import EditError, SimulatorError
from .limits import MAX_LAYERS, MAX_PARAMETERS
from .network_rules import NetworkRules, activation_reason, number_reason, require, size_reason
from .parameters import ParameterStore

INIT_METHODS = ("xavier", "he", "uniform", "zeros")


class Layer:
    """One layer: its size, activation name, and a bias per neuron.

    The input layer's activation is always ``linear`` and its biases are 0
    and unused.
    """

    __slots__ = ("activation", "bias")

    def __init__(self, size, activation="linear", bias=None):
        self.activation = activation
        self.bias = np.zeros(size) if bias is None else np.array(bias, dtype=float)

    @property
    def size(self):
        return self.bias.shape[0]


class Block:
    """The edges from layer ``src`` to layer ``dst``.

    Attributes
    ----------
    weights : ndarray of shape (size_src, size_dst)
        0 wherever ``mask`` is False.
    mask : ndarray of bool, shape (size_src, size_dst)
    """

    __slots__ = ("weights", "mask")

    def __init__(self, weights, mask):
        self.weights = weights
        self.mask = mask

    @property
    def full(self):
        return bool(self.mask.all())


class Network(NetworkRules):
    """A feed-forward network that can be edited neuron by neuron.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, inputs first.
    activations : sequence of str, optional
        One per layer after the input layer; default tanh for hidden layers
        and sigmoid for the output.
    connect : bool
        Fully connect each layer to the next.
    init : str
        One of ``INIT_METHODS``.
    seed : int
        Seeds the initial weights and the weights of edges added later.
    """

    def __init__(self, sizes, activations=None, connect=True, init="xavier", seed=0, init_scale=1.0):
        sizes = list(sizes)
        if len(sizes) < 2:
            raise EditError("a network needs an input layer and an output layer")
        if len(sizes) > MAX_LAYERS:
            raise EditError(f"a network can have at most {MAX_LAYERS} layers, not {len(sizes)}")
        for size in sizes:
            require(size_reason(size))
        if activations is None:
            activations = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
        if len(activations) != len(sizes) - 1:
            raise EditError(f"{len(sizes) - 1} activations are needed (one per layer after the inputs), "
                            f"not {len(activations)}")
        for k, name in enumerate(activations, start=1):
            require(activation_reason(name, output=k == len(sizes) - 1))
        # count before allocating: the limit exists so a typo cannot exhaust memory
        if connect:
            total = sum(a * b for a, b in zip(sizes, sizes[1:])) + sum(sizes[1:])
            if total > MAX_PARAMETERS:
                raise EditError(f"fully connected, layers of {' × '.join(f'{s:,}' for s in sizes)} neurons "
                                f"would store {total:,} parameters; the limit is {MAX_PARAMETERS:,}")
        self.layers = [Layer(sizes[0])] + [Layer(s, a) for s, a in zip(sizes[1:], activations)]
        self.blocks = {}
        self.rng = np.random.default_rng(seed)
        self._plan = self._store = None
        self._dtype = np.dtype(np.float64)
        if connect:
            for i in range(len(sizes) - 1):
                self._new_block(i, i + 1, full=True)
            self.initialize(init, seed, init_scale)

    # ----------------------------------------------------------------- queries
    @property
    def sizes(self):
        return [layer.size for layer in self.layers]

    @property
    def activations(self):
        return [layer.activation for layer in self.layers[1:]]

    @property
    def n_layers(self):
        return len(self.layers)

    @property
    def output_layer(self):
        return len(self.layers) - 1

    @property
    def edge_count(self):
        return int(sum(np.count_nonzero(b.mask) for b in self.blocks.values()))

    @property
    def parameter_count(self):
        """Edges plus biases of every non-input neuron."""
        return self.edge_count + sum(self.sizes[1:])

    def has_edge(self, src, dst):
        """Whether the edge ``src -> dst`` exists; both are (layer, index)."""
        block = self.blocks.get((src[0], dst[0]))
        return block is not None and bool(block.mask[src[1], dst[1]])

    def weight(self, src, dst):
        require(self.check_edge(src, dst))
        return float(self.blocks[(src[0], dst[0])].weights[src[1], dst[1]])

    def bias(self, neuron):
        require(self.check_neuron(neuron))
        return float(self.layers[neuron[0]].bias[neuron[1]])

    def edges(self):
        """Every edge as ``(src_layer, src_index, dst_layer, dst_index, weight)``."""
        out = []
        for (i, j), block in sorted(self.blocks.items()):
            for s, d in zip(*np.nonzero(block.mask)):
                out.append((i, int(s), j, int(d), float(block.weights[s, d])))
        return out

    def incoming(self, layer, index):
        """Edges into neuron (layer, index): list of ((src_layer, src_index), weight)."""
        return self._edges_at((layer, index), into=True)

    def outgoing(self, layer, index):
        """Edges out of neuron (layer, index): list of ((dst_layer, dst_index), weight)."""
        return self._edges_at((layer, index), into=False)

    def _edges_at(self, neuron, into):
        require(self.check_neuron(neuron))
        layer, index = neuron
        out = []
        for (i, j), block in sorted(self.blocks.items()):
            if (j if into else i) != layer:
                continue
            mask, weights = (block.mask.T, block.weights.T) if into else (block.mask, block.weights)
            other = i if into else j
            for k in np.nonzero(mask[index])[0]:
                out.append(((other, int(k)), float(weights[index, k])))
        return out

    # ------------------------------------------------------------- whole-state
    @classmethod
    def from_arrays(cls, sizes, activations, blocks, biases):
        """A network with these layers, weight blocks ({(src, dst): Block}, already
        checked) and biases (one array per layer after the inputs)."""
        network = cls(sizes, activations, connect=False)
        network.blocks = dict(blocks)
        for layer, bias in zip(network.layers[1:], biases):
            layer.bias = bias
        network._changed()
        return network

    def copy(self):
        """A deep copy (weights, masks, biases, activations, RNG state)."""
        other = Network.__new__(Network)
        other.layers = [Layer(l.size, l.activation, l.bias.copy()) for l in self.layers]
        other.blocks = {k: Block(b.weights.copy(), b.mask.copy()) for k, b in self.blocks.items()}
        # a fresh default_rng() would read OS entropy, which is slow; copy the state instead
        other.rng = np.random.Generator(type(self.rng.bit_generator)(0))
        other.rng.bit_generator.state = self.rng.bit_generator.state
        other._plan = other._store = None
        other._dtype = self._dtype
        return other

    def assign(self, other):
        """Make this network a copy of ``other``, keeping its identity (for undo)."""
        twin = other.copy()
        self.layers, self.blocks, self.rng = twin.layers, twin.blocks, twin.rng
        self._changed()

    def same_as(self, other):
        """True if both networks have identical structure, weights and biases."""
        if self.sizes != other.sizes or self.activations != other.activations:
            return False
        if set(self.blocks) != set(other.blocks):
            return False
        for a, b in zip(self.layers, other.layers):
            if not np.array_equal(a.bias, b.bias):
                return False
        for key, block in self.blocks.items():
            o = other.blocks[key]
            if not (np.array_equal(block.mask, o.mask) and np.array_equal(block.weights, o.weights)):
                return False
        return True

    def initialize(self, method="xavier", seed=None, scale=1.0):
        """Draw fresh weights for every existing edge and zero the biases.

        Parameters
        ----------
        method : {"xavier", "he", "uniform", "zeros"}
            Glorot/Xavier uniform, He normal, uniform(-scale, scale), or all 0.
        seed : int, optional
            Reseeds the network's generator first, for reproducible weights.
        """
        if method not in INIT_METHODS:
            raise EditError(f"unknown initialisation {method!r} (known: {', '.join(INIT_METHODS)})")
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        fan_in = self._fan_in()
        for (i, j), block in sorted(self.blocks.items()):
            block.weights[...] = self._draw(block.mask.shape, method, scale, fan_in[j], self.sizes[j])
            block.weights *= block.mask
        for layer in self.layers[1:]:
            layer.bias[:] = 0.0

    # ------------------------------------------------------------------- edits
    def set_weight(self, src, dst, value):
        """Set the weight of the existing edge ``src -> dst``."""
        require(self.check_set_weight(src, dst, value))
        self.blocks[(src[0], dst[0])].weights[src[1], dst[1]] = float(value)

    def set_bias(self, neuron, value):
        require(self.check_set_bias(neuron, value))
        self.layers[neuron[0]].bias[neuron[1]] = float(value)

    def set_activation(self, layer, name):
        require(self.check_activation(layer, name))
        self.layers[layer].activation = name
        self._changed(structure=False)

    def connect(self, src, dst, weight=None):
        """Add the edge ``src -> dst``; a random weight if ``weight`` is None."""
        require(self.check_connect(src, dst, weight))
        value = self.initial_weight(src, dst) if weight is None else float(weight)
        block = self.blocks.get((src[0], dst[0]))
        if block is None:
            block = self._new_block(src[0], dst[0], full=False)
        block.mask[src[1], dst[1]] = True
        block.weights[src[1], dst[1]] = value
        self._changed()

    def initial_weight(self, src, dst):
        """A random weight for a new edge ``src -> dst``, drawn as :meth:`connect`
        draws one (Xavier, counting the new edge in the fan-in). Advances the
        network's random generator."""
        return float(self._draw((1, 1), "xavier", 1.0, self._fan_in()[dst[0]] + 1, self.sizes[dst[0]])[0, 0])

    def disconnect(self, src, dst):
        """Remove the edge ``src -> dst``."""
        require(self.check_disconnect(src, dst))
        key = (src[0], dst[0])
        block = self.blocks[key]
        block.mask[src[1], dst[1]] = False
        block.weights[src[1], dst[1]] = 0.0
        if not block.mask.any():
            del self.blocks[key]
        self._changed()

    def connect_layers(self, src_layer, dst_layer, init="xavier", scale=1.0):
        """Add every missing edge from one layer to a later one, with fresh weights."""
        require(self.check_connect_layers(src_layer, dst_layer))
        block = self.blocks.get((src_layer, dst_layer))
        shape = (self.sizes[src_layer], self.sizes[dst_layer])
        if block is None:
            block = self._new_block(src_layer, dst_layer, full=False)
        fresh = self._draw(shape, init, scale, self._fan_in()[dst_layer] + shape[0], shape[1])
        new = ~block.mask
        block.weights[new] = fresh[new]
        block.mask[:] = True
        self._changed()

    def disconnect_layers(self, src_layer, dst_layer):
        """Remove every edge from one layer to another."""
        require(self.check_disconnect_layers(src_layer, dst_layer))
        del self.blocks[(src_layer, dst_layer)]
        self._changed()

    def add_neuron(self, layer, index=None, bias=0.0):
        """Add a neuron to ``layer`` at ``index`` (default: last).

        The new neuron is connected wherever its layer already has edges: from
        every neuron of each layer feeding its layer and to every neuron its
        layer feeds, with small random weights.
        """
        require(self.check_add_neuron(layer, index) or number_reason(bias, "a bias"))
        size = self.sizes[layer]
        index = size if index is None else index
        bias = float(bias)
        fan_in = self._fan_in()
        for (i, j), block in self.blocks.items():
            if j == layer:
                col = self._draw((block.mask.shape[0], 1), "xavier", 1.0, fan_in[j], size + 1)[:, 0]
                block.weights = np.insert(block.weights, index, col, axis=1)
                block.mask = np.insert(block.mask, index, True, axis=1)
            elif i == layer:
                row = self._draw((1, block.mask.shape[1]), "xavier", 1.0, fan_in[j], block.mask.shape[1])[0]
                block.weights = np.insert(block.weights, index, row, axis=0)
                block.mask = np.insert(block.mask, index, True, axis=0)
        lay = self.layers[layer]
        lay.bias = np.insert(lay.bias, index, bias if layer else 0.0)
        self._changed()

    def resize_layer(self, layer, size):
        """Give ``layer`` exactly ``size`` neurons in one edit.

        Growing adds neurons at the end, connected as :meth:`add_neuron`
        connects one; shrinking removes the last neurons and their edges.
        Either way each weight block changes once, so a big resize is quick.
        """
        require(self.check_resize_layer(layer, size))
        old = self.sizes[layer]
        if size == old:
            return
        if size > old:
            extra = size - old
            fan_in = self._fan_in()
            for (i, j), block in self.blocks.items():
                if j == layer:
                    cols = self._draw((block.mask.shape[0], extra), "xavier", 1.0, fan_in[j], size)
                    block.weights = np.concatenate([block.weights, cols], axis=1)
                    block.mask = np.concatenate([block.mask, np.ones(cols.shape, bool)], axis=1)
                elif i == layer:
                    rows = self._draw((extra, block.mask.shape[1]), "xavier", 1.0, fan_in[j], block.mask.shape[1])
                    block.weights = np.concatenate([block.weights, rows], axis=0)
                    block.mask = np.concatenate([block.mask, np.ones(rows.shape, bool)], axis=0)
            lay = self.layers[layer]
            lay.bias = np.concatenate([lay.bias, np.zeros(extra)])
        else:
            for key in list(self.blocks):
                block = self.blocks[key]
                if layer in key:
                    cut = (slice(None, size), slice(None)) if key[0] == layer else (slice(None), slice(None, size))
                    block.weights, block.mask = block.weights[cut].copy(), block.mask[cut].copy()
                    if not block.mask.any():
                        del self.blocks[key]
            lay = self.layers[layer]
            lay.bias = lay.bias[:size].copy()
        self._changed()

    def remove_neuron(self, layer, index):
        """Remove a neuron and all its edges. A layer keeps at least one neuron."""
        require(self.check_remove_neuron(layer, index))
        for key in list(self.blocks):
            block = self.blocks[key]
            axis = 0 if key[0] == layer else 1 if key[1] == layer else None
            if axis is None:
                continue
            block.weights = np.delete(block.weights, index, axis=axis)
            block.mask = np.delete(block.mask, index, axis=axis)
            if not block.mask.any():
                del self.blocks[key]
        lay = self.layers[layer]
        lay.bias = np.delete(lay.bias, index)
        self._changed()

    def insert_layer(self, index, size, activation="tanh", rewire=True):
        """Insert a hidden layer so that it becomes layer ``index``.

        With ``rewire``, the new layer is fully connected from the layer before
        it and to the layer after it, and the edges that ran directly between
        those two are removed: the new layer sits in the path.
        """
        require(self.check_insert_layer(index, size, activation, rewire))
        shifted = {}
        for (i, j), block in self.blocks.items():
            shifted[(i + (i >= index), j + (j >= index))] = block
        self.blocks = shifted
        self.layers.insert(index, Layer(size, activation))
        if rewire:
            self.blocks.pop((index - 1, index + 1), None)
            fan_in = self._fan_in()
            for a, b in ((index - 1, index), (index, index + 1)):
                block = self._new_block(a, b, full=True)
                block.weights[...] = self._draw(block.mask.shape, "xavier", 1.0, fan_in[b] + self.sizes[a],
                                                self.sizes[b])
        self._changed()

    def remove_layer(self, index):
        """Remove a hidden layer and its edges.

        If that leaves the layers on either side unconnected, they are fully
        connected so that data still reaches the output.
        """
        require(self.check_remove_layer(index))
        shifted = {}
        for (i, j), block in self.blocks.items():
            if index in (i, j):
                continue
            shifted[(i - (i > index), j - (j > index))] = block
        self.blocks = shifted
        del self.layers[index]
        if (index - 1, index) not in self.blocks:
            block = self._new_block(index - 1, index, full=True)
            block.weights[...] = self._draw(block.mask.shape, "xavier", 1.0, self._fan_in()[index] +
                                            self.sizes[index - 1], self.sizes[index])
        self._changed()

    # --------------------------------------------------------------- internals
    def _changed(self, structure=True):
        """Forget the training plan; after a structural edit, the flat storage too
        (the blocks and biases are then arrays of their own until it is rebuilt)."""
        self._plan = None
        if structure:
            self._store = None

    def _new_block(self, i, j, full):
        shape = (self.sizes[i], self.sizes[j])
        block = Block(np.zeros(shape), np.full(shape, full, dtype=bool))
        self.blocks[(i, j)] = block
        return block

    def _fan_in(self):
        fan = [0] * len(self.layers)
        for (i, j), block in self.blocks.items():
            fan[j] += block.mask.shape[0]
        return fan

    def _draw(self, shape, method, scale, fan_in, fan_out):
        fan_in = max(fan_in, 1)
        if method == "xavier":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            return self.rng.uniform(-limit, limit, shape)
        if method == "he":
            return self.rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        if method == "uniform":
            return self.rng.uniform(-scale, scale, shape)
        return np.zeros(shape)

    # ------------------------------------------------ storage and training plan
    def parameters(self, dtype=None):
        """The network's flat parameter storage, built after each structural edit.

        Building it copies every weight and bias into one flat array (see
        ``parameters.py``) and makes each ``block.weights`` and ``layer.bias``
        a view of it, so setting a weight and training change the same numbers.

        Parameters
        ----------
        dtype : numpy dtype, optional
            float64 (the default) or float32 for faster training of big
            networks. Once asked for, a precision sticks until another is.

        Returns
        -------
        ParameterStore
        """
        if dtype is not None and dtype is not self._dtype and np.dtype(dtype) != self._dtype:
            self._dtype = np.dtype(dtype)
            self._changed()
        if self._store is None:
            store = ParameterStore(self, self._dtype)
            for key, block in self.blocks.items():
                block.weights = store.weights[key]
            for layer, bias in zip(self.layers[1:], store.biases[1:]):
                layer.bias = bias
            self._store = store
        return self._store

    def plan(self, dtype=None):
        """The arrays a training step walks (a ``backprop.Plan`` over :meth:`parameters`),
        rebuilt only after structural edits and changes of activation.

        Parameters
        ----------
        dtype : numpy dtype, optional
            As for :meth:`parameters`.
        """
        store = self.parameters(dtype)
        if self._plan is None or self._plan.store is not store:
            from .backprop import Plan
            self._plan = Plan(self, self._dtype)
        return self._plan


__all__ = ["Network", "Layer", "Block", "INIT_METHODS", "ACTIVATION_NAMES", "SimulatorError"]
