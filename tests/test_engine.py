"""Scale-out on Dask (briefgen.engine): `daily --scheduler` on a real distributed.LocalCluster
(worker processes) gives the very briefing, to the byte, that a run on this machine gives; a
cluster that cannot do the run (a wrong address, a port that is no scheduler, no worker, the
last worker killed mid-run) is one error line and exit 3 after a bounded wait, never a hang."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import json
import os
import random
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import Result

from tests.conftest import brief_md_json, briefing_files, md_file, run_cli
from tests.corpus.test_corpus_index import tricky_corpus

pytestmark = pytest.mark.e2e  # every test here goes through a Dask cluster

distributed = pytest.importorskip("distributed", reason="the dask extra (briefgen[dask]) is not installed")

BUNDLED = Path(__file__).resolve().parents[1] / "corpus"
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster of two worker processes, one thread each."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


def brief(corpus: Path, out: Path, date: str, days: str, *extra: str) -> Result:
    return brief_md_json(corpus, out, "--no-cache", *extra, date=date, days=days)


files = briefing_files


def same_on_the_cluster(corpus: Path, tmp_path: Path, scheduler: str, date: str, days: str, *extra: str) -> dict[str, bytes]:
    local = brief(corpus, tmp_path / f"local-{date}-{days}", date, days, *extra)
    remote = brief(corpus, tmp_path / f"cluster-{date}-{days}", date, days, "--scheduler", scheduler, *extra)
    assert files(tmp_path / f"cluster-{date}-{days}") == files(tmp_path / f"local-{date}-{days}")
    assert remote.exit_code == local.exit_code and remote.stderr == local.stderr
    return files(tmp_path / f"local-{date}-{days}")


@pytest.mark.parametrize(("date", "days"), [("latest", "7"), ("2026-11-25", "1"), ("2026-11-24", "3")])
def test_bundled_corpus_is_byte_identical_on_the_cluster(scheduler: str, tmp_path: Path, date: str, days: str) -> None:
    found = same_on_the_cluster(BUNDLED, tmp_path, scheduler, date, days, "--no-history")
    assert json.loads(found["briefing.json"])["sections"]  # a briefing with bullets, not an empty one


def test_history_and_the_scheduler_from_the_config(scheduler: str, tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text(f'[engine]\nscheduler = "{scheduler}"\n', encoding="utf-8")
    for date in ("2026-11-27", "2026-11-28", "2026-11-29"):  # each day leaves out what the day before reported
        run_cli("daily", "--corpus", str(BUNDLED), "--out", str(tmp_path / "local"), "--date", date, "--days", "2",
                "--format", "md,json", "--no-cache")
        result = run_cli("daily", "--corpus", str(BUNDLED), "--out", str(tmp_path / "cluster"), "--date", date, "--days", "2",
                         "--format", "md,json", "--config", str(config))
        assert result.exit_code == 0, result.stderr
        assert files(tmp_path / "cluster") == files(tmp_path / "local")


def test_problems_warnings_copies_and_ids_are_the_same_on_the_cluster(scheduler: str, tmp_path: Path) -> None:
    corpus = tricky_corpus(tmp_path / "corpus")
    for date, days in (("2026-11-26", "4"), ("2026-11-23", "1"), ("latest", "9")):
        same_on_the_cluster(corpus, tmp_path, scheduler, date, days, "--no-history")


def eval_corpus(folder: Path, per_source: int = 400) -> Path:
    """Real articles from ../shared/eval (read there, written only into ``folder``): BBC and
    Reuters stories dated over a week, with copies of some in other outlets a day or two later,
    an added line and a new headline (the same wire story)."""
    from briefgen.evaluation.topics import read_reuters

    rng = random.Random(12)
    end = dt.date(2026, 11, 29)
    bbc = sorted((EVAL / "bbc-news-summary" / "articles").glob("*/*.txt"))
    bbc = [bbc[k] for k in sorted(rng.sample(range(len(bbc)), per_source))]
    reuters = [d for d in read_reuters(EVAL / "reuters21578") if len(d.body.split()) >= 40][:per_source]
    stories = [(f"bbc-{p.parent.name}-{p.stem}", *p.read_bytes().decode("utf-8", "replace").partition("\n")[::2])
               for p in bbc] + [(f"reuters-{d.newid}", d.title or "Reuters", d.body) for d in reuters]
    rng.shuffle(stories)
    for k, (name, title, body) in enumerate(stories):
        day = end - dt.timedelta(days=k % 7)
        md_file(folder / ("desk" + str(k % 3)), f"{day.isoformat()}-{name}.md", body, title=title.strip() or name,
                date=day.isoformat(), source=["Wire A", "Wire B", "Wire C"][k % 3])
        if k % 25 == 0:
            later = min(end, day + dt.timedelta(days=rng.choice([0, 1, 2])))
            md_file(folder / "copies", f"{later.isoformat()}-{name}-copy.md", body + "\n\nThis story was first published elsewhere.",
                    title=f"{title.strip()} (update)", date=later.isoformat(), source="Copy Desk")
    return folder


@pytest.mark.skipif(not (EVAL / "bbc-news-summary").is_dir() or not (EVAL / "reuters21578").is_dir(),
                    reason=f"the shared evaluation data is not at {EVAL}")
def test_a_corpus_of_real_articles_is_byte_identical_on_the_cluster(scheduler: str, tmp_path: Path) -> None:
    from briefgen.load import load_corpus

    corpus = eval_corpus(tmp_path / "corpus")
    assert load_corpus(corpus).duplicates >= 30  # the copies, and the evaluation sets' own duplicates, are merged
    for date, days in (("latest", "1"), ("2026-11-27", "3"), ("latest", "7")):
        found = same_on_the_cluster(corpus, tmp_path, scheduler, date, days, "--no-history")
        record = json.loads(found["briefing.json"])
        assert sum(len(s["items"]) for s in record["sections"]) >= 5


@pytest.mark.skipif(not (EVAL / "bbc-news-summary").is_dir() or not (EVAL / "reuters21578").is_dir(),
                    reason=f"the shared evaluation data is not at {EVAL}")
def test_near_duplicates_across_partitions_and_shards_and_stories_in_runs(scheduler: str, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Small partitions, runs and shards, so that the band keys are shuffled between several
    shards, the copies (another folder) are in other partitions than their originals, and the
    stories are grouped from several runs' key rows: the very briefing of a run on one machine."""
    from briefgen.engine import corpus as engine_corpus
    from briefgen.engine import duplicates

    corpus = eval_corpus(tmp_path / "corpus", per_source=150)
    monkeypatch.setattr(engine_corpus, "FILES_PER_PART", 40)
    monkeypatch.setattr(engine_corpus, "ARTICLES_PER_PART", 90)
    monkeypatch.setattr(duplicates, "PARTITIONS_PER_RUN", 3)
    monkeypatch.setattr(duplicates, "ARTICLES_PER_SHARD", 70)
    monkeypatch.setattr(duplicates, "SHARDS_AT_ONCE", 2)  # the shards submitted a few at a time
    found: list[Any] = []

    def spied(cluster: Any, parts: Any, signed: Any, counts: Any, present: int) -> Any:
        pairs = duplicates.duplicate_pairs(cluster, parts, signed, counts, present)
        found.append((pairs, np.cumsum(counts), duplicates.shards_for(present)))
        return pairs

    monkeypatch.setattr(engine_corpus, "duplicate_pairs", spied)
    for date, days in (("latest", "7"), ("2026-11-27", "2")):
        record = json.loads(same_on_the_cluster(corpus, tmp_path, scheduler, date, days, "--no-history")["briefing.json"])
        assert sum(len(s["items"]) for s in record["sections"]) >= 5
    pairs, ends, shards = found[-1]
    across = np.searchsorted(ends, pairs[:, 0], side="right") != np.searchsorted(ends, pairs[:, 1], side="right")
    assert shards >= 4 and across.sum() >= 10  # the copies, found across partitions through the shards


def test_a_shards_pairs_are_checked_from_runs_in_any_order_and_held_by_one_worker() -> None:
    """The join of near-duplicates without a cluster: the runs a worker holds need not follow
    each other in the corpus, a run may hold none of a shard's articles, and the pairs kept are
    those whose words pass the one-machine test (Jaccard of shingles at least the threshold)."""
    from briefgen import dedupe
    from briefgen.engine import duplicates
    from briefgen.load import FileResult
    from briefgen.models import Article

    base = "the council met in kabul on monday to discuss the new transit corridor and its tariffs for traders"
    texts = [base, "a storm closed the salang pass for two days", base + " again", "wheat prices rose in herat",
             base + " as planned", "an unrelated report on cricket in kandahar"]
    parts = [[FileResult([Article(id=str(k), title="t", source="", date=None, url="", path=f"{k}.txt", text=texts[k])
                         for k in range(start, start + 2)])]
             for start in (0, 2, 4)]  # three partitions of two articles, one file each
    assert duplicates.held_runs(["b", "a", "b"]) and [r.tolist() for r in duplicates.held_runs(["b", "a", "b"])] == [[0, 2], [1]]
    pairs = np.array([[0, 2], [0, 4], [0, 1], [3, 5]])
    wanted = duplicates.named(pairs)
    runs = [duplicates.shingled([(4, 6), (0, 2)], wanted, parts[2], parts[0]), duplicates.shingled([(2, 4)], wanted, parts[1])]
    kept = duplicates.checked(pairs, *runs)
    expected = [[i, j] for i, j in pairs.tolist()
                if dedupe.jaccard(dedupe.shingles([texts[i]]).of(0), dedupe.shingles([texts[j]]).of(0)) >= dedupe.THRESHOLD]
    assert kept.tolist() == expected == [[0, 2], [0, 4]]
    nothing = duplicates.shingled([(2, 4)], duplicates.named(np.array([[0, 4]])), parts[1])
    assert len(nothing[0]) == 0 and len(nothing[1].bounds) == 1  # a run none of whose articles the shard names


def test_the_driver_holds_no_article_text(scheduler: str, tmp_path: Path) -> None:
    from briefgen.config import load_options
    from briefgen.daily import run_daily

    options = load_options().with_overrides(formats=("md",))
    result = run_daily(BUNDLED, tmp_path / "out", options, today=dt.date(2026, 11, 29), date="latest", days=7,
                       scheduler=scheduler)
    assert result.articles and all(a.text == "" for a in result.articles)  # what the driver kept of the window
    assert result.briefing.sections and any(s.items for s in result.briefing.sections)


def test_the_driver_keeps_columns_and_asks_only_for_the_windows_fields(scheduler: str, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The driver keeps no object an article of the corpus (its numbers are columns), and asks
    the workers for the title, link, path… of the window's articles and their copies only (the
    window of one day, out of a week's corpus), counted where it submits the tasks."""
    from briefgen.config import load_options
    from briefgen.daily import run_daily
    from briefgen.engine import corpus as engine_corpus
    from briefgen.engine.cluster import Cluster
    from briefgen.engine.tasks import FIELDS, fields_of
    from briefgen.load import load_corpus

    asked: list[tuple[tuple[str, ...], int]] = []
    corpora: list[Any] = []
    submit, in_window = Cluster.submit, engine_corpus.ClusterCorpus.in_window

    def counted(self: Cluster, function: Any, *args: Any) -> Any:
        if function is fields_of:
            asked.append((tuple(args[2]), len(args[1])))
        return submit(self, function, *args)

    def kept(self: Any, start: dt.date, end: dt.date) -> Any:
        corpora.append(self)
        return in_window(self, start, end)

    monkeypatch.setattr(Cluster, "submit", counted)
    monkeypatch.setattr(engine_corpus.ClusterCorpus, "in_window", kept)
    corpus = eval_corpus(tmp_path / "corpus", per_source=60) if (EVAL / "reuters21578").is_dir() else BUNDLED
    options = load_options().with_overrides(formats=("md",))
    result = run_daily(corpus, tmp_path / "out", options, today=dt.date(2026, 11, 29), date="latest", days=1,
                       scheduler=scheduler)  # no cache: the corpus read whole on the workers
    whole = load_corpus(corpus)
    assert result.articles and len(result.articles) < len(whole.articles) / 3
    window = sum(1 + len(a.also_in) for a in result.articles)
    assert sum(count for names, count in asked if names == FIELDS) == window  # the window's articles and copies, once each
    assert all(names in (FIELDS, ("source", "digest")) for names, _ in asked)
    n = len(whole.articles) + whole.duplicates  # the articles loaded
    for name, value in vars(corpora[0]).items():  # columns, and lists and maps of a partition, a problem or the window
        if isinstance(value, (list, dict)):
            assert len(value) < n / 3, name


@pytest.mark.skipif(not (EVAL / "bbc-news-summary").is_dir() or not (EVAL / "reuters21578").is_dir(),
                    reason=f"the shared evaluation data is not at {EVAL}")
def test_the_story_levels_are_linked_on_the_workers(scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each story level's graph is joined and linked by a worker (the largest thing the grouping
    holds never reaches the driver): a driver whose average link fails still makes the very
    briefing of a run on one machine, whose stories take several levels."""
    from briefgen import stories

    corpus = eval_corpus(tmp_path / "corpus", per_source=150)
    levels: list[int] = []

    def counted(graph: Any, *args: Any, **kwargs: Any) -> np.ndarray:
        levels.append(graph.shape[0])
        return average_link(graph, *args, **kwargs)

    average_link = stories.average_link
    monkeypatch.setattr(stories, "average_link", counted)
    local = brief(corpus, tmp_path / "local", "latest", "7", "--no-history")
    assert len(levels) >= 2 and levels[-1] < levels[0]  # groups merged, level after level

    def refused(*args: Any, **kwargs: Any) -> np.ndarray:
        raise AssertionError("a story level linked on the driver")

    monkeypatch.setattr(stories, "average_link", refused)
    remote = brief(corpus, tmp_path / "cluster", "latest", "7", "--no-history", "--scheduler", scheduler)
    assert remote.exit_code == local.exit_code == 0
    assert files(tmp_path / "cluster") == files(tmp_path / "local")


# --- the corpus index on the cluster: the driver keeps it, the workers read only what changed ----------------

def engine_log(log_file: Path) -> tuple[int, int, int]:
    """Of the last run logged in ``log_file``: the corpus's files, the files read on the workers
    to bring the index up to date, and the files parsed there for the window."""
    text = log_file.read_text(encoding="utf-8")
    loaded = re.findall(r"engine stage load: [0-9.]+ s \((\d+) files, (\d+) read on the workers", text)[-1]
    parsed = re.findall(r"engine stage window: [0-9.]+ s \(\d+ articles, (\d+) files parsed on the workers", text)[-1]
    return int(loaded[0]), int(loaded[1]), int(parsed)


def test_the_index_on_the_cluster_reads_only_new_and_changed_files(scheduler: str, tmp_path: Path) -> None:
    """The first run builds the index (every file read on the workers), the next ones read only
    the files that are new or changed (and the unusable file, tried every run) and parse only the
    window's; each briefing is the same, to the byte, as on one machine and on the cluster
    without the index."""
    from tests.corpus.test_corpus_index import prose

    corpus = tricky_corpus(tmp_path / "corpus")
    files_in_corpus = sum(1 for p in corpus.rglob("*") if p.is_file())

    def indexed(date: str, days: str) -> tuple[int, int, int]:
        log_file = tmp_path / f"{date}-{days}.log"
        out = tmp_path / f"indexed-{date}-{days}"
        brief(corpus, tmp_path / f"local-{date}-{days}", date, days, "--no-history")
        brief(corpus, tmp_path / f"whole-{date}-{days}", date, days, "--no-history", "--scheduler", scheduler)
        result = brief_md_json(corpus, out, "--no-history", "--cache", str(tmp_path / "index"), "--scheduler", scheduler,
                               "--log-file", str(log_file), date=date, days=days)
        assert "cannot use the corpus index" not in result.stderr and "rebuilding" not in result.stderr
        assert files(out) == files(tmp_path / f"local-{date}-{days}") == files(tmp_path / f"whole-{date}-{days}")
        return engine_log(log_file)

    assert indexed("2026-11-26", "4")[:2] == (files_in_corpus, files_in_corpus)  # the index built: every file read
    assert (tmp_path / "index" / "corpus.sqlite").is_file()
    assert indexed("2026-11-21", "1") == (files_in_corpus, 1, 3)  # empty.md read again; the day's 3 files parsed
    (corpus / "desk1" / "2026-11-21-story1.md").write_text("---\ntitle: Story rewritten\ndate: 2026-11-21\nsource: Outlet 1\n"
                                                         "---\n\n" + prose(random.Random(5)) + "\n", encoding="utf-8")
    md_file(corpus / "desk0", "2026-11-21-new.md", prose(random.Random(6)), title="A new one", date="2026-11-21", source="Outlet 9")
    assert indexed("2026-11-21", "1") == (files_in_corpus + 1, 3, 4)  # the new file, the changed one and empty.md


def test_the_index_on_the_cluster_answers_as_the_whole_corpus(scheduler: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Every question of the run, answered through the index on the cluster (the chart's topics
    by another rule than the index's judged on the workers, the likely copies' words compared
    there too: the driver makes no shingles), as the corpus loaded whole answers it (the
    window's articles without their text); a file changed during the run makes it read the
    whole corpus on the workers, with a warning, and brief it all the same."""
    from dataclasses import replace

    from briefgen.about import AboutRule
    from briefgen.config import load_options
    from briefgen.corpus_index import window
    from briefgen.engine import connected
    from briefgen.engine.corpus import ClusterCorpus
    from briefgen.engine.indexed import IndexedOnCluster, open_indexed
    from briefgen.load import load_corpus
    from tests.corpus.test_corpus_index import windows

    def textless(articles: list[Any]) -> list[Any]:
        return [replace(a, text="", also_in=tuple(replace(c, text="") for c in a.also_in)) for a in articles]

    corpus = tricky_corpus(tmp_path / "corpus", seed=11)
    whole = load_corpus(corpus)
    options = load_options()
    chart = AboutRule(options.topics, options.ranking)

    def on_the_driver(*args: Any) -> Any:
        raise AssertionError("a likely pair's words compared on the driver")

    monkeypatch.setattr(window, "jaccard", on_the_driver)
    monkeypatch.setattr(window, "shingles", on_the_driver)
    with connected(scheduler, 10, 10) as cluster:
        for _ in range(2):  # building the index, then from it
            found = open_indexed(cluster, corpus, tmp_path / "index", 5_000_000, 10, None, AboutRule())
            assert isinstance(found, IndexedOnCluster)
            assert [str(p) for p in found.problems] == [str(p) for p in whole.problems] and found.warnings == whole.warnings
            assert found.newest_date() == whole.newest_date() and list(found.undated) == whole.undated
            assert found.coverage_hint() == whole.coverage_hint()
            for start, end in windows():
                assert found.in_window(start, end) == textless(whole.in_window(start, end)), (start, end)
                parts = cluster.gather([run for run, _ in found.window_parts()])
                assert [a for part in parts for a in part] == [replace(a, also_in=()) for a in whole.in_window(start, end)]
            for end in (dt.date(2026, 11, 18), dt.date(2026, 11, 30)):
                assert found.activity(chart, end) == whole.activity(chart, end)

        found = open_indexed(cluster, corpus, tmp_path / "index", 5_000_000, 10, None, AboutRule())
        day = dt.date(2026, 11, 21)
        (corpus / "desk0" / "2026-11-21-story0.md").write_text("---\ntitle: Changed\ndate: 2026-11-21\n---\n\nChanged.\n",
                                                             encoding="utf-8")
        changed = load_corpus(corpus)
        assert found.in_window(day, day) == textless(changed.in_window(day, day))
        assert isinstance(found._whole, ClusterCorpus)  # read whole, on the workers
        parts = cluster.gather([run for run, _ in found.window_parts()])
        assert [a.text for part in parts for a in part] == [a.text for a in changed.in_window(day, day)]


# --- a cluster that cannot do the run: a clear error, exit 3, at once or after the configured wait ---------

ROOT = Path(__file__).resolve().parents[1]
STALL = Path(__file__).resolve().parent / "stall_worker.py"
GUARD = 180  #: seconds after which a test gives up on a process: only so that a hang cannot stall the suite


def engine_config(folder: Path, worker_wait: float = 1, connect_timeout: float = 2) -> Path:
    config = folder / "engine.toml"
    config.write_text(f"[engine]\nworker_wait = {worker_wait}\nconnect_timeout = {connect_timeout}\n", encoding="utf-8")
    return config


def environment(**extra: str) -> dict[str, str]:
    """This environment, with this checkout first on the path (for briefgen and its Dask workers)."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return {**os.environ, "PYTHONPATH": path, **extra}


def daily_process(out: Path, scheduler: str, *extra: str, corpus: Path = BUNDLED) -> subprocess.Popen[str]:
    """`briefgen daily --scheduler SCHEDULER` in a process of its own (what a cron job runs)."""
    command = [sys.executable, "-m", "briefgen", "daily", "--corpus", str(corpus), "--out", str(out), "--date", "latest",
               "--days", "7", "--format", "md,json", "--no-cache", "--scheduler", scheduler, *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=environment())


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    """The exit status and stderr of ``process`` (killed if it outlives :data:`GUARD`: a hang)."""
    try:
        _, err = process.communicate(timeout=GUARD)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"briefgen hung: {err[-2000:]}")
    return process.returncode, err


def one_error(err: str) -> str:
    """The ``Error:`` line of ``err``, which must end with it and its hint and hold no traceback."""
    lines = err.splitlines()
    assert "Traceback" not in err and "Task exception" not in err and "Exception ignored" not in err, err
    assert len(lines) >= 2 and lines[-2].startswith("Error: ") and lines[-1].startswith("Hint: "), err
    assert all(line.startswith("warning: ") for line in lines[:-2]), err
    return lines[-2]


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every file (its bytes) and symbolic link (its target) under ``folder``, but the lock
    file (in which each run writes its process id)."""
    return {str(p.relative_to(folder)): (os.readlink(p) if p.is_symlink() else p.read_bytes())
            for p in sorted(folder.rglob("*")) if (p.is_symlink() or p.is_file()) and p.suffix != ".lock"}


@pytest.mark.parametrize(("address", "why"), [
    ("garbage", "is not a Dask scheduler's address (SCHEME://HOST:PORT)"),
    ("http://127.0.0.1:8787", "is not a Dask scheduler's address: http:// is not one of tcp://, tls://, ws://, wss:// "
                              "(the dashboard's address, not the scheduler's)"),
    ("inproc://x", "is not a Dask scheduler's address: inproc:// is not one of tcp://, tls://, ws://, wss://"),
])
def test_an_address_that_cannot_be_a_schedulers_is_refused_at_once(tmp_path: Path, address: str, why: str) -> None:
    """No connection is tried, so nothing is left to close when the process ends: one error,
    no "Exception ignored in Client.__del__" afterwards."""
    code, err = finished(daily_process(tmp_path / "out", address))
    assert code == 3
    assert one_error(err) == f"Error: --scheduler: '{address}' {why}"
    assert err.splitlines()[-1].startswith("Hint: a Dask scheduler's address is tcp://HOST:PORT")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("given", "address"), [
    ("scheduler.example:8786", "tcp://scheduler.example:8786"),
    ("tcp://10.0.0.7:8786", "tcp://10.0.0.7:8786"),
    ("tls://[2001:db8::7]:8786", "tls://[2001:db8::7]:8786"),
    ("ws://scheduler.example:8786", "ws://scheduler.example:8786"),
])
def test_a_schedulers_address(given: str, address: str) -> None:
    from briefgen.config import scheduler_address

    assert scheduler_address(given) == address


@pytest.mark.parametrize("given", ["tcp://scheduler.example", "tcp://scheduler.example:0", "tcp://scheduler.example:99999",
                                   "tcp://me@scheduler.example:8786", "tcp://scheduler.example:8786/status", "tcp://:8786",
                                   "ucx://scheduler.example:8786", "https://scheduler.example:8786", "tcp://a b:8786"])
def test_not_a_schedulers_address(given: str) -> None:
    from briefgen.config import scheduler_address
    from briefgen.errors import ConfigError

    with pytest.raises(ConfigError, match="is not a Dask scheduler's address"):
        scheduler_address(given)


def test_the_config_files_scheduler_is_checked_with_the_file(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text('[engine]\nscheduler = "http://dask.example:8787/status"\n', encoding="utf-8")
    result = run_cli("topics", "--config", str(config))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {config}: engine.scheduler: 'http://dask.example:8787/status' is not a Dask "
                                    "scheduler's address: http://")


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket is closed
    code, err = finished(daily_process(tmp_path / "out", f"tcp://127.0.0.1:{port}", "--config", str(engine_config(tmp_path))))
    assert code == 3
    assert one_error(err).startswith(f"Error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: ")
    assert err.splitlines()[-1].startswith("Hint: start it (`dask scheduler`)")
    assert not (tmp_path / "out").exists()


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><body>a dashboard</body></html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Greeter(socketserver.BaseRequestHandler):
    """A service that speaks first (as SSH or SMTP do), then hangs up."""

    def handle(self) -> None:
        self.request.sendall(b"220 mail.example ESMTP ready\r\n")


@pytest.mark.parametrize(("server", "why"), [
    (lambda: http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page), "no answer as one within 1 s"),
    (lambda: socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Greeter), "what answers there does not speak Dask's protocol"),
], ids=["http-server", "a-service-that-speaks-first"])
def test_a_port_that_answers_but_is_not_a_scheduler(tmp_path: Path, server: Any, why: str) -> None:
    """An HTTP server waits for a request that Dask never sends; Dask would wait for its
    handshake for ever: briefgen gives up after [engine] connect_timeout."""
    with server() as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        address = f"tcp://127.0.0.1:{httpd.server_address[1]}"
        code, err = finished(daily_process(tmp_path / "out", address, "--config", str(engine_config(tmp_path, connect_timeout=1))))
        httpd.shutdown()
    assert code == 3
    assert one_error(err) == f"Error: {address} is not a Dask scheduler: {why}"
    assert err.splitlines()[-1].startswith("Hint: give the address `dask scheduler` prints")
    assert not (tmp_path / "out").exists()


@pytest.fixture
def empty_scheduler() -> Iterator[Any]:
    """A real Dask scheduler with no worker (a LocalCluster of none)."""
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as cluster:
        yield cluster


def test_a_scheduler_without_workers_is_a_clear_error(tmp_path: Path, empty_scheduler: Any) -> None:
    address = empty_scheduler.scheduler_address
    code, err = finished(daily_process(tmp_path / "out", address, "--config", str(engine_config(tmp_path, worker_wait=1))))
    assert code == 3
    assert one_error(err) == f"Error: the Dask scheduler at {address} has no worker (waited 1 s)"
    assert err.splitlines()[-1] == ("Hint: start workers (`dask worker ADDRESS`) and run again; [engine] worker_wait sets "
                                    "how long a run waits for one")
    assert not (tmp_path / "out").exists()


@contextlib.contextmanager
def stalling_worker(cluster: Any, folder: Path, stage: str, nanny: bool = False,
                    **env: str) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """A `dask worker` process of ``cluster`` whose task ``stage`` (module:function) never
    returns the first time it runs (tests/stall_worker.py), and the file that says it began
    (it holds the worker process's id). Without ``nanny``, killing the process ends the worker."""
    started = folder / "started"
    command = [sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address, "--nthreads", "1",
               "--no-dashboard", "--preload", str(STALL), *([] if nanny else ["--no-nanny"])]
    with (folder / "worker.log").open("w") as log:
        worker = subprocess.Popen(command, stdout=log, stderr=log, text=True, cwd=ROOT,
                                  env=environment(BRIEFGEN_STALL=stage, BRIEFGEN_STALL_STARTED=str(started), **env))
    try:
        cluster.wait_for_workers(1, timeout=GUARD)
        yield worker, started
    finally:
        worker.kill()
        worker.wait()


def wait_until_stalled(started: Path, driver: subprocess.Popen[str]) -> int:
    """The id of the worker process once the stalled task began on it."""
    deadline = time.monotonic() + GUARD  # only so that a broken run cannot hang the suite
    while not (started.exists() and started.read_text(encoding="utf-8")):
        assert driver.poll() is None, driver.communicate()
        assert time.monotonic() < deadline, "the stalled task never began"
        time.sleep(0.05)
    return int(started.read_text(encoding="utf-8"))


@pytest.mark.parametrize("stage", ["briefgen.engine.tasks:load_part", "briefgen.stages:split_part"],
                         ids=["while-loading", "under-the-output-lock"])
def test_the_last_worker_killed_mid_run_stops_the_run(tmp_path: Path, empty_scheduler: Any, stage: str) -> None:
    """kill -9 to the cluster's only worker (no nanny to start it again) while a task of the run
    is on it: after [engine] worker_wait without a worker, exit 3 and the archive as it was."""
    out = tmp_path / "out"
    brief(BUNDLED, out, "latest-1", "7")  # yesterday's briefing, made here
    before = tree(out)
    with stalling_worker(empty_scheduler, tmp_path, stage) as (worker, started):
        driver = daily_process(out, empty_scheduler.scheduler_address, "--config", str(engine_config(tmp_path, worker_wait=1)))
        wait_until_stalled(started, driver)
        worker.kill()
        code, err = finished(driver)
    assert code == 3
    address = empty_scheduler.scheduler_address
    assert one_error(err) == f"Error: the Dask cluster at {address} lost its last worker: none came back within 1 s"
    assert err.splitlines()[0] == f"warning: the Dask cluster at {address} has no worker left: waiting up to 1 s for one"
    assert tree(out) == before


def test_a_worker_started_again_in_time_finishes_the_run(tmp_path: Path, empty_scheduler: Any) -> None:
    """The worker process killed after the window's vocabulary was shared (its only copy on
    that worker); its nanny starts it again within [engine] worker_wait: Dask makes again what
    was lost, and the briefing is the one a run on this machine gives."""
    brief(BUNDLED, tmp_path / "local", "latest", "7", "--no-history")
    with stalling_worker(empty_scheduler, tmp_path, "briefgen.pipeline:owner_count", nanny=True) as (_, started):
        driver = daily_process(tmp_path / "cluster", empty_scheduler.scheduler_address, "--no-history",
                               "--config", str(engine_config(tmp_path, worker_wait=GUARD)))
        os.kill(wait_until_stalled(started, driver), signal.SIGKILL)
        code, err = finished(driver)
    assert code == 0, err
    assert files(tmp_path / "cluster") == files(tmp_path / "local")


def test_a_task_that_kills_its_workers_is_a_clear_error(tmp_path: Path) -> None:
    """A loading task that kills the worker process running it each time (as one that takes
    more memory than the worker has): its nanny starts the worker again, and once the scheduler
    gives up on the task (distributed.scheduler.allowed-failures, 0 here), exit 3."""
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as cluster, \
            stalling_worker(cluster, tmp_path, "briefgen.engine.tasks:load_part", nanny=True, BRIEFGEN_STALL_KILLS="1"):
        code, err = finished(daily_process(tmp_path / "out", cluster.scheduler_address,
                                           "--config", str(engine_config(tmp_path, worker_wait=GUARD))))
    assert code == 3
    assert re.fullmatch(r"Error: a task of the run \(load_part-[0-9a-f-]+\) ended every Dask worker that ran it \(1 in all\)",
                        one_error(err))
    assert err.splitlines()[-1].startswith("Hint: see the workers' logs (out of memory?")
    assert not (tmp_path / "out").exists()


def test_ctrl_c_during_a_run_on_the_cluster_is_one_line(tmp_path: Path, empty_scheduler: Any) -> None:
    """SIGINT while the driver waits on a few loading tasks (one of them stalled): status 130 and
    one line, not one "Task exception was never retrieved" traceback per task."""
    corpus = tmp_path / "corpus"
    for k in range(1500):  # six loading tasks
        md_file(corpus, f"item-{k}.md", f"The harbour board met for the {k}th time about trade.", title=f"Item {k}")
    with stalling_worker(empty_scheduler, tmp_path, "briefgen.engine.tasks:load_part") as (_, started):
        driver = daily_process(tmp_path / "out", empty_scheduler.scheduler_address, corpus=corpus)
        wait_until_stalled(started, driver)
        driver.send_signal(signal.SIGINT)
        code, err = finished(driver)
    assert (code, err) == (130, "Error: interrupted\n")
