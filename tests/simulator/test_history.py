"""The bounded loss history: a merged row is the weighted mean of the steps it stands for."""

import numpy as np
import pytest

from simulator.history import History


@pytest.mark.parametrize("max_rows, n", [(8, 37), (8, 100), (16, 1000), (10, 333)])
def test_a_merged_row_is_the_mean_over_every_step_it_stands_for(max_rows, n):
    h = History(max_rows=max_rows, capacity=4)
    for step in range(1, n + 1):
        # the loss equals the step number; the test loss is evaluated on every third step only
        h.append(0, float(step), 0.5, float(step) if step % 3 == 0 else np.nan, np.nan, step=step)
    steps = h.column("step")
    assert len(h) <= h.max_rows and steps[-1] == n
    previous = 0
    for row, step in enumerate(steps):
        covered = np.arange(previous + 1, int(step) + 1)
        assert h.column("train_loss")[row] == pytest.approx(covered.mean()), (row, previous, step)
        tested = covered[covered % 3 == 0]
        if tested.size:  # kept, though evaluated on a few of the steps only
            assert tested.min() <= h.column("test_loss")[row] <= tested.max()
        previous = int(step)


def test_rows_copied_to_another_history_merge_by_the_steps_they_stand_for():
    source = History(max_rows=8, capacity=4)
    for step in range(1, 41):
        source.append(0, float(step), np.nan, np.nan, np.nan, step=step)
    copy = History(max_rows=8, capacity=4)
    copy.extend(source.rows_after(-1), origin=source.origin)
    for step in range(41, 81):
        copy.append(0, float(step), np.nan, np.nan, np.nan, step=step)
    previous = 0
    for row, step in enumerate(copy.column("step")):
        assert copy.column("train_loss")[row] == pytest.approx((previous + 1 + step) / 2)
        previous = int(step)
