"""Where the PDF and the coverage charts are made: in this process, or in a render process that
prepares itself on the machine's other core while this one makes the briefing.

Importing WeasyPrint and matplotlib costs about half a second of processor time (WeasyPrint's
search for its system libraries runs ``ldconfig`` and ``gcc``), which a run that makes a PDF or
draws a chart pays before it can render. When the user allows worker processes (``--jobs`` 2 or
more), :func:`rendering` forks one render process at the start of the run; it imports what the
run will need at once, then waits. The run hands it the coverage charts' counts
(:meth:`Renderer.draw`: the SVGs come back and are used as :func:`briefgen.web.chart.drawn`
would have drawn them) and the page's HTML (:meth:`Renderer.pdf`: the PDF's bytes come back),
and writes the files itself as always. The process runs the very functions this one would
(:func:`briefgen.web.chart.svg`, :func:`briefgen.output.render.to_pdf` with its fetcher that
refuses every URL), so the files are byte for byte the same; what they log (briefgen's
records) comes back and is logged here, and an error they raise (a :class:`~briefgen.errors.RenderError` with its hint) is
raised here, as if they had run here. With ``--jobs 1`` everything runs in this process.

The render process dies with the run: it is bound to this process as the workers of
:mod:`briefgen.parallel` are (:func:`briefgen.parallel.bind_to_parent`: killed by the kernel when
this process dies, ignoring Ctrl-C and SIGTERM, which this process handles), and it is killed when
the run ends, whether the run rendered, failed before it or was interrupted.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any

from briefgen.models import Activity, Briefing
from briefgen.parallel import bind_to_parent, signals_held

log = logging.getLogger(__name__)

__all__ = ["Renderer", "rendering"]


class Renderer:
    """Makes the PDF and the charts in this process (a render process: :class:`_RenderProcess`)."""

    def draw(self, charts: Sequence[Activity]) -> None:
        """Get the charts of these counts ready for :func:`briefgen.web.chart.drawn` (here: they
        are drawn when first shown)."""

    def pdf(self, briefing: Briefing, html_text: str) -> bytes:
        """:func:`briefgen.output.render.to_pdf` of the briefing's page."""
        from briefgen.output import render

        return render.to_pdf(briefing, html_text)


class _RenderProcess(Renderer):
    """The render process and the pipe to it: each request is answered in turn."""

    def __init__(self, pdf: bool, chart: bool) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, os.getpid(), pdf, chart), name="briefgen-render",
                                       daemon=True)
        with signals_held():  # see briefgen.parallel: no Ctrl-C lost in the fork
            self.process.start()
        theirs.close()
        log.info("render process %d started (%s)", self.process.pid,
                 " and ".join(name for name, wanted in (("PDF", pdf), ("chart", chart)) if wanted))

    def draw(self, charts: Sequence[Activity]) -> None:
        from briefgen.web import chart

        chart.keep(dict(zip(charts, self._ask("draw", list(charts)), strict=True)))

    def pdf(self, briefing: Briefing, html_text: str) -> bytes:
        pdf = self._ask("pdf", briefing, html_text)
        assert isinstance(pdf, bytes)
        return pdf

    def _ask(self, *request: Any) -> Any:
        self._conn.send(request)
        try:
            ok, answer, records = self._conn.recv()
        except EOFError:  # it died (the out-of-memory killer, a crash in a library)
            from briefgen.errors import RenderError

            raise RenderError(f"the render process ended unexpectedly (exit status {self.process.exitcode})",
                              "run again with --jobs 1 to render in the main process") from None
        for record in records:
            logging.getLogger(record.name).handle(record)
        if not ok:
            raise answer
        return answer

    def stop(self) -> None:
        """Kill the render process (it holds nothing: it was forked before any lock was taken) and reap it."""
        self._conn.close()
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join()


@contextlib.contextmanager
def rendering(jobs: int, pdf: bool, chart: bool) -> Iterator[Renderer]:
    """The renderer of a run that will make a PDF (``pdf``) and/or draw coverage charts
    (``chart``): a render process when ``jobs`` allows more than one process and there is
    something to prepare (on Linux, where it can be forked), else this process. The render
    process is gone when the block ends, however it ends."""
    if jobs < 2 or not (pdf or chart) or not sys.platform.startswith("linux"):
        yield Renderer()
        return
    process = _RenderProcess(pdf, chart)
    try:
        yield process
    finally:
        process.stop()


# --- in the render process --------------------------------------------------------------------

class _Kept(logging.Handler):
    """Keeps the records logged while a request is answered, to be logged by the run."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None  # the arguments may not pickle
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        self.records.append(record)


def _serve(conn: Connection, parent: int, pdf: bool, chart: bool) -> None:
    """The render process: import what the run needs, then answer requests until the pipe closes."""
    bind_to_parent(parent)
    # briefgen's records go back to the run, to its handlers (the command line's are on this logger);
    # the libraries' go where they would in the run (WeasyPrint's nowhere: it has a NullHandler)
    kept, own = _Kept(), logging.getLogger("briefgen")
    for handler in list(own.handlers):
        own.removeHandler(handler)
    own.addHandler(kept)
    with contextlib.suppress(Exception):  # an import that fails here fails again, and is reported, when used
        if chart:
            import matplotlib.backends.backend_svg  # noqa: F401
            import matplotlib.dates  # noqa: F401
            import matplotlib.figure  # noqa: F401
            import matplotlib.ticker  # noqa: F401
        if pdf:
            import weasyprint  # noqa: F401
    from briefgen.output import render
    from briefgen.web import chart as charts

    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        kept.records = []
        try:
            if request[0] == "draw":
                answer: Any = [charts.svg(data) for data in request[1]]
            else:
                answer = render.to_pdf(request[1], request[2])
            reply: tuple[bool, Any, list[logging.LogRecord]] = (True, answer, kept.records)
        except Exception as exc:  # raised in the run, as if it had happened there
            reply = (False, exc, kept.records)
        try:
            conn.send(reply)
        except Exception as exc:  # an exception that does not pickle
            conn.send((False, RuntimeError(f"{type(reply[1]).__name__}: {reply[1]} ({exc})"), kept.records))
