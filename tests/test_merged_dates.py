"""Near-duplicate copies merged into one story keep their dates: ``--date latest`` and the hint of
an empty window count the date of every copy kept, with the corpus index and without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import md_file
from tests.conftest import run_cli as run

pytestmark = pytest.mark.e2e

STORY = ("Freight operators agreed on Monday to cut transit tariffs on cargo crossing the northern border by a third. "
         "Exports of grain and cotton are expected to double within a year, the trade ministry said. "
         "Customs officers will share cargo manifests electronically from January, officials added.")


@pytest.fixture
def copies(tmp_path: Path) -> Path:
    """One story from two outlets: the copy first in the corpus dated 28 Nov, the other 29 Nov."""
    corpus = tmp_path / "corpus"
    md_file(corpus, "a-steppe.md", STORY, title="Tariffs cut", date="2026-11-28", source="Steppe Ledger",
            url="https://steppe.example/tariffs")
    md_file(corpus, "b-caspian.md", STORY, title="Tariffs cut on the border", date="2026-11-29", source="Caspian Herald",
            url="https://caspian.example/tariffs")
    return corpus


@pytest.mark.parametrize("cache", [(), ("--no-cache",)], ids=["index", "whole"])
def test_latest_is_the_newest_copy_and_the_hint_names_every_copy(copies: Path, tmp_path: Path, cache: tuple[str, ...]) -> None:
    out = tmp_path / "out"
    result = run("daily", "--corpus", str(copies), "--out", str(out), "--date", "latest", "--format", "md,json", *cache)
    assert result.exit_code == 0, result.stderr
    assert (out / "latest").resolve().name == "2026-11-29"
    assert "Tariffs cut" in (out / "2026-11-29" / "briefing.md").read_text()
    empty = run("daily", "--corpus", str(copies), "--out", str(out), "--date", "2026-12-05", "--format", "md", *cache)
    assert empty.exit_code == 5
    assert "Hint: the corpus covers 2026-11-28 to 2026-11-29:" in empty.stderr
