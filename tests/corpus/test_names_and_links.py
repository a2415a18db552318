"""File names and links in the corpus: a name that is not UTF-8 is one warning and the others are
briefed; a link leaving the corpus is refused (also when swapped in after the check); markup in
a file name never reaches a briefing; published outputs never show a local path. Every file
and text here is made up."""

from __future__ import annotations

import io
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from briefgen.cli import cli
from briefgen.files import Unreadable, inside, open_below, printable, read_regular
from briefgen.load import load_corpus
from tests.conftest import SECURITY_TEXT, TRADE_TEXT, md_file

SECRET = "Zebrafinch quartermaster ledger reports a customs tariff on every private shipment."


def daily(folder: Path, out: Path, fmt: str, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["daily", "--corpus", str(folder), "--out", str(out), "--date", "2026-11-24",
                                    "--format", fmt, *extra])


def output_text(out: Path, fmt: str) -> str:
    data = (out / "2026-11-24" / f"briefing.{fmt}").read_bytes()
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8")


# --------------------------------------------------------------------------- names not in UTF-8

BAD_NAME = os.fsdecode(b"2026-11-24-bad-\xffname.md")


@pytest.mark.parametrize("fmt", ["md", "html", "json", "pdf"])
@pytest.mark.e2e
def test_a_file_name_that_is_not_utf8_is_one_warning_and_the_others_are_briefed(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-24-good.md", TRADE_TEXT, source="Steppe Ledger")
    md_file(folder, BAD_NAME, SECURITY_TEXT, source="Khyber Wire")
    log = tmp_path / "run.log"
    result = daily(folder, tmp_path / "out", fmt, "--log-file", str(log))
    assert result.exit_code == 9, result.output
    printed = f"{folder}/2026-11-24-bad-\\xffname.md"
    assert result.stderr.splitlines()[0] == (f"warning: skipped {printed}: the file name is not valid UTF-8 "
                                             "(rename the file: its name must be UTF-8)")
    text = output_text(tmp_path / "out", fmt)
    assert "tariffs" in text and "militants" not in text.lower()
    assert printed in log.read_text(encoding="utf-8") and "Logging error" not in result.stderr


def test_printable_escapes_bytes_that_are_not_utf8_and_control_characters() -> None:
    assert printable(os.fsdecode(b"c/a-\xff\xfe.md")) == "c/a-\\xff\\xfe.md"
    assert printable("c/two\nlines\x1b[31m\u2028.md") == "c/two\\nlines\\x1b[31m\\u2028.md"
    assert printable("c/Kabul café.md") == "c/Kabul café.md"


# --------------------------------------------------------------------------- symbolic links

@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """An article outside the corpus folder that must never be read through a link."""
    outside = tmp_path / "private"
    return md_file(outside, "2026-11-24-secret.md", SECRET, title="Private notes", source="Private")


@pytest.mark.parametrize("fmt", ["md", "html", "json", "pdf"])
@pytest.mark.e2e
def test_a_link_to_a_file_outside_the_corpus_is_refused(tmp_path: Path, secret: Path, fmt: str) -> None:
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-24-good.md", TRADE_TEXT, source="Steppe Ledger")
    (folder / "2026-11-24-x.md").symlink_to(secret)
    (folder / "2026-11-24-relative.md").symlink_to(Path("..", "private", secret.name))
    result = daily(folder, tmp_path / "out", fmt)
    assert result.exit_code == 9, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: skipped")]
    assert sorted(warnings) == [
        f"warning: skipped {folder}/{name}: a symbolic link to a file outside the corpus folder: not followed "
        "(copy the file into the corpus folder if it is meant to be briefed)"
        for name in ("2026-11-24-relative.md", "2026-11-24-x.md")]
    assert "Zebrafinch" not in output_text(tmp_path / "out", fmt)


@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="needs /etc/passwd")
def test_a_link_to_a_system_file_is_never_read(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-24-good.md", TRADE_TEXT)
    (folder / "2026-11-24-p.txt").symlink_to("/etc/passwd")
    result = load_corpus(folder)
    assert [a.id for a in result.articles] == ["2026-11-24-good"]
    [problem] = result.problems
    assert problem.reason == "a symbolic link to a file outside the corpus folder: not followed"


def test_a_link_that_stays_inside_the_corpus_is_followed(tmp_path: Path, secret: Path) -> None:
    folder = tmp_path / "corpus"
    md_file(folder / "archive", "2026-11-24-envoy.md", SECURITY_TEXT, source="Khyber Wire")
    (folder / "today").mkdir()
    (folder / "today" / "2026-11-24-envoy.md").symlink_to(Path("..", "archive", "2026-11-24-envoy.md"))
    result = load_corpus(folder)
    assert result.problems == []
    assert [a.id for a in result.articles] == ["archive/2026-11-24-envoy"] and result.duplicates == 1


def test_a_corpus_reached_through_a_link_still_reads_its_own_files(tmp_path: Path) -> None:
    md_file(tmp_path / "real", "2026-11-24-good.md", TRADE_TEXT)
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    result = load_corpus(tmp_path / "alias")
    assert result.problems == [] and len(result.articles) == 1


def test_a_file_swapped_for_a_link_after_the_check_is_not_followed(tmp_path: Path, secret: Path) -> None:
    folder = tmp_path / "corpus"
    article = md_file(folder, "2026-11-24-a.md", TRADE_TEXT)
    parts = inside(article, folder)  # checked: a plain file inside the corpus
    article.unlink()
    article.symlink_to(secret)  # ...then swapped for a link leading out
    with pytest.raises(Unreadable, match="became a symbolic link"):
        open_below(folder, parts)


def test_a_folder_swapped_for_a_link_after_the_check_is_not_followed(tmp_path: Path, secret: Path) -> None:
    folder = tmp_path / "corpus"
    article = md_file(folder / "sub", secret.name, TRADE_TEXT)
    parts = inside(article, folder)
    (folder / "sub").rename(tmp_path / "elsewhere")
    (folder / "sub").symlink_to(secret.parent, target_is_directory=True)
    with pytest.raises(Unreadable, match="became a symbolic link"):
        open_below(folder, parts)


def test_read_regular_reads_no_more_than_the_file_whatever_the_limit(tmp_path: Path) -> None:
    small = tmp_path / "small.txt"
    small.write_bytes(b"A short note.")
    assert read_regular(small, 10**15) == b"A short note."  # no buffer of the limit's size


# --------------------------------------------------------------------------- names in published outputs

HOSTILE_NAMES = [
    '2026-11-24-<img src=x onerror=alert(1)>.md',
    "2026-11-24-# heading.md",
    "2026-11-24-two\n\n<script>alert(1)<\\script>\n\nlines.md",
    "2026-11-24-carriage\r===\r- item\u2028# also.md",
]


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def corpus_without_links(tmp_path: Path) -> Path:
    """Articles with neither outlet nor link, their titles taken from hostile file names."""
    folder = tmp_path / "private-desk-folder"
    texts = [TRADE_TEXT, SECURITY_TEXT, TRADE_TEXT.replace("Uzbekistan", "Kazakhstan").replace("cotton", "wheat"),
             SECURITY_TEXT.replace("opium", "heroin").replace("four", "six")]
    folder.mkdir()
    for name, text in zip(HOSTILE_NAMES, texts, strict=True):
        (folder / name).write_text(text + "\n", encoding="utf-8")  # no front matter: title from the name
    return folder


@pytest.mark.e2e
def test_markup_in_a_file_name_never_reaches_the_markdown_or_html(tmp_path: Path) -> None:
    folder = corpus_without_links(tmp_path)
    result = daily(folder, tmp_path / "out", "md,html")
    assert result.exit_code == 0, result.output
    md = output_text(tmp_path / "out", "md")
    sources = md.split("## Sources\n\n", 1)[1].splitlines()
    assert all(line.split(". ", 1)[0].isdigit() for line in sources)  # one line per source, nothing injected
    assert "<img" not in md and "<script" not in md and "\n# " not in md.split("\n", 1)[1]
    page = output_text(tmp_path / "out", "html").split("<body>", 1)[1]
    collector = TagCollector()
    collector.feed(page)
    assert collector.tags.count("h1") == 1 and not {"img", "script", "hr"} & set(collector.tags)


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
@pytest.mark.e2e
def test_published_outputs_never_show_a_local_path(tmp_path: Path, fmt: str) -> None:
    folder = corpus_without_links(tmp_path)
    assert daily(folder, tmp_path / "out", f"{fmt},json").exit_code == 0
    text = output_text(tmp_path / "out", fmt)
    assert "private-desk-folder" not in text and ".md" not in text and str(tmp_path) not in text
    assert "24 Nov 2026" in text  # cited by title and date
    record = json.loads(output_text(tmp_path / "out", "json"))
    assert {Path(s["path"]).name for s in record["sources"]} <= set(HOSTILE_NAMES)
    assert all(s["path"].startswith(str(folder)) for s in record["sources"])
