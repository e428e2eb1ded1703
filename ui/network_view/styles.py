"""How edges and neurons are coloured in the canvas's two colour modes.

Weights (the default): an edge's colour is the sign of its weight and its
width the size of |w| against the network's largest. Gradients: an edge's
colour and width are the decade of |dL/dw|, a neuron's fill is the sign and
decade of its delta dL/dz. The decades come from :class:`LogLevels`, which
only ever widens, so colours never flicker from one frame to the next.

Every style is an integer key per edge (a colour index into a palette and a
width level), computed for a whole block at once with NumPy; the edge item
groups edges by key and draws each group with one call.
"""

import math

import numpy as np
from PySide6.QtGui import QColor

from .items import NEGATIVE, POSITIVE, WIDTH_LEVELS, ZERO, width_level

COLOUR_MODES = ("weights", "gradients")
DECADES = 6  # decades of |dL/dw| and |delta| told apart; smaller ones are "below the range"

# Weights: index = sign + 1.
WEIGHT_PALETTE = (NEGATIVE, ZERO, POSITIVE)

# |dL/dw|, from "below the range" (pale grey) through the decades to the
# largest (dark red): a sequential map, since a magnitude has no sign. Light
# to dark reads as weak to strong on the white canvas.
GRADIENT_PALETTE = (QColor(214, 214, 214), QColor(252, 217, 118), QColor(251, 170, 60),
                    QColor(238, 118, 38), QColor(214, 63, 45), QColor(162, 26, 66), QColor(88, 14, 80))
assert len(GRADIENT_PALETTE) == DECADES + 1


class LogLevels:
    """Decades of a magnitude on a log scale, chosen from powers of ten and only widened.

    The top is the smallest power of ten at or above the largest magnitude
    seen since the last ``reset``; the scale spans ``DECADES`` decades below
    it. Magnitudes below the scale (and exact zeros) fall in bin 0.
    """

    def __init__(self, decades=DECADES):
        self.decades = decades
        self.top = None  # exponent: the scale ends at 10**top

    def reset(self):
        self.top = None

    def widen(self, largest):
        """Take in the largest magnitude of a new frame; True if the scale changed.
        A non-finite one (a diverged run) changes nothing: pass ``largest_finite``."""
        if not (largest > 0 and math.isfinite(largest)):
            return False
        top = math.ceil(math.log10(largest) - 1e-12)
        if self.top is None or top > self.top:
            self.top = top
            return True
        return False

    @property
    def bottom(self):
        return None if self.top is None else self.top - self.decades

    def bins(self, magnitudes):
        """Bin of each magnitude: 0 below the scale, 1..decades from the smallest decade up.

        Parameters
        ----------
        magnitudes : ndarray of shape (n,)
            Non-negative values.

        Returns
        -------
        ndarray of int8, shape (n,)
        """
        m = np.abs(np.asarray(magnitudes, dtype=np.float64))
        if self.top is None:
            return np.zeros(m.shape, np.int8)
        with np.errstate(divide="ignore", invalid="ignore"):
            exponent = np.floor(np.log10(m))  # -inf for zeros
        b = exponent - self.bottom + 1
        b = np.where(np.isfinite(b), b, np.where(m == np.inf, self.decades, 0))  # infinite: the top; NaN: none
        return np.clip(b, 0, self.decades).astype(np.int8)

    def edges(self):
        """The powers of ten between bins: 10**bottom ... 10**top (decades + 1 values)."""
        if self.top is None:
            return []
        return [10.0 ** e for e in range(self.bottom, self.top + 1)]


def largest_finite(arrays):
    """The largest finite |value| in ``arrays`` (0.0 if none): what a scale widens to."""
    tops = [0.0]
    for a in arrays:
        a = np.abs(np.asarray(a, dtype=np.float64))
        a = a[np.isfinite(a)]
        if a.size:
            tops.append(float(a.max()))
    return max(tops)


def weight_keys(weights, scale):
    """(colour index into WEIGHT_PALETTE, width level) per edge."""
    w = np.asarray(weights, dtype=np.float64)
    signs = np.where(w > 0, 1, np.where(w < 0, -1, 0))  # NaN: 0, as np.sign's NaN cannot be an index
    return (signs + 1).astype(np.int8), width_level(w, scale).astype(np.int8)


def gradient_keys(magnitudes, levels):
    """(colour index into GRADIENT_PALETTE, width level) per edge, from |dL/dw| and the fixed levels."""
    b = levels.bins(magnitudes)
    widths = np.rint(b.astype(np.float64) * (WIDTH_LEVELS - 1) / levels.decades).astype(np.int8)
    return b, widths


def delta_fills(deltas, levels):
    """The fill of each neuron of one layer from its delta: white for tiny
    deltas, deeper blue (positive) or orange (negative) decade by decade."""
    table = _fill_table(levels.decades)
    bins = levels.bins(deltas).astype(int)
    signs = (np.asarray(deltas) > 0).astype(int)
    return [table[s][b] for s, b in zip(signs.tolist(), bins.tolist())]


_FILLS = {}


def _fill_table(decades):
    """[negative fills, positive fills], each indexed by bin."""
    if decades not in _FILLS:
        white = QColor(255, 255, 255)
        _FILLS[decades] = [[QColor(250, 250, 250)] + [mix(white, end, 0.12 + 0.88 * b / decades)
                                                     for b in range(1, decades + 1)] for end in (NEGATIVE, POSITIVE)]
    return _FILLS[decades]


def mix(a, b, t):
    """The colour a fraction ``t`` of the way from ``a`` to ``b``."""
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


def decade_label(exponent):
    """10**exponent as short text: "1e-3", "0.01", "1", "10"."""
    if -2 <= exponent <= 2:
        return f"{10.0 ** exponent:g}"
    return f"1e{exponent}".replace("-", "\u2212")
