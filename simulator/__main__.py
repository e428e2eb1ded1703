"""Headless command line: ``python -m simulator new|train|validate|presets``.

Exit status 0 on success; 2 with a one-line message on stderr for any bad
input. No traceback reaches the user.
"""

import argparse
import csv
import json
import sys
import time

import numpy as np

from .errors import SimulatorError
from .presets import PRESET_NAMES, make_preset
from .project_file import load_project, save_project
from .trainer import Trainer

MAX_STEPS = 100_000_000


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise SimulatorError(message)


def _parser():
    p = _Parser(prog="python -m simulator", description="Backprop Studio without the window.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    new = sub.add_parser("new", help="write a new project from a preset lesson")
    new.add_argument("--preset", required=True, help=f"one of: {', '.join(PRESET_NAMES)}")
    new.add_argument("--out", required=True, help="project file to write")
    new.add_argument("--seed", type=int, default=0, help="seed of the initial weights (default 0)")
    train = sub.add_parser("train", help="train a project and write the trained project")
    train.add_argument("file")
    train.add_argument("--steps", type=int, required=True, help="training steps (batches) to run")
    train.add_argument("--out", help="where to write the trained project (default: overwrite FILE)")
    train.add_argument("--log", help="write the per-step history to this CSV file")
    train.add_argument("--json", action="store_true", help="print one JSON object with the results")
    validate = sub.add_parser("validate", help="check a project file")
    validate.add_argument("file")
    sub.add_parser("presets", help="list the preset lessons")
    return p


def _none_if_nan(value):
    return None if value is None or value != value else float(value)


def cmd_new(args):
    project = make_preset(args.preset, seed=args.seed)
    save_project(project, args.out)
    print(f"wrote {args.out}: {project.title}")


def cmd_validate(args):
    project = load_project(args.file)
    problems = project.problems()
    if problems:
        raise SimulatorError(f"{args.file} is a valid project file, but it cannot be trained yet: "
                             + "; ".join(problems))
    train, test = project.datasets()
    net = project.network
    print(f"{args.file}: valid; layers {net.sizes}, {net.edge_count} edges, {net.parameter_count} "
          f"parameters; {train.n_samples} training and {test.n_samples} test samples")


def cmd_train(args):
    if not 0 <= args.steps <= MAX_STEPS:
        raise SimulatorError(f"--steps must be from 0 to {MAX_STEPS:,}, not {args.steps}")
    project = load_project(args.file)
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings, state=project.training_state)
    started = time.perf_counter()
    # overflow on the way to a NaN loss is reported by the trainer, not as warnings
    with np.errstate(all="ignore"):
        trainer.run(args.steps)
    seconds = time.perf_counter() - started
    out = args.out or args.file
    project.training_state = trainer.state(params=False)  # so the next run resumes exactly
    save_project(project, out)
    if args.log:
        with open(args.log, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["step", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"])
            for row in trainer.history.to_rows():
                writer.writerow(["" if v != v else v for v in row])
    h = trainer.history
    classification = train.task == "classification"
    test_loss, test_acc = trainer.evaluate(test) if test.n_samples else (None, None)
    train_loss, train_acc = trainer.evaluate(train)
    result = {
        "steps": trainer.steps, "epochs": trainer.epoch,
        "train_loss": _none_if_nan(train_loss),
        "test_loss": _none_if_nan(test_loss),
        "train_accuracy": _none_if_nan(train_acc) if classification else None,
        "test_accuracy": _none_if_nan(test_acc) if classification else None,
        "last_batch_loss": _none_if_nan(h.last("train_loss")) if len(h) else None,
        "seconds": round(seconds, 4), "out": out,
    }
    if args.json:
        print(json.dumps(result))
    else:
        acc = f", accuracy {train_acc:.1%}" if classification else ""
        print(f"trained {trainer.steps} steps: training loss {train_loss:.6g}{acc}; wrote {out}")


COMMANDS = {"new": cmd_new, "train": cmd_train, "validate": cmd_validate,
            "presets": lambda args: print("\n".join(PRESET_NAMES))}


def main(argv=None):
    try:
        args = _parser().parse_args(argv)
        COMMANDS[args.command](args)
    except SimulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}".replace(": : ", ": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # the last guard: a person never sees a traceback
        print(f"error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
