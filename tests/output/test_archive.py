"""The archive as input and as output: bad records, file modes, output errors, the atomic swap of
a date's folder, left-overs of killed runs, ``latest`` and symlinks, a safe e-mail subject."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import errno
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

import briefgen.output.archive
from briefgen.config import DeliveryOptions
from briefgen.errors import ConfigError, OutputError
from briefgen.files import write_atomic
from briefgen.output.archive import (
    ArchivedBriefing,
    archived,
    clean_leftovers,
    publish,
    record_problem,
    reported,
)
from briefgen.output.deliver import build_message
from briefgen.output.record import from_json
from tests.conftest import md_file
from tests.conftest import run_cli as run

TARIFFS = (
    "Uzbekistan and Pakistan agreed on Monday to cut transit tariffs on freight crossing the northern railway corridor. "
    "Traders said exports of cotton and dried fruit could double within a year."
)
DRY_PORT = (
    "Kazakhstan signed a contract on Tuesday to build a new dry port for transit cargo near the Afghan border. "
    "The customs terminal will handle grain exports and fuel imports, the trade ministry said."
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    md_file(folder, "d1.md", TARIFFS, title="Tariffs cut", date="2026-11-23", source="Steppe Ledger")
    md_file(folder, "d2.md", DRY_PORT, title="Dry port contract", date="2026-11-24", source="Caspian Herald")
    return folder


def daily(corpus: Path, out: Path, date: str, *extra: str) -> Result:
    return run("daily", "--corpus", str(corpus), "--out", str(out), "--date", date, "--format", "md,json", *extra)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every regular file under ``folder`` (by relative path) with its bytes; the corpus index
    (``.briefgen/``, a cache updated by every run that reads the corpus) left out."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and p.relative_to(folder).parts[0] != ".briefgen"}


# --- fault 1: a badly shaped record never breaks a later run ------------------------------

GOOD = {"title": "Daily Briefing", "date": "2026-11-23", "window": {"start": "2026-11-23", "end": "2026-11-23"},
        "coverage": "1 article from 1 source, 23 Nov 2026",
        "key_points": [{"text": "A sentence.", "sources": [1], "score": 1.0, "developing": False}],
        "sections": [{"topic": "trade", "title": "Trade", "items": [{"text": "A sentence.", "sources": [1], "score": 1.0,
                                                                     "developing": False}]}],
        "sources": [{"id": 1, "title": "Tariffs cut", "source": "Steppe Ledger", "date": "2026-11-23",
                     "url": "https://example.org/a", "path": "corpus/d1.md"}]}

BAD_RECORDS = {
    "list": "[]",
    "null": "null",
    "number key points": '{"key_points": 5}',
    "deeply nested": "[" * 200_000 + "]" * 200_000,
    "title not text": json.dumps({**GOOD, "title": ["x"]}),
    "item without text": json.dumps({**GOOD, "key_points": [{"sources": [1]}]}),
    "section items not a list": json.dumps({**GOOD, "sections": [{"topic": "t", "title": "T", "items": 3}]}),
    "source id not a number": json.dumps({**GOOD, "sources": [{"id": "one", "title": "T"}]}),
    "boolean as source number": json.dumps({**GOOD, "key_points": [{"text": "A.", "sources": [True]}]}),
    "not JSON": "{",
    "not UTF-8": b'{"title": "\xff"}',
}


@pytest.mark.parametrize("name", BAD_RECORDS)
@pytest.mark.e2e
def test_a_bad_record_is_a_warning_and_every_later_run_goes_on(name: str, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-23").exit_code == 0
    record = out / "2026-11-23" / "briefing.json"
    data = BAD_RECORDS[name]
    record.write_bytes(data if isinstance(data, bytes) else data.encode())
    for extra in ((), ("--no-history",)):
        result = daily(corpus, out, "2026-11-24", *extra)
        assert result.exit_code == 0, result.output
        assert f"warning: ignored {record}: " in result.stderr
        assert (out / "latest").resolve() == (out / "2026-11-24").resolve()
        assert "2026-11-24" in (out / "index.md").read_text()
    # sending that very day is a clear input error
    result = run("send", "--out", str(out), "--date", "2026-11-23", "--dry-run")
    assert result.exit_code == 4
    assert result.stderr.splitlines()[-2].startswith(f"Error: {record} is not a briefing record: ")
    assert result.stderr.splitlines()[-1] == "Hint: re-run `briefgen daily --date 2026-11-23` to rebuild it"


@pytest.mark.e2e
def test_send_of_the_newest_never_falls_back_to_an_older_briefing(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-23").exit_code == 0
    assert daily(corpus, out, "2026-11-24").exit_code == 0
    (out / "2026-11-24" / "briefing.json").write_text("null")
    result = run("send", "--out", str(out), "--dry-run")
    assert result.exit_code == 4
    assert result.stderr.startswith(f"Error: {out / '2026-11-24' / 'briefing.json'} is not a briefing record: "
                                    "the top level is null, not an object\n")


STORY = {"id": "s1", "title": "Tariffs cut", "first_seen": "2026-11-23", "last_seen": "2026-11-23", "topics": ["trade"],
         "articles": ["corpus/d1.md"]}


def test_a_good_record_passes_and_the_reasons_name_the_field() -> None:
    assert record_problem(GOOD) is None  # a record written before stories were grouped
    with_stories = {**GOOD, "stories": [STORY], "key_points": [{**GOOD["key_points"][0], "story": "s1"}]}
    assert record_problem(with_stories) is None
    assert record_problem({**GOOD, "stories": [{**STORY, "articles": "corpus/d1.md"}]}) == "stories[0].articles is a string, not a list"
    assert record_problem({**GOOD, "stories": [{**STORY, "first_seen": 3}]}) == "stories[0].first_seen is a number, not a string or null"
    assert record_problem({**GOOD, "key_points": [{"text": "A.", "sources": [1], "story": 1}]}) == \
        "key_points[0].story is a number, not a string"
    assert record_problem([]) == "the top level is a list, not an object"
    assert record_problem({**GOOD, "key_points": 5}) == "key_points is a number, not a list"
    assert record_problem({**GOOD, "sections": [{"topic": "t", "title": "T", "items": [{"text": 2, "sources": []}]}]}) == \
        "sections[0].items[0].text is a number, not a string"


def test_what_a_record_reported_with_and_without_stories(tmp_path: Path) -> None:
    old = reported(ArchivedBriefing(dt.date(2026, 11, 23), tmp_path, from_json(GOOD)))
    assert (old.date, old.sentences, old.articles) == (dt.date(2026, 11, 23), ("A sentence.", "A sentence."), ("corpus/d1.md",))
    stories = [{**STORY, "articles": ["corpus/d1.md", "corpus/d2.md"]}, {**STORY, "id": "s2", "topics": [], "articles": ["corpus/x.md"]}]
    new = reported(ArchivedBriefing(dt.date(2026, 11, 23), tmp_path, from_json({**GOOD, "stories": stories})))
    assert new.articles == ("corpus/d1.md", "corpus/d2.md")  # a story with no bullet was not reported


@pytest.mark.e2e
def test_a_record_that_is_a_fifo_or_a_symlink_is_not_read(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-23").exit_code == 0
    record = out / "2026-11-23" / "briefing.json"
    record.unlink()
    os.mkfifo(record)  # opening it for reading would wait for a writer forever
    assert [b.date for b in archived(out, "briefing")] == []
    record.unlink()
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps(GOOD))
    record.symlink_to(secret)
    assert [b.date for b in archived(out, "briefing")] == []


# --- fault 4: modes come from the umask -------------------------------------------------------

@pytest.fixture
def umask() -> Iterator[object]:
    def set_mask(mask: int) -> None:
        os.umask(mask)
    saved = os.umask(0o022)
    yield set_mask
    os.umask(saved)


@pytest.mark.parametrize(("mask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
@pytest.mark.e2e
def test_files_get_the_modes_the_umask_gives(mask: int, file_mode: int, dir_mode: int, umask, corpus: Path,
                                             tmp_path: Path) -> None:
    umask(mask)
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-23").exit_code == 0
    assert daily(corpus, out, "2026-11-23").exit_code == 0  # a re-run, through the swap
    files = [out / "2026-11-23" / "briefing.md", out / "2026-11-23" / "briefing.json", out / "index.md", out / "index.html"]
    assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {f.name: oct(file_mode) for f in files}
    assert oct(stat.S_IMODE((out / "2026-11-23").stat().st_mode)) == oct(dir_mode)
    eml = write_atomic(out / "2026-11-23" / "briefing.eml", b"x")
    assert oct(stat.S_IMODE(eml.stat().st_mode)) == oct(file_mode)


# --- fault 5: output errors are one line, a hint and exit 10; the previous files stay whole ----

@pytest.mark.e2e
def test_a_date_that_is_a_file_or_a_symlink_is_refused(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-23").exit_code == 0
    (out / "2026-11-24").write_text("not a folder\n")
    before = snapshot(out)
    result = daily(corpus, out, "2026-11-24")
    assert result.exit_code == 10
    assert result.stderr == (f"Error: {out / '2026-11-24'} is a file, not a briefing folder\n"
                             "Hint: move it out of the output folder; briefgen writes each date's briefing into a folder of its own\n")
    assert snapshot(out) == before
    # a date folder that is a symlink would make the run write outside --out
    (out / "2026-11-24").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "2026-11-24").symlink_to(elsewhere, target_is_directory=True)
    result = daily(corpus, out, "2026-11-24")
    assert result.exit_code == 10
    assert result.stderr.startswith(f"Error: {out / '2026-11-24'} is a symbolic link; briefgen writes only real folders inside the output folder\n")
    assert list(elsewhere.iterdir()) == []
    assert (out / "2026-11-24").is_symlink()


@pytest.mark.parametrize("kind", ["folder", "file"])
@pytest.mark.e2e
def test_a_latest_that_briefgen_did_not_make_is_never_replaced(kind: str, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-23").exit_code == 0
    (out / "latest").unlink()
    if kind == "folder":
        (out / "latest").mkdir()
        (out / "latest" / "notes.txt").write_text("mine\n")
    else:
        (out / "latest").write_text("mine\n")
    before = snapshot(out)
    result = daily(corpus, out, "2026-11-24")
    assert result.exit_code == 10
    what = "a folder" if kind == "folder" else "a file"
    assert result.stderr == (f"Error: {out / 'latest'} is {what}, not the symbolic link briefgen keeps there\n"
                             "Hint: move it away: briefgen only ever replaces a `latest` that is a symbolic link\n")
    assert snapshot(out) == before and not (out / "2026-11-24").exists()


@pytest.mark.parametrize(("target", "message"), [
    ("/dev/null", "Error: cannot use /dev/null as the output folder: it is not a folder\n"),
    ("/proc/briefgen-nowhere", "Error: cannot create the output folder /proc/briefgen-nowhere: No such file or directory\n"),
])
@pytest.mark.e2e
def test_an_output_folder_that_cannot_be_one(target: str, message: str, corpus: Path) -> None:
    result = daily(corpus, Path(target), "2026-11-24")
    assert result.exit_code == 10
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 2
    assert result.stderr.splitlines()[1].startswith("Hint: ")


@pytest.mark.e2e
def test_a_full_disk_leaves_the_previous_files_whole(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-24").exit_code == 0
    before = snapshot(out)
    real_write = os.write
    calls = {"n": 0}

    def full(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)
    monkeypatch.setattr(briefgen.output.archive.os, "write", full)
    result = daily(corpus, out, "2026-11-24", "--no-history")
    assert result.exit_code == 10
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Error: cannot write ") and lines[0].endswith(": No space left on device")
    assert lines[1] == (f"Hint: free some space on the disk that holds {out} (or choose another --out), then run again; "
                        "no file was left half-written")
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted([".briefgen", ".briefgen.lock", "2026-11-24", "feed.xml", "index.html", "index.md", "latest"])


@pytest.mark.e2e
def test_a_read_only_output_folder(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-24").exit_code == 0
    before = snapshot(out)
    real_mkdir = os.mkdir

    def read_only(path, mode=0o777, *args, **kwargs):  # what a read-only mount answers
        if Path(path).parent == out:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_mkdir(path, mode, *args, **kwargs)
    monkeypatch.setattr(briefgen.output.archive.os, "mkdir", read_only)
    result = daily(corpus, out, "2026-11-24", "--no-history")
    assert result.exit_code == 10
    assert result.stderr.splitlines()[0].endswith(": Read-only file system")
    assert result.stderr.splitlines()[1] == (f"Hint: make {out} writable for this user (or choose another --out), "
                                             "then run again; no file was left half-written")
    assert snapshot(out) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_folder_without_write_permission(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-24").exit_code == 0
    before = snapshot(out)
    out.chmod(0o555)
    try:
        result = daily(corpus, out, "2026-11-24", "--no-history")
    finally:
        out.chmod(0o755)
    assert result.exit_code == 10 and result.stderr.startswith("Error: ")
    assert snapshot(out) == before


# --- fault 6: one run's set of files replaces the other's in one step -------------------------

@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "rename-aside"])
@pytest.mark.e2e
def test_a_rerun_replaces_the_whole_set_and_keeps_other_files(exchange: bool, corpus: Path, tmp_path: Path,
                                                             monkeypatch) -> None:
    if not exchange:
        monkeypatch.setattr(briefgen.output.archive, "exchange", lambda a, b: False)
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-24", "--format", "md,json").exit_code == 0
    (out / "2026-11-24" / "notes.txt").write_text("the desk's own notes\n")
    (out / "2026-11-24" / "briefing.eml").write_text("a dry run of the old set\n")
    assert run("daily", "--corpus", str(corpus), "--out", str(out), "--date", "2026-11-24", "--format", "html").exit_code == 0
    assert sorted(p.name for p in (out / "2026-11-24").iterdir()) == ["briefing.html", "briefing.json", "notes.txt"]
    assert (out / "2026-11-24" / "notes.txt").read_text() == "the desk's own notes\n"
    assert [p.name for p in out.iterdir() if p.name.startswith(".") and p.name not in (".briefgen.lock", ".briefgen")] == []


@pytest.mark.e2e
def test_a_failed_swap_leaves_the_old_set_whole(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-24").exit_code == 0
    before = snapshot(out)

    def broken(a: Path, b: Path) -> bool:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(a))
    monkeypatch.setattr(briefgen.output.archive, "exchange", broken)
    result = daily(corpus, out, "2026-11-24", "--no-history", "--format", "html,json")
    assert result.exit_code == 10
    assert snapshot(out) == before


@pytest.mark.e2e
def test_what_a_killed_run_left_is_cleaned_up_and_nothing_else(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert daily(corpus, out, "2026-11-23").exit_code == 0
    assert daily(corpus, out, "2026-11-24").exit_code == 0
    token = "0123456789abcdef"
    # killed while writing the new folder of a date
    staging = out / f".briefgen-new.2026-11-24.{token}"
    staging.mkdir()
    (staging / "briefing.md").write_text("half")
    # killed between the two renames of a swap without exchange: the old folder is aside, the date missing
    (out / "2026-11-23").rename(out / f".briefgen-old.2026-11-23.{token}")
    # killed after the swap, before the old folder was removed
    old = out / f".briefgen-old.2026-11-24.{token}"
    old.mkdir()
    (old / "briefing.md").write_text("old")
    (out / f".index.md.{token}.tmp").write_text("half")
    (out / f".latest.{token}.tmp").symlink_to("2026-11-24")
    (out / "2026-11-24" / f".briefing.eml.{token}.tmp").write_text("half")
    # not briefgen's: never touched
    mine = [out / ".briefgen-new.notes", out / ".index.md.tmp", out / "2026-11-24" / ".draft.tmp", out / "keep.txt"]
    for path in mine:
        path.write_text("mine")
    removed = clean_leftovers(out)
    assert sorted(p.name for p in removed) == sorted([staging.name, old.name, f".index.md.{token}.tmp", f".latest.{token}.tmp",
                                                      f".briefing.eml.{token}.tmp"])
    assert (out / "2026-11-23" / "briefing.json").is_file()  # put back
    assert all(p.read_text() == "mine" for p in mine)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".briefgen", ".briefgen-new.notes",
                                                                                ".briefgen.lock", ".index.md.tmp"]


def test_publish_writes_a_new_date_in_one_rename(tmp_path: Path) -> None:
    paths = publish(tmp_path, dt.date(2026, 11, 24), "briefing", {"briefing.md": b"# x\n", "briefing.json": b"{}\n"})
    assert paths == [tmp_path / "2026-11-24" / "briefing.md", tmp_path / "2026-11-24" / "briefing.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-24"]
    (tmp_path / "latest").mkdir()
    with pytest.raises(OutputError, match="not the symbolic link briefgen keeps there"):
        publish(tmp_path, dt.date(2026, 11, 24), "briefing", {"briefing.md": b"# y\n"})
    assert (tmp_path / "2026-11-24" / "briefing.md").read_bytes() == b"# x\n"


# --- the send side: a title with CR/LF cannot inject a header ----------------------------------

def test_a_title_with_line_breaks_cannot_inject_a_header(tmp_path: Path) -> None:
    pdf = tmp_path / "briefing.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    record = {**GOOD, "title": "Morning\r\nBcc: someone@example.org\r\n\r\nbody"}
    briefing = ArchivedBriefing(dt.date(2026, 11, 23), tmp_path, from_json(record))
    delivery = DeliveryOptions(sender="Briefings <b@example.org>", recipients=("desk@example.org",), subject="{title} — {date}")
    message = email.message_from_bytes(bytes(build_message(briefing, pdf, delivery)), policy=email.policy.default)
    assert message["Subject"] == "Morning Bcc: someone@example.org body — 2026-11-23"
    assert message["Bcc"] is None
    # nor can a key point, which the default subject quotes ({top})
    points = [{**p, "text": "Tariffs fell.\r\nBcc: someone@example.org"} for p in record.get("key_points", [])] or [
        {"text": "Tariffs fell.\r\nBcc: someone@example.org", "sources": []}]
    quoted = ArchivedBriefing(dt.date(2026, 11, 23), tmp_path, from_json({**record, "key_points": points}))
    message = email.message_from_bytes(bytes(build_message(quoted, pdf, DeliveryOptions(
        sender="Briefings <b@example.org>", recipients=("desk@example.org",)))), policy=email.policy.default)
    assert message["Subject"].endswith(": Tariffs fell. Bcc: someone@example.org") and message["Bcc"] is None
    with pytest.raises(ConfigError, match="delivery.sender"):
        build_message(briefing, pdf, DeliveryOptions(sender="b@example.org\r\nBcc: x@example.org", recipients=("d@example.org",)))
