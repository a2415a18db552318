"""The briefing of a window on the cluster: the stage functions of :mod:`briefgen.stages`
mapped over runs of the window's articles on the workers, the reductions, ranking and selection
on the driver (:func:`briefgen.pipeline.brief_parts`, which a run on one machine runs over one
part). What goes back to the driver is small: per run its stems with their document
frequencies, the largest relevance of each topic, the likeliest candidates' scores, the TF-IDF
rows of each article's title and lead and the topics it reports on, each story level's kept
pairs (:mod:`briefgen.engine.stories`), and the text and term rows of the few
thousand candidates that can become bullets and of the sentences close to them. The briefing
is the same, to the byte, as on one machine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from briefgen.assemble import Holds
from briefgen.engine.cluster import Cluster
from briefgen.engine.corpus import stage
from briefgen.engine.stories import cluster_stories
from briefgen.models import Article, Briefing
from briefgen.pipeline import Window, brief_parts
from briefgen.stages import Settings, split_part
from briefgen.stories import StorySettings


class OnCluster:
    """:class:`briefgen.pipeline.Mapper` of a Dask ``cluster``: each step a task, its result left
    on the worker until gathered."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def split(self, parts: Sequence[Any], settings: Settings) -> list[Any]:
        return [self.cluster.submit(split_part, part, settings) for part in parts]

    def submit(self, function: Callable[..., Any], *args: Any) -> Any:
        return self.cluster.submit(function, *args)

    def gather(self, handles: Sequence[Any]) -> list[Any]:
        return self.cluster.gather(handles)

    def share(self, value: Any) -> Any:
        return self.cluster.share(value)

    def stage(self, name: str, started: float, what: str) -> None:
        stage(name, started, what)

    def stories(self, split: Sequence[Any], articles: Sequence[Article], settings: StorySettings) -> list[list[int]]:
        return cluster_stories(self.cluster, split, articles, settings)


class OnClusterCorpus(Holds, Protocol):
    """A corpus whose files the workers of its ``cluster`` hold: :class:`ClusterCorpus`, or
    :class:`briefgen.engine.indexed.IndexedOnCluster` (through the index)."""

    cluster: Cluster

    def window_parts(self) -> list[tuple[Any, int]]: ...


def cluster_briefing(corpus: OnClusterCorpus, window: Window, settings: Settings) -> Briefing:
    """The briefing of the ``window`` (whose articles :meth:`ClusterCorpus.in_window` gave,
    without their text), computed on the cluster; the workers say which articles hold a
    bullet's sentence (:meth:`ClusterCorpus.holding`)."""
    runs = [run for run, _ in corpus.window_parts()]
    return brief_parts(OnCluster(corpus.cluster), runs, window, settings, corpus)
