"""Shared builders and fixtures: small made-up articles written for these tests.

Tests that go through the command line, a process of their own, a browser or a Dask cluster are
marked ``e2e``; ``make test-fast`` runs the others (``pytest -m "not e2e"``), and a test that
runs the command line without the mark fails (:func:`_e2e_is_marked`).

Every briefing the suite builds is checked twice: where it is assembled
(``BRIEFGEN_STRICT=1``, set here for this process and every ``briefgen`` it starts, turns a
fault into an error: :func:`briefgen.assemble.verify`), and, when the session ends, every
``briefing.json`` the tests left in their temporary folders against the article files it cites
(:func:`record_faults`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.config import Options, load_options
from briefgen.models import Article

os.environ["BRIEFGEN_STRICT"] = "1"


def record_faults(folder: Path) -> list[str]:
    """What the archived briefings under ``folder`` say against what they cite: each bullet's
    cited file (read as briefgen reads it) must hold its sentence, and no sentence may be printed
    twice in one briefing. Records that are not briefgen's (unreadable, or made by hand without
    stories) and cited files that are gone or changed since the briefing was written are passed
    over."""
    from briefgen.assemble import plain
    from briefgen.errors import ArticleError
    from briefgen.load import load_file

    texts: dict[str, str | None] = {}

    def text_of(path: str) -> str | None:
        if path not in texts:
            try:
                texts[path] = plain(" ".join(a.text for a in load_file(Path(path)).articles))
            except (ArticleError, OSError):
                texts[path] = None
        return texts[path]

    found = []
    for record_path in sorted(folder.rglob("briefing.json")):
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
            paths = {s["id"]: s.get("path") or "" for s in record["sources"]}
            items = [*record["key_points"], *(i for s in record["sections"] for i in s["items"])]
            written = record_path.stat().st_ctime
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            continue
        if "stories" not in record:
            continue
        paths = {n: p for n, p in paths.items() if _unchanged_since(p, written)}
        seen: set[str] = set()
        for item in items:
            key = plain(item.get("text", ""))
            if key in seen:
                found.append(f"{record_path}: printed twice: {item['text'][:70]}")
            seen.add(key)
            for number in item.get("sources", []):
                text = text_of(paths[number]) if number in paths else None
                if text is not None and key not in text:
                    found.append(f"{record_path}: [{number}] {paths[number]} does not hold: {item['text'][:70]}")
    return found


def _unchanged_since(path: str, written: float) -> bool:
    """Whether the file at ``path`` is there and was last changed before ``written`` (a time)."""
    try:
        return Path(path).stat().st_ctime <= written  # ctime: a restored old mtime does not hide a change
    except OSError:
        return False


@pytest.fixture(scope="session", autouse=True)
def _every_briefing_checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """After the last test, every briefing the suite archived is checked (:func:`record_faults`)."""
    yield
    faults = record_faults(tmp_path_factory.getbasetemp())
    assert not faults, "briefings that cite articles without their sentence or repeat one:\n" + "\n".join(faults[:20])


@pytest.fixture(autouse=True)
def _e2e_is_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that runs the command line is marked ``e2e`` (``make test-fast`` leaves those out):
    in a test without the mark, ``CliRunner.invoke`` fails the test and says so."""
    if request.node.get_closest_marker("e2e") is not None:
        return

    def unmarked(*args: object, **kwargs: object) -> Result:
        raise AssertionError(f"{request.node.name} runs the command line: mark it @pytest.mark.e2e")

    monkeypatch.setattr(CliRunner, "invoke", unmarked)


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A developer's own configuration ($BRIEFGEN_CONFIG, ~/.config/briefgen) never reaches a test."""
    monkeypatch.delenv("BRIEFGEN_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))


def run_cli(*args: str) -> Result:
    """``briefgen ARGS`` through click's CliRunner (stdout and stderr kept apart)."""
    from briefgen.cli import cli

    return CliRunner().invoke(cli, list(args), prog_name="briefgen")


def brief_md_json(corpus: Path, out: Path, *extra: str, date: str = "latest", days: str = "7") -> Result:
    """``briefgen daily`` of ``corpus`` into ``out`` as Markdown and JSON; it must succeed (exit
    0, or 9 when an article was skipped)."""
    result = run_cli("daily", "--corpus", str(corpus), "--out", str(out), "--date", date, "--days", days,
                     "--format", "md,json", *extra)
    assert result.exit_code in (0, 9), result.output + result.stderr
    return result


def briefing_files(out: Path) -> dict[str, bytes]:
    """The latest briefing's Markdown and JSON in the archive ``out``, byte for byte."""
    return {name: (out / "latest" / name).read_bytes() for name in ("briefing.md", "briefing.json")}


def make_article(
    text: str,
    id: str = "a1",
    title: str = "A headline",
    source: str = "Test Wire",
    date: dt.date | None = dt.date(2026, 11, 24),
    url: str = "",
    path: str = "corpus/a1.md",
) -> Article:
    return Article(id=id, title=title, source=source, date=date, url=url, path=path, text=text)


def md_file(folder: Path, name: str, body: str, title: str = "Headline", date: str | None = "2026-11-24",
            source: str = "Test Wire", url: str = "https://testwire.example/story") -> Path:
    """Write a Markdown article with front matter into ``folder``."""
    lines = ["---", f'title: "{title}"']
    if date is not None:
        lines.append(f"date: {date}")
    lines += [f"source: {source}", f"url: {url}", "---", "", body.strip(), ""]
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


TRADE_TEXT = (
    "Uzbekistan and Pakistan agreed to cut transit tariffs on freight crossing the northern corridor. "
    "The customs agreement lowers duties on cargo carried by the new railway line by a third. "
    "Traders in Termez said exports of cotton and fruit could double within a year."
)
SECURITY_TEXT = (
    "Border guards said militants attacked a checkpoint near the frontier overnight, leaving four soldiers wounded. "
    "Officials blamed an insurgent group for the bombing and promised a wider counter-terrorism operation. "
    "Police also seized two tonnes of opium from smugglers in a separate raid on the same road."
)
RECOGNITION_TEXT = (
    "The foreign ministry said the government would accept the credentials of a new ambassador next week. "
    "Diplomats described the move as a step towards formal recognition after months of talks. "
    "A delegation of envoys is expected to discuss reopening the embassy and restoring full diplomatic relations."
)
OFF_TOPIC_TEXT = (
    "The city's pomegranate festival drew thousands of visitors to the central park on Saturday afternoon. "
    "Growers from the valley showed more than forty varieties of fruit in painted wooden stalls. "
    "Children watched puppet shows while musicians played folk songs until late in the evening."
)


@pytest.fixture
def options() -> Options:
    return load_options()


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Four articles over two days: one per topic and one off every topic."""
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-23-tariffs.md", TRADE_TEXT, title="Transit tariffs cut", date="2026-11-23",
            source="Steppe Ledger", url="https://steppe.example/tariffs")
    md_file(folder, "2026-11-24-checkpoint.md", SECURITY_TEXT, title="Checkpoint attacked", source="Khyber Wire",
            url="https://khyber.example/checkpoint")
    md_file(folder, "2026-11-24-envoy.md", RECOGNITION_TEXT, title="New ambassador", source="Caspian Herald",
            url="https://caspian.example/envoy")
    md_file(folder, "2026-11-24-festival.md", OFF_TOPIC_TEXT, title="Pomegranate festival", source="Kabul Evening",
            url="https://kabul.example/festival")
    return folder
