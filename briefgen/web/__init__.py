"""The reading side of the archive: what a reader opens besides the briefing itself.

* :mod:`briefgen.web.chart` — articles per topic per day, drawn as SVG (briefing, index, PDF);
* :mod:`briefgen.web.nav` — the navigation bars between briefing pages (above a page and at its foot);
* :mod:`briefgen.web.pages` — the archive's index page, what a page says for a link preview, and
  the refresh of every page's bars;
* :mod:`briefgen.web.feed` — the Atom feed of the latest briefings;
* :mod:`briefgen.web.mail` — the whole briefing as an e-mail body (HTML with inline styles, text);
* :mod:`briefgen.web.site` — after a run: ``latest``, the bars, the index and the feed.

Each renders archived briefings as :class:`~briefgen.models.Briefing` models
(:mod:`briefgen.output.record`); the HTML comes from the templates of :mod:`briefgen.styles`. This
package may import the archive and :mod:`briefgen.files`; the archive never imports it. The
briefing page itself is :mod:`briefgen.output.render`'s.
"""
