"""The canvas scene: draws the document's network and turns mouse input
into Document edits.

The scene follows the document (Orange's ``set_scheme`` pattern): it builds
its items from ``document.network`` and redraws from the document's signals,
and it never writes the model itself. ``structure_changed`` rebuilds every
item; ``values_changed`` only restyles edges and biases; ``positions_changed``
only moves things.

Mouse scheme (see also ``tooltips.NEURON_HELP``):

- Drag a neuron's centre: move it (and every other selected neuron).
- Drag from a neuron's rim, or Ctrl+drag anywhere on it: connect it to a
  neuron of a later layer. The cursor is a cross over the rim and a four-way
  arrow over the centre.
- Click selects, Shift+click adds, Ctrl+click toggles; left-drag on empty
  background draws a rubber band (the view handles it).
- Double-click an edge: weight; a neuron: bias; an empty spot in a layer's
  column: add a neuron there.
"""

import numpy as np
from PySide6.QtCore import QLocale, QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QApplication, QGraphicsScene, QInputDialog, QToolTip

from simulator.names import layer_title, neuron_name
from simulator.limits import MAX_WEIGHT

from ..wording import activation_label, plural
from .gestures import ConnectGesture, MoveGesture, WeightNudge
from .edges_item import EdgesItem
from .items import LayerItem, NeuronItem, all_finite, largest_magnitude
from .layout import auto_layout
from .menus import context_menu
from .picking import Picking
from .selection import Selection
from .tooltips import tooltip
from .training_display import TrainingDisplay

DIALOG_DECIMALS = 6      # the weight and bias dialogs


def _ask_number(parent, title, label, value):
    """The default number dialog; tests replace ``NetworkScene.ask_number``."""
    return QInputDialog.getDouble(parent, title, label, value, -MAX_WEIGHT, MAX_WEIGHT, DIALOG_DECIMALS, step=0.1)


def as_shown(value):
    """``value`` as the number dialog shows it: rounded to DIALOG_DECIMALS the way Qt rounds."""
    return float(QLocale.c().toString(float(value), "f", DIALOG_DECIMALS))


class NetworkScene(TrainingDisplay, Selection, Picking, QGraphicsScene):
    """Neurons, edges and layer columns of ``document.network``.

    Signals
    -------
    current_changed(object)
        None, ``("neuron", (l, i))``, ``("edge", (src, dst))`` or ``("layer", l)``.
    selection_counted(int, int)
        How many neurons and edges are selected, whenever that changes.
    """

    current_changed = Signal(object)
    selection_counted = Signal(int, int)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        # A few hundred items that move while dragged: a BSP index costs more
        # than it saves.
        self.setItemIndexMethod(QGraphicsScene.NoIndex)
        self.ask_number = _ask_number
        self.nudge = WeightNudge(self)
        self._neurons, self._edges, self._layers = {}, {}, {}
        # Neuron centres, one (size, 2) array per layer: the one record of where
        # each neuron is drawn (hit tests, edges and drags read it).
        self._xy, self._sizes = [], []
        self._selected_edges = set()
        self._hover = None
        self._gesture = self._press = None
        self._hint = self._current = None
        self._counts = (0, 0)
        self._band_base = set()
        self._quiet = False
        self._title_scale = 1.0
        self.weight_scale = self.bias_scale = 1.0  # the largest |w| and |bias|: the widest line and rim
        self._init_training()
        self.selectionChanged.connect(self._update_current)
        document.structure_changed.connect(self._on_structure_changed)
        document.values_changed.connect(self._on_values_changed)
        document.positions_changed.connect(self.sync_positions)
        document.project_replaced.connect(self._on_project_replaced)
        self.rebuild()

    # ================================================================ build
    def rebuild(self):
        """Recreate every item from the document (after a structural change)."""
        self._cancel_gesture()
        net = self.document.network
        keep = None
        if net.sizes == self._sizes:
            keep = (self.selected_neurons(), [e for e in self._selected_edges if net.has_edge(*e)])
        self._quiet = True
        self._neurons, self._edges, self._layers = {}, {}, {}
        self._badge = self._trace_item = None  # cleared with the rest
        self._selected_edges, self._hover = set(), None
        self.clear()
        sizes = self._sizes = net.sizes
        self._xy = [np.zeros((0, 2))] * len(sizes)
        last = len(sizes) - 1
        for layer, size in enumerate(sizes):
            subtitle = activation_label(net.layers[layer].activation) if layer else plural(size, "feature")
            column = LayerItem(layer, layer_title(layer, len(sizes)), subtitle)
            column.title.setScale(self._title_scale)
            self._layers[layer] = column
            self.addItem(column)
            self.addItem(column.title)
            kind = "input" if layer == 0 else "output" if layer == last else "hidden"
            for index in range(size):
                label = neuron_name((layer, index), sizes) if kind != "hidden" else ""
                item = NeuronItem((layer, index), kind, label)
                self._neurons[(layer, index)] = item
                self.addItem(item)
        self._update_scales()
        for (i, j), block in sorted(net.blocks.items()):
            src, dst = np.nonzero(block.mask)
            item = EdgesItem(i, j)
            item.set_edges(src, dst, block.weights[src, dst], self.weight_scale)
            self._edges[(i, j)] = item
            self.addItem(item)
        self._apply_positions(self._layout())
        self._restyle_neurons()
        if keep is not None:
            for key in keep[0]:
                self._neurons[key].setSelected(True)
            self._selected_edges = set(keep[1])
            self._refresh_edges()
        self._add_overlays()
        self._quiet = False
        self._update_current()

    def _on_structure_changed(self):
        self.rebuild()

    def _on_project_replaced(self):
        self._hint = None
        self.snapshot = self.trace = self.phase = None
        for levels in (self.grad_levels, self.delta_levels, self.map_levels):
            levels.reset()
        self.rebuild()
        for view in self.views():
            if hasattr(view, "fit"):
                view.fit()

    def _on_values_changed(self):
        """Restyle only: new weights and biases on the same edges."""
        net = self.document.network
        if net.sizes != self._sizes or set(net.blocks) != set(self._edges):
            self.rebuild()
            return
        if any(int(net.blocks[key].mask.sum()) != len(item) for key, item in self._edges.items()):
            self.rebuild()
            return
        self._update_scales()
        for key, item in self._edges.items():
            item.set_weights(net.blocks[key].weights[item.src, item.dst], self.weight_scale)
        self._restyle_neurons()

    def _update_scales(self):
        """The largest |w| and |bias| of the network: the widest edge and rim."""
        net = self.document.network
        tops = [largest_magnitude(block.weights[block.mask]) for block in net.blocks.values()
                if np.any(block.weights[block.mask])]
        self.weight_scale = max(tops, default=1.0)
        self.bias_scale = largest_magnitude(np.concatenate([layer.bias for layer in net.layers[1:]]))
        if self.snapshot is None:  # the network's own values: are they all numbers?
            self.diverged = not all_finite([b.weights[b.mask] for b in net.blocks.values()]
                                           + [layer.bias for layer in net.layers[1:]])

    def _restyle_neurons(self):
        layers = self.document.network.layers
        for (layer, index), item in self._neurons.items():
            item.set_bias(float(layers[layer].bias[index]), self.bias_scale)

    # ============================================================ positions
    def _layout(self):
        positions = auto_layout(self._sizes)
        for key, xy in self.document.positions.items():
            key = tuple(key)
            if key in positions:
                positions[key] = (float(xy[0]), float(xy[1]))
        return positions

    def sync_positions(self):
        """Place everything where the document says (manual or automatic)."""
        self._apply_positions(self._layout())

    def preview_positions(self, moves):
        """Move neurons on screen only, while a drag is under way."""
        layers = {key[0] for key in moves}
        positions = {(l, i): self.neuron_xy((l, i)) for l in layers for i in range(self._sizes[l])}
        positions.update(moves)
        self._apply_positions(positions, layers)

    def _apply_positions(self, positions, layers=None):
        """Place the neurons of ``layers`` (default: all) at ``positions``, which
        holds every one of them, and the columns and edges that follow them."""
        layers = range(len(self._sizes)) if layers is None else layers
        for layer in layers:
            xy = np.array([positions[(layer, i)] for i in range(self._sizes[layer])], float).reshape(-1, 2)
            self._xy[layer] = xy
            for i, (x, y) in enumerate(xy.tolist()):
                self._neurons[(layer, i)].setPos(x, y)
            self._layers[layer].set_band(xy[:, 0], xy[:, 1])
        touched = set(layers)
        for (i, j), item in self._edges.items():
            # A skip connection arches over the columns between, so it moves
            # when any of them does.
            if touched & set(range(i, j + 1)):
                item.set_geometry(self._xy[i], self._xy[j], self._arch_top(i, j))
        self._declutter_titles()
        self._place_overlays()
        rect = self.content_rect()
        m = max(rect.width(), rect.height(), 600.0)
        self.setSceneRect(rect.adjusted(-m, -m, m, m))

    def _arch_top(self, i, j):
        if j - i < 2:
            return None
        return min(self._layers[l].band.top() for l in range(i + 1, j)) - 12.0

    def content_rect(self, titles=True):
        """The bounding rectangle of the drawing, without the panning margin.

        ``titles=False``: columns and edges only. The titles keep their size on
        screen whatever the zoom, so a fit leaves room for them in pixels.
        """
        rect = QRectF()
        for item in list(self._layers.values()) + list(self._edges.values()):
            rect = rect.united(item.sceneBoundingRect())
        for item in self._layers.values() if titles else ():
            if item.title.isVisible():
                rect = rect.united(item.title.sceneBoundingRect())
        return rect

    def title_room(self):
        """(narrowest gap between neighbouring columns in scene units, or None with
        one column; half the widest short title in pixels at 100 %): what a fit needs
        to tell whether whole titles fit and how far short ones reach past the ends."""
        xs = sorted(item.band.center().x() for item in self._layers.values())
        gaps = [b - a for a, b in zip(xs, xs[1:])]
        half = max((item.title.ink(True).width() / 2 for item in self._layers.values()), default=0.0)
        return (min(gaps) if gaps else None), half

    # ============================================================== queries
    def neuron_keys(self):
        return list(self._neurons)

    def neuron_item(self, key):
        return self._neurons.get(key)

    def edges_item(self, src_layer, dst_layer):
        return self._edges.get((src_layer, dst_layer))

    def neuron_xy(self, key):
        """Scene coordinates ``(x, y)`` of a neuron's centre."""
        layer, index = key
        x, y = self._xy[layer][index].tolist()
        return x, y

    def neuron_centres(self, exclude=()):
        """Centres of every neuron but those in ``exclude``: an (n, 2) array."""
        exclude = set(exclude)
        parts = []
        for layer, xy in enumerate(self._xy):
            keep = [i for i in range(len(xy)) if (layer, i) not in exclude] if exclude else slice(None)
            parts.append(xy[keep])
        return np.concatenate(parts) if parts else np.zeros((0, 2))

    def neuron_pos(self, key):
        """Scene position of a neuron's centre."""
        return QPointF(*self.neuron_xy(key))

    def edge_pos(self, src, dst, t=0.5):
        """A scene point on the edge ``src -> dst`` (``t`` from 0 at src to 1 at dst)."""
        item = self._edges[(src[0], dst[0])]
        k = item.index_of(src[1], dst[1])
        if item.skip:
            p = (1 - t) ** 2 * item.p1[k] + 2 * (1 - t) * t * item.ctrl[k] + t ** 2 * item.p2[k]
        else:
            p = (1 - t) * item.p1[k] + t * item.p2[k]
        return QPointF(*p)

    def set_zoom(self, zoom):
        """The view zoomed: keep layer titles at least their normal size on screen,
        and show only those that do not run into each other."""
        scale = max(1.0, 1.0 / max(zoom, 1e-6))
        for item in self._layers.values():
            if item.title.scale() != scale:
                item.title.setScale(scale)
        self._title_scale = scale
        self._place_badge()
        self._declutter_titles()

    def _declutter_titles(self):
        """Level of detail for titles: zoomed far out, the columns stand closer
        on screen than a title is wide. Then every title is shortened ("H1");
        if even those collide, Output and Input keep theirs and a hidden
        layer's title shows only where it overlaps none already shown."""
        last = len(self._layers) - 1
        order = [last, 0] + list(range(1, last))
        for short in (False, True):
            shown, hidden = [], False
            for layer in order:
                title = self._layers[layer].title
                box = title.ink(short)
                ink = QRectF(title.x() + box.x() * self._title_scale, title.y(),
                             box.width() * self._title_scale, box.height() * self._title_scale)
                visible = not any(ink.intersects(other) for other in shown)
                hidden = hidden or not visible
                if visible:
                    shown.append(ink)
                title.setVisible(visible)
                title.set_short(short)
            if not hidden:
                return

    def neuron_positions(self):
        """Neuron centres: one (size, 2) array per layer, in scene units (read only)."""
        return self._xy

    def edge_items(self):
        """Every drawn weight block: ((src_layer, dst_layer), EdgesItem) pairs."""
        return self._edges.items()

    def view_scale(self):
        views = self.views()
        return views[0].transform().m11() if views else 1.0

    # ================================================================ mouse
    def mousePressEvent(self, event):
        if self._gesture is not None:
            event.accept()
            return
        pos, hit = event.scenePos(), self.hit_test(event.scenePos())
        if event.button() == Qt.RightButton:
            self._select_for_menu(hit)
            event.accept()
            return
        if event.button() != Qt.LeftButton:
            event.ignore()
            return
        toggle = bool(event.modifiers() & Qt.ControlModifier)
        add = bool(event.modifiers() & Qt.ShiftModifier)
        if hit is not None and hit[0] == "neuron":
            key, item = hit[1], self._neurons[hit[1]]
            mode = "connect" if toggle or hit[2] == "rim" else "move"
            self._hint = ("neuron", key)
            if mode == "move" and not item.isSelected():
                if add:
                    item.setSelected(True)
                else:
                    self.select_only(neurons=[key])
            self._press = (mode, key, pos, toggle, add)
            event.accept()
        elif hit is not None and hit[0] == "edge":
            self._hint = hit
            if toggle or add:
                self._toggle_edge(hit[1], None if toggle else True)
            else:
                self.select_only(edges=[hit[1]])
            event.accept()
        else:
            # Empty background or a layer's column: the view draws a rubber
            # band (Ctrl adds to the selection).
            self._hint = hit
            self._band_base = set(self._selected_edges) if toggle else set()
            if not toggle:
                self._selected_edges = set()
                self._refresh_edges()
            self._update_current()
            event.ignore()

    def mouseMoveEvent(self, event):
        pos = event.scenePos()
        if self._gesture is not None:
            self._gesture.move(pos)
            event.accept()
            return
        if self._press is not None:
            mode, key, start = self._press[:3]
            moved = QPointF(pos - start)
            if np.hypot(moved.x(), moved.y()) * self.view_scale() >= QApplication.startDragDistance():
                self._press = None
                self._set_hover(None)
                if mode == "connect":
                    self._gesture = ConnectGesture(self, key)
                else:
                    self._gesture = MoveGesture(self, self.selected_neurons())
                self._gesture.start(start)
                self._gesture.move(pos)
            event.accept()
            return
        if not any(view.rubberBandRect().isValid() for view in self.views()):
            self._set_hover(self.hit_test(pos))
        event.ignore()

    def mouseReleaseEvent(self, event):
        if event.button() != Qt.LeftButton:
            event.accept()
            return
        gesture, self._gesture = self._gesture, None
        press, self._press = self._press, None
        if gesture is not None:
            gesture.end(event.scenePos())
        elif press is not None:
            mode, key, _, toggle, add = press
            item = self._neurons.get(key)
            if item is not None:
                if toggle:
                    item.setSelected(not item.isSelected())
                elif add:
                    item.setSelected(True)
                else:
                    self.select_only(neurons=[key])
        event.accept()

    def mouseDoubleClickEvent(self, event):
        self._press = None
        if event.button() != Qt.LeftButton or self._gesture is not None:
            event.ignore()
            return
        pos = event.scenePos()
        hit = self.hit_test(pos)
        if hit is None:
            event.ignore()
            return
        if hit[0] == "neuron":
            self.edit_bias(hit[1])
        elif hit[0] == "edge":
            self.edit_weight(*hit[1])
        else:
            self.add_neuron_at(hit[1], pos)
        event.accept()

    def _select_for_menu(self, hit):
        if hit is None or hit[0] == "layer":
            self._hint = hit
            self._update_current()
        elif hit[0] == "neuron" and not self._neurons[hit[1]].isSelected():
            self._hint = ("neuron", hit[1])
            self.select_only(neurons=[hit[1]])
        elif hit[0] == "edge" and hit[1] not in self._selected_edges:
            self._hint = hit
            self.select_only(edges=[hit[1]])

    def dragging(self):
        """True while a press or drag on a neuron is under way."""
        return self._gesture is not None or self._press is not None

    def cancel_gesture(self):
        """Escape: abandon a drag in progress. True if there was one."""
        had = self._gesture is not None or self._press is not None
        self._cancel_gesture()
        return had

    def _cancel_gesture(self):
        gesture, self._gesture, self._press = self._gesture, None, None
        if gesture is not None:
            gesture.cancel()

    def helpEvent(self, event):
        text = self.help_text(event.scenePos())
        QToolTip.showText(event.screenPos(), text, self.views()[0] if self.views() else None)
        event.setAccepted(bool(text))

    def help_text(self, pos):
        """The tooltip for whatever is under ``pos``."""
        hit = self.hit_test(pos)
        return "\n".join([tooltip(self.document.network, hit)] + self.training_tip(hit))

    # ================================================================ edits
    def _dialog_parent(self):
        views = self.views()
        return views[0] if views else None

    def edit_weight(self, src, dst):
        """Ask for a new weight of ``src -> dst`` and set it."""
        current = self.document.network.weight(src, dst)
        value, ok = self.ask_number(self._dialog_parent(), "Set Weight",
                                    f"Weight from {neuron_name(src, self._sizes)} to "
                                    f"{neuron_name(dst, self._sizes)}:", current)
        # OK on the value as shown changes nothing, even if the weight has more digits.
        return bool(ok) and value != as_shown(current) and self.document.set_weight(src, dst, value)

    def edit_bias(self, key):
        """Ask for a new bias of neuron ``key`` and set it."""
        current = float(self.document.network.layers[key[0]].bias[key[1]])
        if not self.document.set_bias(key, current):  # no dialog where the model refuses a bias
            return False
        value, ok = self.ask_number(self._dialog_parent(), "Set Bias",
                                    f"Bias of {neuron_name(key, self._sizes)}:", current)
        return bool(ok) and value != as_shown(current) and self.document.set_bias(key, value)

    def add_neuron_at(self, layer, pos):
        """Add a neuron to ``layer`` at the place in the column nearest ``pos``."""
        index = int(np.count_nonzero(self._xy[layer][:, 1] < pos.y()))
        return self.document.add_neuron(layer, index)

    # ======================================================== context menus
    def contextMenuEvent(self, event):
        menu = self.context_menu(event.scenePos(), self._dialog_parent())
        menu.exec(event.screenPos())
        event.accept()

    def context_menu(self, pos, parent=None):
        """The menu for whatever is under ``pos`` (built, not shown, so tests can trigger it)."""
        return context_menu(self, pos, parent)
