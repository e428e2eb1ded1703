"""How much memory training a network takes, estimated before any is spent.

A project file inside every size limit can still ask for more memory than a
computer has: 4,096 hidden neurons trained on 100,000 samples in one batch
need a (100,000 x 4,097) array of float64 (3.3 GB) for each of the several
intermediate results of a step. Training asks :func:`check_training` first and
refuses, naming the sizes that cause it, anything whose estimate passes
:data:`BUDGET_BYTES`.

Evaluation (the test set after each step, the whole training set at the end)
runs in chunks of :func:`chunk_rows` samples, so its memory does not grow with
the data; only training batches scale with the batch size.
"""

from dataclasses import dataclass

import numpy as np

# The most one training run may use. A learner's laptop often has 8 GB, of
# which the system, a browser and the window itself take much; 2 GiB leaves
# room for them, is far above any lesson (the largest needs a few MB), and
# still fits a 4,096-neuron layer trained in batches of a few thousand.
BUDGET_BYTES = 2 * 2**30

# Arrays of shape (batch, layer width) alive at once during a step, per layer:
# the activations (with their column of ones), z, delta, dL/da and the
# temporaries of an activation's derivative. Measured peaks (tracemalloc) are
# 4 to 5 for sigmoid, ReLU and tanh layers; 6 keeps the estimate on the safe side.
WORKING_COPIES = 6

# Copies of the flat parameter array: the parameters, the gradient of each
# reusable batch workspace (training and evaluation), two roll-back copies,
# the regularisation and edge masks, and the optimiser's temporaries.
PARAMETER_COPIES = 10
OPTIMIZER_STATE = {"sgd": 0, "momentum": 1, "adam": 2}  # extra arrays the optimiser remembers

# Rows evaluated at once: a chunk's activations take about this much per copy.
EVAL_CHUNK_BYTES = 16 * 2**20


@dataclass(frozen=True)
class Estimate:
    """The memory a training run needs, in bytes, by what it is spent on.

    Attributes
    ----------
    batch : int
        Samples per step (the whole training set for full-batch training).
    width : int
        Neurons after the input layer, summed over the layers.
    itemsize : int
        Bytes per number: 8 for float64, 4 for float32.
    activations : int
        The step's working arrays: batch x width x itemsize x WORKING_COPIES.
    evaluation : int
        One chunk of evaluation, the same arrays for ``chunk_rows`` samples.
    parameters : int
        Weights (every slot of the dense blocks), biases, gradients, roll-back
        copies and optimiser state.
    data : int
        The datasets as loaded (float64) and their copies in the working precision.
    """

    batch: int
    width: int
    itemsize: int
    activations: int
    evaluation: int
    parameters: int
    data: int

    @property
    def total(self):
        return self.activations + self.evaluation + self.parameters + self.data


def chunk_rows(sizes, itemsize, n_samples):
    """How many samples to push through the network at once when evaluating.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, inputs first.
    itemsize : int
        Bytes per number.
    n_samples : int

    Returns
    -------
    int
        From 1 to ``max(n_samples, 1)``: all of a lesson's data at once, a few
        hundred rows for a 4,096-neuron layer.
    """
    width = max(sum(sizes[1:]) + len(sizes), 1)
    return int(max(1, min(max(n_samples, 1), EVAL_CHUNK_BYTES // (width * itemsize))))


def estimate(sizes, slots, n_train, n_test, n_columns, settings):
    """Estimate the memory of training.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, inputs first.
    slots : int
        Numbers in the weight blocks and biases (removed edges included: the
        blocks are dense).
    n_train, n_test : int
        Samples in the training and test sets.
    n_columns : int
        Input plus target columns of the data.
    settings : TrainingSettings

    Returns
    -------
    Estimate
    """
    itemsize = np.dtype(settings.precision).itemsize
    batch = n_train if settings.batch_size == 0 else min(settings.batch_size, n_train)
    width = sum(sizes[1:])
    per_sample = (width + len(sizes)) * itemsize * WORKING_COPIES + (sizes[0] + 1) * itemsize
    rows = chunk_rows(sizes, itemsize, max(n_train, n_test))
    copies = PARAMETER_COPIES + OPTIMIZER_STATE.get(settings.optimizer, 2)
    n_samples = n_train + n_test
    return Estimate(
        batch=batch, width=width, itemsize=itemsize,
        activations=batch * per_sample,
        evaluation=rows * per_sample,
        parameters=slots * (itemsize * copies + 1),
        data=n_samples * n_columns * 8 + (n_samples + n_train) * (n_columns + 1) * itemsize)


def check_training(network, train, test, settings):
    """Why training ``network`` on this data would use too much memory, or None.

    Parameters
    ----------
    network : Network
    train, test : Dataset (test may be None)
    settings : TrainingSettings

    Returns
    -------
    str or None
        One sentence naming the sizes that cause the excess and what would fit.
    """
    n_test = test.n_samples if test is not None else 0
    columns = train.n_inputs + train.n_outputs
    est = estimate(network.sizes, network.stored_parameter_count, train.n_samples, n_test, columns, settings)
    if est.total <= BUDGET_BYTES:
        return None
    return _explain(est, network.sizes, settings, train.n_samples, columns)


def _explain(est, sizes, settings, n_train, columns):
    need = f"training would need about {_size(est.total)} of memory, more than the {_size(BUDGET_BYTES)} allowed"
    precision = f"{est.itemsize} bytes ({settings.precision})"
    if est.activations >= max(est.data, est.parameters):
        what = (f"a batch of {est.batch:,} samples" + (" (batch size 0 means the whole training set)"
                                                       if settings.batch_size == 0 else ""))
        spare = BUDGET_BYTES - (est.total - est.activations)
        fits = spare // (est.activations // max(est.batch, 1)) if spare > 0 else 0
        hidden = " + ".join(f"{s:,}" for s in sizes[1:])
        fix = (f"a batch size of at most {fits:,} fits" if fits >= 1 else
               "make the layers narrower")
        return (f"{need}: {what} through {est.width:,} neurons ({hidden} after the inputs) at {precision} "
                f"takes {_size(est.activations)}; {fix}, or choose float32 or fewer neurons")
    if est.data >= est.parameters:
        return (f"{need}: the data ({n_train:,} training samples of {columns:,} columns) takes "
                f"{_size(est.data)}; use fewer samples or columns")
    return (f"{need}: the weights and optimiser state ({_size(est.parameters)} at {precision}) are too "
            "large; remove neurons or edges")


def _size(n):
    """Bytes in words: 512 MB, 1.5 GB, 2 GiB for exact powers of two."""
    if n >= 2**30 and n % 2**30 == 0:
        return f"{n // 2**30} GiB"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"
