"""CSV tables: the loss history of a run, or the network's weights one row each.

A project file holds no history (a run's history lives in the app while it is
open, and ``python -m simulator train --log`` streams it), so the command
line's ``--to csv`` writes the weights; the window's export writes the history
it holds.
"""

import csv
import io

from ..atomic_write import write_atomically
from ..history import COLUMNS

WEIGHT_COLUMNS = ("kind", "from_layer", "from_neuron", "to_layer", "to_neuron", "value")


def history_csv(history):
    """The history as CSV text: a header of ``history.COLUMNS``, a row per step, NaN as an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in history.to_rows():
        writer.writerow(["" if v != v else v for v in row])
    return out.getvalue()


def weights_csv(network):
    """The network's parameters as CSV text.

    One row per edge (``edge``, from layer and neuron, to layer and neuron,
    weight) in order of (from layer, to layer, from neuron, to neuron), then
    one row per bias (``bias``, empty from columns, its layer and neuron,
    value). Layers and neurons count from 0; layer 0 is the inputs.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(WEIGHT_COLUMNS)
    for i, s, j, d, w in network.edges():
        writer.writerow(("edge", i, s, j, d, repr(w)))
    for k, layer in enumerate(network.layers[1:], start=1):
        for index, b in enumerate(layer.bias):
            writer.writerow(("bias", "", "", k, index, repr(float(b))))
    return out.getvalue()


def write_csv(text, path):
    """Write CSV text to ``path`` whole (a temporary file renamed over it)."""
    write_atomically(path, text.encode("utf-8"))
