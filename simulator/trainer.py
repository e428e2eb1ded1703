"""The training loop, as small steps that know nothing of threads.

``Trainer.step()`` trains on one batch; ``Trainer.next_phase()`` runs just one
phase of a step (forward through one layer, the loss, backward through one
layer, the update) with the very same code. ``Trainer.run_steps()`` is a plain
generator that trains one step per ``next()``; the UI's worker thread wraps it
and takes a frozen ``Trainer.snapshot()`` every so often.
"""

import math
from types import MappingProxyType

import numpy as np

from .accuracy import class_targets, count_right
from .backprop import QUIET, Pass, augment
from .checkpoints import Checkpoints
from .divergence import explain_divergence
from .errors import DivergenceError, TrainingError
from .history import History
from .losses import get_loss
from .memory import check_training, chunk_rows
from .numpy_calls import errstate
from .optimizers import make_optimizer
from .settings import TrainingSettings
from .snapshot import frozen, take_snapshot
from .trace import trace_example
from .train_state import MOMENTS, TrainState

CHECKPOINT_EVERY = 16  # steps between copies of the weights kept for a NaN roll-back
_NAN = math.nan


class Trainer:
    """Trains ``network`` in place on ``train``, evaluating on ``test``.

    Parameters
    ----------
    network : Network
    train : Dataset
    test : Dataset, optional
    settings : TrainingSettings, optional
    state : TrainState, optional
        Resume from here (a project file's ``training_state``).
    """

    def __init__(self, network, train, test=None, settings=None, state=None):
        self.network = network
        self.train = train
        self.test = test if test is not None and test.n_samples else None
        self.history = History()
        self.steps = 0
        self.epoch = 0
        self.last_pass = None
        self._pass = None          # a step in progress, run phase by phase
        self._phase_list = None
        self._before_pass = None   # _position() before its batch was drawn
        # Roll-back points: (steps, plan, copy of plan.flat). An edit that
        # changes the structure makes a new plan, and the old copies useless.
        self._checkpoint = None    # parameters known to give a finite loss
        self._pending = None       # parameters kept but not yet seen to give a finite loss
        self._cursor = 0
        self._order = None
        self._epoch_data = None    # (order, data, rows in that order...) of the current epoch
        self._frozen_order = None  # (order, its frozen copy) for state()
        self.settings = None
        self.optimizer = None
        self._dtype = None
        self._train_targets = class_targets(train)
        self.apply_settings(settings or TrainingSettings())
        self._rng = np.random.default_rng(self.settings.seed)
        self._passes = {}          # batch size -> reusable Pass, for the current plan
        self._eval_cache = {}      # id(dataset) -> (dataset, Pass, boolean targets)
        self._checked_plan = None
        # True: each step's row gets its batch's accuracy and the test set's values, as
        # the command line records them. False while a RunLoop drives the trainer:
        # evaluate_now fills the newest row at frame rate instead (the test set after
        # every step costs about half a step, the batch's accuracy a twentieth)
        self.evaluate_each_step = True
        self.checkpoints = None    # recorded states to step back to: from the first run on
        self.start()
        if state is not None:
            self.set_state(state)
        self.checkpoints = Checkpoints()

    # --------------------------------------------------------------- settings
    def apply_settings(self, settings):
        """Use new settings from the next step on, keeping the optimiser's memory
        unless the optimiser itself changed."""
        settings.validate()
        self._check_memory(settings)
        loss = get_loss(settings.loss)
        loss.check(self.network.layers[-1].activation, self.network.sizes[-1])
        if self.settings is None or self.settings.loss != settings.loss:
            reason = loss.check_targets(self.train.y)
            if reason is not None:
                raise TrainingError(reason)
        if settings.rule == "perceptron" and self.network.layers[-1].activation != "step":
            raise TrainingError(
                f"the perceptron rule trains step units, but the output layer uses "
                f"{self.network.layers[-1].activation}: choose gradient descent (backprop) instead")
        if self.optimizer is None or self.optimizer.name != settings.optimizer:
            self.optimizer = make_optimizer(settings.optimizer, **settings.optimizer_settings())
        else:
            for key, value in settings.optimizer_settings().items():
                setattr(self.optimizer, key, value)
        old = self.settings
        self.settings = settings
        self.loss = loss
        if old is not None and old.seed != settings.seed:
            self._rng = np.random.default_rng(settings.seed)
            self._order = None
        if old is not None and (old.batch_size != settings.batch_size or old.shuffle != settings.shuffle):
            self._order = None
        dtype = np.dtype(settings.precision)
        if self._dtype is None or dtype != self._dtype:
            # the training data in the working precision, inputs with their column of ones
            self._dtype = dtype
            self._train_aug = augment(self.train.X, dtype)
            self._train_y = self.train.y.astype(dtype)

    def set_datasets(self, train, test=None):
        """Train on new data from the next step on (points drawn or taken away during a run),
        keeping the weights, the optimiser's memory and the step count.

        Raises TrainingError, changing nothing, if the data does not fit the
        network, the loss or the task trained so far.
        """
        if train.task != self.train.task:
            raise TrainingError(f"the new data is for {train.task}, but this run trains {self.train.task}")
        problem = check_training(self.network, train, test, self.settings)
        if problem:
            raise TrainingError(problem)
        reason = self.loss.check_targets(train.y)
        if reason is not None:
            raise TrainingError(reason)
        self.train = train
        self.test = test if test is not None and test.n_samples else None
        self._train_targets = class_targets(train)
        self._train_aug = augment(train.X, self._dtype)
        self._train_y = train.y.astype(self._dtype)
        self._order, self._epoch_data, self._cursor = None, None, 0  # a new epoch over the new rows
        self._passes, self._eval_cache = {}, {}

    @property
    def classification(self):
        return self.train.task == "classification"

    # ------------------------------------------------------------------ steps
    def step(self):
        """Train on one batch; returns the loss the batch had before the update."""
        return self._step(Pass.run)

    def _step(self, run):
        """``step``, the pass run by ``run``: ``Pass.run``, or ``Pass.run_quietly`` under
        ``np.errstate(**QUIET)`` already (``run_steps(quiet=True)``)."""
        if self._pass is not None:
            while self._pass is not None:
                self.next_phase()
            return self.history.last("train_loss")
        self._use_plan()
        X, y, targets = self._next_batch()
        p = self._pass_for(X, y, whole_step=True)
        loss = run(p, self.optimizer)
        self._finish(p, targets)
        return loss

    def run(self, n_steps):
        """Train ``n_steps`` steps; returns the last loss."""
        loss = float("nan")
        for _ in range(n_steps):
            loss = self.step()
        return loss

    def next_phase(self):
        """Run one phase of the current step (starting a step if none is under way).

        Returns
        -------
        (kind, layer) : the phase just run; kind is "forward", "loss",
        "backward" or "update" (layer None).
        """
        p = self._pass
        if p is None or p.plan is not self.network.plan():
            # no step under way, or the network was edited mid-step: start afresh
            if p is not None:
                self.cancel_pass()
            self._use_plan()
            self._before_pass = self._position()
            X, y, targets = self._next_batch()
            p = self._pass = self._pass_for(X, y)
            self._pass_targets = targets
            self._phase_list = p.phases()
        phase = self._phase_list[p.done]
        if phase[0] == "update":
            p.update(self.optimizer)
            self._pass = None
            self._finish(p, self._pass_targets)
        else:
            p.run_phase(phase)
            p.done += 1
        return phase

    def cancel_pass(self):
        """Drop a step being stepped through phase by phase, as if it never began.

        Nothing was updated yet (the update is the last phase); the batch it
        drew goes back, so the next step or phase starts a fresh pass on the
        same batch. Returns True if a pass was cancelled.
        """
        if self._pass is None:
            return False
        self._set_position(self._before_pass)
        self._pass = self._phase_list = self._before_pass = None
        return True

    @property
    def pass_in_progress(self):
        """The Pass of a step being stepped through, or None."""
        return self._pass

    def upcoming_phase(self):
        """The phase ``next_phase`` would run next: (kind, layer)."""
        if self._pass is None:
            return ("forward", 1)
        return self._phase_list[self._pass.done]

    # --------------------------------------------------------------- internals
    def _use_plan(self):
        """Before a batch is drawn: take on the network's current plan if an edit made a new one."""
        plan = self.network.plan(self._dtype)
        if plan is not self._checked_plan:
            self._check_plan(plan)
            self._passes = {}
            # An edit rearranges the flat parameters: the optimiser's memory
            # and the roll-back copies no longer line up with them.
            self.optimizer.reset()
            if not any(p is not None and p[1] is plan for p in (self._checkpoint, self._pending)):
                self._keep()

    def _pass_for(self, X_aug, y, whole_step=False):
        """A Pass for this batch, reusing the buffers of the last one of its size
        (after ``_use_plan``, which both callers run before drawing the batch)."""
        p = self._passes.get(X_aug.shape[0])
        if p is None:
            p = self._passes[X_aug.shape[0]] = Pass(self.network, X_aug, y, self.loss, self.settings.rule,
                                                    augmented=True)
        else:
            p.loss, p.rule = self.loss, self.settings.rule  # (before reset, which asks the rule)
            p.reset(X_aug, y, augmented=True, whole_step=whole_step)
        return p

    def _check_plan(self, plan):
        sizes = plan.sizes
        if sizes[0] != self.train.n_inputs or sizes[-1] != self.train.n_outputs:
            raise TrainingError(
                f"the network has {sizes[0]} inputs and {sizes[-1]} outputs, but the data has "
                f"{self.train.n_inputs} input columns and {self.train.n_outputs} target columns")
        self.loss.check(self.network.layers[-1].activation, sizes[-1])
        self._check_memory(self.settings)
        self._checked_plan = plan

    def _check_memory(self, settings):
        problem = check_training(self.network, self.train, self.test, settings)
        if problem:
            raise TrainingError(problem)

    def _next_batch(self):
        n = self.train.n_samples
        size = self.settings.batch_size
        if size == 0 or size >= n:
            if self._cursor == 0:
                self.epoch += 1
            self._cursor = 0
            return self._train_aug, self._train_y, self._train_targets
        if self._order is None or self._cursor >= n:
            if self.settings.shuffle:
                self._order = self._rng.permutation(n)
            elif self._order is None or self._order.shape != (n,):
                self._order = np.arange(n)
            self._cursor = 0
            self.epoch += 1
            self._epoch_data = None
        if self._epoch_data is None or self._epoch_data[0] is not self._order \
                or self._epoch_data[1] is not self._train_aug:
            # the epoch's rows gathered once, in its order: each batch is then a slice, not a gather
            order, targets = self._order, self._train_targets
            self._epoch_data = (order, self._train_aug, self._train_aug[order], self._train_y[order],
                                None if targets is None else targets[order])
        _, _, X, y, targets = self._epoch_data
        start, self._cursor = self._cursor, self._cursor + size
        return X[start:self._cursor], y[start:self._cursor], None if targets is None else targets[start:self._cursor]

    def _finish(self, p, targets):
        """Book-keeping after an update: history, NaN guard, checkpoint."""
        self.last_pass = p
        loss = p.loss_value
        if not math.isfinite(loss):
            self._roll_back(loss)
        if self._pending is not None and self._pending[0] == self.steps and self._pending[1] is p.plan:
            # this step's forward pass ran on the pending weights and gave a finite loss
            self._checkpoint, self._pending = self._pending, None
        acc = test_loss = test_acc = _NAN  # (NaN a constant: this runs after every step)
        if self.evaluate_each_step:
            if targets is not None:  # the fraction right; targets from accuracy.class_targets
                out = p.a[-1]
                acc = count_right(out, targets) / out.shape[0]
            if self.test is not None and self.steps % self.settings.test_every == 0:
                test_loss, test_acc = self.evaluate(self.test)
        self.history.append(self.epoch, loss, acc, test_loss, test_acc, step=self.steps + 1)
        self.steps += 1
        if self.steps % CHECKPOINT_EVERY == 0:
            self._keep()
        if self.checkpoints is not None and self.checkpoints.due(self.steps):
            self.checkpoints.record(self.state())

    def _keep(self):
        plan = self.network.plan(self._dtype)
        self._pending = (self.steps, plan, plan.flat.copy(), self._position())

    def _position(self):
        """Where the batches stand: (epoch, cursor, order, epoch data, shuffle generator state)."""
        rng = self._rng.bit_generator.state
        return self.epoch, self._cursor, self._order, self._epoch_data, {**rng, "state": dict(rng["state"])}

    def _set_position(self, position):
        self.epoch, self._cursor, self._order, self._epoch_data, rng = position
        self._rng.bit_generator.state = rng

    def _roll_back(self, loss):
        bad_step = self.steps + 1
        plan = self.network.plan(self._dtype)
        # the newest copy known to give a finite loss, else the one taken when
        # training started or the network was last edited (never after an update)
        point = next((p for p in (self._checkpoint, self._pending) if p is not None and p[1] is plan), None)
        if point is None:  # _keep() runs at the start and after every edit, so this is a bug
            raise TrainingError(f"the loss became {loss} at step {bad_step} and no earlier weights were kept")
        steps, plan, saved, position = point
        plan.flat[...] = saved
        self._set_position(position)  # the epoch and the next batch are those of the kept step too
        failing = self.last_pass if self.last_pass is not None and self.last_pass.plan is plan else None
        message, field = explain_divergence(loss, bad_step, steps, self.settings, self.train,
                                            (self._train_aug, self._train_y), failing, saved,
                                            self.history.column("train_loss")[-2 * CHECKPOINT_EVERY:].copy())
        self.optimizer.reset()
        self.history.truncate(steps)
        self.steps = steps
        self.last_pass = None
        self._pass = None
        self._pending = None
        raise DivergenceError(message, field, loss=loss, step=bad_step, kept_step=steps)

    def start(self):
        """Keep the current weights as the roll-back point (at the start of every run,
        so a NaN never rolls back past an edit made between runs), and record
        the state the run starts from (see checkpoints.py)."""
        self._keep()
        if self.checkpoints is not None:
            self.checkpoints.record(self.state())

    # ------------------------------------------------------------------ state
    def state(self, params=True):
        """Where training stands, as a frozen TrainState (see train_state.py).

        Parameters
        ----------
        params : bool
            Include a copy of the parameters (for the undo history).
        """
        plan = self.network.plan(self._dtype)
        moments = {}
        opt = self.optimizer
        fresh = plan is self._checked_plan and opt.holds(plan.params)
        if fresh:
            for name in MOMENTS[opt.name]:
                moments[name] = frozen(getattr(opt, name)[0], np.float64)
        rng = self._rng.bit_generator.state
        order = self._order
        if order is not None and (self._frozen_order is None or self._frozen_order[0] is not order):
            # an epoch's order is never changed in place, and the checkpoints ask for
            # it every few steps at the start of a run: one frozen copy per order
            self._frozen_order = (order, frozen(order, None))
        return TrainState(
            step=self.steps, epoch=self.epoch, cursor=self._cursor,
            order=None if order is None else self._frozen_order[1],
            rng=MappingProxyType({**rng, "state": dict(rng["state"])}), optimizer=opt.name,
            t=opt.t if fresh else 0, moments=MappingProxyType(moments), n_params=plan.n_params,
            params=frozen(plan.flat, np.float64) if params else None)

    def set_state(self, state):
        """Resume from a TrainState: counters, shuffle order and generator, the
        optimiser's memory (if it belongs to this optimiser and this network) and,
        if the state has them, the parameters. Whatever does not fit is reset."""
        plan = self.network.plan(self._dtype)
        self._pass = None
        if state.params is not None and state.params.shape == plan.flat.shape:
            plan.flat[...] = state.params
        self.steps, self.epoch = int(state.step), int(state.epoch)
        n = self.train.n_samples
        if state.order is not None and state.order.shape == (n,):
            self._order = np.array(state.order)
            self._cursor = min(int(state.cursor), n)
        else:  # no order kept, or one for other data: the next mini-batch starts a new epoch
            self._order, self._cursor = None, int(state.cursor) if state.order is None else 0
        if state.rng is not None and state.rng.get("bit_generator") == type(self._rng.bit_generator).__name__:
            self._rng.bit_generator.state = {**state.rng, "state": dict(state.rng["state"])}
        self.history.truncate(self.steps)
        self._check_plan(plan)
        self._passes = {}
        opt = self.optimizer
        opt.reset()
        names = MOMENTS[opt.name]
        if state.optimizer == opt.name and state.n_params == plan.n_params \
                and all(k in state.moments for k in names):
            opt.prepare(plan.params)
            for k in names:
                getattr(opt, k)[0][...] = state.moments[k]
            opt.t = int(state.t)
        self._checkpoint = self._pending = None
        self._keep()

    # ------------------------------------------------------------- evaluation
    # A diverging network is reported by the trainer, not as warnings. The
    # errstate as a decorator (see numpy_calls.py): a run with a target loss
    # or accuracy evaluates the training set after every step.
    @errstate(**QUIET)
    def evaluate(self, dataset):
        """(loss, accuracy) of the current network on a dataset; accuracy NaN for regression.

        Runs in chunks of ``memory.chunk_rows`` samples, so memory does not
        grow with the data; a lesson's data fits in one chunk.
        """
        plan = self.network.plan(self._dtype)
        cached = self._eval_cache.get(id(dataset))
        if cached is None or cached[0] is not dataset or cached[1] is not plan:
            # the test set is evaluated after every step: keep its inputs and buffers
            if dataset is self.train:
                X, y = self._train_aug, self._train_y
            else:
                X, y = augment(dataset.X, self._dtype), dataset.y.astype(self._dtype)
            rows = chunk_rows(plan.sizes, plan.dtype.itemsize, dataset.n_samples)
            cached = self._eval_cache[id(dataset)] = (dataset, plan, X, y, class_targets(dataset), rows, {})
        _, _, X, y, targets, rows, passes = cached
        n = dataset.n_samples
        if n == 0:
            return float("nan"), float("nan")
        total = right = 0.0
        for start in range(0, n, rows):
            stop = min(start + rows, n)
            p = passes.get(stop - start)  # at most two sizes: full chunks and the last one
            if p is None:
                p = passes[stop - start] = Pass(self.network, X[start:stop], y[start:stop], augmented=True)
            else:
                p.reset(X[start:stop], y[start:stop], augmented=True)
            p.loss = self.loss
            p.forward()
            # every loss is a mean over samples: weight each chunk by its share
            total += p.compute_loss() * (stop - start)
            if targets is not None:
                right += count_right(p.a[-1], targets[start:stop])
        accuracy = right / n if targets is not None else float("nan")
        return total / n, accuracy

    def trace(self, index, dataset=None):
        """Every z, a, delta, dL/da and dL/dw for one example, without updating anything.

        Parameters
        ----------
        index : int
            Row of ``dataset`` (default the training set).
        """
        dataset = dataset or self.train
        if not 0 <= index < dataset.n_samples:
            raise TrainingError(f"there is no example {index}; the data has {dataset.n_samples}")
        return trace_example(self.network, dataset.X[index:index + 1], dataset.y[index:index + 1], self.loss,
                             self.settings.rule)

    def evaluate_now(self):
        """Loss and accuracy on the whole training set and on the test set, now.

        The accuracies and the test loss also go into the newest history row:
        while training runs at full speed this is called at frame rate rather
        than after every step (``evaluate_each_step``). The row's training
        loss stays its batch's. Returns a dict (NaN where a value does not apply).
        """
        train_loss, train_acc = self.evaluate(self.train)
        if self.classification:
            self.history.set_last("train_accuracy", train_acc)
        test_loss = test_acc = float("nan")
        if self.test is not None:
            test_loss, test_acc = self.evaluate(self.test)
            self.history.set_last("test_loss", test_loss)
            self.history.set_last("test_accuracy", test_acc)
        return {"train_loss": train_loss, "train_accuracy": train_acc,
                "test_loss": test_loss, "test_accuracy": test_acc}

    @property
    def steps_per_epoch(self):
        size, n = self.settings.batch_size, self.train.n_samples
        return 1 if size == 0 or size >= n else -(-n // size)

    def run_steps(self, max_steps=None, quiet=False):
        """A plain generator that trains one step per ``next()`` and yields the loss.

        It knows nothing of threads: the UI's worker checks stop and pause at
        each yield. A TrainingError (e.g. a NaN loss) ends it by propagating.
        ``quiet``: every ``next()`` is called under ``np.errstate(**QUIET)``
        already (as ``RunLoop.chunk`` does, once for a chunk of steps), so a
        step need not enter it.
        """
        run = Pass.run_quietly if quiet else Pass.run
        done = 0
        while max_steps is None or done < max_steps:
            yield self._step(run)
            done += 1

    def snapshot(self, grid=None, message="", since=None, metrics=None):
        """A frozen Snapshot of the current state (see snapshot.py).

        ``since``: the last step whose history row the receiver has (None: all rows).
        """
        p = self._pass if self._pass is not None else self.last_pass
        phase = None
        if self._pass is not None and self._pass.done:
            phase = self._phase_list[self._pass.done - 1]
        return take_snapshot(self.network, p, self.history, self.steps, self.epoch, grid, phase, message,
                             since=since, metrics=metrics)
