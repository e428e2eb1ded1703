"""Start the app: arguments, QApplication, error handling, screenshots.

    backprop-studio [FILE]                      (installed by pip; or python main.py)
    backprop-studio --screenshot OUT.png [FILE]
    backprop-studio --install-desktop-entry     (adds the app to the desktop's menu)

Any problem before the window can be up (bad arguments, no display to show
it on, a screenshot that cannot be written or of a file that cannot be opened)
is one line on stderr and exit status 2. A file that cannot be opened in the
window is explained in a dialog over the window, which opens the default
lesson instead. Once the window is up, an unexpected error is logged and shown
in a dialog; no traceback ever reaches a person.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import traceback

EXIT_ERROR = 2
SCREENSHOT_SIZE = (1400, 900)
DEFAULT_LESSON = "mlp-xor"
PROG = "backprop-studio"


class UsageError(Exception):
    """Bad command-line arguments."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print usage and exit; we want one line
        raise UsageError(message)


def parse_args(argv):
    parser = _Parser(prog=PROG, description="Build a neural network by dragging nodes and edges.")
    parser.add_argument("file", nargs="?", help="a project file to open")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="draw the main window at 1400x900 into OUT.png and exit")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add Backprop Studio, with its icon, to the desktop's applications menu and exit")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the app; return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parse_args(argv)
    except UsageError as error:
        return _fail(f"{error} (usage: {_command()} [--screenshot OUT.png] [--install-desktop-entry] [FILE])")
    if args.install_desktop_entry:
        return _install_desktop_entry()
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from . import qt_problem
    problem = qt_problem() or _display_problem(args)
    if problem:
        return _fail(problem)
    try:
        return _run(args)
    except Exception as error:  # the last line of defence: one line, never a traceback
        _log(traceback.format_exc())
        return _fail(f"unexpected problem: {_plain(error)}")


def _run(args):
    from PySide6.QtWidgets import QApplication

    from .recent import APPLICATION, ORGANIZATION

    _quiet_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else PROG])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    from .desktop_entry import APP_ID
    from .icons import app_icon
    from .theme import follow_system_theme
    app.setDesktopFileName(APP_ID)  # Wayland matches the window to the desktop entry's icon by this
    app.setWindowIcon(app_icon())
    follow_system_theme(app)
    errors = install_excepthook(interactive=not args.screenshot)

    from .main_window import MainWindow

    if args.screenshot:
        document, lesson, problem = _document(args.file)
        if problem:
            return _fail(problem)
        window = MainWindow(document, remember=False)
        if lesson is not None:
            window.mark_lesson(lesson)
        return _screenshot(app, window, args.screenshot, errors)
    window = open_window(args.file)
    from .recovery import offer_orphans
    offer_orphans(window)  # unsaved work from a session that crashed or was killed
    return app.exec()


def open_window(path=None, dialogs=None):
    """Show the main window on ``path`` (None: the default lesson) and return it.

    A file that cannot be opened does not stop the app: the window opens on
    the default lesson and, once it shows, a dialog says what is wrong with
    the file (``dialogs.show_error``, as File > Open does).
    """
    from PySide6.QtCore import QTimer

    from simulator import training_process

    from .main_window import MainWindow

    document, lesson, problem = _document(path)
    window = MainWindow(document, dialogs=dialogs)
    if lesson is not None:
        window.mark_lesson(lesson)
    def after_paint():
        window.build_plot_views()
        training_process.warm()  # the helper process long runs train in: ready before Play is pressed

    _after_first_paint(window, after_paint)
    window.show()
    window.fit()
    if problem:
        def explain():
            window.dialogs.show_error("Could not open the file", f"\u201c{os.path.basename(path)}\u201d could not "
                                      "be opened, so Backprop Studio opened a lesson instead.", _sentence(problem))
        QTimer.singleShot(0, window, explain)  # over the window, once it is on screen
    return window


def _document(path):
    """(document, lesson name or None, problem or None): ``path`` opened, else the default lesson."""
    from simulator.errors import SimulatorError
    from simulator.presets import make_preset

    from .document import Document

    document = Document(make_preset(DEFAULT_LESSON))
    if not path:
        return document, DEFAULT_LESSON, None
    try:
        document.open(path)
    except (SimulatorError, OSError, ValueError) as error:
        text = _plain(error)  # the file's own messages mostly name it already
        return document, DEFAULT_LESSON, text if path in text else f"cannot open {path}: {text}"
    return document, None, None


def _display_problem(args):
    """Why no window can be shown (Linux without a display), or None.

    Qt would abort the process; a person gets one line instead, which names
    the file's own problem first if it has one."""
    if args.screenshot or not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if args.file:
        from simulator.errors import SimulatorError
        from simulator.project_file import load_project
        try:
            load_project(args.file)
        except (SimulatorError, OSError, ValueError) as error:
            text = _plain(error)
            return text if args.file in text else f"cannot open {args.file}: {text}"
    return ("there is no display to show the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): "
            "run it on a desktop, or set QT_QPA_PLATFORM=offscreen, or use --screenshot OUT.png")


def _sentence(text):
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _install_desktop_entry():
    from .desktop_entry import install
    try:
        entry, icon = install()
    except OSError as error:
        return _fail(f"cannot install the desktop entry: {_plain(error)}")
    print(f"Installed {entry} and the icon {icon}; Backprop Studio is in the applications menu "
          "(log out and in again if it does not show yet).")
    return 0


def _after_first_paint(window, build):
    """Run ``build`` once the window has painted itself for the first time.

    The window appears without waiting for what only the Plots dock needs
    (pyqtgraph and the plots, about half of the start-up time); they follow
    at once, in the same event loop, before the person can do anything.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                window.removeEventFilter(self)
                # after the paint pass is drawn and shown, not inside it
                QTimer.singleShot(0, build)
                self.deleteLater()
            return False

    window.installEventFilter(FirstPaint(window))


def _screenshot(app, window, path, errors):
    width, height = SCREENSHOT_SIZE
    window.build_plot_views()
    window.resize(width, height)
    window.show()
    for _ in range(3):
        app.processEvents()
    _show_a_neuron(window)
    window.fit()
    app.processEvents()
    image = window.grab().toImage()
    if (image.width(), image.height()) != SCREENSHOT_SIZE:
        image = image.scaled(width, height)
    window.document.undo_stack.setClean()  # nothing to save: close without asking
    ok = image.save(path)
    window.close()
    if not ok:
        return _fail(f"cannot write the screenshot to {path}: check the folder exists and the name "
                     "ends in .png")
    if errors:
        return _fail(f"the window could not be drawn: {errors[0]}")
    return 0


def _show_a_neuron(window):
    """Select the first hidden neuron so the picture shows the inspector at work."""
    scene, net = window.view.scene(), window.document.network
    if net.n_layers > 2:
        scene.select_only(neurons=[(1, 0)])


# ------------------------------------------------------------ error handling
def _quiet_qt_messages():
    """Keep Qt's own chatter (e.g. the offscreen platform's "does not support
    propagateSizeHints") off the person's terminal; serious messages still show."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind, context, message):
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            print(f"{PROG}: Qt: {message}", file=sys.stderr)
        elif os.environ.get("BACKPROP_STUDIO_DEBUG"):
            print(f"{PROG}: Qt: {message}", file=sys.stderr)

    qInstallMessageHandler(handler)


def install_excepthook(interactive=True):
    """Route uncaught exceptions to a log file and a plain message.

    Returns the list the one-line messages are appended to.
    """
    messages = []
    showing = []

    def hook(exc_type, error, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            from PySide6.QtWidgets import QApplication
            QApplication.quit()
            return
        where = _log("".join(traceback.format_exception(exc_type, error, tb)))
        text = _plain(error)
        messages.append(text)
        if not interactive or showing or threading.current_thread() is not threading.main_thread():
            print(f"{PROG}: {text}", file=sys.stderr)
            return
        from PySide6.QtWidgets import QMessageBox
        showing.append(True)
        try:
            QMessageBox.critical(None, "Something went wrong",
                                 f"Backprop Studio ran into a problem: {text}\n\n"
                                 "Your project is still open; saving it under a new name is a good idea. "
                                 f"The details were written to {where}.")
        finally:
            showing.clear()

    sys.excepthook = hook
    threading.excepthook = lambda a: hook(a.exc_type, a.exc_value, a.exc_traceback)
    return messages


ERROR_LOG_VARIABLE = "BACKPROP_STUDIO_ERROR_LOG"
"""The environment variable that, when set, names the error log instead (the tests set it)."""


def error_log_path():
    """Where unexpected errors are logged: ``$BACKPROP_STUDIO_ERROR_LOG``, else
    backprop-studio-errors.log in the temporary folder (the crash dialog names it)."""
    return os.environ.get(ERROR_LOG_VARIABLE) or os.path.join(tempfile.gettempdir(), "backprop-studio-errors.log")


def _log(text):
    """Append ``text`` to the error log; return its path."""
    path = error_log_path()
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(text.rstrip() + "\n\n")
    except OSError:
        pass
    return path


def _plain(error):
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _command():
    """How the person started the app, for the usage line."""
    started = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return "python main.py" if started == "main.py" else PROG


def _fail(message):
    print(f"{PROG}: {message}", file=sys.stderr)
    return EXIT_ERROR
