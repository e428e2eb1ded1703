"""The inspector: what the current neuron, edge or layer is, and its numbers.

Everything shown can be edited, and every edit goes through the Document, so
it is one undoable step like an edit on the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QAbstractButton, QFormLayout, QFrame, QLabel, QPushButton, QScrollArea, QSizePolicy,
                               QStackedWidget, QTabWidget, QVBoxLayout, QWidget)

from simulator.names import layer_title, neuron_name
from simulator.limits import MAX_LAYER_SIZE

from .activation_plot import ActivationPlot, NeuronMapPlot
from .inspector_fields import ActivationBox, SizeBox, ValueBox, WeightTable
from .network_view.maps import MapLevels
from .wording import activation_label, plural

SEVERAL_HINT = ("Delete removes them all; drag one of the selected neurons to move them together.\n\n"
                "Click a single neuron, edge or layer to see and edit it here.")



# The inspector asks for the same room whatever it shows; what does not fit scrolls.
SIZE_HINT = (320, 420)
MINIMUM_SIZE = (180, 120)


def neuron_with_layer(key, sizes):
    """"x1 (Input)", "ŷ (Output)", "neuron 4 of Hidden 1": a hidden neuron's name says its layer already."""
    name = neuron_name(key, sizes)
    if 0 < key[0] < len(sizes) - 1:
        return name
    return f"{name} ({layer_title(key[0], len(sizes))})"


def _neuron_header(key, sizes):
    name = neuron_name(key, sizes)
    if key[0] == 0:
        return f"Input {name}"
    if key[0] == len(sizes) - 1:
        return f"Output {name}"
    return name[0].upper() + name[1:]


def _snapshot_weight(snapshot, src, dst):
    """The weight of edge ``src -> dst`` in a training snapshot, or None if it has no such edge."""
    block = (src[0], dst[0])
    if block not in snapshot.weights or not snapshot.masks[block][src[1], dst[1]]:
        return None
    return float(snapshot.weights[block][src[1], dst[1]])


class Inspector(QWidget):
    """Shows and edits the current neuron, edge or layer of the canvas; with
    several items selected, how many of each."""

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.current = None
        self.counts = (0, 0)  # selected neurons and edges
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.pages = QStackedWidget()
        self.empty_page = QLabel("Click a neuron, an edge or a layer in the drawing to see and edit it here.")
        self.empty_page.setWordWrap(True)
        self.empty_page.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.pages.addWidget(self.empty_page)
        self.pages.addWidget(self._build_neuron_page())
        self.pages.addWidget(self._build_edge_page())
        self.pages.addWidget(self._build_layer_page())
        self.several_page = QLabel(SEVERAL_HINT)
        self.several_page.setWordWrap(True)
        self.several_page.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.pages.addWidget(self.several_page)
        self.plot = ActivationPlot()
        self.snapshot = None
        self.map_levels = MapLevels()
        self.map_plot = NeuronMapPlot()
        # The map over the inputs and the activation function share the room
        # under the numbers, one tab each: together they would squeeze the tables.
        self.plots = QTabWidget()
        self.plots.setDocumentMode(True)
        self.plots.addTab(self.map_plot, "Over the inputs")
        self.plots.addTab(self.plot, "Activation function")
        self.plots.setTabToolTip(0, "This neuron's activation at every point of the input space (while training)")
        self.plots.setTabToolTip(1, "The activation function of this layer and its slope")
        self.plots.setUsesScrollButtons(False)  # two short tabs: no scrolling
        for button in self.plots.tabBar().findChildren(QAbstractButton):
            button.setToolTip("Show the other tabs")
        # The numbers scroll inside the inspector: a neuron with many edges
        # must not ask for a taller dock, which would grow the window or
        # squeeze the docks beside it (the saved layout would keep that).
        content = QWidget()
        self._layout = layout = QVBoxLayout(content)
        layout.addWidget(self.header)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.plots)
        layout.addStretch(0)
        self.scroll = QScrollArea()
        self.scroll.setWidget(content)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        document.structure_changed.connect(self.refresh)
        document.values_changed.connect(self.refresh)
        document.project_replaced.connect(lambda: self.set_current(None))
        self.refresh()

    def sizeHint(self):
        return QSize(*SIZE_HINT)

    def minimumSizeHint(self):
        return QSize(*MINIMUM_SIZE)

    # ----------------------------------------------------------- building
    def _build_neuron_page(self):
        page = QWidget()
        form = QFormLayout()
        self.n_layer = QLabel()
        self.n_index = QLabel()
        self.n_activation = ActivationBox("The activation function of this neuron's layer: a change applies "
                                          "to every neuron of the layer")
        self.n_activation.edited.connect(
            lambda name: self._edit(self.document.set_activation, self.current[1][0], name))
        self.n_bias = ValueBox("The bias: added to the weighted sum before the activation")
        self.n_bias.edited.connect(lambda v: self._edit(self.document.set_bias, self.current[1], v))
        form.addRow("Layer:", self.n_layer)
        form.addRow("Neuron:", self.n_index)
        form.addRow("Layer activation:", self.n_activation)
        form.addRow("Bias:", self.n_bias)
        self.incoming = WeightTable("From", "Edges into this neuron and their weights",
                                    lambda src, v: self.document.set_weight(src, self.current[1], v))
        self.outgoing = WeightTable("To", "Edges out of this neuron and their weights",
                                    lambda dst, v: self.document.set_weight(self.current[1], dst, v))
        for table in (self.incoming, self.outgoing):
            table.refused.connect(self.document.message)
        self.in_label, self.out_label = QLabel("Incoming weights"), QLabel("Outgoing weights")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.in_label)
        layout.addWidget(self.incoming, 1)
        layout.addWidget(self.out_label)
        layout.addWidget(self.outgoing, 1)
        return page

    def _build_edge_page(self):
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.e_src, self.e_dst = QLabel(), QLabel()
        self.e_weight = ValueBox("The weight: how strongly the source's output counts at the target")
        self.e_weight.edited.connect(lambda v: self._edit(self.document.set_weight, *self.current[1], v))
        self.e_remove = QPushButton("Remove Edge")
        self.e_remove.setToolTip("Disconnect these two neurons")
        self.e_remove.clicked.connect(lambda: self.document.disconnect(*self.current[1]))
        form.addRow("From:", self.e_src)
        form.addRow("To:", self.e_dst)
        form.addRow("Weight:", self.e_weight)
        form.addRow("", self.e_remove)
        return page

    def _build_layer_page(self):
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.l_name = QLabel()
        self.l_size = SizeBox(f"Neurons in this layer, 1 to {MAX_LAYER_SIZE:,}: more adds neurons at the end, "
                              "fewer removes the last ones (applied on Enter)")
        self.l_size.valueChanged.connect(self._on_size_edited)
        self.l_size.refused.connect(self.document.message)
        self.l_activation = ActivationBox("The activation function every neuron of this layer applies")
        self.l_activation.edited.connect(
            lambda name: self._edit(self.document.set_activation, self.current[1], name))
        self.l_edges = QLabel()
        form.addRow("Layer:", self.l_name)
        form.addRow("Size:", self.l_size)
        form.addRow("Activation:", self.l_activation)
        form.addRow("Edges in:", self.l_edges)
        return page

    # ------------------------------------------------------------ showing
    def set_current(self, current):
        """Show ``None``, ``("neuron", (l, i))``, ``("edge", (src, dst))`` or ``("layer", l)``."""
        self.current = current
        self.refresh()

    def set_selection_counts(self, neurons, edges):
        """How many neurons and edges are selected: more than one item in all
        shows a summary instead of one of them."""
        if (neurons, edges) != self.counts:
            self.counts = (neurons, edges)
            self.refresh()

    def refresh(self):
        net = self.document.network
        kind, key = self.current if self.current is not None else (None, None)
        if not self._exists(kind, key):
            kind, self.current = None, None
        sizes, n = net.sizes, net.n_layers
        if sum(self.counts) > 1:
            neurons, edges = self.counts
            parts = [plural(count, word) for count, word in ((neurons, "neuron"), (edges, "edge")) if count]
            self.header.setText(", ".join(parts) + " selected")
            self._show_page(4)
            plot_layer = None
        elif kind == "neuron":
            layer, index = key
            self.header.setText(_neuron_header(key, sizes))
            self.n_layer.setText(f"{layer_title(layer, n)} (layer {layer})")
            self.n_index.setText(f"{index + 1} of {sizes[layer]}")
            self.n_activation.show_activation(net.allowed_activations(layer), net.layers[layer].activation)
            self.n_bias.setEnabled(layer > 0)
            self.n_bias.tip = ("Input neurons have no bias: they pass the data on unchanged" if layer == 0
                               else "The bias: added to the weighted sum before the activation")
            self.n_bias.show_value(float(net.layers[layer].bias[index]))
            incoming, outgoing = net.incoming(layer, index), net.outgoing(layer, index)
            self.incoming.show_edges(incoming, sizes)
            self.outgoing.show_edges(outgoing, sizes)
            self.incoming.setVisible(bool(incoming))
            self.outgoing.setVisible(bool(outgoing))
            self.in_label.setText(f"Incoming weights ({len(incoming)})" if incoming else
                                  "Incoming weights: none" + (" (inputs receive the data)" if layer == 0 else ""))
            self.out_label.setText(f"Outgoing weights ({len(outgoing)})" if outgoing else
                                   "Outgoing weights: none" + (" (this is an output)" if layer == n - 1 else ""))
            self._show_page(1)
            plot_layer = layer
        elif kind == "edge":
            src, dst = key
            self.header.setText("Edge")
            self.e_src.setText(neuron_with_layer(src, sizes))
            self.e_dst.setText(neuron_with_layer(dst, sizes))
            self.e_weight.show_value(net.weight(src, dst))
            self._show_page(2)
            plot_layer = dst[0]
        elif kind == "layer":
            self.header.setText(f"{layer_title(key, n)} layer")
            # numbered from 0 (the input) as everywhere; the range says how many, as the status bar counts them
            self.l_name.setText(f"{layer_title(key, n)} (layer {key} of 0\u2013{n - 1})")
            self.l_size.blockSignals(True)
            self.l_size.setValue(sizes[key])
            self.l_size.blockSignals(False)
            self.l_activation.show_activation(net.allowed_activations(key), net.layers[key].activation)
            fan_in = sum(int(b.mask.sum()) for (i, j), b in net.blocks.items() if j == key)
            self.l_edges.setText(f"{fan_in:,}")
            self._show_page(3)
            plot_layer = key
        else:
            self.header.setText("Nothing selected")
            self._show_page(0)
            plot_layer = None
        if plot_layer:  # None (nothing chosen) or 0 (the input layer has no activation): no plot
            self.plot.set_activation(net.layers[plot_layer].activation)
        else:
            self.plot.set_activation(None)
        self.plots.setTabVisible(1, bool(plot_layer))
        self._update_map()

    # ------------------------------------------------------------ training
    def show_snapshot(self, snapshot):
        """Keep the newest training ``Snapshot`` (or None): a selected hidden or
        output neuron shows its activation over the input plane from it, large."""
        if snapshot is None or (self.snapshot is not None and snapshot.step < self.snapshot.step):
            self.map_levels.reset()  # a new run (or none): the colour range starts afresh
        self.snapshot = snapshot
        self._show_live_values()
        self._update_map()

    def _show_live_values(self):
        """While a run goes on the snapshot holds the weights and biases: the
        shown numbers follow it in place (no rows added or removed, so nothing
        jumps), at the rate the views redraw. A field the person is editing
        keeps what they are typing."""
        s, current = self.snapshot, self.current
        if s is None or current is None or sum(self.counts) > 1 or tuple(s.sizes) != tuple(self.document.network.sizes):
            return
        kind, key = current
        if kind == "neuron":
            layer, index = key
            if layer > 0 and not self.n_bias.being_edited():
                self.n_bias.show_value(float(s.biases[layer][index]))
            self.incoming.show_weights(lambda src: _snapshot_weight(s, src, key))
            self.outgoing.show_weights(lambda dst: _snapshot_weight(s, key, dst))
        elif kind == "edge":
            value = _snapshot_weight(s, *key)
            if value is not None and not self.e_weight.being_edited():
                self.e_weight.show_value(value)

    def _update_map(self):
        s, current = self.snapshot, self.current
        key = current[1] if current is not None and current[0] == "neuron" and sum(self.counts) <= 1 else None
        usable = (key is not None and key[0] > 0 and s is not None and s.grid is not None
                  and tuple(s.sizes) == tuple(self.document.network.sizes)
                  and len(s.grid_activations) == len(s.sizes) and s.grid.shape[1] in (1, 2))
        if not usable:
            self._show_tabs(False)
            return
        layer, index = key
        acts = s.grid_activations[layer]
        span = self.map_levels.span(layer, s.activations[layer - 1], acts)
        name = neuron_name(key, s.sizes)
        self.map_plot.show_map(s.grid, acts[:, index], span,
                               f"What {name} computes over the input space at step {s.step:,}: "
                               f"{activation_label(s.activations[layer - 1])} of its weighted input.")
        self._show_tabs(True)

    def _show_tabs(self, with_map):
        if with_map and not self.plots.isTabVisible(0):
            self.plots.setTabVisible(0, True)
            self.plots.setCurrentIndex(0)  # the map is new: show it first
        elif not with_map:
            self.plots.setTabVisible(0, False)
        self.plots.setVisible(with_map or self.plots.isTabVisible(1))

    def _show_page(self, index):
        """Show one page; the neuron page (with its tables) and the summary of several
        items take the spare height, so wrapped text is never cut off."""
        for i in range(self.pages.count()):
            policy = QSizePolicy.Preferred if i == index else QSizePolicy.Ignored
            self.pages.widget(i).setSizePolicy(policy, policy)
        self.pages.setCurrentIndex(index)
        grow = index in (1, 4)  # the neuron page and the summary of several items
        self._layout.setStretch(1, 1 if grow else 0)
        self._layout.setStretch(3, 0 if grow else 1)

    def _exists(self, kind, key):
        net = self.document.network
        sizes = net.sizes
        if kind == "neuron":
            return 0 <= key[0] < len(sizes) and 0 <= key[1] < sizes[key[0]]
        if kind == "edge":
            src, dst = key
            return all(0 <= l < len(sizes) and 0 <= i < sizes[l] for l, i in (src, dst)) and net.has_edge(src, dst)
        if kind == "layer":
            return 0 <= key < len(sizes)
        return False

    def _edit(self, edit, *args):
        """Make a document edit; if the model refuses it, show the model's values again."""
        if not edit(*args):
            self.refresh()

    def _on_size_edited(self, size):
        if self.current is not None and self.current[0] == "layer":
            if not self.document.resize_layer(self.current[1], size):
                self.refresh()
