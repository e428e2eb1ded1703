#!/bin/sh
# Gets a machine ready for `.venv/bin/python -m pip install -e .`:
#   1. the system libraries Qt needs, if any are missing (desktops have them;
#      a bare Debian or Ubuntu server, container or CI machine may not);
#   2. a virtual environment in .venv, next to this project. Debian 12 and
#      Ubuntu 24.04 refuse `pip install` into the system Python (PEP 668,
#      "externally-managed-environment"), so the app lives in its own
#      environment; on Debian and Ubuntu that needs the python3-venv package.
# Run it again at any time: it does only what is still missing. It never
# installs anything with pip into the system Python.
set -eu

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

say() { echo "setup.sh: $*"; }

apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        return 1
    fi
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            say "cannot install $* without root or sudo; ask an administrator to run: apt-get install $*"
            exit 1
        fi
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ---------------------------------------------------------------- Python itself
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    say "python3 is not installed: install Python 3.11 or newer (on Debian or Ubuntu: apt-get install python3 python3-venv)"
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    say "Backprop Studio needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -c 'import platform; print(platform.python_version())')"
    exit 1
fi

# ---------------------------------------------------------------- Qt's libraries
missing=$("$PYTHON" - <<'PY'
import ctypes.util
for lib in ("EGL", "GL", "xkbcommon", "fontconfig", "dbus-1", "glib-2.0", "X11"):
    if not ctypes.util.find_library(lib):
        print(lib)
PY
)
if [ -n "$missing" ]; then
    say "Qt needs system libraries that are missing: $(echo $missing | tr '\n' ' ')"
    if ! apt_install libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
            libglib2.0-0 libx11-6 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
            libxcb-render-util0 libxcb-xkb1 libxcb-shape0 libxcb-randr0; then
        say "install them with your system's package manager (OpenGL/EGL, xkbcommon, fontconfig, dbus, glib), then run this again"
        exit 1
    fi
fi

# ---------------------------------------------------------------- the virtual environment
if .venv/bin/python -m pip --version >/dev/null 2>&1; then
    exit 0
fi
# Debian and Ubuntu ship venv's pip bootstrap (ensurepip) separately, in python3-venv.
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    say "creating .venv needs the python3-venv package; installing it"
    if ! apt_install python3-venv; then
        say "install your system's venv package for $PYTHON (it provides ensurepip), then run this again"
        exit 1
    fi
fi
if [ -x .venv/bin/python ] && .venv/bin/python -c pass >/dev/null 2>&1; then
    # an environment without pip (made by another tool, or an earlier attempt
    # that stopped for want of python3-venv): add pip, keep everything else
    .venv/bin/python -m ensurepip --upgrade >/dev/null
    say "added pip to the virtual environment .venv"
else
    "$PYTHON" -m venv .venv
    say "created the virtual environment .venv (the app and its libraries go there, not into the system Python)"
fi
