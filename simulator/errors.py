"""Exceptions the simulator raises for anything a person got wrong.

Every message is meant to be shown to a person as it is: it says what is
wrong and, where it can, where.
"""


class SimulatorError(ValueError):
    """Base class: bad input, refused edit, malformed file."""


class EditError(SimulatorError):
    """An edit to a network was refused; the network is unchanged."""


class DatasetError(SimulatorError):
    """A dataset recipe or a CSV file could not be used."""


class ProjectFileError(SimulatorError):
    """A project file is malformed; ``path`` names the offending field."""

    def __init__(self, message, path=""):
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class TrainingError(SimulatorError):
    """Training cannot go on (for example the loss became NaN)."""
