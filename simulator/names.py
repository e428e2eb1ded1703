"""What to call neurons and layers when talking to a person.

Indices count from 0 in code and from 1 on screen: the first input is x1,
the first hidden layer is "Hidden 1" (it is layer 1 in code, because
layer 0 holds the inputs).
"""


def neuron_name(neuron, sizes):
    """"x1", "ŷ" (a single output), "ŷ2", or "neuron 3 of Hidden 1" (as the canvas titles the layer).

    Parameters
    ----------
    neuron : (int, int)
        (layer, index), counted from 0.
    sizes : sequence of int
        Neurons per layer, inputs first.
    """
    layer, index = neuron
    if layer == 0:
        return f"x{index + 1}"
    if layer == len(sizes) - 1:
        return "\u0177" if sizes[layer] == 1 else f"\u0177{index + 1}"
    return f"neuron {index + 1} of {layer_title(layer, len(sizes))}"


def layer_title(layer, n_layers):
    """"Input", "Hidden 1", "Output": a layer's heading."""
    if layer == 0:
        return "Input"
    return "Output" if layer == n_layers - 1 else f"Hidden {layer}"


def layer_phrase(layer, n_layers):
    """"the input layer", "Hidden 1", "the output layer": a layer inside a sentence,
    named as the canvas titles it."""
    if layer == 0:
        return "the input layer"
    return "the output layer" if layer == n_layers - 1 else layer_title(layer, n_layers)


def neuron_symbol(neuron, sizes):
    """A short name for formulas: "x1", "ŷ" (or "ŷ2"), "h1.3" (neuron 3 of Hidden 1)."""
    layer, index = neuron
    if layer == 0 or layer == len(sizes) - 1:
        return neuron_name(neuron, sizes)
    return f"h{layer}.{index + 1}"
