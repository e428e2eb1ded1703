"""Chain rule: dL/dw of one edge for one example, written out with its numbers
(simulator/chain_rule.py)."""

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QScrollArea, QSpinBox

from simulator.chain_rule import chain_lines, edge_chain, number, trace_example
from simulator.replay import network_from_snapshot

from ..theme import plot_colours
from .lesson_support import EdgeChoice, LessonView


class ChainRuleView(LessonView):
    """For the chosen edge and example: dL/dw = delta_j × a_i, and delta_j one step further."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edges = EdgeChoice()
        self.example = QSpinBox()
        self.example.setMinimum(1)
        self.example.setToolTip("Which training example to follow (clicking a point in the Output tab "
                                "chooses it too)")
        self.add_control("Edge", self.edges)
        self.add_control("Example", self.example)
        self.controls.addStretch(1)
        self.edges.edge_changed.connect(lambda _: self.refresh())
        self.example.valueChanged.connect(lambda _: self.refresh())
        self.chain = self.lines = None
        self.text = QLabel()
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.text.setWordWrap(True)
        self.text.setStyleSheet(f"color: {plot_colours()['text']}; padding: 8px;")
        self.text.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.mono = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.text)
        self.set_page(scroll)

    def set_edge(self, edge):
        """The edge selected on the canvas, ``(src, dst)``, or None."""
        self.edges.choose(edge)

    def set_example(self, dataset_name, index):
        """Follow the training example ``index`` (a point clicked in the output view)."""
        if dataset_name == "train":
            self.example.setValue(index + 1)

    def draw(self):
        snap = self.snapshot
        self.edges.set_snapshot(snap)
        edge = self.edges.edge()
        if edge is None:
            return "The network has no edges: connect two neurons to follow the chain rule along one."
        train = self.data_fits()
        if train is None:
            return "The chain rule follows one training example: the data does not fit the network."
        if self.rule() == "perceptron":
            return ("The perceptron rule trains the output's weights with w += η (y − ŷ) x, without "
                    "backpropagation: choose gradient descent in Data & Training to follow the chain rule.")
        self.example.setMaximum(train.n_samples)
        k = self.example.value() - 1
        loss = self.loss()
        reason = loss.check_output(snap.activations[-1], snap.sizes[-1]) or loss.check_targets(train.y)
        if reason:
            return f"The loss cannot be computed: {reason}."
        network = network_from_snapshot(snap)
        trace = trace_example(network, train.X[k], train.y[k], loss)
        self.chain = edge_chain(network, trace, *edge, loss.name)
        self.lines = chain_lines(self.chain, snap.sizes)
        x = ", ".join(number(v) for v in trace.x)
        y = ", ".join(number(v) for v in trace.y)
        head = (f"Example {k + 1} of {train.n_samples}: x = ({x}), target y = ({y}), loss L = "
                f"{number(trace.loss)}. Backpropagation, one number at a time:")
        body = html.escape("\n".join(self.lines))
        family = html.escape(self.mono.family())
        foot = ("δ = ∂L/∂z of a neuron; a its activation, z = Σ w·a + b its input, f′ the slope of its "
                "activation. The canvas shows the same numbers when you click this point in the Output tab "
                "(zoom in to read them).")
        self.text.setText(f"<p>{html.escape(head)}</p><pre style='font-family:\"{family}\"; font-size:11pt'>"
                          f"{body}</pre><p style='font-size:9pt'>{html.escape(foot)}</p>")
        return None
