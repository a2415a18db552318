"""A briefing's own files and what is done with them: the record in ``briefing.json`` and back
(:mod:`.record`), a bullet's parts and the URL guard that every format shares (:mod:`.present`),
Markdown, the HTML page, PDF and JSON (:mod:`.render`), the archive of dated folders and its lock
(:mod:`.archive`) and the e-mail sent from it (:mod:`.deliver`). The pages that link the archive
together (index, navigation, feed, the e-mail's body) are :mod:`briefgen.web`'s."""
