"""Write the bundled data sets in resources/datasets/ from scikit-learn's copies.

    python3 scripts/make_datasets.py        (needs scikit-learn: pip install scikit-learn)

scikit-learn is needed only here, to write the files; the app reads the CSV
files it leaves and never imports scikit-learn. The output is deterministic:
the same scikit-learn data gives byte-identical files, so a change in a
commit is a change in the data. Each file is a header (the feature names,
then the target column) and one row per sample, the target written as its
class name. datasets.json indexes them (simulator/bundled.py reads it), with
the classes as the app's CSV reader names them (text names sorted
alphabetically, digits as "class 0" to "class 9").
"""

import csv
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "resources" / "datasets"

UCI = "UCI Machine Learning Repository"
SKLEARN = "the copy distributed with scikit-learn (BSD-3-Clause licensed software)"
CC_BY = "CC BY 4.0 (as the UCI Machine Learning Repository lists it)"

DATASETS = [
    {"name": "iris", "loader": "load_iris", "title": "Iris flowers (3 species, 4 measurements)",
     "target": "species",
     "source": f"{UCI}, Iris (R. A. Fisher, 1936), https://archive.ics.uci.edu/dataset/53/iris; "
               f"via {SKLEARN}, whose values follow Fisher's paper (two samples differ from UCI's file)"},
    {"name": "wine", "loader": "load_wine", "title": "Wine (3 cultivars, 13 chemical measurements)",
     "target": "cultivar",
     "source": f"{UCI}, Wine (Forina et al., 1991), https://archive.ics.uci.edu/dataset/109/wine; "
               f"via {SKLEARN}"},
    {"name": "breast-cancer", "loader": "load_breast_cancer",
     "title": "Breast cancer (malignant or benign, 30 cell measurements)", "target": "diagnosis",
     "source": f"{UCI}, Breast Cancer Wisconsin (Diagnostic) (Wolberg, Street and Mangasarian, 1995), "
               f"https://archive.ics.uci.edu/dataset/17/breast+cancer+wisconsin+diagnostic; via {SKLEARN}"},
    {"name": "digits", "loader": "load_digits", "title": "Handwritten digits (8x8 images, 1,797 of them)",
     "target": "digit",
     "source": f"{UCI}, Optical Recognition of Handwritten Digits (Alpaydin and Kaynak, 1998), its test set, "
               f"https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits; "
               f"via {SKLEARN}"},
]


def number(value):
    """Shortest text that reads back as the same float; whole numbers without '.0'."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def table(bunch, target):
    """The CSV text of one scikit-learn data set."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    features = [str(name) for name in bunch.feature_names]
    writer.writerow(features + [target])
    names = [str(name) for name in bunch.target_names]
    for row, label in zip(bunch.data, bunch.target):
        writer.writerow([number(v) for v in row] + [names[int(label)]])
    return out.getvalue()


def main():
    try:
        import sklearn.datasets
    except ImportError:
        sys.exit("make_datasets.py needs scikit-learn to write the files: pip install scikit-learn")
    sys.path.insert(0, str(ROOT))
    from simulator.datasets import load_csv  # the app's reader: the index says what it reads

    FOLDER.mkdir(parents=True, exist_ok=True)
    index = []
    for spec in DATASETS:
        bunch = getattr(sklearn.datasets, spec["loader"])()
        file = f"{spec['name']}.csv"
        (FOLDER / file).write_text(table(bunch, spec["target"]), encoding="utf-8", newline="")
        read = load_csv(FOLDER / file, target_column=spec["target"], task="classification")
        index.append({"name": spec["name"], "file": file, "title": spec["title"], "target": spec["target"],
                      "task": read.task, "classes": list(read.target_names),
                      "rows": int(bunch.data.shape[0]), "features": int(bunch.data.shape[1]),
                      "source": spec["source"], "licence": CC_BY})
        print(f"{file}: {bunch.data.shape[0]} rows, {bunch.data.shape[1]} features")
    text = json.dumps({"datasets": index}, indent=2, ensure_ascii=False) + "\n"
    (FOLDER / "datasets.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
