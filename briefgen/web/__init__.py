"""The reading side of the archive: what a reader opens besides the briefing itself.

* :mod:`briefgen.web.chart` — articles per topic per day, drawn as SVG (briefing, index, PDF);
* :mod:`briefgen.web.pages` — the archive's index page and every briefing's navigation bar;
* :mod:`briefgen.web.feed` — the Atom feed of the latest briefings;
* :mod:`briefgen.web.mail` — the whole briefing as an e-mail body (HTML with inline styles, text).

The briefing page itself is :mod:`briefgen.render`'s.
"""
