"""Shared test set-up. Qt must run without a display, so the platform is set
before anything can create a QApplication.

No test writes outside pytest's temporary folders: for the whole session the
error log, the configuration folder (where QSettings keep recent files and
window geometry) and the data folder (recovery copies) are private folders,
for the tests themselves and for every app or command line they start. The
UI tests narrow these further, to one folder per test (tests/ui/conftest.py).
"""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PRIVATE_FOLDERS = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


@pytest.fixture(autouse=True, scope="session")
def private_user_folders(tmp_path_factory):
    """Point the error log and the user's folders into a session temporary folder."""
    from ui.app import ERROR_LOG_VARIABLE

    root = tmp_path_factory.mktemp("user")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ERROR_LOG_VARIABLE, str(root / "backprop-studio-errors.log"))
        for name in PRIVATE_FOLDERS:
            patch.setenv(name, str(root / name.lower()))
        yield root
