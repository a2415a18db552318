"""The connection to the Dask cluster, every wait on it bounded.

:func:`connected` checks the address's form (:func:`briefgen.config.scheduler_address`), asks the address who
it is before a ``distributed.Client`` is made (:func:`identity`: a port that answers but is
not a Dask scheduler — a dashboard, a web server — is refused within ``connect_timeout``
instead of hanging on Dask's handshake), waits at most ``worker_wait`` seconds for a worker,
and closes the client whatever ends the run. :class:`Cluster` is the client as the engine uses
it: its :meth:`~Cluster.gather` watches the scheduler's workers while it waits, and stops the
run when the cluster has had none for ``worker_wait`` seconds (the last worker killed; Dask
reruns a lost worker's tasks on the others, and on a worker that comes back in time).

Every failure is a :class:`~briefgen.errors.ClusterError` (exit 3) or, for an address that
cannot be one, a :class:`~briefgen.errors.ConfigError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from briefgen.config import scheduler_address
from briefgen.errors import ClusterError, ConfigError

log = logging.getLogger(__name__)

POLL = 0.5  #: seconds between two looks at the scheduler's workers while the run waits on them

_START_HINT = "start it (`dask scheduler`) and its workers (`dask worker ADDRESS`), or check --scheduler / [engine] scheduler"
_WORKER_HINT = ("start workers (`dask worker ADDRESS`) and run again; [engine] worker_wait sets how long a run "
                "waits for one")


def identity(address: str, timeout: float, connection_args: dict[str, Any]) -> dict[str, Any]:
    """What the Dask server at ``address`` says it is (its ``identity`` reply: ``type``,
    ``n_workers``, …), asked within ``timeout`` seconds in all, on an event loop of its own
    (the caller may run one). Raises :class:`~briefgen.errors.ClusterError` when nothing
    answers there (a plain connection is tried first, so that a refused one is an error at
    once), when what answers does not speak Dask's protocol in time (a web server, a
    dashboard), and when a Dask server answers that is not a scheduler."""
    from distributed.comm import connect

    parts = urlsplit(address)
    deadline = time.monotonic() + timeout
    reached = threading.Event()

    async def ask() -> Any:
        _, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.close()
        reached.set()
        comm = await connect(address, timeout=max(deadline - time.monotonic(), 0.001), **connection_args)
        try:
            await comm.write({"op": "identity", "n_workers": 0, "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["reply"] = asyncio.run(asyncio.wait_for(ask(), timeout))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="briefgen-scheduler-probe", daemon=True)
    thread.start()
    thread.join()
    error, reply = outcome.get("error"), outcome.get("reply")
    if error is not None and not reached.is_set():
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {_reason(error, f'no connection within {timeout:g} s')}",
                           _START_HINT) from error
    if error is not None or not isinstance(reply, dict) or not isinstance(reply.get("type"), str):
        log.debug("%s answered, not as a Dask scheduler: %r", address, error if error is not None else reply)
        raise ClusterError(f"{address} is not a Dask scheduler: {_not_dask(error, timeout)}",
                           "give the address `dask scheduler` prints (tcp://HOST:8786 by default), not a dashboard's "
                           "or another service's port") from error
    if reply["type"] != "Scheduler":
        raise ClusterError(f"{address} is a Dask {reply['type'].lower()}, not the scheduler",
                           "give the scheduler's address (the one its workers were started with)")
    return reply


def _not_dask(error: BaseException | None, timeout: float) -> str:
    """Why what answered is taken for no Dask scheduler (``error``: what asking it raised)."""
    if isinstance(error, TimeoutError):
        return f"no answer as one within {timeout:g} s"
    if error is not None and (isinstance(error, ssl.SSLError) or isinstance(error.__cause__, ssl.SSLError)):
        return f"the TLS handshake failed ({_reason(error, '')}): check distributed.comm.tls in Dask's configuration"
    return "what answers there does not speak Dask's protocol"


def _reason(error: BaseException, on_timeout: str) -> str:
    """A short reason for ``error``, on one line; ``on_timeout`` when it is a timeout."""
    if isinstance(error, TimeoutError):
        return on_timeout
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]


class Cluster:
    """The Dask ``client`` of a run (connected to ``address``) as the engine uses it: tasks
    submitted, values shared, results gathered, no wait on it longer than the cluster has
    workers or ``worker_wait`` seconds without one."""

    def __init__(self, client: Any, address: str, worker_wait: float) -> None:
        self.client = client
        self.address = address
        self.worker_wait = worker_wait
        self._had_worker = False
        self._none_since: float | None = None

    def submit(self, function: Callable[..., Any], *args: Any) -> Any:
        """A future of ``function(*args)`` run on a worker (never taken from a cache: pure=False).
        Arguments that are data (a story level's groups' days and sizes, a block's row numbers)
        travel in the task, without Dask's warning about a large graph on the terminal: they are
        what the task is made of."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
            return self.client.submit(function, *args, pure=False)

    def holders(self, futures: Sequence[Any]) -> list[str]:
        """The worker that holds each of ``futures`` (computed ones), the first when several do
        ("" when none does now): to group tasks by where their data is."""
        held = self.client.who_has(list(futures))
        return [min(held.get(f.key, ()), default="") for f in futures]

    def share(self, value: Any) -> Any:
        """A future of ``value`` that every task may take: a task that returns it, not data
        scattered to the workers, so that Dask can make it again when the workers that held it
        are gone (the last one killed, and a new one started) instead of failing the run."""
        with warnings.catch_warnings():  # the value belongs in the graph: it is what can be made again
            warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
            return self.client.submit(_the, value, pure=False)

    def gather(self, futures: Sequence[Any]) -> list[Any]:
        """The results of ``futures``, once all are done. Raises what a task raised;
        :class:`~briefgen.errors.ClusterError` when the cluster has had no worker for
        ``worker_wait`` seconds meanwhile, lost the connection to the scheduler, or a task
        killed the workers that ran it."""
        futures = list(futures)
        from distributed import wait
        from distributed.client import FutureCancelledError, FuturesCancelledError

        with self.client.as_current():  # what distributed.wait waits with
            for future in futures:  # one at a time: a look at the workers between two short waits
                while not future.done():
                    try:
                        wait([future], timeout=POLL)
                    except TimeoutError:
                        self.check_workers()
                    except (FuturesCancelledError, FutureCancelledError) as exc:
                        raise self._lost(exc) from exc
            for future in futures:  # a failed one raises here (gathering them would leave Dask's waits behind)
                if future.status == "cancelled":
                    try:
                        future.result()
                    except FutureCancelledError as exc:
                        raise self._lost(exc) from exc
                if future.status == "error":
                    self._raise_error(future)
        return list(self.client.gather(futures))

    def wait_for_workers(self) -> None:
        """Return once the cluster has a worker; :class:`~briefgen.errors.ClusterError` after
        ``worker_wait`` seconds without one."""
        while not self.check_workers():
            time.sleep(POLL)

    def check_workers(self) -> bool:
        """Whether the cluster has a worker now. Raises :class:`~briefgen.errors.ClusterError`
        once it has had none for ``worker_wait`` seconds."""
        try:
            workers = int(self.client.scheduler_info(n_workers=0).get("n_workers", 0))
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"lost the connection to the Dask scheduler at {self.address}: {_reason(exc, 'it does not answer')}",
                               _START_HINT) from exc
        now = time.monotonic()
        if workers:
            if self._none_since is not None and self._had_worker:
                log.info("the Dask cluster at %s has %d worker(s) again", self.address, workers)
            self._had_worker, self._none_since = True, None
            return True
        if self._none_since is None:
            self._none_since = now
            if self._had_worker:
                log.warning("the Dask cluster at %s has no worker left: waiting up to %g s for one", self.address, self.worker_wait)
        if now - self._none_since >= self.worker_wait:
            if self._had_worker:
                raise ClusterError(f"the Dask cluster at {self.address} lost its last worker: none came back within "
                                   f"{self.worker_wait:g} s", _WORKER_HINT)
            raise ClusterError(f"the Dask scheduler at {self.address} has no worker (waited {self.worker_wait:g} s)",
                               _WORKER_HINT)
        return False

    def _lost(self, exc: BaseException | None) -> ClusterError:
        """The error for work the cluster cancelled (``exc``: Dask's, which says why)."""
        groups = getattr(exc, "error_groups", None)
        reasons = {g.reason for g in groups} if groups else {getattr(exc, "reason", "unknown")}
        if "scheduler-connection-lost" in reasons:
            return ClusterError(f"lost the connection to the Dask scheduler at {self.address} during the run",
                                "check that the scheduler is running (its log says why it stopped), and run again")
        return ClusterError(f"the Dask cluster at {self.address} lost work the run needs ({', '.join(sorted(reasons))})",
                            "check the scheduler and its workers (their logs say why), and run again")

    def _raise_error(self, future: Any) -> None:
        """Raise what the task of ``future`` raised; a worker it killed as a ClusterError."""
        from distributed.scheduler import KilledWorker

        error = future.exception()
        if isinstance(error, KilledWorker):
            task = " ".join(str(error.task).split())[:100]
            raise ClusterError(f"a task of the run ({task}) ended every Dask worker that ran it "
                               f"({error.allowed_failures + 1} in all)", "see the workers' logs (out of memory? give them more with `dask worker "
                               "--memory-limit`), and run again") from error
        future.result()  # raises the task's exception, with its traceback


def _the(value: Any) -> Any:
    """``value`` itself: the task of :meth:`Cluster.share`."""
    return value


@contextlib.contextmanager
def connected(address: str, connect_timeout: float, worker_wait: float, where: str = "--scheduler") -> Iterator[Cluster]:
    """The :class:`Cluster` of the Dask scheduler at ``address`` (``tcp://host:8786``; ``where``:
    the option or key it came from, for the message), once it has a worker, closed at the end.

    The address is checked first (:func:`briefgen.config.scheduler_address`), then asked who it
    is within ``connect_timeout`` seconds (:func:`identity`); the run waits at most
    ``worker_wait`` seconds for a worker. Raises :class:`~briefgen.errors.ConfigError` when
    Dask is not installed, the address cannot be a scheduler's, or a ``tls://`` one has no TLS
    settings in Dask's configuration; :class:`~briefgen.errors.ClusterError` when the scheduler
    cannot be reached, is not one, turns the client away, or has no worker in time."""
    address = scheduler_address(address, where)
    try:
        from distributed import Client
        from distributed.security import Security
    except ImportError as exc:
        raise ConfigError("--scheduler needs Dask distributed, which is not installed",
                          "pip install 'briefgen[dask]' (or leave out --scheduler and [engine] scheduler)") from exc
    security = Security()
    connection_args = security.get_connection_args("client")
    if address.startswith("tls://") and connection_args.get("ssl_context") is None:
        raise ConfigError(f"{where}: {address} is reached over TLS, and Dask's configuration holds no TLS settings for a client",
                          "set distributed.comm.tls.ca-file, distributed.comm.tls.client.cert and .key in Dask's "
                          "configuration (~/.config/dask/, or DASK_DISTRIBUTED__COMM__TLS__… variables), or use tcp://")
    with _dask_logs_to_ours():
        reply = identity(address, connect_timeout, connection_args)
        log.info("Dask scheduler %s: %s workers", address, reply.get("n_workers", "?"))
        try:
            client = Client(address, timeout=connect_timeout, set_as_default=False, security=security)
        except ImportError as exc:  # what Dask raises when the scheduler turns the client away, saying why
            raise ClusterError(f"the Dask scheduler at {address} refused the connection: {_reason(exc, '')}",
                               "install the same versions of Dask and briefgen on the driver, the scheduler and the "
                               "workers") from exc
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: "
                               f"{_reason(exc, f'no connection within {connect_timeout:g} s')}", _START_HINT) from exc
        try:
            cluster = Cluster(client, address, worker_wait)
            cluster.wait_for_workers()
            yield cluster
        finally:
            _close(client, connect_timeout)


class _Forward(logging.Handler):
    """Dask's log records, passed on to briefgen's log at INFO at most (the log file has them)."""

    def emit(self, record: logging.LogRecord) -> None:
        log.log(min(record.levelno, logging.INFO), "dask %s %s: %s", record.name, record.levelname.lower(), record.getMessage(),
                exc_info=record.exc_info)


@contextlib.contextmanager
def _dask_logs_to_ours() -> Iterator[None]:
    """While the driver works with the cluster, what the Dask client logs (a lost connection, a
    reconnection, its tracebacks) goes to briefgen's log, not to the terminal: the run's own
    error says what went wrong, in one line. Dask's own handlers are put back afterwards."""
    names = [name for name in logging.Logger.manager.loggerDict if name == "distributed" or name.startswith("distributed.")]
    loggers = [logger for name in dict.fromkeys(["distributed", *names]) if (logger := logging.getLogger(name)).handlers or name == "distributed"]
    saved = [(logger.handlers[:], logger.propagate) for logger in loggers]
    forward = _Forward()
    for logger in loggers:  # Dask gives several of its loggers a terminal handler of their own
        logger.handlers, logger.propagate = [forward], False
    try:
        yield
    finally:
        for logger, (handlers, propagate) in zip(loggers, saved, strict=True):
            logger.handlers, logger.propagate = handlers, propagate


def _close(client: Any, timeout: float) -> None:
    """Close ``client`` within about ``timeout`` seconds, quietly: a scheduler gone by then is
    no news to the user (the run's own error, if any, says what went wrong)."""
    try:
        client.close(timeout=timeout)
    except (OSError, TimeoutError, RuntimeError) as exc:
        log.debug("closing the Dask client: %s", exc)
