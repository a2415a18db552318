"""The archive of briefings in an output folder, and the lock that keeps runs apart.

::

    OUT/
      2026-11-28/briefing.md, .pdf, .html, briefing.json   one folder a date
      2026-11-29/...
      latest -> 2026-11-29                                  the newest date
      index.md, index.html                                  every briefing, newest first
      .briefgen.lock                                        held while a run writes

Every file is written to a temporary name and renamed into place; ``briefing.json`` is always
kept, as the archive's record of what each briefing reported (history, index, email).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import html
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError, InputError
from briefgen.render import escape_markdown

_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOCK_NAME = ".briefgen.lock"


class LockTimeout(BriefgenError):
    """Another run holds the output folder's lock for longer than we may wait."""

    exit_code = 8


@dataclass(frozen=True)
class ArchivedBriefing:
    date: dt.date
    folder: Path
    record: dict[str, Any]  #: the briefing's JSON


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    return write_all(path.parent, {path.name: data})[0]


def write_all(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file to a temporary name first, then rename them all into place: a failure
    while writing leaves every earlier file of the folder as it was."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            staged.append((name, Path(tmp_name)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    for name, tmp in staged:
        os.replace(tmp, folder / name)
    return [folder / name for name in files]


@contextmanager
def locked(out: Path, timeout: float, poll: float = 0.2) -> Iterator[None]:
    """Hold the output folder's lock; wait up to ``timeout`` seconds for another run."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK_NAME, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"another briefgen run holds {out / LOCK_NAME} (waited {timeout:g} s)",
                                      "let it finish, or raise output.lock_timeout") from None
                time.sleep(poll)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def archived(out: Path, basename: str) -> list[ArchivedBriefing]:
    """Every briefing in the archive with a readable record, newest first."""
    found: list[ArchivedBriefing] = []
    if not out.is_dir():
        return found
    for folder in out.iterdir():
        if not (folder.is_dir() and not folder.is_symlink() and _DATE_DIR.match(folder.name)):
            continue
        try:
            record = json.loads((folder / f"{basename}.json").read_text(encoding="utf-8"))
            found.append(ArchivedBriefing(dt.date.fromisoformat(folder.name), folder, record))
        except (OSError, ValueError):
            continue
    return sorted(found, key=lambda b: b.date, reverse=True)


def previous(out: Path, basename: str, date: dt.date) -> ArchivedBriefing | None:
    """The newest archived briefing dated before ``date``."""
    return next((b for b in archived(out, basename) if b.date < date), None)


def reported_sentences(record: Mapping[str, Any]) -> list[str]:
    """The texts of every item a briefing record reported."""
    items = [*record.get("key_points", []), *(i for s in record.get("sections", []) for i in s.get("items", []))]
    return [str(i["text"]) for i in items if isinstance(i, dict) and "text" in i]


def find(out: Path, basename: str, date: dt.date | None) -> ArchivedBriefing:
    """The archived briefing of ``date`` (``None``: the newest)."""
    briefings = archived(out, basename)
    match = next((b for b in briefings if date is None or b.date == date), None)
    if match is None:
        dates = ", ".join(b.date.isoformat() for b in briefings[:5]) or "none"
        what = f"for {date.isoformat()}" if date else "at all"
        raise InputError(f"no briefing {what} in {out}", f"run `briefgen daily` first; archived dates (newest first): {dates}")
    return match


def update_links(out: Path, basename: str) -> list[Path]:
    """Point ``latest`` at the newest date and rewrite ``index.md`` and ``index.html``."""
    briefings = archived(out, basename)
    if not briefings:
        return []
    newest = briefings[0].folder.name
    link = out / "latest"
    tmp = out / f".latest.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(newest, target_is_directory=True)
    os.replace(tmp, link)
    lines = ["# Briefings", ""]
    rows = []
    for b in briefings:
        files = sorted(p.name for p in b.folder.iterdir() if p.name.startswith(f"{basename}.") and not p.name.endswith(".tmp"))
        links = " · ".join(f"[{name.rsplit('.', 1)[1]}]({b.folder.name}/{name})" for name in files)
        coverage = str(b.record.get("coverage", ""))
        title = str(b.record.get("title", basename))
        lines.append(f"- **{b.date.isoformat()}** — {escape_markdown(title)}: {escape_markdown(coverage)} ({links})")
        cells = ", ".join(f'<a href="{html.escape(b.folder.name)}/{html.escape(n)}">{html.escape(n.rsplit(".", 1)[1])}</a>' for n in files)
        rows.append(f"<li><strong>{b.date.isoformat()}</strong> — {html.escape(title)}: {html.escape(coverage)} ({cells})</li>")
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Briefings</title>\n</head>\n"
            "<body>\n<h1>Briefings</h1>\n<ul>\n" + "\n".join(rows) + "\n</ul>\n</body>\n</html>\n")
    return write_all(out, {"index.md": ("\n".join(lines) + "\n").encode(), "index.html": page.encode()}) + [link]
