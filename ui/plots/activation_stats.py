"""What the activation histograms count: dead ReLUs, saturated units, shares per bin.

Plain NumPy (no Qt), so the counting is tested on its own.
"""

from dataclasses import dataclass

import numpy as np

from simulator.backprop import forward
from simulator.network import Network

BINS = 40
"""Bars of each histogram."""
SATURATION_MARGIN = 0.05
"""A sigmoid or tanh value within this fraction of its range from a rail is saturated:
there the slope is under a tenth of its peak (sigmoid a > 0.975: slope < 0.025 of 0.25).
It is a whole number of bars (2 of 40), so the shaded bands are exactly the bars counted."""
SATURATED_SHARE = 0.9
"""A unit counts as saturated when it sits near a rail for at least this share of the inputs."""
RAILS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
DEAD_KINDS = ("relu", "leaky_relu")


def dead_units(activation, a):
    """Which units are dead: ReLU-like units never positive over any of the inputs.

    Parameters
    ----------
    activation : str
    a : ndarray of shape (n_inputs, n_units)

    Returns
    -------
    ndarray of bool, shape (n_units,)
        All False for other activations or when there are no inputs.
    """
    if activation not in DEAD_KINDS or a.shape[0] == 0:
        return np.zeros(a.shape[1], dtype=bool)
    with np.errstate(invalid="ignore"):
        return ~(a > 0.0).any(axis=0)


def rail_edges(activation, bins=BINS):
    """The histogram's bar edges for an activation with rails: its range in ``bins`` bars."""
    lo, hi = RAILS[activation]
    return np.linspace(lo, hi, bins + 1)


def rail_bars(activation, bins=BINS):
    """Which of the ``bins`` bars are the bands near a rail (the shaded ones); None without rails."""
    if activation not in RAILS:
        return None
    k = max(1, int(round(SATURATION_MARGIN * bins)))
    bars = np.zeros(bins, dtype=bool)
    bars[:k] = bars[-k:] = True
    return bars


def bar_index(a, edges):
    """The bar each value falls in; values outside the edges go to the end bars, NaN to -1.

    Parameters
    ----------
    a : ndarray of any shape
    edges : ndarray of shape (bins + 1,), evenly spaced

    Returns
    -------
    ndarray of intp, the shape of ``a``
    """
    bins = len(edges) - 1
    values = np.asarray(a)
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(np.float64)
    scaled = (values - values.dtype.type(edges[0])) * values.dtype.type(bins / (edges[-1] - edges[0]))
    finite = np.isfinite(scaled)
    if not finite.all():  # rare: only then pay for the NaN
        scaled = np.where(finite, scaled, -1.0)
        np.clip(scaled, -1, bins - 1, out=scaled)
        return np.where(finite, scaled.astype(np.intp), -1)
    np.clip(scaled, 0, bins - 1, out=scaled)
    return scaled.astype(np.intp)


def histogram(a, edges, index=None):
    """Share of all (input, unit) values falling in each bar; values outside go to the end bars.

    NaN values are left out of the counts but not of the total, so a layer of
    NaN shows an empty histogram. ``index`` (from :func:`bar_index`) saves computing it again.
    """
    bins = len(edges) - 1
    total = np.size(a)
    if total == 0:
        return np.zeros(bins)
    index = bar_index(a, edges) if index is None else index
    index = index.ravel()
    return np.bincount(index[index >= 0], minlength=bins) / total


def saturated_units(activation, a, index=None):
    """Which sigmoid or tanh units sit in the shaded bars near a rail for most inputs
    (see SATURATED_SHARE): the same bars the histogram shades, counted the same way.

    Parameters
    ----------
    activation : str
    a : ndarray of shape (n_inputs, n_units)
    index : ndarray of shape (n_inputs, n_units), optional
        ``bar_index(a, rail_edges(activation))``, if already computed.

    Returns
    -------
    ndarray of bool, shape (n_units,)
        All False for other activations or when there are no inputs.
    """
    bars = rail_bars(activation)
    if bars is None or a.shape[0] == 0:
        return np.zeros(a.shape[1], dtype=bool)
    index = bar_index(a, rail_edges(activation)) if index is None else index
    near = (index >= 0) & bars[np.maximum(index, 0)]
    return near.mean(axis=0) >= SATURATED_SHARE


@dataclass(frozen=True)
class LayerCounts:
    """What one layer's histogram shows, counted once for the bars and the title.

    Attributes
    ----------
    shares : ndarray of shape (bins,)
        Share of all the layer's values in each bar.
    flagged : int
        Dead units (ReLU-like) or saturated units (sigmoid, tanh; hidden layers only).
    kind : str
        "dead", "saturated" or "" (nothing is counted for this activation).
    band_share : float
        Share of all values in the shaded bars near a rail (NaN without rails): the
        sum of the shaded bars' heights.
    n_units : int
    """

    shares: np.ndarray
    flagged: int
    kind: str
    band_share: float
    n_units: int


def count_layer(activation, a, edges, output=False):
    """Count a layer's activations ``a`` (n_inputs, n_units) into the bars between ``edges``,
    and its dead or saturated units from the same bars."""
    index = bar_index(a, edges)
    shares = histogram(a, edges, index)
    n = a.shape[1]
    bars = rail_bars(activation, len(edges) - 1)
    band = float(shares[bars].sum()) if bars is not None else float("nan")
    if activation in DEAD_KINDS:
        return LayerCounts(shares, int(dead_units(activation, a).sum()), "dead", band, n)
    if bars is not None and not output:
        same = np.allclose(edges, rail_edges(activation, len(edges) - 1))
        flagged = saturated_units(activation, a, index if same else None)
        return LayerCounts(shares, int(flagged.sum()), "saturated", band, n)
    return LayerCounts(shares, 0, "", band, n)


def activations_over(snapshot, X):
    """Every layer's activations for inputs X with the snapshot's weights, by the core's forward pass.

    Used where the snapshot carries no grid (networks of more than two inputs).

    Returns
    -------
    list of ndarray
        ``a[k]`` of shape (len(X), s_k), inputs first.
    """
    network = Network(snapshot.sizes, list(snapshot.activations), connect=False)
    for (i, j), weights in snapshot.weights.items():
        network.connect_layers(i, j)
        block = network.blocks[(i, j)]
        block.weights[...] = weights
        block.mask[...] = snapshot.masks[(i, j)]
    for layer, bias in zip(network.layers, snapshot.biases):
        layer.bias[...] = bias
    _, a = forward(network, X)
    return a
