"""The hand-written section labels of the bundled corpus (tests/golden/corpus-sections.toml)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "golden" / "corpus-sections.toml"
CORPUS = ROOT / "corpus"
TOPICS = {"trade", "security", "recognition"}


def _labels() -> dict[str, dict[str, object]]:
    with LABELS.open("rb") as handle:
        articles: dict[str, dict[str, object]] = tomllib.load(handle)["articles"]
    return articles


def test_labels_cover_every_corpus_article_once() -> None:
    # tomllib refuses a table defined twice, so each article is labelled at most once
    files = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and not p.name.startswith("."))
    assert sorted(_labels()) == files


def test_labels_name_known_sections_and_main_is_acceptable() -> None:
    for name, label in _labels().items():
        main, acceptable = label["main"], label["acceptable"]
        assert set(label) <= {"main", "acceptable", "note"}, name
        assert main in TOPICS | {"none"}, name
        assert isinstance(acceptable, list), name
        assert set(acceptable) <= TOPICS, name
        assert len(set(acceptable)) == len(acceptable), name
        if main != "none":
            assert main in acceptable, name
        assert isinstance(label.get("note"), str) and label["note"], name
