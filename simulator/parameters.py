"""A network's parameters in one flat array: the storage training updates.

On the small networks of a lesson a training step costs about one
microsecond per NumPy call, whatever the arithmetic, so every weight and bias
lives in one flat array and an optimiser updates them all in one call. Each
layer's bias is stored as an extra row under its first incoming weight block
(its "primary" block), so one matrix product computes ``a W + b`` and one
computes ``dL/dW`` and ``dL/db`` together. A layer with no incoming block
keeps its biases after all the blocks.

The network owns its store (:meth:`Network.parameters`): it builds one after
each structural edit and from then on keeps its weight blocks and biases as
views of it, so an edit of one weight and a step of training change the same
numbers.
"""

import numpy as np


class ParameterStore:
    """The flat layout of one network structure, with its numbers copied in.

    Building a store copies the network's current weights and biases; it
    does not touch the network (``Network.parameters`` then makes the
    network's arrays views of it).

    Attributes
    ----------
    flat : ndarray of shape (n_params,)
        Every weight slot (removed edges included, at 0) and every bias.
    dtype : numpy dtype
    segments : list of (key, offset, rows, cols, primary)
        Where each block ``key = (i, j)`` lives in ``flat``; ``primary``
        blocks have the biases of layer j as an extra last row.
    bias_only : list of int
        Layers with no incoming block; their biases follow the blocks.
    augmented : dict (i, j) -> ndarray of shape (rows, s_j)
        Each block's view, the bias row included for primary blocks.
    weights : dict (i, j) -> ndarray of shape (s_i, s_j)
    biases : list of ndarray of shape (s_k,)
        None for the input layer, whose biases are not parameters.
    reg_mask : ndarray of shape (n_params,)
        1 where a weight exists (regularised), 0 at biases and removed edges.
    keep : ndarray of shape (n_params,) or None
        0 at removed edges, 1 elsewhere; None when no edge is removed.
    """

    def __init__(self, network, dtype=np.float64):
        self.dtype = dtype = np.dtype(dtype)
        sizes = network.sizes
        n = len(sizes)
        keys = sorted(network.blocks)
        primary = {}
        for key in keys:
            primary.setdefault(key[1], key)
        self.primary = primary
        self.bias_only = [j for j in range(1, n) if j not in primary]

        self.segments, offset = [], 0
        for key in keys:
            is_primary = primary[key[1]] == key
            rows = sizes[key[0]] + is_primary
            self.segments.append((key, offset, rows, sizes[key[1]], is_primary))
            offset += rows * sizes[key[1]]
        bias_offsets = {}
        for j in self.bias_only:
            bias_offsets[j] = offset
            offset += sizes[j]
        self.n_params = offset
        self.flat = flat = np.zeros(offset, dtype)
        self.reg_mask = np.zeros(offset, dtype)
        keep = np.ones(offset, dtype)

        self.augmented, self.weights = {}, {}
        self.biases = [None] * n
        for key, off, rows, cols, is_primary in self.segments:
            i, j = key
            block = network.blocks[key]
            seg = flat[off:off + rows * cols].reshape(rows, cols)
            seg[:sizes[i]] = block.weights
            self.reg_mask[off:off + sizes[i] * cols] = block.mask.ravel()
            keep[off:off + sizes[i] * cols] = block.mask.ravel()
            if is_primary:
                seg[sizes[i]] = network.layers[j].bias
                self.biases[j] = seg[sizes[i]]
            self.augmented[key] = seg
            self.weights[key] = seg[:sizes[i]]
        for j, off in bias_offsets.items():
            view = flat[off:off + sizes[j]]
            view[:] = network.layers[j].bias
            self.biases[j] = view
        self.keep = None if keep.all() else keep

    def gradient_views(self, gflat):
        """Views of a flat gradient array laid out like ``flat``.

        Returns
        -------
        grad_w : dict (i, j) -> ndarray of shape (s_i, s_j)
        grad_b : list of ndarray of shape (s_k,) (None for the inputs)
        grad_aug : dict (i, j) -> ndarray of shape (rows, s_j), bias row included
        """
        grad_w, grad_aug, grad_b = {}, {}, [None] * len(self.biases)
        for key, off, rows, cols, is_primary in self.segments:
            seg = gflat[off:off + rows * cols].reshape(rows, cols)
            grad_aug[key] = seg
            grad_w[key] = seg[:self.weights[key].shape[0]]
            if is_primary:
                grad_b[key[1]] = seg[-1]
        off = self.segments[-1][1] + self.segments[-1][2] * self.segments[-1][3] if self.segments else 0
        for j in self.bias_only:
            grad_b[j] = gflat[off:off + len(self.biases[j])]
            off += len(self.biases[j])
        return grad_w, grad_b, grad_aug
