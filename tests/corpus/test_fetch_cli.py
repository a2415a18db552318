"""`briefgen fetch` on the command line: output, exit codes, two runs at once, and fetch → daily."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli as run
from tests.newsserver import (
    NewsServer,
    news_server,
    status,
)

pytestmark = pytest.mark.e2e  # every test here goes through the command line

ROOT = Path(__file__).parents[2]


@pytest.fixture
def site() -> Iterator[NewsServer]:
    with news_server(("rail-deal", "checkpoint-attack", "dry-port")) as server:
        yield server


def config(tmp_path: Path, feeds: list[str], extra: str = "") -> Path:
    path = tmp_path / "desk.toml"
    path.write_text("[fetch]\n" f"feeds = {json.dumps(feeds)}\n"
                    "allow_private = true\nper_host_delay = 0.0\ntimeout = 10.0\nretries = 0\n" + extra, encoding="utf-8")
    return path


def test_fetch_prints_the_files_and_a_summary(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "news"
    desk = config(tmp_path, [f"{site.base}/rss.xml", f"{site.base}/atom.xml"])
    result = run("fetch", "--corpus", str(corpus), "--config", str(desk))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sorted(lines[:-1]) == sorted(str(p) for p in corpus.rglob("*.md")) and len(lines) == 5
    assert lines[-1] == "2 feeds checked (0 not modified); 4 new articles, 0 skipped, 0 failed"
    again = run("fetch", "--corpus", str(corpus), "--config", str(desk))
    assert again.exit_code == 0
    assert again.stdout == "2 feeds checked (2 not modified); 0 new articles, 0 skipped, 0 failed\n"
    assert run("fetch", "--corpus", str(corpus), "--config", str(desk), "--quiet").stdout == ""


def test_some_sources_failing_is_a_partial_success_naming_each(site: NewsServer, tmp_path: Path) -> None:
    site.routes["/down.xml"] = status(503)
    desk = config(tmp_path, [f"{site.base}/atom.xml", f"{site.base}/down.xml", f"{site.base}/missing.xml"])
    result = run("fetch", "--corpus", str(tmp_path / "news"), "--config", str(desk), "--quiet")
    assert result.exit_code == 9
    assert sorted(result.stderr.splitlines()) == [f"error: failed {site.base}/down.xml: HTTP 503",
                                                  f"error: failed {site.base}/missing.xml: HTTP 404"]
    assert len(list((tmp_path / "news").rglob("*.md"))) == 1


def test_every_source_failing_has_an_exit_code_of_its_own(site: NewsServer, tmp_path: Path) -> None:
    desk = config(tmp_path, [f"{site.base}/gone.xml"])
    result = run("fetch", "--corpus", str(tmp_path / "news"), "--config", str(desk))
    assert result.exit_code == 11
    assert result.stderr == f"error: failed {site.base}/gone.xml: HTTP 404\n"
    assert result.stdout == "1 feed checked (0 not modified); 0 new articles, 0 skipped, 1 failed\n"


def test_nothing_to_fetch_is_a_configuration_error(tmp_path: Path) -> None:
    result = run("fetch", "--corpus", str(tmp_path / "news"))
    assert result.exit_code == 3
    assert result.stderr == ("Error: nothing to fetch: [fetch] lists no feeds, OPML file or pages\n"
                             'Hint: give one with --feed URL, or add e.g. feeds = ["https://news.example/rss.xml"] '
                             'under [fetch] in your config file\n')


def test_fetch_takes_a_feed_or_a_page_on_the_command_line_instead_of_the_config(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "news"
    desk = config(tmp_path, [f"{site.base}/atom.xml"])  # the config's feed is not fetched when --feed is given
    result = run("fetch", "--corpus", str(corpus), "--config", str(desk), "--feed", f"{site.base}/rss.xml")
    assert result.exit_code == 0, result.stderr
    assert "/atom.xml" not in site.paths() and result.stdout.splitlines()[-1].startswith("1 feed checked")
    assert sorted(p.name for p in corpus.rglob("*.md")) == ["kazakhstan-to-build-a-dry-port-for-transit-cargo.md",
                                                              "militants-attack-a-border-checkpoint.md",
                                                              "termez-rail-link-gets-a-customs-deal.md"]
    page = f"{site.base}/articles/embassy.html"
    result = run("fetch", "--corpus", str(corpus), "--config", str(desk), "--page", page)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 feeds checked (0 not modified), 1 page; 1 new article, 0 skipped, 0 failed"
    assert "Envoy presents credentials" in Path(result.stdout.splitlines()[0]).read_text(encoding="utf-8")


def test_a_feed_on_the_command_line_needs_no_config_and_must_be_a_url(tmp_path: Path) -> None:
    result = run("fetch", "--corpus", str(tmp_path / "news"), "--feed", "news.example/rss.xml")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for '--feed': 'news.example/rss.xml' is not an http or https URL\n")
    assert not (tmp_path / "news").exists()
    # no config at all: the packaged defaults refuse a loopback address, which shows the feed was tried
    result = run("fetch", "--corpus", str(tmp_path / "news"), "--feed", "http://127.0.0.1:9/rss.xml", "--quiet")
    assert result.exit_code == 11 and "http://127.0.0.1:9/rss.xml" in result.stderr


@pytest.mark.parametrize(("setting", "message"), [
    ('feeds = ["ftp://files.example/feed.xml"]', "fetch.feeds holds 'ftp://files.example/feed.xml', which is not an http or https URL"),
    ('pages = ["news.example/story"]', "fetch.pages holds 'news.example/story', which is not an http or https URL"),
    ("timeout = 0", "fetch.timeout must be over 0 to 600, not 0.0"),
    ("concurrency = 0", "fetch.concurrency must be 1 to 64, not 0"),
    ('user_agent = "two\\nlines"', "fetch.user_agent must be one printable line"),
])
def test_bad_fetch_settings_are_refused(tmp_path: Path, setting: str, message: str) -> None:
    desk = tmp_path / "desk.toml"
    desk.write_text(f"[fetch]\n{setting}\n", encoding="utf-8")
    result = run("fetch", "--corpus", str(tmp_path / "news"), "--config", str(desk))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {desk}: {message}\nHint: ")


def test_feeds_come_from_an_opml_file_beside_the_config(site: NewsServer, tmp_path: Path) -> None:
    (tmp_path / "feeds.opml").write_text(f"""<?xml version="1.0"?>
<opml version="2.0"><head><title>Desk feeds</title></head><body>
<outline text="Region"><outline text="Khyber Wire" type="rss" xmlUrl="{site.base}/atom.xml"/></outline>
</body></opml>""", encoding="utf-8")
    desk = config(tmp_path, [], 'opml = "feeds.opml"\n')
    result = run("fetch", "--corpus", str(tmp_path / "news"), "--config", str(desk), "--dry-run")
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "news" / "2026-11-29" / "envoy-presents-credentials-at-the-foreign-ministry.md"
    assert result.stdout == (f"would write {path}  ({site.base}/wire/embassy)\n"
                             "1 feed checked (0 not modified); 1 new article to write (dry run), 0 skipped, 0 failed\n")
    assert not (tmp_path / "news").exists()


def test_an_opml_file_that_declares_entities_is_refused(tmp_path: Path) -> None:
    (tmp_path / "feeds.opml").write_text('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x "y">]><opml><body/></opml>',
                                         encoding="utf-8")
    desk = config(tmp_path, [], 'opml = "feeds.opml"\n')
    result = run("fetch", "--corpus", str(tmp_path / "news"), "--config", str(desk))
    assert result.exit_code == 3
    assert "refused as a possible entity-expansion bomb" in result.stderr


def test_two_fetches_at_once_write_each_article_once(site: NewsServer, tmp_path: Path) -> None:
    site.page_delay = 0.2  # article pages are slow, so that the two runs overlap
    corpus = tmp_path / "news"
    desk = config(tmp_path, [f"{site.base}/rss.xml", f"{site.base}/atom.xml"])
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "briefgen", "fetch", "--corpus", str(corpus), "--config", str(desk)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [r.communicate(timeout=300) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    files = sorted(corpus.rglob("*.md"))
    urls = [next(line for line in f.read_text(encoding="utf-8").splitlines() if line.startswith("url: ")) for f in files]
    assert len(files) == 4 and len(set(urls)) == 4
    written = [line for out, _ in outputs for line in out.splitlines()[:-1]]
    assert sorted(written) == sorted(str(f) for f in files)  # each file reported by the one run that wrote it


def test_fetch_then_daily_cites_the_fetched_articles(site: NewsServer, tmp_path: Path) -> None:
    corpus, out = tmp_path / "news", tmp_path / "briefings"
    desk = config(tmp_path, [f"{site.base}/rss.xml", f"{site.base}/atom.xml"])
    assert run("fetch", "--corpus", str(corpus), "--config", str(desk), "--quiet").exit_code == 0
    result = run("daily", "--corpus", str(corpus), "--out", str(out), "--date", "2026-11-29", "--days", "3",
                 "--format", "md,json", "--config", str(desk))
    assert result.exit_code == 0, result.stderr
    record = json.loads((out / "2026-11-29" / "briefing.json").read_text(encoding="utf-8"))
    fetched = {f"{site.base}/articles/{s}.html" for s in ("rail-deal", "checkpoint-attack", "dry-port")} | {f"{site.base}/wire/embassy"}
    cited = {source["url"] for source in record["sources"]}
    assert cited and cited <= fetched
    assert {f"{site.base}/articles/rail-deal.html", f"{site.base}/articles/checkpoint-attack.html"} <= cited
    titled = {source["url"]: (source["title"], source["source"]) for source in record["sources"]}
    assert titled[f"{site.base}/articles/checkpoint-attack.html"] == ("Militants attack a border checkpoint", "Steppe Ledger")
    markdown = (out / "2026-11-29" / "briefing.md").read_text(encoding="utf-8")
    assert f"{site.base}/articles/rail-deal.html" in markdown
    sections = {s["topic"]: s["items"] + [k for k in record["key_points"] if k["section"] == s["topic"]]
                for s in record["sections"]}
    assert sections["trade"] and sections["security"]


@pytest.mark.parametrize("damage", ["not a database", "another layout", "truncated"])
def test_a_damaged_state_is_set_aside_and_the_fetch_starts_afresh(site: NewsServer, tmp_path: Path, damage: str) -> None:
    corpus = tmp_path / "news"
    desk = config(tmp_path, [f"{site.base}/rss.xml", f"{site.base}/atom.xml"])
    state = corpus / ".briefgen-fetch.sqlite"
    if damage == "not a database":
        corpus.mkdir()
        state.write_text("my notes, not a database\n", encoding="utf-8")
    else:
        assert run("fetch", "--corpus", str(corpus), "--config", str(desk), "--quiet").exit_code == 0
        if damage == "another layout":
            import sqlite3
            with sqlite3.connect(state) as db:
                db.execute("DROP TABLE articles")
                db.execute("CREATE TABLE articles (link TEXT)")
        else:
            state.write_bytes(state.read_bytes()[:2048])
    before = sorted(corpus.rglob("*.md"))
    for dry_run in (("--dry-run",), ()):
        result = run("fetch", "--corpus", str(corpus), "--config", str(desk), *dry_run)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith(f"warning: the fetch state {state} ")
    assert "set aside as .briefgen-fetch.sqlite.damaged-" in result.stderr
    assert len([p for p in corpus.glob(".briefgen-fetch.sqlite.damaged-*") if not p.name.endswith("-wal")]) == 1
    assert sorted(corpus.rglob("*.md")) == before or not before  # articles already there are not written again
    assert len(list(corpus.rglob("*.md"))) == 4
    again = run("fetch", "--corpus", str(corpus), "--config", str(desk))
    assert again.exit_code == 0 and again.stderr == ""  # the new state is sound
