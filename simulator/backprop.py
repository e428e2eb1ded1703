"""Forward and backward passes, one phase at a time.

There is one implementation of backpropagation. A training step is a list of
phases: forward through layer 1, 2, ..., the loss, backward through the output
layer down to layer 1, then the update. Full-speed training runs the phases
back to back; step-through runs them one by one with the same methods, so a
step taken phase by phase gives bit-identical weights.

Shapes: ``n`` samples in the batch; layer k has ``s_k`` neurons.
``z[k]``, ``a[k]``, ``delta[k]`` (dL/dz) and ``grad_a[k]`` (dL/da) are all of
shape (n, s_k); ``grad_w[(i, k)]`` matches the weight block, shape (s_i, s_k);
``grad_b[k]`` has shape (s_k,).

The parameters live in one flat array that the network owns
(``Network.parameters``, ``parameters.py`` says why it is laid out as it is);
a plan reads it and never rebinds the network's arrays itself.
"""

import numpy as np

from .activations import get_activation
from .numpy_calls import dot as _dot, errstate

# In place as ufunc calls with the output by position, not `x += y`: the
# operator passes it as a keyword, which costs half as much again on a small array
_add, _multiply = np.add, np.multiply

SMALL_LAYER = 2**14
"""Values (batch rows x neurons) up to which a hidden layer's activations get an array of their own (Pass.reset)."""

RULES = ("backprop", "perceptron")
QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore", "under": "ignore"}
"""np.errstate on the way to a NaN loss: the trainer sees the NaN and explains it (divergence.py);
overflow warnings would only repeat it in the terminal."""


class Plan:
    """What a step walks, prepared once per network structure.

    Reads the network's flat parameter storage (:meth:`Network.parameters`,
    a :class:`~simulator.parameters.ParameterStore`) and unpacks, per layer,
    the views a step multiplies by. Rebuilt by :meth:`Network.plan` after
    each structural edit or change of activation.

    Attributes
    ----------
    store : ParameterStore
    flat : ndarray of shape (n_params,)
        ``store.flat``: every weight slot and every bias, updated in place.
    reg_mask, keep : ndarray of shape (n_params,)
        As in the store: where the weights are, and which slots are removed edges.
    """

    def __init__(self, network, dtype=np.float64):
        self.store = store = network.parameters(dtype)
        self.dtype = store.dtype
        n = network.n_layers
        self.n_layers = n
        self.sizes = network.sizes
        self.acts = [None] + [get_activation(l.activation) for l in network.layers[1:]]
        self.flat, self.reg_mask, self.keep = store.flat, store.reg_mask, store.keep
        self.n_params = store.n_params
        self.aug_w = store.augmented   # key -> (rows, cols) view, bias row included for primary blocks
        self.biases = [network.layers[0].bias] + store.biases[1:]
        self.incoming = [[] for _ in range(n)]
        self.outgoing = [[] for _ in range(n)]
        for key, _, _, _, is_primary in store.segments:
            i, j = key
            weights, mask = store.weights[key], network.blocks[key].mask
            self.incoming[j].append((i, weights, None if mask.all() else mask, key, is_primary))
            self.outgoing[i].append((j, weights))
        # the same list every step, so the optimiser knows its parameters at a glance
        self.params, self.reg_masks = [self.flat], [self.reg_mask]

        # per layer, unpacked for the hot loop
        self.fwd = [None] * n
        for j, key in store.primary.items():
            rest = [(i, w) for i, w, _, _, p in self.incoming[j] if not p]
            self.fwd[j] = (key[0], self.aug_w[key], rest)
        self.bwd = [(out[0][0], out[0][1].T, [(j, w.T) for j, w in out[1:]]) if out else None
                    for out in self.outgoing]
        # what Pass.run walks, one tuple per layer: no attribute look-ups in the hot loop
        self.fwd_steps = [(k, self.fwd[k], self.acts[k].value) for k in range(1, n)]
        self.bwd_steps = [(k, self.bwd[k], self.acts[k].backward) for k in range(n - 2, 0, -1)]

    def grad_views(self, gflat):
        """Views of a flat gradient array shaped like the parameters.

        Returns
        -------
        grad_w : dict (i, j) -> ndarray of shape (s_i, s_j)
        grad_b : list of ndarray of shape (s_k,) (None for the inputs)
        grad_aug : dict (i, j) -> ndarray of shape (rows, s_j), bias row included
        """
        return self.store.gradient_views(gflat)


def augment(X, dtype=np.float64):
    """X with a trailing column of ones, shape (n, s + 1)."""
    out = np.empty((X.shape[0], X.shape[1] + 1), dtype)
    out[:, :-1] = X
    out[:, -1] = 1.0
    return out


class Pass:
    """The workspace of one step on one batch: every z, a, delta and gradient.

    Parameters
    ----------
    network : Network
    X : ndarray of shape (n, s_0)
        Or, to save a copy, of shape (n, s_0 + 1) with ``augmented=True``:
        the inputs followed by a column of ones.
    y : ndarray of shape (n, s_out), optional
        Targets; needed for the loss and the backward phases.
    loss : Loss, optional
    rule : {"backprop", "perceptron"}
        ``perceptron`` trains only the output layer with the classic rule
        ``w += lr (y - y_hat) x``; expressed here as a delta of ``y_hat - y``
        and a plain gradient step, so it shares every line of the machinery.

    The arrays a Pass reports are its own buffers: a Pass reused for the
    next batch (see :meth:`reset`) overwrites them. Copy what you keep.
    """

    def __init__(self, network, X, y=None, loss=None, rule="backprop", augmented=False):
        self.plan = plan = network.plan()
        n_layers = plan.n_layers
        self.loss, self.rule = loss, rule
        self.gflat = np.zeros(plan.n_params, plan.dtype)
        self.grad_w, self.grad_b, self._grad_aug = plan.grad_views(self.gflat)
        self._grad_list = [self.gflat]
        # per layer: (primary?, source layer, product, where dL/dW (and dL/db) goes, dL/dW, mask or None).
        # The product is np.dot where it makes the very same BLAS call as matmul at a
        # fraction of the per-call cost; for a layer of one neuron the two round differently.
        self._grads = [[(p, i, _dot if plan.sizes[k] > 1 and self._grad_aug[key].flags.c_contiguous else np.matmul,
                         self._grad_aug[key], self.grad_w[key], mask)
                        for i, _, mask, key, p in plan.incoming[k]] for k in range(n_layers)]
        self.aug = [None] * n_layers
        self.a = [None] * n_layers
        # aug[k][:, :-1]: where a hidden layer's a[k] is copied when a product reads
        # it (so a change made to a[k] in place is seen); the products of skip
        # blocks read it there, as they always have (for another memory layout
        # some BLAS kernels round differently)
        self._beside_ones = [None] * n_layers
        self._n = self.z = None
        self.reset(X, y, augmented)

    def reset(self, X, y=None, augmented=False, whole_step=False):
        """Start again on a new batch (same network structure).

        ``whole_step``: the caller runs a whole step next (:meth:`run`), which writes
        every entry of z, delta and grad_a that the last one wrote: they are left
        to be overwritten, not cleared (a step through the phases shows only
        what its phases so far have computed, so it clears them).
        """
        plan = self.plan
        X_aug = X if augmented else augment(np.asarray(X), plan.dtype)
        n = X_aug.shape[0]
        if n != self._n:
            self._n = n
            for k in range(1, plan.n_layers - 1):
                buf = np.empty((n, plan.sizes[k] + 1), plan.dtype)
                buf[:, -1] = 1.0
                self.aug[k] = buf
                # A small layer's activations in their own contiguous array, copied in
                # beside the ones for the products that read them: an element-wise
                # operation on the strided view costs two to three times as much on
                # a small batch, and the backward pass reads them again. A big one's
                # are the view itself: there the copy would cost more than it saves,
                # and memory (memory.WORKING_COPIES).
                beside = self._beside_ones[k] = buf[:, :-1]
                self.a[k] = np.empty((n, plan.sizes[k]), plan.dtype) if n * plan.sizes[k] <= SMALL_LAYER \
                    else beside
            # nothing reads the output layer's activations as inputs: no ones
            # column, so the loss works on a contiguous array
            self.a[-1] = np.empty((n, plan.sizes[-1]), plan.dtype)
        self.aug[0] = X_aug
        self.a[0] = self.X = self._beside_ones[0] = X_aug[:, :-1]
        self.y = y
        if not whole_step or self.z is None or self.rule == "perceptron":  # (its step goes back one layer only)
            n_layers = plan.n_layers
            self.z = [None] * n_layers
            self.delta = [None] * n_layers
            self.grad_a = [None] * n_layers
        self.loss_value = None
        self.done = 0  # phases completed
        return self

    # ----------------------------------------------------------------- phases
    def phases(self):
        """The phases of a full step, in order: (kind, layer)."""
        n = self.plan.n_layers
        out = [("forward", k) for k in range(1, n)] + [("loss", n - 1)]
        if self.rule == "perceptron":
            out.append(("backward", n - 1))
        else:
            out += [("backward", k) for k in range(n - 1, 0, -1)]
        return out + [("update", None)]

    def run_phase(self, phase):
        kind, layer = phase
        with np.errstate(**QUIET):
            if kind == "forward":
                self.forward_layer(layer)
            elif kind == "loss":
                self.compute_loss()
            elif kind == "backward":
                self.backward_layer(layer)
            else:
                raise ValueError(f"run the update through Pass.update, not run_phase: {phase}")

    def forward(self):
        """Forward through every layer; returns the output activations.

        :meth:`forward_layer` for each layer in turn, written out (see :meth:`run`).
        """
        self._forward_all()
        return self.a[-1]

    def _forward_all(self):
        plan, a, aug, z, beside_ones = self.plan, self.a, self.aug, self.z, self._beside_ones
        for k, fwd, value in plan.fwd_steps:
            if fwd is not None:
                i, w_aug, rest = fwd
                if a[i] is not beside_ones[i]:  # a small hidden layer's activations (see reset)
                    beside_ones[i][...] = a[i]
                zk = _dot(aug[i], w_aug)
                for i, w in rest:
                    if a[i] is not beside_ones[i]:
                        beside_ones[i][...] = a[i]
                    _add(zk, _dot(beside_ones[i], w), zk)
            else:
                zk = np.repeat(plan.biases[k][None, :], self._n, axis=0)
            z[k] = zk
            value(zk, out=a[k])

    def forward_layer(self, k):
        """z_k = [a_i, 1] [W_ik; b_k] + the other incoming blocks; a_k = f(z_k)."""
        plan, a = self.plan, self.a
        fwd = plan.fwd[k]
        if fwd is not None:
            i, w_aug, rest = fwd
            # np.dot, not @: the same BLAS call for 2-D arrays at half the
            # per-call cost (tests/simulator/test_step_reference.py holds it to the bit)
            if a[i] is not self._beside_ones[i]:  # a small hidden layer's activations (see reset)
                self._beside_ones[i][...] = a[i]
            z = _dot(self.aug[i], w_aug)
            for i, w in rest:
                if a[i] is not self._beside_ones[i]:
                    self._beside_ones[i][...] = a[i]
                _add(z, _dot(self._beside_ones[i], w), z)
        else:
            z = np.repeat(plan.biases[k][None, :], self._n, axis=0)
        self.z[k] = z
        plan.acts[k].value(z, out=a[k])

    def compute_loss(self):
        k = self.plan.n_layers - 1
        self.loss_value = self.loss.value(self.a[k], self.y, self.z[k])
        return self.loss_value

    def backward_layer(self, k):
        """delta_k from the loss (output) or from later layers, then the gradients of k's incoming edges."""
        plan = self.plan
        if k == plan.n_layers - 1:
            if self.rule == "perceptron":
                delta = self.a[k] - self.y
            else:
                delta = self.loss.grad_z(self.a[k], self.y, self.z[k], plan.acts[k])
        else:
            bwd = plan.bwd[k]
            if bwd is not None:
                j, wt, rest = bwd
                grad_a = _dot(self.delta[j], wt)
                for j, wt in rest:
                    _add(grad_a, _dot(self.delta[j], wt), grad_a)
            else:
                grad_a = np.zeros_like(self.z[k])
            self.grad_a[k] = grad_a
            delta = plan.acts[k].backward(self.z[k], self.a[k], grad_a)
        self.delta[k] = delta
        self._weight_grads(k, delta)

    def _weight_grads(self, k, delta):
        """dL/dW and dL/db of layer k's incoming edges from its delta."""
        grads = self._grads[k]
        if not grads:
            np.add.reduce(delta, axis=0, out=self.grad_b[k])
        for primary, i, product, g, masked, mask in grads:
            # the primary block's product includes the ones column: dL/db comes with dL/dW
            # (out passed by position: np.dot parses a keyword at a cost)
            product(self.aug[i].T if primary else self._beside_ones[i].T, delta, g)
            if mask is not None:
                _multiply(masked, mask, masked)

    def update(self, optimizer):
        """Apply the gradients: the optimiser for backprop, a plain step for the perceptron rule."""
        with np.errstate(**QUIET):
            self._update(optimizer)

    def _update(self, optimizer):
        plan = self.plan
        if self.rule == "perceptron":
            lr = optimizer.learning_rate
            for _, _, _, key, _ in plan.incoming[plan.n_layers - 1]:
                plan.aug_w[key] -= lr * self._grad_aug[key]
            if not plan.incoming[plan.n_layers - 1]:
                plan.biases[-1] -= lr * self.grad_b[-1]
        else:
            optimizer.update(plan.params, self._grad_list, None, plan.reg_masks)
        if plan.keep is not None:
            # momentum and Adam remember past steps; keep removed edges at exactly 0
            _multiply(plan.flat, plan.keep, plan.flat)

    def run_quietly(self, optimizer):
        """A whole step: every phase, back to back. Returns the loss.

        The same arithmetic as the phase methods in the same order (so a step
        taken phase by phase gives bit-identical weights), written out in one
        loop: on a lesson-sized network a step is mostly per-call overhead.

        For a caller already under ``np.errstate(**QUIET)`` (``RunLoop`` enters
        it once for a chunk of steps); anyone else calls :meth:`run`.
        """
        plan = self.plan
        n = plan.n_layers
        if self.rule == "perceptron":
            for k in range(1, n):
                self.forward_layer(k)
            loss = self.compute_loss()
            self.backward_layer(n - 1)
            self._update(optimizer)
            return loss
        self._forward_all()
        a, z, delta = self.a, self.z, self.delta
        k = n - 1
        loss, d = self.loss.value_and_grad_z(a[k], self.y, z[k], plan.acts[k])
        self.loss_value = loss
        delta[k] = d
        self._weight_grads(k, d)
        grad_a = self.grad_a
        for k, bwd, backward in plan.bwd_steps:
            if bwd is not None:
                j, wt, rest = bwd
                g = _dot(delta[j], wt)
                for j, wt in rest:
                    _add(g, _dot(delta[j], wt), g)
            else:
                g = np.zeros_like(z[k])
            grad_a[k] = g
            d = delta[k] = backward(z[k], a[k], g)
            self._weight_grads(k, d)
        self._update(optimizer)
        return loss

    # errstate as a decorator, not a with block (see numpy_calls.py): entering
    # one per step cost as much as two small products
    run = errstate(**QUIET)(run_quietly)
    run.__doc__ = "A whole step under ``np.errstate(**QUIET)``: :meth:`run_quietly`. Returns the loss."

    # --------------------------------------------------------------- reports
    def output_grad_a(self):
        """dL/da of the output layer (not needed by the maths when the loss works from logits)."""
        k = self.plan.n_layers - 1
        return self.loss.grad_a(self.a[k], self.y, self.z[k])

    def all_grad_a(self):
        """dL/da for every layer after the inputs, the output included."""
        out = list(self.grad_a)
        if self.y is not None and self.loss is not None:
            out[-1] = self.output_grad_a()
        return out

    def layer_grad_norms(self):
        """Euclidean norm of each layer's parameter gradient (incoming weights and biases); 0 for the inputs."""
        norms = [0.0] * self.plan.n_layers
        for k in range(1, self.plan.n_layers):
            total = float(np.vdot(self.grad_b[k], self.grad_b[k]))
            for _, _, _, key, _ in self.plan.incoming[k]:
                total += float(np.vdot(self.grad_w[key], self.grad_w[key]))
            norms[k] = float(np.sqrt(total))
        return norms


def forward(network, X, dtype=None, keep_z=True, rows=None):
    """All pre-activations and activations for inputs X, computed in chunks.

    Parameters
    ----------
    network : Network
    X : array_like of shape (n, s_0)
    dtype : numpy dtype, optional
        Of the returned arrays; default the network's working precision.
        Asking for float32 halves the memory of a float64 network's results.
    keep_z : bool
        Return the pre-activations too (else ``z`` is a list of None).
    rows : int, optional
        Samples pushed through at once; default ``memory.chunk_rows``, so the
        working arrays stay small however many points X has.

    Returns
    -------
    z, a : list of ndarray
        ``z[0]`` is None and ``a[0]`` is X; ``a[k]`` has shape (n, s_k).
    """
    from .memory import chunk_rows

    plan = network.plan()
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    dtype = plan.dtype if dtype is None else np.dtype(dtype)
    rows = rows or chunk_rows(plan.sizes, plan.dtype.itemsize, n)
    a = [np.empty((n, s), dtype) for s in plan.sizes]
    z = [None] + [np.empty((n, s), dtype) for s in plan.sizes[1:]] if keep_z else [None] * plan.n_layers
    with np.errstate(**QUIET):
        _forward_chunks(network, X, a, z, keep_z, rows, n, plan)
    return z, a


def _forward_chunks(network, X, a, z, keep_z, rows, n, plan):
    p = None
    for start in range(0, max(n, 1), rows):
        stop = min(start + rows, n)
        if p is None or stop - start != p._n:
            p = Pass(network, X[start:stop])
        else:
            p.reset(X[start:stop])
        p.forward()
        for k in range(plan.n_layers):
            a[k][start:stop] = p.a[k]
            if keep_z and k:
                z[k][start:stop] = p.z[k]
