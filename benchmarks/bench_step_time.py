"""Microseconds per training step in the loop the app's worker runs, by the clock.

Run by hand from anywhere in the repository (not a test)::

    python benchmarks/bench_step_time.py                         # every scenario, about a minute
    python benchmarks/bench_step_time.py playground --steps 30000 --repeats 5
    python benchmarks/bench_step_time.py --tree /path/to/other/checkout   # the same, another version

Each scenario builds a Trainer as the app does, turns off the per-step test
evaluation (the worker evaluates the test set at frame rate instead), trains
300 warm-up steps, then times ``--steps`` steps of ``Trainer.run_steps`` (the
generator the worker drives) under ``np.errstate(all="ignore")``, as the
worker does. It prints the best and the median of ``--repeats`` timings, each
on a fresh trainer from the same starting weights. On a shared machine the
best is the figure to compare, and ``--cpu`` (the thread's CPU time, which
excludes the time other processes had the core) moves less than the wall
clock; ``bench_step_instructions.py`` counts instructions, which the machine's
load does not move at all.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
SCENARIOS = ("playground", "spiral288", "mlp-xor")


def time_once(name, steps, clock=time.perf_counter):
    """Seconds for ``steps`` steps of the worker's loop, after 300 warm-up steps."""
    import numpy as np

    from bench_step_instructions import project_for
    from simulator.trainer import Trainer

    project = project_for(name)
    train, test = project.datasets()
    trainer = Trainer(project.network.copy(), train, test, project.settings)
    trainer.evaluate_each_step = False  # as the worker sets it
    with np.errstate(all="ignore"):
        for _ in trainer.run_steps(300):
            pass
        run = trainer.run_steps(steps)
        start = clock()
        for _ in run:
            pass
        return clock() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS), help=f"any of {', '.join(SCENARIOS)}")
    parser.add_argument("--steps", type=int, default=30000, help="timed steps (default 30000)")
    parser.add_argument("--repeats", type=int, default=5, help="timings per scenario (default 5)")
    parser.add_argument("--tree", default=str(HERE.parents[1]), help="the checkout to measure")
    parser.add_argument("--cpu", action="store_true", help="time by the thread's CPU time, not the wall clock")
    args = parser.parse_args(argv)
    tree = Path(args.tree).resolve()
    sys.path[:0] = [str(tree), str(tree / "benchmarks"), str(HERE.parent)]
    clock = time.thread_time if args.cpu else time.perf_counter
    print(f"{tree}: microseconds per step ({'CPU' if args.cpu else 'wall-clock'} time of run_steps, "
          f"{args.steps} steps after 300 warm-up, best and median of {args.repeats})")
    for name in args.scenarios:
        if name not in SCENARIOS:
            parser.error(f"unknown scenario {name!r}")
        times = [time_once(name, args.steps, clock) / args.steps * 1e6 for _ in range(args.repeats)]
        print(f"  {name:12s} best {min(times):6.2f}   median {statistics.median(times):6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
