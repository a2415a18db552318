"""With ``--jobs 2`` the PDF and the coverage charts are made by a render process
(:mod:`briefgen.output.renderer`): the files are the same as with ``--jobs 1``, its errors and
warnings reach the user as they would from the run itself, and it never outlives the run."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

import briefgen.output.render
from briefgen.web import chart
from tests.conftest import md_file
from tests.conftest import run_cli as run

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks; reads /proc")]

FILES = ("briefing.md", "briefing.json", "briefing.html", "briefing.pdf")


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    """Each test starts with no chart given by an earlier run's render process."""
    chart.keep({})


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    for n in range(6):
        md_file(folder, f"a{n}.md",
                f"Freight operators in town {n} agreed on Monday to cut transit tariffs on cargo crossing the border. "
                f"Exports of grain from district {n} are expected to rise, the trade ministry said.",
                title=f"Tariffs cut in town {n}", date=f"2026-11-2{3 + n % 2}", source=f"Wire {n % 3}")
    return folder


def daily(corpus: Path, out: Path, jobs: int, *extra: str):
    return run("daily", "--corpus", str(corpus), "--out", str(out), "--date", "2026-11-24", "--days", "2",
               "--format", "md,json,html,pdf", "--jobs", str(jobs), *extra)


def spy(monkeypatch: pytest.MonkeyPatch, record: Path) -> None:
    """Write the process id of every PDF made and chart drawn to ``record`` (a forked process inherits the spies)."""
    to_pdf, svg = briefgen.output.render.to_pdf, chart.svg

    def noted(what: str, fn):
        def wrapper(*args, **kwargs):
            with record.open("a") as f:
                f.write(f"{what} {os.getpid()}\n")
            return fn(*args, **kwargs)
        return wrapper
    monkeypatch.setattr(briefgen.output.render, "to_pdf", noted("pdf", to_pdf))
    monkeypatch.setattr(chart, "svg", noted("chart", svg))


def made_by(record: Path) -> set[tuple[str, int]]:
    return {(what, int(pid)) for what, pid in (line.split() for line in record.read_text().splitlines())} if record.exists() else set()


def render_pid(log_file: Path) -> int:
    found = re.findall(r"render process (\d+) started", log_file.read_text())
    assert len(found) == 1, log_file.read_text()
    return int(found[0])


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, not yet reaped, counts as left behind too)."""
    return Path(f"/proc/{pid}").exists()


def test_with_two_jobs_another_process_makes_the_same_pdf_and_chart(corpus: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    spy(monkeypatch, tmp_path / "one")
    first = daily(corpus, tmp_path / "one-job", 1)
    assert first.exit_code == 0
    assert made_by(tmp_path / "one") == {("pdf", os.getpid()), ("chart", os.getpid())}

    spy(monkeypatch, tmp_path / "two")
    result = daily(corpus, tmp_path / "two-jobs", 2, "--log-file", str(tmp_path / "run.log"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == first.stderr  # what the libraries log goes where it goes from one process
    pid = render_pid(tmp_path / "run.log")
    assert pid != os.getpid()
    assert made_by(tmp_path / "two") == {("pdf", pid), ("chart", pid)}  # nothing drawn here: the index's chart came from there too
    for name in FILES:
        assert (tmp_path / "two-jobs" / "2026-11-24" / name).read_bytes() == (tmp_path / "one-job" / "2026-11-24" / name).read_bytes(), name
    assert (tmp_path / "two-jobs" / "index.html").read_bytes() == (tmp_path / "one-job" / "index.html").read_bytes()
    assert not alive(pid)


def test_with_one_job_nothing_is_forked(corpus: Path, tmp_path: Path) -> None:
    result = daily(corpus, tmp_path / "out", 1, "--log-file", str(tmp_path / "run.log"))
    assert result.exit_code == 0
    assert "render process" not in (tmp_path / "run.log").read_text()


def test_weasyprint_unusable_in_the_render_process_is_the_same_user_error(corpus: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` fails, as without Pango
    results = [daily(corpus, tmp_path / f"out{jobs}", jobs, "--log-file", str(tmp_path / f"run{jobs}.log")) for jobs in (1, 2)]
    assert [r.exit_code for r in results] == [6, 6]
    assert results[1].stderr == results[0].stderr
    assert results[1].stderr.startswith("Error: cannot make the PDF: WeasyPrint is not usable here")
    assert "Hint: install Pango" in results[1].stderr
    assert not (tmp_path / "out2" / "2026-11-24").exists()  # nothing written
    assert not alive(render_pid(tmp_path / "run2.log"))


def test_a_url_the_page_asks_for_is_refused_and_said_as_in_one_process(corpus: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "briefing.html").write_text('<!doctype html><html lang="en"><head><title>{{ briefing.title }}</title>'
                                             '<link rel="stylesheet" href="http://127.0.0.1:9/look.css"></head>'
                                             "<body><h1>{{ briefing.title }}</h1></body></html>\n")
    config = tmp_path / "templates.toml"
    config.write_text('[output]\ntemplates = "templates"\n')
    results = [daily(corpus, tmp_path / f"out{jobs}", jobs, "--config", str(config)) for jobs in (1, 2)]
    assert [r.exit_code for r in results] == [0, 0]
    assert "warning: refused to fetch http://127.0.0.1:9/look.css while rendering the PDF\n" in results[1].stderr
    assert results[1].stderr == results[0].stderr
    assert ((tmp_path / "out2" / "2026-11-24" / "briefing.pdf").read_bytes()
            == (tmp_path / "out1" / "2026-11-24" / "briefing.pdf").read_bytes())


def test_a_run_that_fails_before_rendering_stops_the_render_process(corpus: Path, tmp_path: Path) -> None:
    result = run("daily", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--date", "2026-10-01",
                 "--format", "md,json,pdf", "--jobs", "2", "--log-file", str(tmp_path / "run.log"))
    assert result.exit_code == 5  # no article that day
    assert not alive(render_pid(tmp_path / "run.log"))
