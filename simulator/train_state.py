"""Where training stands: what it takes to resume bit-identically, or to undo a run.

A ``TrainState`` holds the step counter, the epoch and the cursor in the
current shuffle order, the shuffle generator's state, the optimiser's step
count and moments, and (for the undo history, not the file) a copy of the
parameters. ``Trainer.state()`` takes one and ``Trainer.set_state()`` puts
one back; the project file stores it as ``training_state``
(docs/file-format.md) so that 50 steps, a save, a load and 50 more steps give
exactly the weights of 100 steps.

Flat arrays (moments, parameters) follow the layout of the network's training
plan (backprop.Plan): the weight blocks sorted by (from, to), each row-major
with the target layer's bias as an extra last row under its first incoming
block, then the biases of layers that have no incoming block.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .optimizers import OPTIMIZER_NAMES
from .limits import MAX_TRAINING_COUNT
from .json_checks import check_keys, fail, key_path, number, show, whole
from .snapshot import Picklable, frozen

MOMENTS = {"sgd": (), "momentum": ("velocity",), "adam": ("m", "v")}


@dataclass(frozen=True)
class TrainState(Picklable):
    """A frozen record of training progress.

    Attributes
    ----------
    step, epoch, cursor : int
        Steps completed; epochs started; position in ``order``.
    order : ndarray of int, shape (n_train,), or None
        The current epoch's shuffle order (None before the first mini-batch).
    rng : mapping
        ``numpy.random.PCG64`` state of the shuffle generator.
    optimizer : str
        The optimiser the moments belong to.
    t : int
        The optimiser's update count (Adam's bias correction uses it).
    moments : mapping name -> ndarray of shape (n_params,)
        ``velocity`` (momentum) or ``m`` and ``v`` (Adam); empty for SGD or
        when the optimiser has no memory yet.
    n_params : int
        Length of the flat arrays (the plan's parameter count).
    params : ndarray of shape (n_params,) or None
        The parameters themselves; kept by the undo history, never saved (the
        network in the file holds them).
    """

    step: int = 0
    epoch: int = 0
    cursor: int = 0
    order: np.ndarray = None
    rng: MappingProxyType = None
    optimizer: str = "sgd"
    t: int = 0
    moments: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    n_params: int = 0
    params: np.ndarray = None

    def without_params(self):
        from dataclasses import replace
        return replace(self, params=None)


def same_state(a, b):
    """True if two TrainStates hold the same progress, parameters and optimiser memory, bit for bit."""
    return (a.step == b.step and a.epoch == b.epoch and a.cursor == b.cursor and a.t == b.t
            and a.optimizer == b.optimizer and dict(a.rng or {}) == dict(b.rng or {})
            and (a.order is None) == (b.order is None) and (a.order is None or np.array_equal(a.order, b.order))
            and (a.params is None) == (b.params is None)
            and (a.params is None or np.array_equal(a.params, b.params))
            and a.moments.keys() == b.moments.keys()
            and all(np.array_equal(a.moments[k], b.moments[k]) for k in a.moments))


# ------------------------------------------------------------------ to / from the file
def state_to_dict(state, network=None):
    """The JSON form of a TrainState (the parameters are left out).

    With ``network``, optimiser memory that does not fit its parameters (the
    network was reshaped since) is left out, with its update count: training
    resumes with fresh memory. Everything else is kept.
    """
    moments, t = state.moments, state.t
    if network is not None:
        n_params = network.stored_parameter_count
        if state.n_params != n_params or any(np.shape(v) != (n_params,) for v in moments.values()):
            moments, t = {}, 0
    out = {"step": int(state.step), "epoch": int(state.epoch), "cursor": int(state.cursor),
           "order": None if state.order is None else [int(i) for i in state.order]}
    if state.rng is not None:
        rng = state.rng
        out["shuffle_rng"] = {"bit_generator": "PCG64", "state": format(rng["state"]["state"], "x"),
                              "inc": format(rng["state"]["inc"], "x"),
                              "has_uint32": int(rng["has_uint32"]), "uinteger": int(rng["uinteger"])}
    out["optimizer"] = {"name": state.optimizer, "t": int(t),
                        "moments": {k: np.asarray(v, dtype=float).tolist() for k, v in moments.items()}}
    return out


def state_from_dict(value, path, network, n_train=None):
    """Check a ``training_state`` object against ``network`` and build the TrainState.

    Raises
    ------
    ProjectFileError
        Naming the offending value.
    """
    if not isinstance(value, dict):
        fail(path, f"must be an object {{...}}, not {show(value)}")
    check_keys(value, path, ("step", "epoch", "cursor"), ("order", "shuffle_rng", "optimizer"))
    step = whole(value["step"], key_path(path, "step"), 0, MAX_TRAINING_COUNT)
    epoch = whole(value["epoch"], key_path(path, "epoch"), 0, MAX_TRAINING_COUNT)
    cursor = whole(value["cursor"], key_path(path, "cursor"), 0, MAX_TRAINING_COUNT)
    order = value.get("order")
    if order is not None:
        opath = key_path(path, "order")
        if not isinstance(order, list):
            fail(opath, f"must be a list of sample indices or null, not {show(order)}")
        for i, v in enumerate(order):
            whole(v, f"{opath}[{i}]", 0, len(order) - 1, "a sample index")
        order = np.array(order, dtype=np.int64)
        if len(np.unique(order)) != len(order):
            fail(opath, "must list every sample exactly once")
        if n_train is not None and len(order) != n_train:
            fail(opath, f"lists {len(order)} samples but the training set has {n_train}")
        order = frozen(order, None)
    rng = None
    if "shuffle_rng" in value:
        rpath = key_path(path, "shuffle_rng")
        r = value["shuffle_rng"]
        if not isinstance(r, dict):
            fail(rpath, f"must be an object, not {show(r)}")
        check_keys(r, rpath, ("bit_generator", "state", "inc"), ("has_uint32", "uinteger"))
        if r["bit_generator"] != "PCG64":
            fail(key_path(rpath, "bit_generator"), f"must be \"PCG64\", not {show(r['bit_generator'])}")
        words = {}
        for key in ("state", "inc"):
            text = r[key]
            if not (isinstance(text, str) and 0 < len(text) <= 32
                    and all(c in "0123456789abcdef" for c in text)):
                fail(key_path(rpath, key), f"must be a 128-bit number in lower-case hexadecimal, not {show(text)}")
            words[key] = int(text, 16)
        if words["inc"] % 2 == 0:
            fail(key_path(rpath, "inc"), "must be odd (a PCG64 increment always is)")
        rng = MappingProxyType({
            "bit_generator": "PCG64", "state": {"state": words["state"], "inc": words["inc"]},
            "has_uint32": whole(r.get("has_uint32", 0), key_path(rpath, "has_uint32"), 0, 1),
            "uinteger": whole(r.get("uinteger", 0), key_path(rpath, "uinteger"), 0, 2**32 - 1)})
    name, t, moments = "sgd", 0, {}
    n_params = network.stored_parameter_count
    if "optimizer" in value:
        opath = key_path(path, "optimizer")
        o = value["optimizer"]
        if not isinstance(o, dict):
            fail(opath, f"must be an object, not {show(o)}")
        check_keys(o, opath, ("name",), ("t", "moments"))
        name = o["name"]
        if name not in OPTIMIZER_NAMES:
            fail(key_path(opath, "name"), f"unknown optimizer {show(name)} (known: {', '.join(OPTIMIZER_NAMES)})")
        t = whole(o.get("t", 0), key_path(opath, "t"), 0, MAX_TRAINING_COUNT)
        given = o.get("moments", {})
        mpath = key_path(opath, "moments")
        if not isinstance(given, dict):
            fail(mpath, f"must be an object, not {show(given)}")
        if given:
            check_keys(given, mpath, MOMENTS[name], ())
        for key, values in given.items():
            vpath = key_path(mpath, key)
            if not isinstance(values, list) or len(values) != n_params:
                fail(vpath, f"must list {n_params} numbers, one per parameter of the network, "
                            f"not {len(values) if isinstance(values, list) else show(values)}")
            for i, v in enumerate(values):
                number(v, f"{vpath}[{i}]")
            moments[key] = frozen(values, np.float64)
        if "v" in moments and (moments["v"] < 0).any():
            fail(key_path(mpath, "v"), "holds squared gradients, which cannot be negative")
    return TrainState(step=step, epoch=epoch, cursor=cursor, order=order, rng=rng, optimizer=name, t=t,
                      moments=MappingProxyType(moments), n_params=n_params)
