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


def test_a_record_is_the_same_however_often_it_is_read():
    # appended rows are written into the record in bulk when it is next read:
    # read after every row, now and then, or only at the end, it is the same record
    import pickle
    rng = np.random.default_rng(0)
    eager, sampled, lazy = (History(max_rows=64, capacity=4) for _ in range(3))
    since = 0
    for step in range(1, 3001):
        row = (step // 25, rng.random(), rng.random(), rng.random() if step % 7 == 0 else np.nan, np.nan)
        for h in (eager, sampled, lazy):
            h.append(*row, step=step)
        len(eager)
        if step % 97 == 0:
            sampled = pickle.loads(pickle.dumps(sampled))  # as the helper process hands it over
            steps = sampled.rows_after(since)[0]
            assert steps[0] > since and steps[-1] == step and np.all(np.diff(steps) > 0)
            since = step
    assert len(lazy) == len(eager) == len(sampled) <= 64
    assert lazy.revision == eager.revision == sampled.revision > 0
    assert lazy.origin == eager.origin == sampled.origin == 0
    for h in (sampled, lazy):
        np.testing.assert_array_equal(np.array(h.to_rows()), np.array(eager.to_rows()))


def test_appended_rows_are_seen_by_every_reader_at_once():
    h = History()
    h.append(1, 0.5, 1.0, np.nan, np.nan, step=1)
    h.append(1, 0.25, 1.0, np.nan, np.nan)  # step defaults to the last one + 1
    assert len(h) == 2 and h.last("train_loss") == 0.25 and h.column("step").tolist() == [1, 2]
    h.set_last("test_loss", 0.75)
    h.append(1, 0.125, 1.0, np.nan, np.nan, step=3)
    assert h.rows_after(1)[4].tolist()[0] == 0.75 and h.rows_after(1).shape == (6, 2)
    revision = h.revision
    h.append(2, 0.0625, 1.0, np.nan, np.nan, step=4)
    h.truncate(2)
    assert len(h) == 2 and h.revision == revision + 1 and h.to_rows()[-1][0] == 2
