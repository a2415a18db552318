"""The corpus index (briefgen.corpus_index): a run reads only new and changed files and parses
only the window's articles, the briefing is byte-identical to a run without the index, and
whatever happens to the index (deleted, garbage, another version, held by another run) the run
goes on with a warning. Every article here is made up for these tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import Result

from briefgen.about import AboutRule
from briefgen.config import load_options
from briefgen.corpus_index import IndexedCorpus, open_corpus
from briefgen.corpus_index import scan as scan_module
from briefgen.corpus_index import store as store_module
from briefgen.corpus_index import window as window_module
from briefgen.load import load_corpus, text_digest
from briefgen.stages import Settings, split_part
from briefgen.text import split as split_module
from briefgen.text.split import Split
from tests.conftest import (
    RECOGNITION_TEXT,
    SECURITY_TEXT,
    TRADE_TEXT,
    brief_md_json,
    briefing_files,
    md_file,
    run_cli,
)

FIRST = dt.date(2026, 11, 18)
DAYS = 9  # 18 to 26 November
WORDS = ["officials", "traders", "convoy", "border", "ministry", "railway", "customs", "envoy", "talks", "village", "harvest", "council", "bridge", "market", "cargo", "tariff", "police", "patrol", "court", "drought", "river", "school", "clinic", "wheat", "cotton", "power", "line", "road", "ledger", "steppe", "valley", "tunnel", "depot", "permit", "quota", "audit", "survey", "grain", "mill", "bus", "station", "airport"]
VERBS = ["said", "reported", "inspected", "delayed", "approved", "opened", "closed", "rebuilt", "discussed", "blocked", "funded", "praised"]


def prose(rng: random.Random, sentences: int = 12, lead: str = "") -> str:
    """Made-up sentences that share no run of three words with another call's, but for chance."""
    out = [lead] if lead else []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(4)]
        out.append(f"The {words[0]} {rng.choice(VERBS)} the {words[1]} near the {words[2]} {rng.choice(VERBS)} "
                   f"by the {words[3]} council {rng.randint(2, 999)} times.")
    return " ".join(out)


def tricky_corpus(folder: Path, seed: int = 7, settled: bool = True) -> Path:
    """Articles over nine days with every case the index must get right: wire copies in other
    outlets on later days (the first copy outside a window), a copy from the same outlet
    (dropped), byte-identical copies without an outlet, undated articles, a feed and a JSON
    lines file of several articles, one bad entry, an empty file, two files giving one id, a
    text without sentence punctuation, and sub-folders. ``settled``: every file last changed an
    hour ago (a file changed just before it was indexed is checked again on the next run)."""
    rng = random.Random(seed)
    topics = (TRADE_TEXT, SECURITY_TEXT, RECOGNITION_TEXT)
    for d in range(DAYS):
        day = FIRST + dt.timedelta(days=d)
        for k in range(3):
            md_file(folder / f"desk{k}", f"{day.isoformat()}-story{k}.md", prose(rng, lead=topics[(d + k) % 3]),
                    title=f"Story {d}-{k}", date=day.isoformat(), source=f"Outlet {k}")
    wire = prose(rng, lead=TRADE_TEXT)
    md_file(folder / "wire", "2026-11-20-rail.md", wire, title="Rail deal", date="2026-11-20", source="Khyber Wire")
    md_file(folder / "zcopies", "2026-11-23-rail.md", wire + " Reporting by a staff writer.", title="Rail deal signed",
            date="2026-11-23", source="Steppe Ledger")
    md_file(folder / "zcopies", "2026-11-23-rail-again.md", wire + " Corrected.", title="Rail deal (corrected)",
            date="2026-11-23", source="khyber wire")
    md_file(folder / "zcopies", "2026-11-26-rail-late.md", wire + " Published late.", title="Rail deal, late",
            date="2026-11-26", source="Valley Post")
    same = prose(rng, lead=SECURITY_TEXT)
    md_file(folder / "nosource", "twin-a.md", same, title="Twin", date=None, source="")
    md_file(folder / "nosource", "twin-b.md", same, title="Twin", date=None, source="")
    md_file(folder / "nosource", "lonely.md", prose(rng), title="Undated", date=None, source="Outlet 0")
    entries = "".join(
        f"<item><title>Feed {i}</title><link>https://feed.example/{i}</link>"
        f"<pubDate>{(FIRST + dt.timedelta(days=i * 2)).strftime('%a, %d %b %Y')} 08:00:00 GMT</pubDate>"
        f"<description>{prose(rng, 6, RECOGNITION_TEXT)}</description></item>" for i in range(4))
    (folder / "feeds").mkdir()
    (folder / "feeds" / "wire.rss").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed Wire</title>{entries}</channel></rss>', encoding="utf-8")
    lines = [json.dumps({"title": f"Line {i}", "date": (FIRST + dt.timedelta(days=i + 4)).isoformat(), "source": "Lines",
                         "text": prose(rng, 8, SECURITY_TEXT)}) for i in range(2)]
    (folder / "feeds" / "lines.jsonl").write_text("\n".join([lines[0], "{not json", lines[1]]) + "\n", encoding="utf-8")
    (folder / "feeds" / "empty.md").write_text("", encoding="utf-8")
    md_file(folder, "2026-11-22-story.md", prose(rng), title="Same id", date="2026-11-22")
    (folder / "2026-11-22-story.txt").write_text("Same id, other file\n\n" + prose(rng) + "\n", encoding="utf-8")
    md_file(folder, "2026-11-24-notes.md", "no punctuation here at all just words " * 3, title="Notes", date="2026-11-24")
    if settled:
        settle(folder)
    return folder


def settle(folder: Path) -> None:
    """Date every file of ``folder`` an hour back."""
    hour_ago = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (hour_ago, hour_ago))


def windows() -> list[tuple[dt.date, dt.date]]:
    days = [FIRST + dt.timedelta(days=d) for d in range(-1, DAYS + 1)]
    return [(d, d) for d in days] + [(days[0], days[-1]), (FIRST + dt.timedelta(days=3), FIRST + dt.timedelta(days=6))]


def same_answers(indexed, whole) -> None:
    """The indexed corpus answers every question of the daily run as the corpus loaded whole does."""
    assert isinstance(indexed, IndexedCorpus)
    assert [str(p) for p in indexed.problems] == [str(p) for p in whole.problems]
    assert indexed.warnings == whole.warnings
    assert indexed.newest_date() == whole.newest_date()
    assert indexed.coverage_hint() == whole.coverage_hint()
    assert list(indexed.undated) == whole.undated
    for start, end in windows():
        assert indexed.in_window(start, end) == whole.in_window(start, end), (start, end)
    options = load_options()
    rule = AboutRule(options.topics, options.ranking)
    for end in (FIRST, FIRST + dt.timedelta(days=4), FIRST + dt.timedelta(days=DAYS + 20)):
        assert indexed.activity(rule, end) == whole.activity(rule, end), end


def test_the_index_answers_as_the_whole_corpus_does(tmp_path: Path) -> None:
    corpus = tricky_corpus(tmp_path / "corpus")
    whole = load_corpus(corpus)
    assert whole.duplicates == 4 and len(whole.problems) == 2 and whole.undated  # the cases are there
    assert any(a.also_in for a in whole.in_window(dt.date(2026, 11, 23), dt.date(2026, 11, 26)))
    options = load_options()  # the index keeps whether each article is about each topic
    rule = AboutRule(options.topics, options.ranking)
    same_answers(open_corpus(corpus, tmp_path / "cache", 5_000_000, rule=rule), whole)  # building the index
    same_answers(open_corpus(corpus, tmp_path / "cache", 5_000_000, rule=rule), whole)  # from the index


def test_the_index_answers_as_the_whole_corpus_over_several_processes(tmp_path: Path) -> None:
    corpus = tricky_corpus(tmp_path / "corpus", seed=11)
    whole = load_corpus(corpus)
    same_answers(open_corpus(corpus, tmp_path / "cache", 5_000_000, jobs=2), whole)
    same_answers(open_corpus(corpus, tmp_path / "cache", 5_000_000, jobs=2), whole)


class Counted:
    """Counts the files a function is called on."""

    def __init__(self, fn, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
        self.fn, self.paths = fn, []
        monkeypatch.setattr(where, self)

    def __call__(self, *args, **kwargs):
        named = args[0].path if hasattr(args[0], "path") else args[1]  # read_job(job), parse_file(raw, path, …)
        self.paths.append(Path(named).name)
        return self.fn(*args, **kwargs)


def test_a_run_reads_only_new_and_changed_files_and_parses_only_the_window(tmp_path: Path, monkeypatch) -> None:
    corpus = tricky_corpus(tmp_path / "corpus")
    open_corpus(corpus, tmp_path / "cache", 5_000_000)
    reads = Counted(scan_module.read_job, monkeypatch, "briefgen.corpus_index.scan.read_job")
    parses = Counted(window_module.parse_file, monkeypatch, "briefgen.corpus_index.window.parse_file")
    asked: list[bytes] = []
    monkeypatch.setattr(window_module, "kept_texts", lambda folder, digests, timeout: (
        asked.extend(digests), store_module.kept_texts(folder, digests, timeout))[1])
    indexed = open_corpus(corpus, tmp_path / "cache", 5_000_000)
    assert isinstance(indexed, IndexedCorpus)
    assert sorted(reads.paths) == ["empty.md"]  # an unusable file is tried again every run, nothing else is read
    window = indexed.in_window(dt.date(2026, 11, 21), dt.date(2026, 11, 21))
    assert len(window) == 3 and not parses.paths  # the index keeps their texts: no file is read again
    assert sorted(asked) == sorted(text_digest(a.text) for a in window)

    asked.clear()
    window = indexed.in_window(dt.date(2026, 11, 26), dt.date(2026, 11, 26))  # a wire copy: its group is compared
    whole = load_corpus(corpus).articles
    made = {digest for digest in asked}
    assert {text_digest(a.text) for a in whole if a.path.endswith(("2026-11-20-rail.md", "2026-11-23-rail.md"))} <= made
    assert not any(text_digest(a.text) in made for a in whole if "story" in a.path and "2026-11-26" not in a.path)
    assert not parses.paths

    with sqlite3.connect(tmp_path / "cache" / "corpus.sqlite") as db:  # texts the index does not keep: files parsed
        db.execute("DELETE FROM texts")
    again = open_corpus(corpus, tmp_path / "cache", 5_000_000)
    assert again.in_window(dt.date(2026, 11, 21), dt.date(2026, 11, 21)) == load_corpus(corpus).in_window(
        dt.date(2026, 11, 21), dt.date(2026, 11, 21))
    assert sorted(parses.paths) == ["2026-11-21-story0.md", "2026-11-21-story1.md", "2026-11-21-story2.md"]

    md_file(corpus / "desk0", "2026-11-27-new.md", prose(random.Random(1)), date="2026-11-27")
    reads.paths.clear()
    open_corpus(corpus, tmp_path / "cache", 5_000_000)
    assert sorted(reads.paths) == ["2026-11-27-new.md", "empty.md"]


def test_a_run_through_an_index_up_to_date_reads_its_snapshot_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    corpus = tricky_corpus(tmp_path / "corpus")
    options = load_options()
    rule = AboutRule(options.topics, options.ranking)
    open_corpus(corpus, tmp_path / "cache", 5_000_000, rule=rule)
    calls: list[str] = []

    def spy(owner, name: str) -> None:
        fn = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda *a: (calls.append(name), fn(*a))[1])

    spy(store_module, "_entries")  # the rows, a row a file and an article
    spy(store_module, "likely_pairs")  # the likely pairs, worked out again
    spy(store_module.IndexStore, "save")
    spy(store_module.IndexStore, "keep")
    whole = load_corpus(corpus)
    same_answers(open_corpus(corpus, tmp_path / "cache", 5_000_000, rule=rule), whole)
    assert calls == []

    md_file(corpus / "desk0", "2026-11-27-new.md", prose(random.Random(1)), date="2026-11-27")
    (corpus / "desk0" / "2026-11-24-story0.md").unlink()
    settle(corpus)
    whole = load_corpus(corpus)
    same_answers(open_corpus(corpus, tmp_path / "cache", 5_000_000, rule=rule), whole)  # a new file, one gone
    assert calls == ["save", "keep", "likely_pairs"]  # the snapshot written again, its pairs worked out once
    calls.clear()
    same_answers(open_corpus(corpus, tmp_path / "cache", 5_000_000, rule=rule), whole)
    assert calls == []
    with contextlib.closing(sqlite3.connect(tmp_path / "cache" / "corpus.sqlite")) as db:  # the snapshot is its rows
        snapshot, rows = store_module._snapshot(db), store_module.Held.of(store_module._entries(db))
    assert snapshot is not None and sorted(snapshot.path) == sorted(rows.path) and len(snapshot) > 20
    order = [snapshot.path.index(path) for path in rows.path]
    assert [snapshot.entry(f) for f in order] == [rows.entry(f) for f in range(len(rows))]
    assert snapshot.likely().tolist() == store_module.Held(
        [list(getattr(snapshot, name)) for name in store_module.FILE_COLUMNS],
        [list(getattr(snapshot, name)) for name in store_module.ARTICLE_COLUMNS]).likely().tolist()


def test_the_index_keeps_each_window_article_split_as_the_split_stage_splits_it(tmp_path: Path, monkeypatch) -> None:
    corpus = tricky_corpus(tmp_path / "corpus")
    open_corpus(corpus, tmp_path / "cache", 5_000_000)
    indexed = open_corpus(corpus, tmp_path / "cache", 5_000_000)
    assert isinstance(indexed, IndexedCorpus)
    window = indexed.in_window(dt.date(2026, 11, 20), dt.date(2026, 11, 26))
    kept = indexed.sentences(window)
    assert all(one is not None for one in kept)
    assert kept == [Split.of(article) for article in window]
    settings = Settings.of(load_options())
    splits = Counted(split_module.split_article, monkeypatch, "briefgen.text.split.split_article")
    with_kept, split_here = split_part(window, settings, known=kept), split_part(window, settings)
    assert len(with_kept.sentences) > 20
    for field in ("sentences", "stems", "keys", "words"):
        assert getattr(with_kept, field) == getattr(split_here, field), field
    assert with_kept.owner.tolist() == split_here.owner.tolist()
    assert len(splits.paths) == len(window)  # only the run without the kept sentences split them


def test_building_the_index_shows_progress_over_every_file(tmp_path: Path) -> None:
    corpus = tricky_corpus(tmp_path / "corpus")
    shown: list[tuple[str, int, int]] = []

    def progress(label: str):
        def wrap(items, length):
            done = 0
            for done, item in enumerate(items, 1):  # noqa: B007 - counted for the assertion
                yield item
            shown.append((label, length, done))
        return wrap

    open_corpus(corpus, tmp_path / "cache", 5_000_000, progress=progress)
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    assert ("Indexing articles", files, files) in shown
    shown.clear()
    open_corpus(corpus, tmp_path / "cache", 5_000_000, progress=progress)
    assert ("Indexing articles", 1, 1) in shown  # the empty file, read again


# --- the command line: byte-identical briefings ------------------------------------------


BUNDLED = Path(__file__).resolve().parents[2] / "corpus"


def brief(corpus: Path, out: Path, *extra: str, date: str = "latest", days: str = "7") -> Result:
    return brief_md_json(corpus, out, "--no-history", *extra, date=date, days=days)


files = briefing_files


@pytest.mark.parametrize(("date", "days"), [("latest", "7"), ("2026-11-25", "1"), ("2026-11-24", "3")])
@pytest.mark.e2e
def test_bundled_corpus_briefing_is_byte_identical_with_and_without_the_index(tmp_path: Path, date: str, days: str) -> None:
    brief(BUNDLED, tmp_path / "plain", "--no-cache", date=date, days=days)
    brief(BUNDLED, tmp_path / "indexed", date=date, days=days)  # builds the index
    assert (tmp_path / "indexed" / ".briefgen" / "corpus.sqlite").is_file()
    assert files(tmp_path / "indexed") == files(tmp_path / "plain")
    second = brief(BUNDLED, tmp_path / "indexed", date=date, days=days)  # reads the index
    assert files(tmp_path / "indexed") == files(tmp_path / "plain")
    assert second.stderr == ""


@pytest.mark.e2e
def test_tricky_corpus_briefing_is_byte_identical_and_so_are_the_warnings(tmp_path: Path) -> None:
    corpus = tricky_corpus(tmp_path / "corpus")
    plain = brief(corpus, tmp_path / "plain", "--no-cache", date="2026-11-26", days="4")
    first = brief(corpus, tmp_path / "indexed", date="2026-11-26", days="4")
    second = brief(corpus, tmp_path / "indexed", date="2026-11-26", days="4")
    assert files(tmp_path / "indexed") == files(tmp_path / "plain")
    assert plain.exit_code == first.exit_code == second.exit_code == 9  # the empty file and the bad line
    assert first.stderr == plain.stderr and second.stderr == plain.stderr


@pytest.mark.e2e
def test_cache_option_puts_the_index_where_asked_and_no_cache_keeps_none(tmp_path: Path) -> None:
    brief(BUNDLED, tmp_path / "out", "--cache", str(tmp_path / "elsewhere"))
    assert (tmp_path / "elsewhere" / "corpus.sqlite").is_file()
    assert (tmp_path / "elsewhere" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert not (tmp_path / "out" / ".briefgen").exists()
    brief(BUNDLED, tmp_path / "none", "--no-cache")
    assert not (tmp_path / "none" / ".briefgen").exists()
    config = tmp_path / "desk.toml"
    config.write_text('[cache]\ndir = "idx"\n', encoding="utf-8")
    brief(BUNDLED, tmp_path / "configured", "--config", str(config))
    assert (tmp_path / "idx" / "corpus.sqlite").is_file()  # relative to the config file
    config.write_text("[cache]\nenabled = false\n", encoding="utf-8")
    brief(BUNDLED, tmp_path / "off", "--config", str(config))
    assert not (tmp_path / "off" / ".briefgen").exists()
    both = run_cli("daily", "--corpus", str(BUNDLED), "--out", str(tmp_path / "x"), "--cache", "c", "--no-cache")
    assert both.exit_code == 2 and "Error: --cache and --no-cache cannot be used together" in both.stderr


# --- the index is a cache, never the truth -----------------------------------------------


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A corpus, its briefing without the index, and an output folder whose index exists."""
    corpus = tricky_corpus(tmp_path / "corpus")
    brief(corpus, tmp_path / "plain", "--no-cache", date="2026-11-26", days="4")
    brief(corpus, tmp_path / "out", date="2026-11-26", days="4")
    return corpus, tmp_path / "out", files(tmp_path / "plain")


def rerun(corpus: Path, out: Path, *extra: str):
    return brief(corpus, out, *extra, date="2026-11-26", days="4")


def index_file(out: Path) -> Path:
    return out / ".briefgen" / "corpus.sqlite"


@pytest.mark.e2e
def test_a_deleted_index_is_rebuilt_with_a_warning(indexed) -> None:
    corpus, out, expected = indexed
    index_file(out).unlink()
    result = rerun(corpus, out)
    assert "warning: the corpus index" in result.stderr and "is missing: rebuilding it" in result.stderr
    assert files(out) == expected and index_file(out).is_file()
    assert "corpus index" not in rerun(corpus, out).stderr


@pytest.mark.parametrize("where", ["whole", "header", "middle", "tail"])
@pytest.mark.e2e
def test_an_index_full_of_garbage_is_rebuilt_with_a_warning(indexed, where: str) -> None:
    corpus, out, expected = indexed
    path = index_file(out)
    data = bytearray(path.read_bytes())
    noise = random.Random(where).randbytes
    if where == "whole":
        data = bytearray(noise(len(data)))
    elif where == "header":
        data[:100] = noise(100)
    elif where == "middle":  # every page but the first: the tables' contents
        data[4096:] = noise(len(data) - 4096)
    else:
        data[-3000:] = noise(3000)
    path.write_bytes(bytes(data))
    result = rerun(corpus, out)
    assert "warning: the corpus index" in result.stderr and "rebuilding it from the corpus" in result.stderr
    assert files(out) == expected
    assert "corpus index" not in rerun(corpus, out).stderr  # rebuilt for good


@pytest.mark.parametrize("where", ["snapshot", "rows"])
@pytest.mark.e2e
def test_a_changed_row_is_caught_by_its_checksum(indexed, where: str) -> None:
    corpus, out, expected = indexed
    with sqlite3.connect(index_file(out)) as db:  # a date moved: SQLite's own check cannot see it
        if where == "snapshot":  # what a run reads of an index up to date
            assert db.execute("UPDATE snapshot SET data = CAST(replace(data, '2026-11-20', '2026-11-26') AS BLOB) "
                              "WHERE name = 'date'").rowcount == 1
        else:  # an index whose snapshot is gone (a run stopped while saving): its rows are read
            db.execute("DELETE FROM snapshot")
            db.execute("UPDATE articles SET date = '2026-11-26' WHERE date = '2026-11-20'")
    result = rerun(corpus, out)
    assert "does not match its checksum" in result.stderr and "rebuilding it" in result.stderr
    assert files(out) == expected


@pytest.mark.parametrize("values", [["Kabul talks", "", "Тегеран: ĳ ✓", "lone \udc80 surrogate", ""], [""]])
def test_a_text_column_of_the_snapshot_reads_back_as_written(values: list[str]) -> None:
    name, kind, data = store_module._column("title", values)
    assert kind == "text"
    column = store_module._values(kind, data, len(values))
    assert isinstance(column, store_module.Texts)  # held as bytes, each string decoded when asked
    assert len(column) == len(values) and list(column) == values and column[:] == values
    assert [column[k] for k in range(len(values))] == values and [column[-1 - k] for k in range(len(values))] == values[::-1]
    with pytest.raises(IndexError):
        column[len(values)]
    assert store_module._column("title", column) == (name, kind, data)  # written back without a string made
    with pytest.raises(store_module.Damaged, match="do not fit together"):
        store_module._values(kind, data, len(values) + 1)


@pytest.mark.e2e
def test_a_damaged_page_of_texts_is_found_when_read_and_the_index_rebuilt_next_run(indexed) -> None:
    corpus, out, expected = indexed  # SQLite's check of every run covers the snapshot, not the texts
    path = index_file(out)
    with contextlib.closing(sqlite3.connect(path)) as db:
        page = db.execute("PRAGMA page_size").fetchone()[0]
        [(text,)] = db.execute("SELECT t.text FROM texts t JOIN articles a ON a.digest = t.digest "
                               "WHERE a.date = '2026-11-26' ORDER BY length(t.text) LIMIT 1").fetchall()
    data = bytearray(path.read_bytes())
    at = data.find(text) // page * page  # the page that holds a text of the window, every byte of it noise
    assert at > 0 and data.find(text, data.find(text) + 1) < 0
    data[at:at + page] = random.Random(3).randbytes(page)
    path.write_bytes(bytes(data))
    result = rerun(corpus, out)
    assert "is damaged" in result.stderr and "it is rebuilt from the corpus on the next run" in result.stderr
    assert files(out) == expected and not path.exists()
    result = rerun(corpus, out)
    assert "is missing: rebuilding it" in result.stderr and files(out) == expected
    assert "corpus index" not in rerun(corpus, out).stderr


@pytest.mark.e2e
def test_changed_texts_are_caught_by_their_checksum_and_read_again(indexed) -> None:
    corpus, out, expected = indexed
    with sqlite3.connect(index_file(out)) as db:  # every sentence cut elsewhere, a text changed
        db.execute("UPDATE texts SET spans = zeroblob(length(spans))")
        db.execute("UPDATE texts SET text = 'Tampered. ' || text WHERE rowid = 1")
    result = rerun(corpus, out)
    assert "texts that do not match their checksum: reading their files" in result.stderr
    assert files(out) == expected


@pytest.mark.e2e
def test_an_index_of_an_older_version_is_rebuilt_with_a_warning(indexed) -> None:
    corpus, out, expected = indexed
    with sqlite3.connect(index_file(out)) as db:
        db.execute("UPDATE meta SET value = '0.0.9+000000000000' WHERE key = 'briefgen'")
    result = rerun(corpus, out)
    assert "it was written by briefgen 0.0.9+000000000000" in result.stderr and "rebuilding it" in result.stderr
    assert files(out) == expected
    assert "corpus index" not in rerun(corpus, out).stderr


@pytest.mark.e2e
def test_an_index_of_an_older_layout_is_rebuilt_with_a_warning(indexed) -> None:
    corpus, out, expected = indexed
    index_file(out).unlink()
    with sqlite3.connect(index_file(out)) as db:  # what an earlier layout could have been: no meta table
        db.execute("CREATE TABLE files (path TEXT PRIMARY KEY, mtime REAL, title TEXT)")
        db.execute("INSERT INTO files VALUES ('desk0/2026-11-26-story0.md', 0.0, 'Old')")
    result = rerun(corpus, out)
    assert "it was written by another version of briefgen" in result.stderr
    assert files(out) == expected


@pytest.mark.e2e
def test_the_same_corpus_folder_named_another_way_keeps_its_index(indexed, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, out, expected = indexed  # built with the corpus's absolute path
    monkeypatch.chdir(corpus.parent)  # a cron job started in another folder names it relatively
    before = index_file(out).stat().st_mtime_ns
    result = rerun(Path(corpus.name), out.resolve())
    assert "rebuilding" not in result.stderr and "index of the corpus folder" not in result.stderr
    assert index_file(out).stat().st_mtime_ns == before
    assert files(out)["briefing.md"] == expected["briefing.md"]  # the JSON names files as the corpus was named


@pytest.mark.e2e
def test_an_index_of_another_corpus_folder_is_rebuilt(indexed, tmp_path: Path) -> None:
    corpus, out, expected = indexed
    other = tmp_path / "other"
    corpus.rename(other)
    result = rerun(other, out)
    assert "it is the index of the corpus folder" in result.stderr
    other.rename(corpus)


@pytest.mark.e2e
def test_a_run_waits_for_another_run_holding_the_index(indexed, tmp_path: Path) -> None:
    import fcntl

    corpus, out, expected = indexed
    held, release = threading.Event(), threading.Event()

    def other_run() -> None:
        with open(f"{index_file(out)}.lock", "a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            held.set()
            release.wait()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    thread = threading.Thread(target=other_run)
    thread.start()
    held.wait()
    threading.Timer(1.0, release.set).start()
    result = rerun(corpus, out)
    thread.join()
    assert "another briefgen run is using the corpus index" in result.stderr and "waiting for it" in result.stderr
    assert files(out) == expected


@pytest.mark.e2e
def test_a_run_goes_without_the_index_when_the_other_run_holds_it_too_long(indexed, tmp_path: Path) -> None:
    import fcntl

    corpus, out, expected = indexed
    config = tmp_path / "short.toml"
    config.write_text("[output]\nlock_timeout = 0.5\n", encoding="utf-8")
    with open(f"{index_file(out)}.lock", "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        result = rerun(corpus, out, "--config", str(config))
    assert "cannot use the corpus index" in result.stderr and "reading the whole corpus" in result.stderr
    assert files(out) == expected


@pytest.mark.e2e
def test_a_run_goes_on_when_another_program_holds_the_database(indexed, tmp_path: Path) -> None:
    corpus, out, expected = indexed
    md_file(corpus / "desk1", "2026-11-26-extra.md", TRADE_TEXT + " " + prose(random.Random(5)), date="2026-11-26",
            source="Outlet 9")
    brief(corpus, tmp_path / "plain2", "--no-cache", date="2026-11-26", days="4")
    config = tmp_path / "short.toml"
    config.write_text("[output]\nlock_timeout = 0.5\n", encoding="utf-8")
    other = sqlite3.connect(index_file(out), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = rerun(corpus, out, "--config", str(config))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "corpus index" in result.stderr and "locked" in result.stderr
    assert files(out) == files(tmp_path / "plain2")
    assert "corpus index" not in rerun(corpus, out).stderr  # and the next run saves what it read


@pytest.mark.e2e
def test_a_file_edited_in_place_with_the_same_size_is_read_again(indexed, tmp_path: Path) -> None:
    corpus, out, _ = indexed
    path = corpus / "desk0" / "2026-11-26-story0.md"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Uzbekistan", "Kazakhstan", 1) if "Uzbekistan" in text else text.replace("The", "Ahe", 1)
    assert len(edited.encode()) == len(text.encode()) and edited != text
    before = path.stat()
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 5_000_000_000))
    result = rerun(corpus, out)
    assert "changed during the run" not in result.stderr
    brief(corpus, tmp_path / "plain2", "--no-cache", date="2026-11-26", days="4")
    assert files(out) == files(tmp_path / "plain2")
    assert files(out) != indexed[2]


@pytest.mark.e2e
def test_a_file_changed_with_its_old_size_and_time_put_back_is_read_again(indexed, tmp_path: Path) -> None:
    corpus, out, _ = indexed
    path = corpus / "desk1" / "2026-11-26-story1.md"
    text = path.read_text(encoding="utf-8")
    before = path.stat()
    path.write_text(text.replace("The ", "An ", 1).replace("the ", "thy ", 1)[:len(text) - 1] + "\n", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # size and time as before: only ctime tells
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    result = rerun(corpus, out)
    assert "changed during the run" not in result.stderr  # the index saw it (not the window's own check)
    brief(corpus, tmp_path / "plain2", "--no-cache", date="2026-11-26", days="4")
    assert files(out) == files(tmp_path / "plain2")


@pytest.mark.e2e
def test_a_file_replaced_by_an_older_file_is_read_again(indexed, tmp_path: Path) -> None:
    corpus, out, _ = indexed
    path = corpus / "desk2" / "2026-11-25-story2.md"
    older = tmp_path / "older.md"
    md_file(tmp_path, "older.md", SECURITY_TEXT + " " + prose(random.Random(3)), title="An older version",
            date="2026-11-25", source="Outlet 2")
    os.utime(older, (time.time() - 86_400 * 30, time.time() - 86_400 * 30))
    os.replace(older, path)
    result = rerun(corpus, out)
    brief(corpus, tmp_path / "plain2", "--no-cache", date="2026-11-26", days="4")
    assert files(out) == files(tmp_path / "plain2")
    assert "corpus index" not in result.stderr and "changed during the run" not in result.stderr
    window = open_corpus(corpus, out / ".briefgen", 5_000_000).in_window(dt.date(2026, 11, 25), dt.date(2026, 11, 25))
    assert "An older version" in [a.title for a in window]


@pytest.mark.e2e
def test_a_deleted_file_leaves_the_briefing_and_the_index(indexed, tmp_path: Path) -> None:
    corpus, out, _ = indexed
    (corpus / "wire" / "2026-11-20-rail.md").unlink()  # the first of a group of copies
    rerun(corpus, out)
    brief(corpus, tmp_path / "plain2", "--no-cache", date="2026-11-26", days="4")
    assert files(out) == files(tmp_path / "plain2")
    with sqlite3.connect(index_file(out)) as db:
        assert db.execute("SELECT count(*) FROM files WHERE path = 'wire/2026-11-20-rail.md'").fetchone() == (0,)


def test_a_file_changed_during_the_run_makes_it_read_the_whole_corpus(tmp_path: Path, caplog) -> None:
    corpus = tricky_corpus(tmp_path / "corpus")
    open_corpus(corpus, tmp_path / "cache", 5_000_000)
    indexed = open_corpus(corpus, tmp_path / "cache", 5_000_000)
    path = corpus / "desk0" / "2026-11-21-story0.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Story 3-0", "Story changed"), encoding="utf-8")
    window = indexed.in_window(dt.date(2026, 11, 21), dt.date(2026, 11, 21))
    assert "changed during the run" in caplog.text
    assert window == load_corpus(corpus).in_window(dt.date(2026, 11, 21), dt.date(2026, 11, 21))
    assert any(a.title == "Story changed" for a in window)


def test_the_racy_window_a_file_written_just_before_indexing_is_checked_again(tmp_path: Path, monkeypatch) -> None:
    corpus = tricky_corpus(tmp_path / "corpus", settled=False)
    open_corpus(corpus, tmp_path / "cache", 5_000_000)  # every file was written moments ago
    reads = Counted(scan_module.read_job, monkeypatch, "briefgen.corpus_index.scan.read_job")
    parses = Counted(scan_module.parse_file, monkeypatch, "briefgen.corpus_index.scan.parse_file")
    open_corpus(corpus, tmp_path / "cache", 5_000_000)
    assert len(reads.paths) == sum(1 for p in corpus.rglob("*") if p.is_file())  # hashed again…
    assert parses.paths == ["empty.md"]  # …but not parsed (the bytes are the same), but the unusable file
    settle(corpus)
    open_corpus(corpus, tmp_path / "cache", 5_000_000)  # the new times: read, not parsed
    reads.paths.clear()
    parses.paths.clear()
    open_corpus(corpus, tmp_path / "cache", 5_000_000)
    assert reads.paths == ["empty.md"] and parses.paths == ["empty.md"]


def test_building_the_index_draws_a_progress_bar_on_a_terminal(tmp_path: Path, monkeypatch) -> None:
    import io
    import sys

    from briefgen import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    corpus = tricky_corpus(tmp_path / "corpus")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    open_corpus(corpus, tmp_path / "cache", 5_000_000, progress=lambda label: cli._progress(label, after=0.0))
    drawn = terminal.getvalue()
    assert "Indexing articles  [" in drawn and drawn.rstrip().endswith("100%\x1b[?25h")
    plain = io.StringIO()  # not a terminal: nothing drawn
    monkeypatch.setattr(sys, "stderr", plain)
    open_corpus(corpus, tmp_path / "cache2", 5_000_000, progress=lambda label: cli._progress(label, after=0.0))
    assert plain.getvalue() == ""
