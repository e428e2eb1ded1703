"""Words shown to a person: activation names, counted nouns, status-bar
sentences and suggested file names. Every menu, panel and canvas label
takes them from here."""

import re
import unicodedata

ACTIVATION_LABELS = {"step": "Step", "linear": "Linear", "sigmoid": "Sigmoid", "tanh": "Tanh",
                     "relu": "ReLU", "leaky_relu": "Leaky ReLU", "softmax": "Softmax"}


def activation_label(name):
    """"Leaky ReLU" for ``leaky_relu``: what menus, the inspector and the canvas show."""
    return ACTIVATION_LABELS.get(name, name.replace("_", " ").title())


def plural(count, noun, nouns=None):
    """``count`` and ``noun``, in the plural unless there is exactly one:
    "1 neuron", "3 neurons", "1,024 inputs"; ``nouns`` for irregular plurals."""
    word = noun if count == 1 else nouns or noun + "s"
    return f"{count:,} {word}"


def sentence(text):
    """``text`` as a sentence: capital first letter, closing full stop.
    Messages from the simulator start in lower case."""
    text = text.strip()
    if not text:
        return text
    first = text.split(maxsplit=1)[0]
    if first.isalpha():  # not "x1" or "ŷ2": names of inputs and outputs keep their case
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def file_stem(title):
    """A file name made of a title: letters, digits, '-' and '_' only.

    "Multilayer perceptron: XOR" -> "multilayer-perceptron-xor"; "untitled"
    if nothing is left.
    """
    # Accents come off ("é" -> "e"); letters of other scripts stay.
    plain = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    stem = re.sub(r"[^\w-]+", "-", plain.lower())
    return re.sub(r"-{2,}", "-", stem).strip("-_") or "untitled"
