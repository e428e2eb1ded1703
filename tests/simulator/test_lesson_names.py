"""The names the lesson texts (resources/lessons/*.md) give controls, menus, tabs and panels
are the names the app shows; other starting weights come from New Random Weights, which
moves the seed on, not from Reset Weights, which draws the same weights again."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "resources" / "lessons"

CONCEPTS = {"Try this", "step", "sigmoid", "ReLU", "softmax", "one", "outlier", "perceptron rule", "hidden layer",
            "gradient descent", "vanishing gradient", "Universal approximation", "L2", "L2 loss", "L1 loss",
            "mean squared error", "binary cross-entropy", "categorical cross-entropy", "confidently wrong",
            "Forward", "Backward", "delta", "derivative", "finite difference", "64 pixels", "3 parameters",
            "29 parameters", "337 parameters"}
"""Bold words that are ideas, not controls; every other bold name is a control, menu, tab or panel."""
def _ui_labels():
    """The text of every string in ui/, mnemonics taken out ("Re&set" is "Reset", "&&" is "&")."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "ui").rglob("*.py"))
    return source.replace("&&", "\0").replace("&", "").replace("\0", "&")


def test_every_control_a_lesson_names_is_in_the_app_by_that_name():
    labels = _ui_labels()
    missing = set()
    for path in sorted(FOLDER.glob("*.md")):
        for name in re.findall(r"\*\*(.+?)\*\*", path.read_text(encoding="utf-8")):
            if name in CONCEPTS:
                continue
            for part in name.split(" ▸ "):  # a menu path: each menu and item by its name
                part = re.sub(r" of (Hidden \d+|Output)$", " of {name}", part)  # an item naming the chosen layer
                if not re.search(r"[\"']" + re.escape(part) + r"[\"':]", labels):
                    missing.add((path.stem, part))
    assert not missing, sorted(missing)


def test_other_starting_weights_come_from_new_random_weights_not_reset_weights():
    for path in sorted(FOLDER.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert "outlier fraction" not in text  # the Data panel's field is "Outliers"
        for step in re.split(r"\n(?=\d\. )", text):
            if re.search(r"other starting weights|one start in", step):
                assert "New Random Weights" in step and "Reset Weights" not in step, path.stem
