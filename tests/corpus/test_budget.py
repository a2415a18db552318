"""The budget of one file: a file whose parsing uses more than ``[input] max_seconds`` of
processor time is stopped and skipped with a warning naming it and the budget, and the others
are briefed; front matter and fields larger than any real article's are refused before they
are converted. The slow file is a real one (a 4.7 MB feed of 24,000 entries, seconds of work); the
budget set for the test is a small fraction of that, and far above what the small files take."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.budget import OverBudget, cpu_budget
from briefgen.cli import cli
from briefgen.load import load_corpus
from tests.conftest import SECURITY_TEXT, TRADE_TEXT, md_file
from tests.steps import hang_stop

BUDGET = 0.2  #: seconds of processor time: the feed below takes seconds, each small file milliseconds
ITEM = ("<item><title>Talks resume</title><link>https://news.example/a</link><pubDate>Tue, 24 Nov 2026 08:00:00 GMT"
        "</pubDate><description>Envoys met on Monday. They agreed to meet again.</description></item>")
SLOW_FEED = '<rss version="2.0"><channel><title>Wire</title>' + ITEM * 24_000 + "</channel></rss>"  # 4.7 MB


def corpus_with_slow_feed(folder: Path, good: int = 4) -> Path:
    md_file(folder, "2026-11-24-trade.md", TRADE_TEXT, source="Steppe Ledger")
    md_file(folder, "2026-11-24-security.md", SECURITY_TEXT, source="Khyber Wire")
    for k in range(good - 2):
        md_file(folder, f"2026-11-24-more-{k}.md", f"Envoys met for round {k} of the talks. They agreed to meet again.")
    slow = folder / "2026-11-24-wire.rss"
    slow.write_text(SLOW_FEED)
    return slow


def budget_message(path: Path, seconds: float) -> str:
    return (f"{path}: reading it took over {seconds:g} s of processor time, the budget of one file: stopped as a "
            "possible hang (check the file, or raise [input] max_seconds)")


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "worker-processes"])
def test_a_file_over_the_time_budget_is_skipped_and_the_others_load(tmp_path: Path, jobs: int) -> None:
    folder = tmp_path / "corpus"
    slow = corpus_with_slow_feed(folder)
    with hang_stop():
        result = load_corpus(folder, jobs=jobs, max_seconds=BUDGET)
    assert [str(p) for p in result.problems] == [budget_message(slow, BUDGET)]
    assert sorted(a.id for a in result.articles) == ["2026-11-24-more-0", "2026-11-24-more-1", "2026-11-24-security",
                                                      "2026-11-24-trade"]


def test_the_budget_leaves_the_signal_as_it_was_and_is_not_set_outside_the_main_thread() -> None:
    before = signal.getsignal(signal.SIGPROF)
    with cpu_budget(30) as enforced:
        assert enforced
        assert signal.getitimer(signal.ITIMER_PROF)[0] > 0
    assert signal.getsignal(signal.SIGPROF) == before
    assert signal.getitimer(signal.ITIMER_PROF)[0] == 0
    with pytest.raises(OverBudget), cpu_budget(0.05):
        while True:
            pass
    assert signal.getsignal(signal.SIGPROF) == before

    seen: list[bool] = []

    def in_thread() -> None:  # as a Dask worker runs its tasks: no signal there, no budget
        with cpu_budget(30) as enforced:
            seen.append(enforced)

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join()
    assert seen == [False]


def test_front_matter_larger_than_any_article_s_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-24-trade.md", TRADE_TEXT)
    big = folder / "2026-11-24-big.md"
    big.write_text("---\ntitle: [" + ", ".join(["a"] * 1_500_000) + "]\n---\n\n" + SECURITY_TEXT)  # 4.5 MB
    result = load_corpus(folder)
    assert [str(p) for p in result.problems] == [
        f"{big}: front matter of 4,500,007 characters, over the 100,000 briefgen reads (move the article's text below "
        "the closing --- line, or shorten the front matter)"]
    assert [a.id for a in result.articles] == ["2026-11-24-trade"]


@pytest.mark.parametrize(("name", "content", "field"), [
    ("2026-11-24-title.md", "---\ntitle: [" + ", ".join(["word"] * 3_000) + "]\n---\n\n" + SECURITY_TEXT, "title"),
    ("2026-11-24-source.md", "---\nsource: {" + ", ".join(f"k{i}: v" for i in range(3_000)) + "}\n---\n\n" + SECURITY_TEXT,
     "source"),
    ("2026-11-24-lines.jsonl", json.dumps({"text": SECURITY_TEXT, "url": "https://x.example/" + "a" * 20_000}), "url"),
    ("2026-11-24-nested.jsonl", json.dumps({"text": SECURITY_TEXT, "title": [["word"] * 50] * 300}), "title"),
])
def test_a_title_source_or_link_longer_than_any_real_one_skips_its_article(tmp_path: Path, name: str, content: str,
                                                                            field: str) -> None:
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-24-trade.md", TRADE_TEXT)
    (folder / name).write_text(content)
    result = load_corpus(folder)
    [problem] = result.problems
    assert problem.reason == f"a {field} of over 10,000 characters: not a {field}"
    assert [a.id for a in result.articles] == ["2026-11-24-trade"]


def test_a_json_line_with_a_number_too_long_to_read_is_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text('{"text": "a.", "date": ' + "9" * 5_000 + "}\n" + json.dumps({"text": SECURITY_TEXT}) + "\n")
    result = load_corpus(tmp_path)
    assert [str(p) for p in result.problems] == [f"{path} line 1: not valid JSON (a number too long) "
                                                 "(write one JSON object per line)"]
    assert [a.text for a in result.articles] == [SECURITY_TEXT]


@pytest.mark.e2e
def test_daily_skips_the_file_over_its_budget_and_briefs_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    slow = corpus_with_slow_feed(folder)
    config = tmp_path / "briefgen.toml"
    config.write_text(f"[input]\nmax_seconds = {BUDGET}\n")
    out = tmp_path / "out"
    with hang_stop(300):
        result = CliRunner().invoke(cli, ["daily", "--corpus", str(folder), "--out", str(out), "--date", "2026-11-24",
                                          "--format", "md", "--config", str(config)])
    assert result.exit_code == 9, result.output  # partial success: a file skipped
    assert f"warning: skipped {budget_message(slow, BUDGET)}" in result.stderr
    briefing = (out / "2026-11-24" / "briefing.md").read_text()
    assert "Uzbekistan and Pakistan agreed to cut transit tariffs" in briefing
    assert "Talks resume" not in briefing
