"""``briefgen fetch``: fill the corpus from RSS and Atom feeds and article pages.

One module a part, data flowing forward:

- :mod:`briefgen.fetch.net` — the HTTP client: timeouts, size limits before and after
  decompression, redirects, address checks after DNS and on every redirect, politeness;
- :mod:`briefgen.fetch.feeds` — feed bytes → entries, an OPML file → feed URLs (behind the
  loader's defusedxml guard);
- :mod:`briefgen.fetch.pages` — robots.txt, and the article in a fetched page (trafilatura);
- :mod:`briefgen.fetch.state` — what earlier runs saw, in SQLite (safe when two runs overlap);
- :mod:`briefgen.fetch.write` — an article → ``CORPUS/YYYY-MM-DD/slug.md``, never overwriting;
- :mod:`briefgen.fetch.run` — one run over every source: :func:`run_fetch`.
"""

from __future__ import annotations

from briefgen.fetch.run import FetchResult, run_fetch

__all__ = ["FetchResult", "run_fetch"]
