"""Training gives bit for bit the numbers it gave before the step was made faster.

Each case of ``step_reference.py`` (SGD, momentum and Adam; full batch and
mini-batches; skip blocks and removed edges; L1/L2; float32; regression; the
lessons) is trained and everything a person could see afterwards (weights,
optimiser moments, history, the snapshot and its grid maps) must equal the
saved reference exactly, where this machine's BLAS rounds matrix products as
the one that made the reference did (``step_reference.blas_fingerprint``);
elsewhere, to within a few units of the last place of each array's largest
value (float32 runs: 1e-5 of it, float64: 1e-12).
"""

import numpy as np
import pytest

from step_reference import REFERENCE, blas_fingerprint, cases, run

CASES = cases()


@pytest.fixture(scope="module")
def reference():
    with np.load(REFERENCE) as data:
        return {k: data[k] for k in data.files}


@pytest.fixture(scope="module")
def same_blas(reference):
    return np.array_equal(blas_fingerprint(), reference["blas_fingerprint"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_training_matches_the_saved_reference_bit_for_bit(name, reference, same_blas):
    got = run(CASES[name])
    want = {k.split("/", 1)[1]: v for k, v in reference.items() if k.startswith(name + "/")}
    assert sorted(got) == sorted(want)
    rounding = 1e-5 if CASES[name][3].precision == "float32" else 1e-12
    for key, value in want.items():
        assert got[key].dtype == value.dtype, key
        assert got[key].shape == value.shape, key
        if same_blas or value.dtype.kind != "f":
            assert np.array_equal(got[key], value, equal_nan=value.dtype.kind == "f"), \
                f"{name}: {key} differs from the reference"
        else:  # another BLAS kernel: the same arithmetic, rounded in another order
            assert np.array_equal(np.isnan(got[key]), np.isnan(value)), f"{name}: {key}: NaN in other places"
            finite = np.isfinite(value)
            scale = np.abs(value[finite]).max(initial=0.0)
            np.testing.assert_allclose(got[key][finite], value[finite], rtol=0, atol=rounding * scale,
                                       err_msg=f"{name}: {key} differs from the reference beyond rounding")


@pytest.mark.parametrize("loss, out", [("l2", "tanh"), ("huber", "linear"), ("l1", "sigmoid")])
def test_stepping_through_phases_matches_the_written_out_step(loss, out):
    """Pass.run writes the phases out; step-through runs them one by one: same bits."""
    from simulator.generators import make_dataset
    from simulator.network import Network
    from simulator.settings import TrainingSettings
    from simulator.trainer import Trainer

    data = make_dataset({"generator": "circles", "n": 60, "noise": 0.05, "seed": 2})
    settings = TrainingSettings(loss=loss, optimizer="adam", learning_rate=0.05, batch_size=8, seed=1)
    fast = Network([2, 4, 3, 1], ["sigmoid", "tanh", out], seed=5)
    fast.connect_layers(0, 2)
    fast.disconnect((1, 1), (2, 0))
    slow = fast.copy()
    a, b = Trainer(fast, data, None, settings), Trainer(slow, data, None, settings)
    a.run(20)
    while b.steps < 20:
        b.next_phase()
    assert fast.same_as(slow)
    assert np.array_equal(a.history.column("train_loss"), b.history.column("train_loss"))
