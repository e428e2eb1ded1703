"""Files the command line writes: checked before any work, written whole after it.

A command checks every output path first (``check_output``, ``refuse_same``),
so a bad ``--log`` or ``--out`` is refused before training changes anything.
The training log is streamed to a temporary file beside its target as the
steps run, and only renamed over the target once the project is saved too.
"""

import csv
import os
import secrets
import stat

from ..atomic_write import create_temp, remove_leftovers
from ..errors import SimulatorError


def check_output(path, option):
    """Refuse ``path`` unless a file can be written there; return the path to write.

    The folder must exist and be writable (tried with a temporary file that is
    removed at once); an existing target must be a regular file. A symbolic
    link is followed, so the file it points to is the one replaced.

    Raises
    ------
    SimulatorError
        Naming ``option`` or ``path`` and saying what to change.
    """
    if not path:
        raise SimulatorError(f"{option} needs a file name")
    try:
        real = os.path.realpath(path)
        info = _stat(real)
    except ValueError:  # a NUL character
        raise SimulatorError(f"{option}: {path!r} is not a file name") from None
    except OSError as exc:
        raise SimulatorError(f"cannot write {path}: {_reason(exc)}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise SimulatorError(f"cannot write {path}: it is a folder; give {option} a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise SimulatorError(f"cannot write {path}: it is not a regular file (a device or a pipe); "
                             f"give {option} a file name")
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        raise SimulatorError(f"cannot write {path}: there is no folder {os.path.dirname(path) or folder}")
    try:
        # a probe of its own name: the target's temporary names mean a save is under way
        probe = os.path.join(folder, f".backprop-studio-probe.{secrets.token_hex(4)}.tmp")
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise SimulatorError(f"cannot write {path}: {_reason(exc)}") from None
    os.unlink(probe)
    return real


def refuse_same(output, option, others):
    """Refuse an output that is the same file as one of ``others``.

    ``others`` is a list of (path, what) pairs, e.g. ("p.json", "the project
    being trained"). Names, symbolic links and hard links are all compared.
    """
    for other, what in others:
        if other is not None and _same_file(output, other):
            raise SimulatorError(f"{option} {output} is {what} ({other}); give {option} a file of its own")


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # one does not exist yet: compare where they would be
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def _stat(path):
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _reason(exc):
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror.lower() if exc.strerror else str(exc)


class StreamedCSV:
    """A CSV file written row by row to a temporary file, then put in place whole.

    Parameters
    ----------
    path : str
        The name the person gave (for messages).
    real : str
        The file to replace, from ``check_output``.
    header : sequence of str
    """

    def __init__(self, path, real, header):
        self.path, self._real = path, real
        try:
            fd, self._temp = create_temp(*os.path.split(real))
        except OSError as exc:
            raise SimulatorError(f"cannot write {path}: {_reason(exc)}") from None
        try:
            try:
                mode = stat.S_IMODE(os.stat(real).st_mode)
            except OSError:
                mode = None  # a new file keeps the default permissions
            if mode is not None:
                os.chmod(self._temp, mode)
            self._file = os.fdopen(fd, "w", newline="", encoding="utf-8")
        except BaseException as exc:  # the temporary file goes with the failure, whatever it is
            os.close(fd)
            os.unlink(self._temp)
            if isinstance(exc, OSError):
                raise SimulatorError(f"cannot write {path}: {_reason(exc)}") from None
            raise
        self._writer = csv.writer(self._file)
        self._writer.writerow(header)
        self.rows = 0

    def write(self, row):
        """Append one row; NaN is written as an empty cell."""
        self._writer.writerow(["" if v != v else v for v in row])
        self.rows += 1

    def commit(self):
        """Flush to disk and replace the target with the finished file."""
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            os.replace(self._temp, self._real)  # before closing: the lock keeps it ours
            self._temp = None
            self._file.close()
        except OSError as exc:
            raise SimulatorError(f"cannot write {self.path}: {_reason(exc)}") from None
        remove_leftovers(*os.path.split(self._real))

    def discard(self):
        """Remove the temporary file unless it was committed."""
        self._file.close()
        if self._temp is not None:
            try:
                os.unlink(self._temp)
            except OSError:
                pass
            self._temp = None
