"""Fixtures for the UI tests.

- Every test gets a private QSettings location and data folder, so no test
  reads or writes the real user configuration or recovery copies.
- A test that leaves a QThread running or a QTimer active fails (after
  napari's ``_dangling_qthreads`` / ``_dangling_qtimers``): a leaked thread or
  timer would fire into the next test, or into a deleted widget.
- A test during which Qt warns of an object used from the wrong thread fails
  (``pytest_runtest_call``): that object would crash a later test.
- ``canvas`` builds a shown network view on a fresh document (helpers for
  mouse gestures on it are in ``canvas_support.py``).
- ``trained`` builds a document on a lesson with its training controller.
"""

import gc
import traceback
import weakref

import pytest

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QThread, QTimer

from simulator.network import Network
from simulator.presets import make_preset
from tests.ui.canvas_support import make_doc
from ui.document import Document
from ui.network_view import NetworkView
from ui.training.controller import TrainingController


CROSS_THREAD = ("another thread", "different thread")
"""Words of Qt's warnings about an object used from a thread it does not live in."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test during which Qt warned that an object was used from the wrong thread.

    Such a warning is the only trace of a crash to come: a QTimer stopped or
    freed from another thread stays registered, and fires into freed memory in
    whichever test runs when it is due.
    """
    result = yield
    capture = getattr(item, "qt_log_capture", None)  # none with --no-qt-log
    wrong = [rec.message for rec in capture.records
             if any(words in rec.message for words in CROSS_THREAD)] if capture is not None else []
    if wrong:
        pytest.fail("Qt used an object from the wrong thread (connect a worker's signals to a QObject "
                    "in the UI thread, never to a plain callable):\n" + "\n".join(wrong), pytrace=False)
    return result


@pytest.fixture(autouse=True)
def private_settings(tmp_path):
    """Point QSettings (INI format, both scopes) at a temporary folder."""
    folder = tmp_path / "settings"
    folder.mkdir()
    for scope in (QSettings.UserScope, QSettings.SystemScope):
        QSettings.setPath(QSettings.IniFormat, scope, str(folder))
        QSettings.setPath(QSettings.NativeFormat, scope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path, monkeypatch):
    """Point the user's data folder (recovery copies) at a temporary folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    yield folder


def _where():
    return "".join(traceback.format_stack(limit=6)[:-2])


def _flush_deletions():
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
        QCoreApplication.processEvents()
    gc.collect()


def _alive(check):
    try:
        return check()
    except RuntimeError:  # the C++ object is already deleted
        return False


@pytest.fixture(autouse=True)
def no_dangling_threads_or_timers(monkeypatch, qapp):
    """Fail the test if it leaves a QThread running or a QTimer active.

    Set up before ``qtbot`` (it does not request it), so it is checked after
    pytest-qt has closed the test's widgets.
    """
    threads = weakref.WeakKeyDictionary()
    timers = weakref.WeakKeyDictionary()
    single_shots = []

    thread_start = QThread.start

    def start_thread(self, *args):
        threads[self] = _where()
        return thread_start(self, *args)

    timer_start = QTimer.start

    def start_timer(self, *args):
        timers[self] = _where()
        return timer_start(self, *args)

    single_shot = QTimer.singleShot

    def start_single_shot(*args):
        # singleShot(msec, callable) or singleShot(msec, receiver, slot)
        record = {"done": False, "where": _where(), "msec": args[0]}
        single_shots.append(record)
        *head, target = args
        if callable(target) and len(args) == 2:
            def fire(target=target):
                record["done"] = True
                target()
            return single_shot(head[0], fire)
        record["done"] = True  # receiver-bound: Qt cancels it with the receiver
        return single_shot(*args)

    monkeypatch.setattr(QThread, "start", start_thread)
    monkeypatch.setattr(QTimer, "start", start_timer)
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(start_single_shot))
    yield
    _flush_deletions()
    problems = []
    for thread, where in list(threads.items()):
        if _alive(thread.isRunning):
            problems.append(f"a QThread is still running; it was started at:\n{where}")
    for timer, where in list(timers.items()):
        if _alive(timer.isActive):
            problems.append(f"a QTimer is still active; it was started at:\n{where}")
    for record in single_shots:
        if not record["done"] and record["msec"] > 0:
            problems.append(f"a QTimer.singleShot has not fired yet; it was set at:\n{record['where']}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def canvas(qtbot):
    """A shown view on 2-4-1 with edge x1 -> h1 removed and a recorder of messages."""
    documents = []

    def build(network=None):
        if network is None:
            network = Network([2, 4, 1], seed=3)
            network.disconnect((0, 0), (1, 0))
        doc = make_doc(network)
        view = NetworkView(doc)
        qtbot.addWidget(view)
        view.resize(800, 600)
        view.show()
        qtbot.waitExposed(view)
        view.messages = []
        doc.message.connect(view.messages.append)
        documents.append(doc)
        return view, view.scene(), doc

    yield build
    for doc in documents:  # from Qt's side, at once
        doc.deleteLater()


@pytest.fixture
def trained(qtbot):
    """``build(lesson="spiral", **settings)``: a document on a lesson and its training
    controller; every controller built is stopped at the end."""
    made = []

    def build(lesson="spiral", **settings):
        project = make_preset(lesson)
        for key, value in settings.items():
            setattr(project.settings, key, value)
        doc = Document(project)
        controller = TrainingController(doc)
        made.append(controller)
        return doc, controller

    yield build
    for controller in made:
        controller.stop()
