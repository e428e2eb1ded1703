#!/bin/sh
# Installs the system libraries Qt needs, if any are missing. Desktops have
# them already; a bare Debian or Ubuntu machine (a server, a container, CI)
# may not. Does nothing when everything is there.
set -eu

missing_libs() {
    python3 - <<'PY'
import ctypes.util
for lib in ("EGL", "GL", "xkbcommon", "fontconfig", "dbus-1", "glib-2.0", "X11"):
    if not ctypes.util.find_library(lib):
        print(lib)
PY
}

missing=$(missing_libs)
[ -z "$missing" ] && exit 0

echo "Qt needs system libraries that are missing: $(echo $missing | tr '\n' ' ')"
packages="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 libx11-6 \
libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxcb-shape0 libxcb-randr0"
if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
else
    echo "Install them with your system's package manager (OpenGL/EGL, xkbcommon, fontconfig, dbus, glib), then run this again."
    exit 1
fi
