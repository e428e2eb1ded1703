"""The freedesktop.org desktop entry and icon that put the app in a Linux
desktop's applications menu (``backprop-studio --install-desktop-entry``).

No Qt here: the entry is plain text and the icon a file copied as it is.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

APP_ID = "backprop-studio"  # the .desktop file's name, the icon's name and Qt's desktopFileName
ICON_FILE = Path(__file__).resolve().parent / "resources" / f"{APP_ID}.svg"


def launch_command(argv0=None, python=None):
    """The command that starts this app as it was started now, as a list.

    Started through the installed ``backprop-studio`` script (pip, pipx), the
    script's absolute path; started as ``python main.py``, the interpreter and
    main.py's absolute path.
    """
    argv0 = sys.argv[0] if argv0 is None else argv0
    python = sys.executable if python is None else python
    if argv0 and os.path.basename(argv0) == APP_ID:
        found = argv0 if os.sep in argv0 else shutil.which(argv0)
        if found:
            return [os.path.abspath(found)]
    main = Path(__file__).resolve().parent.parent / "main.py"
    return [os.path.abspath(python), str(main)]


def _quote(arg):
    """One argument of an Exec line, quoted as the Desktop Entry Specification asks."""
    escaped = arg
    for char in ("\\", '"', "`", "$"):
        escaped = escaped.replace(char, "\\" + char)
    escaped = escaped.replace("%", "%%")
    return f'"{escaped}"'


def entry_text(command):
    """The text of ``backprop-studio.desktop`` for starting ``command`` (a list)."""
    exec_line = " ".join(_quote(arg) for arg in command) + " %f"
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=Backprop Studio",
        "GenericName=Neural Network Simulator",
        "Comment=Build a neural network by dragging nodes and edges, train it, and watch what happens inside",
        f"Exec={exec_line}",
        f"TryExec={command[0]}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Education;ArtificialIntelligence;",
        "Keywords=neural network;backpropagation;deep learning;machine learning;gradient;",
        "StartupNotify=true",
        f"StartupWMClass={APP_ID}",
        "",
    ])


def data_home():
    """``$XDG_DATA_HOME``, or ~/.local/share."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def install(command=None, data_dir=None):
    """Write the desktop entry and the icon; return the two paths written.

    Parameters
    ----------
    command : list of str, optional
        What the entry starts; by default the way this process was started.
    data_dir : Path, optional
        Where ``applications/`` and ``icons/`` go; by default ``data_home()``.

    Raises
    ------
    OSError
        A folder cannot be made or a file cannot be written.
    """
    data_dir = data_home() if data_dir is None else Path(data_dir)
    command = launch_command() if command is None else command
    entry = data_dir / "applications" / f"{APP_ID}.desktop"
    icon = data_dir / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    entry.parent.mkdir(parents=True, exist_ok=True)
    icon.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ICON_FILE, icon)
    entry.write_text(entry_text(command), encoding="utf-8")
    return entry, icon
