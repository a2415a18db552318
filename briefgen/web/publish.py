"""``briefgen publish``: copy what readers may see of the archive into the folder a web server serves.

The archive (``OUT``) holds more than its readers need, and some of it must stay private: the
corpus index and the e-mails of ``send --dry-run`` (``OUT/.briefgen/``; an e-mail names its
recipients), the lock (``OUT/.briefgen.lock``), and in each record (``briefing.json``) the local
path of every article. :func:`publish` copies only

- the index (``index.html``, ``index.md``) and the Atom feed (``feed.xml``);
- for each briefing whose record is sound, its web page, PDF and Markdown (:data:`PAGES`), and
  its record without local paths (:func:`public_record`: no ``path`` in ``sources``, no
  ``articles`` in ``stories``);
- ``latest``, as a symbolic link to the newest date, as in the archive.

Nothing else: no hidden file, no ``.eml``, no folder of a date whose record is unsound. A file
whose bytes are already in place is not written again (a server's caches and ``rsync`` see no
change); every other is written atomically (:func:`briefgen.files.write_atomic`). Nothing in the
destination is ever deleted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from briefgen.errors import InputError, OutputError
from briefgen.files import Unreadable, read_regular, write_atomic
from briefgen.output.archive import LATEST, scan
from briefgen.web.pages import MAX_PAGE_BYTES

#: the archive's own files a reader opens
SITE_FILES = ("index.html", "index.md", "feed.xml")
#: the formats of a briefing that are published as they are (its record is published without paths)
PAGES = ("html", "pdf", "md")


def public_record(data: bytes) -> bytes:
    """A briefing's record (``briefing.json``) without the local paths of its articles: the
    ``path`` of each source and the ``articles`` of each story are left out; the rest, and its
    layout, as :func:`briefgen.output.record.to_json` wrote it."""
    record = json.loads(data)
    for source in record.get("sources", []):
        source.pop("path", None)
    for story in record.get("stories", []):
        story.pop("articles", None)
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode()


def _put(path: Path, data: bytes, written: list[Path]) -> None:
    """Write ``data`` to ``path`` unless it already holds those bytes."""
    try:
        if path.is_file() and not path.is_symlink() and read_regular(path, len(data) + 1) == data:
            return
    except Unreadable:
        pass
    written.append(write_atomic(path, data))


def _link_latest(dest: Path, name: str, written: list[Path]) -> None:
    link = dest / LATEST
    if link.is_symlink() and os.readlink(link) == name:
        return
    if os.path.lexists(link) and not link.is_symlink():
        raise OutputError(f"{link} is not a symbolic link: publish keeps `{LATEST}` pointing at the newest date",
                          "remove it from the destination and publish again")
    tmp = dest / f".{LATEST}.publish.tmp"
    try:
        if os.path.lexists(tmp):
            tmp.unlink()
        tmp.symlink_to(name, target_is_directory=True)
        os.replace(tmp, link)
    except OSError as exc:
        raise OutputError(f"cannot point {link} at {name}: {exc.strerror or exc}", "check that the destination is writable") from exc
    written.append(link)


def publish(out: Path, dest: Path, basename: str) -> list[Path]:
    """Copy the public files of the archive ``out`` into ``dest`` (created if missing); return
    the files written (those already up to date are not). Raises
    :class:`~briefgen.errors.OutputError` when ``dest`` is the archive, lies in one of its hidden
    folders, or cannot take the files; :class:`~briefgen.errors.InputError` when ``out`` holds
    no briefing."""
    out, dest = Path(out), Path(dest)
    try:
        archive = out.resolve()
    except RuntimeError as exc:  # a loop of symbolic links
        raise InputError(f"no briefing to publish in {out}: a loop of symbolic links", "pass the right --out") from exc
    try:
        target = dest.resolve()
    except RuntimeError as exc:
        raise OutputError(f"cannot publish into {dest}: a loop of symbolic links", "give the folder your web server serves") from exc
    if target == archive or (target.is_relative_to(archive) and
                             any(part.startswith(".") for part in target.relative_to(archive).parts)):
        raise OutputError(f"cannot publish {out} into {dest}: that is the archive or its private files",
                          "give the folder your web server serves, outside the archive")
    briefings, _ = scan(out, basename)
    if not briefings:
        raise InputError(f"no briefing to publish in {out}", "run `briefgen daily --out OUT` first, or pass the right --out")
    written: list[Path] = []
    _folder(dest)
    for name in SITE_FILES:
        source = out / name
        if source.is_file() and not source.is_symlink():
            _put(dest / name, _read(source), written)
    for briefing in briefings:
        folder = _folder(dest / briefing.folder.name)
        for fmt in PAGES:
            source = briefing.folder / f"{basename}.{fmt}"
            if source.is_file() and not source.is_symlink():
                _put(folder / source.name, _read(source), written)
        _put(folder / f"{basename}.json", public_record(_read(briefing.folder / f"{basename}.json")), written)
    _link_latest(dest, briefings[0].folder.name, written)
    return written


def _folder(path: Path) -> Path:
    """``path``, a folder, created if missing."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {path}: {exc.strerror or exc}",
                          "give a writable destination, where nothing but folders stands in the way") from exc
    return path


def _read(path: Path) -> bytes:
    try:
        return read_regular(path, MAX_PAGE_BYTES, follow_link=False)
    except Unreadable as exc:
        raise InputError(f"cannot read {path}: {exc.reason}", "check the archive's files, or run `briefgen daily` again") from exc
