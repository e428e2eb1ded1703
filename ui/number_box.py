"""A spin box that shows a number exactly as the model holds it.

QDoubleSpinBox rounds every value to a fixed number of decimals, so a file's
learning rate of 1e-7 or momentum of 0.99995 would show, and on the next
arrow click be written back, rounded. ``NumberBox`` keeps the value as set
and shows its shortest exact digits ("0.99995", "1e-07").
"""

from __future__ import annotations

import math

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox

_NO_ROUNDING = 323  # Qt's largest number of decimals: it then keeps every double as set
_NUMBER_CHARS = set("0123456789.eE+-")


def below(limit):
    """The largest float below ``limit``: the top of a range open at ``limit`` ("less than 1")."""
    return math.nextafter(limit, -math.inf)


def format_number(value):
    """The shortest text that reads back as exactly ``value``: "0.5", "0.9999", "1e-07"."""
    return repr(float(value))


class NumberBox(QDoubleSpinBox):
    """A number from ``lo`` to ``hi`` (both allowed), shown exactly.

    The arrows add ``step``; with ``adaptive`` they add a tenth of the
    value's order of magnitude instead (0.5 -> 0.51, 0.001 -> 0.0011), so a
    value that must stay above 0 never reaches it. Arrow results are rounded
    to 12 significant digits, so steps never show as 0.30000000000000004.
    """

    def __init__(self, lo, hi, step, tip="", adaptive=False):
        super().__init__()
        self.setDecimals(_NO_ROUNDING)
        self.setRange(lo, hi)
        self.setSingleStep(step)
        self.adaptive = adaptive
        self.setKeyboardTracking(False)  # one edit per Enter or arrow step, not per keystroke
        self.setToolTip(tip)

    def textFromValue(self, value):
        return format_number(value)

    def valueFromText(self, text):
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text, pos):
        plain = text.strip().replace(",", ".")
        try:
            value = float(plain)
        except ValueError:  # "", "-", "1e": the person is still typing
            state = QValidator.Intermediate if set(plain) <= _NUMBER_CHARS else QValidator.Invalid
            return state, text, pos
        if not math.isfinite(value):
            return QValidator.Invalid, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.Acceptable if ok else QValidator.Intermediate), text, pos

    def stepBy(self, steps):
        value = self.value()
        new = float(f"{value + steps * self._step(value, steps):.12g}")
        self.setValue(min(max(new, self.minimum()), self.maximum()))
        self.selectAll()

    def _step(self, value, steps):
        if not self.adaptive or value == 0:
            return self.singleStep()
        order = math.floor(math.log10(abs(value)))
        if steps * value < 0 and abs(value) == 10.0 ** order:
            order -= 1  # down from 0.1: to 0.099, not 0.09
        return 10.0 ** (order - 1)


OFF = "off"


class OptionalNumberBox(NumberBox):
    """A number that may also be "off" (no number), like a run's target loss.

    The box's minimum stands for off: it shows "off", and "off" (any case) or
    an empty field typed and confirmed turn it off; the empty field shows
    "off" as its placeholder. ``number()`` is the value, or None when off.
    A suffix (" %") may follow the number.
    """

    def __init__(self, off, hi, step, tip="", adaptive=False, suffix=""):
        super().__init__(off, hi, step, tip, adaptive)
        self.setSuffix(suffix)
        self.setSpecialValueText(OFF)
        self.lineEdit().setPlaceholderText(OFF)
        self.setValue(off)

    def number(self):
        """The value, or None when the box is off."""
        return None if self.value() == self.minimum() else self.value()

    def set_number(self, value):
        """Show ``value``, or off for None."""
        self.setValue(self.minimum() if value is None else value)

    def _plain(self, text):
        plain = text.strip()
        suffix = self.suffix().strip()
        if suffix and plain.endswith(suffix):
            plain = plain[:-len(suffix)].strip()
        return plain

    def _is_off(self, plain):
        return plain.lower() in ("", OFF)

    def validate(self, text, pos):
        plain = self._plain(text)
        if self._is_off(plain):
            return QValidator.Acceptable, text, pos
        if OFF.startswith(plain.lower()):  # "o", "of": on the way to "off"
            return QValidator.Intermediate, text, pos
        state, _, _ = super().validate(plain, pos)
        return state, text, pos

    def valueFromText(self, text):
        plain = self._plain(text)
        if self._is_off(plain):
            return self.minimum()
        return super().valueFromText(plain)

    def fixup(self, text):
        return OFF if self._is_off(self._plain(text)) else text
