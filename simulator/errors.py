"""Exceptions the simulator raises for anything a person got wrong.

Every message is meant to be shown to a person as it is: it says what is
wrong and, where it can, where. The place travels as data too: ``field``
names the setting or the file's JSON path the error is about, and
``reason`` is the message without it, so no one has to parse the text.
"""


class SimulatorError(ValueError):
    """Base class: bad input, refused edit, malformed file.

    Parameters
    ----------
    reason : str
        What is wrong, without the field's name.
    field : str, optional
        What it is about: a setting (``learning_rate``) or a JSON path
        (``network.edges[0].weights``).
    label : str, optional
        How to name the field in the message, if not as ``field``
        (``learning rate`` in the settings panel).

    ``str(error)`` is ``"<label or field>: <reason>"``, or the reason alone.
    """

    def __init__(self, reason="", field=None, label=None):
        self.reason, self.field, self.label = reason, field or None, label
        name = label or field
        super().__init__(f"{name}: {reason}" if name else reason)


class EditError(SimulatorError):
    """An edit to a network was refused; the network is unchanged."""


class DatasetError(SimulatorError):
    """A dataset recipe or a CSV file could not be used.

    ``line`` (1-based, the header counted) and ``column`` (0-based position)
    say where in a CSV file the problem is, when it is at one place; else None.
    """

    def __init__(self, reason="", field=None, label=None, line=None, column=None):
        super().__init__(reason, field, label)
        self.line, self.column = line, column


class ProjectFileError(SimulatorError):
    """A project file is malformed; ``field`` (also ``path``) is the JSON path
    of the offending value, as the keys are written in the file."""

    def __init__(self, message, path=""):
        super().__init__(message, path)

    @property
    def path(self):
        return self.field or ""


class TrainingError(SimulatorError):
    """Training cannot go on (for example the loss became NaN)."""


class DivergenceError(TrainingError):
    """The loss became NaN or infinite; the weights are back to the last finite ones.

    ``str(error)`` is the whole explanation (one sentence pair, no field
    prefix). ``field`` names what to change as a setting (``learning_rate``,
    ``l1``, ``l2``, ``epsilon``, ``precision``), ``data`` or ``network``.

    Attributes
    ----------
    loss : float
        The non-finite loss.
    step : int
        The step (from 1) whose loss it was.
    kept_step : int
        The step whose weights were put back.
    """

    def __init__(self, reason, field=None, loss=float("nan"), step=0, kept_step=0):
        super().__init__(reason, field)
        self.args = (reason,)  # the message alone: it already says what to change
        self.loss, self.step, self.kept_step = loss, step, kept_step

    def __str__(self):
        return self.reason


class Problem(str):
    """Why a project cannot be trained yet: a sentence that also carries its field.

    A ``str`` (``"training.loss: ..."``), so it prints and joins like any
    message; ``field`` (``"training.loss"``, or None) and ``reason`` are the
    parts, for views that name the place their own way.
    """

    def __new__(cls, reason, field=None):
        self = super().__new__(cls, f"{field}: {reason}" if field else reason)
        self.reason, self.field = reason, field or None
        return self

    @classmethod
    def of(cls, error):
        """The problem an error describes, keeping its field."""
        return cls(error.reason, error.field) if isinstance(error, SimulatorError) else cls(str(error))
