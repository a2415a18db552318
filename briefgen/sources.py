"""A run's corpus and where its window is briefed, chosen once at the top of a run
(:func:`open_source`):

- :class:`LocalSource`: the corpus read into memory (:func:`briefgen.load.load_corpus`) or through its
  index (:func:`briefgen.corpus_index.open_corpus`), the window briefed in this process;
- :class:`ClusterSource`: the corpus read by the workers of a Dask cluster, whole
  (:class:`briefgen.engine.corpus.ClusterCorpus`) or through its index kept by this process
  (:class:`briefgen.engine.indexed.IndexedOnCluster`), the window briefed on them.

Both answer the :class:`briefgen.corpora.Corpus` protocol by the same rules
(:mod:`briefgen.corpora`), and brief by the same stages (:func:`briefgen.pipeline.brief_parts`);
the run never asks which it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from briefgen.about import AboutRule
from briefgen.assemble import TextHolding
from briefgen.config import Options
from briefgen.corpora import Corpus
from briefgen.corpus_index import IndexedCorpus, open_corpus
from briefgen.load import load_corpus
from briefgen.models import Article, Briefing
from briefgen.parallel import Progress
from briefgen.pipeline import Here, Window, brief_parts
from briefgen.stages import Settings
from briefgen.text.split import Split

if TYPE_CHECKING:
    from briefgen.engine.corpus import ClusterCorpus
    from briefgen.engine.indexed import IndexedOnCluster


class Source(Protocol):
    """A corpus read for a run, and where the briefing of a window of it is made."""

    @property
    def corpus(self) -> Corpus: ...

    def briefing(self, window: Window, settings: Settings) -> Briefing:
        """The briefing of ``window``, whose articles :meth:`Corpus.in_window` gave."""


@dataclass(frozen=True)
class LocalSource:
    """A corpus in this process (in memory, or through its index): its window is split over
    ``jobs`` processes, with a ``progress`` bar (but for the articles whose sentences the index
    keeps: ``known``; a corpus read whole keeps those split, ``remember``, for the coverage chart),
    and briefed here."""

    corpus: Corpus
    jobs: int = 1
    progress: Progress[Any] | None = None
    known: Callable[[Sequence[Article]], list[Split | None]] | None = None
    remember: Callable[[Sequence[Article], Sequence[Split]], None] | None = None

    def briefing(self, window: Window, settings: Settings) -> Briefing:
        return brief_parts(Here(self.jobs, self.progress, self.known, self.remember), [window.articles], window, settings,
                           TextHolding(window.articles))


@dataclass(frozen=True)
class ClusterSource:
    """A corpus on a Dask cluster (read whole, or through its index): its window is briefed on
    the workers that hold it."""

    corpus: ClusterCorpus | IndexedOnCluster

    def briefing(self, window: Window, settings: Settings) -> Briefing:
        from briefgen.engine.briefing import cluster_briefing

        return cluster_briefing(self.corpus, window, settings)


def open_source(folder: Path, out: Path, options: Options, jobs: int = 1,
                progress: Callable[[str], Progress[Any]] | None = None, cache: Path | None = None,
                cluster: Any = None) -> Source:
    """The corpus ``folder``: through its index in the folder ``cache`` when one is given, else
    read whole; on the Dask ``cluster`` (:class:`briefgen.engine.Cluster`) when one is given (the
    index kept here, the files read and parsed on the workers), else over ``jobs`` processes with
    ``progress`` bars (``progress(label)``) here."""
    max_bytes, max_seconds = options.input.max_bytes, options.input.max_seconds
    rule = AboutRule(options.topics, options.ranking)
    if cluster is not None:  # the engine is imported only for a cluster
        from briefgen.engine.corpus import ClusterCorpus
        from briefgen.engine.indexed import open_indexed

        if cache is not None:
            return ClusterSource(open_indexed(cluster, folder, cache, max_bytes, options.output.lock_timeout, Path(out), rule))
        return ClusterSource(ClusterCorpus(cluster, folder, max_bytes))
    splitting = progress("Splitting sentences") if progress else None
    if cache is not None:
        corpus = open_corpus(folder, cache, max_bytes, options.output.lock_timeout, jobs, progress, reported=Path(out),
                             rule=rule, max_seconds=max_seconds)
        return LocalSource(corpus, jobs, splitting, corpus.sentences if isinstance(corpus, IndexedCorpus) else None)
    loaded = load_corpus(folder, jobs=jobs, progress=progress("Loading articles") if progress else None, max_bytes=max_bytes,
                         max_seconds=max_seconds)
    return LocalSource(loaded, jobs, splitting, remember=loaded.remember)
