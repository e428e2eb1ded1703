"""The fixtures of tests/conftest.py and tests/ui/conftest.py do what they promise:
a leaked timer or thread fails the test, and QSettings, the data folder and the
error log never reach the real user's."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

LEAKY_TESTS = '''
from PySide6.QtCore import QThread, QTimer

def test_leaves_a_timer(qapp):
    global timer
    timer = QTimer()
    timer.start(10_000)

def test_leaves_a_thread(qapp):
    global thread
    thread = QThread()
    thread.start()

def test_stops_its_timer(qapp):
    timer = QTimer()
    timer.start(10_000)
    timer.stop()
'''


def test_leaked_timer_or_thread_fails_the_test(tmp_path):
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_leaks.py").write_text(LEAKY_TESTS)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    out = result.stdout
    assert "QTimer is still active" in out and "QThread is still running" in out, out
    assert "2 errors" in out, out  # the leaky two fail at teardown; the tidy one does not
    assert "test_stops_its_timer" not in out.split("short test summary info")[-1], out
    assert result.returncode != 0


def test_settings_are_private(private_settings):
    settings = QSettings(QSettings.IniFormat, QSettings.UserScope, "Backprop Studio", "Backprop Studio")
    assert Path(settings.fileName()).is_relative_to(private_settings)


def test_the_error_log_is_in_the_temporary_folder_unless_named(monkeypatch):
    import tempfile

    from ui.app import ERROR_LOG_VARIABLE, error_log_path
    monkeypatch.delenv(ERROR_LOG_VARIABLE)
    assert error_log_path() == os.path.join(tempfile.gettempdir(), "backprop-studio-errors.log")


def test_tests_keep_the_error_log_and_user_folders_private(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    from ui.app import ERROR_LOG_VARIABLE
    for name in (ERROR_LOG_VARIABLE, "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        assert Path(os.environ[name]).is_relative_to(base), name

