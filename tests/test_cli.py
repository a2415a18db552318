"""The command line, through click's CliRunner: output, files, exact error text and exit codes."""

import json
from pathlib import Path

import click
from click.testing import CliRunner

from briefgen.cli import cli
from tests.conftest import TRADE_TEXT, md_file


def run(*args: str) -> "click.testing.Result":
    return CliRunner().invoke(cli, list(args))


def test_daily_writes_markdown_and_pdf_and_prints_the_paths(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("daily", "--corpus", str(small_corpus), "--out", str(out), "--date", "2026-11-24", "--days", "2")
    assert result.exit_code == 0, result.output
    md, pdf = out / "2026-11-24" / "briefing.md", out / "2026-11-24" / "briefing.pdf"
    assert result.stdout.splitlines() == [
        "Daily Briefing for 2026-11-24: 4 articles from 4 sources, 23–24 Nov 2026", str(md), str(pdf)]
    assert md.read_text().startswith("# Daily Briefing\n")
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_daily_latest_and_formats(small_corpus: Path, tmp_path: Path) -> None:
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path), "--date", "latest", "--format", "json,html")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "2026-11-24" / "briefing.json").read_text())
    assert data["window"] == {"start": "2026-11-24", "end": "2026-11-24"}
    assert (tmp_path / "2026-11-24" / "briefing.html").exists()
    assert not (tmp_path / "2026-11-24" / "briefing.pdf").exists()


def test_missing_corpus_exits_4_with_one_line_and_a_hint(tmp_path: Path) -> None:
    result = run("daily", "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 4
    assert result.stderr == (f"Error: corpus folder {tmp_path / 'nope'} does not exist\n"
                             "Hint: pass the folder of articles with --corpus DIR\n")


def test_empty_window_exits_5_and_says_which_dates_the_corpus_covers(small_corpus: Path, tmp_path: Path) -> None:
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path), "--date", "2026-12-25")
    assert result.exit_code == 5
    assert result.stderr == (f"Error: no article in {small_corpus} is dated 2026-12-25\n"
                             "Hint: the corpus covers 2026-11-23 to 2026-11-24: pass --date in that range or a larger --days\n")
    assert not any(tmp_path.glob("*/briefing.*"))


def test_bad_date_is_a_usage_error(small_corpus: Path) -> None:
    result = run("daily", "--corpus", str(small_corpus), "--date", "yesterday")
    assert result.exit_code == 2
    assert "'yesterday' is not a date: write YYYY-MM-DD or 'latest'" in result.stderr


def test_one_bad_article_is_a_warning_and_the_briefing_goes_on(small_corpus: Path, tmp_path: Path) -> None:
    bad = small_corpus / "2026-11-24-broken.md"
    bad.write_text('---\ntitle: "unclosed\n---\nText.\n')
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path), "--date", "2026-11-24", "--format", "md")
    assert result.exit_code == 9  # partial success
    assert "warning: 1 file(s) skipped, see the warnings above" in result.stderr
    assert f"warning: skipped {bad}: malformed front matter (line 2) (fix the YAML between the --- lines)" in result.stderr
    assert (tmp_path / "2026-11-24" / "briefing.md").exists()


def test_config_with_unknown_key_exits_3_naming_file_and_key(tmp_path: Path, small_corpus: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text("[briefing]\ntitel = 'Typo'\n")
    result = run("daily", "--corpus", str(small_corpus), "--config", str(config))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {config}: unknown key 'briefing.titel'\nHint: known keys here: days, ")


def test_config_topic_without_terms_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text("[briefing]\ntopics = ['energy']\n[topics.energy]\ntitle = 'Energy'\n")
    result = run("topics", "--config", str(config))
    assert result.exit_code == 3
    assert result.stderr == f"Error: {config}: topic 'energy' has no terms\nHint: add terms = [\"...\"] under [topics.energy]\n"


def test_config_adds_a_topic_and_retitles_the_briefing(tmp_path: Path, small_corpus: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text("[briefing]\ntitle = 'Energy Desk'\ntopics = ['energy', 'trade']\n"
                      "[topics.energy]\ntitle = 'Energy'\nterms = ['pipeline', 'electricity']\n")
    result = run("topics", "--config", str(config))
    assert result.exit_code == 0
    assert result.stdout.startswith("energy: Energy\n  terms: pipeline, electricity\ntrade: Trade and Economy\n")
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path / "o"), "--date", "latest",
                 "--config", str(config), "--format", "md")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "2026-11-24" / "briefing.md").read_text().startswith("# Energy Desk\n")


def test_wrong_type_in_config_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text("[briefing]\nkey_points = 'four'\n")
    result = run("topics", "--config", str(config))
    assert result.exit_code == 3
    assert result.stderr == f"Error: {config}: 'briefing.key_points' must be a whole number, not 'four'\nHint: e.g. briefing.key_points = 4\n"


def test_topics_lists_the_default_topics() -> None:
    result = run("topics")
    assert result.exit_code == 0
    names = [line.split(":")[0] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert names == ["trade", "security", "recognition"]
    assert "  terms: trade, trader, tariff" in result.stdout


def test_summarize_json_prints_one_object_per_file_in_article_order(tmp_path: Path) -> None:
    a = md_file(tmp_path, "a.md", TRADE_TEXT)
    b = md_file(tmp_path, "b.md", "One sentence only about railway freight tariffs here.")
    result = run("summarize", str(a), str(b), "-n", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["path"] for line in lines] == [str(a), str(b)]
    sentences = lines[0]["sentences"]
    assert len(sentences) == 2 and all(s in TRADE_TEXT for s in sentences)
    assert sorted(sentences, key=TRADE_TEXT.index) == sentences
    assert lines[1]["sentences"] == ["One sentence only about railway freight tariffs here."]


def test_summarize_with_every_algorithm(tmp_path: Path) -> None:
    a = md_file(tmp_path, "a.md", TRADE_TEXT)
    for algorithm in ("default", "lead", "lexrank", "textrank", "lsa", "luhn", "sumbasic", "kl", "edmundson"):
        result = run("summarize", str(a), "-n", "1", "--algorithm", algorithm, "--topic", "trade")
        assert result.exit_code == 0, (algorithm, result.output)
        assert result.stdout.strip() in TRADE_TEXT and result.stdout.strip(), algorithm


def test_summarize_unknown_topic_and_missing_file(tmp_path: Path) -> None:
    a = md_file(tmp_path, "a.md", TRADE_TEXT)
    result = run("summarize", str(a), "--topic", "sport")
    assert result.exit_code == 3
    assert result.stderr == "Error: unknown topic 'sport'\nHint: choose from trade, security, recognition\n"
    result = run("summarize", str(tmp_path / "gone.md"))
    assert result.exit_code == 4
    assert result.stderr.startswith(f"Error: {tmp_path / 'gone.md'}: cannot read the file: ")


def test_every_command_has_help_with_an_example() -> None:
    def walk(group: click.Group, path: list[str]):
        for name, command in group.commands.items():
            yield [*path, name], command
            if isinstance(command, click.Group):
                yield from walk(command, [*path, name])

    commands = list(walk(cli, []))
    assert {" ".join(p) for p, _ in commands} >= {"daily", "summarize", "topics", "sentences", "eval rouge", "eval sbd", "eval topics"}
    for path, command in commands:
        result = run(*path, "--help")
        assert result.exit_code == 0
        assert command.help and "Example" in command.help, path


def test_jobs_give_the_same_briefing_and_the_same_warnings(small_corpus: Path, tmp_path: Path) -> None:
    (small_corpus / "2026-11-24-binary.txt").write_bytes(b"\x00\x01binary")
    for name in ["copy-a", "copy-b", "copy-c", "copy-d"]:  # enough files for the worker pool to be used
        (small_corpus / f"2026-11-24-{name}.txt").write_text(f"Note {name}\n\nA short note about the weather today, nothing more to say here.\n")
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = run("daily", "--corpus", str(small_corpus), "--out", str(out), "--date", "2026-11-24", "--format", "md,json", "--jobs", jobs)
        assert result.exit_code == 9, result.output
        assert f"warning: skipped {small_corpus / '2026-11-24-binary.txt'}: binary file, not text" in result.stderr
        outputs.append((out / "2026-11-24" / "briefing.md").read_text())
    assert outputs[0] == outputs[1]
