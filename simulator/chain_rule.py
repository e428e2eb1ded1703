"""The chain rule for one edge of one example: the maths of the Chain rule view.

For the edge from neuron i to neuron j, backpropagation's gradient is

    dL/dw_ij = delta_j × a_i

and delta_j = dL/dz_j comes one step from the end: at the output it is
``dL/da_j × f'(z_j)``, and in a hidden layer ``f'(z_j) × Σ_k w_jk delta_k`` over
the neurons k that j feeds. :func:`edge_chain` reads every number from a
single-example trace (the trainer's own backward pass, :func:`trace_example`)
and :func:`chain_lines` writes the products out with those numbers.
"""

from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .backprop import Pass
from .names import neuron_symbol
from .trace import Trace


def trace_example(network, x, y, loss, rule="backprop"):
    """Everything backpropagation computes for one example (``x`` (s_0,), ``y`` (s_out,)),
    without updating anything: the same passes as ``Trainer.trace``."""
    X, Y = np.asarray(x, dtype=float)[None, :], np.asarray(y, dtype=float)[None, :]
    p = Pass(network, X, Y, loss, rule)
    p.forward()
    value = p.compute_loss()
    for k in range(network.n_layers - 1, 0, -1):
        p.backward_layer(k)
    row = lambda arrays: [None if v is None else v[0].copy() for v in arrays]
    return Trace(x=X[0].copy(), y=Y[0].copy(), loss=value, z=row(p.z), a=row(p.a), delta=row(p.delta),
                 grad_a=row(p.all_grad_a()), grad_w={k: g.copy() for k, g in p.grad_w.items()},
                 grad_b=[None if g is None else g.copy() for g in p.grad_b])


@dataclass(frozen=True)
class EdgeChain:
    """The numbers of the chain rule for one edge.

    Attributes
    ----------
    src, dst : (int, int)
        The edge's neurons i and j.
    a_src, delta_dst, gradient : float
        a_i, delta_j, and dL/dw_ij as backpropagation computed it.
    z_dst, slope : float
        z_j and f'(z_j) (NaN for a softmax output, whose slope is not one number).
    grad_a : float
        dL/da_j: from the loss at the output, else ``Σ_k w_jk delta_k``.
    terms : tuple of ((int, int), float, float)
        ``(k, w_jk, delta_k)`` for each neuron k that j feeds (empty at the output).
    output : bool
    activation : str
        f, the activation of j's layer.
    """

    src: tuple
    dst: tuple
    a_src: float
    delta_dst: float
    gradient: float
    z_dst: float
    slope: float
    grad_a: float
    terms: tuple
    output: bool
    activation: str
    a_dst: float = float("nan")
    target: float = float("nan")
    loss: str = ""
    outputs: int = 1

    @property
    def product(self):
        """delta_j × a_i, which equals ``gradient``."""
        return self.delta_dst * self.a_src


def edge_chain(network, trace, src, dst, loss=""):
    """The chain rule's numbers for the edge ``src -> dst`` in ``trace`` (of ``network``);
    ``loss``, the loss's name, lets :func:`chain_lines` write dL/da at the output as a formula."""
    (si, sn), (di, dn) = src, dst
    if not network.has_edge(src, dst):
        raise ValueError(f"there is no edge {src} -> {dst}")
    name = network.activations[di - 1]
    output = di == network.output_layer
    z, a = trace.z[di], trace.a[di]
    slope = float("nan") if name == "softmax" else float(get_activation(name).derivative(z, a)[dn])
    terms = []
    if not output:
        for k_layer in range(di + 1, network.n_layers):
            block = network.blocks.get((di, k_layer))
            if block is None:
                continue
            for kn in np.flatnonzero(block.mask[dn]):
                terms.append(((k_layer, int(kn)), float(block.weights[dn, kn]), float(trace.delta[k_layer][kn])))
    return EdgeChain(src, dst, float(trace.a[si][sn]), float(trace.delta[di][dn]),
                     float(trace.grad_w[(si, di)][sn, dn]), float(z[dn]), slope, float(trace.grad_a[di][dn]),
                     tuple(terms), output, name, float(a[dn]),
                     float(trace.y[dn]) if output else float("nan"), loss, len(a))


def number(value):
    """A number as the view prints it: 4 significant digits, a true minus sign."""
    text = f"{value:.4g}"
    return text.replace("-", "\u2212") if not text.startswith("nan") else "NaN"


def chain_lines(chain, sizes):
    """The chain rule written out with the numbers, as lines of plain text (Unicode).

    Parameters
    ----------
    chain : EdgeChain
    sizes : sequence of int
        Neurons per layer, for the neurons' names.
    """
    i, j = neuron_symbol(chain.src, sizes), neuron_symbol(chain.dst, sizes)
    n = number
    f = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky_relu",
         "linear": "linear", "step": "step"}.get(chain.activation, chain.activation)
    lines = _aligned(f"∂L/∂w({i}→{j})", [f"δ({j}) × a({i})", f"{n(chain.delta_dst)} × {n(chain.a_src)} = "
                                           f"{n(chain.product)}"]) + [""]
    if chain.output and chain.activation == "softmax":
        lines += _aligned(f"δ({j})", [f"∂L/∂z({j}) = a({j}) × (∂L/∂a({j}) − Σₘ aₘ·∂L/∂aₘ)   (softmax: every "
                                     "output depends on every z)", n(chain.delta_dst)])
    elif chain.output:
        lines += _aligned(f"δ({j})", [f"∂L/∂{j} × {f}′(z({j}))", f"{n(chain.grad_a)} × {f}′({n(chain.z_dst)})",
                                     f"{n(chain.grad_a)} × {n(chain.slope)} = {n(chain.delta_dst)}"])
        formula = LOSS_SLOPES.get(chain.loss)
        if formula is not None:
            a, y, m = n(chain.a_dst), n(chain.target), chain.outputs
            per = "" if m == 1 else f" / {m}"
            lines += [""] + _aligned(f"∂L/∂{j}", [formula[0].format(a=j, y="y") + per,
                                                    formula[1].format(a=a, y=y) + per + f" = {n(chain.grad_a)}"])
    else:
        total = sum(w * d for _, w, d in chain.terms)
        products = " + ".join(f"{n(w)} × {n(d)}" for _, w, d in chain.terms) or "0"
        names = " + ".join(f"w({j}→{neuron_symbol(k, sizes)})·δ({neuron_symbol(k, sizes)})"
                           for k, _, _ in chain.terms) or "0"
        lines += _aligned(f"δ({j})", [f"{f}′(z({j})) × Σₖ w({j}→k)·δ(k)", f"{f}′({n(chain.z_dst)}) × ({names})",
                                     f"{n(chain.slope)} × ({products})",
                                     f"{n(chain.slope)} × {n(total)} = {n(chain.delta_dst)}"])
    slope = SLOPES.get(chain.activation)
    if slope is not None:
        lines += [""] + _aligned(f"{f}′(z({j}))", [slope[0].format(a=j if chain.output else f"a({j})"),
                                                 slope[1].format(a=n(chain.a_dst)) + f" = {n(chain.slope)}"])
    return lines


LOSS_SLOPES = {  # dL/da of one output of one example: (in symbols, with the numbers)
    "l2": ("2({a} − {y})", "2 × ({a} − {y})"),
    "l1": ("sign({a} − {y})", "sign({a} − {y})"),
    "huber": ("clip({a} − {y}, −1, 1)", "clip({a} − {y}, −1, 1)"),
    "binary_cross_entropy": ("({a} − {y}) / ({a}(1 − {a}))", "({a} − {y}) / ({a} × (1 − {a}))"),
}
"""With m outputs each is divided by m: these losses average over the output values."""


SLOPES = {  # f'(z) written with the activation a = f(z): (in symbols, with the numbers)
    "sigmoid": ("{a} × (1 − {a})", "{a} × (1 − {a})"),
    "tanh": ("1 − {a}²", "1 − {a}²"),
}


def _aligned(left, right):
    """``left = right[0]``, then each further right side under the first ``=``."""
    pad = " " * len(left)
    return [f"{left} = {right[0]}"] + [f"{pad} = {r}" for r in right[1:]]
