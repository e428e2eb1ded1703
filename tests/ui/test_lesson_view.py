"""A project's lesson text never makes the app read anything else: no local
files, no devices, no FIFOs, no network; pictures only from the app's own
resources; a link opens only when clicked, and only a web link."""

import os
import resource
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextCursor, QTextDocument

from simulator.presets import make_preset
from simulator.project_file import save_project
from ui.lesson_view import LessonView

ROOT = Path(__file__).resolve().parents[2]


def picture(path, width=300, height=400):
    image = QImage(width, height, QImage.Format_RGB32)
    image.fill(QColor("tomato"))
    assert image.save(str(path))
    return path


@pytest.fixture
def lesson(qtbot, tmp_path):
    """A shown LessonView whose resources are tmp/resources; opened links are recorded."""
    resources = tmp_path / "resources"
    resources.mkdir()
    opened, messages = [], []
    view = LessonView(resources, open_url=opened.append)
    view.message.connect(messages.append)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    view.opened, view.messages, view.folder = opened, messages, resources
    return view


def shown_height(view, markdown):
    view.show_lesson("Title", markdown)
    view.document().setTextWidth(580)
    return view.document().size().height()


def test_a_picture_from_the_apps_resources_is_shown(lesson):
    picture(lesson.folder / "neuron.png")
    assert shown_height(lesson, "![a neuron](neuron.png)") > 400
    assert lesson.refused == []


def test_a_picture_anywhere_else_is_not_read(lesson, tmp_path, monkeypatch):
    outside = picture(tmp_path / "outside.png")
    monkeypatch.chdir(tmp_path)  # a relative name must not read the folder the app started in
    (lesson.folder / "link.png").symlink_to(outside)
    for markdown in (f"![x]({outside})", f"![x](file://{outside})", "![x](outside.png)",
                     "![x](../outside.png)", "![x](link.png)", f'<img src="{outside}">'):
        assert shown_height(lesson, markdown) < 100, markdown
    assert len(set(lesson.refused)) == 5  # the <img> names the first picture again


def test_a_large_local_file_is_refused_unread(lesson, tmp_path):
    big = tmp_path / "big.png"
    with open(big, "wb") as f:
        f.truncate(200 * 2**20)  # sparse: 200 MB to read, none on disk
    assert shown_height(lesson, f"![x]({big})") < 100
    assert lesson.refused == [str(big)]


def test_devices_and_data_addresses_are_refused(lesson):
    data = "data:image/png;base64," + "A" * 64
    assert shown_height(lesson, f"![z](/dev/zero) ![u](/dev/urandom) ![d]({data})") < 100
    assert lesson.refused[:2] == ["/dev/zero", "/dev/urandom"] and len(lesson.refused) == 3


def test_a_remote_picture_is_never_fetched(lesson):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.3)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/x.png"
    try:
        assert shown_height(lesson, f"![remote]({url})\n\n<link rel=stylesheet href='{url}'>") < 100
        with pytest.raises(socket.timeout):
            server.accept()
    finally:
        server.close()
    assert url in lesson.refused


def click_link(qtbot, view, text):
    """Click the middle of the first occurrence of ``text``."""
    cursor = view.document().find(text, 0, QTextDocument.FindCaseSensitively | QTextDocument.FindWholeWords)
    assert not cursor.isNull()
    cursor.setPosition(cursor.selectionStart() + len(text) // 2, QTextCursor.MoveAnchor)
    point = view.cursorRect(cursor).center() + QPoint(1, 0)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=point)


def test_a_web_link_opens_in_the_browser_when_clicked(qtbot, lesson):
    lesson.show_lesson("Links", "Read [the guide](https://example.org/guide) first.")
    assert lesson.opened == []  # nothing opens by itself
    click_link(qtbot, lesson, "the guide")
    assert lesson.opened == [QUrl("https://example.org/guide")]
    assert lesson.source() == QUrl()  # the lesson text stays where it was


@pytest.mark.parametrize("target", ["file:///etc/passwd", "/dev/zero", "notes.json", "ftp://example.org/x",
                                    "javascript:alert(1)"])
def test_any_other_link_does_nothing_and_says_why(qtbot, lesson, target):
    lesson.show_lesson("Links", f"A [link]({target}) here.")
    click_link(qtbot, lesson, "link")
    assert lesson.opened == []
    assert lesson.refused == []  # and nothing was read to show it
    assert lesson.messages and "only web (http or https) links" in lesson.messages[-1]
    assert "A link here." in lesson.toPlainText()


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def test_opening_a_hostile_project_in_the_app_neither_hangs_nor_crashes(tmp_path):
    """The real start-up path draws the window, lesson text included, for each file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in ("/dev/zero", "/dev/urandom", str(fifo)):
        project = make_preset("mlp-xor")
        project.description = f"Look: ![x]({target}) and <img src='{target}'>"
        path = tmp_path / "hostile.json"
        save_project(project, path)
        shot = tmp_path / "shot.png"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
                   XDG_CONFIG_HOME=str(tmp_path / "config"))
        try:
            result = subprocess.run([sys.executable, "main.py", "--screenshot", str(shot), str(path)],
                                    cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                                    preexec_fn=_limit_memory)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the window hung on a description naming {target}")
        assert result.returncode == 0, (target, result.stderr)
        assert QImage(str(shot)).width() == 1400
