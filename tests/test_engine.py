"""Scale-out on Dask (briefgen.engine): `daily --scheduler` on a real distributed.LocalCluster
(worker processes) gives the very briefing, to the byte, that a run on this machine gives."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

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
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
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


def test_the_driver_holds_no_article_text(scheduler: str, tmp_path: Path) -> None:
    from briefgen.config import load_options
    from briefgen.daily import run_daily

    options = load_options().with_overrides(formats=("md",))
    result = run_daily(BUNDLED, tmp_path / "out", options, today=dt.date(2026, 11, 29), date="latest", days=7,
                       scheduler=scheduler)
    assert result.articles and all(a.text == "" for a in result.articles)  # what the driver kept of the window
    assert result.briefing.sections and any(s.items for s in result.briefing.sections)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.setattr("briefgen.engine.CONNECT_TIMEOUT", 1.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket is closed
    result = run_cli("daily", "--corpus", str(BUNDLED), "--out", str(tmp_path / "out"), "--date", "latest",
                     "--scheduler", f"tcp://127.0.0.1:{port}")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert "Hint: start it (`dask scheduler`)" in result.stderr
    assert not (tmp_path / "out").exists()
