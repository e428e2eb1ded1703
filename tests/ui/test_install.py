"""Installing and starting like a desktop app: the README's commands and the
virtual environment, the desktop entry and icon, Help > About, the theme, and
a window that appears before pyqtgraph is loaded."""

import configparser
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy
import PySide6
import pytest
from PySide6.QtCore import QSize, qVersion
from PySide6.QtGui import QPalette

from simulator.presets import make_preset
from tests.ui.test_main_window import FakeDialogs
from ui import desktop_entry, icons, theme
from ui.app import _after_first_paint
from ui.document import Document
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def readme_commands():
    """The shell commands of the README's first two code blocks (install and run, install and test)."""
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    return [block.strip() for block in blocks[:2]]


# ------------------------------------------------------------ the README's commands
def test_the_readme_commands_pip_install_only_into_the_projects_virtual_environment():
    for command in readme_commands():
        assert command.startswith("sh scripts/setup.sh && ")
        for step in command.split("&&"):
            words = shlex.split(step)
            if "pip" in words:  # PEP 668 systems refuse a bare `pip install` or `python3 -m pip install`
                assert words[0] == ".venv/bin/python" and words[1:3] == ["-m", "pip"], step
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert not re.search(r"^[^#]*\bpip3? install", setup, re.M)


def test_ci_runs_the_readmes_test_command_verbatim():
    test_command = readme_commands()[1]
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_setup_makes_a_virtual_environment_with_pip_and_a_second_run_keeps_it(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    env = dict(os.environ, PYTHON=sys.executable)
    first = subprocess.run(["sh", "scripts/setup.sh"], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "created the virtual environment .venv" in first.stdout
    python = tmp_path / ".venv" / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import sys; print(sys.prefix != sys.base_prefix)"],
                           capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == "True"  # a real virtual environment, not the system Python
    assert subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True, timeout=120).returncode == 0
    marker = tmp_path / ".venv" / "kept"
    marker.write_text("")
    again = subprocess.run(["sh", "scripts/setup.sh"], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0 and again.stdout == "" and marker.exists()


# ------------------------------------------------------------ desktop entry and icon
def read_entry(path):
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_entry_is_valid_and_starts_the_command_it_was_given(tmp_path):
    command = ["/home/ada lovelace/.local/bin/backprop-studio"]
    entry_path, icon_path = desktop_entry.install(command, data_dir=tmp_path)
    assert entry_path == tmp_path / "applications" / "backprop-studio.desktop"
    entry = read_entry(entry_path)
    assert entry["Type"] == "Application" and entry["Name"] == "Backprop Studio"
    assert shlex.split(entry["Exec"]) == command + ["%f"]  # the space survives quoting
    assert entry["Icon"] == "backprop-studio"
    assert icon_path == tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "backprop-studio.svg"
    assert icon_path.read_bytes() == icons.APP_ICON_FILE.read_bytes()
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(entry_path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_install_desktop_entry_option_writes_an_entry_for_a_command_that_exists(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "--install-desktop-entry"], env=env,
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "applications menu" in r.stdout
    entry = read_entry(tmp_path / "applications" / "backprop-studio.desktop")
    program, script, placeholder = shlex.split(entry["Exec"])
    assert Path(program).samefile(sys.executable) and Path(script).samefile(ROOT / "main.py")
    assert placeholder == "%f"


def test_the_app_icon_loads_and_is_drawn(qapp):
    icon = icons.app_icon()
    assert not icon.isNull()
    image = icon.pixmap(QSize(64, 64)).toImage()
    assert image.width() == 64
    opaque = sum(image.pixelColor(x, y).alpha() > 200 for x in range(0, 64, 4) for y in range(0, 64, 4))
    assert opaque > 150  # most of the 16 x 16 samples land on the tile


def test_toolbar_icons_are_sharp_at_twice_the_pixel_density(qapp):
    pixmap = icons.icon("undo").pixmap(QSize(32, 32), 2.0)
    assert pixmap.devicePixelRatio() == 2.0
    assert (pixmap.width(), pixmap.height()) == (64, 64)  # drawn at 64 px, not 32 scaled up


# ------------------------------------------------------------ Help > About
def test_about_names_the_versions_of_python_qt_pyside_numpy_and_pyqtgraph(qtbot):
    from importlib import metadata

    dialogs = FakeDialogs()
    window = MainWindow(Document(make_preset("mlp-xor")), dialogs=dialogs, remember=False)
    qtbot.addWidget(window)
    window.acts.about.trigger()
    title, text = dialogs.infos[-1]
    assert title == "About Backprop Studio"
    for name, version in (("Python", platform.python_version()), ("Qt", qVersion()),
                          ("PySide6", PySide6.__version__), ("NumPy", numpy.__version__),
                          ("pyqtgraph", metadata.version("pyqtgraph"))):
        assert re.search(rf"<td>{name}</td><td>&nbsp;{re.escape(version)}</td>", text), name


# ------------------------------------------------------------ light and dark
@pytest.fixture
def palette(qapp):
    """Set the app's palette for one test, and put the original back."""
    original = QPalette(qapp.palette())
    yield qapp.setPalette
    qapp.setPalette(original)


@pytest.mark.parametrize("dark", [False, True])
def test_the_theme_reaches_the_canvas_and_the_plots(qtbot, palette, dark):
    palette(theme.dark_palette() if dark else QPalette(theme.LIGHT_CANVAS))
    assert theme.is_dark() == dark
    window = MainWindow(Document(make_preset("mlp-xor")), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(window)
    canvas = window.view.backgroundBrush().color()
    plot = window.loss_plot.graphics.backgroundBrush().color()
    axis_text = window.loss_plot.loss_plot.getAxis("bottom").textPen().color()
    neuron_plot = window.inspector.plot.plot.backgroundBrush().color()
    if dark:
        assert canvas.lightness() < 100 and plot.lightness() < 60 and neuron_plot.lightness() < 60
        assert axis_text.lightness() > 160  # light text on the dark plot
    else:
        assert canvas.lightness() == 255 and plot.lightness() == 255 and neuron_plot.lightness() == 255
        assert axis_text.lightness() < 100


def test_a_dark_system_scheme_with_a_light_palette_gets_the_dark_palette(qapp, palette, monkeypatch):
    from PySide6.QtCore import Qt

    hints = qapp.styleHints()
    monkeypatch.setattr(type(hints), "colorScheme", lambda self: Qt.ColorScheme.Dark)
    palette(QPalette(theme.LIGHT_CANVAS))
    theme.follow_system_theme(qapp)
    try:
        assert qapp.palette().color(QPalette.Window).lightness() < 80
        assert qapp.palette().color(QPalette.WindowText).lightness() > 200
    finally:
        hints.colorSchemeChanged.disconnect()


# ------------------------------------------------------------ start-up
def test_the_window_is_made_and_shown_without_importing_pyqtgraph():
    code = ("import sys\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "from ui.main_window import MainWindow\n"
            "window = MainWindow(remember=False)\n"
            "window.show(); app.processEvents()\n"
            "print('pyqtgraph' in sys.modules)\n"
            "window.loss_plot\n"
            "print('pyqtgraph' in sys.modules)\n"
            "window.document.undo_stack.setClean(); window.close()\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                       cwd=ROOT)
    assert r.stdout.split() == ["False", "True"], r.stderr


def test_the_plots_are_built_right_after_the_first_paint(qtbot):
    window = MainWindow(Document(make_preset("mlp-xor")), dialogs=FakeDialogs(), remember=False)
    qtbot.addWidget(window)
    _after_first_paint(window, window.build_plot_views)
    assert window._plot_views is None
    window.show()
    qtbot.waitUntil(lambda: window._plot_views is not None, timeout=10000)
    assert window.plot_tabs.tabText(0) == "Loss"
    qtbot.waitUntil(window.training_views.isVisible, timeout=10000)  # shown in the Plots dock


def test_about_shows_the_checkouts_version_when_not_installed(qtbot, monkeypatch, tmp_path):
    import tomllib
    from importlib import metadata

    from ui import help_text

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(help_text.metadata, "version", not_installed)
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert help_text.app_version() == expected
    dialogs = FakeDialogs()
    window = MainWindow(Document(make_preset("mlp-xor")), dialogs=dialogs, remember=False)
    qtbot.addWidget(window)
    window.acts.about.trigger()
    assert f"<h3>Backprop Studio {expected}</h3>" in dialogs.infos[-1][1]
    # installed without the checkout beside it: the metadata; neither: no number, and no error
    assert help_text.app_version(tmp_path / "missing.toml") == ""
    (tmp_path / "other.toml").write_text('[project]\nname = "something-else"\nversion = "9"\n')
    assert help_text.app_version(tmp_path / "other.toml") == ""
