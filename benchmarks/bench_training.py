"""Training throughput: our full training step beside a minimal NumPy loop and PyTorch.

Run by hand from anywhere in the repository (not a test; no test imports it)::

    python benchmarks/bench_training.py              # about a minute
    python benchmarks/bench_training.py --quick      # under 30 seconds
    python benchmarks/bench_training.py --threads 1  # steadier on a busy machine

Every contender trains the same network from the same initial weights on the
same batches in float64 (PyTorch also in float32), all in this one process:

- ``ours``: ``Trainer.step()``, the full step the app runs (forward, loss,
  backward, SGD update, loss and accuracy history, NaN guard, roll-back
  checkpoints);
- ``numpy``: the minimal textbook loop, ``X @ W + b`` and ``W -= lr * dW``
  per array, recording the loss each step;
- ``bare numpy``: the truly minimal loop: forward, backward, update and
  nothing else (no loss value, no gathering of batches: contiguous slices of
  data shuffled once);
- ``torch f32`` / ``torch f64``: PyTorch eager on the CPU, ``nn.Sequential``
  of ``nn.Linear``, ``torch.optim.SGD``, ``loss.item()`` each step.

The machine is shared, so each contender runs in short interleaved rounds and
the best round (the one least disturbed by other processes) is reported
beside the median, per wall-clock second and per CPU second. Before timing,
the script checks that every contender computes the losses ours computes and
learns; after timing, that none diverged. It exits 1 if a check fails. See
benchmarks/README.md and docs/performance.md.
"""

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.datasets import Dataset  # noqa: E402
from simulator.generators import make_dataset  # noqa: E402
from simulator.network import Network  # noqa: E402
from simulator.settings import TrainingSettings  # noqa: E402
from simulator.trainer import Trainer  # noqa: E402

try:
    import torch
except ImportError:  # the NumPy comparison still runs
    torch = None

try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None

SEED = 0


# ------------------------------------------------------------------ configs
@dataclass(frozen=True)
class Config:
    """One benchmark: a network, its data and how it is trained.

    ``batch_size`` 0 means full batch, as in ``TrainingSettings``.
    """

    name: str
    sizes: tuple
    activations: tuple
    batch_size: int
    loss: str
    learning_rate: float
    recipe: dict

    def dataset(self):
        if self.recipe["generator"] == "blobs64":
            return _blobs(**{k: v for k, v in self.recipe.items() if k != "generator"})
        return make_dataset(self.recipe)


def _blobs(n, classes, dims, spread, seed):
    """``classes`` Gaussian blobs in ``dims`` dimensions, one-hot targets of shape (n, classes)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 1.0, (classes, dims))
    labels = np.arange(n) % classes
    X = centres[labels] + rng.normal(0.0, spread, (n, dims))
    return Dataset(X, np.eye(classes)[labels], "classification", "blobs")


BCE, CCE = "binary_cross_entropy", "categorical_cross_entropy"
CONFIGS = [
    Config("1: 2-4-1 tanh, XOR (4), full batch", (2, 4, 1), ("tanh", "sigmoid"), 0, BCE, 0.5,
           {"generator": "xor", "n": 4}),
    Config("2: 2-8-8-1 tanh, moons (500), full batch", (2, 8, 8, 1), ("tanh", "tanh", "sigmoid"), 0, BCE, 0.5,
           {"generator": "moons", "n": 500, "noise": 0.1, "seed": SEED}),
    Config("3: 2-16-16-16-1 ReLU, circles (1000), batch 32", (2, 16, 16, 16, 1),
           ("relu", "relu", "relu", "sigmoid"), 32, BCE, 0.3,
           {"generator": "circles", "n": 1000, "noise": 0.05, "seed": SEED}),
    Config("4: 64-128-128-10 ReLU, softmax, blobs (4096), batch 256", (64, 128, 128, 10),
           ("relu", "relu", "softmax"), 256, CCE, 0.1,
           {"generator": "blobs64", "n": 4096, "classes": 10, "dims": 64, "spread": 2.0, "seed": SEED}),
]


# --------------------------------------------------------------- contenders
class Ours:
    """The app's training step, ``Trainer.step()``, with all its book-keeping."""

    label = "ours"
    precision = "float64"

    def __init__(self, config, data):
        network = Network(config.sizes, list(config.activations), seed=SEED)
        settings = TrainingSettings(loss=config.loss, optimizer="sgd", learning_rate=config.learning_rate,
                                    batch_size=config.batch_size, shuffle=True, seed=SEED,
                                    precision=self.precision)
        self.trainer = Trainer(network, data, None, settings)
        self.step = self.trainer.step

    def losses(self):
        return np.array(self.trainer.history.column("train_loss"))


class OursFloat32(Ours):
    """The same step with the app's float32 setting (TrainingSettings.precision)."""

    label = "ours f32"
    precision = "float32"


class Batches:
    """Full batch, or mini-batches from a fresh permutation each epoch (as the Trainer does)."""

    def __init__(self, X, y, batch_size, to_index=None):
        self.X, self.y, self.size = X, y, batch_size
        self.n = len(X)
        self.rng = np.random.default_rng(SEED)
        self.to_index = to_index or (lambda index: index)
        self.order, self.cursor = None, self.n

    def next(self):
        if self.size == 0 or self.size >= self.n:
            return self.X, self.y
        if self.cursor >= self.n:
            self.order = self.to_index(self.rng.permutation(self.n))
            self.cursor = 0
        index = self.order[self.cursor:self.cursor + self.size]
        self.cursor += self.size
        return self.X[index], self.y[index]


class MinimalNumpy:
    """The loop a person writes from a textbook: one array per weight and bias."""

    label = "numpy"

    def __init__(self, config, data, weights, biases):
        self.W = [w.copy() for w in weights]
        self.b = [b.copy() for b in biases]
        self.relu = config.activations[0] == "relu"
        self.softmax = config.activations[-1] == "softmax"
        self.lr = config.learning_rate
        self.batches = Batches(np.array(data.X), np.array(data.y), config.batch_size)
        self.loss_history = []

    def step(self):
        X, y = self.batches.next()
        h = [X]
        for W, b in zip(self.W[:-1], self.b[:-1]):
            z = h[-1] @ W + b
            h.append(np.maximum(z, 0) if self.relu else np.tanh(z))
        z = h[-1] @ self.W[-1] + self.b[-1]
        if self.softmax:
            m = z.max(axis=1, keepdims=True)
            lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
            loss = np.mean(lse[:, 0] - (y * z).sum(axis=1))
            dz = (np.exp(z - lse) - y) / len(X)
        else:
            loss = np.mean(np.logaddexp(0, z) - y * z)
            dz = (1 / (1 + np.exp(-z)) - y) / y.size
        self.loss_history.append(float(loss))
        for k in range(len(self.W) - 1, -1, -1):
            dW = h[k].T @ dz
            db = dz.sum(axis=0)
            if k:
                dh = dz @ self.W[k].T
                dz = dh * (h[k] > 0) if self.relu else dh * (1 - h[k] ** 2)
            self.W[k] -= self.lr * dW
            self.b[k] -= self.lr * db

    def losses(self):
        return np.array(self.loss_history)


class BareNumpy:
    """The truly minimal loop: forward, backward, update, nothing else.

    No loss value is computed and no batch is gathered: the data is shuffled
    once, and each mini-batch is a contiguous slice (a view). Its batches
    therefore differ from ours; the check compares its learning, not its losses.
    """

    label = "bare numpy"
    compare_losses = False

    def __init__(self, config, data, weights, biases):
        self.W = [w.copy() for w in weights]
        self.b = [b.copy() for b in biases]
        self.relu = config.activations[0] == "relu"
        self.softmax = config.activations[-1] == "softmax"
        self.lr = config.learning_rate
        order = np.random.default_rng(SEED).permutation(len(data.X))
        self.X, self.y = np.array(data.X)[order], np.array(data.y)[order]
        self.size = config.batch_size if 0 < config.batch_size < len(data.X) else len(data.X)
        self.cursor = 0
        self.start_loss = self.loss_now()

    def step(self):
        if self.cursor + self.size > len(self.X):
            self.cursor = 0
        X = self.X[self.cursor:self.cursor + self.size]
        y = self.y[self.cursor:self.cursor + self.size]
        self.cursor += self.size
        h = [X]
        for W, b in zip(self.W[:-1], self.b[:-1]):
            z = h[-1] @ W + b
            h.append(np.maximum(z, 0) if self.relu else np.tanh(z))
        z = h[-1] @ self.W[-1] + self.b[-1]
        if self.softmax:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            dz = (e / e.sum(axis=1, keepdims=True) - y) / len(X)
        else:
            dz = (1 / (1 + np.exp(-z)) - y) / y.size
        for k in range(len(self.W) - 1, -1, -1):
            dW = h[k].T @ dz
            db = dz.sum(axis=0)
            if k:
                dh = dz @ self.W[k].T
                dz = dh * (h[k] > 0) if self.relu else dh * (1 - h[k] ** 2)
            self.W[k] -= self.lr * dW
            self.b[k] -= self.lr * db

    def loss_now(self):
        """The loss on the whole training set (untimed; for the learning check)."""
        h = self.X
        for W, b in zip(self.W[:-1], self.b[:-1]):
            z = h @ W + b
            h = np.maximum(z, 0) if self.relu else np.tanh(z)
        z = h @ self.W[-1] + self.b[-1]
        if self.softmax:
            m = z.max(axis=1, keepdims=True)
            lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
            return float(np.mean(lse[:, 0] - (self.y * z).sum(axis=1)))
        return float(np.mean(np.logaddexp(0, z) - self.y * z))

    def losses(self):
        return np.array([self.start_loss] * 20 + [self.loss_now()] * 20)


class Torch:
    """PyTorch eager on the CPU, written the way its tutorials write it."""

    def __init__(self, config, data, weights, biases, dtype):
        self.label = "torch f32" if dtype == torch.float32 else "torch f64"
        hidden = torch.nn.ReLU if config.activations[0] == "relu" else torch.nn.Tanh
        layers = []
        for k, (W, b) in enumerate(zip(weights, biases)):
            linear = torch.nn.Linear(*W.shape, dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(W.T.copy()))
                linear.bias.copy_(torch.from_numpy(b.copy()))
            layers.append(linear)
            if k < len(weights) - 1:
                layers.append(hidden())
        self.model = torch.nn.Sequential(*layers)
        X = torch.tensor(np.array(data.X), dtype=dtype)
        if config.activations[-1] == "softmax":
            self.loss_fn = torch.nn.CrossEntropyLoss()
            y = torch.from_numpy(data.y.argmax(axis=1))
        else:
            self.loss_fn = torch.nn.BCEWithLogitsLoss()
            y = torch.tensor(np.array(data.y), dtype=dtype)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=config.learning_rate)
        self.batches = Batches(X, y, config.batch_size, to_index=torch.from_numpy)
        self.loss_history = []

    def step(self):
        X, y = self.batches.next()
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(X), y)
        loss.backward()
        self.optimizer.step()
        self.loss_history.append(loss.item())

    def losses(self):
        return np.array(self.loss_history)


def initial_parameters(config):
    """The weights and biases ``Ours`` starts from, for the others to start from too."""
    network = Network(config.sizes, list(config.activations), seed=SEED)
    weights = [network.blocks[(k, k + 1)].weights.copy() for k in range(len(config.sizes) - 1)]
    biases = [layer.bias.copy() for layer in network.layers[1:]]
    return weights, biases


def contenders(config, data):
    weights, biases = initial_parameters(config)
    out = [Ours(config, data), OursFloat32(config, data), MinimalNumpy(config, data, weights, biases),
           BareNumpy(config, data, weights, biases)]
    if torch is not None:
        out += [Torch(config, data, weights, biases, torch.float32),
                Torch(config, data, weights, biases, torch.float64)]
    return out


# ------------------------------------------------------------------ checks
def check(config, data, steps=100, compared=40):
    """Train a fresh set of contenders untimed; list what is wrong (empty when nothing is).

    Over the first ``compared`` steps every contender must see the losses ours
    sees (largest relative difference below 1e-9 in float64, 1e-3 in
    float32): same weights, same batches, same maths. After ``steps`` steps
    each must have learned: the mean loss of the last 20 steps below 90% of
    the first step's loss.
    """
    runs = contenders(config, data)
    for c in runs:
        for _ in range(steps):
            c.step()
    reference = runs[0].losses()[:compared]
    problems = []
    for c in runs:
        losses = c.losses()
        if not getattr(c, "compare_losses", True):
            first, last = losses[0], losses[-1]
            if not last < 0.9 * first:
                problems.append(f"{config.name}: {c.label} did not learn in {steps} steps "
                                f"(loss {first:.4f} -> {last:.4f})")
            continue
        worst = float(np.max(np.abs(losses[:compared] - reference) / np.abs(reference)))
        limit = 1e-3 if c.label.endswith("f32") else 1e-9
        if not worst < limit:
            problems.append(f"{config.name}: {c.label} differs from ours by {worst:.2e} (limit {limit:g}) "
                            f"within {compared} steps")
        first, last = losses[0], float(np.mean(losses[-20:]))
        if not last < 0.9 * first:
            problems.append(f"{config.name}: {c.label} did not learn in {steps} steps "
                            f"(loss {first:.4f} -> {last:.4f})")
    return problems


def check_still_learning(config, contender):
    """After timing: the loss is finite and below where it started (no divergence while timed)."""
    losses = contender.losses()
    first, last = losses[0], float(np.mean(losses[-20:]))
    if np.isfinite(last) and last < first:
        return None
    return f"{config.name}: {contender.label} diverged while timed (loss {first:.4f} -> {last:.4f})"


# ------------------------------------------------------------------- timing
def calibrate(step, seconds):
    """Warm up for about ``seconds``; return how many steps make a ~5 ms chunk."""
    n, start = 0, time.perf_counter()
    while True:
        step()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return max(1, int(0.005 * n / elapsed))


def timed_round(step, chunk, seconds):
    """Steps per second over one round of about ``seconds``: (per wall second, per CPU second).

    CPU time is this process's, every thread included. On a machine busy with
    other work the wall clock also counts the time the scheduler gave to
    others; CPU time does not, so it is the steadier of the two there.
    """
    n = 0
    start, cpu = time.perf_counter(), time.process_time()
    while True:
        for _ in range(chunk):
            step()
        n += chunk
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed, n / max(time.process_time() - cpu, 1e-9)


def bench(config, rounds, seconds, warmup):
    """Rounds interleaved across contenders.

    Returns ``(wall, cpu, problems)``: per contender label, a list of steps
    per wall second and per CPU second, one per round.
    """
    data = config.dataset()
    runs = contenders(config, data)
    # once, not per round: with torch loaded a full collection takes tens of milliseconds
    gc.collect()
    chunks = [calibrate(c.step, warmup) for c in runs]
    wall = {c.label: [] for c in runs}
    cpu = {c.label: [] for c in runs}
    for r in range(rounds):
        # rotate the order so that no contender always follows the same one
        for i in range(len(runs)):
            k = (i + r) % len(runs)
            w, c = timed_round(runs[k].step, chunks[k], seconds)
            wall[runs[k].label].append(w)
            cpu[runs[k].label].append(c)
    problems = [p for p in (check_still_learning(config, c) for c in runs) if p]
    return wall, cpu, problems


# ------------------------------------------------------------------ report
def numpy_blas_threads():
    """How many threads numpy's BLAS uses (from threadpoolctl), or nproc if that cannot be read."""
    if threadpoolctl is not None:
        for info in threadpoolctl.threadpool_info():
            if info["user_api"] == "blas" and "numpy" in info["filepath"]:
                return info["num_threads"]
    return os.cpu_count()


def machine():
    """Lines describing what the numbers are measured on, thread counts as in force now."""
    lines = [f"python {platform.python_version()} on {platform.machine()}, nproc {os.cpu_count()}, "
             f"cpu {_cpu_model()}, load average {_load()}",
             f"numpy {np.__version__}"]
    if threadpoolctl is not None:
        for info in threadpoolctl.threadpool_info():
            lines.append(f"  {info['user_api']}: {info['internal_api']} {info.get('version')} "
                         f"({info.get('architecture', '-')}), {info['num_threads']} threads, "
                         f"{Path(info['filepath']).name}")
    else:
        lines.append("  (threadpoolctl not installed: BLAS and its threads unknown)")
    lines.append("OPENBLAS_CORETYPE=" + os.environ.get("OPENBLAS_CORETYPE", "(unset)")
                 + ", OPENBLAS_L2_SIZE=" + os.environ.get("OPENBLAS_L2_SIZE", "(unset)"))
    if torch is not None:
        lines.append(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads")
    else:
        lines.append("torch not installed: its columns are left out")
    return lines


def _load():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def table(results, labels):
    """A Markdown table: best (median) steps/s per contender, then ours / each other at the best."""
    others = [label for label in labels if label != "ours"]
    head = ["config"] + [f"{label} steps/s" for label in labels] + [f"ours / {label}" for label in others]
    if "ours f32" in labels and "torch f32" in labels:
        head.append("ours f32 / torch f32")
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, rates in results:
        best = {label: max(rates[label]) for label in labels}
        cells = [name] + [f"{best[label]:,.0f} ({statistics.median(rates[label]):,.0f})" for label in labels]
        cells += [f"{best['ours'] / best[label]:.2f}x" for label in others]
        if "ours f32" in best and "torch f32" in best:
            cells.append(f"{best['ours f32'] / best['torch f32']:.2f}x")
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of 0.1 s (under 30 s in all)")
    parser.add_argument("--rounds", type=int, help="rounds per contender (default 7, quick 3)")
    parser.add_argument("--seconds", type=float, help="length of one round (default 0.3, quick 0.1)")
    parser.add_argument("--threads", type=int,
                        help="limit numpy's BLAS (needs threadpoolctl) and torch to this many threads; "
                             "default: as many as numpy's BLAS uses unasked")
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 7)
    seconds = args.seconds or (0.1 if args.quick else 0.3)
    warmup = 0.05 if args.quick else 0.2

    if args.threads:
        if threadpoolctl is None:
            parser.error("--threads needs threadpoolctl (pip install threadpoolctl)")
        # kept in a name so the limit holds until the process ends
        limits = threadpoolctl.threadpool_limits(args.threads, user_api="blas")  # noqa: F841
    if torch is not None:
        torch.set_num_threads(args.threads or numpy_blas_threads())
    print("\n".join(machine()))
    print(f"method: {rounds} interleaved rounds of {seconds} s per contender after {warmup} s of warm-up; "
          f"best round (median in brackets)\n", flush=True)

    started = time.perf_counter()
    problems = []
    for config in CONFIGS:
        problems += check(config, config.dataset())
    print(f"checked in {time.perf_counter() - started:.0f} s", flush=True)
    wall_results, cpu_results = [], []
    for config in CONFIGS:
        wall, cpu, diverged = bench(config, rounds, seconds, warmup)
        problems += diverged
        wall_results.append((config.name, wall))
        cpu_results.append((config.name, cpu))
        print(f"  {config.name}: " + ", ".join(f"{k} {max(v):,.0f}" for k, v in wall.items()), flush=True)
    labels = list(wall_results[0][1])
    print("\nSteps per second (wall clock): best round (median)\n")
    print("\n".join(table(wall_results, labels)))
    print("\nSteps per CPU second (this process, all threads): best round (median)\n")
    print("\n".join(table(cpu_results, labels)))
    print(f"\nchecked and timed in {time.perf_counter() - started:.0f} s; load average now {_load()}")
    if problems:
        print("\nPROBLEMS (these numbers do not compare like with like):")
        print("\n".join(f"  {p}" for p in problems))
        return 1
    print("checks: every contender computed our losses over the first 40 steps and learned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
