"""The document: the one network being edited, its data and settings, and undo.

Views never write to the model. They call the edit methods here; each pushes
one command (ui/commands/) onto ``undo_stack`` and the command changes the
model. Views redraw from the signals, which fire only when something really
changed. See docs/ui-contract.md for the names the canvas relies on.
"""

from __future__ import annotations

import dataclasses
import math
from contextlib import contextmanager, nullcontext

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from simulator.errors import EditError, SimulatorError
from simulator.limits import MAX_POSITION
from simulator.network import Network
from simulator.settings import TrainingSettings

from . import commands as cmd
from .wording import sentence as _sentence

from simulator.project_file import Project, load_project, save_project

NEW_LAYER_SIZE, NEW_LAYER_ACTIVATION = 2, "tanh"  # what Insert Layer adds

UNDO_LIMIT = 200
"""Most steps the Edit menu can undo. A structural step keeps two copies of
the network (ui/commands/structure.py), so the oldest steps are forgotten past this."""

LAYOUT_KEY = "positions"
"""The key of the project layout block under which manual positions are stored:
a list of ``[layer, index, x, y]``."""


class Document(QObject):
    """The open project: network, data, settings, manual positions, undo stack.

    Attributes
    ----------
    network : Network
        The same object for the document's lifetime; undo and file loading
        replace its contents with ``network.assign``.
    positions : dict of (layer, index) -> (x, y)
        Manual positions in scene coordinates. A neuron without one is placed
        by the automatic layout.
    project : Project
        Data, settings, title and description; its layout is rebuilt from
        ``positions`` on save.
    undo_stack : QUndoStack
        Holds at most ``UNDO_LIMIT`` steps.
    path : str or None
    """

    structure_changed = Signal()
    values_changed = Signal()
    positions_changed = Signal()
    project_replaced = Signal()
    settings_changed = Signal()  # training settings changed
    data_changed = Signal()  # the data recipe (or points) changed
    modified_changed = Signal(bool)
    path_changed = Signal(str)
    message = Signal(str)

    def __init__(self, project=None, parent=None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)  # only while the stack is empty
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.network = Network([2, 2, 1])
        self.positions = {}
        self.project = None
        self.path = None
        self._batch_depth = 0
        self._pending = set()
        self.edit_guard = None  # a context manager factory every edit runs inside (ui/training)
        self.replacing = False  # True while a new project is installed (its signals are not edits)
        self.before_push = None  # called with each accepted edit's command just before it is pushed
        self.busy = None  # a callable, True while a training run owns the network (ui/training)
        self._install(project if project is not None else default_project())

    def __del__(self):
        # Empty the undo stack while everything is still intact. When the
        # garbage collector frees a document caught in a reference cycle, it
        # would otherwise tear the Python side down first and QUndoStack's
        # C++ destructor would then delete half-freed commands and crash.
        try:
            if shiboken6.isValid(self.undo_stack):
                self.undo_stack.blockSignals(True)  # nobody is left to tell
                self.undo_stack.clear()
        except (RuntimeError, AttributeError):
            pass

    # ------------------------------------------------------------ properties
    @property
    def settings(self) -> TrainingSettings:
        return self.project.settings

    @property
    def data(self):
        return self.project.data

    @property
    def title(self):
        return self.project.title or ""

    def is_modified(self):
        return not self.undo_stack.isClean()

    def is_busy(self):
        """True while a training run owns the network: a copy of it now could be half-updated."""
        return bool(self.busy is not None and self.busy())

    def display_name(self):
        """The file name, or the project title, or "Untitled"."""
        if self.path:
            return _basename(self.path)
        return self.title or "Untitled"

    # ----------------------------------------------------------- edit methods
    def connect(self, src, dst, weight=None):
        return self._push(cmd.ConnectCommand(self, _neuron(src), _neuron(dst), weight))

    def disconnect(self, src, dst):
        return self._push(cmd.DisconnectCommand(self, _neuron(src), _neuron(dst)))

    def set_weight(self, src, dst, value, merge=False):
        """Set a weight. With ``merge``, consecutive merging edits of the same
        edge (scroll-wheel nudges) become one undo step."""
        return self._push(cmd.SetWeightCommand(self, _neuron(src), _neuron(dst), value, merge))

    def set_bias(self, neuron, value, merge=False):
        return self._push(cmd.SetBiasCommand(self, _neuron(neuron), value, merge))

    def add_neuron(self, layer, index=None):
        return self._push(cmd.AddNeuronCommand(self, layer, index))

    def remove_neuron(self, layer, index):
        return self._push(cmd.RemoveNeuronCommand(self, layer, index))

    def insert_layer(self, index, size=NEW_LAYER_SIZE, activation=NEW_LAYER_ACTIVATION):
        return self._push(cmd.InsertLayerCommand(self, index, size, activation))

    def insert_layer_reason(self, index):
        """Why a new hidden layer cannot become layer ``index``, or None: the model's
        rule, asked by every menu and button that offers to insert one."""
        return self.network.check_insert_layer(index, NEW_LAYER_SIZE, NEW_LAYER_ACTIVATION)

    def remove_layer(self, index):
        return self._push(cmd.RemoveLayerCommand(self, index))

    def resize_layer(self, layer, size):
        """Grow or shrink a layer at its end: one undo step."""
        return self._push(cmd.ResizeLayerCommand(self, layer, size))

    def set_activation(self, layer, name):
        return self._push(cmd.SetActivationCommand(self, layer, name))

    def connect_layers(self, i, j):
        return self._push(cmd.ConnectLayersCommand(self, i, j))

    def disconnect_layers(self, i, j):
        return self._push(cmd.DisconnectLayersCommand(self, i, j))

    def move_neurons(self, moves, merge=False):
        """Move neurons to scene positions ``{(layer, index): (x, y)}``: one undo step.
        With ``merge``, consecutive merging moves of the same neurons (arrow-key
        nudges) become one undo step."""
        moves = {_neuron(k): (float(x), float(y)) for k, (x, y) in dict(moves).items()}
        return self._push(cmd.MoveNeuronsCommand(self, moves, merge))

    def delete_items(self, neurons=(), edges=()):
        """Delete neurons and edges in one undo step."""
        neurons = [_neuron(n) for n in neurons]
        edges = [(_neuron(s), _neuron(d)) for s, d in edges]
        return self._push(cmd.DeleteItemsCommand(self, neurons, edges))

    def clear_positions(self):
        """Forget every manual position: the automatic layout places all neurons."""
        return self._push(cmd.ClearPositionsCommand(self))

    def set_setting(self, name, value, merge=False):
        """Change one training setting (learning rate, loss, batch size...).
        With ``merge``, consecutive merging changes of the same setting
        (spin-box steps) become one undo step."""
        return self._push(cmd.SetSettingCommand(self, name, value, merge))

    def set_data(self, data, merge=False):
        """Replace the data description (a generator recipe or points). With
        ``merge``, consecutive merging changes of the same recipe settings
        (spin-box steps) become one undo step."""
        return self._push(cmd.SetDataCommand(self, data, merge))

    def set_hidden_width(self, layer, size):
        """Resize hidden ``layer`` to ``size`` neurons with fresh weights from the settings' seed
        (the Contributions tab's width slider), as one undo step."""
        return self._push(cmd.SetHiddenWidthCommand(self, layer, size, self.settings.seed))

    def import_data(self, data, fit=False, name=""):
        """Replace the data with ``data`` (inline points) in one undo step; with ``fit``,
        resize the input and output layers to it (``simulator.data_fit.fitted``)."""
        return self._push(cmd.ImportDataCommand(self, data, fit, name))

    def add_data_point(self, x, target):
        """Add a training point at inputs ``x`` with ``target`` (class index or value)."""
        return self._push(cmd.AddDataPointCommand(self, x, target))

    def add_data_points(self, points):
        """Add training points, each ``(x, target)``, in one undo step (a curve drawn in one stroke)."""
        return self._push(cmd.AddDataPointsCommand(self, points))

    def remove_data_point(self, which, row):
        """Take away row ``row`` of the ``"train"`` or ``"test"`` set."""
        return self._push(cmd.RemoveDataPointCommand(self, which, row))

    def move_data_point(self, which, row, x, target=None, drag=None):
        """Move row ``row`` of the ``"train"`` or ``"test"`` set to inputs ``x`` (and ``target``,
        if given); the moves of one ``drag`` (any object, the same for each) are one undo step."""
        return self._push(cmd.MoveDataPointCommand(self, which, row, x, target, drag))

    # ---------------------------------------------------------- file methods
    def new_project(self, project=None, path=None):
        """Replace everything with ``project`` (default: a small blank network); ``path``,
        the file it belongs to, if any (recovered work keeps its file, unsaved)."""
        self._install(project if project is not None else default_project())
        self._set_path(path)

    def open(self, path):
        """Load ``path``; on any error raise ProjectFileError and change nothing."""
        project = load_project(path)  # raises before anything here changes
        self._install(project)
        self._set_path(str(path))

    def save(self, path=None):
        """Save to ``path`` (default: the current path) and mark the document clean."""
        path = str(path) if path is not None else self.path
        if not path:
            raise SimulatorError("there is no file name to save to yet: use Save As")
        save_project(self.to_project(), path)
        self.undo_stack.setClean()
        self._set_path(path)

    def to_project(self):
        """A Project holding a copy of the current state, layout included."""
        layout = dict(self.project.layout or {})
        layout[LAYOUT_KEY] = [[l, i, x, y] for (l, i), (x, y) in sorted(self.positions.items())]
        return dataclasses.replace(self.project, network=self.network.copy(), layout=layout)

    # ------------------------------------------- helpers for ui/commands/
    def state(self):
        """A private copy of (network, positions) for a command to keep."""
        return self.network.copy(), dict(self.positions)

    def restore(self, state):
        """Put back a state kept by ``state()``, emitting what changed."""
        network, positions = state
        self.network.assign(network)
        moved = positions != self.positions
        self.positions = dict(positions)  # before the signals, so redraws see them
        self.changed(structure=True, positions=moved)

    def set_positions(self, positions):
        if positions != self.positions:
            self.positions = dict(positions)
            self.changed(positions=True)

    def changed(self, structure=False, values=False, positions=False, settings=False, data=False):
        """Emit the change signals, or remember them until the end of ``batch()``."""
        kinds = {k for k, on in (("structure", structure), ("values", values), ("positions", positions),
                                  ("settings", settings), ("data", data)) if on}
        if self._batch_depth:
            self._pending |= kinds
            return
        self._emit(kinds)

    @contextmanager
    def batch(self):
        """Collect change signals and emit each kind once at the end."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if not self._batch_depth:
                kinds, self._pending = self._pending, set()
                self._emit(kinds)

    def _emit(self, kinds):
        if "structure" in kinds:
            self.structure_changed.emit()
        elif "values" in kinds:  # a structure redraw restyles too
            self.values_changed.emit()
        if "positions" in kinds:
            self.positions_changed.emit()
        if "settings" in kinds:
            self.settings_changed.emit()
        if "data" in kinds:
            self.data_changed.emit()

    # -------------------------------------------------------------- internals
    def _push(self, command):
        # edit_guard (installed by the training controller) holds a running
        # training worker between two steps while the edit is made; before_push
        # lets it put the steps so far on the stack first, for edits that are made
        with (self.edit_guard() if self.edit_guard is not None else nullcontext()):
            try:
                command.prepare()
            except SimulatorError as error:
                self.message.emit(_sentence(str(error)))
                return False
            if command.is_noop():
                return True
            if self.before_push is not None:
                self.before_push(command)
            self.undo_stack.push(command)
        note = command.note()
        if note:
            self.message.emit(_sentence(note))
        return True

    def _install(self, project):
        self.undo_stack.clear()  # emits modified_changed(False) through cleanChanged if it was modified
        self.network.assign(project.network)
        self.project = dataclasses.replace(project, network=self.network)
        self.positions = positions_from_layout(project.layout, self.network)
        self.undo_stack.setClean()
        self.replacing = True
        try:
            self.project_replaced.emit()
            self.structure_changed.emit()
            self.positions_changed.emit()
            self.settings_changed.emit()
            self.data_changed.emit()
        finally:
            self.replacing = False

    def _set_path(self, path):
        if path != self.path:
            self.path = path
            self.path_changed.emit(path or "")

    def _on_clean_changed(self, clean):
        self.modified_changed.emit(not clean)


def positions_from_layout(layout, network):
    """Read manual positions from a project's layout block, skipping anything
    that does not name an existing neuron with two finite coordinates within
    ±MAX_POSITION."""
    out = {}
    entries = layout.get(LAYOUT_KEY) if isinstance(layout, dict) else None
    if not isinstance(entries, list):
        return out
    sizes = network.sizes
    for entry in entries:
        if not (isinstance(entry, (list, tuple)) and len(entry) == 4):
            continue
        layer, index, x, y = entry
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (layer, index)):
            continue
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                   and abs(v) <= MAX_POSITION for v in (x, y)):
            continue
        if 0 <= layer < len(sizes) and 0 <= index < sizes[layer]:
            out[(layer, index)] = (float(x), float(y))
    return out


def default_project():
    """A small blank project: 2-2-1 with XOR data (File > New)."""
    network = Network([2, 2, 1], ["tanh", "sigmoid"], seed=0)
    data = {"recipe": {"generator": "xor", "n": 4, "noise": 0.0, "seed": 0}}
    return Project(network=network, data=data, settings=TrainingSettings(), layout={},
                   title="Untitled", description="")


def _neuron(value):
    layer, index = value
    return int(layer), int(index)


def _basename(path):
    import os
    return os.path.basename(path)


__all__ = ["Document", "EditError", "positions_from_layout", "default_project", "LAYOUT_KEY", "UNDO_LIMIT"]
