"""Where a hidden layer puts the data: the maths of the Hidden space view.

A hidden layer maps every input to a point in the space of its activations,
one axis per neuron. XOR's four points cannot be split by a straight line in
the input plane, but after training they can in the hidden layer's space, and
when that layer feeds the output directly the output neuron's decision is
exactly such a line (a plane, for wider layers): where its pre-activation
``z = w·h + b`` crosses the value at which the output says "class 1".

The view draws a 2-D picture of that space through :class:`Axes`: two
orthonormal directions of the layer's space and the point the picture's plane
passes through. Three choices:

- two neurons of the layer: their activations themselves are the coordinates;
- ``"pca"``: the two directions in which the data's hidden points spread most;
- ``"output"``: the output's own direction ``w / |w|`` and, across it, the
  direction of most spread. The decision line is then exact for every point.

Shapes: ``n`` points; the layer has ``s`` neurons.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .accuracy import CLASS_ONE_ABOVE
from .activations import get_activation
from .backprop import forward


AXES_KINDS = ("pca", "output")


@dataclass(frozen=True)
class Axes:
    """A plane in a layer's space, and coordinates on it.

    Attributes
    ----------
    kind : str
        ``"neurons"``, ``"pca"`` or ``"output"``.
    matrix : ndarray of shape (s, 2)
        Orthonormal columns: the picture's two directions.
    anchor : ndarray of shape (s,)
        Where the plane passes through, with no component along ``matrix``:
        the data's mean with the shown coordinates taken out.
    neurons : tuple of int
        The two neurons, for ``kind == "neurons"``.
    """

    kind: str
    matrix: np.ndarray
    anchor: np.ndarray
    neurons: tuple = ()

    def project(self, H):
        """Coordinates ``(n, 2)`` of hidden points ``H`` of shape (n, s)."""
        return np.asarray(H, dtype=float) @ self.matrix


@dataclass(frozen=True)
class DecisionLine:
    """Where the output's decision changes, in the picture: ``normal · c + offset = 0``.

    Attributes
    ----------
    normal : ndarray of shape (2,)
        Points where ``normal · c + offset > 0`` are called class 1.
    offset : float
    threshold : float
        The output's pre-activation at the switch (0 for a sigmoid: probability 0.5).
    agree : float
        The share of the data points the line puts on the side the network
        does; 1 when the picture is exact (two neurons of a two-neuron layer,
        or the ``"output"`` axes).
    """

    normal: np.ndarray
    offset: float
    threshold: float
    agree: float


@dataclass(frozen=True)
class HiddenSpace:
    """Everything the Hidden space view draws.

    Attributes
    ----------
    points : ndarray of shape (n, 2)
        The data points' coordinates.
    lines : list of ndarray of shape (m, 2)
        Each grid line of the input plane, carried into the picture.
    line : DecisionLine or None
    reason : str
        Why there is no decision line (empty if there is one).
    axes : Axes
    """

    points: np.ndarray
    lines: list
    line: DecisionLine
    reason: str
    axes: Axes


@lru_cache(maxsize=None)
def switch_point(activation_name, above=CLASS_ONE_ABOVE):
    """The pre-activation z at which ``f(z)`` passes ``above``: 0 for a sigmoid or step,
    atanh(0.5) for tanh, 0.5 for linear and ReLU. NaN if ``f`` never passes it."""
    f = get_activation(activation_name).value
    lo, hi = -60.0, 60.0
    value = lambda z: float(f(np.array([[z]]))[0, 0])
    if not value(lo) <= above < value(hi):
        return float("nan")
    for _ in range(80):  # bisection: every element-wise activation here never decreases
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if value(mid) <= above else (lo, mid)
    return round(0.5 * (lo + hi), 12) + 0.0  # 0, not 2e-16 or -0


def input_grid_lines(x_range, y_range=None, count=9, samples=48):
    """Lines of a grid over the input plane (or one line along a single input).

    Returns
    -------
    list of ndarray of shape (samples, 2) (or (samples, 1) without ``y_range``)
    """
    xs = np.linspace(x_range[0], x_range[1], samples)
    if y_range is None:
        return [xs[:, None]]
    ys = np.linspace(y_range[0], y_range[1], samples)
    out = []
    for v in np.linspace(y_range[0], y_range[1], count):
        out.append(np.column_stack([xs, np.full(samples, v)]))
    for v in np.linspace(x_range[0], x_range[1], count):
        out.append(np.column_stack([np.full(samples, v), ys]))
    return out


def make_axes(H, choice, output_weights=None, previous=None):
    """The picture's plane for hidden points ``H`` (n, s).

    Parameters
    ----------
    choice : (int, int) or {"pca", "output"}
        Two neurons, the two directions of most spread, or the output's direction and the most spread across it.
    output_weights : ndarray of shape (s,), optional
        The output's weights from this layer (needed for ``"output"``).
    previous : Axes, optional
        Last frame's axes: directions keep their sign, so the picture does not flip while training.
    """
    H = np.asarray(H, dtype=float)
    s = H.shape[1]
    mean = H.mean(axis=0) if len(H) else np.zeros(s)
    if isinstance(choice, str):
        if choice not in AXES_KINDS:
            raise ValueError(f"unknown axes {choice!r}")
        centred = H - mean
        if choice == "output":
            w = np.asarray(output_weights, dtype=float)
            first = w / np.linalg.norm(w)
            rest = centred - np.outer(centred @ first, first)
            second = _main_direction(rest, exclude=first)
            matrix = np.column_stack([first, second])
        else:
            first = _main_direction(centred)
            second = _main_direction(centred - np.outer(centred @ first, first), exclude=first)
            matrix = np.column_stack([first, second])
        matrix = _keep_signs(matrix, previous, fixed_first=choice == "output")
        kind, neurons = choice, ()
    else:
        i, j = (int(k) for k in choice)
        matrix = np.zeros((s, 2))
        matrix[i, 0] = matrix[j, 1] = 1.0
        kind, neurons = "neurons", (i, j)
    anchor = mean - matrix @ (matrix.T @ mean)
    return Axes(kind, matrix, anchor, neurons)


def _main_direction(centred, exclude=None):
    """The unit direction of most spread of centred rows (orthogonal to ``exclude``)."""
    s = centred.shape[1]
    if len(centred) and np.any(centred):
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        v = vt[0]
    else:
        v = np.zeros(s)
    if exclude is not None:
        v = v - (v @ exclude) * exclude
    if np.linalg.norm(v) < 1e-9:  # no spread: any direction will do
        for k in range(s):
            v = np.eye(s)[k] - (exclude[k] * exclude if exclude is not None else 0.0)
            if np.linalg.norm(v) > 1e-6:
                break
    return v / np.linalg.norm(v)


def _keep_signs(matrix, previous, fixed_first=False):
    for c in range(2):
        if fixed_first and c == 0:
            continue
        col = matrix[:, c]
        if previous is not None and previous.matrix.shape == matrix.shape:
            flip = col @ previous.matrix[:, c] < 0
        else:
            flip = col[np.argmax(np.abs(col))] < 0
        if flip:
            matrix[:, c] = -col
    return matrix


def output_reading(network, layer):
    """``(w, b, threshold)`` when the output's decision reads ``layer`` alone, else a reason (str).

    ``w`` (s,) and ``b`` give the pre-activation the decision compares with
    ``threshold``: the single output's, or for two outputs the difference
    ``z2 - z1`` (the larger one wins, at 0).
    """
    out = network.output_layer
    feeding = [i for (i, j), block in network.blocks.items() if j == out and block.mask.any()]
    if feeding != [layer]:
        return ("the output is not fed by this layer alone, so its decision is not a line here"
                if layer in feeding else "this layer does not feed the output directly")
    W, b = network.blocks[(layer, out)].weights, network.layers[out].bias
    size, name = network.sizes[out], network.activations[-1]
    if size == 1:
        threshold = switch_point(name)
        if not np.isfinite(threshold):
            return f"a {name} output never passes {CLASS_ONE_ABOVE}, so it makes no decision"
        return W[:, 0].astype(float), float(b[0]), threshold
    if size == 2:
        return (W[:, 1] - W[:, 0]).astype(float), float(b[1] - b[0]), 0.0
    return f"{size} outputs split the space by several lines; a single line needs one or two outputs"


def hidden_space(network, X, layer, choice, grid_lines=(), previous=None, classify=True):
    """The data and the input grid seen from ``layer``, and the output's decision line.

    Parameters
    ----------
    network : Network
    X : ndarray of shape (n, s_0)
        The data's inputs.
    layer : int
        A layer with at least two neurons.
    choice : (int, int) or {"pca", "output"}
        See :func:`make_axes`.
    grid_lines : sequence of ndarray of shape (m, s_0)
        Input points along lines (:func:`input_grid_lines`).
    previous : Axes, optional
    classify : bool
        False for regression: the output is a number, not a decision, so no line.
    """
    X = np.asarray(X, dtype=float)
    lines = [np.asarray(line, dtype=float) for line in grid_lines]
    everything = np.concatenate([X] + lines) if lines else X
    with np.errstate(all="ignore"):  # diverged weights are caught below, with a reason
        _, a = forward(network, everything, dtype=np.float64, keep_z=False)
    H = a[layer]
    if not np.all(np.isfinite(H)):
        raise ValueError("some activations of this layer are not numbers: the weights have diverged")
    H_data = H[:len(X)]
    reading = output_reading(network, layer) if classify else \
        "the output is a number to fit (regression), not a decision between classes"
    if choice == "output" and isinstance(reading, str):
        choice = "pca"
    axes = make_axes(H_data, choice, None if isinstance(reading, str) else reading[0], previous)
    coords = axes.project(H)
    cuts = np.cumsum([len(X)] + [len(line) for line in lines])
    pieces = np.split(coords, cuts)
    line, reason = None, ""
    if isinstance(reading, str):
        reason = reading
    else:
        w, b, threshold = reading
        normal = axes.matrix.T @ w
        if np.linalg.norm(normal) < 1e-12:
            reason = "the output does not change along these two directions"
        else:
            offset = float(w @ axes.anchor + b - threshold)
            drawn = pieces[0] @ normal + offset > 0
            actual = H_data @ w + b - threshold > 0
            agree = float(np.mean(drawn == actual)) if len(X) else 1.0
            line = DecisionLine(normal, offset, float(threshold), agree)
    return HiddenSpace(pieces[0], pieces[1:len(lines) + 1], line, reason, axes)


def half_plane(line, box):
    """The corners of the part of ``box`` on the class-1 side of ``line`` (a polygon, maybe empty).

    Parameters
    ----------
    line : DecisionLine
    box : (x0, y0, x1, y1)

    Returns
    -------
    ndarray of shape (k, 2)
    """
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)
    side = corners @ line.normal + line.offset
    out = []
    for k in range(4):  # one pass of Sutherland-Hodgman: keep the inside, add where an edge crosses
        a, b, sa, sb = corners[k], corners[(k + 1) % 4], side[k], side[(k + 1) % 4]
        if sa > 0:
            out.append(a)
        if (sa > 0) != (sb > 0):
            out.append(a + (b - a) * (sa / (sa - sb)))
    return np.array(out).reshape(-1, 2)
