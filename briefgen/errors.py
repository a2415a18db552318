"""briefgen's errors: one base class, specific subclasses, each with a documented exit code.

Library code raises these; only the command line turns them into a one-line message and an
exit status (see README, "Exit codes"). Every one is defined here::

    BriefgenError            1  anything briefgen raises on purpose
    ├── ConfigError          3  a wrong config file or option
    ├── ClusterError         3  the Dask cluster cannot do the run (unreachable, no worker)
    ├── LearnError           3  examples that cannot train a topic model, a model file unread
    ├── InputError           4  the input cannot be used at all
    │   └── ArticleError     4  one article cannot be read (a warning in a daily run)
    ├── NothingToReport      5  no article in the window, no sentence to report
    ├── RenderError          6  an output format could not be produced
    ├── DeliveryError        7  the e-mail could not be sent after every retry
    ├── LockTimeout          8  another run holds the output folder
    └── OutputError         10  the output folder cannot take the briefing

(:class:`briefgen.assemble.BriefingError` is no such error: it is an ``AssertionError``, a bug
in briefgen that ``BRIEFGEN_STRICT=1`` turns into a failure.)
"""

from __future__ import annotations


class BriefgenError(Exception):
    """Base of every error briefgen raises on purpose.

    ``hint`` tells the user how to fix the problem; ``exit_code`` is the process status the
    command line exits with.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"

    def __reduce__(self) -> tuple[object, ...]:  # survive pickling across worker processes
        return (type(self), (self.message, self.hint))


class ConfigError(BriefgenError):
    """A configuration file or option is wrong: unknown key, wrong type, topic without terms."""

    exit_code = 3


class ClusterError(BriefgenError):
    """The Dask cluster of ``--scheduler`` cannot do the run: it cannot be reached, is not a
    Dask scheduler, has no worker within ``[engine] worker_wait`` or lost its last one for
    longer than that, or lost the run's work. The output folder is left as it was."""

    exit_code = 3


class InputError(BriefgenError):
    """The input cannot be used at all: missing corpus folder, unreadable file given by name."""

    exit_code = 4


class ArticleError(InputError):
    """One article cannot be read. The daily run reports it as a warning and goes on.

    ``kind`` says what is wrong where the hint depends on it: ``"not_text"`` (a binary file, or
    one no reader could parse), for which the command line gives a file named on it a hint of
    its own (the library's hint speaks of the corpus folder); empty otherwise."""

    def __init__(self, path: str, message: str, hint: str | None = None, kind: str = "") -> None:
        super().__init__(f"{path}: {message}", hint)
        self.path = path
        self.reason = message
        self.kind = kind

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.reason, self.hint, self.kind))


class NothingToReport(BriefgenError):
    """The date window holds no article, or the articles hold no sentence to report."""

    exit_code = 5


class RenderError(BriefgenError):
    """An output format could not be produced (e.g. WeasyPrint's system libraries are missing)."""

    exit_code = 6


class LearnError(BriefgenError):
    """The examples cannot train a model, or a model file cannot be read."""

    exit_code = 3


class DeliveryError(BriefgenError):
    """The SMTP server could not be reached or refused the message, after every retry."""

    exit_code = 7


class LockTimeout(BriefgenError):
    """Another run holds the output folder's lock for longer than we may wait."""

    exit_code = 8


class OutputError(BriefgenError):
    """The output folder cannot take the briefing: not a folder, read-only, a full disk, or a file
    or symbolic link where briefgen keeps a folder or its ``latest`` link. Nothing earlier is
    changed."""

    exit_code = 10
