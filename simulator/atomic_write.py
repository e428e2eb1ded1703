"""Replacing a file so that its path always holds the complete old or the complete new bytes.

The bytes go to a temporary file beside the target, are flushed and synced,
and the temporary file is renamed over the target; then the folder is synced
so the rename itself survives a crash. A symbolic link is written through, to
the file it points at, so the link stays a link and its target gets the new
bytes. Anything at the path that is not a regular file (a folder, a FIFO, a
device) is refused untouched. Temporary files that a killed save left behind
are removed by the next save of the same file. A save in progress holds a lock
on its temporary file, so two saves of one file at once never remove each
other's temporary file.
"""

import hashlib
import os

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; leftovers are then removed only when old
    fcntl = None
import time
import re
import secrets
import stat

from .errors import ProjectFileError

_SUFFIX = ".tmp"
_TOKEN_CHARS = 8  # hex digits of the random part of a temporary name


def write_atomically(path, body):
    """Replace the file at ``path`` (or the file its symbolic link points at) with ``body``.

    The replaced file keeps its permission bits; a new file gets the
    default ones (0o666 less the umask).

    Raises
    ------
    ProjectFileError
        If the path is a folder or anything else that is not a regular file,
        or the file cannot be written. The old file is then untouched and
        no temporary file is left.
    """
    name = os.fspath(path)
    target = os.path.realpath(name)  # through every link, to the file itself
    folder, base = os.path.split(target)
    mode = _existing_mode(name, target)
    remove_leftovers(folder, base)
    temp = None
    try:
        fd, temp = create_temp(folder, base)
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.chmod(temp, mode)
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
            os.replace(temp, target)  # while the lock is held: no other save takes it for a leftover
            temp = None
        _sync_folder(folder)
    except OSError as exc:
        raise ProjectFileError(f"cannot save {name}: {exc.strerror or exc}") from exc
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass


def _existing_mode(name, target):
    """The permission bits of the regular file at ``target``; None if there is none yet."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:  # e.g. a loop of links, or a folder on the way that is a file
        raise ProjectFileError(f"cannot save {name}: {exc.strerror or exc}") from exc
    if stat.S_ISREG(info.st_mode):
        return stat.S_IMODE(info.st_mode)
    kind = ("a folder" if stat.S_ISDIR(info.st_mode) else
            "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else
            "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
            "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
    shown = name if target == os.path.abspath(name) else f"{name} (which leads to {target})"
    raise ProjectFileError(f"cannot save {shown}: it is {kind}, not a file; choose another name")


def temp_stem(folder, base):
    """The part of a temporary file's name that is the same for every save of ``base``.

    ``.BASE`` when a temporary name built on it fits within the folder's
    limit on name length; otherwise as much of BASE as fits, followed by a
    hash of the whole name, so two long names never share temporary files.
    """
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        limit = 255
    extra = 1 + 1 + _TOKEN_CHARS + len(_SUFFIX)  # ".", ".", the token, ".tmp"
    if len(os.fsencode(base)) + extra <= limit:
        return "." + base
    digest = "~" + hashlib.sha256(os.fsencode(base)).hexdigest()[:12]
    room = limit - extra - len(digest)
    short = os.fsencode(base)[:room].decode(errors="ignore") if room > 0 else ""
    return "." + short + digest


def create_temp(folder, base):
    """Open a new temporary file for a save of ``base`` in ``folder``: (descriptor, path).

    The file is locked for as long as the descriptor is open, so that
    ``remove_leftovers`` run by another save leaves it alone.
    """
    stem = temp_stem(folder, base)
    for _ in range(100):
        temp = os.path.join(folder, f"{stem}.{secrets.token_hex(_TOKEN_CHARS // 2)}{_SUFFIX}")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        if _lock(fd, wait=True) and os.fstat(fd).st_nlink > 0:
            return fd, temp
        os.close(fd)  # another save took it for a leftover between open and lock: try again
    raise FileExistsError(f"no free temporary file name in {folder}")


def _lock(fd, wait):
    """Take the lock on an open temporary file; False if another save holds it."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


_UNLOCKED_AGE = 3600  # seconds; where there are no locks, only leftovers this old go


def remove_leftovers(folder, base):
    """Remove the temporary files of earlier saves of ``base`` that were killed before renaming.

    A temporary file another save is still writing is locked and stays.
    """
    pattern = re.compile(re.escape(temp_stem(folder, base)) + rf"\.[0-9a-f]{{{_TOKEN_CHARS}}}"
                         + re.escape(_SUFFIX))
    try:
        names = os.listdir(folder)
    except OSError:
        return  # the save itself will say what is wrong with the folder
    for entry in names:
        if pattern.fullmatch(entry):
            _remove_if_abandoned(os.path.join(folder, entry))


def _remove_if_abandoned(leftover):
    try:
        fd = os.open(leftover, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return  # another save removed it, or it is not ours to remove
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return
        if fcntl is None and time.time() - info.st_mtime < _UNLOCKED_AGE:
            return
        if _lock(fd, wait=False):  # nobody is writing it: a killed save's
            os.unlink(leftover)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sync_folder(folder):
    """Make the rename itself durable where the system allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
