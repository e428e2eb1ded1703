"""What the canvas's tooltips say: the thing under the mouse, its numbers,
and the gestures that work on it."""

from simulator.names import layer_title, neuron_name

from ..wording import activation_label, plural
from .items import format_value

NEURON_HELP = ("Drag the centre to move it (selected neurons move together; the arrow keys nudge them).\n"
               "Drag from the rim, or Ctrl+drag, to connect it to a neuron of a later layer.\n"
               "Double-click to set the bias; scroll over a selected neuron to nudge it (Shift: finer).")
EDGE_HELP = ("Double-click to set the weight; scroll over a selected edge to nudge it (Shift: finer).\n"
             "Delete removes the selected edges.")
LAYER_HELP = "Double-click an empty spot to add a neuron here; right-click for layer actions."
BACKGROUND_HELP = ("Drag on the background to select with a rubber band; Space+drag or the middle button pans;\n"
                   "the wheel zooms about the cursor. Right-click for Fit and Re-layout.")


def tooltip(net, hit):
    """The tooltip for ``hit`` (as ``NetworkScene.hit_test`` returns it) in network ``net``."""
    sizes = net.sizes
    if hit is None:
        return BACKGROUND_HELP
    if hit[0] == "neuron":
        key = hit[1]
        name = neuron_name(key, sizes)
        if key[0] == 0:
            return f"Input {name}\n{NEURON_HELP.split(chr(10))[0]}\n{NEURON_HELP.split(chr(10))[1]}"
        act = activation_label(net.layers[key[0]].activation)
        bias = format_value(float(net.layers[key[0]].bias[key[1]]))
        return f"{name[0].upper()}{name[1:]}: bias {bias}, {act}\n{NEURON_HELP}"
    if hit[0] == "edge":
        src, dst = hit[1]
        w = format_value(net.weight(src, dst))
        return (f"Weight {w} from {neuron_name(src, sizes)} to {neuron_name(dst, sizes)}\n"
                f"{EDGE_HELP}")
    layer = hit[1]
    kind = layer_title(layer, len(sizes))
    size = sizes[layer]
    act = "" if layer == 0 else f", {activation_label(net.layers[layer].activation)}"
    return f"{kind} layer: {plural(size, 'neuron')}{act}\n{LAYER_HELP}"
