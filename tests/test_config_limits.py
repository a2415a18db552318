"""Config values and files that used to crash, hang or slip through: each is refused with exit 3,
an ``Error:`` line naming the file and the key, and a ``Hint:``. Every file here is made up."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli
from briefgen.config import (
    MAX_DAYS,
    RANGES,
    declared_default,
    defaults_toml,
    load_options,
    packaged_defaults,
)
from briefgen.errors import ConfigError
from briefgen.load import window
from tests.conftest import TRADE_TEXT, md_file


def topics_with(tmp_path: Path, toml: str | bytes) -> tuple[Result, Path]:
    config = tmp_path / "desk.toml"
    config.write_bytes(toml if isinstance(toml, bytes) else toml.encode("utf-8"))
    return CliRunner().invoke(cli, ["topics", "--config", str(config)]), config


def run_briefgen(*args: str) -> subprocess.CompletedProcess[str]:
    """briefgen in a process of its own; the timeout only stops a hang from stalling the suite."""
    return subprocess.run([sys.executable, "-m", "briefgen", *args], capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.mark.e2e
def test_a_config_file_that_is_not_utf8(tmp_path: Path) -> None:
    result, config = topics_with(tmp_path, '[briefing]\ntitle = "Caf\xe9 desk"\n'.encode("latin-1"))
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {config}: the config file is not UTF-8 text (line 2 holds a byte that is not UTF-8)\n"
                             "Hint: save it as UTF-8\n")


@pytest.mark.parametrize("value", ['"a\\u0000"', '"two\\nlines"', '"tab\\there"', '"a/b"', '".hidden"', '""',
                                   '"' + "x" * 201 + '"'])
@pytest.mark.e2e
def test_a_basename_that_is_not_a_plain_file_name(tmp_path: Path, value: str) -> None:
    result, config = topics_with(tmp_path, f"[output]\nbasename = {value}\n")
    assert result.exit_code == 3
    first, hint = result.stderr.splitlines()
    assert first.startswith(f"Error: {config}: output.basename ") and "is not a plain file name" in first
    assert hint == 'Hint: e.g. basename = "briefing"'


@pytest.mark.e2e
def test_a_huge_max_bytes_is_refused(tmp_path: Path) -> None:
    result, config = topics_with(tmp_path, "[input]\nmax_bytes = 1000000000000000\n")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {config}: input.max_bytes must be 1 to 100000000, not 1000000000000000\n"
                             "Hint: e.g. input.max_bytes = 5000000 (the default)\n")


@pytest.mark.parametrize(("value", "shown"), [("nan", "nan"), ("inf", "inf"), ("-1.0", "-1.0"), ("1e9", "1000000000.0")])
@pytest.mark.e2e
def test_lock_timeout_must_be_a_finite_number_of_seconds(tmp_path: Path, value: str, shown: str) -> None:
    result, config = topics_with(tmp_path, f"[output]\nlock_timeout = {value}\n")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {config}: output.lock_timeout must be 0 to 86400, not {shown}\n"
                             "Hint: e.g. output.lock_timeout = 300.0 (the default)\n")


RANKING = packaged_defaults()["ranking"]


@pytest.mark.parametrize(("key", "bad"), [(key, bad) for key, default in RANKING.items() if not isinstance(default, bool)
                                          for bad in ("nan", "negative", "huge") if bad != "nan" or isinstance(default, float)])
@pytest.mark.e2e
def test_every_ranking_value_has_a_range(tmp_path: Path, key: str, bad: str) -> None:
    default = RANKING[key]
    value = {"nan": "nan", "negative": "-1", "huge": "1000000000"}[bad]
    if isinstance(default, float) and bad != "nan":
        value += ".0"
    result, config = topics_with(tmp_path, f"[ranking]\n{key} = {value}\n")
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"Error: {config}: ranking.{key} must be {RANGES['ranking.' + key]}, not ")
    assert result.stderr.endswith(f"Hint: e.g. ranking.{key} = {default} (the default)\n")


@pytest.mark.e2e
def test_the_story_settings_come_from_the_config_and_are_checked(tmp_path: Path) -> None:
    from briefgen.stories import StorySettings
    defaults = load_options().stories
    assert (defaults.lift, defaults.time_scale) == (StorySettings().lift, StorySettings().time_scale)
    config = tmp_path / "desk.toml"
    config.write_text("[stories]\nlift = 4\ntime_scale = 3\n", encoding="utf-8")
    assert (load_options(config).stories.lift, load_options(config).stories.time_scale) == (4.0, 3.0)
    result, config = topics_with(tmp_path, "[stories]\ntime_scale = 0.0\n")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {config}: stories.time_scale must be over 0 to {MAX_DAYS}, not 0.0\n"
                             "Hint: e.g. stories.time_scale = 1.0 (the default)\n")
    result, config = topics_with(tmp_path, "[stories]\nlift = 0\n")
    assert result.exit_code == 3 and result.stderr.startswith(f"Error: {config}: stories.lift must be over 0 to 1000, not 0.0\n")
    result, config = topics_with(tmp_path, "[stories]\nlift = \"high\"\n")
    assert result.exit_code == 3 and "stories.lift' must be a number" in result.stderr


@pytest.mark.e2e
def test_a_whole_number_too_large_for_a_float_is_refused(tmp_path: Path) -> None:
    result, config = topics_with(tmp_path, "[ranking]\npool_size = 1" + "0" * 400 + "\n")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {config}: ranking.pool_size must be 1 to 100000, not 100000000000… (401 digits)\n")
    result, config = topics_with(tmp_path, "[ranking]\npool_size = 1" + "0" * 5000 + "\n")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {config}: a number in it has too many digits to be read\n")


@pytest.mark.e2e
def test_min_words_above_max_words_is_refused(tmp_path: Path) -> None:
    result, config = topics_with(tmp_path, "[ranking]\nmin_words = 30\nmax_words = 20\n")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {config}: ranking.min_words (30) is above ranking.max_words (20)\n"
                             "Hint: make min_words at most max_words\n")


@pytest.mark.e2e
def test_absurd_days_in_the_config_is_refused(tmp_path: Path) -> None:
    result, config = topics_with(tmp_path, "[briefing]\ndays = 100000000\n")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {config}: briefing.days must be 1 to {MAX_DAYS}, not 100000000\n")


@pytest.mark.parametrize(("end", "days"), [(dt.date(2026, 11, 29), 100_000_000), (dt.date(2026, 11, 29), 0),
                                           (dt.date(1, 1, 5), 10)])
def test_the_window_refuses_what_date_arithmetic_cannot_do(end: dt.date, days: int) -> None:
    with pytest.raises(ConfigError) as caught:
        window(end, days)
    assert caught.value.exit_code == 3 and caught.value.hint


def test_the_window_of_the_longest_allowed_length() -> None:
    assert window(dt.date(2026, 11, 29), MAX_DAYS) == (dt.date(2026, 11, 29) - dt.timedelta(days=MAX_DAYS - 1),
                                                       dt.date(2026, 11, 29))


def test_defaults_toml_is_what_the_declarations_write() -> None:
    """Each setting is declared once, in briefgen/config.py; `make defaults` writes the file."""
    text = (Path(__file__).parents[1] / "briefgen" / "defaults.toml").read_text(encoding="utf-8")
    assert text == defaults_toml(text), "briefgen/defaults.toml is out of date: run `make defaults`"


def test_the_packaged_defaults_are_the_declared_defaults() -> None:
    options = load_options()
    for table in ("output", "delivery", "input", "cache", "engine", "fetch", "ranking", "stories"):
        assert getattr(options, table) == type(getattr(options, table))(), table
    briefing = packaged_defaults()["briefing"]
    assert {key: declared_default(f"briefing.{key}") for key in briefing} == {
        key: tuple(value) if isinstance(value, list) else value for key, value in briefing.items()}


def test_every_number_in_the_defaults_has_a_range_stated_beside_it() -> None:
    defaults = packaged_defaults()
    numbers = {f"{table}.{key}" for table, values in defaults.items() if table != "topics"
               for key, value in values.items() if isinstance(value, int | float) and not isinstance(value, bool)}
    assert numbers == set(RANGES)
    text = (Path(__file__).parents[1] / "briefgen" / "defaults.toml").read_text(encoding="utf-8")
    for dotted, allowed in RANGES.items():
        key = dotted.split(".")[1]
        assert re.search(rf"^{key} = \S+\s+# \[{re.escape(str(allowed))}\]", text, re.M), dotted
        assert allowed.holds(defaults[dotted.split(".")[0]][key])
    assert not any(r.holds(math.nan) or r.holds(math.inf) for r in RANGES.values())


# --------------------------------------------------------------------------- files that are no files

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
@pytest.mark.e2e
def test_a_named_pipe_as_config_is_refused_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "desk.toml"
    os.mkfifo(pipe)
    done = run_briefgen("topics", "--config", str(pipe))
    assert done.returncode == 3
    assert done.stderr == (f"Error: {pipe}: cannot read the config file: not a regular file\n"
                           "Hint: give a TOML file (a named pipe or a device is not read)\n")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.e2e
def test_dev_zero_as_config_is_refused() -> None:
    done = run_briefgen("topics", "--config", "/dev/zero")
    assert done.returncode == 3
    assert done.stderr.startswith("Error: /dev/zero: cannot read the config file: not a regular file\n")


def model_config(tmp_path: Path, model: str) -> Path:
    config = tmp_path / "desk.toml"
    config.write_text(f'[topics.trade]\nmodel = "{model}"\n', encoding="utf-8")
    md_file(tmp_path / "corpus", "2026-11-24-a.md", TRADE_TEXT)
    return config


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
@pytest.mark.parametrize("kind", ["fifo", "device"])
@pytest.mark.e2e
def test_a_model_that_is_no_regular_file_is_refused_not_waited_on(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        model = tmp_path / "trade.npz"
        os.mkfifo(model)
    else:
        model = Path("/dev/zero")
    config = model_config(tmp_path, str(model))
    done = run_briefgen("daily", "--corpus", str(tmp_path / "corpus"), "--out", str(tmp_path / "out"),
                        "--date", "2026-11-24", "--format", "md", "--config", str(config))
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(f"Error: {model}: the model of topic 'trade' is not a regular file\n")
    assert not (tmp_path / "out" / "2026-11-24").exists()


def test_load_options_refuses_a_folder_given_as_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_options(tmp_path)


@pytest.mark.parametrize("value", ["briefs.example.org", "ftp://briefs.example.org/", "https:///desk/",
                                   "https://briefs.example.org/a b/", "javascript:alert(1)"])
def test_a_site_url_that_is_no_http_address_is_refused(tmp_path: Path, value: str) -> None:
    config = tmp_path / "desk.toml"
    config.write_text(f'[output]\nsite_url = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="output.site_url must be an http"):
        load_options(config)


def test_a_site_url_always_ends_in_a_slash(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text('[output]\nsite_url = "https://briefs.example.org/desk"\n', encoding="utf-8")
    assert load_options(config).output.site_url == "https://briefs.example.org/desk/"
    assert load_options(None).output.site_url == ""
