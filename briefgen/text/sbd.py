"""Sentence boundary detection for English news text, offline and rule-based.

Approach
--------
The text is first cut into paragraphs at blank lines (two or more newlines, possibly with
spaces between them); a blank line is always a boundary, a single newline never is by itself.
Within a paragraph, one compiled regular expression finds every *candidate* boundary: a run of
terminal punctuation (``.``, ``!``, ``?``, ``...``, ``…``, spaced ``. . .``) plus any closing
quotes or brackets, followed by whitespace or the end of the paragraph. Periods inside tokens
(``$1.2``, ``U.S.-led``, ``Jane.Doe@example.com``, ``JFK Jr.'s``) are never candidates.

Each candidate is then judged from the token before it and the word after it:

* the next word must open a sentence: a capital letter, a digit, a currency sign, possibly
  behind an opening quote or bracket (``"Will it work?" she asked.`` stays whole);
* the token before a period is looked up in ``briefgen/data/abbreviations.txt``, whose class
  decides: titles (``Dr.``, ``Gen.``, ``St. Petersburg``) never end a sentence; abbreviations
  that may end one (``U.S.``, ``Co.``, initials such as ``E.``) do so only before a common
  sentence opener listed in ``sbd_sentence_starters.txt`` (``... the U.S. How ...`` splits,
  ``the U.S. Government`` does not) and never before a number (``Nov. 24``); ``No.``/``p.``
  are abbreviations only before a number; ``e.g.``/``vs.`` never end a sentence; ``a.m.``/
  ``p.m.`` end one before a capitalised word that is not a day, month or time zone, unless the
  sentence so far is only a short time phrase (``At 5 a.m. Mr. Smith went ...``);
* ellipses: a spaced three-dot ellipsis (``. . .``) and a bracketed one (``[...]``) mark an
  omission, not an end; a four-dot one ends the sentence (after its first period when that is
  attached to the word, so the next sentence may start with ``. . .``); ``...`` and ``…``
  end a sentence before a capitalised word;
* ``?``/``!`` inside a closing quote followed by a name and a speech verb
  (``"Why?" Smith asked.``) do not split; nor does a period inside a parenthesis that closes
  soon after.

List items are found separately: bullets (``•``, ``⁃`` ..., or ``-``/``*`` at a line start)
and runs of consecutive markers (``1.`` ``2.``, ``1.)`` ``2.)``, ``a.`` ``b.``) that begin at
a line start each open a sentence, and the periods inside them are not boundaries.

The whole thing is linear in the text: a few regex scans per paragraph plus constant work per
candidate (all look-arounds are bounded windows), a few MB per second in CPython.
"""

from __future__ import annotations

import bisect
import functools
import importlib.resources
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import InputError

__all__ = ["evaluate_golden", "sentence_spans", "split_sentences"]

# --- compiled constants -------------------------------------------------------------------

#: A blank line: newline, optional horizontal whitespace, newline (and any whitespace after).
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")

_OPENERS = "\"'“‘«([{¿¡"

#: A candidate boundary: terminal punctuation, closing quotes/brackets, then whitespace or end.
_CANDIDATE = re.compile(
    r"(?=[.!?…‽])"  # a cheap first-character test lets the scan skip ordinary text quickly
    r"(?P<term>(?:\.[ ]){2,}\.|\.{2,}|…+|[!?‽]+[.!?‽]*|\.)"
    r"(?P<close>[\"'”’»)\]}]*)"
    r"(?=\s|\Z)"
)

#: The word after a candidate: opening punctuation, then the word itself.
_NEXT = re.compile(r"\s*(?P<open>[\"'“‘«(\[{¿¡]*)(?P<word>\S*)")

#: Abbreviations such as "U.S", "e.g", "J.R.R" (single letters joined by periods).
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]\Z")

#: The leading run of letters of a word ("It's" -> "It").
_LETTERS = re.compile(r"[^\W\d_]+")

#: A would-be sentence that is only a list marker ("1.", "a)", "• 9.").
_MARKER_ONLY = re.compile(r"[•⁃▪◦‣●*\-–]?\s*(?:\d{1,3}|[A-Za-z])[.)]{1,2}\Z")

#: Bullet characters that open a list item wherever they stand after whitespace.
_BULLET_CHARS = "•⁃▪◦‣●"
_BULLET = re.compile(r"[•⁃▪◦‣●](?=\s|\w)")

#: "-" or "*" bullets, only at a line start and before a non-lowercase character.
_LINE_BULLET = re.compile(r"^[^\S\n]*(?P<b>[-*])[^\S\n]+(?=[^\s\Wa-z]|\d|[\"“(])", re.MULTILINE)

#: A numbered or lettered list marker at a line start (a cheap test before _MARKER).
_LINE_MARKER = re.compile(r"^[^\S\n]*(?:\d{1,3}|[A-Za-z])(?:\.\)|\)|\.)\s", re.MULTILINE)

#: Numbered or lettered list markers, optionally behind a bullet: "1.", "2.)", "3)", "a.".
_MARKER = re.compile(
    r"(?:^|(?<=\s))(?P<bullet>[•⁃▪◦‣●][^\S\n]*)?"
    r"(?P<label>\d{1,3}|[A-Za-z])(?P<punct>\.\)|\)|\.)(?=\s)"
)

#: After '?"' or '!"': a name of up to three words and a speech verb that closes the clause
#: ('"Why?" Smith asked.', '"Why?" Smith asked on Monday') keep the sentence whole; '"Why?"
#: Smith said he would go.' is two sentences.
_SPEECH_TAG = re.compile(
    r"\s*(?:[A-Z][\w'’.\-]*\s+){1,3}(?:said|says|asked|asks|added|adds|told|replied|replies|"
    r"shouted|yelled|cried|wrote|writes|wondered|insisted|exclaimed|continued|explained|"
    r"noted|tweeted|warned|recalled|joked|laughed|demanded|whispered|declared)"
    r"(?:\s*(?:[.,;!?—–]|\Z)|\s+(?:in|on|at|during|after|before|yesterday|today|tonight|last|"
    r"this|earlier|later|recently|when|while|as|again|angrily|quietly)\b)"
)

_CURRENCY = "$£€¥₹"
#: A dash standing alone after a sentence's end, opening a list item on the same line.
_DASH_ITEMS = frozenset({"-", "–", "—", "•"})
_SENTENCE_TERMINALS = (".", "!", "?", "…", "‽")
_QUOTES = "\"'”’»"

#: Words after "a.m."/"p.m." that continue the time expression.
# fmt: off
_TIME_FOLLOWERS = frozenset({
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mon", "Tue",
    "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "Eastern", "Pacific", "Central", "Mountain", "Atlantic", "Greenwich", "Local", "Universal",
    "Coordinated", "Today", "Tomorrow", "Yesterday", "Tonight",
})
# fmt: on

#: Prepositions that open a time phrase ("At 5 a.m."), which is not a sentence by itself.
# fmt: off
_TIME_PREPOSITIONS = frozenset({
    "at", "by", "around", "about", "until", "till", "before", "after", "from", "since", "on",
    "in", "shortly", "just", "early", "late", "between", "starting", "beginning",
})
# fmt: on

#: A would-be sentence of at most this many words, opened by a time preposition, is not one.
_MAX_TIME_PHRASE_WORDS = 4
_MAX_TIME_PHRASE_CHARS = 60

#: How far back (characters) to look for the token before a candidate, or an open parenthesis.
_TOKEN_WINDOW = 80
_PAREN_WINDOW = 300

_ABBREVIATION_CLASSES = frozenset({"title", "street", "general", "number", "never", "time", "bang"})


# --- shipped data -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    """Abbreviations and sentence openers loaded from ``briefgen/data``."""

    exact: dict[str, str]
    folded: dict[str, str]
    starters: frozenset[str]

    def abbreviation_class(self, token: str) -> str | None:
        """The class of ``token`` (written without its final period), or None if unknown."""
        found = self.exact.get(token)
        if found is None:
            found = self.folded.get(token.lower())
        if found is not None:
            return found
        if _DOTTED.match(token):
            return "general"
        if len(token) == 1 and token.isupper():
            return "general"  # an initial: "Jonas E. Smith", but "you and I. Did ..."
        return None


def _data_lines(name: str) -> Iterator[str]:
    """Non-empty, comment-free lines of a file shipped in ``briefgen/data``."""
    resource = importlib.resources.files("briefgen") / "data" / name
    for raw in resource.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


def _parse_abbreviations(lines: Iterator[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Split abbreviation lines into exact-case and case-folded lookup tables."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for line in lines:
        fields = line.split()
        if len(fields) < 2 or fields[1] not in _ABBREVIATION_CLASSES:
            raise ValueError(f"bad abbreviations.txt line: {line!r}")
        word, kind = fields[0], fields[1]
        exact[word] = kind
        if word == word.lower() and "exact" not in fields[2:]:
            folded[word] = kind
    return exact, folded


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """The shipped lexicon, read once on first use."""
    exact, folded = _parse_abbreviations(_data_lines("abbreviations.txt"))
    starters = frozenset(_data_lines("sbd_sentence_starters.txt"))
    return _Lexicon(exact=exact, folded=folded, starters=starters)


# --- list items -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Marker:
    """A list marker such as "2.)" found in a paragraph."""

    start: int
    period: int  # index of its period, or -1
    style: tuple[str, str]
    value: int
    line_initial: bool
    bulleted: bool


def _at_line_start(para: str, index: int) -> bool:
    """True if only spaces or tabs stand between the previous newline (or start) and ``index``."""
    while index > 0 and para[index - 1] in " \t":
        index -= 1
    return index == 0 or para[index - 1] == "\n"


def _find_markers(para: str) -> list[_Marker]:
    """Every list-marker-like token in the paragraph, in order."""
    markers: list[_Marker] = []
    for m in _MARKER.finditer(para):
        label, punct = m.group("label"), m.group("punct")
        kind = "d" if label.isdigit() else ("l" if label.islower() else "u")
        value = int(label) if kind == "d" else ord(label)
        period = m.start("punct") if punct.startswith(".") else -1
        markers.append(
            _Marker(
                start=m.start(),
                period=period,
                style=(kind, punct),
                value=value,
                line_initial=_at_line_start(para, m.start()),
                bulleted=m.group("bullet") is not None,
            )
        )
    return markers


def _accepted_markers(markers: list[_Marker]) -> list[_Marker]:
    """Markers that really open list items: bulleted ones, and runs of consecutive markers
    of one style (2+ long) whose first marker stands at a line start."""
    accepted: list[_Marker] = []
    chains: list[list[_Marker]] = []
    open_chain: dict[tuple[str, str], list[_Marker]] = {}
    for marker in markers:
        if marker.bulleted:
            accepted.append(marker)
            continue
        chain = open_chain.get(marker.style)
        if chain and marker.value == chain[-1].value + 1:
            chain.append(marker)
        elif marker.line_initial:
            open_chain[marker.style] = [marker]
            chains.append(open_chain[marker.style])
    for chain in chains:
        if len(chain) >= 2:
            accepted.extend(chain)
    return accepted


def _bullet_starts(para: str) -> set[int]:
    """Positions of bullets that open list items (after whitespace, or "-"/"*" at a line start)."""
    starts = {m.start("b") for m in _LINE_BULLET.finditer(para)}
    if any(ch in para for ch in _BULLET_CHARS):
        starts.update(
            m.start()
            for m in _BULLET.finditer(para)
            if m.start() == 0 or para[m.start() - 1].isspace()
        )
    return starts


def _list_cuts(para: str) -> tuple[list[int], frozenset[int]]:
    """(sorted positions where a list item opens, periods inside list markers)."""
    cuts = _bullet_starts(para)
    suppressed: set[int] = set()
    if cuts or _LINE_MARKER.search(para):
        for marker in _accepted_markers(_find_markers(para)):
            cuts.add(marker.start)
            if marker.period >= 0:
                suppressed.add(marker.period)
    cuts.discard(0)
    return sorted(cuts), frozenset(suppressed)


# --- judging one candidate --------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What a candidate boundary looks like: the tokens around it."""

    term: str
    close: str
    term_start: int
    end: int
    token: str  # the token before the terminal punctuation, opening punctuation removed
    previous: str  # the token before that one (may be "")
    next_open: str
    next_word: str


def _tokens_before(para: str, index: int) -> tuple[str, str]:
    """The token ending at ``index`` and the one before it (empty strings when absent)."""
    window = para[max(0, index - _TOKEN_WINDOW) : index]
    if not window or window[-1].isspace():
        return "", ""
    words = window.split()
    token = words[-1].lstrip(_OPENERS)
    previous = words[-2] if len(words) > 1 else ""
    return token, previous


def _context(para: str, m: re.Match[str]) -> _Context:
    """Gather the tokens around candidate ``m``."""
    term_start, end = m.start("term"), m.end()
    token, previous = _tokens_before(para, term_start)
    nxt = _NEXT.match(para, end)
    assert nxt is not None  # the pattern matches the empty string
    return _Context(
        term=m.group("term"),
        close=m.group("close"),
        term_start=term_start,
        end=end,
        token=token,
        previous=previous,
        next_open=nxt.group("open"),
        next_word=nxt.group("word"),
    )


def _opens_sentence(word: str) -> bool:
    """True if ``word`` can start a sentence: capital letter, digit or currency sign."""
    if not word:
        return False
    first = word[0]
    return first.isdigit() or first in _CURRENCY or (first.isalpha() and not first.islower())


def _lead_word(word: str) -> str:
    """The leading letters of ``word``: "It's," -> "It"."""
    m = _LETTERS.match(word)
    return m.group() if m else ""


def _inside_parenthesis(para: str, index: int) -> bool:
    """True if ``index`` lies in a parenthesis opened shortly before and closed shortly after."""
    lo = max(0, index - _PAREN_WINDOW)
    opened = para.rfind("(", lo, index)
    if opened < 0 or para.rfind(")", lo, index) > opened:
        return False
    return para.find(")", index, index + _PAREN_WINDOW) >= 0


def _is_time_phrase(para: str, start: int, end: int) -> bool:
    """True if ``para[start:end]`` is a short phrase such as "At 5 a.m." that cannot be a
    sentence by itself."""
    if end - start > _MAX_TIME_PHRASE_CHARS:
        return False
    words = para[start:end].split()
    return (
        len(words) <= _MAX_TIME_PHRASE_WORDS
        and words[0].lstrip(_OPENERS).lower() in _TIME_PREPOSITIONS
    )


def _ellipsis_cut(para: str, ctx: _Context) -> int | None:
    """Where an ellipsis candidate ends a sentence, or None."""
    if " " in ctx.term:  # spaced ". . ." / ". . . ."
        if ctx.term.count(".") < 4:
            return None
        attached = ctx.term_start > 0 and not para[ctx.term_start - 1].isspace()
        return ctx.term_start + 1 if attached and not ctx.close else ctx.end
    if ctx.term_start > 0 and para[ctx.term_start - 1] in "[(":
        return None  # "[...]": an omission inside a quotation
    return ctx.end


def _abbreviation_cut(
    kind: str, ctx: _Context, starters: frozenset[str], para: str, since: int
) -> int | None:
    """Where a period after an abbreviation of class ``kind`` ends a sentence that began at
    ``since``, or None."""
    first = ctx.next_word[0]
    if kind in ("title", "never") or first.isdigit():
        return None
    lead = _lead_word(ctx.next_word)
    if kind == "time":
        if lead in _TIME_FOLLOWERS or (len(lead) > 1 and lead.isupper()):
            return None
    elif lead not in starters:
        return None
    return None if _is_time_phrase(para, since, ctx.end) else ctx.end


def _classify_token(ctx: _Context, lexicon: _Lexicon) -> str | None:
    """The abbreviation class that applies to the token before a period, or None."""
    kind = lexicon.abbreviation_class(ctx.token)
    if kind == "number" and not ctx.next_word[:1].isdigit():
        return None  # "No." / "art." / "p." are plain words unless a number follows
    if kind == "general" and any(q in ctx.close for q in _QUOTES):
        return None  # 'the U.S." Officials': a quotation rarely closes mid-sentence
    if kind in ("title", "street") and len(ctx.token) > 1 and ctx.token.isupper():
        # all-caps: "ST. PETERSBURG" is a title, but "patients with MS. Final" is not
        return kind if ctx.next_word.isupper() else None
    if kind == "street":
        prev = ctx.previous.lstrip(_OPENERS)
        street = prev[:1].isupper() and not prev.endswith(_SENTENCE_TERMINALS)
        return "general" if street else "title"
    if kind == "bang":
        return None
    return kind


def _candidate_cut(para: str, m: re.Match[str], last_cut: int, lexicon: _Lexicon) -> int | None:
    """Where candidate ``m`` ends a sentence (an index into ``para``), or None."""
    ctx = _context(para, m)
    if not ctx.next_word and not ctx.next_open:
        return ctx.end  # end of paragraph
    if ctx.next_word in _DASH_ITEMS and not ctx.next_open:
        return _dash_item_cut(para, ctx, lexicon)
    if not _opens_sentence(ctx.next_word) or _inside_parenthesis(para, ctx.end):
        return None
    term = ctx.term
    if term[0] == "…" or term.startswith(("..", ". ")):
        return _ellipsis_cut(para, ctx)
    if term[0] in "!?‽":
        if term == "!" and lexicon.abbreviation_class(ctx.token) == "bang":
            return _abbreviation_cut("general", ctx, lexicon.starters, para, last_cut)
        if ctx.close and _SPEECH_TAG.match(para, ctx.end):
            return None
        return ctx.end
    kind = _classify_token(ctx, lexicon)
    if kind is not None:
        return _abbreviation_cut(kind, ctx, lexicon.starters, para, last_cut)
    return ctx.end


def _dash_item_cut(para: str, ctx: _Context, lexicon: _Lexicon) -> int | None:
    """Where a sentence ends before a dash-led list item written on the same line
    ("... its appeal." - Michael Howard: ...): after a full stop, ``!`` or ``?`` on a plain
    word, when a capitalised word follows the dash."""
    dash = _NEXT.match(para, ctx.end)
    after = _NEXT.match(para, dash.end()) if dash else None
    word = after.group("word") if after else ""
    if not _opens_sentence(word) or word[0].isdigit():
        return None
    if ctx.term[0] == "." and (ctx.term != "." or _classify_token(ctx, lexicon) is not None):
        return None
    return ctx.end


def _is_marker_only(para: str, start: int, end: int) -> bool:
    """True if ``para[start:end]`` is nothing but a list marker such as "1."."""
    return end - start < 12 and _MARKER_ONLY.match(para[start:end].strip()) is not None


# --- paragraphs and spans ---------------------------------------------------------------


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each blank-line-separated paragraph of ``text``."""
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def _paragraph_cuts(para: str, lexicon: _Lexicon) -> list[int]:
    """Sorted positions inside ``para`` where one sentence ends and the next may begin."""
    list_cuts, suppressed = _list_cuts(para)
    cuts: list[int] = []
    last_cut = 0
    for m in _CANDIDATE.finditer(para):
        if m.start("term") in suppressed:
            continue
        i = bisect.bisect_right(list_cuts, m.start())
        since = max(last_cut, list_cuts[i - 1] if i else 0)
        cut = _candidate_cut(para, m, since, lexicon)
        if cut is None or _is_marker_only(para, since, cut):
            continue
        cuts.append(cut)
        last_cut = cut
    if list_cuts:
        cuts = sorted(set(cuts).union(list_cuts))
    return cuts


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` narrowed to exclude surrounding whitespace; None if nothing is left."""
    piece = text[start:end]
    stripped = piece.lstrip()
    if not stripped:
        return None
    start += len(piece) - len(stripped)
    end -= len(piece) - len(piece.rstrip())
    return start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence in `text`, in order; text[start:end] is
    the sentence with leading/trailing whitespace excluded. Never empty spans."""
    lexicon = _lexicon()
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _paragraphs(text):
        para = text[p_start:p_end]
        if not para or para.isspace():
            continue
        bounds = [0, *_paragraph_cuts(para, lexicon), len(para)]
        for a, b in zip(bounds, bounds[1:], strict=False):
            span = _trimmed(para, a, b)
            if span is not None:
                spans.append((p_start + span[0], p_start + span[1]))
    return spans


def split_sentences(text: str) -> list[str]:
    """[text[s:e] for s, e in sentence_spans(text)]"""
    return [text[s:e] for s, e in sentence_spans(text)]


# --- evaluation -------------------------------------------------------------------------


def evaluate_golden(path: str | Path) -> tuple[int, int, list[dict[str, object]]]:
    """Score :func:`split_sentences` on a JSON-lines file of ``{"text", "expected"}`` cases.

    Returns ``(correct, total, failures)``; a case is correct when the list of (stripped)
    sentences equals the expected list exactly. Each failure is a dict with ``text``,
    ``expected`` and ``got``.
    """
    correct = total = 0
    failures: list[dict[str, object]] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        cases = [json.loads(line) for line in lines if line.strip()]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "give the path of a .jsonl file of golden cases") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not UTF-8 JSON lines ({exc})", 'each line must be {"text": ..., "expected": [...]}') from exc
    for case in cases:
        expected = [s.strip() for s in case["expected"]]
        got = [s.strip() for s in split_sentences(case["text"])]
        total += 1
        if got == expected:
            correct += 1
        else:
            failures.append({"text": case["text"], "expected": expected, "got": got, "comment": case.get("comment", "")})
    return correct, total, failures
