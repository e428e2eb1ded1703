"""Training runs whose results must not change when the step is made faster.

``cases()`` builds each run; ``run(case)`` trains it and returns every number a
person could see afterwards: the parameters, the optimiser's moments, the
history and a snapshot with the grid. ``test_step_reference.py`` compares them
bit for bit with ``data/step_reference.npz``, computed by the code before an
optimisation. Regenerate it only when the arithmetic is meant to change::

    python tests/simulator/step_reference.py

Bit for bit holds only where the BLAS library rounds its matrix products as
it did where the reference was made: OpenBLAS picks its kernels by processor
(AVX2 and AVX-512 kernels add in different orders), and the reference was
made with its Haswell kernels. ``blas_fingerprint()`` (saved with the
reference) tells whether this machine's products round the same; where they
do not, the test can only hold the results to within rounding.
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from simulator.datasets import train_test_split  # noqa: E402
from simulator.generators import make_dataset  # noqa: E402
from simulator.network import Network  # noqa: E402
from simulator.presets import make_preset  # noqa: E402
from simulator.settings import TrainingSettings  # noqa: E402
from simulator.trainer import Trainer  # noqa: E402

REFERENCE = Path(__file__).with_name("data") / "step_reference.npz"
STEPS = 120


def _skip_network(seed=3):
    """2-5-4-1 tanh with a skip block 0 -> 2, a skip block 1 -> 3 and removed edges."""
    net = Network([2, 5, 4, 1], ["tanh", "tanh", "sigmoid"], seed=seed)
    net.connect_layers(0, 2)
    net.connect_layers(1, 3)
    net.disconnect((0, 1), (1, 2))
    net.disconnect((1, 0), (2, 3))
    net.disconnect((1, 4), (3, 0))
    net.disconnect((0, 0), (2, 1))
    return net


def cases():
    """name -> (network, train, test, settings)."""
    circles = make_dataset({"generator": "circles", "n": 200, "noise": 0.05, "seed": 1})
    train, test = train_test_split(circles, 0.25, 0)
    out = {}
    for opt in ("sgd", "momentum", "adam"):
        for kind in ("plain", "skip"):
            for batch in (0, 16):
                net = Network([2, 6, 3, 1], ["tanh", "relu", "sigmoid"], seed=1) if kind == "plain" \
                    else _skip_network()
                settings = TrainingSettings(loss="binary_cross_entropy", optimizer=opt, learning_rate=0.05,
                                            batch_size=batch, seed=2)
                out[f"{opt}-{kind}-b{batch}"] = (net, train, test, settings)
    out["adam-skip-l1l2"] = (_skip_network(), train, test,
                             TrainingSettings(loss="binary_cross_entropy", optimizer="adam", learning_rate=0.05,
                                              batch_size=10, l1=1e-3, l2=1e-2))
    out["momentum-skip-f32"] = (_skip_network(), train, test,
                                TrainingSettings(loss="binary_cross_entropy", optimizer="momentum",
                                                 learning_rate=0.05, batch_size=10, precision="float32"))
    out["sgd-l2loss-regression"] = (
        Network([1, 8, 1], ["tanh", "linear"], seed=4),
        make_dataset({"generator": "sine", "n": 64, "seed": 0}), None,
        TrainingSettings(loss="l2", optimizer="sgd", learning_rate=0.05, batch_size=8))
    playground = train_test_split(make_dataset({"generator": "circles", "n": 500, "noise": 0.0, "seed": 0}), 0.5, 0)
    out["playground"] = (Network([2, 4, 2, 1], ["tanh", "tanh", "tanh"], seed=0), *playground,
                         TrainingSettings(loss="l2", optimizer="sgd", learning_rate=0.03, batch_size=10))
    for name in ("mlp-xor", "circles", "spiral", "multiclass", "perceptron-and"):
        project = make_preset(name)
        tr, te = project.datasets()
        out[f"lesson-{name}"] = (project.network, tr, te, project.settings)
    return out


def run(case, steps=STEPS):
    """Train; return {key: array} of everything observable."""
    network, train, test, settings = case
    trainer = Trainer(network, train, test, settings)
    grid = np.stack(np.meshgrid(np.linspace(-1.5, 1.5, 7), np.linspace(-1.5, 1.5, 7)), -1).reshape(-1, 2)
    grid = grid[:, :network.sizes[0]] if network.sizes[0] <= 2 else np.zeros((5, network.sizes[0]))
    with np.errstate(all="ignore"):
        trainer.run(steps // 2)
        trainer.evaluate_each_step = False  # as the worker trains
        first = trainer.snapshot(grid, since=None, metrics=trainer.evaluate_now())
        trainer.run(steps - steps // 2)
        metrics = trainer.evaluate_now()
        snap = trainer.snapshot(grid, since=steps // 2, metrics=metrics)
    out = {"flat": np.array(network.plan().flat, dtype=np.float64)}
    for name in ("velocity", "m", "v"):
        if hasattr(trainer.optimizer, name):
            out[name] = np.array(getattr(trainer.optimizer, name)[0], dtype=np.float64)
    for col in ("step", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"):
        out["history_" + col] = np.array(trainer.history.column(col))
        out["snap_history_" + col] = np.array(snap.history[col])
        out["first_history_" + col] = np.array(first.history[col])
    out["metrics"] = np.array([metrics[k] for k in sorted(metrics)])
    for key in sorted(snap.weights):
        tag = f"{key[0]}_{key[1]}"
        out["w_" + tag] = snap.weights[key]
        out["gw_" + tag] = snap.grad_weights[key]
        out["mask_" + tag] = snap.masks[key]
    for k, (b, gb, d) in enumerate(zip(snap.biases, snap.grad_biases, snap.neuron_deltas)):
        out[f"b_{k}"], out[f"gb_{k}"], out[f"delta_{k}"] = b, gb, d
    out["norms"] = np.array(snap.layer_grad_norms)
    for k, a in enumerate(snap.grid_activations):
        out[f"grid_{k}"] = a
    out["counters"] = np.array([snap.step, snap.epoch, trainer.steps, trainer.epoch, trainer.optimizer.t])
    return out


def blas_fingerprint():
    """The bytes of matrix products of the shapes a step makes (float64 and float32, plain and
    transposed operands): equal on two machines when their BLAS rounds these products alike."""
    rng = np.random.default_rng(0)
    parts = []
    for dtype in (np.float64, np.float32):
        for n, k, m in ((10, 3, 4), (16, 7, 6), (32, 9, 8), (150, 4, 3), (250, 5, 4), (49, 7, 1)):
            a = rng.standard_normal((n, k)).astype(dtype)
            b = rng.standard_normal((k, m)).astype(dtype)
            parts += [np.dot(a, b), np.dot(a.T.copy().T, b), np.dot(a.T, a @ b)]
    return np.concatenate([p.ravel().view(np.uint8) for p in parts])


def compute_all():
    flat = {"blas_fingerprint": blas_fingerprint()}
    for name, case in cases().items():
        for key, value in run(case).items():
            flat[f"{name}/{key}"] = value
    return flat


if __name__ == "__main__":
    np.savez_compressed(REFERENCE, **compute_all())
    print(f"wrote {REFERENCE}")
