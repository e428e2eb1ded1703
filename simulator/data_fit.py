"""Does a network fit a dataset, and what would make it fit.

When new data comes in (File > Import Data), the network's input layer must
have one neuron per input column and its output layer one per target column,
and the output layer and loss must suit the targets. ``fit_reasons`` says
what does not fit, in words; ``fitted`` makes the smallest change that fits:
the two layers resized (the other weights kept) and, where the targets need
it, the usual output activation and loss for the task.
"""

import dataclasses

from .activations import check_size
from .errors import EditError
from .losses import get_loss

USUAL_OUTPUT = {"binary": ("sigmoid", "binary_cross_entropy"),
                "classes": ("softmax", "categorical_cross_entropy"),
                "regression": ("linear", "l2")}
"""The output activation and loss a task is usually trained with."""


def _count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _kind(dataset):
    if dataset.task == "regression":
        return "regression"
    return "binary" if dataset.n_outputs == 1 else "classes"


def fit_reasons(network, settings, dataset):
    """What must change before ``network`` with ``settings`` can train on ``dataset``.

    Returns
    -------
    list of str
        Sentences without a full stop, empty if everything fits.
    """
    out = []
    n_in, n_out = network.sizes[0], network.sizes[-1]
    if n_in != dataset.n_inputs:
        out.append(f"the input layer has {_count(n_in, 'neuron')} but the data has "
                   f"{_count(dataset.n_inputs, 'input column')}")
    if n_out != dataset.n_outputs:
        what = (f"{dataset.n_classes} classes (one output each)" if dataset.n_classes > 2
                else "2 classes (one output, the probability of the second)" if dataset.n_classes == 2
                else _count(dataset.n_outputs, "target column"))
        out.append(f"the output layer has {_count(n_out, 'neuron')} but the data has {what}")
    elif _loss_reason(network.activations[-1], n_out, settings.loss, dataset) is not None:
        out.append(_loss_reason(network.activations[-1], n_out, settings.loss, dataset))
    return out


def _loss_reason(activation, n_outputs, loss_name, dataset):
    loss = get_loss(loss_name)
    return (check_size(activation, n_outputs) or loss.check_output(activation, n_outputs)
            or loss.check_targets(dataset.y))


def fitted(network, settings, dataset):
    """A copy of ``network`` and ``settings`` changed to fit ``dataset``, and the changes in words.

    The input and output layers get the data's sizes (new weights drawn as
    ``Network.resize_layer`` draws them; the rest are kept). If the output
    activation or the loss then does not suit the targets, both become the
    usual pair for the task (``USUAL_OUTPUT``); so do they when the output
    layer changed size, as its old activation was chosen for other targets.

    Returns
    -------
    network : Network
    settings : TrainingSettings
    changes : list of str

    Raises
    ------
    EditError
        If a layer cannot have that size (the network's own reason).
    """
    network = network.copy()
    changes, old_out = [], network.sizes[-1]
    for layer, size, name in ((0, dataset.n_inputs, "input"), (network.output_layer, dataset.n_outputs, "output")):
        old = network.sizes[layer]
        if old == size:
            continue
        if layer == network.output_layer and check_size(network.activations[-1], size) is not None:
            network.set_activation(layer, "linear")  # softmax cannot have one neuron: chosen again below
        reason = network.check_resize_layer(layer, size)
        if reason is not None:
            raise EditError(reason)
        network.resize_layer(layer, size)
        changes.append(f"the {name} layer from {old} to {_count(size, 'neuron')}")
    activation = network.activations[-1]
    resized = network.sizes[-1] != old_out
    if resized or _loss_reason(activation, dataset.n_outputs, settings.loss, dataset) is not None:
        activation, loss = USUAL_OUTPUT[_kind(dataset)]
        if network.activations[-1] != activation:
            network.set_activation(network.output_layer, activation)
            changes.append(f"the output activation to {activation}")
        if settings.loss != loss:
            settings = dataclasses.replace(settings, loss=loss)
            changes.append(f"the loss to {get_loss(loss).label}")
    return network, settings, changes
