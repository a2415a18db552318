"""A run killed while its worker pool runs (``kill -9``, SIGTERM) leaves no worker process, no
render process (:mod:`briefgen.output.renderer`: the run draws the coverage chart) and no lock
behind: the next run takes the lock at once.

Each run here is a real ``briefgen daily --jobs 2`` process. Its workers are held at their first
article (the stage function is wrapped to wait for a file that never comes), so the kill always
lands while the pool is running and the run holds its lock: the index's lock while the corpus
index is built, the output folder's while the articles are split.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import md_file

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")]

#: runs briefgen with one stage function made to wait, in the workers, until the file HOLD exists
HELD_RUN = """
import os, sys, time
import briefgen.corpus_index.scan as scan, briefgen.text.split as text_split
from briefgen.__main__ import main

def wait():
    while not os.path.exists(os.environ["HOLD"]):
        time.sleep(0.02)

_read, _split = scan.read_job, text_split.split_article
def held_read(job):
    wait()
    return _read(job)
def held_split(article):
    wait()
    return _split(article)
if os.environ["STAGE"] == "index":
    scan.read_job = held_read
else:
    text_split.split_article = held_split
sys.argv[0] = "briefgen"
main()
"""
#: the longest a test waits for something that should happen at once (only so that a bug cannot hang the suite)
PATIENCE = 120.0


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` is a process that still runs (a zombie holds no file and no lock)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def until(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.02)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    corpus = tmp_path / "corpus"
    for n in range(24):
        md_file(corpus, f"a{n:02d}.md",
                f"Freight operators in town {n} agreed on Monday to cut transit tariffs on cargo crossing the border. "
                f"Exports of grain from district {n} are expected to rise, the trade ministry said.",
                title=f"Tariffs cut in town {n}", date="2026-11-24", source=f"Wire {n % 3}")
    config = tmp_path / "now.toml"
    config.write_text("[output]\nlock_timeout = 0\n")
    yield corpus, tmp_path / "out", config


def start(corpus: Path, out: Path, stage: str, hold: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOLD": str(hold), "STAGE": stage}
    command = [sys.executable, "-c", HELD_RUN, "daily", "--corpus", str(corpus), "--out", str(out), "--date", "latest",
               "--jobs", "2", "--format", "md,json", "--quiet", "--log-file", str(hold.with_name("run.log")), *extra]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["kill-9", "sigterm", "ctrl-c"])
@pytest.mark.parametrize("stage", ["index", "split"])
def test_a_killed_run_leaves_no_worker_and_no_lock(setup: tuple[Path, Path, Path], tmp_path: Path, stage: str,
                                                   how: signal.Signals) -> None:
    corpus, out, config = setup
    extra = () if stage == "index" else ("--no-cache",)  # splitting: under the output folder's lock
    run = start(corpus, out, stage, tmp_path / "never", *extra)
    try:
        lock = out / (".briefgen/corpus.sqlite.lock" if stage == "index" else ".briefgen.lock")
        # the render process and the pool are running and the run holds the lock (the output lock's file names its holder)
        until(lambda: len(children(run.pid)) >= 3 and lock.exists()
              and (stage == "index" or lock.read_text().strip() == str(run.pid)), "the workers to start")
        workers = children(run.pid)
        render = re.findall(r"render process (\d+) started", (tmp_path / "run.log").read_text())
        assert len(render) == 1 and int(render[0]) in workers
        os.kill(run.pid, how)  # the parent alone, as `timeout`, `docker stop` or the OOM killer do
        _, stderr = run.communicate(timeout=PATIENCE)
        until(lambda: not any(alive(w) for w in workers), "the workers to end")
    finally:  # whatever happened, nothing of this run is left running (its workers are in its process group)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    if how == signal.SIGTERM:
        assert run.returncode == 143
        assert stderr.decode() == "Error: terminated (SIGTERM)\n"
    elif how == signal.SIGINT:
        assert run.returncode == 130
        assert stderr.decode() == "Error: interrupted\n"
    else:
        assert run.returncode == -signal.SIGKILL
    # the next run gets both locks at once (lock_timeout = 0) and briefs
    done = subprocess.run([sys.executable, "-m", "briefgen", "daily", "--corpus", str(corpus), "--out", str(out),
                           "--date", "latest", "--jobs", "2", "--format", "md,json", "--config", str(config), *extra],
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0, done.stderr
    assert "another briefgen run" not in done.stderr
    assert (out / "latest" / "briefing.md").is_file()


def test_what_a_stopped_pools_manager_thread_raises_is_logged_and_other_threads_print(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race behind a rare traceback under "Error: terminated (SIGTERM)" (the manager thread
    of a pool being stopped looks up a work item :func:`briefgen.parallel._stop` dropped)."""
    from briefgen import parallel

    def lookup() -> None:
        raise KeyError(1)

    printed: list[str] = []  # what Python's own hook is handed
    monkeypatch.setattr(parallel, "_default_excepthook", lambda args: printed.append(repr(args.exc_value)))
    before = threading.excepthook
    try:
        manager = threading.Thread(target=lookup)
        parallel._stopped_managers.add(manager)
        threading.excepthook = parallel._quiet_when_stopped
        with caplog.at_level(logging.DEBUG, logger="briefgen.parallel"):
            manager.start()
            manager.join()
            other = threading.Thread(target=lookup)
            other.start()
            other.join()
    finally:
        threading.excepthook = before
    assert caplog.messages == ["the stopped worker pool's manager thread ended with KeyError: 1"]
    assert printed == ["KeyError(1)"]  # the other thread's, printed as Python prints it
