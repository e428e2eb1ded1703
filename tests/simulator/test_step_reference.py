"""Training gives bit for bit the numbers it gave before the step was made faster.

Each case of ``step_reference.py`` (SGD, momentum and Adam; full batch and
mini-batches; skip blocks and removed edges; L1/L2; float32; regression; the
lessons) is trained and everything a person could see afterwards (weights,
optimiser moments, history, the snapshot and its grid maps) must equal the
saved reference exactly.
"""

import numpy as np
import pytest

from step_reference import REFERENCE, cases, run

CASES = cases()


@pytest.fixture(scope="module")
def reference():
    with np.load(REFERENCE) as data:
        return {k: data[k] for k in data.files}


@pytest.mark.parametrize("name", sorted(CASES))
def test_training_matches_the_saved_reference_bit_for_bit(name, reference):
    got = run(CASES[name])
    want = {k.split("/", 1)[1]: v for k, v in reference.items() if k.startswith(name + "/")}
    assert sorted(got) == sorted(want)
    for key, value in want.items():
        assert got[key].dtype == value.dtype, key
        assert got[key].shape == value.shape, key
        assert np.array_equal(got[key], value, equal_nan=value.dtype.kind == "f"), \
            f"{name}: {key} differs from the reference"
