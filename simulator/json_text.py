"""A project file's bytes into plain JSON values, safely and in time linear in its size.

The bytes are read only from a regular file no larger than ``MAX_FILE_BYTES``,
must be UTF-8, and are parsed by ``json`` and nothing else. Before the parse,
one linear pass over the bytes (regular expressions and NumPy, no Python loop
per character) measures what the parse would build: how deeply lists and
objects nest, how many lists and objects there are, and how many strings. A
file past any of those limits is refused before a single object is built, so
a file under the size limit can neither recurse deeply nor fill memory with
millions of small objects. Every problem is a ``ProjectFileError``.
"""

import codecs
import json
import os
import re
import stat
import sys

import numpy as np

from .errors import ProjectFileError
from .limits import MAX_CONTAINERS, MAX_FILE_BYTES, MAX_NESTING, MAX_STRINGS
from .json_checks import NonFinite, fail, show

# A string runs to its closing quote or, left open, to the end of the text.
# Without the second choice the engine would retry from every later quote of
# an unterminated string, which is quadratic in its length.
_STRING = r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)'
_STRING_BYTES = re.compile(_STRING.encode(), re.DOTALL)
_CHUNK = 1 << 20

_CONSTANTS = {name: NonFinite(name) for name in ("NaN", "Infinity", "-Infinity")}
"""One marker per literal, shared: a file of a million NaNs costs no memory for them."""

_WIDE = [(codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")]


# -------------------------------------------------------------------- bytes
def read_bytes(name):
    """At most MAX_FILE_BYTES bytes of ``name``, after checking it is a regular file of allowed size."""
    problem = None
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            problem = "it is a folder, not a project file"
        elif not stat.S_ISREG(info.st_mode):
            problem = "it is not a regular file"
        elif info.st_size <= MAX_FILE_BYTES:
            with open(name, "rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        problem = "there is no such file"
    except PermissionError:
        problem = "permission denied"
    except OSError as exc:
        problem = exc.strerror or str(exc)
    except ValueError:  # a NUL character in the name
        fail("", f"{name!r} is not a file name")
    if problem:
        fail("", f"cannot open {name}: {problem}")
    _check_size(name, info.st_size)
    _check_size(name, len(raw))  # the file may have grown since
    return raw


def _check_size(name, size):
    if size > MAX_FILE_BYTES:
        fail("", f"{name} is {size / 2**20:.1f} MB; project files are limited to "
                 f"{MAX_FILE_BYTES // 2**20} MB")


def wide_encoding(raw):
    """"UTF-16" or "UTF-32" if ``raw`` is JSON saved in that encoding, else None.

    By its byte order mark, or without one by where the zero bytes fall
    around the first character, which JSON keeps in ASCII (RFC 4627, section 3).
    """
    for bom, name in _WIDE:  # UTF-32 first: its little-endian mark starts with UTF-16's
        if raw.startswith(bom):
            return name
    if len(raw) < 4:
        return None
    zero = [b == 0 for b in raw[:4]]
    if zero in ([True, True, True, False], [False, True, True, True]):
        return "UTF-32"
    if zero in ([True, False, True, False], [False, True, False, True]):
        return "UTF-16"
    return None


def decode(raw, name):
    """The text of ``raw``: UTF-8, a byte order mark at the start skipped."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    else:
        wide = wide_encoding(raw)
        if wide:
            fail("", f"{name} is saved as {wide} text; project files are UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail("", f"{name} is not a project file: byte {exc.start} is not UTF-8 text "
                 "(the file is binary or damaged)")


# --------------------------------------------------------------------- scan
def measure(raw):
    """(nesting depth, lists and objects, strings) of the JSON in ``raw`` bytes, without parsing it.

    Linear in ``len(raw)``: one regular expression takes out the strings (at
    most ``MAX_STRINGS + 1`` of them: past that the count is all that
    matters), ``bytes.translate`` keeps only the brackets, and NumPy sums
    them in chunks. Up to the first byte that makes the text invalid JSON,
    the figures are what a parse would build; beyond it the parse stops.
    """
    outside, strings = _STRING_BYTES.subn(b"", raw, count=MAX_STRINGS + 1)
    if strings > MAX_STRINGS:
        return 0, 0, strings
    brackets = outside.translate(None, _NOT_BRACKETS)
    del outside
    codes = np.frombuffer(brackets, dtype=np.uint8)
    depth = deepest = 0
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        opening = (chunk == _OPEN_LIST) | (chunk == _OPEN_OBJECT)
        levels = np.cumsum(opening.view(np.int8) * 2 - 1, dtype=np.int64) + depth
        deepest = max(deepest, int(levels.max()))
        depth = int(levels[-1])
    return deepest, brackets.count(b"[") + brackets.count(b"{"), strings


_OPEN_LIST, _OPEN_OBJECT = ord("["), ord("{")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def load_json(name):
    """The JSON values in file ``name``: read, decoded, measured, then parsed."""
    raw = read_bytes(name)
    text = decode(raw, name)
    if not text.strip():
        fail("", "the file is empty")
    check_measures(raw)
    del raw  # not needed during the parse, which is when memory peaks
    return _loads(text)


def parse_json(text):
    """Parse JSON ``text`` safely, after measuring it.

    NaN and Infinity literals become ``NonFinite`` markers, so the checks can
    say where they were; a key twice in one object is refused.
    """
    if not text.strip():
        fail("", "the file is empty")
    check_measures(text.encode("utf-8", "surrogatepass"))
    return _loads(text)


def check_measures(raw):
    """Refuse JSON ``raw`` bytes that nest too deeply or would build too many lists, objects or strings."""
    depth, containers, strings = measure(raw)
    if depth > MAX_NESTING:
        fail("", f"lists and objects are nested {depth} levels deep; at most {MAX_NESTING} are allowed")
    if containers > MAX_CONTAINERS:
        fail("", f"the file holds {containers:,} lists and objects; at most {MAX_CONTAINERS:,} "
                 "are allowed")
    if strings > MAX_STRINGS:
        fail("", f"the file holds more than {MAX_STRINGS:,} strings (keys included), "
                 "the most allowed")


def _loads(text):
    try:
        return json.loads(text, parse_constant=_CONSTANTS.__getitem__, object_pairs_hook=_object)
    except ProjectFileError:
        raise
    except json.JSONDecodeError as exc:
        fail("", f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}")
    except (ValueError, RecursionError) as exc:
        fail("", f"not valid JSON: {_long_number(text) or exc}")


def _long_number(text):
    """Where ``text`` has a number too long for Python to read, in words; None if it has none."""
    limit = sys.get_int_max_str_digits()
    if not limit:
        return None
    pattern = re.compile(f"{_STRING}|-?([0-9]{{{limit + 1},}})", re.DOTALL)
    for match in pattern.finditer(text):
        if match.group(1):
            start = match.start()
            line = text.count("\n", 0, start) + 1
            column = start - text.rfind("\n", 0, start)
            return (f"line {line}, column {column}: a number {len(match.group(1)):,} digits long; "
                    f"a number may have at most {limit:,} digits")
    return None


def _object(pairs):
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        fail("", f"the key {show(key)} appears twice in one object; each key may appear only once")
    return out
