"""Scale-out on Dask distributed: ``briefgen daily --scheduler ADDRESS`` (or ``[engine]
scheduler``) sends the per-article work to a Dask cluster.

The workers read and parse the corpus's files and compute each article's near-duplicate
signature (:mod:`~briefgen.engine.tasks`) — through the corpus index kept by the driver, only the
files that are new or changed, then only the window's (:mod:`~briefgen.engine.indexed`) — and,
without the index, shuffle the signatures' band keys and check the likely pairs
(:mod:`~briefgen.engine.duplicates`); they split the window's articles into sentences, weigh and
score each sentence against each topic, and send back each run of articles' likeliest
candidates (the stage functions of :mod:`briefgen.stages`, which a run on one machine calls
too); they weigh the stories' pairs, a time block a task (:mod:`~briefgen.engine.stories`). The
driver — the ``briefgen`` process — joins the confirmed pairs of near-duplicates into groups
(:mod:`~briefgen.engine.corpus`; with the index, it compares the words of the likely copies
itself, :mod:`~briefgen.engine.indexed`), reduces the window's term statistics, merges the runs'
candidates, runs average link on each story level's kept pairs, ranks, selects and renders
(:func:`briefgen.pipeline.brief_parts`, as a run on one machine does; the tasks submitted by
:mod:`~briefgen.engine.briefing`). It never holds the articles' text: of the corpus only a few
numbers an article, as columns (its date, its group of near-duplicates, whether it is kept in
it), and the title, outlet, link and path of the window's articles, asked of the workers; the
TF-IDF row of each window article's title and lead (for the stories), and the text of the
candidates (and, with the index, the index's columns, a signature an article among them). The briefing is the same, to the byte, as
a run on one machine. The corpus folder must be readable by every worker at the same path (a
shared file system). Needs the ``dask`` extra: ``pip install 'briefgen[dask]'``.

The connection (:mod:`~briefgen.engine.cluster`) fails fast and clearly: an address that cannot
be a scheduler's, one that does not answer as a scheduler within ``[engine] connect_timeout``,
a cluster without a worker for ``[engine] worker_wait`` seconds (at the start, or after losing
its last one mid-run) are each an ``Error:`` line and exit 3, the output folder as it was.
"""

from __future__ import annotations

from briefgen.engine.cluster import Cluster, connected

__all__ = ["Cluster", "connected"]
