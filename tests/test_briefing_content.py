"""What the briefing of the bundled corpus says, judged against labels written by hand
(``tests/golden/corpus-sections.toml``: each article's main section and the sections where a
bullet of it is acceptable), as cron would brief it: each day of the newest week with the
default one-day window into one archive, history on, then the week; and 7-day windows on
consecutive days."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LABELS = tomllib.loads((ROOT / "tests" / "golden" / "corpus-sections.toml").read_text(encoding="utf-8"))["articles"]
DAYS = [dt.date(2026, 11, d) for d in range(23, 30)]


def brief(out: Path, date: dt.date, days: int, corpus: Path = CORPUS) -> dict[str, Any]:
    result = run_cli("daily", "--corpus", str(corpus), "--out", str(out), "--date", date.isoformat(), "--days", str(days),
                     "--format", "json", "--quiet")
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads((out / date.isoformat() / "briefing.json").read_text(encoding="utf-8"))


def name(path: str) -> str:
    return Path(path).name


def day_of(path: str) -> dt.date:
    """An article's date, from its file name in corpus/ (``2026-11-25-…``)."""
    return dt.date.fromisoformat(name(path)[:10])


def bullets(record: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each section's bullets as a reader meets them: the key points that name it, then its items."""
    found: dict[str, list[dict[str, Any]]] = {s["topic"]: [] for s in record["sections"]}
    for item in record["key_points"]:
        found[item["section"]].append(item)
    for section in record["sections"]:
        found[section["topic"]].extend(section["items"])
    return found


@pytest.fixture(scope="module")
def cron(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The briefings of 23 to 29 Nov, one day each, then of the week, in one archive."""
    out = tmp_path_factory.mktemp("cron")
    records = [brief(out, day, 1) for day in DAYS]
    return [*records, brief(out, DAYS[-1], 7)]


def test_the_labels_cover_the_corpus() -> None:
    assert sorted(LABELS) == sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".md", ".txt"))


@pytest.mark.e2e
def test_no_bullet_comes_from_an_article_not_about_its_section(cron: list[dict[str, Any]]) -> None:
    wrong = []
    for record in cron:
        path = {s["id"]: s["path"] for s in record["sources"]}
        for topic, items in bullets(record).items():
            for item in items:
                wrong += [(record["date"], topic, name(path[n]), item["text"][:60]) for n in item["sources"]
                          if topic not in LABELS[name(path[n])]["acceptable"]]
    assert not wrong


@pytest.mark.e2e
def test_no_section_is_empty_while_its_window_holds_an_article_mainly_about_it(cron: list[dict[str, Any]]) -> None:
    empty = []
    for record in cron:
        window = [p for s in record["stories"] for p in s["articles"]]
        mains = {LABELS[name(p)]["main"] for p in window}
        empty += [(record["date"], topic) for topic, items in bullets(record).items() if topic in mains and not items]
    assert not empty


@pytest.mark.e2e
def test_every_bullet_cites_only_articles_that_hold_its_sentence_and_no_sentence_is_printed_twice(
        cron: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.conftest import record_faults

    archive = next(p for p in tmp_path_factory.getbasetemp().iterdir() if p.name.startswith("cron"))
    assert len(list(archive.glob("2026-*/briefing.json"))) == len(DAYS)  # the week is archived under its last day
    assert not record_faults(archive)
    for record in cron:
        texts = [i["text"] for items in bullets(record).values() for i in items]
        assert len(texts) == len(set(texts))


@pytest.mark.e2e
def test_week_windows_on_consecutive_days_report_news_not_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    previous: dt.date | None = None
    for day in DAYS:
        record = brief(out, day, 7)
        stories = {s["id"]: s for s in record["stories"]}
        items = [i for group in bullets(record).values() for i in group]
        assert items
        if previous is not None:
            newer = {sid: any(day_of(p) > previous for p in s["articles"]) for sid, s in stories.items()}
            assert all(newer[i["story"]] for i in items if i["developing"]), day  # Developing: a newer article
            leftovers = [i for i in items if not newer[i["story"]]]
            assert len(leftovers) * 2 < len(items), (day, [i["text"][:50] for i in leftovers])
        previous = day


#: a made-up report that covers all three sections, several sentences each
MULTI_TOPIC = {
    "trade": ("The two governments signed a trade agreement that cuts customs duties on fruit, cotton and cement and "
              "aims to raise bilateral trade to $3 billion a year.",
              "Uzbek Railways will extend its line from Mazar-i-Sharif to Herat under a $1.2 billion contract, opening a "
              "transit corridor to Iran's ports.",
              "Traders at the Hairatan dry port said tariffs on Afghan fruit had already fallen on Monday."),
    "security": ("Interior ministers of the two countries agreed to share intelligence on militant groups, including ISIS-K, "
                 "operating along the Amu Darya.",
                 "Border guards will run joint patrols against drug smuggling, which Uzbek officials said had grown since "
                 "the opium ban pushed traffickers to methamphetamine.",
                 "Two militants were killed in a clash with Afghan forces near Hairatan on the eve of the visit, officials said."),
    "recognition": ("Tashkent will upgrade its diplomatic mission in Kabul to a full embassy and accept an ambassador "
                    "appointed by the Taliban government.",
                    "The foreign minister said Uzbekistan was not yet ready to recognise the Taliban government formally, "
                    "but would press for its envoy to be seated at the United Nations."),
}


MULTI_LEAD = ("Uzbekistan's president arrived in Kabul on Monday for a two-day visit, the first by a Central Asian head of "
              "state since the Taliban took power.")


@pytest.mark.e2e
def test_a_multi_topic_report_briefed_alone_gives_an_on_topic_bullet_in_every_section_it_covers(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "\n\n".join(" ".join(sentences) for sentences in MULTI_TOPIC.values())
    (corpus / "2026-11-30-uzbek-visit.txt").write_text(
        "Uzbek president's Kabul visit brings rail deal, border pact and an embassy upgrade\n\n"
        f"{MULTI_LEAD}\n\n{body}\n\nThe president is due to leave for Herat on Tuesday.\n",
        encoding="utf-8")
    record = brief(tmp_path / "out", dt.date(2026, 11, 30), 1, corpus)
    given = bullets(record)
    assert all(given[topic] for topic in MULTI_TOPIC), {t: [i["text"][:40] for i in items] for t, items in given.items()}
    lead = {"recognition": (MULTI_LEAD,)}  # a head of state's first visit is diplomatic news, too
    assert all(item["text"] in MULTI_TOPIC[topic] + lead.get(topic, ()) for topic, items in given.items() for item in items), given
