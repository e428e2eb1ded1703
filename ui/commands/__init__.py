"""One QUndoCommand per kind of edit (``values.py``, ``structure.py``).

The Document builds a command, calls ``prepare()`` (which checks the edit
against the current model and raises SimulatorError with a reason if it is
refused, changing nothing) and only then pushes it. The command's ``redo``
and ``undo`` change the model and tell the document what changed. The rules
are the model's: a command asks the network (or the settings, or the dataset
builder) and passes its reason on, never checks on its own.

Two ways to be exact:

- Value edits and simple ones (weights, biases, settings, data, activations,
  one edge, positions) keep the old and the new value; the first four share
  ``SetValueCommand``.
- A training run (``training.py``) keeps the training state before and after.
- Structural edits (neurons, layers, whole blocks, deletions) keep the
  network and the manual positions before and after. The "after" state is
  computed on a copy in ``prepare``, so redo replays exactly the random
  weights the first time drew. Two copies per step is why the document
  limits its undo stack (``document.UNDO_LIMIT``).
"""

from .base import DocumentCommand, SetValueCommand
from .data import ImportDataCommand
from .points import AddDataPointCommand, AddDataPointsCommand, MoveDataPointCommand, RemoveDataPointCommand
from .structure import (AddNeuronCommand, ConnectLayersCommand, DeleteItemsCommand, DisconnectLayersCommand,
                        InsertLayerCommand, RemoveLayerCommand, RemoveNeuronCommand, ResizeLayerCommand,
                        rewire_note)
from .training import TrainCommand, train_text
from .values import (ClearPositionsCommand, ConnectCommand, DisconnectCommand, MoveNeuronsCommand,
                     SetActivationCommand, SetBiasCommand, SetDataCommand, SetSettingCommand, SetWeightCommand,
                     setting_label)
from .width import SetHiddenWidthCommand

__all__ = ["AddDataPointCommand", "AddDataPointsCommand", "AddNeuronCommand", "ClearPositionsCommand", "ConnectCommand", "ConnectLayersCommand",
           "DeleteItemsCommand", "DisconnectCommand", "DisconnectLayersCommand", "DocumentCommand", "ImportDataCommand",
           "MoveDataPointCommand", "RemoveDataPointCommand",
           "InsertLayerCommand", "MoveNeuronsCommand", "RemoveLayerCommand", "RemoveNeuronCommand",
           "ResizeLayerCommand", "SetActivationCommand", "SetBiasCommand", "SetDataCommand", "SetHiddenWidthCommand", "SetSettingCommand",
           "SetValueCommand", "SetWeightCommand", "TrainCommand", "rewire_note", "setting_label", "train_text"]
