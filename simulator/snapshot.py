"""Frozen, read-only records of a network's state, handed to the UI.

A snapshot owns copies of everything it shows, as float32 arrays with the
write flag cleared, so it can cross threads and be kept while training goes
on without either side seeing the other change.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .numpy_calls import errstate


# beyond float32's range shows as inf, as it should (errstate as a decorator,
# see numpy_calls.py: a snapshot makes dozens of copies)
@errstate(over="ignore")
def frozen(array, dtype=np.float32):
    """A read-only C-contiguous copy of ``array``, of ``dtype`` (None keeps
    the array's own); the one way anything frozen is made to cross threads."""
    out = np.array(array, dtype=dtype, order="C", copy=True)
    out.flags.writeable = False
    return out


class Picklable:
    """Lets a frozen dataclass of read-only arrays and mappings cross into another
    process (``pickle``): its mappings travel as dicts and come back as
    read-only mappings, its arrays come back read-only."""

    def __reduce__(self):
        fields = {name: dict(value) if isinstance(value, MappingProxyType) else value
                  for name, value in vars(self).items()}
        return _rebuild, (type(self), fields, [k for k, v in vars(self).items() if isinstance(v, MappingProxyType)])


def _rebuild(cls, fields, mappings):
    for name in mappings:
        fields[name] = MappingProxyType(fields[name])
    for value in fields.values():
        for array in _arrays(value):
            array.flags.writeable = False
    return cls(**fields)


def _arrays(value):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _arrays(item)
    elif isinstance(value, MappingProxyType):
        for item in value.values():
            yield from _arrays(item)


def _frozen_map(mapping, dtype=np.float32):
    return MappingProxyType({k: frozen(v, dtype) for k, v in mapping.items()})


@dataclass(frozen=True)
class Snapshot(Picklable):
    """The state of training after a step (or a phase of one).

    Attributes
    ----------
    step, epoch : int
        Steps completed; epochs started.
    sizes : tuple of int
    activations : tuple of str
        One per layer after the inputs.
    weights, masks : mapping (i, j) -> ndarray of shape (s_i, s_j)
    biases : tuple of ndarray of shape (s_k,)
    grad_weights : mapping (i, j) -> ndarray of shape (s_i, s_j)
        dL/dw of the last completed backward pass (0 before the first).
    grad_biases, neuron_deltas : tuple of ndarray of shape (s_k,)
        dL/db and the batch mean of delta = dL/dz per neuron.
    layer_grad_norms : tuple of float
    history : mapping column -> ndarray of shape (k,)
        Only the history rows new since the previous snapshot of a run (see
        ``history.COLUMNS``; ``step`` numbers each row), or every row when
        ``history_reset`` is True: a receiver keeps its own record
        (``History.extend``) instead of being sent the whole history 30 times a second.
    history_reset : bool
        True: ``history`` is the whole record; forget what you had.
    grid : ndarray of shape (g, n_inputs) or None
        Points of the evaluation grid.
    grid_activations : tuple of ndarray of shape (g, s_k), or ()
        Every neuron's activation over the grid (layer 0 is the grid itself).
    phase : tuple or None
        ``(kind, layer)`` of the last phase run when stepping through a step.
    message : str
        Something to tell the learner (e.g. training paused on a NaN loss).
    metrics : mapping str -> float
        Evaluated when the snapshot was taken: ``train_loss``, ``train_accuracy``
        over the whole training set, ``test_loss``, ``test_accuracy`` (NaN
        where they do not apply); empty if nothing was evaluated.
    """

    step: int
    epoch: int
    sizes: tuple
    activations: tuple
    weights: MappingProxyType
    masks: MappingProxyType
    biases: tuple
    grad_weights: MappingProxyType
    grad_biases: tuple
    neuron_deltas: tuple
    layer_grad_norms: tuple
    history: MappingProxyType
    grid: np.ndarray = None
    grid_activations: tuple = ()
    phase: tuple = None
    message: str = ""
    history_reset: bool = True
    metrics: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


def take_snapshot(network, last_pass, history, step, epoch, grid=None, phase=None, message="", since=None,
                  metrics=None):
    """Build a Snapshot from the live network and the last Pass (which may be None).

    ``since``: the last step whose history row the receiver already has (None:
    send the whole history).
    """
    from .backprop import forward
    from .history import COLUMNS

    sizes = network.sizes
    zeros = [np.zeros(s) for s in sizes]
    grad_w = {}
    grad_b, deltas, norms = zeros, zeros, [0.0] * len(sizes)
    if last_pass is not None:
        grad_w = {k: g for k, g in last_pass.grad_w.items() if k in network.blocks and
                  g.shape == network.blocks[k].weights.shape}
        grad_b = [g if g is not None and g.shape == (s,) else np.zeros(s)
                  for g, s in zip(last_pass.grad_b, sizes)] if len(last_pass.grad_b) == len(sizes) else zeros
        deltas = [d.mean(axis=0) if d is not None and d.shape[1] == s else np.zeros(s)
                  for d, s in zip(last_pass.delta, sizes)] if len(last_pass.delta) == len(sizes) else zeros
        norms = last_pass.layer_grad_norms() if len(last_pass.grad_b) == len(sizes) else norms
    for key, block in network.blocks.items():
        grad_w.setdefault(key, np.zeros_like(block.weights))
    grid_acts = ()
    if grid is not None:
        # in chunks, straight into float32: only the result grows with the grid
        _, a = forward(network, grid, dtype=np.float32, keep_z=False)
        for x in a:
            x.flags.writeable = False
        grid_acts = tuple(a)
    return Snapshot(
        step=step, epoch=epoch, sizes=tuple(sizes), activations=tuple(network.activations),
        weights=_frozen_map({k: b.weights for k, b in network.blocks.items()}),
        masks=_frozen_map({k: b.mask for k, b in network.blocks.items()}, dtype=bool),
        biases=tuple(frozen(l.bias) for l in network.layers),
        grad_weights=_frozen_map(grad_w),
        grad_biases=tuple(frozen(g) for g in grad_b),
        neuron_deltas=tuple(frozen(d) for d in deltas),
        layer_grad_norms=tuple(float(n) for n in norms),
        history=_history_rows(history, since, COLUMNS), history_reset=since is None,
        metrics=MappingProxyType(dict(metrics or {})),
        grid=None if grid is None else frozen(grid),
        grid_activations=grid_acts, phase=phase, message=message)


def _history_rows(history, since, columns):
    rows = history.rows_after(-1 if since is None else since)
    return MappingProxyType({c: frozen(rows[i], np.float64) for i, c in enumerate(columns)})
