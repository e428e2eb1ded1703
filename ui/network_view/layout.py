"""Automatic layout: one column per layer, each column centred on y = 0.

Scene coordinates are pixels at 100 % zoom. Manual positions (the document's
``positions``) override these neuron by neuron; ``free_places`` keeps a
dropped neuron from hiding another.
"""

import numpy as np

NEURON_SPACING = 56.0   # centre to centre within a column
LAYER_SPACING = 180.0   # column to column, for small networks
ASPECT = 0.45           # tall networks: columns at least this fraction of the tallest column apart


MIN_LAYER_SPACING = 120.0  # deep networks: columns no closer than this
DEEP = 5                  # networks of more layers than this draw their columns closer


def layer_spacing(sizes):
    """Distance between columns: wider for tall layers, so big networks are not
    a thin strip; closer for deep ones (more than DEEP layers), so a deep and
    narrow network is not a thin strip either."""
    tallest = (max(sizes) - 1) * NEURON_SPACING if sizes else 0.0
    base = LAYER_SPACING
    if len(sizes) > DEEP:
        base = max(MIN_LAYER_SPACING, LAYER_SPACING * (DEEP - 1) / (len(sizes) - 1))
    return max(base, ASPECT * tallest)


def auto_layout(sizes):
    """Centre of every neuron for layers of the given sizes.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, inputs first.

    Returns
    -------
    dict
        ``{(layer, index): (x, y)}``; layer ``l`` sits at ``x = l * spacing``
        and its neurons are spread evenly about ``y = 0``, index 0 on top.
    """
    dx = layer_spacing(sizes)
    positions = {}
    for layer, size in enumerate(sizes):
        top = -(size - 1) * NEURON_SPACING / 2.0
        for index in range(size):
            positions[(layer, index)] = (layer * dx, top + index * NEURON_SPACING)
    return positions


DROP_GAP = 36.0  # centre to centre: a dropped neuron is set at least this far from every other (2 radii + 2)


def free_places(moves, others, gap=DROP_GAP):
    """Where dropped neurons go so that none hides another.

    Parameters
    ----------
    moves : dict of key -> (x, y)
        Where the person dropped each neuron, in scene coordinates.
    others : array of shape (n, 2)
        Centres of the neurons that stay where they are.
    gap : float
        The least distance between two centres after the drop.

    Returns
    -------
    dict of key -> (x, y)
        ``moves``, with each neuron that would lie closer than ``gap`` to
        another nudged to the nearest free place (searched on rings around
        the drop point, 4 units apart). Neurons are placed in key order, each
        keeping clear of those placed before it.
    """
    grid = _Grid(gap)
    for x, y in np.asarray(others, dtype=float).reshape(-1, 2).tolist():
        grid.add(x, y)
    placed = {}
    for key in sorted(moves):
        x, y = moves[key]
        near = grid.near(x, y, gap)
        if len(near) and np.min(np.hypot(near[:, 0] - x, near[:, 1] - y)) < gap:
            x, y = _nearest_free(x, y, grid, gap)
        placed[key] = (x, y)
        grid.add(x, y)
    return placed


class _Grid:
    """Points bucketed in square cells, so a drop looks only at its neighbours."""

    def __init__(self, cell):
        self.cell = float(cell)
        self.cells = {}

    def add(self, x, y):
        self.cells.setdefault((int(x // self.cell), int(y // self.cell)), []).append((x, y))

    def near(self, x, y, reach):
        """Every point within ``reach`` of (x, y) in each axis (and some a little farther): an (n, 2) array."""
        c, k = self.cell, int(np.ceil(reach / self.cell))
        cx, cy = int(x // c), int(y // c)
        found = [p for i in range(cx - k, cx + k + 1) for j in range(cy - k, cy + k + 1)
                 for p in self.cells.get((i, j), ())]
        return np.array(found, dtype=float).reshape(-1, 2)


def _nearest_free(x, y, grid, gap, step=4.0):
    near = None
    for ring in range(1, 400):
        radius = ring * step
        if ring % 10 == 1:  # the neighbours a ring can touch, looked up again every ten rings
            near = grid.near(x, y, radius + 10 * step + gap)
        count = max(12, int(2 * np.pi * radius / step))
        angle = np.linspace(0.0, 2 * np.pi, count, endpoint=False)
        cx, cy = x + radius * np.cos(angle), y + radius * np.sin(angle)
        if not len(near):
            return round(float(cx[0]), 1), round(float(cy[0]), 1)
        clear = np.min(np.hypot(cx[:, None] - near[None, :, 0], cy[:, None] - near[None, :, 1]), axis=1)
        free = np.flatnonzero(clear >= gap)
        if len(free):
            best = free[np.argmax(clear[free])]
            return round(float(cx[best]), 1), round(float(cy[best]), 1)
    return x, y
