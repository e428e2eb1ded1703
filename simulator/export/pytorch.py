"""A project as a standalone PyTorch script a student can read top to bottom.

The script holds the settings, the data, an ``nn.Module`` with the network's
layers, masks, skip connections and weights, the loss, the mini-batches drawn
as the app draws them, and a training loop. Run as ``python model.py --steps N``
it trains N steps and prints one JSON line whose ``train_loss`` matches
``python -m simulator train FILE --steps N --json`` (float64, a project with
no saved training state: the script starts from the saved weights with a
fresh optimiser and shuffle, as docs/export.md explains).

PyTorch is never imported here: the script is text, and PyTorch is needed
only to run it.
"""

import os

import numpy as np

from ..atomic_write import write_atomically
from ..errors import SimulatorError
from .npz import npz_bytes
from .script_parts import (ACTIVATION_CODE, HEADER, LOSS_CODE, OPTIMIZER_CODE, PERCEPTRON_STEP,
                           TAIL, TRAIN_STEP)

SIDE_FILE_VALUES = 20_000
"""Above this many parameters (or data values) the numbers go to a side ``.npz`` file."""
_LINE = 96  # characters per line of an inlined array


def check_exportable(project):
    """Why ``project`` cannot be exported as a training script, or None.

    A script trains, so the project must be trainable (``Project.problems``).
    """
    problems = project.problems()
    if problems:
        return "it cannot be trained yet: " + "; ".join(problems)
    return None


def side_file_name(script_path):
    """The side file beside ``script_path``: ``model.py`` -> ``model.npz``."""
    text = str(script_path)
    return (text[:-3] if text.endswith(".py") else text) + ".npz"


def needs_side_file(project):
    """Whether the script keeps its numbers in a side file (weights or data too many to read)."""
    return _split(project) != (False, False)


def _split(project):
    train, test = project.datasets()
    data_values = train.X.size + train.y.size + test.X.size + test.y.size
    return project.network.parameter_count > SIDE_FILE_VALUES, data_values > SIDE_FILE_VALUES


def pytorch_script(project, side_name="model.npz"):
    """The script's text and the arrays of its side file.

    Parameters
    ----------
    project : Project
        A trainable project (see :func:`check_exportable`).
    side_name : str
        The side file's name (no folder: the script looks beside itself).

    Returns
    -------
    text : str
    side : dict of str -> ndarray, or None
        The arrays to save as ``side_name`` (None when everything is inline).

    Raises
    ------
    SimulatorError
        If the project cannot be trained (the script could not either).
    """
    reason = check_exportable(project)
    if reason is not None:
        raise SimulatorError(reason)
    net, settings = project.network, project.settings
    train, test = project.datasets()
    big_weights, big_data = _split(project)
    side = {}
    parts = [HEADER.format(title=repr(project.title or "untitled"), sizes=" -> ".join(map(str, net.sizes)),
                           note=_note(project, side_name if (big_weights or big_data) else None),
                           path_import="\nfrom pathlib import Path" if (big_weights or big_data) else "")]
    parts.append(_settings(settings))
    parts.append(_data(train, test, big_data, side, side_name if (big_weights or big_data) else None))
    parts.append(_weights(net, big_weights, side, side_name))
    parts.append(_module(net))
    parts.append(LOSS_CODE[settings.loss])
    if settings.rule == "perceptron":
        parts.append(PERCEPTRON_STEP.format(output=net.output_layer,
                                            blocks=_perceptron_blocks(net)))
    else:
        parts.append(OPTIMIZER_CODE[settings.optimizer])
        parts.append(TRAIN_STEP)
    parts.append(TAIL.format(make=("None" if settings.rule == "perceptron" else "make_optimizer(model)")))
    return "\n\n\n".join(p.strip("\n") for p in parts) + "\n", (side or None)


# ------------------------------------------------------------------ pieces
def _note(project, side_name):
    lines = []
    state = project.training_state
    if state is not None and state.step:
        lines.append(f"The project had trained {state.step:,} steps. This script starts from those\n"
                     "weights with a fresh optimiser (no momentum or Adam moments yet) and a fresh\n"
                     "shuffle, so its steps are those of the app after New Run, not after Resume.")
    if project.settings.precision != "float64":
        lines.append(f"The app trained this project in {project.settings.precision}; this script\n"
                     "computes in float64, so its numbers differ from the app's after a few digits.")
    if side_name is not None:
        lines.append(f"Too many numbers to read here: they are in {side_name}, beside this script.")
    return ("\n\n" + "\n\n".join(lines)) if lines else ""


def _settings(s):
    lines = ["# ----------------------------------------------------------------- 1. settings",
             "# The training settings of the project, as the app's Data & Training panel shows them.",
             f"LOSS = {s.loss!r}",
             f"RULE = {s.rule!r}  # backprop: gradient descent with the optimiser below"]
    if s.rule == "perceptron":
        lines[-1] = f"RULE = {s.rule!r}  # the classic rule for step units: only the learning rate counts"
    else:
        lines.append(f"OPTIMIZER = {s.optimizer!r}")
    lines.append(f"LEARNING_RATE = {s.learning_rate!r}")
    if s.rule == "backprop":
        if s.optimizer == "momentum":
            lines.append(f"MOMENTUM = {s.momentum!r}")
        if s.optimizer == "adam":
            lines += [f"BETA1 = {s.beta1!r}", f"BETA2 = {s.beta2!r}", f"EPSILON = {s.epsilon!r}"]
        lines += [f"L1 = {s.l1!r}  # adds L1 * sign(w) to the gradient of every weight (not the biases)",
                  f"L2 = {s.l2!r}  # adds L2 * w to the gradient of every weight (not the biases)"]
    lines += [f"BATCH_SIZE = {s.batch_size!r}  # samples per step; 0 (or the whole set or more) means full batch",
              f"SHUFFLE = {s.shuffle!r}  # reshuffle the training set at the start of every epoch",
              f"SEED = {s.seed!r}  # seeds the shuffling"]
    return "\n".join(lines)


def _data(train, test, big, side, side_name):
    """The data section; ``side_name`` None when nothing goes to the side file."""
    task = train.task
    what = (f"{task}, classes {', '.join(train.target_names)}" if task == "classification"
            else f"regression, targets {', '.join(train.target_names)}")
    lines = ["# --------------------------------------------------------------------- 2. data",
             f"# {train.n_samples:,} training and {test.n_samples:,} test samples ({what}).",
             f"# Inputs, one column each: {', '.join(train.feature_names)}."]
    if task == "classification" and train.n_outputs == 1:
        lines.append(f"# Targets: 1 for {train.target_names[1]}, 0 for {train.target_names[0]}.")
    elif task == "classification":
        lines.append("# Targets: one column per class, 1 in the sample's class and 0 elsewhere (one-hot).")
    arrays = {"X_TRAIN": train.X, "Y_TRAIN": train.y, "X_TEST": test.X, "Y_TEST": test.y}
    if side_name is not None:
        lines.append(f"SIDE_FILE = np.load(Path(__file__).with_name({side_name!r}))  # the numbers, beside this script")
    if big:
        for name, values in arrays.items():
            side[name.lower()] = np.asarray(values, dtype=np.float64)
            lines.append(f"{name} = SIDE_FILE[{name.lower()!r}]")
    else:
        for name, values in arrays.items():
            lines.append(f"{name} = {_array(values, name + ' = ')}")
    return "\n".join(lines)


def _weights(net, big, side, side_name):
    """The weights section: one constant per weight block, mask and bias vector."""
    sizes = net.sizes
    lines = ["# ------------------------------------------------------------------ 3. weights",
             "# W_i_k holds the weights of the edges from layer i to layer k: row r, column c",
             "# is the edge from neuron r of layer i to neuron c of layer k. B_k holds the",
             "# biases of layer k. MASK_i_k is 1 where an edge exists and 0 where it was removed."]
    if big:
        lines.append(f"# They are in {side_name}, beside this script.")
    for (i, k), block in sorted(net.blocks.items()):
        removed = block.mask.size - int(np.count_nonzero(block.mask))
        lines.append(_constant(f"W_{i}_{k}", block.weights, big, side))
        if removed:
            lines.append(f"# {_count(removed, 'edge')} of {block.mask.size:,} removed")
            lines.append(_constant(f"MASK_{i}_{k}", block.mask, big, side, ints=True))
    for k in range(1, len(sizes)):
        lines.append(_constant(f"B_{k}", net.layers[k].bias, big, side))
    return "\n".join(lines)


def _count(n, noun):
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _constant(name, values, big, side, ints=False):
    if big:
        side[name.lower()] = np.asarray(values, dtype=np.float64)
        return f"{name} = SIDE_FILE[{name.lower()!r}]"
    return f"{name} = {_array(values, name + ' = ', ints)}"


def _module(net):
    sizes, acts = net.sizes, net.activations
    layers = "\n    ".join(f"Layer {k}: {sizes[k]} {acts[k - 1]} neuron{'s' if sizes[k] != 1 else ''}."
                           for k in range(1, len(sizes)))
    init, body = [], []
    for k in range(1, len(sizes)):
        sources = sorted(i for (i, j) in net.blocks if j == k)
        for i in sources:
            init.append(f"        self.w_{i}_{k} = nn.Parameter(torch.tensor(W_{i}_{k}, dtype=DTYPE))")
            if not net.blocks[(i, k)].full:
                # a buffer moves with the module (.to(), state_dict) but is not trained
                init.append(f'        self.register_buffer("mask_{i}_{k}", torch.tensor(MASK_{i}_{k}, dtype=DTYPE))')
        init.append(f"        self.b_{k} = nn.Parameter(torch.tensor(B_{k}, dtype=DTYPE))")
        terms = [f"a[{i}] @ " + (f"(self.w_{i}_{k} * self.mask_{i}_{k})"
                                 if not net.blocks[(i, k)].full else f"self.w_{i}_{k}") for i in sources]
        if terms:
            came = ", ".join(map(str, sources))
            body.append(f"        # layer {k} ({sizes[k]} {acts[k - 1]}): edges from "
                        f"layer{'s' if len(sources) > 1 else ''} {came}")
            # one term per line: a layer fed by several layers reads as a sum
            joint = " + " if len(terms) == 1 else "\n                 + "
            body.append("        z.append(" + joint.join(terms + [f"self.b_{k}"]) + ")")
        else:
            body.append(f"        # layer {k} ({sizes[k]} {acts[k - 1]}): no edges reach it, "
                        "so every sample gets its biases")
            body.append(f"        z.append(self.b_{k}.expand(len(x), {sizes[k]}))")
        code, comment = ACTIVATION_CODE[acts[k - 1]]
        body.append(f"        a.append({code.format(z=f'z[{k}]')}){comment}")
    masked = [f"self.w_{i}_{j}.mul_(self.mask_{i}_{j})" for (i, j), b in sorted(net.blocks.items()) if not b.full]
    keep = ("\n".join(f"        {m}" for m in masked) if masked
            else "        pass  # no edge was removed")
    return f'''# ------------------------------------------------------------------ 4. network
class Network(nn.Module):
    """The network: layers of {' -> '.join(map(str, sizes))} neurons.

    {layers}

    Layer 0 is the inputs. Layer k's pre-activations z[k] add up, for every
    earlier layer i with edges into layer k, a[i] @ w_i_k (a matrix of shape
    (neurons of i, neurons of k)), plus the biases b_k; then a[k] = f(z[k])
    with layer k's activation f. An edge that skips layers is simply a block
    w_i_k with i < k - 1. Where edges were removed, w_i_k is multiplied by a
    mask of 0s and 1s, so a removed edge never carries anything.
    """

    def __init__(self):
        super().__init__()
{chr(10).join(init)}

    def layers(self, x):
        """Every layer's pre-activations z[k] and activations a[k]; x has shape (n, {sizes[0]})."""
        z, a = [None], [x]  # layer 0, the inputs, has no pre-activations
{chr(10).join(body)}
        return z, a

    def forward(self, x):
        """The output layer's pre-activations (the logits) and activations."""
        z, a = self.layers(x)
        return z[-1], a[-1]

    @torch.no_grad()
    def zero_removed_edges(self):
        """Put removed edges back to exactly 0 (momentum or Adam could otherwise move them)."""
{keep}'''


def _perceptron_blocks(net):
    out = net.output_layer
    lines = []
    for i in sorted(i for (i, j) in net.blocks if j == out):
        masked = "" if net.blocks[(i, out)].full else f" * model.mask_{i}_{out}"
        lines.append(f"        model.w_{i}_{out} -= LEARNING_RATE * (a[{i}].T @ delta){masked}")
    return "\n".join(lines)


# ------------------------------------------------------------ number text
def _array(values, prefix, ints=False):
    """Python text of a 1-D or 2-D array written after ``prefix`` on its line.

    Exact: the repr of a float64 reads back as the same number. Each row of a
    matrix starts a line, aligned under the first.
    """
    values = np.asarray(values, dtype=np.float64)
    cell = (lambda v: str(int(v))) if ints else (lambda v: repr(float(v)))  # noqa: E731
    opener, closer = ("[", "]") if ints else ("np.array([", "])")
    column = len(prefix) + len(opener)
    if values.ndim == 1:
        return opener + _wrap([cell(v) for v in values], column) + closer
    if values.shape[0] == 0:
        return f"np.zeros((0, {values.shape[1]}))"
    rows = [f"[{_wrap([cell(v) for v in row], column + 1)}]" for row in values]
    return opener + (",\n" + " " * column).join(rows) + closer
def _wrap(cells, indent):
    lines, line = [], ""
    for c in cells:
        piece = (", " if line else "") + c
        if line and indent + len(line) + len(piece) > _LINE:
            lines.append(line + ",")
            line = c
        else:
            line += piece
    lines.append(line)
    return ("\n" + " " * indent).join(lines)


def write_pytorch(project, path):
    """Write the script to ``path`` and, when needed, its side file beside it.

    Returns
    -------
    list of str
        The files written, the side file (if any) first.

    Raises
    ------
    SimulatorError
        If the project cannot be trained, or a file cannot be written (the
        script is then not written).
    """
    side_path = side_file_name(path)
    text, side = pytorch_script(project, os.path.basename(side_path))
    written = []
    if side is not None:
        write_atomically(side_path, npz_bytes(side))
        written.append(side_path)
    write_atomically(path, text.encode("utf-8"))
    return written + [str(path)]
