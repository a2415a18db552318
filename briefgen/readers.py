"""Readers of the load stage: the bytes of one file → the articles it holds, as drafts.

One reader per format, each ``reader(raw, origin) -> Reading``:

- ``.txt``: plain text, the first line the title when it looks like one (short, without a full
  stop at its end) and is a paragraph of its own;
- ``.md``/``.markdown``: optional YAML front matter, then Markdown as static-site generators
  write it (inline HTML, kramdown attribute lists, Liquid tags, images, links) turned into
  plain text;
- ``.html``/``.htm``: the main text, title, date and canonical link found by trafilatura
  (boilerplate dropped, nothing fetched);
- ``.xml``/``.rss``/``.atom``: an RSS or Atom feed read by feedparser, one article per entry,
  after defusedxml has checked that the XML declares no entities (no expansion bombs);
- ``.jsonl``: one JSON object per line with ``title``, ``text``, ``date``, ``source``, ``url``.

A reader only finds text and metadata; :mod:`briefgen.load` checks and normalises them into
:class:`~briefgen.models.Article` objects. A reader raises :class:`ArticleError` when the whole
file is unusable, and records a problem per entry when only part of it is.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import html
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefgen.errors import ArticleError
from briefgen.text.layout import BY_ALONE as _BY_ALONE
from briefgen.text.layout import paragraphs

if TYPE_CHECKING:  # PyYAML is imported where front matter is read: a corpus without any never loads it
    import yaml

Meta = dict[str, object]


@dataclass
class Draft:
    """One article as a reader found it: metadata (``title``, ``date``, ``source``, ``url``)
    and body text, before the loader checks and normalises them."""

    meta: Meta
    body: str
    entry: int | None = None  #: its number in a file of several articles (feed entry, JSON line)
    where: str = ""  #: where in the file ("entry 3", "line 4"); empty for a whole file
    summary_only: bool = False  #: a feed entry that carries only a summary, not its full content


@dataclass
class Reading:
    """What a reader found in one file."""

    drafts: list[Draft] = field(default_factory=list)
    problems: list[ArticleError] = field(default_factory=list)  #: entries left out
    warnings: list[str] = field(default_factory=list)  #: non-fatal: "path: message"
    several: bool = False  #: a format of several articles a file (ids get ``#n``)


# --------------------------------------------------------------------------- encodings

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", re.I)
_WESTERN = "cp1252"


@dataclass(frozen=True)
class Decoded:
    text: str
    guessed: str | None = None  #: the encoding when it was guessed, not known


def decode_bytes(raw: bytes, origin: str, declared: bool = False) -> Decoded:
    """Bytes → text. A byte-order mark or valid UTF-8 is certain; with ``declared`` an HTML
    ``<meta charset>`` or XML declaration is trusted next; anything else is a guess by
    charset-normalizer (Windows-1252 preferred among equally good Western guesses)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(raw.decode(encoding))
            except UnicodeDecodeError:
                raise ArticleError(origin, f"starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()}",
                                   "save it again as UTF-8") from None
    if b"\x00" in raw[:4096]:
        raise ArticleError(origin, "binary file, not text", "remove it from the corpus folder", kind="binary")
    try:
        return Decoded(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if declared:
        text = _decode_declared(raw)
        if text is not None:
            return Decoded(text)
    return _guess(raw, origin)


def _decode_declared(raw: bytes) -> str | None:
    match = _DECLARED.search(raw[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        codec = codecs.lookup("cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii") else name).name
    except LookupError:
        return None
    if codec.startswith("utf"):  # a UTF declaration on bytes that are not UTF: do not believe it
        return None
    try:
        return raw.decode(codec)
    except (UnicodeDecodeError, LookupError):  # LookupError: a codec that is no text encoding (rot13)
        return None


def _guess(raw: bytes, origin: str) -> Decoded:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw[:200_000]))
    if not matches:
        raise ArticleError(origin, "binary file, not text", "remove it from the corpus folder", kind="binary")
    best = matches[0]
    # Texts with few non-ASCII bytes leave charset-normalizer unsure (French read as Baltic, a
    # lone "£" as Japanese): among the guesses about as good as the best, Western wins.
    tied = [m for m in matches if m.chaos <= best.chaos + 0.1 and m.coherence >= best.coherence - 0.1]
    western = any(m.encoding == _WESTERN or _WESTERN in m.could_be_from_charset for m in tied)
    for encoding in ((_WESTERN, "latin_1") if western else (best.encoding,)):
        try:
            return Decoded(raw.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    return Decoded(raw.decode(best.encoding, errors="replace"), best.encoding)


def encoding_warning(origin: str, encoding: str) -> str:
    return f"{origin}: not UTF-8, read as {encoding} (a guess: save it as UTF-8 to be sure)"


def _text(raw: bytes, origin: str, reading: Reading, declared: bool = False) -> str:
    decoded = decode_bytes(raw, origin, declared)
    if decoded.guessed:
        reading.warnings.append(encoding_warning(origin, decoded.guessed))
    return clean_text(decoded.text)


# Control characters, lone surrogates and non-characters never reach an article (nor lxml).
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_LINE_SEPARATORS = re.compile("[\u2028\u2029\x85\x0b\x0c]")


def clean_text(text: str) -> str:
    """``text`` without control characters, lone surrogates or byte-order marks; Unicode line
    and paragraph separators become line breaks, tabs spaces."""
    return _UNPRINTABLE.sub("", _LINE_SEPARATORS.sub("\n", text.replace("\t", " ")))


# --------------------------------------------------------------------------- plain text

#: A first line longer than this (words) is the opening sentence, not a title.
TITLE_WORDS = 16
_TITLE_END = re.compile(r"(?<!\.)[.!][\"'”’»)\]]*\Z")  # a full stop or "!", not an ellipsis


def read_txt(raw: bytes, origin: str) -> Reading:
    """Plain text; the first line is the title when it looks like one (:func:`txt_title`)."""
    reading = Reading()
    text = _text(raw, origin, reading)
    title, body = txt_title(text)
    reading.drafts.append(Draft({"title": title} if title else {}, body))
    return reading


def txt_title(text: str) -> tuple[str, str]:
    """``(title, body)`` of a plain-text article. The first line is the title when it is a
    paragraph of its own — a blank line follows it, or the text has one paragraph per line
    (:mod:`briefgen.text.layout`) — and looks like a headline: at most :data:`TITLE_WORDS` words,
    not ending with a full stop or "!" (a question or a trailing ellipsis may end a headline).
    Otherwise the title is empty and the first line is body text."""
    first, sep, rest = text.strip().partition("\n")
    line = first.strip()
    if not (sep and rest.strip() and len(line) < 200 and len(line.split()) <= TITLE_WORDS
            and not _TITLE_END.search(line) and not _BY_ALONE.fullmatch(line)):
        return "", text
    if rest.lstrip(" \t\r").startswith("\n") or paragraphs(text)[0] == line:
        return line, rest
    return "", text


# --------------------------------------------------------------------------- Markdown

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
#: How much YAML aliases (``*name``, which repeat what ``&name`` marks) may add to front matter, in
#: characters of its values once expanded: a few hundred bytes of aliases of aliases can stand for
#: gigabytes (an alias bomb), which is refused before anything is built from it.
ALIAS_BUDGET = 100_000
#: The largest front matter read (characters between the ``---`` lines). Parsed YAML takes about
#: 150 times its size in memory (5 MB of it: 760 MB and 9 s), and real front matter is a few
#: lines; a file with more is refused before the YAML parser sees it.
MAX_FRONT_MATTER = 100_000

# Markup that must not reach a sentence, in the order it is removed.
# An element left open ends with its paragraph, so that one stray tag costs one paragraph at most.
#
# Every pattern takes time linear in the text, whatever the text: a pattern that looks ahead for
# its end (a closing tag, bracket or marker) may not look past the next opening of its own kind,
# so that the attempts that fail never scan the same characters twice ("{%" 400,000 times, or
# "[" 200,000 times then "](" 100,000 times, would otherwise each scan to the end of the text).
_PARAGRAPH_END = r"(?=\n[ \t]*\n)|\Z"
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|" + _PARAGRAPH_END + ")", re.S)
_HTML_DROP = re.compile(r"<(script|style|iframe|object|embed|noscript|template|svg|math|audio|video)\b[^<>]*>.*?(?:</\1\s*>|"
                        + _PARAGRAPH_END + ")", re.S | re.I)
_LIQUID = re.compile(r"\{%(?:[^{%]|\{(?!%)|%(?!\}))*%\}|\{\{(?:[^{}]|\{(?!\{)|\}(?!\}))*\}\}")
_KRAMDOWN_ATTRS = re.compile(r"\{:[^{}\n]*\}")
_HEADING_ATTRS = re.compile(r"(?<![ \t])[ \t]*\{[#.][^{}\n]*\}[ \t]*$", re.M)
_FENCE = re.compile(r"^[ \t]*(?:```|~~~).*$", re.M)
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.M)
_LINK_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
_MD_IMAGE = re.compile(r"!\[[^\[\]]*\](?:" + _LINK_TARGET + r"|\[[^\[\]]*\])")
_MD_LINK = re.compile(r"\[([^\[\]]*)\](?:" + _LINK_TARGET + r"|\[[^\[\]]*\])")
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\[\]]+\]:[ \t]*\S+.*$", re.M)
_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]]+\](?!:)")
_FOOTNOTE_DEF = re.compile(r"^[ \t]{0,3}\[\^[^\[\]]+\]:[ \t]*", re.M)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]*)>", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<![A-Za-z][^<>]*>")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$", re.M)  # its closing #s are cut in Python (no backtracking)
_SETEXT = re.compile(r"^[ \t]*(?:=+|-+)[ \t]*$", re.M)
_BLOCKQUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.M)
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+", re.M)
_MD_EMPHASIS = re.compile(
    r"\*\*(?=\S)((?:[^*\n]|\*(?!\*))+?)(?<=\S)\*\*"
    r"|__(?=\S)((?:[^_\n]|_(?!_))+?)(?<=\S)__"
    r"|(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"
    r"|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"
)
_STRIKE = re.compile(r"~~(?=\S)((?:[^~\n]|~(?!~))+?)(?<=\S)~~")
_BACKTICKS = re.compile(r"`+")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")
_HIDDEN = 0xF0000  # escaped ASCII punctuation waits in Supplementary Private Use Area-A meanwhile
_UNHIDE = re.compile("[\U000F0000-\U000F007F]")


def read_md(raw: bytes, origin: str) -> Reading:
    """Markdown with optional YAML front matter; any extra front matter key is accepted."""
    reading = Reading()
    text = _text(raw, origin, reading)
    meta, body = front_matter(text, origin)
    body = markdown_to_text(body)
    if not meta.get("title"):
        first, _, rest = body.strip().partition("\n\n")
        if first and "\n" not in first and len(first) < 200 and rest and not _FRONT_MATTER.match(text):
            meta["title"], body = first, rest
    reading.drafts.append(Draft(meta, body))
    return reading


def front_matter(text: str, origin: str) -> tuple[Meta, str]:
    """The YAML front matter of ``text`` (empty when there is none) and the text after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    if len(match.group(1)) > MAX_FRONT_MATTER:
        raise ArticleError(origin, f"front matter of {len(match.group(1)):,} characters, over the {MAX_FRONT_MATTER:,} "
                           "briefgen reads", "move the article's text below the closing --- line, or shorten the front matter")
    import yaml

    try:
        loaded = _load_yaml(match.group(1), origin)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise ArticleError(origin, f"malformed front matter{where}", "fix the YAML between the --- lines") from exc
    if loaded is not None and not isinstance(loaded, dict):
        raise ArticleError(origin, "malformed front matter: not a set of key: value lines", "fix the YAML between the --- lines")
    return {str(k): v for k, v in (loaded or {}).items()}, text[match.end():]


def _load_yaml(text: str, origin: str) -> Any:
    """The YAML document ``text`` as Python values; an :class:`ArticleError` when its aliases
    would expand it by more than :data:`ALIAS_BUDGET` characters, or refer to themselves. The
    document is parsed into nodes first (an alias is the node it names, not a copy), and their
    expanded size is counted before any value is built."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        written, expanded = _yaml_sizes(node)
        if expanded is None or expanded > written + ALIAS_BUDGET:
            why = "refer to themselves" if expanded is None else f"expand it by over {ALIAS_BUDGET:,} characters"
            raise ArticleError(origin, f"malformed front matter: its aliases (*name) {why}: refused as a possible alias bomb",
                               "write the values out instead of repeating them with &name and *name")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _yaml_sizes(root: yaml.Node) -> tuple[int, int | None]:
    """The size of a YAML node graph as written (each node once) and as expanded (each node as
    often as aliases repeat it); a node counts 1, a scalar also its length. The expanded size
    is ``None`` for a graph with a cycle (an alias inside what it names). No recursion: nesting
    as deep as the parser allows costs no stack."""
    import yaml

    expanded: dict[int, int] = {}
    written = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            open_.discard(key)
            expanded[key] = 1 + sum(expanded[id(child)] for child in _yaml_children(node))
            continue
        if key in expanded:
            continue
        if key in open_:
            return written, None
        if isinstance(node, yaml.ScalarNode):
            expanded[key] = 1 + len(node.value)
            written += expanded[key]
            continue
        written += 1
        open_.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _yaml_children(node))
    return written, expanded[id(root)]


def _yaml_children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def markdown_to_text(body: str) -> str:
    """Markdown (as static-site generators write it) → plain text with blank lines between
    paragraphs: images, inline HTML, attribute lists, template tags, link targets and emphasis
    markers go; link text stays."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = _ESCAPED.sub(lambda m: chr(_HIDDEN + ord(m.group(1))), body)  # escaped characters are text
    for pattern in (_HTML_COMMENT, _HTML_DROP, _LIQUID, _KRAMDOWN_ATTRS, _HEADING_ATTRS, _FENCE, _RULE):
        body = pattern.sub("", body)
    body = _MD_HEADING.sub(lambda m: "\n\n" + m.group(1).rstrip().rstrip("#").rstrip() + "\n\n", body)
    body = _SETEXT.sub("", body)
    body = _FOOTNOTE_DEF.sub("", body)
    body = _LINK_DEFINITION.sub("", body)
    body = _FOOTNOTE_REF.sub("", body)
    body = _MD_IMAGE.sub("", body)
    body = _MD_LINK.sub(r"\1", body)
    body = _AUTOLINK.sub(r"\1", body)
    body = _HTML_TAG.sub("", body)
    body = _BLOCKQUOTE.sub("", body)
    body = _LIST_MARKER.sub("", body)
    body = code_spans(body)
    body = _MD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2) or m.group(3) or m.group(4), body)
    body = _STRIKE.sub(r"\1", body)
    return html.unescape(_UNHIDE.sub(lambda m: chr(ord(m.group()) - _HIDDEN), body))


def code_spans(text: str) -> str:
    """``text`` with each code span (a run of backticks, text on the same line, then a run of as
    many backticks) replaced by its text, in one pass over the runs: each run is paired with the
    next run of the same length when that is on its line, so no run is looked for twice."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    if len(runs) < 2:
        return text
    lines, line, end = [], 0, 0
    for start, stop in runs:
        line += text.count("\n", end, start)
        lines.append(line)
        end = stop
    closer: list[int | None] = [None] * len(runs)
    after: dict[int, int] = {}  # run length → the nearest run of that length after this one
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        j = after.get(length)
        closer[i] = j if j is not None and lines[j] == lines[i] else None
        after[length] = i
    pieces, done, i = [], 0, 0
    while i < len(runs):
        j = closer[i]
        if j is None:
            i += 1
            continue
        pieces += [text[done:runs[i][0]], text[runs[i][1]:runs[j][0]]]
        done, i = runs[j][1], j + 1
    return "".join(pieces) + text[done:]


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote", "li", "ul", "ol",
    "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "tr", "figure", "figcaption", "address",
    "hr", "form", "fieldset", "details", "summary",
})
_DROP_TAGS = ("script", "style", "title", "iframe", "object", "embed", "noscript", "template", "svg", "math", "head",
              "audio", "video", "canvas", "form", "select", "button")


def html_to_text(markup: str) -> str:
    """A fragment or page of HTML → its text, a blank line between blocks. Scripts, styles,
    frames and embedded objects are dropped with their content; nothing is fetched."""
    import lxml.etree
    import lxml.html

    markup = re.sub(r"\A\s*<\?xml[^>]*\?>", "", clean_text(markup))
    if not markup.strip():
        return ""
    try:
        root = lxml.html.fromstring(f"<div>{markup}</div>")
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in list(root.iter(*_DROP_TAGS)):
        element.drop_tree()
    for element in root.iter(lxml.etree.Element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in _BLOCK_TAGS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    return str(root.text_content())


def _extraction_config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "10")  # short articles are articles too
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal-based timeout (worker processes)
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")  # a date from the page's markup, not guessed from prose
    return config


_CONFIG: list[Any] = []


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence these libraries' loggers for a while: they log parse failures of their own as
    errors, which briefgen reports once, as the file's problem."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
_LIST_ITEM = re.compile(r"^- (?=\S)")

#: Pages of up to this many HTML elements get trafilatura's whole cascade; larger ones its fast
#: extraction, without the readability and jusText fallbacks (jusText's work grows with the square
#: of a run of short paragraphs: 20,000 table cells took a minute and a half).
FULL_EXTRACTION = 5_000
#: A page of more elements than this is skipped: even the fast extraction grows faster than the
#: page (libxml2's ``//p//text()``), and no saved article comes near it.
MAX_ELEMENTS = 50_000


def read_html(raw: bytes, origin: str) -> Reading:
    """A saved web page: the main text (boilerplate dropped), title, date and canonical link,
    found by trafilatura (its fast extraction for a page of over :data:`FULL_EXTRACTION`
    elements; a page of over :data:`MAX_ELEMENTS` is an :class:`ArticleError`). Nothing is
    fetched: trafilatura only ever sees this file's text."""
    import trafilatura
    from trafilatura.utils import load_html

    reading = Reading()
    text = _text(raw, origin, reading, declared=True)
    if not _CONFIG:
        _CONFIG.append(_extraction_config())
    with _quiet("trafilatura", "htmldate", "courlan"):  # a page it cannot use is our problem to report
        tree = load_html(text)
        elements = sum(1 for _ in tree.iter()) if tree is not None else 0
        if elements > MAX_ELEMENTS:
            raise ArticleError(origin, f"a page of {elements:,} HTML elements, over the {MAX_ELEMENTS:,} briefgen reads",
                               "save the article's text alone (.txt or .md), or remove the file")
        document = trafilatura.bare_extraction(
            text if tree is None else tree, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, include_links=False, deduplicate=False, config=_CONFIG[0], fast=elements > FULL_EXTRACTION,
            date_extraction_params={"extensive_search": False, "original_date": True, "max_date": "2999-12-31"},
        )
    found: dict[str, Any] = {}
    if isinstance(document, dict):
        found = document
    elif document is not None:
        found = document.as_dict()
    lines = [_LIST_ITEM.sub("", line.strip()) for line in str(found.get("text") or "").split("\n") if line.strip()]
    title = str(found.get("title") or "").strip()
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    body = "\n\n".join(lines)
    meta: Meta = {"title": title, "date": found.get("date"), "source": found.get("sitename") or "",
                  "url": found.get("url") or ""}
    reading.drafts.append(Draft(meta, body))
    return reading


# --------------------------------------------------------------------------- feeds

_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.I)


def check_xml(raw: bytes, origin: str) -> str | None:
    """Refuse XML that declares entities or points at external resources (expansion bombs,
    external entities); return a description of the syntax error of malformed XML, else None.

    defusedxml stops at the first entity declaration, before any expansion, so a bomb costs
    nothing. Malformed XML cannot be checked that way, so it is refused when it holds any
    entity declaration at all."""
    from xml.etree.ElementTree import ParseError

    import defusedxml
    import defusedxml.ElementTree

    try:
        defusedxml.ElementTree.fromstring(raw, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden) as exc:
        raise ArticleError(origin, f"XML declares entities ({type(exc).__name__}): refused as a possible entity-expansion bomb",
                           "remove the <!DOCTYPE …> block, or the file") from None
    except ParseError as exc:
        if _ENTITY_DECLARATION.search(raw) or _ENTITY_DECLARATION.search(_utf16(raw)):
            raise ArticleError(origin, "malformed XML that declares entities: refused as a possible entity-expansion bomb",
                               "remove the <!DOCTYPE …> block, or the file") from None
        line, column = getattr(exc, "position", (0, 0))
        return f"malformed XML (line {line}, column {column + 1})"
    except ValueError as exc:  # e.g. an encoding expat does not know
        return f"unreadable XML ({exc})"
    return None


def _utf16(raw: bytes) -> bytes:
    """UTF-16 or UTF-32 text as UTF-8 bytes, so that byte patterns can be searched in it."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom) and encoding != "utf-8-sig":
            return raw.decode(encoding, errors="ignore").encode()
    return b""


def read_feed(raw: bytes, origin: str) -> Reading:
    """An RSS 2.0 or Atom feed: one draft per entry (title, link, published date, content or
    summary as text); the feed's title is the outlet unless an entry names its own source."""
    import feedparser

    reading = Reading(several=True)
    if not raw.strip():
        return reading
    syntax = check_xml(raw, origin)
    # A stream, never bytes: feedparser opens bytes that happen to name a file as that file.
    # No sanitizing by feedparser: html_to_text drops what it would (scripts, styles, frames) and
    # keeps only text, and its sanitizer looks for the end of an unclosed comment ("<!--"
    # repeated) from every "--", in time that grows with the square of the entry.
    parsed = feedparser.parse(io.BytesIO(raw), sanitize_html=False, resolve_relative_uris=False)
    entries = list(parsed.get("entries") or [])
    if not entries:
        reason = syntax or "no feed entries (not an RSS or Atom feed)"
        raise ArticleError(origin, reason, "save the feed again, or remove the file")
    if syntax:
        reading.warnings.append(f"{origin}: {syntax}; read leniently, {len(entries)} entries found (check they are all there)")
    outlet = _plain(parsed.get("feed", {}), "title")
    for number, entry in enumerate(entries, 1):
        full = any(c.get("value") for c in entry.get("content") or [])
        reading.drafts.append(Draft(_entry_meta(entry, outlet), _entry_text(entry), number, f"entry {number}", not full))
    return reading


def _entry_meta(entry: Any, outlet: str) -> Meta:
    source = entry.get("source") or {}
    raw = dict.get  # around feedparser's deprecated mapping of "updated" to "published"
    stamp = raw(entry, "published_parsed") or raw(entry, "updated_parsed")
    date: object = dt.date(*stamp[:3]) if stamp else (raw(entry, "published") or raw(entry, "updated") or None)
    return {"title": _plain(entry, "title"), "date": date, "source": _plain(source, "title") or outlet,
            "url": str(entry.get("link") or "")}


def _entry_text(entry: Any) -> str:
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    detail = contents[0] if contents else entry.get("summary_detail") or {"value": entry.get("summary") or ""}
    value = str(detail.get("value") or "")
    kind = str(detail.get("type") or "text/html")
    return html_to_text(value) if "html" in kind else value


def _plain(item: Any, key: str) -> str:
    """The text of the field ``key`` of a feed, entry or source (a title): HTML (as its detail
    declares it) turned into text, scripts and styles dropped; else any tags removed."""
    text = str(item.get(key) or "")
    if "<" not in text and "&" not in text:
        return text.strip()
    if "html" in str((item.get(f"{key}_detail") or {}).get("type") or ""):
        return " ".join(html_to_text(text).split())
    return html.unescape(_HTML_TAG.sub("", text)).strip()


# --------------------------------------------------------------------------- JSON lines

_JSONL_KEYS = ("title", "date", "source", "url")


def read_jsonl(raw: bytes, origin: str) -> Reading:
    """One JSON object a line (``title``, ``text``, ``date``, ``source``, ``url``); a bad line is
    a problem naming the line, the others load. Blank lines are skipped."""
    reading = Reading(several=True)
    text = _text(raw, origin, reading)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{origin} line {number}"
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:  # ValueError: a JSONDecodeError, or a number of over 4,300 digits
            message = getattr(exc, "msg", "too deeply nested" if isinstance(exc, RecursionError) else "a number too long")
            reading.problems.append(ArticleError(where, f"not valid JSON ({message})", "write one JSON object per line"))
            continue
        if not isinstance(record, dict):
            reading.problems.append(ArticleError(where, "not a JSON object", 'write {"title": …, "text": …} on each line'))
            continue
        body = record.get("text")
        if not isinstance(body, str):
            reading.problems.append(ArticleError(where, "no \"text\" string", 'give each line a "text": "…" field'))
            continue
        meta: Meta = {key: record.get(key) for key in _JSONL_KEYS}  # made text by the loader, past its size caps
        reading.drafts.append(Draft(meta, body, number, f"line {number}"))
    return reading


Reader = Callable[[bytes, str], Reading]

READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".md": read_md,
    ".markdown": read_md,
    ".html": read_html,
    ".htm": read_html,
    ".xml": read_feed,
    ".rss": read_feed,
    ".atom": read_feed,
    ".jsonl": read_jsonl,
}
