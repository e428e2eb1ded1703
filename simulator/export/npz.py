"""The network's numbers as a NumPy ``.npz`` file, and back.

One array per weight block ``w_{i}_{j}`` (shape (size_i, size_j), 0 at
removed edges) with its mask ``mask_{i}_{j}`` (booleans, True where the edge
exists), one bias vector ``b_{k}`` per layer after the inputs, ``sizes`` (the
neurons per layer, inputs first) and ``activations`` (one name per layer
after the inputs). Every array is plain numbers or text, so
``numpy.load(path)`` reads it without pickle.
"""

import io
import re

import numpy as np

from ..activations import ACTIVATION_NAMES
from ..atomic_write import write_atomically
from ..errors import SimulatorError
from ..network import Block, Network

_BLOCK = re.compile(r"(w|mask)_(\d+)_(\d+)")


def network_arrays(network):
    """The arrays the ``.npz`` file holds, by name (see the module's docstring)."""
    arrays = {"sizes": np.array(network.sizes, dtype=np.int64),
              "activations": np.array(network.activations, dtype=str)}
    for (i, j), block in sorted(network.blocks.items()):
        arrays[f"w_{i}_{j}"] = np.array(block.weights, dtype=np.float64)
        arrays[f"mask_{i}_{j}"] = np.array(block.mask, dtype=bool)
    for k, layer in enumerate(network.layers[1:], start=1):
        arrays[f"b_{k}"] = np.array(layer.bias, dtype=np.float64)
    return arrays


def npz_bytes(arrays):
    """The bytes of an uncompressed ``.npz`` file holding ``arrays`` (name -> ndarray)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def write_npz(network, path):
    """Write the network's weights, masks, biases, sizes and activations to ``path``.

    Raises
    ------
    SimulatorError
        If the file cannot be written (nothing is then changed).
    """
    write_atomically(path, npz_bytes(network_arrays(network)))


def read_npz(path):
    """The Network a ``.npz`` file written by :func:`write_npz` describes.

    Raises
    ------
    SimulatorError
        Naming what is missing or malformed.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError) as exc:
        raise SimulatorError(f"{path}: not a weights file this app can read ({exc})") from None
    for name in ("sizes", "activations"):
        if name not in arrays:
            raise SimulatorError(f"{path}: no array {name!r}")
    sizes = [int(s) for s in np.ravel(arrays["sizes"])]
    activations = [str(a) for a in np.ravel(arrays["activations"])]
    if any(a not in ACTIVATION_NAMES for a in activations):
        raise SimulatorError(f"{path}: unknown activation among {activations}")
    network = Network(sizes, activations, connect=False)
    for name, values in arrays.items():
        match = _BLOCK.fullmatch(name)
        if match is None or match[1] != "w":
            continue
        i, j = int(match[2]), int(match[3])
        mask = arrays.get(f"mask_{i}_{j}")
        shape = (sizes[i], sizes[j]) if 0 <= i < j < len(sizes) else None
        if shape is None or values.shape != shape or mask is None or mask.shape != shape:
            raise SimulatorError(f"{path}: {name} (or its mask) does not fit layers {i} and {j}")
        mask = mask.astype(bool)
        if not np.isfinite(values).all():
            raise SimulatorError(f"{path}: {name} holds a number that is not finite")
        if not mask.any():
            continue  # a block without edges is no block
        network.blocks[(i, j)] = Block(np.where(mask, values, 0.0).astype(np.float64), mask)
    for k in range(1, len(sizes)):
        bias = arrays.get(f"b_{k}")
        if bias is None or bias.shape != (sizes[k],):
            raise SimulatorError(f"{path}: b_{k} is missing or not {sizes[k]} numbers")
        if not np.isfinite(bias).all():
            raise SimulatorError(f"{path}: b_{k} holds a number that is not finite")
        network.layers[k].bias = bias.astype(np.float64)
    network._changed()
    return network
