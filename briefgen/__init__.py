"""briefgen: offline daily briefings from a folder of news articles.

The pipeline, one module a stage, data flowing forward:

1. :mod:`briefgen.load` — files → :class:`Article`
2. :mod:`briefgen.split` — Article → :class:`Sentence` (offline splitter in :mod:`briefgen.sbd`)
3. :mod:`briefgen.score` — sentences × topics → TF-IDF and relevance matrices
4. :mod:`briefgen.rank` — per topic: biased LexRank with a news position prior
5. :mod:`briefgen.select` — maximal marginal relevance across sections, near-duplicates merged
6. :mod:`briefgen.assemble` — items → :class:`Briefing` (key points, sections, sources)
7. :mod:`briefgen.render` — Briefing → Markdown, HTML, PDF, JSON

:func:`briefgen.daily.run_daily` runs them all for a date window and writes the files.
"""

import logging

from briefgen.errors import BriefgenError
from briefgen.models import Article, Briefing, Item, Section, Sentence, Source, Topic

__all__ = ["Article", "Briefing", "BriefgenError", "Item", "Section", "Sentence", "Source", "Topic"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
