"""Automatic layout: one column per layer, each column centred on y = 0.

Scene coordinates are pixels at 100 % zoom. Manual positions (the document's
``positions``) override these neuron by neuron.
"""

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
