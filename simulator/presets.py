"""Ready-made lessons: a network, its data and its training settings.

Each preset is one idea of an introductory course, set up so that pressing
Train shows it. ``make_preset(name)`` returns a fresh Project every time.
"""

from .errors import SimulatorError
from .network import Network
from .project_file import Project
from .settings import TrainingSettings


def _perceptron(gate, learns):
    verdict = ("It finds a line that separates the two classes and stops making mistakes."
               if learns else
               "It never gets all four right: no straight line puts (0,1) and (1,0) on one side "
               "and (0,0) and (1,1) on the other. Add a hidden layer to fix that.")
    return dict(
        sizes=[2, 1], activations=["step"], init="uniform", init_scale=0.5,
        data={"recipe": {"generator": gate}},
        settings=TrainingSettings(loss="l2", rule="perceptron", learning_rate=0.1, batch_size=1,
                                  shuffle=False),
        title=f"Perceptron: {gate.upper()}",
        description=(f"One neuron with a step activation learns {gate.upper()} with the perceptron rule: "
                     f"for each example, w += learning rate x (target - output) x input. {verdict}"))


PRESETS = {
    "perceptron-and": lambda: _perceptron("and", True),
    "perceptron-or": lambda: _perceptron("or", True),
    "perceptron-xor": lambda: _perceptron("xor", False),
    "mlp-xor": lambda: dict(
        sizes=[2, 4, 1], activations=["tanh", "sigmoid"],
        data={"recipe": {"generator": "xor"}},
        settings=TrainingSettings(loss="binary_cross_entropy", learning_rate=1.0),
        title="Multilayer perceptron: XOR",
        description=("A hidden layer of four tanh neurons bends the input plane so that one straight "
                     "line can separate XOR's classes. Train it, then look at each hidden neuron's "
                     "activation map: each draws one line, and the output combines them.")),
    "step-backprop": lambda: dict(
        sizes=[2, 4, 1], activations=["step", "sigmoid"],
        data={"recipe": {"generator": "xor"}},
        settings=TrainingSettings(loss="binary_cross_entropy", learning_rate=1.0),
        title="Why a step cannot learn by gradient descent",
        description=("The hidden layer uses step activations. Its slope is 0 everywhere, so every "
                     "gradient reaching the hidden weights is 0 and they never move. Change the "
                     "hidden activation to sigmoid or ReLU and train again.")),
    "circles": lambda: dict(
        sizes=[2, 6, 1], activations=["relu", "sigmoid"],
        data={"recipe": {"generator": "circles", "n": 300, "noise": 0.05, "seed": 0},
              "test_fraction": 0.2, "split_seed": 0},
        settings=TrainingSettings(loss="binary_cross_entropy", optimizer="adam", learning_rate=0.05),
        title="Circles: a ring around a disc",
        description=("No line separates a disc from the ring around it. Six ReLU neurons draw six "
                     "lines; together they cut out a polygon around the inner class.")),
    "spiral": lambda: dict(
        sizes=[2, 16, 16, 1], activations=["tanh", "tanh", "sigmoid"],
        data={"recipe": {"generator": "spiral", "n": 400, "noise": 0.05, "seed": 0, "arms": 2},
              "test_fraction": 0.2, "split_seed": 0},
        settings=TrainingSettings(loss="binary_cross_entropy", optimizer="adam", learning_rate=0.02,
                                  batch_size=32),
        title="Two spirals",
        description=("Two interleaved spirals need a deeper network: two hidden layers of 16 tanh "
                     "neurons, trained with Adam on mini-batches of 32.")),
    "multiclass": lambda: dict(
        sizes=[2, 8, 3], activations=["relu", "softmax"],
        data={"recipe": {"generator": "multiclass", "n": 300, "seed": 0, "classes": 3},
              "test_fraction": 0.2, "split_seed": 0},
        settings=TrainingSettings(loss="categorical_cross_entropy", optimizer="adam", learning_rate=0.05),
        title="Three classes with softmax",
        description=("A softmax output layer gives a probability per class, trained with categorical "
                     "cross-entropy.")),
    "sine": lambda: dict(
        sizes=[1, 16, 1], activations=["tanh", "linear"],
        data={"recipe": {"generator": "sine", "n": 100, "noise": 0.05, "seed": 0}},
        settings=TrainingSettings(loss="l2", optimizer="adam", learning_rate=0.02),
        title="Universal approximation: a sine wave",
        description=("One hidden layer, wide enough, fits any smooth curve. Sixteen tanh neurons each "
                     "add one S-shaped piece; the output adds them up into a sine.")),
    "outliers": lambda: dict(
        sizes=[1, 1], activations=["linear"],
        data={"recipe": {"generator": "linear_outliers", "n": 100, "noise": 0.1, "seed": 0,
                         "outlier_fraction": 0.1}},
        settings=TrainingSettings(loss="l2", learning_rate=0.1),
        title="L1 against L2: outliers",
        description=("Fitting a line with L2 (mean squared error): a few outliers pull the line towards "
                     "them, because a squared error grows fast. Switch the loss to L1 (mean absolute "
                     "error) and train again: the line stays with the bulk of the points.")),
}

PRESET_NAMES = tuple(PRESETS)
DEFAULT_PRESET = "mlp-xor"


def make_preset(name, seed=0):
    """A new Project for the preset called ``name``.

    Raises
    ------
    SimulatorError
        If there is no such preset.
    """
    try:
        recipe = PRESETS[name]()
    except (KeyError, TypeError):
        raise SimulatorError(f"unknown preset {name!r} (known: {', '.join(PRESET_NAMES)})") from None
    network = Network(recipe["sizes"], recipe["activations"], init=recipe.get("init", "xavier"),
                      init_scale=recipe.get("init_scale", 1.0), seed=seed)
    return Project(network=network, data=recipe["data"], settings=recipe["settings"],
                   title=recipe["title"], description=recipe["description"])
