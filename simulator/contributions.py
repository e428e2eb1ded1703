"""Universal approximation, term by term: what each hidden neuron adds to the output.

For a network with one input, one hidden layer and one linear output neuron,

    y(x) = sum_j v_j * a_j(x) + c

where ``a_j`` is hidden neuron j's activation, ``v_j`` its weight into the
output and ``c`` the output bias. Each term ``v_j * a_j(x)`` is one
*contribution*; plotted together with their sum, they show how a curve is
built from S-shapes (or ramps, or steps).
"""

import numpy as np


def check_contributions(sizes, activations, blocks):
    """Why the contributions of a network of this shape cannot be shown, or None if they can.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, inputs first.
    activations : sequence of str
        One per layer after the inputs.
    blocks : iterable of (int, int)
        The (from, to) layer pairs that have a weight block.

    Returns
    -------
    str or None
        The reason, written for a learner.
    """
    sizes, activations = list(sizes), list(activations)
    if len(sizes) != 3:
        return (f"The contributions view splits the output of a network with one hidden layer into one "
                f"curve per hidden neuron; this network has {max(len(sizes) - 2, 0)} hidden layers.")
    if sizes[0] != 1 or sizes[2] != 1:
        return (f"The contributions view needs one input and one output (a curve y(x)); this network has "
                f"{sizes[0]} input{'s' if sizes[0] != 1 else ''} and {sizes[2]} output{'s' if sizes[2] != 1 else ''}.")
    if activations[1] != "linear":
        return (f"The contributions view needs a linear output neuron, so that the output is exactly the sum "
                f"of the hidden neurons' contributions; this one uses {activations[1]}.")
    if (0, 2) in set(blocks):
        return ("The input is also wired straight to the output (a skip connection), so the output is more "
                "than the sum of the hidden neurons' contributions.")
    return None


def output_contributions(hidden, w_out, b_out):
    """Each hidden neuron's weighted contribution to the output, and their total.

    Parameters
    ----------
    hidden : ndarray of shape (n, h)
        The hidden layer's activations at n inputs.
    w_out : ndarray of shape (h, 1)
        The weights from the hidden layer to the output (0 where there is no edge).
    b_out : float
        The output neuron's bias.

    Returns
    -------
    terms : ndarray of shape (n, h)
        ``terms[:, j] = w_out[j] * hidden[:, j]``.
    total : ndarray of shape (n,)
        ``terms.sum(axis=1) + b_out``: the network's output when it is linear.
    """
    hidden = np.asarray(hidden, dtype=float)
    weights = np.asarray(w_out, dtype=float).reshape(-1)
    terms = hidden * weights[None, :]
    total = terms.sum(axis=1) + float(b_out)
    return terms, total
