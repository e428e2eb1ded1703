"""Which class an output says, and how many rows it gets right: the one rule
the trainer's accuracy, the hidden-space view and every plot ask.

A single output says class 1 where it exceeds ``CLASS_ONE_ABOVE``; several
outputs say the class of the largest.
"""

import numpy as np

from .numpy_calls import count_nonzero, operand

CLASS_ONE_ABOVE = 0.5
"""A single output (or a 0/1 target) says class 1 where it exceeds this."""


def predicted_classes(a):
    """Each row's class.

    Parameters
    ----------
    a : array_like of shape (n_samples, n_outputs)

    Returns
    -------
    ndarray of int64, shape (n_samples,)
    """
    a = np.asarray(a)
    if a.shape[1] == 1:
        return (a[:, 0] > CLASS_ONE_ABOVE).astype(np.int64)
    return np.argmax(a, axis=1).astype(np.int64)


def class_targets(dataset):
    """What accuracy compares with: booleans (n, 1) for two classes, class
    indices (n,) for more, None for regression."""
    if dataset.task != "classification":
        return None
    y = dataset.y
    return y > CLASS_ONE_ABOVE if y.shape[1] == 1 else y.argmax(axis=1)


def count_right(a, targets):
    """How many rows of output ``a`` (n, n_outputs) match ``targets`` (from :func:`class_targets`)."""
    # asked after every training step: the threshold as a 0-d array made once,
    # count_nonzero without its dispatch (see numpy_calls.py)
    if a.shape[1] == 1:
        return count_nonzero(np.greater(a, operand(CLASS_ONE_ABOVE, a.dtype)) == targets)
    return count_nonzero(a.argmax(axis=1) == targets)
