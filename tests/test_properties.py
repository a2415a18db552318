"""Property tests (hypothesis): generated articles — random Unicode, odd white space, markup
fragments, empty and huge texts — through the loader, the pipeline and the renderers."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.config import Options, load_options
from briefgen.errors import BriefgenError
from briefgen.load import load_corpus, normalize_body
from briefgen.models import Article, Briefing, Item
from briefgen.output.render import render_all
from briefgen.pipeline import build_briefing
from tests.conftest import RECOGNITION_TEXT, SECURITY_TEXT, TRADE_TEXT

DAY = dt.date(2026, 11, 24)
OPTIONS: Options = load_options()

MARKUP = ["<script>alert(1)</script>", '<img src="file:///etc/passwd">', "<iframe src=http://127.0.0.1:9/>",
          '<link rel=stylesheet href="http://127.0.0.1:9/x.css">', "url(file:///etc/passwd)", "![x](file:///etc/passwd)",
          "[a](javascript:alert(1))", "**", "_", "`", "#", "1. ", "- ", "> ", "|", "{: .x}", "{% raw %}", "&amp;", "&#0;",
          "<!--", "-->", "]]>", "<![CDATA[", "\\", "---\n", "\u2028", "\u200b", "\ufeff", "\u00a0", "\t", "\r\n", "\r",
          "\x0b", "\x0c", "\x00", "\x1b[31m", "😀", "ﷺ", "\u202e", "Ω", "İ"]
WORDS = ["trade", "tariff", "customs", "corridor", "railway", "attack", "militants", "border", "embassy", "envoy",
         "talks", "recognition", "security", "the", "a", "of", "and", "said", "officials", "Kabul", "Tashkent", "ministry"]
ENDS = [". ", "! ", "? ", ".\n\n", "\n", " ", ", ", "… ", ".” "]

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(MARKUP), st.sampled_from(ENDS), st.text(max_size=8))
article_text = st.one_of(
    st.just(""),
    st.text(max_size=300),
    st.lists(token, max_size=200).map(" ".join),
    st.lists(st.sampled_from([TRADE_TEXT, SECURITY_TEXT, RECOGNITION_TEXT, *MARKUP]), min_size=1, max_size=6).map(" ".join),
    st.integers(min_value=2000, max_value=6000).map(lambda n: ("tariff " * n).strip()),  # one huge "sentence"
)
field_text = st.text(max_size=40)


@st.composite
def articles(draw: st.DrawFn, min_size: int = 0) -> list[Article]:
    texts = draw(st.lists(article_text, min_size=min_size, max_size=6))
    found = []
    for n, text in enumerate(texts):
        normalised = draw(st.booleans())  # as the loader gives it, or raw
        found.append(Article(
            id=f"a{n}", title=draw(field_text), source=draw(field_text), date=DAY,
            url=draw(st.one_of(st.just(""), st.just("https://x.example/a"), field_text)),
            path=f"corpus/a{n}.md", text=normalize_body(text) if normalised else text,
        ))
    return found


def items(briefing: Briefing) -> list[Item]:
    return [*briefing.key_points, *(i for s in briefing.sections for i in s.items)]


def build(found: list[Article]) -> Briefing | None:
    """The briefing, or None when briefgen refused on purpose (a BriefgenError)."""
    try:
        return build_briefing(found, OPTIONS, DAY, DAY, DAY)
    except BriefgenError:
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_bullets_are_verbatim_and_cite_listed_sources(found: list[Article]) -> None:
    briefing = build(found)
    if briefing is None:
        return
    listed = {s.article.id for s in briefing.sources}
    by_id = {a.id: a for a in found}
    for item in items(briefing):
        assert any(item.text in a.text for a in found)
        assert item.text in by_id[item.article_ids[0]].text
        assert item.article_ids and set(item.article_ids) <= listed
    assert [s.number for s in briefing.sources] == list(range(1, len(briefing.sources) + 1))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_markdown_html_and_json_render_for_any_articles(found: list[Article]) -> None:
    briefing = build(found)
    if briefing is None:
        return
    try:
        out = render_all(briefing, ("md", "html", "json"))
    except BriefgenError:
        return
    assert out["md"].decode().startswith("# ")
    html = out["html"].decode()
    assert "<script" not in html.split("<body>", 1)[1].lower()
    assert json.loads(out["json"])["date"] == DAY.isoformat()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(min_size=1))
def test_a_non_empty_corpus_gives_markdown_html_and_pdf(found: list[Article]) -> None:
    found = [*found, Article("base", "Base", "Wire", DAY, "", "corpus/base.md", TRADE_TEXT)]
    briefing = build_briefing(found, OPTIONS, DAY, DAY, DAY)
    out = render_all(briefing, ("md", "html", "pdf"))
    assert out["md"] and out["html"] and out["pdf"].startswith(b"%PDF-")


SUFFIXES = [".md", ".txt", ".html", ".xml", ".rss", ".jsonl"]
raw_content = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(token, max_size=80).map(lambda ts: " ".join(ts).encode("utf-8", "surrogatepass")),
    st.tuples(st.sampled_from(["---\n", "<rss><channel><item><description>", '{"text": "', "<html><body><p>", "\ufeff"]),
              st.lists(token, max_size=60).map(" ".join)).map(lambda p: "".join(p).encode("utf-8", "surrogatepass")),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(SUFFIXES), raw_content), min_size=1, max_size=5))
def test_the_loader_reports_bad_files_and_never_raises(files: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for n, (suffix, content) in enumerate(files):
            Path(folder, f"2026-11-24-f{n}{suffix}").write_bytes(content)
        result = load_corpus(Path(folder))
    assert all(re.search(r"2026-11-24-f\d", str(p)) for p in result.problems)
    for article in result.articles:
        assert article.text and article.text == normalize_body(article.text)
        assert not re.search("[\x00-\x08\x0e-\x1f\ud800-\udfff]", article.text + article.title + article.source)
    build(result.articles)  # and the pipeline takes whatever the loader gives


@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 3000)), max_size=200))
def test_unique_pairs_are_numpys_unique_rows_of_the_sorted_pairs(pairs: list[tuple[int, int]]) -> None:
    import numpy as np

    from briefgen.dedupe import unique_pairs

    given_pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    expected = np.unique(np.sort(given_pairs, axis=1), axis=0).reshape(-1, 2)
    assert unique_pairs(given_pairs).tolist() == expected.tolist()
