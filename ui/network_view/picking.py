"""Hit-testing on the canvas: which neuron, edge or layer column lies under
a scene point, and which part of a neuron (the centre moves it, the rim
connects from it). The rim is generous: the outer half of the circle, never
less than RIM_PIXELS on screen, and a few pixels outside it.

Neurons are found with one vectorised distance per layer, edges by each
:class:`EdgesItem`'s own distance test, so picking stays quick with
thousands of edges.
"""

import numpy as np

from .items import RADIUS

BODY = 0.5 * RADIUS     # presses within this of the centre move the neuron; farther out they connect
RIM_PIXELS = 8.0        # the rim is at least this many screen pixels wide inside the circle...
BODY_PIXELS = 4.0       # ...while the body keeps at least this radius on screen
PICK_SLACK = 3.0        # neurons are hit a little outside their circle (scene units)...
PICK_PIXELS = 5.0       # ...and at least this many screen pixels outside
EDGE_PICK_PIXELS = 5.0  # edges are hit within this many screen pixels


class Picking:
    """What is under a scene point. Mixed into :class:`NetworkScene`, whose
    neuron centres (``_xy``: one (size, 2) array per layer), edge and layer
    items (``_edges``, ``_layers``), neuron items and selected edges it reads."""

    def neuron_at(self, pos):
        """The neuron whose circle (with a little slack) holds scene point ``pos``, or None."""
        best, best_d = None, RADIUS + max(PICK_SLACK, PICK_PIXELS / max(self.view_scale(), 1e-6))
        p = np.array([pos.x(), pos.y()])
        for layer, xy in enumerate(self._xy):
            if not len(xy):
                continue
            d = np.hypot(*(xy - p).T)
            i = int(np.argmin(d))
            if d[i] <= best_d:
                best, best_d = (layer, i), d[i]
        return best

    def body_radius(self):
        """How far from a neuron's centre (scene units) a press still moves it:
        the rest of the circle, at least RIM_PIXELS wide on screen, connects."""
        zoom = max(self.view_scale(), 1e-6)
        return max(min(BODY, RADIUS - RIM_PIXELS / zoom), BODY_PIXELS / zoom)

    def edge_at(self, pos):
        """The edge nearest scene point ``pos`` (within a few screen pixels), or None."""
        tol = EDGE_PICK_PIXELS / self.view_scale()
        # Curves are drawn on top, so they are picked first.
        for item in sorted(self._edges.values(), key=lambda it: -it.zValue()):
            k = item.edge_at(pos, tol)
            if k is not None:
                return item.edge_key(k)
        return None

    def layer_at(self, pos):
        for layer, item in self._layers.items():
            if item.contains(pos):
                return layer
        return None

    def hit_test(self, pos):
        """What is under ``pos``: ``("neuron", key, "body"|"rim")``, ``("edge", (src, dst))``,
        ``("layer", l)`` or None."""
        key = self.neuron_at(pos)
        if key is not None:
            x, y = self.neuron_xy(key)
            zone = "rim" if np.hypot(pos.x() - x, pos.y() - y) > self.body_radius() else "body"
            return ("neuron", key, zone)
        edge = self.edge_at(pos)
        if edge is not None:
            return ("edge", edge)
        layer = self.layer_at(pos)
        return None if layer is None else ("layer", layer)

    def nudge_target(self, pos):
        """The selected edge or neuron under ``pos`` that the wheel would nudge, or None."""
        hit = self.hit_test(pos)
        if hit is None:
            return None
        if hit[0] == "neuron" and self._neurons[hit[1]].isSelected():
            return ("neuron", hit[1])
        if hit[0] == "edge" and hit[1] in self._selected_edges:
            return hit
        return None
