"""The command line, through click's CliRunner: output, files, exact error text and exit codes."""

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from tests.conftest import TRADE_TEXT, md_file
from tests.conftest import run_cli as run

pytestmark = pytest.mark.e2e  # every test here goes through the command line


def test_daily_writes_markdown_pdf_and_the_web_page_and_prints_the_paths(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("daily", "--corpus", str(small_corpus), "--out", str(out), "--date", "2026-11-24", "--days", "2")
    assert result.exit_code == 0, result.output
    md, pdf, page = (out / "2026-11-24" / f"briefing.{fmt}" for fmt in ("md", "pdf", "html"))
    assert result.stdout.splitlines() == [
        "Daily Briefing for 2026-11-24: 4 articles from 4 sources, 23–24 Nov 2026", str(md), str(pdf), str(page)]
    assert md.read_text().startswith("# Daily Briefing\n")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert '<a href="2026-11-24/briefing.html">' in (out / "index.html").read_text()  # the index leads to the page


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


def test_nothing_to_report_leaves_no_new_output_folder_behind(small_corpus: Path, tmp_path: Path) -> None:
    new = tmp_path / "archive" / "desk"
    result = run("daily", "--corpus", str(small_corpus), "--out", str(new), "--date", "2026-12-25", "--format", "md")
    assert result.exit_code == 5
    assert not (tmp_path / "archive").exists()  # neither OUT/.briefgen, nor OUT, nor the parent made for it
    existing = tmp_path / "out"
    assert run("daily", "--corpus", str(small_corpus), "--out", str(existing), "--date", "latest", "--format", "md").exit_code == 0
    assert run("daily", "--corpus", str(small_corpus), "--out", str(existing), "--date", "2026-12-25").exit_code == 5
    assert (existing / ".briefgen").is_dir() and (existing / "2026-11-24" / "briefing.md").is_file()  # kept as it was


def test_bad_date_is_a_usage_error(small_corpus: Path) -> None:
    result = run("daily", "--corpus", str(small_corpus), "--date", "yesterday")
    assert result.exit_code == 2
    assert "'yesterday' is not a date: write YYYY-MM-DD, 'latest' or 'latest-N' (N days before the newest article)" in result.stderr


def test_one_bad_article_is_a_warning_and_the_briefing_goes_on(small_corpus: Path, tmp_path: Path) -> None:
    bad = small_corpus / "2026-11-24-broken.md"
    bad.write_text('---\ntitle: "unclosed\n---\nText.\n')
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path), "--date", "2026-11-24", "--format", "md")
    assert result.exit_code == 9  # partial success
    assert "warning: 1 file(s) skipped, see the warnings above" in result.stderr
    assert f"warning: skipped {bad}: malformed front matter (line 2) (fix the YAML between the --- lines)" in result.stderr
    assert (tmp_path / "2026-11-24" / "briefing.md").exists()


@pytest.mark.parametrize("value", ["docx", "md,docx", ","])
def test_an_unknown_format_on_the_command_line_is_a_usage_error(small_corpus: Path, tmp_path: Path, value: str) -> None:
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path / "out"), "--format", value)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --format: ") and result.stderr.endswith("\nHint: choose from md, pdf, html, json\n")
    assert not (tmp_path / "out").exists()


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


# --------------------------------------------------------------------------- the CLI's conventions (issue 11)

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from briefgen.load import SUFFIXES  # noqa: E402
from tests.test_learn import make_examples  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The tests see no config of the person running them."""
    monkeypatch.delenv("BRIEFGEN_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


def error_lines(result: "click.testing.Result") -> list[str]:
    return result.stderr.splitlines()


@pytest.mark.parametrize(("args", "error"), [
    (["--days", "0"], "Error: Invalid value for '--days': 0 is not in the range 1<=x<=3660."),
    (["--days", "100000000"], "Error: Invalid value for '--days': 100000000 is not in the range 1<=x<=3660."),
    (["--date", "2026-13-01"], "Error: Invalid value for '--date': '2026-13-01' is not a date: write YYYY-MM-DD, 'latest' or 'latest-N' "
     "(N days before the newest article)"),
    (["--date", "latest+1"], "Error: Invalid value for '--date': 'latest+1' is not a date: write YYYY-MM-DD, 'latest' or "
     "'latest-N' (N days before the newest article)"),
    (["--dayz", "3"], "Error: No such option '--dayz'. (Did you mean one of: '--date', '--days'?)"),
    (["--dry-run"], "Error: --dry-run only applies with --send"),
])
def test_usage_errors_are_one_error_line_and_a_hint(small_corpus: Path, tmp_path: Path, args: list[str], error: str) -> None:
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 2
    assert len(error_lines(result)) == 2
    assert error_lines(result)[0] == error
    assert error_lines(result)[1].startswith("Hint: ")
    assert not (tmp_path / "out").exists()


def test_a_usage_error_hint_explains_the_option() -> None:
    result = run("daily", "--days", "0")
    assert error_lines(result)[1] == ("Hint: --days: Length of the window in days, 1 to 3660 (default: [briefing] days, 1); "
                                      "see 'briefgen daily --help'")
    result = run("dialy")
    assert result.exit_code == 2
    assert error_lines(result) == ["Error: No such command 'dialy'. Did you mean 'daily'?", "Hint: see 'briefgen --help'"]


@pytest.mark.parametrize("latest", ["latest", "Latest", "LATEST"])
def test_date_latest_in_any_case(small_corpus: Path, tmp_path: Path, latest: str) -> None:
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path), "--date", latest, "--format", "md")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "2026-11-24" / "briefing.md").exists()
    assert "--date YYYY-MM-DD|LATEST[-N] " in run("daily", "--help").stdout


def test_date_latest_minus_days_counts_back_from_the_newest_article(small_corpus: Path, tmp_path: Path) -> None:
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path), "--date", "LATEST-1", "--format", "md")
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.glob("20*")] == ["2026-11-23"]  # the newest article is of 24 Nov
    result = run("send", "--out", str(tmp_path), "--date", "latest-1", "--dry-run")
    assert result.exit_code == 2 and "write YYYY-MM-DD or 'latest'" in result.stderr  # an archive's latest has no offset


def test_an_empty_corpus_folder_says_it_is_empty(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "notes.pdf").write_bytes(b"%PDF-")  # not a format briefgen reads
    result = run("daily", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--date", "latest")
    assert result.exit_code == 4
    assert error_lines(result) == [
        f"Error: corpus folder {corpus} is empty: it holds no article file",
        f"Hint: put articles ({' '.join(SUFFIXES)}) in it, or pass another folder with --corpus DIR"]


@pytest.mark.parametrize("command", ["sentences", "summarize"])
def test_a_bad_file_named_on_the_command_line_gets_a_hint_for_one_file(tmp_path: Path, command: str) -> None:
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    result = run(command, str(bad))
    assert result.exit_code == 4
    assert error_lines(result)[0] == f"Error: {bad}: binary file, not text"
    assert "corpus" not in result.stderr
    assert error_lines(result)[1] == "Hint: give an article as " + " ".join(SUFFIXES) + " text"


def test_help_lists_every_corpus_format_and_every_output_format() -> None:
    text = " ".join(run("daily", "--help").stdout.split())
    assert "Folder of articles, read recursively: " + " ".join(SUFFIXES) + "." in text
    assert "--format md,pdf,html,json" in text and "any of md, pdf, html, json" in text


def test_the_command_list_is_not_cut_off() -> None:
    result = run("--help")
    commands = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert len(commands) == len(cli.commands)
    assert not any(line.rstrip().endswith("...") for line in commands), commands


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str) -> None:
    result = run(flag)
    assert result.exit_code == 0
    assert result.stdout.startswith("briefgen, version ")


def test_python_m_briefgen_names_briefgen() -> None:
    done = subprocess.run([sys.executable, "-m", "briefgen", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    assert done.stdout.startswith("briefgen, version ")
    done = subprocess.run([sys.executable, "-m", "briefgen", "daily", "--days", "0"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and done.stderr.startswith("Error: Invalid value for '--days'")


def test_the_command_line_loads_no_heavy_module_before_a_command_runs() -> None:
    heavy = ["numpy", "scipy", "sklearn", "weasyprint", "trafilatura", "sumy", "rouge_score", "markdown", "nh3", "feedparser"]
    code = f"import sys, briefgen.cli; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_summarize_and_sentences_read_standard_input() -> None:
    result = CliRunner().invoke(cli, ["sentences", "-"], input=TRADE_TEXT)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Uzbekistan and Pakistan agreed to cut transit tariffs on freight crossing the northern corridor.",
        "The customs agreement lowers duties on cargo carried by the new railway line by a third.",
        "Traders in Termez said exports of cotton and fruit could double within a year."]
    article = f'---\ntitle: "Tariffs cut"\ndate: 2026-11-24\n---\n\n{TRADE_TEXT}\n'
    result = CliRunner().invoke(cli, ["summarize", "-", "-n", "1", "--format", "json"], input=article)
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["path"] == "-" and len(line["sentences"]) == 1 and line["sentences"][0] in TRADE_TEXT


def test_standard_input_problems_name_stdin() -> None:
    result = CliRunner().invoke(cli, ["sentences", "-"], input="")
    assert result.exit_code == 4
    assert error_lines(result)[0] == "Error: <stdin>: no article text"
    result = CliRunner().invoke(cli, ["sentences", "-"], input="words without any end at all")
    assert result.exit_code == 0
    assert result.stderr == "warning: <stdin>: no sentence punctuation (. ! ?) at all: no sentence in it can be quoted\n"


def test_summarize_a_folder_takes_its_articles_in_path_order(small_corpus: Path) -> None:
    result = run("summarize", str(small_corpus), "-n", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    paths = [json.loads(line)["path"] for line in result.stdout.splitlines()]
    assert paths == sorted(str(p) for p in small_corpus.glob("*.md"))
    (small_corpus / "2026-11-25-binary.txt").write_bytes(b"\x00\x01binary")
    result = run("summarize", str(small_corpus), "-n", "1")
    assert result.exit_code == 9  # partial success: the others are summarised
    assert result.stdout.startswith(f"== {small_corpus / '2026-11-23-tariffs.md'}\n")
    assert f"warning: skipped {small_corpus / '2026-11-25-binary.txt'}: binary file, not text" in result.stderr


def _desk(path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"[briefing]\ntitle = '{title}'\ntopics = ['trade']\n")
    return path


def _title(small_corpus: Path, out: Path, *args: str) -> str:
    result = run("daily", "--corpus", str(small_corpus), "--out", str(out), "--date", "latest", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads((out / "2026-11-24" / "briefing.json").read_text())["title"]


def test_config_is_found_in_the_environment_then_in_xdg_config_home(small_corpus: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert _title(small_corpus, tmp_path / "o1") == "Daily Briefing"
    xdg = tmp_path / "xdg"
    _desk(xdg / "briefgen" / "config.toml", "From XDG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    assert _title(small_corpus, tmp_path / "o2") == "From XDG"
    monkeypatch.setenv("BRIEFGEN_CONFIG", str(_desk(tmp_path / "env.toml", "From BRIEFGEN_CONFIG")))
    assert _title(small_corpus, tmp_path / "o3") == "From BRIEFGEN_CONFIG"
    given = _desk(tmp_path / "given.toml", "From --config")
    assert _title(small_corpus, tmp_path / "o4", "--config", str(given)) == "From --config"


def test_config_default_home_is_dot_config(small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    _desk(tmp_path / "home" / ".config" / "briefgen" / "config.toml", "From ~/.config")
    assert _title(small_corpus, tmp_path / "o") == "From ~/.config"


def test_briefgen_config_naming_no_file_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFGEN_CONFIG", str(tmp_path / "gone.toml"))
    result = run("topics")
    assert result.exit_code == 3
    assert error_lines(result) == [f"Error: $BRIEFGEN_CONFIG names {tmp_path / 'gone.toml'}, which is not a file",
                                   "Hint: point BRIEFGEN_CONFIG at a config file, or unset it"]


def test_rouge_without_the_eval_extra_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for part, text in (("articles", f"Tariffs cut\n\n{TRADE_TEXT}\n"), ("summaries", TRADE_TEXT.split(". ")[0] + ".\n")):
        (tmp_path / "data" / part / "business").mkdir(parents=True)
        (tmp_path / "data" / part / "business" / "001.txt").write_text(text)
    monkeypatch.setitem(sys.modules, "rouge_score", None)  # as if rouge-score were not installed
    result = run("eval", "rouge", str(tmp_path / "data"), "--algorithms", "lead")
    assert result.exit_code == 3
    assert error_lines(result) == [
        "Error: briefgen eval rouge needs the 'eval' extra for ROUGE scoring (rouge-score is not installed)",
        "Hint: pip install 'briefgen[eval]'"]


def test_learn_without_the_learn_extra_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i, (text, about) in enumerate(zip(*make_examples(30, seed=2), strict=True)):
        md_file(tmp_path / ("about" if about else "other"), f"{i:02d}.md", text, title=f"Story {i}", date=f"2026-10-{i + 1:02d}")
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.feature_extraction.text", None)
    result = run("learn", "--topic", "trade", "--about", str(tmp_path / "about"), "--not-about", str(tmp_path / "other"),
                 "-o", str(tmp_path / "trade.npz"))
    assert result.exit_code == 3
    assert error_lines(result) == [
        "Error: briefgen learn needs the 'learn' extra for training or applying a topic model (scikit-learn is not installed)",
        "Hint: pip install 'briefgen[learn]'"]
    assert not (tmp_path / "trade.npz").exists()


def test_ctrl_c_is_one_line_and_status_130(small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("briefgen.daily.run_daily", interrupted)
    result = run("daily", "--corpus", str(small_corpus), "--out", str(tmp_path / "out"))
    assert result.exit_code == 130
    assert result.stderr == "Error: interrupted\n"


#: `briefgen summarize -` as `python -m briefgen` runs it, except that, once briefgen has opened
#: its standard input (its SIGINT handling in place, the command under way), it creates the file
#: named by the first argument: the test's signal that the command is waiting for its input.
_SUMMARIZE_STDIN_SAYING_WHEN_READY = """
import sys
from pathlib import Path

import click

ready, sys.argv[1:] = Path(sys.argv[1]), ["summarize", "-"]
open_file = click.open_file


def opened_then_ready(*args, **kwargs):
    stream = open_file(*args, **kwargs)
    ready.touch()
    return stream


click.open_file = opened_then_ready
from briefgen.__main__ import main

main()
"""


def test_ctrl_c_in_a_real_process(tmp_path: Path) -> None:
    """SIGINT while `briefgen summarize -` waits for its input: no traceback, status 130."""
    ready = tmp_path / "ready"
    command = [sys.executable, "-c", _SUMMARIZE_STDIN_SAYING_WHEN_READY, str(ready)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=ROOT, env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)})
    try:
        deadline = time.monotonic() + 120  # only so that a broken child cannot hang the suite
        while not ready.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "briefgen never opened its standard input"
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert (process.returncode, out, err) == (130, "", "Error: interrupted\n")


def test_make_clean_keeps_the_archive() -> None:
    done = subprocess.run(["make", "-n", "clean"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    assert "rm " in done.stdout
    assert " out" not in done.stdout.replace("$(VENV)", "")


def test_license_file_matches_the_package_metadata() -> None:
    assert "license = MIT\n" in (ROOT / "setup.cfg").read_text()
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n\nCopyright (c) ")
