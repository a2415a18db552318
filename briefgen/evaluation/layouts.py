"""Evaluation of layout robustness: the same article, laid out in five ways, must give the same
sentences.

An article (a title and its paragraphs) is written out as a ``.txt`` file in each of
:data:`LAYOUTS`, the title on the first line each time:

* ``blank lines``: paragraphs separated by a blank line (the reference);
* ``one paragraph a line``: one paragraph per line, no blank lines;
* ``wrapped, blank lines``: each paragraph hard-wrapped at :data:`WIDTH` columns, a blank line
  between paragraphs;
* ``Reuters-style``: hard-wrapped, the first line of each paragraph indented by
  :data:`INDENT` spaces, no blank lines;
* ``one line``: the whole body on one line, paragraphs joined by a space.

Each text is read as ``briefgen`` reads a ``.txt`` file (:func:`briefgen.load.parse_file`:
the title found, the body's paragraphs found by :mod:`briefgen.text.layout`) and split by
:func:`briefgen.text.split.split_article`; its body sentences are compared with the reference
layout's. Wrapping is done two ways (:data:`WRAPPERS`): greedily, as most editors and
:mod:`textwrap` fill lines, and balanced, lines of even length as Unix ``fmt`` makes them (a
line then often ends although the next word would have fitted: the hard case for telling a
wrap from a paragraph's end).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.load import decode, parse_file
from briefgen.text.split import split_article

WIDTH = 70  #: columns a hard-wrapped layout is wrapped at
INDENT = 4  #: spaces before the first line of a paragraph, Reuters style
REFERENCE = "blank lines"
#: The BBC News Summary articles of issue 19: files 100 to 119 of these categories.
BBC_CATEGORIES = ("business", "politics")
BBC_NUMBERS = range(100, 120)

Wrapper = Callable[[str, int, str], list[str]]  #: (paragraph, width, first-line indent) → lines


@dataclass(frozen=True)
class LaidOutArticle:
    """An article to lay out: its name, title and paragraphs (white space folded)."""

    name: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass
class LayoutResult:
    """For each article, the layouts whose body sentences differ from the reference layout's."""

    wrapper: str
    differing: dict[str, list[str]] = field(default_factory=dict)  #: article name → layouts

    @property
    def total(self) -> int:
        return len(self.differing)

    @property
    def identical(self) -> int:
        """The articles whose every layout gives the reference layout's sentences."""
        return sum(1 for layouts in self.differing.values() if not layouts)

    def identical_in(self, layout: str) -> int:
        """The articles whose ``layout`` gives the reference layout's sentences."""
        return sum(1 for layouts in self.differing.values() if layout not in layouts)


def greedy_wrap(paragraph: str, width: int, indent: str = "") -> list[str]:
    """``paragraph`` filled greedily into lines of at most ``width`` columns (a longer word
    stands alone), the first line after ``indent``."""
    return textwrap.wrap(paragraph, width, initial_indent=indent, break_long_words=False, break_on_hyphens=False)


def balanced_wrap(paragraph: str, width: int, indent: str = "") -> list[str]:
    """``paragraph`` in lines of at most ``width`` columns (a longer word stands alone), the
    first after ``indent``, broken where the sum of the squared room left on every line but the
    last is least (minimum raggedness, as Unix ``fmt`` aims for). By dynamic programming over
    the words, from the last: linear in the words times the words a line can hold."""
    words = paragraph.split()
    n = len(words)
    best: list[float] = [0.0] * (n + 1)  # best[i]: the least cost of setting words[i:]
    cut: list[int] = [n] * (n + 1)  # cut[i]: where the line that starts at words[i] ends
    for i in range(n - 1, -1, -1):
        best[i] = float("inf")
        length = len(indent) if i == 0 else 0
        for j in range(i, n):
            length += len(words[j]) + (j > i)
            if length > width and j > i:
                break
            cost = 0.0 if j == n - 1 else (max(width - length, 0) ** 2) + best[j + 1]
            if cost < best[i]:
                best[i], cut[i] = cost, j + 1
    lines, i = [], 0
    while i < n:
        lines.append((indent if i == 0 else "") + " ".join(words[i:cut[i]]))
        i = cut[i]
    return lines


WRAPPERS: dict[str, Wrapper] = {"greedy": greedy_wrap, "balanced": balanced_wrap}


def layouts(article: LaidOutArticle, wrap: Wrapper = greedy_wrap, width: int = WIDTH) -> dict[str, str]:
    """The text of a ``.txt`` file of ``article`` in each layout, by name (:data:`LAYOUTS`)."""
    title, paras = article.title, article.paragraphs
    return {
        "blank lines": title + "\n\n" + "\n\n".join(paras) + "\n",
        "one paragraph a line": title + "\n" + "\n".join(paras) + "\n",
        "wrapped, blank lines": title + "\n\n" + "\n\n".join("\n".join(wrap(p, width, "")) for p in paras) + "\n",
        "Reuters-style": title + "\n" + "\n".join("\n".join(wrap(p, width, " " * INDENT)) for p in paras) + "\n",
        "one line": title + "\n" + " ".join(paras) + "\n",
    }


LAYOUTS = tuple(layouts(LaidOutArticle("", "Title", ("Text.",))))


def body_sentences(text: str, name: str = "article.txt") -> list[str]:
    """The body sentences briefgen reports for ``text`` read as a ``.txt`` file."""
    found = parse_file(text.encode("utf-8"), Path(name), None, name)
    return [s.text for article in found.articles for s in split_article(article) if s.kind == "body"]


def differing_layouts(article: LaidOutArticle, wrap: Wrapper = greedy_wrap) -> list[str]:
    """The layouts of ``article`` whose body sentences differ from the reference layout's."""
    texts = layouts(article, wrap)
    expected = body_sentences(texts[REFERENCE])
    return [name for name, text in texts.items() if name != REFERENCE and body_sentences(text) != expected]


def evaluate_layouts(articles: Iterable[LaidOutArticle], wrappers: Mapping[str, Wrapper] = WRAPPERS) -> list[LayoutResult]:
    """One :class:`LayoutResult` per wrapper: for each article, the layouts that differ."""
    articles = list(articles)
    results = []
    for name, wrap in wrappers.items():
        result = LayoutResult(name)
        for article in articles:
            result.differing[article.name] = differing_layouts(article, wrap)
        results.append(result)
    return results


def read_bbc_article(path: Path, name: str) -> LaidOutArticle:
    """A BBC News Summary article file: its first line the title, then paragraphs separated by
    blank lines."""
    text = decode(Path(path).read_bytes(), str(path)).replace("\r\n", "\n").strip()
    title, _, body = text.partition("\n")
    paras = tuple(" ".join(p.split()) for p in body.split("\n\n") if p.strip())
    return LaidOutArticle(name, title.strip(), paras)


def read_bbc_articles(folder: Path, categories: Sequence[str] = BBC_CATEGORIES,
                      numbers: Iterable[int] = BBC_NUMBERS) -> list[LaidOutArticle]:
    """The BBC News Summary articles ``articles/<category>/<number>.txt`` under ``folder`` (the
    data set's folder), those that exist, in order."""
    numbers = list(numbers)
    found = []
    for category in categories:
        for number in numbers:
            path = Path(folder) / "articles" / category / f"{number}.txt"
            if path.is_file():
                found.append(read_bbc_article(path, f"{category}/{number}"))
    return found


def layout_table(results: Sequence[LayoutResult]) -> str:
    """A Markdown table: per wrapper, the articles each layout leaves unchanged, and all five."""
    head = "| wrapping | " + " | ".join(LAYOUTS[1:]) + " | all layouts |"
    rule = "|---" * (len(LAYOUTS) + 1) + "|"
    rows = [f"| {r.wrapper} | " + " | ".join(f"{r.identical_in(name)}/{r.total}" for name in LAYOUTS[1:])
            + f" | **{r.identical}/{r.total}** |" for r in results]
    return "\n".join([head, rule, *rows])
