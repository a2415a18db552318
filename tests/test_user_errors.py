"""Errors a user can cause are an ``Error:`` line and a ``Hint:`` line with the documented exit
code, never a traceback: a log file that cannot be opened, hostile configs, dates at the edge of
the calendar, a home folder that cannot be searched, mistyped folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import md_file
from tests.conftest import run_cli as run

pytestmark = pytest.mark.e2e

TEXT = ("Freight operators agreed on Monday to cut transit tariffs on cargo crossing the northern border. "
        "Exports of grain are expected to double within a year, the trade ministry said.")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    md_file(folder, "a.md", TEXT, title="Tariffs cut", date="2026-11-24")
    return folder


def clean(result: Result, code: int, message: str) -> None:
    """Exit ``code``; stderr is ``Error: …message…`` and a ``Hint:`` line, and no traceback."""
    assert result.exit_code == code, result.stderr + repr(result.exception)
    assert result.stderr.startswith("Error: "), result.stderr
    assert message in result.stderr
    assert "\nHint: " in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("command", [("daily", "--corpus", "CORPUS", "--out", "OUT", "--date", "latest", "--format", "md"),
                                     ("fetch", "--corpus", "CORPUS"), ("send", "--out", "OUT")])
def test_a_log_file_in_a_missing_folder(corpus: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    log_file = tmp_path / "no-such-folder" / "briefgen.log"
    args = [{"CORPUS": str(corpus), "OUT": str(tmp_path / "out")}.get(a, a) for a in command]
    result = run(*args, "--log-file", str(log_file))
    clean(result, 10, f"Error: cannot open the log file {log_file}: No such file or directory")
    assert not (tmp_path / "out").exists() and not log_file.parent.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_log_file_in_a_read_only_folder(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o555)
    result = run("daily", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--log-file", str(folder / "b.log"))
    clean(result, 10, "Permission denied")


def test_an_error_is_printed_once_and_logged_once(tmp_path: Path) -> None:
    log_file = tmp_path / "briefgen.log"
    result = run("daily", "--corpus", str(tmp_path / "missing"), "--out", str(tmp_path / "out"), "--log-file", str(log_file))
    assert result.exit_code == 4
    assert result.stderr.count("missing") == 1 and not result.stderr.startswith("error:")  # only the Error: line
    assert log_file.read_text().count(" ERROR briefgen: ") == 1


@pytest.mark.parametrize(("toml", "message"), [
    ("x = " + "[" * 2000 + "]" * 2000 + "\n", "arrays or tables nested too deeply to be read"),
    ("x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n", "arrays or tables nested too deeply to be read"),
    ('[briefing]\ntopics = ["trade", "trade"]\n', "briefing.topics names 'trade' twice"),
    ('[briefing]\nformats = ["md", "md"]\n', "briefing.formats names 'md' twice"),
    ("[briefing]\nformats = []\n", "briefing.formats is empty"),
])
def test_a_hostile_config_is_a_config_error(corpus: Path, tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(toml)
    for args in (("topics",), ("daily", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--date", "latest")):
        clean(run(*args, "--config", str(config)), 3, message)


def test_no_topics_makes_a_briefing_of_key_points_without_a_warning(corpus: Path, tmp_path: Path) -> None:
    config = tmp_path / "none.toml"
    config.write_text("[briefing]\ntopics = []\n")
    result = run("daily", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--date", "latest", "--format", "md,html",
                 "--config", str(config))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "<svg" not in (tmp_path / "out" / "2026-11-24" / "briefing.html").read_text()  # no topic, no chart
    assert "<svg" not in (tmp_path / "out" / "index.html").read_text()


@pytest.mark.parametrize(("dated", "date", "code"), [
    ("0001-01-03", "latest", 0), ("0001-01-01", "latest", 0), ("0001-01-01", "0001-01-01", 0), ("0001-01-03", "latest-5", 3),
    ("9999-12-31", "latest", 0),
])
def test_articles_at_the_start_of_the_calendar(tmp_path: Path, dated: str, date: str, code: int) -> None:
    corpus = tmp_path / "corpus"
    md_file(corpus, "old.md", TEXT, title="Tariffs cut", date=dated)
    result = run("daily", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--date", date, "--format", "md,html")
    if code:
        clean(result, code, f"Error: latest-5 would be 5 days before {dated}, before the year 1")
    else:
        assert result.exit_code == 0, result.stderr
        assert (tmp_path / "out" / dated / "briefing.html").is_file()


@pytest.mark.parametrize("variable", ["HOME", "XDG_CONFIG_HOME"])
def test_a_home_that_cannot_be_searched_means_the_packaged_defaults(monkeypatch, variable: str) -> None:
    # a path the system refuses to look into (too long a name: the same OSError as a folder
    # of another user's, which a test run as root cannot make)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv(variable, "/" + "x" * 5000)
    result = run("topics")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("trade: ")
    assert result.stderr.startswith("warning: cannot look for a config file at /xxx")
    assert result.stderr.endswith(": using the packaged defaults\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root searches any folder")
def test_a_home_of_another_user_means_the_packaged_defaults(monkeypatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config" / "briefgen").mkdir(parents=True)
    home.chmod(0)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    try:
        result = run("topics")
    finally:
        home.chmod(0o755)
    assert result.exit_code == 0 and "Permission denied" in result.stderr


def test_out_that_is_a_file_is_an_output_error(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("not a folder")
    clean(run("daily", "--corpus", str(corpus), "--out", str(out), "--date", "latest"), 10,
          f"Error: cannot use {out} as the output folder: it is not a folder")


@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)], ids=["send", "dry-run"])
def test_send_from_a_mistyped_out_creates_nothing(tmp_path: Path, dry_run: tuple[str, ...]) -> None:
    out = tmp_path / "TYPO"
    clean(run("send", "--out", str(out), *dry_run), 4, f"Error: no briefing archive at {out}: no such folder")
    assert not out.exists()


def test_eval_topics_on_a_missing_or_empty_folder(tmp_path: Path) -> None:
    clean(run("eval", "topics", str(tmp_path / "missing")), 4, "no Reuters-21578 folder at")
    (tmp_path / "empty").mkdir()
    clean(run("eval", "topics", str(tmp_path / "empty")), 5, "no reut2-*.sgm file in")


def test_learn_from_one_folder_as_both_sides(corpus: Path, tmp_path: Path) -> None:
    clean(run("learn", "--topic", "trade", "--about", str(corpus), "--not-about", str(corpus) + "/",
              "-o", str(tmp_path / "m.npz")), 2, "--about and --not-about are the same folder")
    assert not (tmp_path / "m.npz").exists()


def test_a_loop_of_links_is_named_as_one(corpus: Path, tmp_path: Path) -> None:
    (corpus / "loop.md").symlink_to("loop.md")
    result = run("daily", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--date", "latest", "--format", "md")
    assert result.exit_code == 9
    assert f"warning: skipped {corpus / 'loop.md'}: a loop of symbolic links (it leads back to itself): not read" in result.stderr
    clean(run("summarize", str(corpus / "loop.md")), 4, "a loop of symbolic links")
