"""What the workers do to load the corpus: every function here runs as a Dask task, on a
partition of the corpus (a run of consecutive files).

A partition's data stays on its worker (the driver holds its future); what goes back to the
driver is small: a few numbers an article, as columns (:class:`Loaded`), the fields of the
few articles the driver asks about (:func:`fields_of`: the window's, their copies', the
undated ones'), which articles hold a bullet's sentence (the near-duplicate signatures stay on
the workers: :mod:`briefgen.engine.duplicates`). The window's runs of
articles (:func:`window_articles`) are then briefed by the stage functions of
:mod:`briefgen.stages`, the very ones a run on one machine maps over its one part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from hashlib import blake2b
from pathlib import Path
from typing import Any

import numpy as np

from briefgen.about import AboutRule
from briefgen.dedupe import shingles, signatures
from briefgen.errors import ArticleError
from briefgen.load import FileResult, corpus_id, load_file, text_digest
from briefgen.models import Article

# --- loading -------------------------------------------------------------------------------


NO_DATE = -1  #: the day of an article without a date (:attr:`Loaded.days`)
FIELDS = ("id", "title", "source", "url", "path")  #: what :func:`fields_of` may be asked of an article


@dataclass(frozen=True, slots=True)
class Loaded:
    """What the driver takes in of a loading partition: a few numbers an article, as columns
    (no object an article), and its files' problems and warnings, in file order. Whatever else
    the driver needs of an article (its title, link, outlet…) it asks for, for the few it needs
    (:func:`fields_of`)."""

    days: np.ndarray  #: int32: each article's date as an ordinal (:meth:`datetime.date.toordinal`), :data:`NO_DATE` without one
    keys: np.ndarray  #: uint64: each article's id hashed (:func:`id_keys`): equal ids, equal keys
    words: np.ndarray  #: bool: whether each article's text has a word
    problems: list[ArticleError]
    warnings: list[str]


def id_keys(ids: Sequence[str]) -> np.ndarray:
    """A 64-bit hash of each id, the same in every process (the driver finds equal ids by them)."""
    return np.frombuffer(b"".join(blake2b(i.encode("utf-8", "surrogatepass"), digest_size=8).digest() for i in ids),
                         dtype=np.uint64).copy()


def load_part(names: Sequence[str], folder: Path, max_bytes: int) -> list[FileResult]:
    """Load the files ``names`` of the corpus ``folder`` (as :func:`briefgen.load.load_corpus`)."""
    found = []
    for name in names:
        path = Path(name)
        try:
            found.append(load_file(path, corpus_id(path, folder), max_bytes, corpus=folder))
        except ArticleError as problem:
            found.append(FileResult(problems=[problem]))
    return found


def part_meta(part: list[FileResult]) -> tuple[Loaded, np.ndarray]:
    """The run's :class:`Loaded` columns; and the MinHash signatures
    (:func:`briefgen.dedupe.signatures`) of all its articles, in order, one a row."""
    articles = _flat(part)
    shingled = shingles([a.text for a in articles])
    loaded = Loaded(np.array([a.date.toordinal() if a.date is not None else NO_DATE for a in articles], dtype=np.int32),
                    id_keys([a.id for a in articles]), np.diff(shingled.bounds) > 0,
                    [p for found in part for p in found.problems], [w for found in part for w in found.warnings])
    return loaded, signatures(shingled)


def columns_of(signed: tuple[Loaded, np.ndarray]) -> Loaded:
    """What the driver takes of :func:`part_meta`: the columns, problems and warnings (the
    signatures stay on the worker, for :mod:`briefgen.engine.duplicates`)."""
    return signed[0]


def fields_of(part: list[FileResult], wanted: Sequence[int], names: Sequence[str]) -> list[tuple[Any, ...]]:
    """Of each article ``wanted`` (its number in ``part``), the fields ``names`` (of
    :data:`FIELDS`, or ``digest``: :func:`briefgen.load.text_digest` of its text), in that order."""
    articles = _flat(part)
    return [tuple(text_digest(a.text) if name == "digest" else getattr(a, name) for name in names)
            for a in (articles[k] for k in wanted)]


def _flat(part: list[FileResult]) -> list[Article]:
    """The articles of ``part``, in order (an article's number in the partition is its place here)."""
    return [a for found in part for a in found.articles]


Place = int | tuple[int, int]  #: an article of a partition: its number in it, or (file, article in the file)


def about_articles(part: list[FileResult], wanted: Sequence[Place], rule: AboutRule) -> np.ndarray:
    """Whether each article ``wanted`` is about each topic by ``rule`` (for the coverage chart:
    :meth:`briefgen.about.AboutRule.about`)."""
    return rule.about(_picked(part, wanted))


def _picked(part: list[FileResult], wanted: Sequence[Place]) -> list[Article]:
    """The articles ``wanted`` of ``part``."""
    flat: list[Article] | None = None
    out = []
    for at in wanted:
        if isinstance(at, int):
            flat = _flat(part) if flat is None else flat
            out.append(flat[at])
        else:
            out.append(part[at[0]].articles[at[1]])
    return out


def holding_texts(part: list[FileResult], wanted: Sequence[tuple[Place, str]]) -> list[bool]:
    """Whether each article of ``part`` holds the sentence asked with it
    (:func:`briefgen.assemble.holding_in`)."""
    from briefgen.assemble import holding_in

    texts = [a.text for a in _picked(part, [at for at, _ in wanted])]

    def text_of(k: int) -> str:
        return texts[k]

    return holding_in(text_of)([(k, sentence) for k, (_, sentence) in enumerate(wanted)])


def window_articles(wanted: Sequence[tuple[int, Place, str]], *parts: list[FileResult]) -> list[Article]:
    """The articles of a run of the window: each (index into ``parts``, place in it, id)."""
    flat: dict[int, list[Article]] = {}

    def article(p: int, at: Place) -> Article:
        if isinstance(at, int):
            return (flat[p] if p in flat else flat.setdefault(p, _flat(parts[p])))[at]
        return parts[p][at[0]].articles[at[1]]

    return [replace(article(p, at), id=article_id) for p, at, article_id in wanted]
