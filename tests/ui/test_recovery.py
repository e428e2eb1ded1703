"""Crash recovery: unsaved work is copied to the data folder shortly after each
edit, offered again after a crash or kill -9, and removed by a save or a normal
close; windows and running apps never touch each other's copies."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.presets import make_preset
from simulator.project_file import load_project, save_project
from ui import recovery
from ui.document import Document
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


class Answers:
    """Dialogs that answer at once: ``restore`` is what ask_restore says."""

    def __init__(self, restore="restore"):
        self.restore = restore
        self.offers, self.errors = [], []

    def ask_restore(self, name, saved, original=""):
        self.offers.append((name, original))
        return self.restore

    def ask_save_changes(self, name):
        return "discard"

    def show_error(self, title, text, details=""):
        self.errors.append((title, text, details))


@pytest.fixture
def window(qtbot):
    def build(dialogs=None, project="mlp-xor"):
        win = MainWindow(Document(make_preset(project)), dialogs=dialogs or Answers())
        qtbot.addWidget(win)
        return win
    return build


def copies(folder):
    return sorted(p.name for p in Path(folder).glob("*.json"))


def test_a_copy_is_written_shortly_after_the_last_edit(window, qtbot):
    win = window()
    rec = win.recovery
    assert Path(rec.folder).is_relative_to(Path(os.environ["XDG_DATA_HOME"]))  # the data folder, not the file's
    win.document.add_neuron(1)
    assert not rec.path.exists()  # not at once: a burst of edits is written once
    qtbot.wait(300)
    win.document.set_setting("learning_rate", 0.25)
    # each edit restarts the wait
    assert rec._timer.isActive() and rec._timer.remainingTime() > recovery.DELAY_MS - 250
    qtbot.waitUntil(rec.path.exists, timeout=recovery.DELAY_MS + 3000)
    saved = load_project(rec.path)
    assert saved.network.sizes == [2, 5, 1] and saved.settings.learning_rate == 0.25
    assert not [p for p in rec.folder.iterdir() if p.name.endswith(".tmp")]


def test_saving_undoing_to_the_saved_state_and_closing_remove_the_copy(window, tmp_path):
    win = window()
    rec = win.recovery
    win.document.add_neuron(1)
    assert rec.save_now() and rec.path.exists()
    win.document.undo_stack.undo()  # back to the state on disk: nothing to recover
    assert not rec.path.exists()
    win.document.add_neuron(1)
    rec.save_now()
    win.document.save(tmp_path / "p.json")
    assert not rec.path.exists()
    win.document.add_neuron(1)
    rec.save_now()
    win.close()
    assert copies(rec.folder) == [] and not (rec.folder / f"{rec.id}.lock").exists()


def test_two_windows_keep_separate_copies_and_never_offer_each_others(window):
    first, second = window(), window(project="circles")
    for win in (first, second):
        win.document.add_neuron(1)
        assert win.recovery.save_now()
    assert first.recovery.path != second.recovery.path
    assert len(copies(first.recovery.folder)) == 2
    assert recovery.orphans(first.recovery.folder) == []  # both owners are alive
    first.close()
    assert copies(first.recovery.folder) == [second.recovery.path.name]
    assert load_project(second.recovery.path).title == make_preset("circles").title


CHILD = """
import sys
from PySide6.QtWidgets import QApplication
from ui.recent import APPLICATION, ORGANIZATION
app = QApplication([])
app.setOrganizationName(ORGANIZATION)
app.setApplicationName(APPLICATION)
from ui.main_window import MainWindow
window = MainWindow()
window.show()
window.open_path(sys.argv[1])
window.document.add_neuron(1)
window.document.set_setting("learning_rate", 0.125)
def written():
    if window.recovery.path.exists():
        print(window.recovery.folder, flush=True)
window.recovery._timer.timeout.connect(written)
app.exec()
"""


def start_child(tmp_path, original):
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(CHILD))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    return subprocess.Popen([sys.executable, str(script), str(original)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read_line(child, timeout=60):
    """The child's first line of output, waiting at most ``timeout`` seconds."""
    import selectors
    with selectors.DefaultSelector() as sel:
        sel.register(child.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            child.kill()
            pytest.fail(f"the app wrote no recovery copy within {timeout} s: {child.stderr.read()[-500:]}")
    return child.stdout.readline().strip()


def test_after_kill_9_the_next_start_offers_the_work_back(window, tmp_path):
    original = tmp_path / "xor.json"
    save_project(make_preset("mlp-xor"), original)
    before = original.read_bytes()
    child = start_child(tmp_path, original)
    try:
        folder = Path(read_line(child))
        assert folder.is_relative_to(tmp_path / "data") and len(copies(folder)) == 1
        assert recovery.orphans(folder) == []  # its app is still running: not offered
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    answers = Answers("restore")
    win = window(answers)
    assert recovery.offer_orphans(win, folder)
    assert answers.offers == [("xor.json", str(original))]
    doc = win.document
    assert doc.network.sizes == [2, 5, 1] and doc.settings.learning_rate == 0.125
    assert doc.is_modified() and doc.path == str(original)  # unsaved, and Save goes back to its file
    assert win.windowTitle().startswith("xor.json*")
    assert original.read_bytes() == before
    # this window's copy took over; the orphan is gone and is not offered twice
    assert win.recovery.path.exists() and copies(folder) == []
    assert recovery.orphans(folder) == []
    win.save()
    assert not win.recovery.path.exists() and load_project(original).network.sizes == [2, 5, 1]


def orphan_in(folder, title):
    """A copy left by a window whose process is gone (no live lock)."""
    folder.mkdir(parents=True, exist_ok=True)
    project = make_preset("mlp-xor")
    project.title = title
    copy_id = os.urandom(16).hex()
    save_project(project, folder / f"{copy_id}.json")
    return copy_id


def test_later_keeps_the_copy_for_the_next_start_and_discard_removes_it(window, tmp_path):
    folder = tmp_path / "copies"
    orphan_in(folder, "Kept")
    win = window(Answers("later"))
    assert not recovery.offer_orphans(win, folder)
    assert len(copies(folder)) == 1 and not win.document.is_modified()
    win.dialogs.restore = "discard"
    assert not recovery.offer_orphans(win, folder)
    assert copies(folder) == [] and len(win.dialogs.offers) == 2


def test_a_damaged_copy_is_reported_kept_and_the_document_untouched(window, tmp_path):
    folder = tmp_path / "copies"
    copy_id = orphan_in(folder, "Broken")
    (folder / f"{copy_id}.json").write_text('{"format": "backprop-studio-project", "version": 1')
    win = window()
    assert not recovery.offer_orphans(win, folder)
    assert win.dialogs.errors and win.document.title == make_preset("mlp-xor").title
    assert (folder / f"{copy_id}.json").exists()


def test_the_copy_waits_while_training_runs_and_is_written_once_it_pauses(window, qtbot):
    win = window(project="spiral")
    rec, c = win.recovery, win.training
    win.document.add_neuron(1)
    touched = []
    to_project = win.document.to_project
    win.document.to_project = lambda: (touched.append(c.running), to_project())[1]
    c.play()
    qtbot.waitUntil(lambda: c.current_step > 20, timeout=20000)
    win.document.set_setting("learning_rate", 0.05)  # an edit during the run: the timer starts
    assert not rec.save_now()  # the worker owns the network: no copy now
    assert not rec.path.exists() and rec._timer.isActive() and touched == []
    c.pause()
    qtbot.waitUntil(rec.path.exists, timeout=recovery.DELAY_MS + 3000)
    assert touched and not any(touched)
    saved = load_project(rec.path)
    assert saved.training_state.step == c.trainer.steps
    assert saved.network.sizes == win.document.network.sizes
