"""Bad input: each kind gets a one-line warning naming the file and the reason, the run goes on,
and nothing else is lost. Every fixture is made up here."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import threading
import tracemalloc
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.config import load_options
from briefgen.errors import ArticleError
from briefgen.load import FileResult, load_corpus, read_bytes
from briefgen.pipeline import build_briefing
from briefgen.stages import Settings, split_part
from tests.conftest import SECURITY_TEXT, TRADE_TEXT, md_file
from tests.steps import growth, python_steps

GOOD = "2026-11-24-good.md"


def corpus_with(tmp_path: Path, name: str, content: bytes | str) -> tuple[Path, Path]:
    """A corpus of one good article and one bad file."""
    folder = tmp_path / "corpus"
    md_file(folder, GOOD, TRADE_TEXT, source="Steppe Ledger")
    bad = folder / name
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder, bad


def one_problem(folder: Path, bad: Path) -> str:
    """Load ``folder``: the good article loads and ``bad`` is the one problem, on one line."""
    result = load_corpus(folder)
    assert [a.id for a in result.articles] == [GOOD[:-3]]
    [problem] = result.problems
    assert problem.path == str(bad)
    assert "\n" not in str(problem)
    return problem.reason


def one_warning(folder: Path, bad: Path) -> str:
    """Load ``folder``: both files load and ``bad`` has the one warning, on one line."""
    result = load_corpus(folder)
    assert len(result.articles) == 2 and result.problems == []
    [warning] = result.warnings
    assert warning.startswith(f"{bad}: ") and "\n" not in warning
    return warning


def test_empty_file(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-empty.txt", b"")
    assert one_problem(folder, bad) == "no article text"


def test_file_of_white_space_only(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-blank.md", " \n\t\r\n  \n")
    assert one_problem(folder, bad) == "no article text"


def test_binary_file(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert one_problem(folder, bad) == "binary file, not text"


def test_binary_file_without_nul_bytes(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-noise.txt", bytes(range(1, 256)) * 8)
    assert one_problem(folder, bad) == "binary file, not text"


def test_50_mb_text_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-huge.txt", b"")
    chunk = b"Tariffs on transit freight rose again at the border crossing, traders said. " * 14_000
    with bad.open("wb") as handle:
        for _ in range(50):  # 50 MB of text, written a megabyte at a time
            handle.write(chunk[:1_000_000])
    tracemalloc.start()
    try:
        reason = one_problem(folder, bad)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "file is 50.0 MB, over the 5.0 MB limit"
    assert peak < 20_000_000


@pytest.mark.e2e
def test_the_size_limit_comes_from_the_config_through_the_daily_run(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-long.md", "---\ntitle: Long\n---\n\n" + SECURITY_TEXT * 10)
    config = tmp_path / "desk.toml"
    config.write_text("[input]\nmax_bytes = 2000\n")
    result = CliRunner().invoke(cli, ["daily", "--corpus", str(folder), "--out", str(tmp_path / "out"), "--date", "2026-11-24",
                                      "--format", "md", "--config", str(config)])
    assert (tmp_path / "out" / "2026-11-24" / "briefing.md").exists(), result.output
    size = bad.stat().st_size
    assert (f"warning: skipped {bad}: file is {size:,} bytes, over the 2,000 bytes limit "
            "(split it, remove it from the corpus, or raise [input] max_bytes)\n") in result.stderr


def test_text_without_any_sentence_punctuation_loads_with_a_warning(tmp_path: Path) -> None:
    words = " ".join(["tariffs on cotton freight rose again at the border crossing"] * 30)
    folder, bad = corpus_with(tmp_path, "2026-11-24-nopunct.txt", words)
    assert "no sentence punctuation (. ! ?) at all" in one_warning(folder, bad)


def test_one_sentence_of_5000_words_loads_with_a_warning_and_the_briefing_goes_on(tmp_path: Path) -> None:
    sentence = " ".join(f"tariff{n % 50} and the corridor" for n in range(1250)) + "."
    folder, bad = corpus_with(tmp_path, "2026-11-24-run-on.md", f"---\ntitle: Run-on\n---\n\n{sentence}\n")
    assert "a run of 5,000 words without sentence punctuation" in one_warning(folder, bad)
    articles = load_corpus(folder).articles
    options = load_options()
    # The run-on never reaches the ranker, whose graph grows with the square of its candidates' words.
    assert all(len(s.text.split()) <= options.ranking.max_words for s in split_part(articles, Settings.of(options)).sentences)
    day = dt.date(2026, 11, 24)
    briefing = build_briefing(articles, options, day, day, day)
    assert all(len(i.text.split()) < 100 for s in briefing.sections for i in s.items)


def test_malformed_html_keeps_its_text(tmp_path: Path) -> None:
    page = ("<html><body><p>Uzbekistan cut transit tariffs on Monday, the ministry said.<p>Traders <b>welcomed <i>the "
            "decision</b> at the border.</i><div><p>Freight volumes could double within a year, officials said.</table></span>")
    folder, bad = corpus_with(tmp_path, "2026-11-24-broken.html", page)
    result = load_corpus(folder)
    assert result.problems == []
    [article] = [a for a in result.articles if a.path == str(bad)]
    assert article.text == ("Uzbekistan cut transit tariffs on Monday, the ministry said.\n\nTraders welcomed the decision at "
                            "the border.\n\nFreight volumes could double within a year, officials said.")


def test_html_without_article_text(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-shell.html", "<html><head><script>app()</script></head><body><div id=app></div></body></html>")
    assert one_problem(folder, bad) == "no article text"


def test_malformed_xml_that_is_no_feed(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-broken.xml", "<rss><channel><title>T</title><</chanel>")
    assert one_problem(folder, bad).startswith("malformed XML (line 1, column ")


def test_truncated_feed_loads_its_entries_with_a_warning(tmp_path: Path) -> None:
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Khyber Wire</title>'
            "<item><title>One</title><description>Tariffs on freight fell by a third on Monday.</description></item>"
            "<item><title>Two</title><description>Militants attacked a checkpoint overnight.</description></item>"
            "<item><title>Thr")
    folder, bad = corpus_with(tmp_path, "2026-11-24-cut.rss", feed)
    result = load_corpus(folder)
    assert sorted(a.title for a in result.articles) == ["Headline", "One", "Two"]
    [warning] = result.warnings
    assert warning.startswith(f"{bad}: malformed XML (line 1, column ") and "read leniently" in warning


def billion_laughs(levels: int = 10) -> str:
    entities = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY lol0 "lol">{entities}]>\n'
            f'<rss version="2.0"><channel><title>&lol{levels - 1};</title><item><title>x</title>'
            f"<description>&lol{levels - 1};</description></item></channel></rss>\n")


@pytest.mark.parametrize("content", [billion_laughs(), billion_laughs().replace("<channel>", "<channel><<"),
                                     billion_laughs().encode("utf-16")], ids=["bomb", "malformed-bomb", "utf16-bomb"])
def test_xml_entity_expansion_bomb_is_refused_quickly(tmp_path: Path, content: str | bytes) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-bomb.xml", content)
    tracemalloc.start()
    try:
        reason = one_problem(folder, bad)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "refused as a possible entity-expansion bomb" in reason
    assert peak < 50_000_000  # expanded, the entities would take gigabytes


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    feed = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]><rss version="2.0"><channel>'
            "<title>T</title><item><title>t</title><description>&x; said the minister.</description></item></channel></rss>")
    folder, bad = corpus_with(tmp_path, "2026-11-24-xxe.xml", feed)
    assert "refused" in one_problem(folder, bad)


def test_front_matter_that_is_not_yaml(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-yaml.md", "---\ntitle: [unclosed\ndate: {2026\n---\n\nText about trade.\n")
    assert one_problem(folder, bad).startswith("malformed front matter")


def test_front_matter_that_is_a_list(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-list.md", "---\n- a\n- b\n---\n\nText about trade.\n")
    assert one_problem(folder, bad) == "malformed front matter: not a set of key: value lines"


@pytest.mark.parametrize(("name", "content"), [
    ("2026-11-24-when.md", "---\ntitle: When\ndate: next tuesday\n---\n\nText about trade.\n"),
    ("2026-11-24-when.jsonl", '{"title": "When", "text": "Text about trade.", "date": "2026-13-45"}\n'),
    ("2026-11-24-when.rss", '<rss version="2.0"><channel><title>T</title><item><title>W</title><pubDate>the day after</pubDate>'
                            "<description>Text about trade.</description></item></channel></rss>"),
])
def test_a_date_that_is_not_a_date(tmp_path: Path, name: str, content: str) -> None:
    folder, bad = corpus_with(tmp_path, name, content)
    result = load_corpus(folder)
    [problem] = result.problems
    assert str(problem).startswith(str(bad)) and "is not a date" in problem.reason
    assert len(result.articles) == 1


def test_a_file_that_vanishes_between_listing_and_reading(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    first = md_file(folder, "2026-11-24-a.md", TRADE_TEXT, source="A")
    gone = md_file(folder, "2026-11-24-b.md", SECURITY_TEXT, source="B")
    last = md_file(folder, "2026-11-24-c.md", "Envoys met in Kabul for talks on trade.", source="C")

    def delete_after_first(results: Iterable[FileResult], length: int) -> Iterator[FileResult]:
        for n, found in enumerate(results):  # the files are listed, the first one read: now one goes
            if n == 0:
                gone.unlink()
            yield found

    result = load_corpus(folder, progress=delete_after_first)
    assert [a.path for a in result.articles] == [str(first), str(last)]
    [problem] = result.problems
    assert str(problem) == f"{gone}: cannot read the file: No such file or directory (check that it exists and is readable)"


def test_a_file_replaced_by_a_folder_mid_run(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-24-a.md", TRADE_TEXT, source="A")
    swapped = md_file(folder, "2026-11-24-b.md", SECURITY_TEXT, source="B")

    def swap(results: Iterable[FileResult], length: int) -> Iterator[FileResult]:
        for n, found in enumerate(results):
            if n == 0:
                swapped.unlink()
                swapped.mkdir()
            yield found

    result = load_corpus(folder, progress=swap)
    assert len(result.articles) == 1
    [problem] = result.problems
    assert problem.path == str(swapped) and problem.reason == "not a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-24-a.md", TRADE_TEXT, source="A")
    os.mkfifo(folder / "2026-11-24-pipe.md")
    results = []
    worker = threading.Thread(target=lambda: results.append(load_corpus(folder)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert results, "loading blocked on the named pipe"
    [problem] = results[0].problems
    assert problem.reason == "not a regular file"


def notes(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"2026-11-24-note-{i:05d}.txt").write_text(f"Note {i}\n\nDepot {i} logged cargo {i * 7} on time.\n")
    return folder


def test_loading_work_grows_in_step_with_the_number_of_files(tmp_path: Path) -> None:
    result = load_corpus(notes(tmp_path / "many", 2000))
    assert len(result.articles) == 2000 and result.problems == []
    # Four times the files run about four times as many steps of briefgen's code, not sixteen.
    assert growth(lambda n: python_steps(load_corpus, notes(tmp_path / str(n), n)), 250) < 4.5


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every path under ``folder`` with its modification time, mode and content hash."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        found[str(path.relative_to(folder))] = (info.st_mtime_ns, info.st_mode, digest)
    return found


@pytest.mark.e2e
def test_the_corpus_folder_is_only_ever_read(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-24-a.md", TRADE_TEXT, source="A")
    md_file(folder, "sub/2026-11-24-b.md", SECURITY_TEXT, source="B")
    (folder / "2026-11-24-bad.md").write_text("---\ntitle: [\n---\nx\n")
    (folder / "2026-11-24-latin.txt").write_bytes("Caf\xe9 talks\n\nThe caf\xe9 owners spoke about trade.".encode("cp1252"))
    (folder / "2026-11-24-feed.rss").write_text('<rss version="2.0"><channel><title>F</title><item><title>t</title>'
                                                "<description>Tariffs rose.</description></item></channel></rss>")
    (folder / ".hidden.md").write_text("hidden")
    before = snapshot(folder)
    result = CliRunner().invoke(cli, ["daily", "--corpus", str(folder), "--out", str(tmp_path / "out"), "--date", "2026-11-24",
                                      "--format", "md,html,json,pdf"])
    assert (tmp_path / "out" / "2026-11-24" / "briefing.pdf").exists(), result.output
    assert snapshot(folder) == before


@pytest.mark.e2e
def test_an_unusable_page_is_one_warning_line_and_no_parser_noise(tmp_path: Path) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-shell.html", "<html><body><div id=app></div></body></html>")
    (folder / "2026-11-24-garbage.htm").write_bytes(b"\x01\x02 <<<>>> \x03")
    result = CliRunner().invoke(cli, ["daily", "--corpus", str(folder), "--out", str(tmp_path / "out"), "--date", "2026-11-24",
                                      "--format", "md"])
    assert (tmp_path / "out" / "2026-11-24" / "briefing.md").exists(), result.output
    lines = result.stderr.splitlines()
    assert lines[0] == f"warning: skipped {folder / '2026-11-24-garbage.htm'}: no article text (the page holds no article text, only markup)"
    assert lines[1] == f"warning: skipped {bad}: no article text (the page holds no article text, only markup)"
    assert all(line.startswith("warning: ") for line in lines), lines


def test_parser_noise_never_reaches_a_configured_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder, bad = corpus_with(tmp_path, "2026-11-24-shell.html", "<<<>>>")
    with caplog.at_level(logging.DEBUG):
        assert one_problem(folder, bad) == "no article text"
    assert [r.name for r in caplog.records if not r.name.startswith("briefgen")] == []


def test_control_characters_in_a_page_are_dropped_before_parsing(tmp_path: Path) -> None:
    page = "<html><body><p>Tariffs\x01 on freight\x1b fell by a third\x7f on Monday, officials said.</p></body></html>"
    folder, bad = corpus_with(tmp_path, "2026-11-24-controls.html", page)
    result = load_corpus(folder)
    assert result.problems == []
    assert [a.text for a in result.articles if a.path == str(bad)] == ["Tariffs on freight fell by a third on Monday, officials said."]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_file_larger_than_its_reported_size_is_still_cut_at_the_limit() -> None:
    # /proc files are regular files that report a size of 0 but hold more: like a file that grows.
    with pytest.raises(ArticleError, match="over the 100 bytes limit"):
        read_bytes(Path("/proc/self/status"), max_bytes=100)
