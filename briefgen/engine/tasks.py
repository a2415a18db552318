"""What the workers do to load the corpus: every function here runs as a Dask task, on a
partition of the corpus (a run of consecutive files).

A partition's data stays on its worker (the driver holds its future); what goes back to the
driver is small: per article its metadata, which articles hold a bullet's sentence (the
near-duplicate signatures stay on the workers: :mod:`briefgen.engine.duplicates`). The window's runs of
articles (:func:`window_articles`) are then briefed by the stage functions of
:mod:`briefgen.stages`, the very ones a run on one machine maps over its one part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from briefgen.about import AboutRule
from briefgen.dedupe import shingles, signatures
from briefgen.errors import ArticleError
from briefgen.load import FileResult, load_file, text_digest
from briefgen.models import Article

# --- loading -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What the driver keeps of an article: no text (its signature is a row of its run's)."""

    id: str
    title: str
    source: str
    date: dt.date | None
    url: str
    path: str
    digest: bytes  #: :func:`briefgen.load.text_digest` of its text
    words: bool  #: whether the text has a word

    def stub(self, article_id: str) -> Article:
        """The article without its text, under its id in the corpus (for the Sources)."""
        return Article(article_id, self.title, self.source, self.date, self.url, self.path, "")


def load_part(paths: Sequence[Path], ids: Sequence[str], folder: Path, max_bytes: int) -> list[FileResult]:
    """Load the files ``paths`` of the corpus ``folder`` (as :func:`briefgen.load.load_corpus`)."""
    found = []
    for path, article_id in zip(paths, ids, strict=True):
        try:
            found.append(load_file(path, article_id, max_bytes, corpus=folder))
        except ArticleError as problem:
            found.append(FileResult(problems=[problem]))
    return found


def part_meta(part: list[FileResult]) -> tuple[list[tuple[list[ArticleMeta], list[ArticleError], list[str]]], np.ndarray]:
    """Each file's articles' metadata, problems and warnings; and the MinHash signatures
    (:func:`briefgen.dedupe.signatures`) of all the run's articles, in order, one a row."""
    texts = [a.text for found in part for a in found.articles]
    shingled = shingles(texts)
    words = np.diff(shingled.bounds) > 0
    out, k = [], 0
    for found in part:
        metas = []
        for a in found.articles:
            metas.append(ArticleMeta(a.id, a.title, a.source, a.date, a.url, a.path, text_digest(a.text), bool(words[k])))
            k += 1
        out.append((metas, found.problems, found.warnings))
    return out, signatures(shingled)


def files_of(signed: tuple[list[tuple[list[ArticleMeta], list[ArticleError], list[str]]], np.ndarray]
             ) -> list[tuple[list[ArticleMeta], list[ArticleError], list[str]]]:
    """What the driver keeps of :func:`part_meta`: each file's metadata, problems and warnings
    (the signatures stay on the worker, for :mod:`briefgen.engine.duplicates`)."""
    return signed[0]


def about_articles(part: list[FileResult], wanted: Sequence[tuple[int, int]], rule: AboutRule) -> np.ndarray:
    """Whether each article ``wanted`` (file, article) is about each topic by ``rule`` (for the
    coverage chart: :meth:`briefgen.about.AboutRule.about`)."""
    return rule.about([_article(part, at) for at in wanted])


def _article(part: list[FileResult], at: tuple[int, int]) -> Article:
    return part[at[0]].articles[at[1]]


def holding_texts(part: list[FileResult], wanted: Sequence[tuple[tuple[int, int], str]]) -> list[bool]:
    """Whether each article (file, article) of ``part`` holds the sentence asked with it
    (:func:`briefgen.assemble.holding_in`)."""
    from briefgen.assemble import holding_in

    def text_of(at: tuple[int, int]) -> str:
        return _article(part, at).text

    return holding_in(text_of)(wanted)


def window_articles(wanted: Sequence[tuple[int, tuple[int, int], str]], *parts: list[FileResult]) -> list[Article]:
    """The articles of a run of the window: each (index into ``parts``, (file, article), id)."""
    return [replace(_article(parts[p], at), id=article_id) for p, at, article_id in wanted]
