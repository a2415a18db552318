"""briefgen's file primitives: reading files it does not own safely, and writing its own atomically.

Reading files briefgen does not own — corpus articles, config files, topic models:

Every such file is opened for reading only and without blocking, checked to be a regular file
on the opened descriptor (a named pipe or a device is refused, never waited on: no window
between a check and the open), and read up to a size limit, so that memory is bounded by the
smaller of the file and the limit.

Under a corpus folder (``root``) a file is opened only through the folder's real directories,
one component at a time with ``O_NOFOLLOW``: a symbolic link may point to another file inside
the corpus and is then followed, but a link that leaves the corpus is refused, and so is one
swapped in after the check.

:func:`printable` gives a path as text that can be printed, logged and serialised whatever
bytes its name holds.

Writing its own: :func:`write_new` (a new file, synced), :func:`write_atomic` (through a
temporary file and a rename: a reader sees the old file or the new one), :func:`replace_together`
(several files and links, all written before any is replaced), :func:`sync_folder`,
and :func:`flock_waiting` (an advisory lock taken with a time limit). A failure to write is an
:class:`~briefgen.errors.OutputError` (:func:`output_error`) whose hint fits its cause.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar

from briefgen.errors import InputError, OutputError

T = TypeVar("T")

_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CHUNK = 1 << 20


class Unreadable(Exception):
    """A file that cannot be used; ``kind`` says why, for the caller's hint: ``"missing"``,
    ``"io"`` (cannot be opened or read), ``"link"`` (a symbolic link where none is followed),
    ``"loop"`` (symbolic links that lead back to themselves), ``"not_regular"``, ``"too_large"``
    or ``"outside"`` (a link leaving the folder)."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def size_text(n: int) -> str:
    """``5.0 MB`` from 100 kB up, else ``1,234 bytes``."""
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def printable(path: str | os.PathLike[str]) -> str:
    """``path`` as printable text on one line: bytes of the name that are not UTF-8 as ``\\xff``,
    control characters and line separators as escapes (``\\n``, ``\\x1b``, ``\\u2028``)."""
    text = os.fspath(path)
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that no file system gave
        raw = text.encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def is_utf8_name(path: str | os.PathLike[str]) -> bool:
    """Whether the name is valid UTF-8 (Python decodes other bytes of a name to lone surrogates)."""
    try:
        os.fspath(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def inside(path: Path, root: Path) -> list[str]:
    """The components of ``path``, all links resolved, below the real ``root``; raises
    :class:`Unreadable` (``"outside"``) when it resolves to somewhere outside ``root``, and
    (``"loop"``) when its links lead back to themselves."""
    real_root = os.path.realpath(root)
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unreadable("a loop of symbolic links (it leads back to itself): not read", "loop") from exc
        target = os.path.realpath(path)  # missing or unreadable: the open below says so
    if target == real_root or os.path.commonpath([real_root, target]) != real_root:
        raise Unreadable("a symbolic link to a file outside the corpus folder: not followed", "outside")
    return os.path.relpath(target, real_root).split(os.sep)


def open_below(root: Path, parts: list[str]) -> int:
    """A descriptor of ``root/parts...`` opened for reading, reached only through real
    directories: a component that is (or became) a symbolic link is refused."""
    if os.open not in os.supports_dir_fd:  # no openat here: open the resolved path
        return _open(os.path.join(os.path.realpath(root), *parts))
    dir_fd = _open(os.path.realpath(root), _DIRECTORY)
    try:
        for part in parts[:-1]:
            next_fd = os.open(part, _READ | _DIRECTORY | _NOFOLLOW, dir_fd=dir_fd)
            os.close(dir_fd)
            dir_fd = next_fd
        return os.open(parts[-1], _READ | _NOFOLLOW, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise Unreadable("it became a symbolic link while being read: not followed", "outside") from exc
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}", "io") from exc
    finally:
        os.close(dir_fd)


def _open(path: str | os.PathLike[str], flags: int = 0) -> int:
    try:
        return os.open(path, _READ | flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and flags & _NOFOLLOW:
            raise Unreadable("it is a symbolic link", "link") from exc
        if exc.errno == errno.ELOOP:
            raise Unreadable("a loop of symbolic links (it leads back to itself): not read", "loop") from exc
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}",
                         "missing" if exc.errno == errno.ENOENT else "io") from exc


def read_regular(path: Path, limit: int, root: Path | None = None, follow_link: bool = True) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, opened without
    blocking. With ``root``, the file must lie inside that folder once links are resolved
    (:func:`inside`, :func:`open_below`); with ``follow_link=False``, a ``path`` that is a
    symbolic link is refused. Raises :class:`Unreadable`."""
    fd = open_below(root, inside(path, root)) if root is not None else _open(path, 0 if follow_link else _NOFOLLOW)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("not a regular file", "not_regular")
        if info.st_size > limit:
            raise Unreadable(f"file is {size_text(info.st_size)}, over the {size_text(limit)} limit", "too_large")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:  # the file may have grown since it was measured
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}", "io") from exc
    finally:
        os.close(fd)
    if total > limit:
        raise Unreadable(f"file is over the {size_text(limit)} limit", "too_large")
    return b"".join(chunks)


# --- writing ------------------------------------------------------------------------------------

def json_lines(path: Path, make: Callable[[Any], T | None], what: str, hint: str,
               line_hint: str | None = None) -> Iterator[T]:
    """``make(row)`` of the JSON value on each non-blank line of ``path``, in order, those it
    makes ``None`` left out. A file that cannot be read or is not UTF-8 is an
    :class:`~briefgen.errors.InputError` with ``hint``; a line that is not JSON, or that ``make``
    refuses (``ValueError``, ``KeyError``, ``TypeError``), one naming the line as not ``what``,
    with ``line_hint`` (else ``hint``)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError(f"cannot read {path}: {reason}", hint) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            made = make(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path} line {number} is not {what} ({exc})", line_hint or hint) from exc
        if made is not None:
            yield made


def token() -> str:
    """16 random hex digits, for the names of temporary files and folders."""
    return secrets.token_hex(8)


def output_error(exc: OSError, doing: str, where: Path, instead: str = " (or choose another --out)") -> OutputError:
    """``exc`` as a one-line error saying what could not be done, with a hint that fits its cause."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        hint = f"free some space on the disk that holds {where}{instead}, then run again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = f"make {where} writable for this user{instead}, then run again"
    else:
        hint = f"check {where}, then run again"
    return OutputError(f"{doing}: {reason}", hint + "; no file was left half-written")


def write_new(path: Path, data: bytes) -> None:
    """Create ``path``, which must not exist, with the modes the umask gives; write and sync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make the names in ``folder`` durable (a rename is only on disk once its folder is synced)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, with
    the modes the umask gives. Raises :class:`OutputError`, leaving ``path`` as it was; also when
    ``path`` is there and is not a regular file nor a symbolic link (a folder, a named pipe, a
    device such as ``/dev/null``, which the rename would replace: as root, for every program)."""
    tmp = path.parent / f".{path.name}.{token()}.tmp"
    try:
        kind = os.lstat(path).st_mode
    except OSError:
        kind = None  # not there (or not reachable: the write below says why)
    if kind is not None and not (stat.S_ISREG(kind) or stat.S_ISLNK(kind)):
        raise OutputError(f"cannot write {printable(path)}: it is not a regular file",
                          "give the path of a file to write (a folder, a named pipe or a device is never replaced)")
    try:
        try:
            write_new(tmp, data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    except OSError as exc:
        raise output_error(exc, f"cannot write {path}", path.parent, instead="") from exc
    return path


def replace_together(files: Mapping[Path, bytes], links: Mapping[Path, str] = {}) -> list[Path]:  # noqa: B006 - never changed
    """Replace several files (``path: data``) and symbolic links (``path: target``) so that a
    failure to write leaves every one of them as it was: each is first written in full beside its
    place (a temporary file, or link, in the same folder: this is where a full disk shows), and
    only when all are written are they renamed into place, one rename each. Raises
    :class:`OutputError` from the first step, after removing what it wrote. Returns the paths."""
    staged: list[tuple[Path, Path]] = []
    try:
        try:
            for path, data in files.items():
                staged.append((path.parent / f".{path.name}.{token()}.tmp", path))
                write_new(staged[-1][0], data)
            for path, target in links.items():
                staged.append((path.parent / f".{path.name}.{token()}.tmp", path))
                os.symlink(target, staged[-1][0])
        except BaseException:
            for tmp, _ in staged:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            raise
    except OSError as exc:
        path = staged[-1][1]
        raise output_error(exc, f"cannot write {path}", path.parent, instead="") from exc
    for tmp, path in staged:  # a rename needs no new space: this step does not fail for want of it
        try:
            os.replace(tmp, path)
        except OSError as exc:
            for left, _ in staged[staged.index((tmp, path)):]:
                with contextlib.suppress(OSError):
                    left.unlink()
            raise output_error(exc, f"cannot replace {path}", path.parent, instead="") from exc
    return [path for _, path in staged]


def flock_waiting(handle: IO[Any], timeout: float, poll: float, waiting: Callable[[], None] | None = None) -> bool:
    """Take an exclusive advisory lock on the open file ``handle``, trying every ``poll`` seconds
    for up to ``timeout`` while another process holds it (``waiting`` is called the first time
    it does). False when the time ran out; any other failure to lock is raised (:class:`OSError`)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        if waiting is not None:
            waiting()
            waiting = None
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)
