"""Write resources/lessons/digits.json: a 64-32-10 softmax network and the bundled digits.

    python3 scripts/make_digits_lesson.py

The data is the bundled resources/datasets/digits.csv, read by the app's own
CSV reader and stored inline (pixels 0 to 16 as whole numbers), so the
lesson opens without the CSV file and shows exactly what File > Import Data
gives. The weights are drawn from a fixed seed: the same file every time.
Its text is resources/lessons/digits.md, written by hand.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.bundled import load_bundled  # noqa: E402
from simulator.lessons import network_fingerprint  # noqa: E402
from simulator.network import Network  # noqa: E402
from simulator.project_file import Project, inline_data, save_project  # noqa: E402
from simulator.settings import TrainingSettings  # noqa: E402

STEPS = 100
"""Steps the lesson's text speaks of (full-batch Adam steps)."""


def whole(rows):
    """Rows of numbers with whole floats written as ints: a smaller file that reads the same."""
    return [[int(v) if float(v).is_integer() else v for v in row] for row in rows]


def main():
    digits = load_bundled("digits")
    data = inline_data(digits, test_fraction=0.2, split_seed=0)
    data["inline"]["X"] = whole(data["inline"]["X"])
    data["inline"]["y"] = whole(data["inline"]["y"])
    data["inline"]["name"] = "handwritten digits"
    network = Network([64, 32, 10], ["tanh", "softmax"], seed=1)
    settings = TrainingSettings(loss="categorical_cross_entropy", optimizer="adam", learning_rate=0.01,
                                batch_size=0, seed=0)
    project = Project(network=network, data=data, settings=settings, layout={},
                      title="Handwritten digits: 64 pixels in, 10 digits out",
                      lesson={"name": "digits", "fingerprint": network_fingerprint(network), "steps": STEPS})
    path = ROOT / "resources" / "lessons" / "digits.json"
    save_project(project, path)
    print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
