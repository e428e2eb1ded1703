"""Why the loss stopped being finite: the message a learner reads when training pauses.

The trainer rolls the weights back and asks :func:`explain_divergence` what to
say. It names the first cause it can actually detect, in this order: data
that do not fit the working precision, data so large that their squares
overflow, weights that give a non-finite loss before any update, L1/L2
regularisation too strong for the optimiser, an Adam epsilon too small to
keep a step finite, and the learning rate, with the evidence for it. It never
blames the learning rate for something else it can see.
"""

import math

import numpy as np

# How many times its smallest value the loss must have risen to over the
# steps before the failure to count as "rising" (noise on mini-batches
# makes smaller swings common).
RISE = 1.5


def explain_divergence(loss, step, kept_step, settings, data, working, failing_pass, kept_weights,
                       recent_losses):
    """The message (what became non-finite, the cause detected, and what was kept)
    and the field to change (a setting's name, ``data`` or ``network``).

    Parameters
    ----------
    loss : float
        The non-finite loss (NaN or infinite).
    step : int
        The step (counting from 1) whose loss it was.
    kept_step : int
        The step whose weights were restored.
    settings : TrainingSettings
    data : Dataset
        The training set, in float64 as it was loaded.
    working : tuple of ndarray
        The training inputs and targets in the working precision.
    failing_pass : Pass or None
        The pass of the failing batch, on the network whose weights are now
        the restored ones; it is run forward once more to see whether those
        weights alone already fail.
    kept_weights : ndarray
        The restored parameters (weights and biases).
    recent_losses : array_like
        The training losses of the last few steps before the failure.
    """
    kind = "NaN" if loss != loss else "infinite"
    kept_loss = None
    if failing_pass is not None:
        with np.errstate(all="ignore"):
            failing_pass.forward()
            kept_loss = failing_pass.compute_loss()
    cause, field = _cause(kind, kept_step, settings, data, working, kept_loss, kept_weights, recent_losses)
    kept = f"The weights are back to those of step {kept_step}"
    if kept_loss is not None and math.isfinite(kept_loss):
        kept += ", the last known to give a finite loss"
    return f"training paused: the loss became {kind} at step {step}: {cause}. {kept}.", field


def _cause(kind, kept_step, settings, data, working, kept_loss, kept_weights, recent_losses):
    precision = settings.precision
    info = np.finfo(np.dtype(precision))
    # beyond this, squaring a number overflows: L2 losses, Adam's v, dot products
    big = math.sqrt(float(info.max))
    data_max = max(_largest(data.X), _largest(data.y))
    if not all(np.isfinite(a).all() for a in working):
        return (f"the training data hold values up to {data_max:.3g}, beyond the largest {precision} number "
                f"({float(info.max):.3g}); choose float64 precision or scale the data down"), "precision"
    if data_max > big:
        return (f"the training data hold values up to {data_max:.3g}, too large to compute with in {precision} "
                f"(squares of numbers above {big:.3g} overflow); scale the data to a smaller range, "
                f"such as -1 to 1"), "data"
    weight_max = _largest(kept_weights)
    if kept_loss is not None and not math.isfinite(kept_loss):
        return (f"the weights of step {kept_step} already give a {kind} loss on this batch before any update, "
                f"so the learning rate is not the cause: weights up to {weight_max:.3g} overflow {precision} "
                f"on data up to {data_max:.3g}"), "network"
    rate = settings.learning_rate
    if settings.rule == "backprop":
        reason = _regularisation(settings, weight_max, big)
        if reason:
            return reason
        if settings.optimizer == "adam" and settings.epsilon < math.sqrt(float(info.tiny)):
            return (f"Adam's epsilon ({settings.epsilon:g}) is so small that where a gradient's square "
                    f"underflows to 0 in {precision}, a step divides by almost nothing; use 1e-8"), "epsilon"
    if rate > big:
        return (f"the learning rate ({rate:g}) is so large that a step overflows {precision}; lower it",
                "learning_rate")
    finite = np.asarray(recent_losses, dtype=float)
    finite = finite[np.isfinite(finite)]
    lower = f"lower the learning rate ({rate:g}), for example to {rate / 10:g}"
    if finite.size >= 2 and finite[-1] > RISE * finite.min():
        return (f"the loss grew from {finite.min():.3g} to {finite[-1]:.3g} over the last {finite.size} steps, "
                f"as it does when each step overshoots: {lower}"), "learning_rate"
    return (f"an update made the weights overflow, though the data and the other settings look sound, so "
            f"the learning rate is probably too large: {lower}"), "learning_rate"


def _regularisation(settings, weight_max, big):
    """(why L1 or L2 regularisation alone makes the weights blow up, the setting), or None."""
    rate, l1, l2, precision = settings.learning_rate, settings.l1, settings.l2, settings.precision
    if settings.optimizer in ("sgd", "momentum") and l2:
        # weight decay alone: w <- w (1 - rate l2), which oscillates with a growing
        # size once rate l2 > 2 (with momentum mu, once rate l2 > 2 (1 + mu))
        limit = 2.0 if settings.optimizer == "sgd" else 2.0 * (1.0 + settings.momentum)
        if rate * l2 >= limit:
            return (f"L2 regularisation is too strong for the learning rate: learning rate times l2 = "
                    f"{rate * l2:.3g} must stay below {limit:g}, or the decay alone makes every weight "
                    f"grow at each step; lower l2 ({l2:g}) or the learning rate ({rate:g})"), "l2"
    if settings.optimizer == "adam" and l1 + l2 * weight_max > big:
        return (f"L1/L2 regularisation is too strong: l1 + l2 times |w| reaches {l1 + l2 * weight_max:.3g}, "
                f"whose square (which Adam computes) overflows {precision}; lower l1 ({l1:g}) or l2 ({l2:g})"), \
                ("l2" if l2 * weight_max >= l1 else "l1")
    if settings.optimizer in ("sgd", "momentum") and rate * l1 > big:
        return (f"L1 regularisation is too strong: it moves every weight by learning rate times l1 = "
                f"{rate * l1:.3g} at each step, which overflows {precision}; lower l1 ({l1:g})"), "l1"
    return None


def _largest(array):
    """The largest |value| of an array: 0 if it is empty, inf if it holds NaN."""
    a = np.asarray(array)
    if not a.size:
        return 0.0
    top = float(np.abs(a).max())
    return float("inf") if top != top else top
