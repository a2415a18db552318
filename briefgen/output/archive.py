"""The archive of briefings in an output folder, and the lock that keeps runs apart.

::

    OUT/
      2026-11-28/briefing.md, .pdf, .html, briefing.json   one folder a date
      2026-11-29/...
      latest -> 2026-11-29                                  the newest date
      index.md, index.html, feed.xml                        every briefing, newest first
      .briefgen.lock                                        held while a run writes

A date's files are written into a fresh folder ``OUT/.briefgen-new.<date>.<token>`` and that
folder is swapped in for ``OUT/<date>`` in one step (:func:`publish`; :func:`swap_in` keeps the
previous folder aside until the caller says whether to keep the new one), so one run's files are
never mixed with another's. Every file gets the modes the umask gives. ``briefing.json`` is
always kept, as the archive's record of what each briefing reported (history, index, e-mail);
records are checked when read, and one that is not sound is left out with a warning; a sound
one is read back into the :class:`~briefgen.models.Briefing` it records (:mod:`briefgen.output.record`).
Failures to write raise :class:`OutputError`; nothing earlier is changed.

The file primitives (atomic writes, the lock's wait) are :mod:`briefgen.files`'; what a reader
opens besides a briefing's files (``latest``, the index, the feed, the navigation bars) is made
by :mod:`briefgen.web.site`. This module never imports the web side.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import functools
import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.errors import InputError, LockTimeout, OutputError
from briefgen.files import (
    Unreadable,
    flock_waiting,
    output_error,
    read_regular,
    sync_folder,
    token,
    write_new,
)
from briefgen.models import Briefing, History
from briefgen.output.record import from_json, record_problem

log = logging.getLogger(__name__)

_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: what briefgen itself leaves behind when a run is killed, and nothing else: a date's new
#: folder being written, an old one set aside, and temporary files (``.index.md.<token>.tmp``)
_STAGING = re.compile(r"^\.briefgen-new\.(\d{4}-\d{2}-\d{2})\.[0-9a-f]{16}$")
_ASIDE = re.compile(r"^\.briefgen-old\.(\d{4}-\d{2}-\d{2})\.[0-9a-f]{16}$")
_TEMP_FILE = re.compile(r"^\..+\.[0-9a-f]{16}\.tmp$")
LOCK_NAME = ".briefgen.lock"
LATEST = "latest"
MAX_RECORD_BYTES = 64 * 2**20  #: a record larger than this is not one briefgen wrote


@dataclass(frozen=True)
class ArchivedBriefing:
    """A briefing of the archive: its date (its folder's name), its folder, and the briefing its
    record holds (:func:`briefgen.output.record.from_json`)."""

    date: dt.date
    folder: Path
    briefing: Briefing


# --- writing --------------------------------------------------------------------------------

def ensure_folder(out: Path) -> None:
    """Create the output folder if it is missing; refuse a path that is something else."""
    if os.path.lexists(out) and not out.is_dir():
        raise OutputError(f"cannot use {out} as the output folder: it is not a folder",
                          "pass --out a folder, or a path where one can be created")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputError(f"cannot use {out} as the output folder: it is not a folder",
                          "pass --out a folder, or a path where one can be created") from exc
    except OSError as exc:
        raise output_error(exc, f"cannot create the output folder {out}", out.parent) from exc


def _what(path: Path) -> str:
    return "a folder" if path.is_dir() else "a file" if path.is_file() else "a special file"


def check_targets(out: Path, date: dt.date) -> None:
    """Refuse, before anything is written, a date that is not a real folder inside ``out`` (a
    file, or a symbolic link that would make the run write elsewhere) and a ``latest`` that is not
    a symbolic link (briefgen never replaces what it did not make)."""
    folder = out / date.isoformat()
    if folder.is_symlink():
        raise OutputError(f"{folder} is a symbolic link; briefgen writes only real folders inside the output folder",
                          f"remove the link (what it points to is not touched), or move the real folder into {out}")
    if os.path.lexists(folder) and not folder.is_dir():
        raise OutputError(f"{folder} is {_what(folder)}, not a briefing folder",
                          "move it out of the output folder; briefgen writes each date's briefing into a folder of its own")
    check_latest(out)


def check_latest(out: Path) -> None:
    """Refuse a ``latest`` that is not a symbolic link (briefgen never replaces what it did not make)."""
    link = out / LATEST
    if os.path.lexists(link) and not link.is_symlink():
        raise OutputError(f"{link} is {_what(link)}, not the symbolic link briefgen keeps there",
                          "move it away: briefgen only ever replaces a `latest` that is a symbolic link")


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without renameat2
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux ``renameat2`` with ``RENAME_EXCHANGE``).
    Returns False where the system or the file system cannot, so that the caller falls back to
    two renames; raises ``OSError`` for any other failure."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _carry_over(old: Path, new: Path, basename: str, names: set[str]) -> None:
    """Copy into ``new`` what ``old`` holds besides a run's own files (``<basename>.*``) and
    briefgen's temporary files: files (hard-linked where possible), folders and links."""
    for entry in os.scandir(old):
        if entry.name.startswith(f"{basename}.") or entry.name in names or _TEMP_FILE.match(entry.name):
            continue
        target = new / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), target)
        elif entry.is_dir(follow_symlinks=False):
            shutil.copytree(entry.path, target, symlinks=True)
        elif entry.is_file(follow_symlinks=False):
            try:
                os.link(entry.path, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(entry.path, target, follow_symlinks=False)
        else:
            log.warning("left out %s when replacing %s: not a file, folder or link", entry.path, old)


def _remove_folder(folder: Path) -> bool:
    """Delete a folder briefgen set aside; a failure is a warning (the next run tries again)."""
    try:
        shutil.rmtree(folder)
        return True
    except OSError as exc:
        log.warning("could not remove %s (%s); the next run tries again", folder, exc.strerror or exc)
        return False


@dataclass
class Swap:
    """A date's new folder swapped in by :func:`swap_in`, the previous one (if any) kept aside at
    ``old`` until :meth:`finish` deletes it or :meth:`undo` puts it back."""

    out: Path
    folder: Path
    paths: list[Path]  #: the files written
    old: Path | None  #: where the previous folder is kept; None when the date is new
    exchanged: bool  #: whether the two were exchanged in one step (else renamed one after the other)

    def finish(self) -> None:
        """Delete the previous folder (a failure is a warning: the next run tries again)."""
        if self.old is not None:
            _remove_folder(self.old)

    def undo(self) -> None:
        """Put the previous folder back in one step (or take the new date away, when it is new)
        and delete the new one; a failure is a warning (what a killed run leaves, which the next
        run cleans up: :func:`clean_leftovers`)."""
        discard = self.out / f".briefgen-new.{self.folder.name}.{token()}"
        try:
            if self.old is None:
                os.rename(self.folder, discard)
            elif self.exchanged and exchange(self.old, self.folder):
                discard = self.old
            else:
                os.rename(self.folder, discard)
                os.rename(self.old, self.folder)
            sync_folder(self.out)
        except OSError as exc:
            log.warning("could not put back the previous %s (%s); the next run cleans up", self.folder, exc.strerror or exc)
            return
        _remove_folder(discard)


def publish(out: Path, date: dt.date, basename: str, files: Mapping[str, bytes]) -> list[Path]:
    """Make ``out/<date>`` hold ``files`` (plus what the folder held besides ``<basename>.*``), in
    one step, and return the files' paths (:func:`swap_in`, then the old folder deleted)."""
    swap = swap_in(out, date, basename, files)
    swap.finish()
    return swap.paths


def swap_in(out: Path, date: dt.date, basename: str, files: Mapping[str, bytes]) -> Swap:
    """Make ``out/<date>`` hold ``files`` (plus what the folder held besides ``<basename>.*``), in
    one step; the previous folder is kept aside until the :class:`Swap` is finished or undone.

    The files are written into a fresh folder ``out/.briefgen-new.<date>.<token>`` and that folder
    is exchanged with ``out/<date>`` by one atomic rename (``renameat2`` ``RENAME_EXCHANGE``), so a
    reader of ``out/<date>`` sees the old set or the new set and nothing in between. Where the
    exchange is not available, the old folder is renamed aside to
    ``out/.briefgen-old.<date>.<token>`` and the new one renamed in: for that instant the date is
    missing, never mixed. Raises :class:`OutputError`, leaving ``out/<date>`` as it was.
    """
    folder = out / date.isoformat()
    check_targets(out, date)
    staging = out / f".briefgen-new.{date.isoformat()}.{token()}"
    current = folder
    old: Path | None = None
    exchanged = False
    try:
        os.mkdir(staging, 0o777)
        for name, data in files.items():
            current = folder / name  # named as the user will know it; written in the staging folder
            write_new(staging / name, data)
        current = folder
        if folder.is_dir():
            _carry_over(folder, staging, basename, set(files))
        sync_folder(staging)
        if not folder.is_dir():
            os.rename(staging, folder)
        elif exchange(staging, folder):
            old, exchanged = staging, True  # the exchange left the old files under the staging name
        else:
            old = out / f".briefgen-old.{date.isoformat()}.{token()}"
            os.rename(folder, old)
            try:
                os.rename(staging, folder)
            except OSError:
                os.rename(old, folder)
                old = None
                raise
    except OSError as exc:
        if old is None and staging.is_dir() and not staging.is_symlink():
            _remove_folder(staging)
        raise output_error(exc, f"cannot write {current}", out) from exc
    swap = Swap(out, folder, [folder / name for name in files], old, exchanged)
    try:
        sync_folder(out)
    except OSError as exc:
        swap.undo()
        raise output_error(exc, f"cannot write {folder}", out) from exc
    return swap


def clean_leftovers(out: Path) -> list[Path]:
    """Remove what a killed run left in ``out``, and nothing else: new date folders it did not
    swap in (``.briefgen-new.<date>.<token>``), old ones it set aside (``.briefgen-old.…``: put
    back if their date is missing, else deleted) and its temporary files
    (``.<name>.<16 hex digits>.tmp``, in ``out`` and in the date folders). Returns what it deleted."""
    removed: list[Path] = []

    def unlink(path: Path) -> None:
        try:
            path.unlink()
            removed.append(path)
        except OSError as exc:
            log.warning("could not remove %s (%s)", path, exc.strerror or exc)

    for entry in sorted(os.scandir(out), key=lambda e: e.name):
        path = Path(entry.path)
        real_dir = entry.is_dir(follow_symlinks=False)
        aside = _ASIDE.match(entry.name)
        if real_dir and aside and not os.path.lexists(out / aside[1]):
            try:
                os.rename(path, out / aside[1])
                log.warning("put back %s, which a killed run had set aside", out / aside[1])
            except OSError as exc:
                log.warning("could not put back %s (%s)", path, exc.strerror or exc)
        elif real_dir and (aside or _STAGING.match(entry.name)):
            if _remove_folder(path):
                removed.append(path)
        elif _TEMP_FILE.match(entry.name) and not real_dir:
            unlink(path)
        elif real_dir and _DATE_DIR.match(entry.name):
            for sub in os.scandir(path):
                if _TEMP_FILE.match(sub.name) and not sub.is_dir(follow_symlinks=False):
                    unlink(Path(sub.path))
    return removed


@contextmanager
def locked(out: Path, timeout: float, poll: float = 0.2) -> Iterator[None]:
    """Hold the output folder's lock; wait up to ``timeout`` seconds for another run."""
    ensure_folder(out)
    try:
        handle = open(out / LOCK_NAME, "a+")  # noqa: SIM115 - closed below, after the lock is released
    except OSError as exc:
        raise output_error(exc, f"cannot open the lock file {out / LOCK_NAME}", out) from exc
    with handle:
        if not flock_waiting(handle, timeout, poll):
            raise LockTimeout(f"another briefgen run holds {out / LOCK_NAME} (waited {timeout:g} s)",
                              "let it finish, or raise output.lock_timeout")
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- reading --------------------------------------------------------------------------------

def read_record(path: Path) -> dict[str, Any]:
    """The briefing record at ``path``, checked. Raises :class:`InputError` naming the file and
    what is wrong; ``FileNotFoundError`` if there is none. A symbolic link, a FIFO or anything but
    a regular file is never opened for reading."""
    def bad(reason: str) -> InputError:
        date = path.parent.name
        return InputError(f"{path} is not a briefing record: {reason}",
                          f"re-run `briefgen daily --date {date}` to rebuild it" if _DATE_DIR.match(date) else None)
    try:
        data = read_regular(path, MAX_RECORD_BYTES, follow_link=False)
    except Unreadable as exc:
        if exc.kind == "missing":
            raise FileNotFoundError(errno.ENOENT, exc.reason, str(path)) from exc
        raise bad(f"larger than {MAX_RECORD_BYTES // 2**20} MB" if exc.kind == "too_large" else exc.reason) from exc
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise bad("not UTF-8 text") from None
    except RecursionError:
        raise bad("nested too deeply") from None
    except ValueError as exc:
        raise bad(f"not JSON ({exc})") from None
    problem = record_problem(record)
    if problem:
        raise bad(problem)
    return record


def read_briefing(path: Path, date: dt.date) -> Briefing:
    """The briefing of ``date`` whose record is at ``path`` (:func:`read_record`)."""
    return from_json(read_record(path), date)


def scan(out: Path, basename: str) -> tuple[list[ArchivedBriefing], dict[dt.date, InputError]]:
    """The sound briefings of the archive, newest first, and the dates whose record is not."""
    found: list[ArchivedBriefing] = []
    bad: dict[dt.date, InputError] = {}
    if not out.is_dir():
        return found, bad
    try:
        folders = list(out.iterdir())
    except OSError as exc:
        raise InputError(f"cannot read the output folder {out}: {exc.strerror or exc}",
                         "make it readable for this user, or pass the right --out") from exc
    for folder in folders:
        if not (_DATE_DIR.match(folder.name) and folder.is_dir() and not folder.is_symlink()):
            continue
        try:
            date = dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
        try:
            found.append(ArchivedBriefing(date, folder, read_briefing(folder / f"{basename}.json", date)))
        except FileNotFoundError:
            continue
        except InputError as exc:
            bad[date] = exc
    return sorted(found, key=lambda b: b.date, reverse=True), bad


def _warn(bad: Mapping[dt.date, InputError]) -> None:
    for date in sorted(bad):
        log.warning("ignored %s", bad[date].message.replace(" is not a briefing record: ", ": not a briefing record: ", 1))


def archived(out: Path, basename: str) -> list[ArchivedBriefing]:
    """Every briefing in the archive with a sound record, newest first. A record that is not
    (not JSON, wrong shape, not a regular file) is left out, with a warning naming the file."""
    found, bad = scan(out, basename)
    _warn(bad)
    return found


def previous(briefings: list[ArchivedBriefing], date: dt.date) -> ArchivedBriefing | None:
    """The newest of ``briefings`` (newest first, as :func:`archived` gives them) dated before ``date``."""
    return next((b for b in briefings if b.date < date), None)


def reported(archived_briefing: ArchivedBriefing) -> History:
    """What an archived briefing reported: its date, its items' texts, and the paths of the
    articles it cited and of every article of the stories it reported (a record written before
    stories were grouped has only the first)."""
    briefing = archived_briefing.briefing
    items = [*briefing.key_points, *(i for s in briefing.sections for i in s.items)]
    paths = [s.article.path for s in briefing.sources if s.article.path]
    paths += [a.path for s in briefing.stories if s.topics for a in s.articles]
    return History(archived_briefing.date, tuple(i.text for i in items), tuple(dict.fromkeys(paths)))


def find(out: Path, basename: str, date: dt.date | None) -> ArchivedBriefing:
    """The archived briefing of ``date`` (``None``: the newest). Raises :class:`InputError` if
    there is none, or if the record of ``date`` (or of the newest date) is not sound: an older
    briefing is never sent in its place."""
    briefings, bad = scan(out, basename)
    if date is None and bad and (not briefings or max(bad) > briefings[0].date):
        date = max(bad)
    if date is not None and date in bad:
        raise bad[date]
    match = next((b for b in briefings if date is None or b.date == date), None)
    if match is None:
        dates = ", ".join(b.date.isoformat() for b in briefings[:5]) or "none"
        what = f"for {date.isoformat()}" if date else "at all"
        raise InputError(f"no briefing {what} in {out}", f"run `briefgen daily` first; archived dates (newest first): {dates}")
    return match

