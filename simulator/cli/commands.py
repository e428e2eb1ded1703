"""The commands ``new``, ``train``, ``validate``, ``presets`` and ``export``, and their messages.

Every problem a person can cause is one line on stderr that says what is
wrong and what to change, with exit status 2; nothing is written unless the
command gets far enough to write everything it promised (or, after training
stopped early, says exactly what it wrote).
"""

import argparse
import json
import os
import sys
import time

import numpy as np

from ..errors import SimulatorError, TrainingError
from ..export import FORMATS
from ..history import COLUMNS
from ..limits import MAX_SEED, MAX_STEPS
from ..presets import PRESET_NAMES, make_preset
from ..project_file import load_project, save_project
from ..trainer import Trainer
from .outputs import StreamedCSV, check_output, refuse_same

EXIT_ERROR = 2
LOG_HEADER = COLUMNS


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        commands = ", ".join(COMMANDS)
        if message.startswith("argument command: invalid choice: "):
            given = message.split(": ")[2].split(" (")[0]
            raise SimulatorError(f"unknown command {given} (known: {commands})")
        if message == "the following arguments are required: command":
            raise SimulatorError(f"a command is needed: one of {commands} (see --help)")
        # argparse says "argument --seed: ..."; the other messages say "--seed ..."
        if message.startswith("argument "):
            option, _, reason = message[len("argument "):].partition(": ")
            message = f"{option} {reason}" if reason.startswith("must ") else f"{option}: {reason}"
        raise SimulatorError(message)


def whole(lo, hi):
    """An argparse type: a whole number from ``lo`` to ``hi``, refused in the app's words."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be a whole number from {lo:,} to {hi:,}, "
                                             f"not {_show(text)}")
        return value
    return parse


def one_of(names):
    """An argparse type: one of ``names``, refused in the app's words."""
    def parse(text):
        if text not in names:
            raise argparse.ArgumentTypeError(f"must be one of {', '.join(names)}, not {_show(text)}")
        return text
    return parse


def _show(text):
    if not text.strip():
        return repr(text)
    return text if len(text) <= 40 else text[:37] + "..."


def _prog():
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name if name.startswith("backprop-studio-cli") else "python -m simulator"


def _parser():
    p = _Parser(prog=_prog(), description="Backprop Studio without the window.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    new = sub.add_parser("new", help="write a new project from a preset lesson")
    new.add_argument("--preset", required=True, help=f"one of: {', '.join(PRESET_NAMES)}")
    new.add_argument("--out", required=True, help="project file to write")
    new.add_argument("--seed", type=whole(0, MAX_SEED), default=0,
                     help=f"seed of the initial weights, 0 to {MAX_SEED:,} (default 0)")
    train = sub.add_parser("train", help="train a project and write the trained project")
    train.add_argument("file")
    train.add_argument("--steps", type=whole(0, MAX_STEPS), required=True,
                       help=f"training steps (batches) to run, 0 to {MAX_STEPS:,}")
    train.add_argument("--out", help="where to write the trained project (default: overwrite FILE)")
    train.add_argument("--log", help="write the per-step history to this CSV file (a file of its own)")
    train.add_argument("--json", action="store_true", help="print one JSON object with the results")
    validate = sub.add_parser("validate", help="check a project file")
    validate.add_argument("file")
    sub.add_parser("presets", help="list the preset lessons")
    export = sub.add_parser("export", help="write the network as a PyTorch script, NumPy weights or CSV")
    export.add_argument("file")
    export.add_argument("--to", type=one_of(FORMATS), required=True,
                        help="pytorch (a training script), npz (weights) or csv (weights, one a row)")
    export.add_argument("--out", required=True, help="file to write (a big PyTorch export adds OUT's .npz beside it)")
    return p


def plural(n, word):
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _none_if_nan(value):
    return None if value is None or value != value else float(value)


def _load(path):
    """The project in ``path``; every message names the file."""
    if not path:
        raise SimulatorError("FILE needs a file name")
    try:
        return load_project(path)
    except SimulatorError as exc:
        text = str(exc)
        raise SimulatorError(text if path in text else f"{path}: {text}") from None


def _save(project, path, interrupts, outcome):
    """Save, finishing the file even if Ctrl-C comes meanwhile (it is reported once saved)."""
    with interrupts.deferred():
        save_project(project, path)
        outcome.written.append(path)


# ------------------------------------------------------------------ commands
def cmd_new(args, interrupts, outcome):
    project = make_preset(args.preset, seed=args.seed)
    with interrupts.deferred():  # the check's probe file is removed even on Ctrl-C
        check_output(args.out, "--out")
    interrupts.check()
    if os.path.exists(args.out):
        outcome.unchanged.append(args.out)
    _save(project, args.out, interrupts, outcome)
    interrupts.check()
    print(f"wrote {args.out}: {project.title}")


def cmd_validate(args, interrupts, outcome):
    project = _load(args.file)
    problems = project.problems()
    if problems:
        raise SimulatorError(f"{args.file} is a valid project file, but it cannot be trained yet: "
                             + "; ".join(problems))
    train, test = project.datasets()
    net = project.network
    print(f"{args.file}: valid; layers {net.sizes}, {plural(net.edge_count, 'edge')}, "
          f"{plural(net.parameter_count, 'parameter')}; {plural(train.n_samples, 'training sample')} "
          f"and {plural(test.n_samples, 'test sample')}")


def cmd_train(args, interrupts, outcome):
    project = _load(args.file)
    out = args.file if args.out is None else args.out
    # every output is checked before training, so a bad one costs nothing and changes nothing
    with interrupts.deferred():  # the check's probe file is removed even on Ctrl-C
        check_output(out, "--out")
    interrupts.check()
    if args.log is not None:
        with interrupts.deferred():
            log_real = check_output(args.log, "--log")
        interrupts.check()
        refuse_same(args.log, "--log", [(args.file, "the project being trained"),
                                        (out, "the trained project's file")])
    outcome.unchanged.extend(p for p in dict.fromkeys([out, args.log]) if p and os.path.exists(p))
    train, test = project.datasets()
    trainer = Trainer(project.network, train, test, project.settings, state=project.training_state)
    trainer.checkpoints = None  # nobody steps back along a run from the command line
    log = None
    try:
        if args.log is not None:
            with interrupts.deferred():  # a Ctrl-C lands only once the finally knows the file
                log = StreamedCSV(args.log, log_real, LOG_HEADER)
            interrupts.check()
        started = time.perf_counter()
        first = trainer.steps
        stopped = _run(trainer, args.steps, log)
        seconds = time.perf_counter() - started
        kept = trainer.steps - first
        if stopped is not None and kept == 0:
            raise SimulatorError(f"{stopped} Nothing was written; {args.file} is unchanged.")
        project.training_state = trainer.state(params=False)  # so the next run resumes exactly
        with interrupts.deferred():
            _save(project, out, interrupts, outcome)
            if log is not None:
                try:
                    log.commit()
                except SimulatorError as exc:
                    raise SimulatorError(f"wrote {out}, but {exc}") from None
                outcome.written.append(args.log)
    finally:
        if log is not None:
            log.discard()
    interrupts.check()
    if stopped is not None:
        logged = f"; {args.log} logs steps {first + 1} to {first + log.rows}" if log is not None else ""
        raise SimulatorError(f"{stopped} Wrote the weights of step {trainer.steps} to {out}{logged}.")
    _report(args, trainer, train, test, seconds, out)


def _run(trainer, steps, log):
    """Train ``steps`` steps, streaming a row per step to ``log``; the TrainingError
    that stopped training early, or None."""
    # overflow on the way to a NaN loss is reported by the trainer, not as warnings
    with np.errstate(all="ignore"):
        history = trainer.history
        for _ in range(steps):
            try:
                trainer.step()
            except TrainingError as exc:
                return exc
            if log is not None:
                log.write((trainer.steps, *(history.last(name) for name in COLUMNS[1:])))
    return None


def _report(args, trainer, train, test, seconds, out):
    h = trainer.history
    classification = train.task == "classification"
    with np.errstate(all="ignore"):
        test_loss, test_acc = trainer.evaluate(test) if test.n_samples else (None, None)
        train_loss, train_acc = trainer.evaluate(train)
    written = f"{out} and {args.log}" if args.log is not None else out
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
        print(f"trained {plural(trainer.steps, 'step')}: training loss {train_loss:.6g}{acc}; wrote {written}")


def cmd_export(args, interrupts, outcome):
    from ..export import npz, pytorch, tables  # only this command needs them
    project = _load(args.file)
    outputs = [args.out]
    if args.to == "pytorch":
        reason = pytorch.check_exportable(project)
        if reason is not None:
            raise SimulatorError(f"{args.file} cannot be exported as a PyTorch script: {reason}")
        if pytorch.needs_side_file(project):
            outputs.insert(0, pytorch.side_file_name(args.out))
    # every output is checked before anything is written
    for path in outputs:
        with interrupts.deferred():  # the check's probe file is removed even on Ctrl-C
            check_output(path, "--out")
        interrupts.check()
        refuse_same(path, "--out", [(args.file, "the project being exported")])
    outcome.unchanged.extend(p for p in outputs if os.path.exists(p))
    net = project.network
    with interrupts.deferred():
        if args.to == "pytorch":
            written = pytorch.write_pytorch(project, args.out)
        elif args.to == "npz":
            npz.write_npz(net, args.out)
            written = [args.out]
        else:
            tables.write_csv(tables.weights_csv(net), args.out)
            written = [args.out]
        outcome.written.extend(written)
    interrupts.check()
    what = {"pytorch": f"a PyTorch script (run it: python {args.out} --steps 100)",
            "npz": f"the weights, masks and biases of layers {net.sizes} as NumPy arrays",
            "csv": f"{plural(net.edge_count, 'weight')} and {sum(net.sizes[1:]):,} bias{'' if sum(net.sizes[1:]) == 1 else 'es'}, one a row"}[args.to]
    state = project.training_state
    resumed = ("; it starts from the saved weights with a fresh optimiser and shuffle"
               if args.to == "pytorch" and state is not None and state.step else "")
    side = f" (its numbers in {written[0]})" if len(written) > 1 else ""
    print(f"wrote {args.out}: {what}{side}{resumed}")


COMMANDS = {"new": cmd_new, "train": cmd_train, "validate": cmd_validate,
            "presets": lambda args, interrupts, outcome: print("\n".join(PRESET_NAMES)),
            "export": cmd_export}


def run(argv, interrupts, outcome):
    """Parse ``argv`` and run the command; return the exit status.

    A KeyboardInterrupt is left to the caller, which reports ``outcome``.
    """
    try:
        args = _parser().parse_args(argv)
        COMMANDS[args.command](args, interrupts, outcome)
    except Exception as exc:  # noqa: BLE001 - the last guard: a person never sees a traceback
        if interrupts.caught:  # a Ctrl-C that C code turned into another error
            raise KeyboardInterrupt from None
        return _fail(interrupts, _message(exc))
    return 0


def _message(exc):
    if isinstance(exc, SimulatorError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "not enough memory: make the network or the data set smaller"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return f"unexpected {type(exc).__name__}: {exc}"


def _fail(interrupts, message):
    interrupts.finish()  # a Ctrl-C now must not cut the message short
    print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR
