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
"""

import numpy as np

from .activations import get_activation

RULES = ("backprop", "perceptron")


class Plan:
    """What a step walks, in arrays and tuples, prepared once per structure.

    Rebuilt by :meth:`Network.plan` after each structural edit. Holds
    references to the network's own arrays, which training updates in place.
    """

    def __init__(self, network):
        n = network.n_layers
        self.n_layers = n
        self.sizes = network.sizes
        self.acts = [None] + [get_activation(l.activation) for l in network.layers[1:]]
        self.biases = [l.bias for l in network.layers]
        self.incoming = [[] for _ in range(n)]
        self.outgoing = [[] for _ in range(n)]
        self.keys = sorted(network.blocks)
        for key in self.keys:
            i, j = key
            block = network.blocks[key]
            mask = None if block.full else block.mask
            self.incoming[j].append((i, block.weights, mask, key))
            self.outgoing[i].append((j, block.weights))
        self.params = [network.blocks[k].weights for k in self.keys] + self.biases[1:]
        self.is_weight = [True] * len(self.keys) + [False] * (n - 1)
        self.masks = [network.blocks[k].mask for k in self.keys] + [None] * (n - 1)
        self.partial = [(w, m) for w, m in zip(self.params, self.masks) if m is not None and not m.all()]
        # The same, unpacked for the hot loop: per layer the first incoming
        # (or outgoing) block apart from the rest, so a plain chain of layers
        # costs one matmul and no list slicing.
        self.fwd = [None] + [(incoming[0][0], incoming[0][1], [(i, w) for i, w, _, _ in incoming[1:]])
                             if incoming else None for incoming in self.incoming[1:]]
        self.bwd = [(out[0][0], out[0][1].T, [(j, w.T) for j, w in out[1:]]) if out else None
                    for out in self.outgoing]
        self.grads_of = [[(i, mask, key) for i, _, mask, key in incoming] for incoming in self.incoming]


class Pass:
    """The workspace of one step on one batch: every z, a, delta and gradient.

    Parameters
    ----------
    network : Network
    X : ndarray of shape (n, s_0)
    y : ndarray of shape (n, s_out), optional
        Targets; needed for the loss and the backward phases.
    loss : Loss, optional
    rule : {"backprop", "perceptron"}
        ``perceptron`` trains only the output layer with the classic rule
        ``w += lr (y - y_hat) x``; expressed here as a delta of ``y_hat - y``
        and a plain gradient step, so it shares every line of the machinery.
    """

    def __init__(self, network, X, y=None, loss=None, rule="backprop"):
        self.plan = plan = network.plan()
        n = plan.n_layers
        self.X, self.y, self.loss, self.rule = X, y, loss, rule
        self.z = [None] * n
        self.a = [X] + [None] * (n - 1)
        self.delta = [None] * n
        self.grad_a = [None] * n
        self.grad_w = {}
        self.grad_b = [None] * n
        self.loss_value = None
        self.done = 0  # phases completed

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
        if kind == "forward":
            self.forward_layer(layer)
        elif kind == "loss":
            self.compute_loss()
        elif kind == "backward":
            self.backward_layer(layer)
        else:
            raise ValueError(f"run the update through Pass.update, not run_phase: {phase}")

    def forward(self):
        """Forward through every layer; returns the output activations."""
        for k in range(1, self.plan.n_layers):
            self.forward_layer(k)
        return self.a[-1]

    def forward_layer(self, k):
        """z_k = sum over incoming blocks of a_i W_ik, plus b_k; a_k = f(z_k)."""
        plan, a = self.plan, self.a
        fwd = plan.fwd[k]
        if fwd is not None:
            i, w, rest = fwd
            z = a[i] @ w
            for i, w in rest:
                z += a[i] @ w
            z += plan.biases[k]
        else:
            z = np.repeat(plan.biases[k][None, :], a[0].shape[0], axis=0)
        self.z[k] = z
        a[k] = plan.acts[k].value(z)

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
                grad_a = self.delta[j] @ wt
                for j, wt in rest:
                    grad_a += self.delta[j] @ wt
            else:
                grad_a = np.zeros_like(self.z[k])
            self.grad_a[k] = grad_a
            delta = plan.acts[k].backward(self.z[k], self.a[k], grad_a)
        self.delta[k] = delta
        a, grad_w = self.a, self.grad_w
        for i, mask, key in plan.grads_of[k]:
            g = a[i].T @ delta
            if mask is not None:
                g *= mask
            grad_w[key] = g
        self.grad_b[k] = np.add.reduce(delta, axis=0)  # skips sum()'s Python wrapper

    def update(self, optimizer):
        """Apply the gradients: the optimiser for backprop, a plain step for the perceptron rule."""
        plan = self.plan
        if self.rule == "perceptron":
            lr = optimizer.learning_rate
            out = plan.n_layers - 1
            for i, w, _, key in plan.incoming[out]:
                w -= lr * self.grad_w[key]
            plan.biases[out] -= lr * self.grad_b[out]
        else:
            grad_w = self.grad_w
            grads = [grad_w[k] for k in plan.keys]
            grads += self.grad_b[1:]
            optimizer.update(plan.params, grads, plan.is_weight, plan.masks)
        for w, m in plan.partial:
            # momentum and Adam remember past steps; keep removed edges at 0
            w *= m

    def run(self, optimizer):
        """A whole step: every phase, back to back. Returns the loss."""
        n = self.plan.n_layers
        for k in range(1, n):
            self.forward_layer(k)
        loss = self.compute_loss()
        if self.rule == "perceptron":
            self.backward_layer(n - 1)
        else:
            for k in range(n - 1, 0, -1):
                self.backward_layer(k)
        self.update(optimizer)
        return loss

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
            total = 0.0
            for _, _, _, key in self.plan.incoming[k]:
                g = self.grad_w.get(key)
                if g is not None:
                    total += float(np.vdot(g, g))
            if self.grad_b[k] is not None:
                total += float(np.vdot(self.grad_b[k], self.grad_b[k]))
            norms[k] = float(np.sqrt(total))
        return norms


def forward(network, X):
    """All pre-activations and activations for inputs X, in one vectorised pass.

    Returns
    -------
    z, a : list of ndarray
        ``z[0]`` is None and ``a[0]`` is X; ``a[k]`` has shape (n, s_k).
    """
    p = Pass(network, np.asarray(X, dtype=float))
    p.forward()
    return p.z, p.a
