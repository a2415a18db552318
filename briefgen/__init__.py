"""briefgen: offline daily briefings from a folder of news articles.

The pipeline, one module a stage, data flowing forward:

1. :mod:`briefgen.load` — files → :class:`Article`
2. :mod:`briefgen.text.split` — Article → :class:`Sentence` (offline splitter in :mod:`briefgen.text.sbd`)
3. :mod:`briefgen.score` — sentences × topics → TF-IDF and relevance matrices
4. :mod:`briefgen.rank` — per topic: biased LexRank with a news position prior
5. :mod:`briefgen.select` — maximal marginal relevance across sections, near-duplicates merged
6. :mod:`briefgen.assemble` — items → :class:`Briefing` (key points, sections, sources)
7. :mod:`briefgen.output.render` — Briefing → Markdown, HTML, PDF, JSON, every output from the one
   model (:mod:`briefgen.output.present`: a bullet's parts, the URL guard; :mod:`briefgen.text.dates`; the
   templates of :mod:`briefgen.styles`); :mod:`briefgen.output.record` — the JSON record and back

:func:`briefgen.daily.run_daily` runs them all for a date window and writes the files. Stages 2
to 4 are map steps on a part of the window (:mod:`briefgen.stages`), run here or on a Dask
cluster, with their reductions, by :func:`briefgen.pipeline.brief_parts`; the corpus is read by
one of three back-ends behind one protocol (:mod:`briefgen.corpora`), chosen once
(:mod:`briefgen.sources`).

The names below are imported on first use, so that ``import briefgen`` (and with it the
``briefgen`` command's start-up) loads nothing it does not need.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefgen.errors import BriefgenError
    from briefgen.models import Article, Briefing, Item, Section, Sentence, Source, Topic

__all__ = ["Article", "Briefing", "BriefgenError", "Item", "Section", "Sentence", "Source", "Topic"]

_HOME = {name: "briefgen.models" for name in __all__} | {"BriefgenError": "briefgen.errors"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'briefgen' has no attribute '{name}'")


logging.getLogger(__name__).addHandler(logging.NullHandler())
