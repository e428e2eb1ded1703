"""The base classes of the document's undo commands."""

from __future__ import annotations

import weakref

from PySide6.QtGui import QUndoCommand


class DocumentCommand(QUndoCommand):
    """A command on a Document.

    Subclasses implement ``prepare`` (check and record; raise to refuse),
    ``redo`` and ``undo``.
    """

    def __init__(self, doc, text):
        super().__init__(text)
        # Weak: the document owns the undo stack that owns this command. A
        # strong reference would make a cycle, and when the garbage collector
        # breaks it the stack's C++ destructor runs over half-freed Python
        # commands and crashes.
        self._doc = weakref.ref(doc)

    @property
    def doc(self):
        return self._doc()

    def prepare(self):
        """Check the edit against the current model; raise SimulatorError to refuse."""

    def is_noop(self):
        """True if the edit would change nothing (the document then pushes nothing)."""
        return False

    def note(self):
        """Something the edit did that the person did not ask for, to say in the
        status bar once it is made; or None."""
        return None

    def can_merge(self, other):
        """True if ``other`` (pushed next) would merge into this command (``mergeWith``)."""
        return False


class SetValueCommand(DocumentCommand):
    """Replace one value, keeping the old and the new one.

    Subclasses say where the value lives (``read``, ``write``) and how a new
    one is checked (``check``: the model's own rules; it raises with the
    reason). ``target`` names what the value belongs to. With ``merge``,
    consecutive merging edits of the same target (wheel nudges, spin-box
    steps) become one undo step.
    """

    MERGE_ID = -1  # each subclass its own, so only edits of one kind merge

    def __init__(self, doc, text, target, value, merge=False):
        super().__init__(doc, text)
        self.target, self.value, self.merge = target, value, merge
        self.old = self.new = None

    def read(self):
        """The current value (raise EditError if the target does not exist)."""
        raise NotImplementedError

    def write(self, value):
        """Put ``value`` into the model and tell the document what changed."""
        raise NotImplementedError

    def check(self, value):
        """``value`` as the model would store it; raise SimulatorError to refuse."""
        return value

    def same(self, a, b):
        return a == b

    def prepare(self):
        self.old = self.read()
        self.new = self.check(self.value)

    def is_noop(self):
        return self.same(self.new, self.old)

    def id(self):
        return self.MERGE_ID if self.merge else -1

    def can_merge(self, other):
        return type(other) is type(self) and other.merge and other.target == self.target

    def mergeWith(self, other):
        if not self.can_merge(other):
            return False
        self.new = other.new
        self.setObsolete(self.same(self.new, self.old))
        return True

    def redo(self):
        self.write(self.new)

    def undo(self):
        self.write(self.old)
