"""Training on the canvas: a snapshot's weights, gradients and activation maps,
the phase of a step being stepped through, and one example's trace.

While a run goes on the document's network belongs to the training worker,
so the canvas draws the newest frozen ``Snapshot`` it is handed instead of
reading the network. A snapshot (or trace) that does not fit the drawing
(an edit changed the network since it was taken) is ignored.
"""

import numpy as np
from PySide6.QtCore import QPointF

from simulator.names import layer_title

from .items import PHASE_COLOURS, all_finite, largest_magnitude, width_level
from .maps import MAP_MAX_NEURONS, MapLevels, grid_side, layer_curves, map_images, to_levels
from .overlays import PHASE_WORDS, TRACE_HINT, PhaseBadgeItem, TraceItem, format_number
from .styles import COLOUR_MODES, LogLevels, delta_fills, largest_finite

GRADIENT_FORMULA = ("dL/dw = a(source) \u00d7 \u03b4(target), averaged over the batch; "
                    "\u03b4 = dL/dz, the loss's slope with respect to the neuron's weighted input z")


class TrainingDisplay:
    """Mixed into :class:`NetworkScene`: reads its neuron and edge items
    (``_neurons``, ``_edges``, ``_layers``) and sizes (``_sizes``)."""

    def _init_training(self):
        self.snapshot = None
        self.trace = None
        self.phase = None
        self.colour_mode = "weights"
        self.diverged = False  # the snapshot shown holds a weight or bias that is infinite or NaN
        self.grad_levels = LogLevels()   # |dL/dw| of the edges
        self.delta_levels = LogLevels()  # |delta| of the neurons
        self.map_levels = MapLevels()
        self._badge = self._trace_item = None

    def _add_overlays(self):
        """After a rebuild: the overlay items again, and what still fits the new drawing."""
        self._badge = PhaseBadgeItem()  # the same size on screen at any zoom
        self.addItem(self._badge)
        self._trace_item = TraceItem(self)
        self.addItem(self._trace_item)
        for item in self._edges.values():
            item.set_mode(self.colour_mode, self.grad_levels)
        if self.snapshot is not None and not self.snapshot_fits(self.snapshot):
            self.snapshot = None
        if self.snapshot is not None:
            self._apply_snapshot(self.snapshot)
        if self.trace is not None and not self.trace_fits(self.trace):
            self.trace = None
        if self.phase is not None and not self._phase_fits(self.phase):
            self.phase = None
        self._apply_phase()
        self._place_overlays()

    def _place_overlays(self):
        """Keep the badge over its column and the trace's labels over the drawing."""
        if self._trace_item is None:
            return
        self._trace_item.set_trace(self.trace, self.content_rect(titles=False))
        self._place_badge()

    # ============================================================ snapshots
    def snapshot_fits(self, snapshot):
        """True if ``snapshot`` was taken of a network shaped like the drawing (same layers and edges)."""
        if tuple(snapshot.sizes) != tuple(self._sizes) or set(snapshot.weights) != set(self._edges):
            return False
        for key, item in self._edges.items():
            mask = snapshot.masks[key]
            if int(np.count_nonzero(mask)) != len(item) or not mask[item.src, item.dst].all():
                return False
        return True

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` (None: the document's own values again); False if it does not fit."""
        if snapshot is None:
            self.snapshot = None
            self.diverged = False
            for levels in (self.grad_levels, self.delta_levels, self.map_levels):
                levels.reset()
            for item in self._edges.values():
                item.set_gradients(np.zeros(len(item), np.float32), self.grad_levels)
            for item in self._neurons.values():
                item.set_map(None)
                item.set_fill(None)
            self._on_values_changed()
            return True
        if not self.snapshot_fits(snapshot):
            return False
        if self.snapshot is not None and snapshot.step < self.snapshot.step:
            # Training went back (a reset, an undo): the scale starts afresh.
            for levels in (self.grad_levels, self.delta_levels, self.map_levels):
                levels.reset()
        self.snapshot = snapshot
        self._apply_snapshot(snapshot)
        return True

    def _apply_snapshot(self, s):
        weights, grads = {}, {}
        for key, item in self._edges.items():
            weights[key] = np.asarray(s.weights[key][item.src, item.dst], float)
            grads[key] = np.abs(s.grad_weights[key][item.src, item.dst])
        tops = [largest_magnitude(w) for w in weights.values() if np.any(w)]
        self.weight_scale = max(tops, default=1.0)
        biases = [np.asarray(b, float) for b in s.biases]
        self.bias_scale = largest_magnitude(np.concatenate(biases[1:])) if len(biases) > 1 else 1.0
        self.grad_levels.widen(largest_finite(grads.values()))
        self.delta_levels.widen(largest_finite(s.neuron_deltas[1:]))
        self.diverged = not all_finite(list(weights.values()) + biases[1:])
        for key, item in self._edges.items():
            item.set_gradients(grads[key], self.grad_levels)
            item.set_weights(weights[key], self.weight_scale)
        for layer, b in enumerate(biases):
            levels = width_level(b, self.bias_scale).tolist()
            for index, (value, level) in enumerate(zip(b.tolist(), levels)):
                self._neurons[(layer, index)].set_bias(value, self.bias_scale, level)
        self._apply_fills()
        self._apply_maps(s)

    def _apply_fills(self):
        s = self.snapshot
        gradients = self.colour_mode == "gradients"
        for layer, size in enumerate(self._sizes):
            if gradients and layer > 0:
                deltas = np.asarray(s.neuron_deltas[layer]) if s is not None else np.zeros(size)
                fills = delta_fills(deltas, self.delta_levels)
            else:
                fills = [None] * size
            for index, fill in enumerate(fills):
                self._neurons[(layer, index)].set_fill(fill)

    def _apply_maps(self, s):
        """Each hidden and output neuron's activation over the input plane (or line)."""
        n_in = self._sizes[0] if self._sizes else 0
        usable = (s.grid is not None and len(s.grid_activations) == len(self._sizes) and n_in in (1, 2)
                  and sum(self._sizes[1:]) <= MAP_MAX_NEURONS)
        side = grid_side(s.grid) if usable and n_in == 2 else None
        if not usable or (n_in == 2 and side is None):
            for item in self._neurons.values():
                item.set_map(None)
            return
        for layer in range(1, len(self._sizes)):
            acts = np.asarray(s.grid_activations[layer])
            low, high = self.map_levels.span(layer, s.activations[layer - 1], acts)
            if n_in == 2:
                self._apply_images(layer, to_levels(acts, low, high), side)
                continue
            pictures = layer_curves(np.asarray(s.grid)[:, 0], acts, low, high, 14.0)
            for index, picture in enumerate(pictures):
                self._neurons[(layer, index)].set_map(picture)

    def _apply_images(self, layer, levels, side):
        """A new map image only for the neurons whose colours changed: late in a run most
        stay the same from frame to frame, and those neither rebuild nor repaint."""
        items = [self._neurons[(layer, index)] for index in range(levels.shape[1])]
        changed = [index for index, item in enumerate(items)
                   if item.map_levels is None or not np.array_equal(item.map_levels, levels[:, index])]
        if not changed:
            return
        for index, image in zip(changed, map_images(levels[:, changed], side)):
            items[index].set_map(image, levels[:, index])

    def neuron_map(self, key):
        """(grid, values, (low, high)) of neuron ``key``'s activation over the
        snapshot's grid, or None without one (the inspector draws it large)."""
        s = self.snapshot
        layer, index = key
        if s is None or s.grid is None or layer == 0 or len(s.grid_activations) != len(self._sizes):
            return None
        acts = np.asarray(s.grid_activations[layer])
        return s.grid, acts[:, index], self.map_levels.span(layer, s.activations[layer - 1], acts)

    # ========================================================= colour mode
    def set_colour_mode(self, mode):
        """Colour edges and neurons by "weights" or by "gradients" (|dL/dw| and delta)."""
        if mode not in COLOUR_MODES:
            raise ValueError(f"colour mode must be one of {', '.join(COLOUR_MODES)}, not {mode!r}")
        if mode == self.colour_mode:
            return
        self.colour_mode = mode
        for item in self._edges.values():
            item.set_mode(mode, self.grad_levels)
        self._apply_fills()

    # =============================================================== phase
    def _phase_fits(self, phase):
        kind, layer = phase
        if kind == "update":
            return True
        return layer is not None and 0 < layer < len(self._sizes)

    def set_phase(self, phase):
        """Highlight the layer of a step's phase: ("forward"|"loss"|"backward", layer),
        ("update", None) for every layer, or None for no highlight."""
        if phase is not None:
            kind, layer = phase
            if kind not in PHASE_COLOURS:
                raise ValueError(f"unknown phase {kind!r}")
            if not self._phase_fits(phase):
                phase = None
        self.phase = phase
        self._apply_phase()

    def _apply_phase(self):
        kind, layer = self.phase if self.phase is not None else (None, None)
        for index, item in self._layers.items():
            lit = kind == "update" and index > 0 or (kind is not None and index == layer)
            item.set_phase(kind if lit else None)
        if self._badge is not None:
            n = len(self._sizes)
            text = PHASE_WORDS.get(kind, "")
            if kind in ("forward", "backward"):
                text += f": {layer_title(layer, n)}"
            elif kind == "update":
                text = "Update: all weights"
            # with no example traced the canvas shows no z, a or delta: the badge says where they are
            self._badge.set_phase(kind, text, TRACE_HINT if self.trace is None else "")
            self._place_badge()

    def _place_badge(self):
        if self._badge is None or self.phase is None:
            return
        kind, layer = self.phase
        bands = [self._layers[layer].band] if kind != "update" else [self._layers[l].band for l in self._layers if l]
        if not bands:
            return
        x = sum(b.center().x() for b in bands) / len(bands)
        y = min(b.top() for b in bands) - 6
        views = self.views()
        if views:  # over its column, but inside the part of the drawing in sight: never cut by the canvas's edge
            view = views[0]
            seen = view.mapToScene(view.viewport().rect()).boundingRect()
            rect, scale = self._badge.boundingRect(), 1.0 / max(view.transform().m11(), 1e-9)  # pixels to scene units
            half = rect.width() / 2 * scale
            if seen.width() > 2 * half:
                x = min(max(x, seen.left() + half), seen.right() - half)
            y = max(y, seen.top() - rect.top() * scale)
        if self._badge.pos() != QPointF(x, y):
            self._badge.setPos(x, y)

    def shown_title_rects(self):
        """The scene rectangles the shown layer titles take (what must stay readable)."""
        return [item.title.mapRectToScene(item.title.ink()) for item in self._layers.values() if item.title.isVisible()]

    def phase_band(self, layer):
        """The scene rectangle of column ``layer`` (tinted while a phase works in it)."""
        return self._layers[layer].band

    def place_badge(self):
        """The view scrolled or zoomed: keep the phase badge in sight."""
        self._place_badge()

    # =============================================================== trace
    def trace_fits(self, trace):
        sizes = self._sizes
        if len(trace.a) != len(sizes) or any(np.shape(a) != (s,) for a, s in zip(trace.a, sizes)):
            return False
        return all(key in trace.grad_w and np.shape(trace.grad_w[key]) == (sizes[key[0]], sizes[key[1]])
                   for key in self._edges)

    def show_trace(self, trace):
        """Show one example's z, a and delta on the neurons and dL/dw on the edges (None: hide)."""
        if trace is not None and not self.trace_fits(trace):
            return False
        self.trace = trace
        self._place_overlays()
        self._apply_phase()  # the badge's hint comes and goes with the trace
        return True

    # ============================================================ tooltips
    def training_tip(self, hit):
        """Lines the tooltip adds while training, in gradient mode, or with a trace."""
        if hit is None or hit[0] == "layer":
            return []
        s, t, lines = self.snapshot, self.trace, []
        if hit[0] == "neuron":
            layer, index = hit[1]
            if layer == 0:
                if t is not None:
                    lines.append(f"This example: x = {format_number(t.a[0][index])}")
                return lines
            if s is not None:
                lines.append(f"Training, step {s.step:,}: bias {format_number(s.biases[layer][index])}, "
                             f"\u03b4 = dL/dz = {format_number(s.neuron_deltas[layer][index])} (batch mean)")
            if t is not None:
                lines.append(f"This example: z = {format_number(t.z[layer][index])}, "
                             f"a = {format_number(t.a[layer][index])}, \u03b4 = {format_number(t.delta[layer][index])}")
        else:
            (i, si), (j, dj) = hit[1]
            if s is not None:
                lines.append(f"Training, step {s.step:,}: weight {format_number(s.weights[(i, j)][si, dj])}, "
                             f"|dL/dw| = {format_number(abs(s.grad_weights[(i, j)][si, dj]))}")
            if t is not None:
                lines.append(f"This example: dL/dw = a(source) \u00d7 \u03b4(target) = "
                             f"{format_number(t.grad_w[(i, j)][si, dj])}")
        if lines and self.colour_mode == "gradients":
            lines.append(GRADIENT_FORMULA)
        return lines
