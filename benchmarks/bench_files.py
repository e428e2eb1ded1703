"""Hostile project files: the worst file of each shape, how long loading takes and its peak memory.

Run by hand from anywhere in the repository (not a test; no test imports it)::

    python benchmarks/bench_files.py             # every shape at the 64 MB limit, a few minutes
    python benchmarks/bench_files.py --mb 4      # smaller files, quicker
    python benchmarks/bench_files.py --only layout

Each shape is written to a temporary file just under ``MAX_FILE_BYTES`` and
loaded with ``load_project`` in a fresh subprocess, which reports the wall
and CPU time of the load and its peak resident memory (``VmHWM``, so the
interpreter with NumPy counts too; its size before the load is printed as the
baseline). A load either gives a project or a ``ProjectFileError``; the first
words of the outcome are printed so a refusal can be told from a success.
The targets, on the 2-core machine in docs/performance.md: under 3 CPU
seconds (the machine is shared, so wall time also counts other work) and
under 1 GB each. The script exits 1 if a shape misses either, times out, or
ends with anything but a project or a ProjectFileError.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.project_file import MAX_FILE_BYTES  # noqa: E402

TARGET_SECONDS = 3.0
TARGET_MB = 1024

_CHILD = r"""
import json, os, sys, time
from simulator.errors import ProjectFileError
from simulator.project_file import load_project

def peak_kb():  # VmHWM starts afresh at exec, unlike ru_maxrss, which keeps the parent's
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))

base = peak_kb()
start, cpu = time.perf_counter(), time.process_time()
try:
    project = load_project(sys.argv[1])
    outcome = f"loaded: {project.network.parameter_count:,} parameters"
except ProjectFileError as exc:
    outcome = f"refused: {exc}"
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = peak_kb()
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak / 1024, "base_mb": base / 1024,
                  "outcome": outcome}))
"""


# ------------------------------------------------------------------ shapes
def _project(**parts):
    """A small valid project's JSON object with ``parts`` replacing its keys."""
    doc = {"format": "backprop-studio-project", "version": 1, "title": "t", "description": "",
           "network": {"layers": [{"size": 2}, {"size": 1, "activation": "sigmoid"}],
                       "edges": [{"from": 0, "to": 1, "weights": [[0.5], [-0.5]]}]},
           "data": {"recipe": {"generator": "xor", "n": 4, "noise": 0.0, "seed": 0}},
           "layout": {}}
    doc.update(parts)
    return doc


def _around(key, filler, budget, before=b"", after=b""):
    """A valid small project whose ``key`` holds ``before + filler * n + after``."""
    text = json.dumps(_project(**{key: "@@"})).encode()
    head, tail = text.split(b'"@@"')
    n = (budget - len(head) - len(tail) - len(before) - len(after)) // len(filler)
    return head + before + filler * n + after + tail


def _list_of(item, budget, key="layout", wrap=(b'{"x": [', b"]}")):
    body = _around(key, item + b",", budget, wrap[0], b"0" + wrap[1])
    return body


def _network(sizes, budget, masked=False):
    """The biggest dense (or masked) network of ``sizes`` with random weights."""
    rng = np.random.default_rng(0)
    layers = _layers(sizes)
    edges = []
    for k in range(len(sizes) - 1):
        w = rng.standard_normal((sizes[k], sizes[k + 1]))
        edge = {"from": k, "to": k + 1}
        if masked:
            mask = np.zeros(w.shape, dtype=bool)
            mask[0, 0] = True
            edge["weights"] = np.where(mask, w, 0.0).tolist()
            edge["mask"] = mask.tolist()
        else:
            edge["weights"] = w.tolist()
        edges.append(edge)
    doc = _project(network={"layers": layers, "edges": edges})
    return json.dumps(doc, separators=(",", ":")).encode()


def _layers(sizes):
    return [{"size": sizes[0]}] + [{"size": n, "activation": "tanh", "bias": [0.0] * n}
                                   for n in sizes[1:]]


def _all_pairs(budget):
    """32 layers of 60 neurons with every pair of layers connected: 496 blocks, 1.8 M weights."""
    rng = np.random.default_rng(1)
    edges = [{"from": a, "to": b, "weights": rng.standard_normal((60, 60)).tolist()}
             for a in range(32) for b in range(a + 1, 32)]
    doc = _project(network={"layers": _layers([60] * 32), "edges": edges})
    return json.dumps(doc, separators=(",", ":")).encode()


def _positions(budget):
    """32 layers of 4096 neurons, no edges, and a layout position for every neuron."""
    doc = _project(network={"layers": _layers([4096] * 32), "edges": []},
                   layout={"positions": [[k, i, 100.0 * k, 12.5 * i]
                                         for k in range(32) for i in range(4096)]})
    return json.dumps(doc, separators=(",", ":")).encode()


def _widest_network(budget):
    # about 20 bytes a weight: the parameter limit, or the file limit, whichever comes first
    n = int(min(1000, (budget / 40) ** 0.5))
    return _network([n, n, n - 2], budget)


def _masked_network(budget):
    # masked-out cells cost no parameter: 10 bytes a cell ("0.0,false,"), one kept edge a block
    cols = max(1, min(4096, budget // (11 * 4096)))
    return _network([4096, cols], budget, masked=True)


def _inline_data(budget):
    rows = 100_000
    cols = max(1, min(4096, budget // (rows * 5) - 1))
    x = b"[" + b",".join([b"0.25"] * cols) + b"]"
    X = b"[" + b",".join([x] * rows) + b"]"
    y = b"[" + b",".join([b"[1]"] * (rows // 2) + [b"[0]"] * (rows - rows // 2)) + b"]"
    doc = _project(network={"layers": [{"size": cols}, {"size": 1, "activation": "sigmoid"}],
                            "edges": [{"from": 0, "to": 1, "weights": [[0.0]] * cols}]},
                   data={"inline": {"X": "@X", "y": "@y", "task": "classification"}})
    return json.dumps(doc).encode().replace(b'"@X"', X).replace(b'"@y"', y)


def _many_keys(budget):
    n = budget // 14
    keys = b"{" + b",".join(b'"k%d":0' % i for i in range(n)) + b"}"
    return json.dumps(_project(layout="@@")).encode().replace(b'"@@"', keys)


SHAPES = {
    "unterminated escaped quotes": lambda b: b'{"title": "' + b'\\"' * ((b - 12) // 2),
    "unterminated string": lambda b: b'{"title": "' + b"a" * (b - 12),
    "deep nesting": lambda b: b"[" * b,
    "deep nesting, closed": lambda b: b"[" * (b // 2) + b"]" * (b // 2),
    "whitespace": lambda b: b" " * (b - 2) + b"{}",
    "long description": lambda b: _around("description", b"a", b, b'"', b'"'),
    "long description, one wide character": lambda b: _around(
        "description", b"a", b, b'"', "\U0001F600".encode() + b'"'),
    "escapes in the description": lambda b: _around("description", b"\\u00e9", b, b'"', b'"'),
    "escaped quotes in the description": lambda b: _around("description", b'\\"', b, b'"', b'"'),
    "layout positions": lambda b: _around("layout", b"[1,0,1.5,2.5],", b,
                                          b'{"positions":[', b"[1,0,1.5,2.5]]}"),
    "a position for each of 131,072 neurons": _positions,
    "layout of empty lists": lambda b: _list_of(b"[]", b),
    "layout of empty objects": lambda b: _list_of(b"{}", b),
    "layout of short strings": lambda b: _list_of(b'"ab"', b),
    "layout of floats": lambda b: _list_of(b"1.5", b),
    "layout of NaN": lambda b: _list_of(b"NaN", b),
    "lists, strings and floats at their limits": lambda b: _around(
        "layout", b"1.5,", b, b'{"x":[' + b"[]," * 1_999_900 + b'"ab",' * 999_900, b"1]}"),
    "layout nested 64 deep": lambda b: _list_of(b"[" * 62 + b"]" * 62, b),
    "layout with many keys": _many_keys,
    "long integers": lambda b: _list_of(b"9" * 4000, b),
    "an integer too long": lambda b: _around("title", b"9", b),
    "duplicate keys": lambda b: _around("layout", b'"a":0,', b, b"{", b'"b":0}'),
    "widest dense network": _widest_network,
    "masked network": _masked_network,
    "32 layers, every pair connected": _all_pairs,
    "inline data": _inline_data,
}


# --------------------------------------------------------------- measuring
def measure(raw, folder, timeout):
    path = Path(folder) / "shape.json"
    path.write_bytes(raw)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                              text=True, timeout=timeout, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "peak_mb": None, "base_mb": None, "outcome": f"timed out ({timeout} s)"}
    finally:
        path.unlink()
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"seconds": None, "peak_mb": None, "base_mb": None,
                "outcome": f"crashed ({done.returncode}): {last}"}
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=MAX_FILE_BYTES / 2**20,
                        help="size of each file in MB (default: the file limit)")
    parser.add_argument("--only", help="run only shapes whose name contains this")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a load is stopped")
    args = parser.parse_args()
    budget = min(int(args.mb * 2**20), MAX_FILE_BYTES) - 4096
    print(f"files of up to {budget / 2**20:.1f} MB; limit {MAX_FILE_BYTES / 2**20:.0f} MB; "
          f"Python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}\n")
    print("| shape | file MB | seconds (CPU) | peak MB (baseline) | outcome |")
    print("|---|---:|---:|---:|---|")
    failed = []
    with tempfile.TemporaryDirectory() as folder:
        for name, build in SHAPES.items():
            if args.only and args.only not in name:
                continue
            raw = build(budget)
            assert len(raw) <= MAX_FILE_BYTES, name
            size_mb = len(raw) / 2**20
            r = measure(raw, folder, args.timeout)
            del raw
            # CPU seconds: the machine is shared, and wall time counts other people's work
            ok = (r["seconds"] is not None and r["cpu"] < TARGET_SECONDS
                  and r["peak_mb"] < TARGET_MB)
            if not ok:
                failed.append(name)
            seconds = "-" if r["seconds"] is None else f"{r['seconds']:.2f} ({r['cpu']:.2f})"
            peak = "-" if r["peak_mb"] is None else f"{r['peak_mb']:.0f} ({r['base_mb']:.0f})"
            outcome = r["outcome"] if len(r["outcome"]) <= 90 else r["outcome"][:87] + "..."
            print(f"| {name} | {size_mb:.1f} | {seconds} | {peak} | "
                  f"{outcome.replace('|', '/')} |", flush=True)
    print("\nall shapes within the targets" if not failed else
          f"\nPROBLEMS: over {TARGET_SECONDS:g} s or {TARGET_MB} MB, or not a clean outcome: "
          + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
