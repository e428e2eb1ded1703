"""Per-neuron activation maps: what each neuron computes over the input plane.

A snapshot carries every neuron's activation on an evaluation grid
(``Snapshot.grid_activations``). For two inputs each neuron's column becomes
a small QImage through a 256-colour table (orange for the low end of the
activation's range, white in the middle, blue for the high end: the colours
of negative and positive weights); for one input, a curve. The same colours
serve the inspector's large map.
"""

import functools
import math

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPolygonF

from .items import NEGATIVE, POSITIVE

MAP_MAX_NEURONS = 600   # more hidden and output neurons than this: no mini maps (too small to read anyway)
CURVE_POINTS = 40       # points of a 1-D mini curve

# Activations whose values lie in a fixed range; the others (linear, ReLU)
# are mapped on a symmetric range that only widens over a run.
BOUNDED = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "step": (0.0, 1.0)}


def _table():
    t = np.linspace(-1.0, 1.0, 256)[:, None]
    neg = np.array([NEGATIVE.red(), NEGATIVE.green(), NEGATIVE.blue()], float)
    pos = np.array([POSITIVE.red(), POSITIVE.green(), POSITIVE.blue()], float)
    white = np.full(3, 255.0)
    rgb = np.where(t < 0, white + (neg - white) * -t, white + (pos - white) * t)
    return np.rint(rgb).astype(np.uint8)


MAP_RGB = _table()  # (256, 3): the colour of each level, low to high
MAP_ARGB = (0xFF000000 | (MAP_RGB[:, 0].astype(np.uint32) << 16) | (MAP_RGB[:, 1].astype(np.uint32) << 8)
            | MAP_RGB[:, 2].astype(np.uint32))  # (256,) opaque 0xAARRGGBB of each level


class MapLevels:
    """The value range each layer's maps are coloured over: fixed for bounded
    activations; for the others symmetric about 0, widened only, so a map's
    colours mean the same from frame to frame."""

    def __init__(self):
        self._spans = {}

    def reset(self):
        self._spans = {}

    def span(self, layer, activation, values):
        """(low, high) for ``layer`` with ``activation``, given this frame's ``values``."""
        if activation in BOUNDED:
            return BOUNDED[activation]
        magnitudes = np.abs(np.asarray(values, dtype=float))
        finite = magnitudes[np.isfinite(magnitudes)]  # a diverged neuron does not wash out the others
        top = float(finite.max()) if finite.size else 0.0
        old = self._spans.get(layer, 1e-6)
        if top > old:
            # Round up to 1, 2 or 5 times a power of ten: the range changes seldom.
            exponent = math.floor(math.log10(top))
            step = next(m for m in (1, 2, 5, 10) if m * 10.0 ** exponent >= top)
            old = step * 10.0 ** exponent
            self._spans[layer] = old
        return (-old, old)


def to_levels(values, low, high):
    """``values`` as colour-table indices 0..255 (uint8), clipped to [low, high]."""
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = (np.asarray(values, np.float32) - low) * (255.0 / (high - low))
    return np.clip(np.nan_to_num(scaled, nan=127.5), 0, 255).astype(np.uint8)


def grid_side(grid):
    """Points per axis of a 2-D evaluation grid of ``len(grid)`` points, or None if it is not square."""
    n = math.isqrt(len(grid))
    return n if n * n == len(grid) and n > 1 else None


@functools.lru_cache(maxsize=8)
def _disc(n):
    """(n, n) bool: the pixels whose centres lie in the disc inscribed in an n x n square."""
    centre = (n - 1) / 2.0
    d = np.arange(n) - centre
    return d[:, None] ** 2 + d[None, :] ** 2 <= (n / 2.0) ** 2


def map_images(levels, n):
    """One QImage of side ``n`` per column of ``levels`` (n*n, k) uint8, x1 fastest, x2 rising row by row.

    Each is the map's colours inside the disc that fills the square and
    transparent outside it, so the canvas draws it into a neuron's circle
    without a clip path (which cost more than the rest of a neuron). Row 0 of
    an image is the top: the largest x2, as on a plot.
    """
    levels = np.asarray(levels, np.uint8).reshape(n, n, -1)[::-1]
    argb = np.where(_disc(n)[:, :, None], MAP_ARGB[levels], np.uint32(0))
    images = []
    for i in range(argb.shape[2]):
        rows = np.ascontiguousarray(argb[:, :, i])
        image = QImage(rows.data, n, n, 4 * n, QImage.Format_ARGB32_Premultiplied)
        images.append(image.copy())  # owns its pixels: ``rows`` is freed when this returns
    return images


def layer_curves(x, acts, low, high, radius):
    """One QPolygonF per neuron of a layer over a single input ``x`` (g,), in
    item coordinates of a circle of ``radius``: x left to right, the
    activation's range bottom to top."""
    order = np.argsort(x)
    take = order[np.linspace(0, len(order) - 1, min(CURVE_POINTS, len(order))).round().astype(int)]
    xs = np.linspace(-radius, radius, len(take))
    with np.errstate(over="ignore", invalid="ignore"):
        ys = -((np.asarray(acts, float)[take] - low) / (high - low) * 2 - 1) * radius * 0.8
    ys = np.clip(np.nan_to_num(ys), -radius, radius)
    return [QPolygonF([QPointF(a, b) for a, b in zip(xs.tolist(), ys[:, i].tolist())]) for i in range(ys.shape[1])]
