"""NumPy calls the training step makes dozens of times, without their per-call overhead.

On a lesson-sized network a step is mostly the fixed cost of each NumPy call,
not arithmetic. Two parts of that cost buy nothing here, and each name below
drops one while computing exactly the same bits
(``tests/simulator/test_step_reference.py`` holds the step to the last bit):

- ``np.dot``, ``np.vdot`` and ``np.count_nonzero`` first ask their arguments
  whether they implement ``__array_function__``. Ours are always plain
  ndarrays, and the check costs as much as a small product: :data:`dot`,
  :data:`vdot` and :data:`count_nonzero` are the functions behind that dispatch.
- A Python float combined with an array is turned into a 0-d array of the
  array's precision on every call, which costs more than multiplying ten
  numbers. :func:`operand` makes that very array once.
- ``with np.errstate(...)`` makes and enters an object on every call:
  :func:`errstate` decorates a function with it at half the cost.
"""

from functools import lru_cache, wraps

import numpy as np


def _undispatched(func):
    # NumPy keeps the function behind its __array_function__ dispatch as
    # `_implementation`; should a release drop it, the public function is as exact
    return getattr(func, "_implementation", func)


dot = _undispatched(np.dot)
vdot = _undispatched(np.vdot)
count_nonzero = _undispatched(np.count_nonzero)


@lru_cache(maxsize=256, typed=True)
def operand(value, dtype):
    """``value`` as the read-only 0-d array NumPy makes of it in an operation with an array of ``dtype``.

    A Python float is weak: with a float32 array it becomes float32. A NumPy
    float64 is not, and stays float64 (hence ``typed``: 0.03 and
    ``np.float64(0.03)`` are cached apart).

    Parameters
    ----------
    value : float or numpy scalar
    dtype : numpy dtype
        Of the array ``value`` is combined with.

    Returns
    -------
    ndarray of shape ()
    """
    out = np.array(value, np.result_type(value, dtype))
    out.flags.writeable = False
    return out


def errstate(**settings):
    """A decorator that runs a function under ``np.errstate(**settings)``.

    NumPy 2's errstate decorates a function itself, entering a fresh context
    on each call (cheaper than a ``with`` block, and safe in two threads at
    once). NumPy 1's would enter one shared object on every call, which two
    threads would confuse: there the decorator is a ``with`` block per call.
    """
    if int(np.__version__.split(".")[0]) >= 2:
        return np.errstate(**settings)

    def decorate(func):
        @wraps(func)
        def inner(*args, **kwargs):
            with np.errstate(**settings):
                return func(*args, **kwargs)
        return inner
    return decorate
