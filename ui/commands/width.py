"""A hidden layer's width set from the contributions view: resize and fresh weights, one undo step."""

from __future__ import annotations

from simulator.lessons import lesson_initializer

from .structure import ResizeLayerCommand


class SetHiddenWidthCommand(ResizeLayerCommand):
    """Give ``layer`` exactly ``size`` neurons, then draw every weight afresh from ``seed``.

    A wider layer with the old neurons still trained and the new ones random
    would fit differently from a network trained at that width from the start;
    fresh weights (the settings' seed and the project's own initialiser, as
    Reset Weights draws them) make the width the only difference.
    """

    def __init__(self, doc, layer, size, seed):
        super().__init__(doc, layer, size)
        self.seed = seed
        self.method, self.scale = lesson_initializer(doc.project)
        self.setText(f"Set Hidden Width to {size}")

    def apply(self, network, positions):
        super().apply(network, positions)
        network.initialize(self.method, seed=self.seed, scale=self.scale)

    def note(self):
        return (f"The hidden layer has {self.size} neuron{'' if self.size == 1 else 's'} now, with fresh "
                f"weights from seed {self.seed}: press Play to train it")
