"""`make bench`: speed and scale of briefgen, written to docs/performance.md.

1. Ranking the same 800- and 3,200-sentence documents: briefgen's ranker against sumy's LexRank
   and TextRank, in the same process, on the same sentences.
2. `briefgen daily` end to end (md, json and pdf) on 250, 500, 1,000 and 2,000 real articles
   (BBC News Summary, dates assigned here over seven days): wall time, peak memory, and the
   exponent of time against article count.
3. PDF rendering time of the 2,000-article briefing.
4. Sentence splitting of 1 MB and 4 MB of real article text, as paragraphs and as one paragraph:
   the ratio of the two times, measured in one run (4 is linear).
5. `briefgen --help`: wall time of the command in a fresh process (start-up and imports), as a
   ratio to the bare interpreter's (`python -c pass`), both medians of runs taken in turn.
6. Story grouping of 5,000 and 20,000 articles (UCI aggregator headlines and BBC articles, a
   stream repeated with shifted dates): wall time, and the ratio of the two (4 is linear).
7. The coverage chart of the largest corpus: counting its articles per topic per day and drawing
   the SVG, as a share of the `daily` run that includes them.
8. The corpus index: a one-day briefing over 20,000 real articles (Reuters-21578 and BBC) in
   files spread over 400 days, once the index exists, against the same day's files alone: the
   ratios of wall time and peak memory, measured in one run; the time to build the index, the
   run without it, and whether the briefings are byte-identical.
9. Scale-out on Dask: a 7-day briefing of 10,000 and 100,000 articles (Reuters-21578 and BBC,
   mixed into distinct texts) on this machine and on a LocalCluster of 2 worker processes: time,
   peak memory of the driver and of a worker, each stage's time, byte identity, and the driver's
   share of the work: its CPU seconds over its stages against the workers' compute seconds.
10. The driver of a large corpus on Dask: a one-day briefing (`--days 1`) out of 1,000,000
   generated articles over 7 days (the texts of section 9), with `--scheduler` on a LocalCluster
   of 2 workers: the driver's peak memory, and its peak at the end of each stage.

Usage: python scripts/bench.py EVAL_DIR [--out docs/performance.md] [--quick] [--index-files N]
       [--cluster-sizes N,N] [--day-sizes N,N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from floors import finish, floors_table

from briefgen import coverage
from briefgen.about import AboutRule
from briefgen.config import load_options
from briefgen.load import decode, in_window, load_corpus, normalize_body
from briefgen.models import Article
from briefgen.output.render import to_html, to_pdf
from briefgen.pipeline import build_briefing
from briefgen.stages import Settings, split_part
from briefgen.summarize import briefgen_summarizer, sumy_summarizer
from briefgen.text.sbd import sentence_spans
from briefgen.text.split import split_article
from briefgen.web import chart

END = dt.date(2026, 11, 29)
SIZES = (250, 500, 1000, 2000)
FLOORS = {"speedup": 100.0, "seconds_2000": 3.0, "memory_mb": 200.0, "exponent": 1.2, "pdf_seconds": 2.0,
          "split_ratio": 4.8, "help_ratio": 12.0, "stories_seconds": 5.0, "stories_ratio": 6.0,
          "chart_share": 0.35, "index_time_ratio": 1.3, "index_memory_ratio": 1.3, "index_build_seconds": 30.0, "driver_memory_mb": 500.0,
          "model_share": 0.15, "driver_share": 0.20, "day_driver_memory_mb": 1024.0,
          "local_memory_mb": 1536.0}
STORY_SIZES = (5000, 20000)


def best_of(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def help_startup(runs: int = 15) -> dict[str, float]:
    """`briefgen --help` in a fresh process against `python -c pass`, the bare interpreter, run
    in turn ``runs`` times each (so that a busy machine slows both alike): the median wall time
    of each, and their ratio, the figure the README gives. The command line's imports must not
    include the pipeline's."""
    script = Path(sys.executable).with_name("briefgen")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "briefgen"]
    commands = {"help": [*command, "--help"], "python": [sys.executable, "-c", "pass"]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, arguments in commands.items():
            started = time.perf_counter()
            subprocess.run(arguments, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - started)
    help_median, python_median = (float(np.median(times[name])) for name in ("help", "python"))
    return {"help_seconds": help_median, "python_seconds": python_median, "ratio": help_median / python_median,
            "runs": runs}


def article_paths(bbc: Path) -> list[Path]:
    """Articles in a fixed order that mixes the categories (business/001, entertainment/001, …)."""
    by_category = [sorted((bbc / "articles" / c).glob("*.txt")) for c in sorted(os.listdir(bbc / "articles"))]
    mixed = [p for group in zip(*by_category, strict=False) for p in group]
    return mixed + [p for group in by_category for p in group if p not in set(mixed)]


def document(paths: list[Path], n: int) -> list[str]:
    sentences: list[str] = []
    for path in paths:
        title, _, body = decode(path.read_bytes(), str(path)).strip().partition("\n")
        article = Article(path.stem, title, "", None, "", str(path), normalize_body(body))
        sentences += [s.text for s in split_article(article) if not s.is_heading]
        if len(sentences) >= n:
            return sentences[:n]
    raise SystemExit(f"not enough sentences for {n}")


def ranking_bench(paths: list[Path], quick: bool) -> list[dict[str, float]]:
    options = load_options()
    ours = briefgen_summarizer(options.ranking)
    rows = []
    for n in (800,) if quick else (800, 3200):
        sentences = document(paths, n)
        row: dict[str, float] = {"sentences": n, "briefgen": best_of(partial(ours, sentences, 10), 5)}
        for name in ("lexrank", "textrank"):
            theirs = sumy_summarizer(name)
            row[name] = best_of(partial(theirs, sentences, 10), 1)
        rows.append(row)
        print(f"ranking {n}: " + ", ".join(f"{k} {v:.3f}s" for k, v in row.items() if k != "sentences"), flush=True)
    return rows


def make_corpus(paths: list[Path], n: int, folder: Path) -> None:
    folder.mkdir(parents=True)
    for i, path in enumerate(paths[:n]):
        day = END - dt.timedelta(days=i % 7)
        shutil.copyfile(path, folder / f"{day.isoformat()}-{path.parent.name}-{path.name}")  # (links leaving a corpus are refused)


MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
           "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


def daily_run(corpus: Path, out: Path, jobs: int, *extra: str) -> tuple[float, float]:
    briefgen = Path(sys.executable).with_name("briefgen")
    command = [str(briefgen), "daily", "--corpus", str(corpus), "--out", str(out), "--date", END.isoformat(),
               "--days", "7", "--format", "md,json,pdf", "--jobs", str(jobs), "--quiet", *extra]
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    seconds, kilobytes, code = result.stdout.split()
    if code != "0":
        raise SystemExit(f"briefgen daily failed on {corpus}")
    return float(seconds), float(kilobytes) / 1024


def fixed_cost(paths: list[Path], work: Path) -> float:
    """Wall time of a 10-article run: interpreter start-up, imports, rendering."""
    corpus = work / "corpus10"
    make_corpus(paths, 10, corpus)
    return min(daily_run(corpus, work / "out10", 1)[0] for _ in range(3))


def daily_bench(paths: list[Path], work: Path, quick: bool) -> list[dict[str, float]]:
    rows = []
    for n in SIZES[:2] if quick else SIZES:
        corpus = work / f"corpus{n}"
        make_corpus(paths, n, corpus)
        row: dict[str, float] = {"articles": n}
        for jobs in (1, 2):
            runs = [daily_run(corpus, work / f"out{n}", jobs) for _ in range(3)]
            row[f"seconds_j{jobs}"] = min(r[0] for r in runs)
            row[f"memory_mb_j{jobs}"] = max(r[1] for r in runs)
        rows.append(row)
        print(f"daily {n}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items() if k != "articles"), flush=True)
    return rows


def model_bench(corpus: Path, work: Path, runs: int = 3) -> dict[str, float]:
    """Wall time and peak memory of a daily run with the default topics' relevance model and with
    the terms alone (``[ranking] relevance_model = false``): best of ``runs`` for time, the largest
    peak, taken in turns (the index built by the daily runs before)."""
    terms_only = work / "terms-only.toml"
    terms_only.write_text("[ranking]\nrelevance_model = false\n", encoding="utf-8")
    with_model, without = [], []
    for _ in range(runs):
        with_model.append(daily_run(corpus, work / "out-model", 1))
        without.append(daily_run(corpus, work / "out-terms", 1, "--config", str(terms_only)))
    return {"model_seconds": min(r[0] for r in with_model), "model_memory_mb": max(r[1] for r in with_model),
            "terms_seconds": min(r[0] for r in without), "terms_memory_mb": max(r[1] for r in without)}


def exponent(rows: list[dict[str, float]], key: str, minus: float = 0.0) -> float:
    x = np.log([r["articles"] for r in rows])
    y = np.log([r[key] - minus for r in rows])
    return float(np.polyfit(x, y, 1)[0])


def pdf_bench(corpus: Path) -> tuple[float, int]:
    options = load_options()
    articles = in_window(load_corpus(corpus).articles, END - dt.timedelta(days=6), END)
    briefing = build_briefing(articles, options, END, END - dt.timedelta(days=6), END)
    html = to_html(briefing)
    seconds = best_of(lambda: to_pdf(briefing, html), 3)
    return seconds, len(to_pdf(briefing, html))


def chart_bench(corpus: Path) -> tuple[float, float, float]:
    """Seconds to count the corpus's articles per topic per day (14 days) as a run without the
    index does, its window's 7 days split by the briefing's first stage already (whose sentences
    the count takes, :meth:`LoadResult.remember`); to count them from nothing
    (``coverage.activity``, every article split); and to draw the chart."""
    options = load_options()
    rule = AboutRule(options.topics, options.ranking)
    loaded = load_corpus(corpus)
    split_part(loaded.in_window(END - dt.timedelta(days=6), END), Settings.of(options), remember=loaded.remember)
    in_run = best_of(lambda: loaded.activity(rule, END), 3)
    articles = loaded.articles
    alone = best_of(lambda: coverage.activity(articles, rule, END), 3)
    data = coverage.activity(articles, rule, END)
    assert loaded.activity(rule, END) == data  # the same counts either way
    return in_run, alone, best_of(lambda: chart.svg.__wrapped__(data), 3)  # drawn each time, not from svg's cache


def split_bench(paths: list[Path]) -> list[dict[str, float]]:
    """Seconds to split 1 MB and 4 MB of article text, laid out as paragraphs and as one paragraph."""
    bodies: list[str] = []
    size = 0
    for path in paths:
        body = decode(path.read_bytes(), str(path)).strip().partition("\n")[2]
        bodies.append(normalize_body(body))
        size += len(body)
        if size >= 1_000_000:
            break
    rows = []
    for layout, joiner in (("paragraphs", "\n\n"), ("one paragraph", " ")):
        text = joiner.join(bodies)[:1_000_000]
        one, four = (best_of(partial(sentence_spans, joiner.join([text] * n)), 3) for n in (1, 4))
        rows.append({"layout": layout, "mb1": one, "mb4": four})
    return rows


def story_stream(eval_dir: Path, paths: list[Path], n: int) -> tuple[list[str], np.ndarray]:
    """``n`` articles' titles and leads with their days, in time order: the 6,366 UCI aggregator
    headlines of ``story-clusters/`` (about 1.5 days of a stream, stories of up to 322 reports)
    with the BBC articles dated evenly over the same span, repeated with the dates shifted by the
    span each time: as many articles a day at every size."""
    from briefgen.evaluation.stories import read_labelled_stories
    from briefgen.stories import article_key

    headlines = read_labelled_stories(eval_dir / "story-clusters" / "uci-news-aggregator-2014-03-10.jsonl")
    texts = [h.title for h in headlines]
    days = [h.day for h in headlines]
    first, span = min(days), max(days) - min(days)
    for k, path in enumerate(paths):
        title, _, body = decode(path.read_bytes(), str(path)).strip().partition("\n")
        texts.append(article_key(Article(path.stem, title, "", None, "", str(path), normalize_body(body))))
        days.append(first + span * k / len(paths))
    order = np.argsort(days, kind="stable")
    texts, days = [texts[i] for i in order], [days[i] for i in order]
    copies = -(-n // len(texts))
    return ([t for _ in range(copies) for t in texts][:n],
            np.concatenate([np.array(days) + span * c for c in range(copies)])[:n])


def stories_bench(eval_dir: Path, paths: list[Path]) -> list[dict[str, float]]:
    """Seconds to group the articles of :func:`story_stream` into stories (``story_labels``, the
    texts already made), best of 3, at each of ``STORY_SIZES``."""
    from briefgen.stories import story_labels

    rows = []
    for n in STORY_SIZES:
        texts, days = story_stream(eval_dir, paths, n)
        labels = story_labels(texts, days)
        rows.append({"articles": n, "seconds": best_of(partial(story_labels, texts, days), 3),
                     "stories": len(set(labels.tolist()))})
        print(f"stories {n}: {rows[-1]['seconds']:.2f}s, {rows[-1]['stories']} stories", flush=True)
    return rows


def real_articles(eval_dir: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of real articles, Reuters-21578 stories with a body and BBC articles mixed:
    one BBC article after every nine Reuters stories, then the rest of either."""
    from briefgen.evaluation.topics import read_reuters

    reuters = ((f"r{d.newid:05d}", f"{d.title or 'Reuters'}\n\n{d.body}") for d in read_reuters(eval_dir / "reuters21578")
               if len(d.body.split()) >= 20)
    bbc = ((f"b-{p.parent.name}-{p.stem}", decode(p.read_bytes(), str(p))) for p in article_paths(eval_dir / "bbc-news-summary"))
    for k, item in enumerate(reuters):
        yield item
        if k % 9 == 8:
            yield from itertools.islice(bbc, 1)
    yield from bbc


def index_corpus(eval_dir: Path, files: int, days: int, folder: Path, day_folder: Path) -> int:
    """``files`` real articles, one a file, dated over ``days`` ending on END (as many each day),
    in ``folder``; the files of END also in ``day_folder``. The number of files of END."""
    folder.mkdir(parents=True)
    day_folder.mkdir(parents=True)
    count = 0
    for i, (name, text) in enumerate(itertools.islice(real_articles(eval_dir), files)):
        day = END - dt.timedelta(days=i % days)
        path = folder / f"{day.isoformat()}-{name}.txt"
        path.write_text(text, encoding="utf-8")
        if day == END:
            shutil.copyfile(path, day_folder / path.name)
            count += 1
    return count


def index_run(corpus: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall time and peak memory of a one-day ``briefgen daily`` in a fresh process."""
    return measured(["daily", "--corpus", str(corpus), "--out", str(out), "--date", END.isoformat(), "--days", "1",
                     "--format", "md,json", "--no-history", *extra])


def index_bench(eval_dir: Path, work: Path, files: int = 20_000, days: int = 400, runs: int = 5) -> dict[str, float]:
    """Section 8: the one-day briefing over ``files`` files over ``days`` days through the index,
    against the day's files alone (best of ``runs`` each, run in turn: the machine may be shared)."""
    corpus, alone = work / "index-corpus", work / "index-day"
    per_day = index_corpus(eval_dir, files, days, corpus, alone)
    build = index_run(corpus, work / "index-out")
    indexed, day = [], []
    for _ in range(runs):
        indexed.append(index_run(corpus, work / "index-out"))
        day.append(index_run(alone, work / "index-day-out", "--no-cache"))
    whole = index_run(corpus, work / "index-whole-out", "--no-cache")
    same = all((work / "index-out" / END.isoformat() / f"briefing.{fmt}").read_bytes()
               == (work / "index-whole-out" / END.isoformat() / f"briefing.{fmt}").read_bytes() for fmt in ("md", "json"))
    row = {"files": files, "days": days, "files_of_the_day": per_day,
           "build_seconds": build[0], "build_memory_mb": build[1],
           "indexed_seconds": min(r[0] for r in indexed), "indexed_memory_mb": max(r[1] for r in indexed),
           "day_seconds": min(r[0] for r in day), "day_memory_mb": max(r[1] for r in day),
           "whole_seconds": whole[0], "whole_memory_mb": whole[1], "identical": float(same)}
    row["time_ratio"] = row["indexed_seconds"] / row["day_seconds"]
    row["memory_ratio"] = row["indexed_memory_mb"] / row["day_memory_mb"]
    print(f"index {files} files: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()), flush=True)
    return row


def cluster_corpus(eval_dir: Path, n: int, days: int, folder: Path) -> None:
    """``n`` articles over ``days`` days ending on END: the real articles of :func:`real_articles`
    first, then texts each made of four quarters of four of them: in round ``r`` (the ``r``-th
    ``len(base)`` texts), text ``i`` takes the first quarter of ``base[i % len(base)]`` and the
    ``k``-th quarter of an article that a permutation of its own (:data:`_QUARTERS`) shifted by
    ``r`` picks, so a real article's quarter is used once a round. Two texts that share a quarter
    have a Jaccard similarity of about 1/7 (two texts of the same first article share no other
    quarter, up to ``len(base) / 3`` rounds), more where quarters follow one template (Reuters'
    earnings reports: 0.3 to 0.7, likely pairs the near-duplicate stage checks), far from a
    near-duplicate: those merged are, nearly all, among the real articles (20,990 of them, so a
    million texts use each in about 48 rounds). Each generated text opens with a line
    of its own (the first word of its first quarter and its number)."""
    base = list(real_articles(eval_dir))
    folder.mkdir(parents=True)
    split = [text.split() for _, text in base]
    for i in range(n):
        name, text = base[i % len(base)]
        if i >= len(base):
            r, a = divmod(i, len(base))
            parts = []
            for k, (times, plus) in enumerate(_QUARTERS):
                words = split[(a * times + plus + r * k) % len(base)]
                quarter = len(words) // 4
                parts.extend(words[k * quarter:(k + 1) * quarter if k < 3 else len(words)])
            text = f"{parts[0] if parts else 'Story'} {i}\n\n{' '.join(parts)}"
            name = f"{name}-{i}"
        day = END - dt.timedelta(days=i % days)
        (folder / f"{day.isoformat()}-{name}.txt").write_text(text, encoding="utf-8")


#: of each quarter of a generated text (:func:`cluster_corpus`), the permutation of the real
#: articles that picks its source: ``(a * times + plus) % len(base)``, before the round's shift
_QUARTERS = ((1, 0), (7919, 13), (104729, 101), (15485863, 7))


def _stage_values(log_file: Path, pattern: str) -> dict[str, float]:
    """Each stage's number that ``pattern`` (groups: the stage's name, the number) finds in the
    ``engine stage`` lines of a run's log."""
    found = {}
    for line in log_file.read_text(encoding="utf-8").splitlines():
        match = re.search(pattern, line)
        if match:
            found[match[1]] = float(match[2])
    return found


def stage_times(log_file: Path) -> dict[str, float]:
    """The seconds of each ``engine stage NAME: S s`` line of a run's log."""
    return _stage_values(log_file, r"engine stage (.+?): ([0-9.]+) s")


def driver_cpu_times(log_file: Path) -> dict[str, float]:
    """The driver's CPU seconds of each stage (``engine stage NAME: S s (…; driver CPU C s)``)."""
    return _stage_values(log_file, r"engine stage (.+?): [0-9.]+ s .*driver CPU ([0-9.]+) s")


def driver_peaks(log_file: Path) -> dict[str, float]:
    """The driver's peak memory in MB at the end of each stage (``engine stage NAME: … peak P MB)``)."""
    return _stage_values(log_file, r"engine stage (.+?): [0-9.]+ s .*peak ([0-9.]+) MB\)")


def driver_share(driver_cpu: dict[str, float], workers: dict[str, float]) -> float:
    """The driver's share of a cluster run's work: its CPU seconds over its stages, against those
    plus the workers' compute seconds. Not a share of the wall time: on a shared machine the
    wall time says how busy the machine was, and the driver mostly waits on the workers; what
    bounds a cluster's speed-up is the work that stays serial on the driver (Amdahl)."""
    mine = sum(driver_cpu.values())
    total = mine + sum(workers.values())
    return mine / total if total else 0.0


def worker_seconds(stream: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The workers' compute seconds by task function, from a Dask task stream."""
    found: dict[str, float] = {}
    for task in stream:
        name = str(task["key"]).split("-")[0].strip("('\"")
        for part in task["startstops"]:
            if part["action"] == "compute":
                found[name] = found.get(name, 0.0) + part["stop"] - part["start"]
    return dict(sorted(found.items(), key=lambda kv: -kv[1]))


def cluster_bench(eval_dir: Path, work: Path, sizes: Sequence[int]) -> list[dict[str, Any]]:
    """Section 9: local against a LocalCluster of 2 worker processes (one thread each), one run
    each, in a fresh process (the driver); the cluster is started afresh for each size."""
    from distributed import Client, LocalCluster, get_task_stream

    rows: list[dict[str, Any]] = []
    for n in sizes:
        corpus = work / f"cluster-corpus{n}"
        cluster_corpus(eval_dir, n, 7, corpus)
        command = ["daily", "--corpus", str(corpus), "--date", END.isoformat(), "--days", "7", "--format", "md,json",
                   "--no-history", "--no-cache"]
        local = measured([*command, "--out", str(work / f"cluster-local{n}")])
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            log_file = work / f"cluster{n}.log"
            with get_task_stream(client) as stream:  # every task of the scheduler, the driver's included
                remote = measured([*command, "--out", str(work / f"cluster-remote{n}"), "--scheduler",
                                   cluster.scheduler_address, "--log-file", str(log_file)])
            worker_mb = max(client.run(_peak_mb).values())
            indexed = [*command[:-1], "--cache", str(work / f"cluster-index{n}"), "--scheduler", cluster.scheduler_address]
            built = measured([*indexed, "--out", str(work / f"cluster-built{n}")])  # the index built on the workers
            reused = measured([*indexed, "--out", str(work / f"cluster-indexed{n}")])  # every file read before
        same = all(_same(work / f"cluster-local{n}", work / other, fmt) for fmt in ("md", "json")
                   for other in (f"cluster-remote{n}", f"cluster-built{n}", f"cluster-indexed{n}"))
        rows.append({"articles": n, "local_seconds": local[0], "local_memory_mb": local[1], "cluster_seconds": remote[0],
                     "driver_memory_mb": remote[1], "worker_memory_mb": worker_mb, "identical": same,
                     "index_build_seconds": built[0], "indexed_seconds": reused[0], "indexed_driver_memory_mb": reused[1],
                     "stages": stage_times(log_file), "driver_cpu": driver_cpu_times(log_file),
                     "worker_seconds": worker_seconds(stream.data), "driver_peaks": driver_peaks(log_file)})
        rows[-1]["driver_share"] = driver_share(rows[-1]["driver_cpu"], rows[-1]["worker_seconds"])
        print(f"cluster {n}: " + ", ".join(f"{k} {v}" for k, v in rows[-1].items()), flush=True)
        shutil.rmtree(corpus)
    return rows


def day_bench(eval_dir: Path, work: Path, sizes: Sequence[int], days: int = 7) -> list[dict[str, Any]]:
    """Section 10: the driver of a one-day briefing out of ``sizes`` generated articles over
    ``days`` days (:func:`cluster_corpus`) on a LocalCluster of 2 worker processes: its peak
    memory, its peak at each stage's end, each stage's wall and driver CPU seconds. The whole
    corpus is loaded, signed and checked for near-duplicates (the driver holds every article's
    metadata: what grows with the corpus), the briefing made of the day's articles (what grows
    with the window). One run each, without the index (`--no-cache`)."""
    from distributed import Client, LocalCluster, get_task_stream

    rows: list[dict[str, Any]] = []
    for n in sizes:
        corpus = work / f"day-corpus{n}"
        cluster_corpus(eval_dir, n, days, corpus)
        log_file = work / f"day{n}.log"
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client, get_task_stream(client) as stream:
            seconds, driver_mb = measured(["daily", "--corpus", str(corpus), "--date", END.isoformat(), "--days", "1",
                                           "--format", "md,json", "--no-history", "--no-cache", "--out", str(work / f"day-out{n}"),
                                           "--scheduler", cluster.scheduler_address, "--log-file", str(log_file)])
        shutil.rmtree(corpus)
        row = {"articles": n, "days": days, "seconds": seconds, "driver_memory_mb": driver_mb, "stages": stage_times(log_file),
               "driver_cpu": driver_cpu_times(log_file), "driver_peaks": driver_peaks(log_file),
               "worker_seconds": worker_seconds(stream.data)}
        row["driver_share"] = driver_share(row["driver_cpu"], row["worker_seconds"])
        rows.append(row)
        print(f"day of {n}: " + ", ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    return rows


def _same(first: Path, second: Path, fmt: str) -> bool:
    """Whether the briefings of the archives ``first`` and ``second`` are the same in ``fmt``."""
    return (first / END.isoformat() / f"briefing.{fmt}").read_bytes() == (second / END.isoformat() / f"briefing.{fmt}").read_bytes()


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measured(arguments: list[str]) -> tuple[float, float]:
    """Wall time and peak memory of ``briefgen ARGUMENTS`` in a fresh process."""
    briefgen = Path(sys.executable).with_name("briefgen")
    result = subprocess.run([sys.executable, "-c", MEASURE, str(briefgen), *arguments, "--quiet"], capture_output=True,
                            text=True, check=True)
    seconds, kilobytes, code = result.stdout.split()
    if code != "0":
        raise SystemExit(f"briefgen {' '.join(arguments)} failed")
    return float(seconds), float(kilobytes) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs/performance.md"))
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--index-files", type=int, default=20_000, help="files of the corpus index measure (section 8)")
    parser.add_argument("--cluster-sizes", default="10000,100000", help="articles of the Dask measures (section 9)")
    parser.add_argument("--day-sizes", default="1000000", help="articles of the one-day Dask measures (section 10)")
    args = parser.parse_args()
    paths = article_paths(args.eval_dir / "bbc-news-summary")
    ranking = ranking_bench(paths, args.quick)
    with tempfile.TemporaryDirectory() as tmp:
        base = fixed_cost(paths, Path(tmp))
        daily = daily_bench(paths, Path(tmp), args.quick)
        pdf_seconds, pdf_bytes = pdf_bench(Path(tmp) / f"corpus{int(daily[-1]['articles'])}")
        count_seconds, alone_seconds, draw_seconds = chart_bench(Path(tmp) / f"corpus{int(daily[-1]['articles'])}")
        model = model_bench(Path(tmp) / f"corpus{int(daily[-1]['articles'])}", Path(tmp))
    model_seconds, terms_seconds = model["model_seconds"], model["terms_seconds"]
    model_share = (model_seconds - terms_seconds) / model_seconds
    print(f"relevance model: {model_seconds:.2f}s with, {terms_seconds:.2f}s without", flush=True)
    print(f"pdf: {pdf_seconds:.2f}s", flush=True)
    print(f"chart: counting {count_seconds:.2f}s ({alone_seconds:.2f}s from nothing), drawing {draw_seconds:.2f}s", flush=True)
    splitting = split_bench(paths)
    startup = help_startup()
    print(f"briefgen --help: {startup['help_seconds']:.3f}s, {startup['ratio']:.1f}x python -c pass", flush=True)
    grouping = stories_bench(args.eval_dir, paths)
    story_ratio = grouping[-1]["seconds"] / grouping[0]["seconds"]
    with tempfile.TemporaryDirectory() as tmp:
        index = index_bench(args.eval_dir, Path(tmp), args.index_files, max(1, args.index_files // 50))
    with tempfile.TemporaryDirectory() as tmp:
        scale = cluster_bench(args.eval_dir, Path(tmp), [int(n) for n in args.cluster_sizes.split(",")])
    with tempfile.TemporaryDirectory() as tmp:
        day = day_bench(args.eval_dir, Path(tmp), [int(n) for n in args.day_sizes.split(",") if n.strip()])

    largest = daily[-1]
    growth = exponent(daily, "seconds_j1")
    net_growth = exponent(daily, "seconds_j1", minus=base)
    speedup = ranking[0]["lexrank"] / ranking[0]["briefgen"]
    chart_share = (count_seconds + draw_seconds) / largest["seconds_j1"]
    checks = [
        (f"ranking 800 sentences: {speedup:.0f}x faster than sumy LexRank (floor {FLOORS['speedup']:.0f}x)", speedup >= FLOORS["speedup"]),
        *((f"daily, {int(largest['articles'])} articles, with the relevance model, --jobs {j}: {largest[f'seconds_j{j}']:.1f} s wall "
           f"(floor {FLOORS['seconds_2000']:g} s)", largest[f"seconds_j{j}"] <= FLOORS["seconds_2000"]) for j in (1, 2)),
        *((f"daily, {int(largest['articles'])} articles, with the relevance model, --jobs {j}: {largest[f'memory_mb_j{j}']:.0f} MB peak "
           f"{'' if j == 1 else 'of the largest process '}(floor {FLOORS['memory_mb']:.0f} MB)",
           largest[f"memory_mb_j{j}"] <= FLOORS["memory_mb"]) for j in (1, 2)),
        (f"daily, {int(largest['articles'])} articles, the terms alone: {model['terms_seconds']:.1f} s wall "
         f"(floor {FLOORS['seconds_2000']:g} s)", model["terms_seconds"] <= FLOORS["seconds_2000"]),
        (f"daily, {int(largest['articles'])} articles, the terms alone: {model['terms_memory_mb']:.0f} MB peak "
         f"(floor {FLOORS['memory_mb']:.0f} MB)", model["terms_memory_mb"] <= FLOORS["memory_mb"]),
        (f"time exponent {daily[0]['articles']:.0f}→{largest['articles']:.0f} articles: {growth:.2f} (floor {FLOORS['exponent']})",
         growth <= FLOORS["exponent"]),
        (f"PDF of the {int(largest['articles'])}-article briefing: {pdf_seconds:.2f} s (floor {FLOORS['pdf_seconds']:.0f} s)",
         pdf_seconds <= FLOORS["pdf_seconds"]),
        (f"coverage chart of {int(largest['articles'])} articles: {chart_share:.0%} of the daily run "
         f"(floor {FLOORS['chart_share']:.0%})", chart_share <= FLOORS["chart_share"]),
        (f"the default topics' relevance model: {model_share:.0%} of the daily run of {int(largest['articles'])} articles "
         f"({model_seconds:.2f} s with it, {terms_seconds:.2f} s with the terms alone; floor {FLOORS['model_share']:.0%})",
         model_share <= FLOORS["model_share"]),
        *((f"splitting 4 MB against 1 MB, {r['layout']}: {r['mb4'] / r['mb1']:.2f}× the time (floor {FLOORS['split_ratio']}×)",
           r["mb4"] / r["mb1"] <= FLOORS["split_ratio"]) for r in splitting),
        (f"`briefgen --help`: {startup['ratio']:.1f}× the time of `python -c pass` (floor {FLOORS['help_ratio']:.0f}×)",
         startup["ratio"] <= FLOORS["help_ratio"]),
        (f"story grouping of {grouping[-1]['articles']:,} articles: {grouping[-1]['seconds']:.2f} s (floor {FLOORS['stories_seconds']:.0f} s)",
         grouping[-1]["seconds"] <= FLOORS["stories_seconds"]),
        (f"story grouping, {grouping[-1]['articles']:,} against {grouping[0]['articles']:,} articles: {story_ratio:.1f}× the time "
         f"(floor {FLOORS['stories_ratio']:.0f}×)", story_ratio <= FLOORS["stories_ratio"]),
        (f"one-day briefing over {index['files']:,} files ({index['days']} days) with the index: {index['time_ratio']:.2f}× the time "
         f"of the day's {index['files_of_the_day']} files alone (floor {FLOORS['index_time_ratio']:g}×)",
         index["time_ratio"] <= FLOORS["index_time_ratio"]),
        (f"the same: {index['memory_ratio']:.2f}× the peak memory (floor {FLOORS['index_memory_ratio']:g}×)",
         index["memory_ratio"] <= FLOORS["index_memory_ratio"]),
        (f"building the index of the {index['files']:,} files: {index['build_seconds']:.1f} s (floor {FLOORS['index_build_seconds']:.0f} s)",
         index["build_seconds"] <= FLOORS["index_build_seconds"]),
        ("the same: briefing byte-identical (md, json) to the run without the index", bool(index["identical"])),
        *((f"Dask, {r['articles']:,} articles: briefing byte-identical to the local run", bool(r["identical"])) for r in scale),
        (f"Dask, {scale[-1]['articles']:,} articles: the driver's peak memory {scale[-1]['driver_memory_mb']:.0f} MB "
         f"(floor {FLOORS['driver_memory_mb']:.0f} MB)", scale[-1]["driver_memory_mb"] <= FLOORS["driver_memory_mb"]),
        (f"the same with the index: the driver's peak memory {scale[-1]['indexed_driver_memory_mb']:.0f} MB "
         f"(floor {FLOORS['driver_memory_mb']:.0f} MB)", scale[-1]["indexed_driver_memory_mb"] <= FLOORS["driver_memory_mb"]),
        (f"Dask, {scale[-1]['articles']:,} articles: the driver's stages {scale[-1]['driver_share']:.1%} of the run's work "
         f"(its CPU against the workers' compute; floor {FLOORS['driver_share']:.0%})", scale[-1]["driver_share"] <= FLOORS["driver_share"]),
        (f"the local run of {scale[-1]['articles']:,} articles: {scale[-1]['local_memory_mb']:.0f} MB peak "
         f"(floor {FLOORS['local_memory_mb']:.0f} MB)", scale[-1]["local_memory_mb"] <= FLOORS["local_memory_mb"]),
        (f"Dask, a one-day briefing out of {day[-1]['articles']:,} articles: the driver's peak memory {day[-1]['driver_memory_mb']:.0f} MB "
         f"(floor {FLOORS['day_driver_memory_mb']:.0f} MB)", day[-1]["driver_memory_mb"] <= FLOORS["day_driver_memory_mb"]) if day else
        (f"Dask, a one-day briefing out of 1,000,000 articles: not measured in this run (--day-sizes empty; floor "
         f"{FLOORS['day_driver_memory_mb']:.0f} MB for the driver)", False),
    ]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    ranking_rows = "\n".join(
        f"| {int(r['sentences'])} | {r['briefgen'] * 1000:.1f} ms | {r['lexrank']:.2f} s | {r['textrank']:.2f} s "
        f"| {r['lexrank'] / r['briefgen']:.0f}× | {r['textrank'] / r['briefgen']:.0f}× |" for r in ranking)
    daily_rows = "\n".join(
        f"| {int(r['articles'])} | {r['seconds_j1']:.2f} s | {r['memory_mb_j1']:.0f} MB | {r['seconds_j2']:.2f} s | {r['memory_mb_j2']:.0f} MB |"
        for r in daily)
    story_rows = "\n".join(f"| {r['articles']:,} | {r['seconds']:.2f} s | {r['stories']:,} |" for r in grouping)
    split_rows = "\n".join(f"| {r['layout']} | {r['mb1']:.2f} s | {r['mb4']:.2f} s | {r['mb4'] / r['mb1']:.2f}× |"
                           for r in splitting)
    report = f"""# Performance

Measured by `make bench` (`scripts/bench.py`) on {dt.date.today().isoformat()}: {os.cpu_count()} cores ({cpu}),
Python {platform.python_version()}. Real articles from `../shared/eval/bbc-news-summary/` (read in
place, never copied into the project).

## Floors

{floors_table(checks)}

## 1. Ranking: briefgen against sumy, same sentences, same process

One document made of consecutive BBC articles' sentences (split by briefgen), ranked to pick 10
sentences. briefgen's time includes building its TF-IDF and graph matrices (stemming included); best of
5 runs for briefgen, one run for each sumy summariser (they compare every pair of sentences in
Python, so their time grows with the square of the sentence count).

| sentences | briefgen | sumy LexRank | sumy TextRank | vs LexRank | vs TextRank |
|---|---|---|---|---|---|
{ranking_rows}

## 2. `briefgen daily`, end to end

A corpus of N articles (categories interleaved; dates assigned over 2026-11-23..29, so every article
is in the 7-day window), run as `briefgen daily --days 7 --format md,json,pdf --jobs J` in a fresh
process: loading, splitting, scoring, ranking, selection and all three renderings, interpreter
start-up included. With --jobs 2 the articles are also loaded and split by 2 worker processes, and
a render process, forked at the start, imports WeasyPrint and matplotlib while the briefing is
made, then makes the PDF and the coverage chart (README, `--jobs`). Wall time is the best of 3
runs; peak memory is the process's maximum resident set size (with --jobs 2, of the largest of
its processes), the largest of the 3. The runs share an output folder, so the first builds the corpus
index (`OUT/.briefgen`) and the others read through it, as a daily run does.

| articles | wall, --jobs 1 | peak memory | wall, --jobs 2 | peak memory (largest process) |
|---|---|---|---|---|
{daily_rows}

The {int(largest['articles'])} articles with the terms alone (`[ranking] relevance_model = false`), in turns
with runs with the model: {model['terms_seconds']:.2f} s and {model['terms_memory_mb']:.0f} MB
(with the model: {model['model_seconds']:.2f} s and {model['model_memory_mb']:.0f} MB).

Fitted exponent of wall time against article count (least squares on log–log, --jobs 1):
**{growth:.2f}** (1.0 is linear). A 10-article run takes {base:.2f} s (start-up, imports, the PDF
renderer's fixed cost); the exponent of the time above that fixed cost is **{net_growth:.2f}**.
Time grows about linearly because every stage is linear in the number of sentences except the ranking graph, which is built per topic over at most `pool_size`
candidates (1,500 by default), and selection, which compares each pick to all sentences with one
sparse product.

## 3. PDF rendering

WeasyPrint rendering of the {int(largest['articles'])}-article briefing ({pdf_bytes // 1024} KB): **{pdf_seconds:.2f} s**
(best of 3, HTML already made).

## 4. Sentence splitting

`sbd.sentence_spans` on 1 MB of BBC article text and on the same text four times over, laid out as
paragraphs and as a single paragraph (best of 3, one run). The ratio, not the seconds, is the
measure: 4 is linear, 16 would be quadratic.

| layout | 1 MB | 4 MB | ratio |
|---|---|---|---|
{split_rows}

## 5. Start-up: `briefgen --help`

`briefgen --help` in a fresh process takes **{startup['ratio']:.1f}×** the time of the bare
interpreter, `python -c pass` (medians of {startup['runs']} runs of each, taken in turn:
{startup['help_seconds']:.3f} s against {startup['python_seconds']:.3f} s on this machine). A ratio, because the
seconds follow the machine and its load while the ratio stays. The command line imports only
click and the configuration; each command imports the stages it runs (NumPy, SciPy,
WeasyPrint, sumy, trafilatura…) when it runs.

## 6. Story grouping

`stories.story_labels` (the texts already made: titles, and the BBC articles' title and lead) on
the first 5,000 and 20,000 articles of a stream at a constant rate: the 6,366 UCI aggregator
headlines of `story-clusters/` (about 1.5 days, stories of up to 322 reports) with the 2,225 BBC
articles dated evenly over the same span, repeated with the dates shifted by the span each time.
Best of 3.

| articles | seconds | stories |
|---|---|---|
{story_rows}

20,000 against 5,000 articles: **{story_ratio:.1f}×** the time (4 is linear). The 5,000 articles
span 0.8 days (20,000: 3.5), less than the 2.6 days within which two reports are paired, so each one's
neighbourhood in time is not yet full; past it the time grows about linearly.

## 7. The coverage chart

Counting the {int(largest['articles'])}-article corpus's articles of the 14 days up to the briefing
by topic, as a run without the index does (`LoadResult.activity`: each article scored for every
topic; the window's 7 days split already by the briefing's first stage, whose sentences the count
takes): **{count_seconds:.2f} s** ({alone_seconds:.2f} s from nothing, every article split:
`coverage.activity`); drawing the SVG with matplotlib: **{draw_seconds:.2f} s** (best of 3 each).
Together **{chart_share:.0%}** of the `daily` run of section 2. A run through the index (section 2's)
counts from the topics the index stores per article instead.

## 8. The corpus index

A corpus of {index['files']:,} real articles, one a `.txt` file (Reuters-21578 stories with a body,
one BBC article after every nine), dated over {index['days']} days ending on {END.isoformat()}
({index['files_of_the_day']} files a day). `briefgen daily --date {END.isoformat()} --days 1 --format md,json
--no-history` in a fresh process; best of 5 for time, the largest peak memory of the 5 (in turns).

| run | wall | peak memory |
|---|---|---|
| the whole corpus, building the index (first run) | {index['build_seconds']:.2f} s | {index['build_memory_mb']:.0f} MB |
| the whole corpus, the index built | {index['indexed_seconds']:.2f} s | {index['indexed_memory_mb']:.0f} MB |
| the day's {index['files_of_the_day']} files alone (`--no-cache`) | {index['day_seconds']:.2f} s | {index['day_memory_mb']:.0f} MB |
| the whole corpus without the index (`--no-cache`) | {index['whole_seconds']:.2f} s | {index['whole_memory_mb']:.0f} MB |

With the index, the run costs **{index['time_ratio']:.2f}×** the time and **{index['memory_ratio']:.2f}×** the memory of
the day alone; the briefing is {'byte-identical' if index['identical'] else '**not** identical'} to the run without it.
What remains per run over the whole corpus: listing the folder (as names, no `Path` a file) and one
`stat` a file, reading the index's rows (a few hundred bytes an article, each row's checksum checked
in C) and finding the likely near-duplicate pairs from the stored signatures; only the day's files
are read and parsed, with those of the chart's 14 days that have a likely near-duplicate (an article
without one is a group alone, unread). The chart's counts come from the topics stored per article.

## 9. Scale-out on Dask

A 7-day briefing (`--days 7 --format md,json --no-history --no-cache`) of N articles, one `.txt`
file each, dated over the 7 days: the real articles of section 8 first, then texts made of
four quarters of four of them (`cluster_corpus`: each a real article's quarter once a round, so
two texts that share a quarter share about a seventh of their shingles, more where the quarters
follow one template, as Reuters' earnings reports do, and the near-duplicates merged are those
among the real articles; the window briefs them all). On this machine, then with `--scheduler`
on a `distributed.LocalCluster` of 2 worker processes (one thread each) on the same machine,
started afresh for each size; one run each. The driver is the `briefgen` process; a worker's
peak is the larger of the two.

| articles | local | local peak | cluster | driver peak | worker peak | driver CPU | workers' compute | driver's share | identical |
|---|---|---|---|---|---|---|---|---|---|
{chr(10).join(f"| {r['articles']:,} | {r['local_seconds']:.1f} s | {r['local_memory_mb']:.0f} MB | {r['cluster_seconds']:.1f} s | {r['driver_memory_mb']:.0f} MB | {r['worker_memory_mb']:.0f} MB | {sum(r['driver_cpu'].values()):.1f} s | {sum(r['worker_seconds'].values()):.1f} s | {r['driver_share']:.1%} | {'yes' if r['identical'] else '**no**'} |" for r in scale)}

The driver's share is its CPU seconds over its stages (from the run's log) against those plus
the workers' compute seconds (from Dask's task stream): the work that stays serial on the driver
whatever the cluster's size, which bounds what more workers can gain. Wall time is not used: on
a shared machine it says how busy the machine was.

With the corpus index on the cluster (`--cache DIR` instead of `--no-cache`; the driver keeps the
index, the workers read the files): {'; '.join(f"{r['articles']:,} articles: {r['index_build_seconds']:.1f} s building it, {r['indexed_seconds']:.1f} s the next run (no file read again; every article in the window, parsed on the workers), driver peak {r['indexed_driver_memory_mb']:.0f} MB" for r in scale)}; "identical" covers these runs too.

Stages on the cluster (seconds, from the run's log): {'; '.join(f"{r['articles']:,} articles: " + ', '.join(f"{k} {v:.2f}" for k, v in r['stages'].items()) for r in scale)}.
The driver's peak at each stage's end (MB): {'; '.join(f"{r['articles']:,} articles: " + ', '.join(f"{k} {v:.0f}" for k, v in r['driver_peaks'].items()) for r in scale)}.

## 10. The driver of a large corpus on Dask

A one-day briefing (`--days 1 --no-cache`) out of N generated articles dated over 7 days (the
texts of section 9), with `--scheduler` on a LocalCluster of 2 worker processes: the workers
load, sign and pair the whole corpus, the driver holds every article's metadata and briefs the
day's seventh.

| articles | run | driver peak | driver CPU | workers' compute | driver's share |
|---|---|---|---|---|---|
{chr(10).join(f"| {r['articles']:,} | {r['seconds']:.0f} s | {r['driver_memory_mb']:.0f} MB | {sum(r['driver_cpu'].values()):.1f} s | {sum(r['worker_seconds'].values()):.0f} s | {r['driver_share']:.1%} |" for r in day) or "| not measured in this run (`--day-sizes` empty) | | | | | |"}

The driver's peak at each stage's end (MB): {'; '.join(f"{r['articles']:,} articles: " + ', '.join(f"{k} {v:.0f}" for k, v in r['driver_peaks'].items()) for r in day)}.
[docs/scale-out.md](scale-out.md) turns these into a sizing plan.

## Reproduce

```sh
make bench            # or: .venv/bin/python scripts/bench.py ../shared/eval
```
"""
    (args.out.with_suffix(".json")).write_text(json.dumps({"ranking": ranking, "daily": daily, "pdf_seconds": pdf_seconds,
                                                           "exponent": growth, "exponent_above_fixed_cost": net_growth, "fixed_cost_seconds": base,
                                                           "startup": startup, "stories": grouping,
                                                           "chart_seconds": {"counting": count_seconds, "counting_alone": alone_seconds, "drawing": draw_seconds},
                                                           "relevance_model": model, "index": index, "scale_out": scale, "large_day": day},
                                                          indent=2) + "\n")
    return finish(args.out, report, checks)


if __name__ == "__main__":
    sys.exit(main())
