"""Selection and hover on the canvas: which neurons and edges are selected,
which item is current (what the inspector shows), and what the pointer is over.

Selected edges are kept as a set of (src, dst) keys, not as items: thousands
of edges are drawn by one :class:`EdgesItem` per weight block, which only
highlights the indices it is given.
"""

from PySide6.QtCore import Qt

from .items import NeuronItem


class Selection:
    """Selecting, the current item and hover. Mixed into :class:`NetworkScene`,
    whose neuron, edge and layer items (``_neurons``, ``_edges``, ``_layers``),
    selected edges, hint and hover it reads and writes; it emits the scene's
    ``current_changed`` and ``selection_counted``."""

    def selected_neurons(self):
        return sorted(item.key for item in self.selectedItems() if isinstance(item, NeuronItem))

    def selected_edges(self):
        return sorted(self._selected_edges)

    def select_only(self, neurons=(), edges=()):
        self._quiet = True
        self.clearSelection()
        for key in neurons:
            self._neurons[key].setSelected(True)
        self._selected_edges = set(edges)
        self._refresh_edges()
        self._quiet = False
        self._update_current()

    def select_all(self):
        edges = [(item.edge_key(k)) for item in self._edges.values() for k in range(len(item))]
        self.select_only(self._neurons, edges)

    def select_edges_in(self, rect):
        """Rubber band: select the edges with both ends inside ``rect`` (plus those kept by Ctrl)."""
        chosen = set(self._band_base)
        for item in self._edges.values():
            chosen.update(item.edge_key(k) for k in item.edges_in_rect(rect))
        if chosen != self._selected_edges:
            self._selected_edges = chosen
            self._refresh_edges()
            self._update_current()

    def _toggle_edge(self, edge, on=None):
        on = edge not in self._selected_edges if on is None else on
        (self._selected_edges.add if on else self._selected_edges.discard)(edge)
        self._refresh_edges()
        self._update_current()

    def delete_selection(self):
        """Delete the selected neurons and edges in one undoable step."""
        # Every selected edge goes along: one whose neuron the model keeps
        # (the last output neuron) is still deleted on its own.
        neurons, edges = self.selected_neurons(), self.selected_edges()
        if not neurons and not edges:
            return False
        return self.document.delete_items(neurons=neurons, edges=edges)

    def nudge_selection(self, dx, dy):
        """Move the selected neurons by (``dx``, ``dy``) scene units (arrow keys).
        Consecutive nudges of the same neurons are one undo step. False if none is selected."""
        keys = self.selected_neurons()
        if not keys:
            return False
        moves = {}
        for key in keys:
            x, y = self.neuron_xy(key)
            moves[key] = (round(x + dx, 1), round(y + dy, 1))
        return self.document.move_neurons(moves, merge=True)

    def current(self):
        return self._current

    def current_layer(self):
        """Layer of the current item (an edge belongs to its target's layer), or None."""
        cur = self._current
        if cur is None:
            return None
        kind, key = cur
        if kind == "neuron":
            return key[0]
        if kind == "edge":
            return key[1][0]
        return key

    def _update_current(self):
        if self._quiet:
            return
        neurons, edges, hint = self.selected_neurons(), self._selected_edges, self._hint
        if hint is not None and ((hint[0] == "neuron" and hint[1] in neurons)
                                 or (hint[0] == "edge" and hint[1] in edges)):
            current = hint
        elif neurons:
            current = ("neuron", neurons[0])
        elif edges:
            current = ("edge", min(edges))
        elif hint is not None and hint[0] == "layer" and hint[1] in self._layers:
            current = hint
        else:
            current = None
        self._refresh_layers()
        if current != self._current:
            self._current = current
            self.current_changed.emit(current)
        counts = (len(neurons), len(edges))
        if counts != self._counts:
            self._counts = counts
            self.selection_counted.emit(*counts)

    def _refresh_edges(self):
        by_block = {}
        for src, dst in self._selected_edges:
            by_block.setdefault((src[0], dst[0]), []).append((src[1], dst[1]))
        hover = self._hover[1] if self._hover and self._hover[0] == "edge" else None
        for key, item in self._edges.items():
            picked = [item.index_of(s, d) for s, d in by_block.get(key, ())]
            hovered = None
            if hover is not None and (hover[0][0], hover[1][0]) == key:
                hovered = item.index_of(hover[0][1], hover[1][1])
            item.set_highlight([k for k in picked if k is not None], hovered)

    def _refresh_layers(self):
        lit = set()
        if self._current is not None and self._current[0] == "layer":
            lit.add(self._current[1])
        if self._hover is not None and self._hover[0] == "layer":
            lit.add(self._hover[1])
        for layer, item in self._layers.items():
            item.set_highlighted(layer in lit)

    # ================================================================ hover
    def _set_hover(self, hit):
        if hit == self._hover:
            return
        old, self._hover = self._hover, hit
        if old is not None and old[0] == "neuron" and old[1] in self._neurons:
            self._neurons[old[1]].set_hover(None)
        if hit is not None and hit[0] == "neuron":
            self._neurons[hit[1]].set_hover(hit[2])
        if "edge" in (old and old[0], hit and hit[0]):
            self._refresh_edges()
        self._refresh_layers()
        shape = Qt.ArrowCursor
        if hit is not None:
            shape = {"body": Qt.SizeAllCursor, "rim": Qt.CrossCursor}.get(hit[-1], Qt.ArrowCursor)
            if hit[0] == "edge":
                shape = Qt.PointingHandCursor
        for view in self.views():
            if not getattr(view, "panning", False):
                view.viewport().setCursor(shape)
