"""The fixed text of the exported PyTorch script (``pytorch.py`` fills in the rest).

Each piece is written for a student reading the script top to bottom: every
section says what it computes and how that matches the app (see
docs/file-format.md, "What training computes"). Pieces formatted with
``str.format`` double their literal braces.
"""

HEADER = '''\
"""A network exported from Backprop Studio, as a standalone PyTorch script.

Project: {title}. Layers: {sizes} neurons.

Run it as

    python this_script.py --steps 100

to train 100 steps exactly as the app trains: the same data, the same
mini-batches in the same order, the same loss, optimiser and settings, in
float64. It then prints one JSON line with the number of steps and the loss on
the whole training set (and on the test set, if there is one).

The script, top to bottom:
  1. the training settings,
  2. the data,
  3. the weights, biases and masks of the removed edges,
  4. the network, as a torch.nn.Module that starts from those weights,
  5. the loss,
  6. the optimiser and one training step,
  7. the mini-batches, drawn as the app draws them, and the training loop.{note}
"""

import argparse
import json
import math{path_import}

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

DTYPE = torch.float64  # the app computes in float64: so does this script'''

# One line per activation: the app's formulas (docs/file-format.md, "Activations").
ACTIVATION_CODE = {  # name -> (code, comment)
    "step": ("({z} >= 0).to(DTYPE)", "  # step: 1 where z >= 0, else 0; no gradient passes"),
    "linear": ("{z}", "  # linear: a = z"),
    "sigmoid": ("torch.sigmoid({z})", ""),
    "tanh": ("torch.tanh({z})", ""),
    "relu": ("torch.relu({z})", ""),
    "leaky_relu": ("F.leaky_relu({z}, negative_slope=0.01)", "  # z where z > 0, else 0.01 z"),
    "softmax": ("torch.softmax({z}, dim=1)", "  # a probability per class, each row summing to 1"),
}

_LOSS_HEAD = '''\
# --------------------------------------------------------------------- 5. loss
def loss_of(z, a, y):
    """The loss of outputs (logits z, activations a) against targets y, all of shape (n, k).
'''

LOSS_CODE = {
    "l2": _LOSS_HEAD + '''
    L2: the mean of (a - y)^2 over all n * k values, without a factor 1/2.
    """
    return F.mse_loss(a, y)''',
    "l1": _LOSS_HEAD + '''
    L1: the mean of |a - y| over all n * k values.
    """
    return F.l1_loss(a, y)''',
    "huber": _LOSS_HEAD + '''
    Huber with threshold 1: 0.5 r^2 where |r| <= 1 and |r| - 0.5 beyond, for
    r = a - y, averaged over all n * k values.
    """
    return F.huber_loss(a, y, delta=1.0)''',
    "binary_cross_entropy": _LOSS_HEAD + '''
    Binary cross-entropy -[y log a + (1 - y) log(1 - a)] with a = sigmoid(z),
    averaged over all n * k values. It is computed from the logits z, which is
    exact and never takes the log of 0.
    """
    return F.binary_cross_entropy_with_logits(z, y)''',
    "categorical_cross_entropy": _LOSS_HEAD + '''
    Categorical cross-entropy: -sum_j y_j log a_j over the k classes of a
    sample, with a = softmax(z), averaged over the n samples. It is computed
    from the logits z with log_softmax, which never takes the log of 0.
    """
    return -(y * torch.log_softmax(z, dim=1)).sum(dim=1).mean()''',
}

_OPTIMIZER_HEAD = '''\
# ------------------------------------------------------- 6. optimiser and step
def make_optimizer(model):
'''

OPTIMIZER_CODE = {
    "sgd": _OPTIMIZER_HEAD + '''\
    """Plain gradient descent: w -= LEARNING_RATE * gradient, for every weight and bias."""
    return torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)''',
    "momentum": _OPTIMIZER_HEAD + '''\
    """Gradient descent with momentum.

    The app keeps a velocity v = MOMENTUM * v - LEARNING_RATE * gradient and
    adds it: w += v. PyTorch keeps b = MOMENTUM * b + gradient and steps
    w -= LEARNING_RATE * b. With a learning rate that never changes, v is
    exactly -LEARNING_RATE * b, so both take the same steps.
    """
    return torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)''',
    "adam": _OPTIMIZER_HEAD + '''\
    """Adam as in Kingma and Ba's paper, which is what the app computes too:

        m = BETA1 m + (1 - BETA1) g          v = BETA2 v + (1 - BETA2) g^2
        w -= LEARNING_RATE * m_hat / (sqrt(v_hat) + EPSILON)

    with the bias corrections m_hat = m / (1 - BETA1^t), v_hat = v / (1 - BETA2^t).
    """
    return torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(BETA1, BETA2), eps=EPSILON)''',
}

TRAIN_STEP = '''\
def train_step(model, optimizer, x, y):
    """One step on one mini-batch: forward, loss, backward, regularise, update.

    Returns the loss the batch had before the update.
    """
    optimizer.zero_grad()
    z, a = model(x)
    loss = loss_of(z, a, y)
    if loss.requires_grad:  # False only when step units stop every gradient
        loss.backward()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.grad is None:
                # no gradient reached this parameter (it sits behind step units):
                # its gradient is 0, and the optimiser still counts the step
                p.grad = torch.zeros_like(p)
            if name.startswith("w_"):
                # L1 and L2 regularisation, on weights only (never on biases)
                p.grad += L1 * torch.sign(p) + L2 * p
    optimizer.step()
    model.zero_removed_edges()
    return loss.item()'''

PERCEPTRON_STEP = '''\
# ------------------------------------------------------------ 6. training step
def train_step(model, optimizer, x, y):
    """One step of the perceptron rule on one mini-batch; returns the batch's loss before it.

    The classic rule for step units trains only the edges into the output layer
    and its biases: w -= LEARNING_RATE * x^T (a - y), summed over the batch
    (no averaging, no optimiser, no L1 or L2). ``optimizer`` is unused.
    """
    with torch.no_grad():
        z, a = model.layers(x)
        loss = loss_of(z[-1], a[-1], y)
        delta = a[-1] - y  # how far each output is from its target
{blocks}
        model.b_{output} -= LEARNING_RATE * delta.sum(dim=0)
        model.zero_removed_edges()
    return loss.item()'''

TAIL = '''\
# ----------------------------------------------------- 7. batches and training
def batches(n_samples, batch_size, shuffle, seed):
    """The rows of each step's mini-batch, step after step, as the app draws them.

    Full batch (batch size 0, or at least the number of samples): every row,
    in order, every step. Otherwise each epoch takes a new order (a random
    permutation from a NumPy generator seeded with SEED, or 0, 1, 2, ...
    without shuffling) and cuts it into batches of batch_size rows; the last
    batch of an epoch is smaller when batch_size does not divide n_samples.
    """
    if batch_size == 0 or batch_size >= n_samples:
        while True:
            yield np.arange(n_samples)
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
        for start in range(0, n_samples, batch_size):
            yield order[start:start + batch_size]


def train(model, steps):
    """Train ``model`` for ``steps`` steps on the training set."""
    optimizer = {make}
    x_train = torch.tensor(X_TRAIN, dtype=DTYPE)
    y_train = torch.tensor(Y_TRAIN, dtype=DTYPE)
    rows = batches(len(X_TRAIN), BATCH_SIZE, SHUFFLE, SEED)
    for _ in range(steps):
        index = torch.from_numpy(next(rows))
        train_step(model, optimizer, x_train[index], y_train[index])


@torch.no_grad()
def loss_on(model, X, Y):
    """The loss on a whole data set (None for an empty one, or a loss that is not finite)."""
    if len(X) == 0:
        return None
    z, a = model(torch.tensor(X, dtype=DTYPE))
    loss = loss_of(z, a, torch.tensor(Y, dtype=DTYPE)).item()
    return loss if math.isfinite(loss) else None


def main():
    parser = argparse.ArgumentParser(description="Train the network and print its loss as JSON.")
    parser.add_argument("--steps", type=int, default=100, help="training steps to run")
    args = parser.parse_args()
    model = Network()
    train(model, args.steps)
    print(json.dumps({{"steps": args.steps, "train_loss": loss_on(model, X_TRAIN, Y_TRAIN),
                      "test_loss": loss_on(model, X_TEST, Y_TEST)}}))


if __name__ == "__main__":
    main()'''
