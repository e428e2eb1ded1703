"""Shared test set-up. Qt must run without a display, so the platform is set
before anything can create a QApplication."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
