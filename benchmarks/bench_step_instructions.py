"""Instructions per training step, counted by valgrind: steady on a busy machine.

Run by hand from anywhere in the repository (not a test; needs valgrind)::

    python benchmarks/bench_step_instructions.py                  # every scenario, about 5 minutes
    python benchmarks/bench_step_instructions.py playground --steps 1000
    python benchmarks/bench_step_instructions.py --tree /path/to/other/checkout   # the same, another version

Wall-clock timings on a shared machine move by tens of per cent from one
minute to the next; the number of instructions a step executes does not. For
each scenario this runs ``valgrind --tool=callgrind`` twice on this script in
``--run`` mode, once with 0 and once with N timed steps after 300 warm-up
steps, with ``PYTHONHASHSEED=0`` and one BLAS thread, and prints the
difference divided by N. The steps run as the app runs them, in a
``RunLoop`` (accuracy and test set evaluated at frame rate, so not per
step), except in the ``+test`` scenarios, which step the trainer as the
command line does (the batch's accuracy and the test set after every step).
See docs/performance.md.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve()
SCENARIOS = ("playground", "playground+test", "spiral288", "mlp-xor", "circles", "spiral")


def project_for(name):
    from bench_app import playground, spiral_288
    from simulator.presets import make_preset

    if name == "playground":
        return playground()
    if name == "spiral288":
        return spiral_288()
    return make_preset(name)


def run(name, steps):
    """Train 300 warm-up steps and then ``steps`` more (what callgrind counts)."""
    import numpy as np

    from simulator.trainer import Trainer

    base = name.replace("+test", "")
    project = project_for(base)
    train, test = project.datasets()
    trainer = Trainer(project.network.copy(), train, test, project.settings)
    try:
        from simulator.run_loop import RunLimits, RunLoop
    except ImportError:  # a tree from before the run loop: the worker stepped the trainer itself
        RunLoop = None
    if name.endswith("+test") or RunLoop is None:
        trainer.evaluate_each_step = trainer.test_each_step = name.endswith("+test")
        with np.errstate(all="ignore"):
            trainer.run(300)
            trainer.run(steps)
        return
    # as the app's training thread and helper process run it: a RunLoop, in chunks of
    # 64 steps (about 2 ms on this machine; under valgrind's pace it would choose 1)
    loop = RunLoop(trainer, RunLimits(max_steps=300 + steps))
    while loop.reason is None:
        loop.chunk_size = 64
        loop.chunk()


def count(tree, name, steps):
    """Instructions executed by ``--run name steps`` from ``tree``, under callgrind."""
    # one BLAS thread: the spin-waits of idle BLAS threads are counted too, and vary
    # by several per cent from run to run (a step's products are too small to share)
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, str(HERE),
           "--run", name, "--steps", str(steps), "--tree", str(tree)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS), help=f"any of {', '.join(SCENARIOS)}")
    parser.add_argument("--steps", type=int, default=2000, help="timed steps (default 2000)")
    parser.add_argument("--tree", default=str(HERE.parents[1]), help="the checkout to measure")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    tree = Path(args.tree).resolve()
    sys.path[:0] = [str(tree), str(tree / "benchmarks"), str(HERE.parent)]
    if args.run:
        run(args.run, args.steps)
        return 0
    print(f"{tree}: instructions per step (callgrind, {args.steps} steps after 300 warm-up)")
    for name in args.scenarios:
        if name not in SCENARIOS:
            parser.error(f"unknown scenario {name!r}")
        per_step = (count(tree, name, args.steps) - count(tree, name, 0)) / args.steps
        print(f"  {name:18s} {per_step:10,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
