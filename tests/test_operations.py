"""Running every morning unattended: the archive, atomic writes, the lock, history, e-mail."""

from __future__ import annotations

import email
import email.policy
import fcntl
import io
import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import Result
from pypdf import PdfReader

import briefgen.files
import briefgen.output.archive
import briefgen.output.render
from briefgen.errors import RenderError
from tests.conftest import md_file
from tests.conftest import run_cli as run

DAY1 = (
    "Uzbekistan and Pakistan agreed on Monday to cut transit tariffs on freight crossing the northern railway corridor. "
    "Traders said exports of cotton and dried fruit could double within a year. "
    "Customs officers will share cargo manifests electronically from January."
)
DAY1_SECURITY = (
    "Border guards said militants attacked a checkpoint near the frontier overnight, leaving four soldiers wounded. "
    "Officials blamed an insurgent group for the bombing and promised a wider counter-terrorism operation."
)
DAY2_WIRE_REPEAT = (
    "Uzbekistan and Pakistan agreed on Monday to cut transit tariffs on freight crossing the northern railway corridor. "
    "The first discounted freight trains are due to leave Termez next month, railway officials said."
)
DAY2_NEW = (
    "Kazakhstan signed a contract on Tuesday to build a new dry port for transit cargo near the Afghan border. "
    "The customs terminal will handle grain exports and fuel imports, the trade ministry said."
)
DAY2_UPDATE = (
    "Militants attacked a second checkpoint near the frontier on Tuesday, killing two soldiers, border guards said. "
    "Security forces launched a counter-terrorism raid in the district after the bombing."
)

pytestmark = pytest.mark.e2e  # every test here goes through the command line


@pytest.fixture
def two_days(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    md_file(corpus, "d1-tariffs.md", DAY1, title="Tariffs cut", date="2026-11-23", source="Steppe Ledger")
    md_file(corpus, "d1-checkpoint.md", DAY1_SECURITY, title="Checkpoint attacked", date="2026-11-23", source="Khyber Wire")
    md_file(corpus, "d2-wire.md", DAY2_WIRE_REPEAT, title="Tariffs cut (wire)", date="2026-11-24", source="Caspian Herald")
    md_file(corpus, "d2-dryport.md", DAY2_NEW, title="Dry port contract", date="2026-11-24", source="Steppe Ledger")
    md_file(corpus, "d2-update.md", DAY2_UPDATE, title="Second checkpoint attacked", date="2026-11-24", source="Khyber Wire")
    return corpus


def daily(corpus: Path, out: Path, date: str, *extra: str) -> Result:
    return run("daily", "--corpus", str(corpus), "--out", str(out), "--date", date, "--days", "2", "--format", "md,json", *extra)


def items(path: Path) -> list[dict]:
    record = json.loads(path.read_text())
    return [*record["key_points"], *(i for s in record["sections"] for i in s["items"])]


def test_two_day_run_builds_an_archive_latest_and_index(two_days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-23").exit_code == 0
    assert daily(two_days, out, "2026-11-24").exit_code == 0
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "2026-11-23", "2026-11-24", "feed.xml", "index.html", "index.md", "latest"]
    assert (out / "latest").resolve() == (out / "2026-11-24").resolve()
    assert (out / "latest" / "briefing.md").read_text().startswith("# Daily Briefing")
    index = (out / "index.md").read_text().splitlines()
    record = json.loads((out / "2026-11-24" / "briefing.json").read_text())
    led = [k["section"] for k in record["key_points"]]  # bullets per topic, key points naming it included
    counts = ", ".join(f"{s['title']} {len(s['items']) + led.count(s['topic'])}" for s in record["sections"])
    assert index[2] == (f"- **2026-11-24** — 5 articles from 3 sources, 23–24 Nov 2026; {counts} "
                        "([Markdown](2026-11-24/briefing.md) · [JSON](2026-11-24/briefing.json))")
    assert index[3].startswith("- **2026-11-23** — 2 articles from 2 sources, 22–23 Nov 2026")
    assert '<a href="2026-11-24/briefing.md">Markdown</a>' in (out / "index.html").read_text()
    # re-running an older date keeps `latest` on the newest
    assert daily(two_days, out, "2026-11-23").exit_code == 0
    assert (out / "latest").resolve() == (out / "2026-11-24").resolve()


def test_day_two_repeats_nothing_from_day_one_yet_reports_what_is_new(two_days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    daily(two_days, out, "2026-11-23")
    daily(two_days, out, "2026-11-24")
    day1 = {i["text"] for i in items(out / "2026-11-23" / "briefing.json")}
    day2 = items(out / "2026-11-24" / "briefing.json")
    assert "Uzbekistan and Pakistan agreed on Monday to cut transit tariffs on freight crossing the northern railway corridor." in day1
    assert not day1 & {i["text"] for i in day2}
    texts = " ".join(i["text"] for i in day2)
    assert "dry port" in texts  # the new story is there
    developing = [i for i in day2 if i["developing"]]
    assert any("second checkpoint" in i["text"] for i in developing)  # an update of yesterday's story
    assert all(i["reported"] == "2026-11-23" for i in developing)
    assert "**Developing (reported 23 Nov):** " in (out / "2026-11-24" / "briefing.md").read_text()
    # without history, yesterday's lead comes back
    again = tmp_path / "again"
    daily(two_days, again, "2026-11-23")
    daily(two_days, again, "2026-11-24", "--no-history")
    assert day1 & {i["text"] for i in items(again / "2026-11-24" / "briefing.json")}


def test_rerun_of_the_same_date_is_byte_identical(two_days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    daily(two_days, out, "2026-11-23")
    assert daily(two_days, out, "2026-11-24", "--format", "md,json,pdf").exit_code == 0
    first = {name: (out / "2026-11-24" / name).read_bytes() for name in ("briefing.md", "briefing.json", "briefing.pdf")}
    assert daily(two_days, out, "2026-11-24", "--format", "md,json,pdf").exit_code == 0
    for name in ("briefing.md", "briefing.json"):
        assert (out / "2026-11-24" / name).read_bytes() == first[name], name
    def pdf_text(data: bytes) -> str:
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert pdf_text((out / "2026-11-24" / "briefing.pdf").read_bytes()) == pdf_text(first["briefing.pdf"])


def test_a_failed_render_leaves_the_previous_briefing_intact(two_days: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-24", "--format", "md,pdf").exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "2026-11-24").iterdir()}

    def broken(*args, **kwargs):
        raise RenderError("cannot make the PDF: simulated failure")
    monkeypatch.setattr(briefgen.output.render, "to_pdf", broken)
    result = daily(two_days, out, "2026-11-24", "--format", "md,pdf", "--no-history")
    assert result.exit_code == 6
    assert result.stderr == "Error: cannot make the PDF: simulated failure\n"
    assert {p.name: p.read_bytes() for p in (out / "2026-11-24").iterdir()} == before
    assert (out / "latest").resolve() == (out / "2026-11-24").resolve()


def test_a_crash_while_writing_leaves_no_half_written_file(two_days: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-24").exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "2026-11-24").iterdir()}
    calls = {"n": 0}
    real_fsync = briefgen.output.archive.os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)
    monkeypatch.setattr(briefgen.output.archive.os, "fsync", failing_fsync)
    result = daily(two_days, out, "2026-11-24", "--no-history")
    assert result.exit_code == 10
    assert result.stderr.startswith(f"Error: cannot write {out / '2026-11-24' / 'briefing.json'}: No space left on device\n")
    assert {p.name: p.read_bytes() for p in (out / "2026-11-24").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == [".briefgen", ".briefgen.lock", "2026-11-24", "feed.xml", "index.html", "index.md", "latest"]  # no temp file left either


def test_a_second_run_waits_for_the_lock_then_gives_up_with_its_own_code(two_days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    config = tmp_path / "ops.toml"
    config.write_text("[output]\nlock_timeout = 0.3\n")
    with open(out / ".briefgen.lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        result = daily(two_days, out, "2026-11-24", "--config", str(config))
    assert result.exit_code == 8
    assert result.stderr == (f"Error: another briefgen run holds {out / '.briefgen.lock'} (waited 0.3 s)\n"
                             "Hint: let it finish, or raise output.lock_timeout\n")
    assert not (out / "2026-11-24").exists()
    assert daily(two_days, out, "2026-11-24", "--config", str(config)).exit_code == 0  # free again


def test_quiet_and_log_file(two_days: Path, tmp_path: Path) -> None:
    log_file = tmp_path / "briefgen.log"
    result = daily(two_days, tmp_path / "out", "2026-11-24", "--quiet", "--log-file", str(log_file))
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    lines = log_file.read_text().splitlines()
    assert any("INFO briefgen.daily: wrote " in line for line in lines)
    assert all(line[:4].isdigit() and line[4] == "-" for line in lines)  # timestamped
    result = daily(two_days, tmp_path / "out", "2027-01-01", "--quiet", "--log-file", str(log_file))
    assert result.exit_code == 5
    assert "ERROR briefgen: no article in" in log_file.read_text()


# --- e-mail, against a real SMTP server on localhost ---------------------------------------


class Recorder:
    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.attempts = 0
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.attempts += 1
        if self.refuse:
            return "554 5.7.1 Message rejected by policy"
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp():
    servers = []

    def start(refuse: bool = False) -> tuple[Recorder, int]:
        handler, port = Recorder(refuse), free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        return handler, port
    yield start
    for controller in servers:
        controller.stop()


def delivery_config(tmp_path: Path, port: int, retries: int = 0) -> Path:
    config = tmp_path / "desk.toml"
    config.write_text(
        "[briefing]\ntitle = 'Morning Desk'\n"
        f"[delivery]\nhost = '127.0.0.1'\nport = {port}\nsecurity = 'none'\nsender = 'Briefings <briefings@example.org>'\n"
        "recipients = ['desk@example.org', 'editor@example.org']\nsubject = '{title} for {date}'\n"
        f"retries = {retries}\nretry_delay = 0.01\ntimeout = 5.0\n")
    return config


def test_daily_send_mails_the_pdf_with_the_key_points(two_days: Path, tmp_path: Path, smtp) -> None:
    recorder, port = smtp()
    out = tmp_path / "out"
    result = daily(two_days, out, "2026-11-24", "--send", "--config", str(delivery_config(tmp_path, port)))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "sent 2026-11-24 to desk@example.org, editor@example.org"
    [(recipients, raw)] = recorder.messages
    assert recipients == ["desk@example.org", "editor@example.org"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Morning Desk for 2026-11-24"
    assert message["From"] == "Briefings <briefings@example.org>"
    record = json.loads((out / "2026-11-24" / "briefing.json").read_text())
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for point in record["key_points"]:
        assert point["text"] in plain
    assert "<li " in html and ">Key points</h2>" in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "briefing-2026-11-24.pdf"
    pdf = attachment.get_content()
    assert pdf == (out / "2026-11-24" / "briefing.pdf").read_bytes()
    assert "Morning Desk" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_default_subject_names_the_top_story_and_the_mail_links_the_published_page(two_days: Path, tmp_path: Path,
                                                                                       smtp) -> None:
    recorder, port = smtp()
    config = delivery_config(tmp_path, port)
    text = config.read_text().replace("subject = '{title} for {date}'\n", "")
    config.write_text(text + "[output]\nsite_url = 'https://briefs.example.org/desk'\n")
    out = tmp_path / "out"
    result = daily(two_days, out, "2026-11-24", "--format", "html,pdf", "--send", "--config", str(config))
    assert result.exit_code == 0, result.output
    [(_, raw)] = recorder.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    record = json.loads((out / "2026-11-24" / "briefing.json").read_text())
    top = record["key_points"][0]["text"]
    subject = message["Subject"]
    assert subject.startswith("Morning Desk — Tue 24 Nov 2026: ") and len(subject) <= len("Morning Desk — Tue 24 Nov 2026: ") + 72
    shown = subject.split(": ", 1)[1].rstrip("…")
    assert top.startswith(shown) and len(shown) > 20
    page = "https://briefs.example.org/desk/2026-11-24/briefing.html"
    plain, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    assert f"View in your browser: {page}" in plain
    assert f'<a href="{page}" style="color:#1f5f94;">View in your browser</a>' in html
    # the preheader: hidden, first in the body, the other key points (or the coverage line)
    body = html[html.index("<body"):]
    assert body.index("display:none") < body.index("<h1")
    # the dates the page shows, in both parts, and what they mean
    page_html = (out / "2026-11-24" / "briefing.html").read_text()
    assert '<span class="when"' in page_html
    assert "· 24\u00a0Nov" in html or "· since\u00a023\u00a0Nov" in html
    assert " · 24 Nov" in plain or " · since 23 Nov" in plain
    assert "A date after a point is the day its story was first reported" in plain


def test_a_refusing_server_is_retried_then_exit_7_and_nothing_is_lost(two_days: Path, tmp_path: Path, smtp) -> None:
    recorder, port = smtp(refuse=True)
    out = tmp_path / "out"
    config = delivery_config(tmp_path, port, retries=2)
    assert daily(two_days, out, "2026-11-24", "--format", "md,pdf").exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "2026-11-24").iterdir()}
    log_file = tmp_path / "send.log"
    result = run("send", "--out", str(out), "--config", str(config), "--log-file", str(log_file))
    assert result.exit_code == 7
    assert recorder.attempts == 3
    assert result.stderr.splitlines()[-2] == (
        f"Error: could not send the briefing to 127.0.0.1:{port} after 3 attempts: "
        "server answered 554 5.7.1 Message rejected by policy")
    assert result.stderr.count("warning: send attempt") == 2
    assert "server answered 554 5.7.1 Message rejected by policy" in log_file.read_text()
    assert {p.name: p.read_bytes() for p in (out / "2026-11-24").iterdir()} == before


def test_send_dry_run_writes_an_eml(two_days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = delivery_config(tmp_path, free_port())
    assert daily(two_days, out, "2026-11-24", "--format", "pdf").exit_code == 0
    result = run("send", "--out", str(out), "--date", "2026-11-24", "--dry-run", "--config", str(config))
    assert result.exit_code == 0, result.output
    eml = out / ".briefgen" / "mail" / "2026-11-24.eml"  # never in the date's folder, which is published
    assert result.stdout == f"{eml}\n"
    assert sorted(p.name for p in (out / "2026-11-24").iterdir()) == ["briefing.json", "briefing.pdf"]
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "desk@example.org, editor@example.org"
    assert [a.get_filename() for a in message.iter_attachments()] == ["briefing-2026-11-24.pdf"]


def test_send_without_recipients_or_briefing_says_how_to_fix_it(two_days: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("send", "--out", str(tmp_path / "empty"))
    assert result.exit_code == 4
    assert result.stderr.startswith(f"Error: no briefing at all in {tmp_path / 'empty'}\n")
    out = tmp_path / "out"
    daily(two_days, out, "2026-11-24", "--format", "pdf")
    result = run("send", "--out", str(out))
    assert result.exit_code == 3
    assert result.stderr == ('Error: no recipients to send to\n'
                             'Hint: set recipients = ["..."] under [delivery] in the config file\n')


def test_publish_copies_only_what_readers_may_see(two_days: Path, tmp_path: Path) -> None:
    out, site = tmp_path / "out", tmp_path / "www"
    config = delivery_config(tmp_path, free_port())
    assert daily(two_days, out, "2026-11-23", "--format", "html,pdf,md").exit_code == 0
    assert daily(two_days, out, "2026-11-24", "--format", "html,pdf,md").exit_code == 0
    assert run("send", "--out", str(out), "--dry-run", "--config", str(config)).exit_code == 0
    (out / "2026-11-24" / "briefing.eml").write_text("To: desk@example.org\n\nan old dry run\n")  # left by an older briefgen
    result = run("publish", "--out", str(out), str(site))
    assert result.exit_code == 0, result.output
    published = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    assert published == ["2026-11-23", *(f"2026-11-23/briefing.{f}" for f in ("html", "json", "md", "pdf")),
                         "2026-11-24", *(f"2026-11-24/briefing.{f}" for f in ("html", "json", "md", "pdf")),
                         "feed.xml", "index.html", "index.md", "latest"]
    assert (site / "latest").is_symlink() and (site / "latest" / "briefing.html").is_file()
    for name in ("index.html", "feed.xml", "2026-11-24/briefing.html", "2026-11-24/briefing.pdf"):
        assert (site / name).read_bytes() == (out / name).read_bytes()
    record = (site / "2026-11-24" / "briefing.json").read_text()
    assert str(two_days) not in record and '"path"' not in record  # no local path of any article
    kept = json.loads(record)
    assert kept["key_points"] == json.loads((out / "2026-11-24" / "briefing.json").read_text())["key_points"]
    assert all("articles" not in story for story in kept["stories"])
    assert result.stdout.splitlines()[-1] == f"{len(published) - 2} files written to {site} (the others were up to date)"
    again = run("publish", "--out", str(out), str(site))
    assert again.stdout == f"0 files written to {site} (the others were up to date)\n"
    inside = run("publish", "--out", str(out), str(out / ".briefgen" / "www"))
    assert inside.exit_code == 10 and "that is the archive or its private files" in inside.stderr


# --- a full disk after the date's folder is swapped in: the whole archive as it was ------------


def site(out: Path) -> dict[str, bytes | str]:
    """Everything a reader of ``out`` sees: every file (bytes) and where ``latest`` points."""
    seen: dict[str, bytes | str] = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*")
                                    if p.is_file() and not p.is_symlink() and ".briefgen" not in p.parts}
    seen["latest ->"] = str((out / "latest").readlink())
    return seen


@pytest.fixture
def full_disk_at_index_html(monkeypatch):
    """From now on, writing index.html fails for want of space (as a full disk does)."""
    real = briefgen.files.write_new

    def write_new(path: Path, data: bytes) -> None:
        if path.name.startswith(".index.html."):
            raise OSError(28, "No space left on device")
        real(path, data)

    def start() -> None:
        monkeypatch.setattr(briefgen.files, "write_new", write_new)
    return start


@pytest.mark.parametrize("rerun", [False, True], ids=["new-date", "same-date"])
def test_a_full_disk_after_the_swap_leaves_the_whole_archive_as_it_was(two_days: Path, tmp_path: Path,
                                                                          full_disk_at_index_html, rerun: bool) -> None:
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-23", "--format", "md,html,json").exit_code == 0
    if rerun:
        assert daily(two_days, out, "2026-11-24", "--format", "md,html,json").exit_code == 0
    before = site(out)
    full_disk_at_index_html()
    result = daily(two_days, out, "2026-11-24", "--format", "md,html,json", "--no-history")
    assert result.exit_code == 10
    assert result.stderr.startswith(f"Error: cannot write {out / 'index.html'}: No space left on device\n")
    assert site(out) == before  # latest, the index, the feed, the navigation and the date's files
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".briefgen", ".briefgen.lock"]


def test_daily_send_that_fails_after_the_swap_says_nothing_was_mailed(two_days: Path, tmp_path: Path, smtp,
                                                                    full_disk_at_index_html) -> None:
    recorder, port = smtp()
    out = tmp_path / "out"
    full_disk_at_index_html()
    result = daily(two_days, out, "2026-11-24", "--send", "--config", str(delivery_config(tmp_path, port)))
    assert result.exit_code == 10
    assert result.stderr.rstrip().endswith("nothing was e-mailed")
    assert recorder.attempts == 0
    assert not (out / "2026-11-24").exists()


@pytest.mark.parametrize(("key", "value", "message"), [
    ("recipients", "[]", "Error: no recipients to send to"),
    ("subject", "'{title.__class__.__mro__}'", "Error: delivery.subject '{title.__class__.__mro__}' names "
                                               "{title.__class__.__mro__}, which is not one of {title}, {date}, {day}, {coverage}, {top}"),
    ("subject", "'{date:>999999999}'", "names {date:>999999999}, which is not one of"),
    ("subject", "'{title!r}'", "names {title!r}, which is not one of"),
    ("subject", "'unclosed {'", "is not a subject template"),
])
def test_daily_send_checks_the_delivery_settings_before_the_run(two_days: Path, tmp_path: Path, key: str, value: str,
                                                                message: str) -> None:
    settings = {"sender": "'b@example.org'", "recipients": "['desk@example.org']", key: value}
    config = tmp_path / "desk.toml"
    config.write_text("[delivery]\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
    out = tmp_path / "out"
    result = daily(two_days, out, "2026-11-24", "--send", "--config", str(config))
    assert result.exit_code == 3, result.stderr
    assert message in result.stderr
    assert not out.exists()  # refused before the run: nothing built, nothing archived
