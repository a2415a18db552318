"""How the lines of an article's text become paragraphs, whatever its layout (for :mod:`briefgen.load`).

Real text comes in four layouts, often mixed: paragraphs separated by blank lines; one
paragraph per line (copied from a web page, most scrapers and feeds, trafilatura's output);
hard-wrapped at a fixed width (Reuters-21578 wraps at about 65 columns and indents the first
line of each paragraph); and all on one line, where a line that had no end punctuation was
joined with a lone period between spaces (CNN/DailyMail: ``By . Daily Mail Reporter .``,
``… reopened on Monday . Trucks queue at the crossing at dawn . Traders said …``).

The rules, in order:

1. A lone period inside a line (white space on both sides, not part of a spaced ellipsis
   ``. . .``, not after a closing quote or bracket) is a paragraph break: the line it closed
   stands alone, so a caption or byline is never glued to prose. At the end of a text all on
   one line it is dropped as well; at the end of a line of a text that has several, it is a
   loose full stop and is glued to its word.
2. A blank line is a paragraph break (but see rule 4).
3. What a single newline means is decided once per document, from its own lines
   (:func:`hard_wrapped`): the document is hard-wrapped when most of its lines that end
   without end punctuation are full (the next word would not have fitted on them) or go on in
   lower case. Then a newline is a space, except before an indented line (a new paragraph,
   Reuters style). In text whose paragraphs open with an indented line (:func:`indent_marked`)
   that is the only break; in other wrapped text a newline also ends a paragraph after a line
   that ended with room to spare (the next word would have fitted within all but
   :data:`WRAP_SLACK` of the width: the last line of a paragraph, a sub-heading) and is not
   followed by a lower-case word. Otherwise every line is a paragraph of its own.
4. Whatever separates two paragraphs — a blank line, a lone period, a newline — the first
   goes on in the second when it plainly does: it ends with a word such as "the" or "of"
   (which no heading, caption or sentence ends with), or with a word broken at a hyphen, or it
   is only "By" (``By . Daily Mail Reporter .``). A list item (``- …``, ``• …``) always opens a
   paragraph. A sub-heading does none of these, so it never joins a sentence. (A paragraph in
   lower case is no sign by itself: real text has paragraphs that open in lower case, such as
   the fragments left where a linked name was cut out.)

White space inside a paragraph is folded to one space; a word broken at a hyphen is rejoined.
The work is a few passes over the text and its lines (and a sort of the line lengths): linear
in the text, but for the sort.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["BY_ALONE", "hard_wrapped", "indent_marked", "paragraphs"]

_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")
#: A period with white space on both sides, not one of the dots of a spaced ellipsis, and not
#: after a closing quote or bracket (``said "no" .``: there it is only a loose full stop; a line
#: ending in one never had a period added when it was flattened).
_LONE_PERIOD = re.compile(r"(?<=[^\s.\"'”’»)\]])[^\S\n]+\.(?=[^\S\n])(?![^\S\n]+\.)(?![^\S\n]*(?:\n|\Z))")
#: The same at the very end of a text all on one line: the flattened text's last line had no
#: end punctuation either.
_LAST_LONE_PERIOD = re.compile(r"(?<=[^\s.\"'”’»)\]])[^\S\n]+\.\s*\Z")
#: The same at the end of a line: a loose full stop, glued to its word ("drug ." → "drug.").
_LOOSE_STOP = re.compile(r"(?<=[^\s.])[^\S\n]+\.(?=[^\S\n]*(?:\n|\Z))")
#: The last characters of a line that ends a sentence: terminal punctuation, a closing quote
#: or a closing bracket (the marks after which CNN/DailyMail's flattening added no period).
_SENTENCE_END_CHARS = frozenset(".!?…‽\"'”’»)]")
#: A list item: a bullet, or "-"/"*" followed by a space.
_LIST_ITEM = re.compile(r"[•⁃▪◦‣●]|[-*–]\s")
#: A word broken at a hyphen at the end of a line ("English-" / "language").
_BROKEN_WORD = re.compile(r"(?<=[^\W_])-\Z")
#: Words after a suspended hyphen ("nano- and micro-", "two- or three-day", "10- to 20-year"):
#: a line ending with a hyphen before one of them holds no broken word.
_AFTER_SUSPENDED = frozenset({"and", "or", "nor", "to"})
#: A line that is only the word "By": the name follows on the next line.
BY_ALONE = re.compile(r"(?:By|BY|Written by|Words by|Reporting by):?")
#: Words no heading, caption or sentence ends with: a line ending with one goes on.
_CONTINUING = frozenset({"a", "an", "the", "of", "to", "for", "with", "from", "at", "and", "or",
                         "nor", "than", "its", "their", "our", "my", "your", "whose", "into",
                         "onto", "between"})

#: A document is hard-wrapped when at least OPEN_SHARE of its lines followed by another end
#: without sentence punctuation, and at least TIGHT_SHARE of those are full (the next line's
#: first word would not have fitted on them) or go on in lower case.
OPEN_SHARE = 0.25
TIGHT_SHARE = 0.75
#: Wider or narrower than these (columns, at the 90th percentile of line lengths), lines are
#: paragraphs: prose is not wrapped at 200 columns, and short lines of similar length are the
#: rows of a table.
MAX_WRAP_WIDTH = 200
MIN_WRAP_WIDTH = 40
#: With fewer lines followed by another, too little to tell (unless paragraphs open with an
#: indented line, Reuters style): lines are paragraphs, and rule 4 still joins a line that
#: plainly goes on.
MIN_WRAPPED_LINES = 3
#: A line of hard-wrapped text counts as full when the next word would not have fitted within
#: this share of the width less than the width: balancing wrappers (Unix ``fmt``, minimum
#: raggedness) fill lines to 90 % of the width or more.
WRAP_SLACK = 0.15


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text``, white space inside each folded to one space, in order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    if " ." in text:  # (a cheap test first: most texts have no lone period)
        if "\n" not in text.strip():
            text = _LAST_LONE_PERIOD.sub("", text)
        text = _LONE_PERIOD.sub("\n\n", _LOOSE_STOP.sub(".", text))
    blocks = [[line.rstrip() for line in block.split("\n") if line.strip()]
              for block in _BLANK_LINES.split(text)]  # not stripped: the first line's indent counts
    wrapped, width = hard_wrapped(blocks)
    by_indent = wrapped and indent_marked(blocks)
    pieces: list[str] = []
    for lines in blocks:
        if not lines:
            continue
        base = min(_indent(line) for line in lines)
        current = lines[0].strip()
        for line, after in zip(lines, lines[1:], strict=False):
            nxt = after.strip()
            if wrapped and _indent(after) <= base and (by_indent or _wraps(line, nxt, width)):
                current = _join(current, nxt)
            else:
                pieces.append(current)
                current = nxt
        pieces.append(current)
    return _merged(pieces)


def hard_wrapped(blocks: list[list[str]]) -> tuple[bool, int]:
    """Whether the document whose blank-line blocks hold these lines is hard-wrapped, and its
    width (the 90th percentile of the lengths of the lines followed by another one).

    Only lines followed by another line in their block count, and not those followed by an
    indented line (which opens a paragraph, Reuters style). In hard-wrapped text a line ends
    mid-sentence because the next word did not fit: most lines without end punctuation are
    full, or go on in lower case. In text of one paragraph per line the lines without end
    punctuation are headings and captions, shorter than the paragraphs around them, so the next
    word would have fitted."""
    pairs = []
    indented = False  # a paragraph's first line indented, its next lines not: Reuters style
    for lines in blocks:
        base = min((_indent(line) for line in lines), default=0)
        for line, after in zip(lines, lines[1:], strict=False):
            if _indent(after) <= base:
                pairs.append((line, after.strip()))
                indented = indented or _indent(line) > base
    if len(pairs) < (1 if indented else MIN_WRAPPED_LINES):
        return False, 0
    lengths = sorted(len(line) for line, _ in pairs)
    width = lengths[-1 - len(lengths) // 10]
    open_pairs = [(line, nxt) for line, nxt in pairs if not _ends_sentence(line)]
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH or len(open_pairs) < OPEN_SHARE * len(pairs):
        return False, width
    tight = sum(1 for line, nxt in open_pairs if not _fits(line, nxt, width) or nxt[:1].islower())
    return tight >= TIGHT_SHARE * len(open_pairs), width


def indent_marked(blocks: list[list[str]]) -> bool:
    """Whether a document's paragraphs are marked by indenting their first line (Reuters style):
    at least two lines indented past their block's base are followed by a line at the base (a
    paragraph's first line, then its wrapped lines), and no fewer than are followed by another
    indented line (rows of a table, lines of an indented quotation). In such text a newline
    before a line at the base is always a wrap, however short the line before it: the indents
    say where paragraphs begin."""
    opening = rows = 0
    for lines in blocks:
        base = min((_indent(line) for line in lines), default=0)
        for line, after in zip(lines, lines[1:], strict=False):
            if _indent(line) > base:
                if _indent(after) <= base:
                    opening += 1
                else:
                    rows += 1
    return opening >= 2 and opening >= rows


def _wraps(line: str, nxt: str, width: int) -> bool:
    """In hard-wrapped text whose indents do not mark paragraphs, whether the newline between
    ``line`` and the next line, ``nxt`` (not indented), is a wrap: the next word would not have
    fitted with room to spare (:func:`_nearly_full`), or ``nxt`` goes on in lower case."""
    return _nearly_full(line, nxt, width) or _goes_on_lower(line, nxt)


def _nearly_full(line: str, nxt: str, width: int) -> bool:
    """True when the first word of ``nxt`` would not have fitted on ``line`` within ``width``
    less :data:`WRAP_SLACK` of it. A wrapper that balances its lines (Unix ``fmt``) ends a line
    before the next word fits; a paragraph's last line or a sub-heading mostly leaves more room."""
    return not _fits(line, nxt, int(width * (1 - WRAP_SLACK)))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _fits(line: str, nxt: str, width: int) -> bool:
    """True when the first word of ``nxt`` would have fitted on ``line`` within ``width``."""
    return len(line) + 1 + len(nxt.split(None, 1)[0]) <= width


def _goes_on_lower(line: str, nxt: str) -> bool:
    """In hard-wrapped text, True when ``nxt`` opens in lower case after ``line`` ended
    without end punctuation: a ragged wrap, not the end of a paragraph."""
    return nxt[:1].islower() and not _ends_sentence(line)


def _goes_on(paragraph: str, nxt: str) -> bool:
    """True when ``paragraph`` plainly continues in the next one, ``nxt``, whatever separated
    them: it is a lone "By", or it ends with a word broken at a hyphen or with a word such as
    "the"; a list item always opens a paragraph of its own."""
    if _LIST_ITEM.match(nxt):
        return False
    if BY_ALONE.fullmatch(paragraph):
        return True
    if _broken_word(paragraph) and nxt[:1].isalnum():
        return True
    return paragraph.rsplit(None, 1)[-1] in _CONTINUING


def _ends_sentence(line: str) -> bool:
    return line[-1:] in _SENTENCE_END_CHARS


def _broken_word(line: str) -> bool:
    return line.endswith("-") and _BROKEN_WORD.search(line[-2:]) is not None


def _join(current: str, nxt: str) -> str:
    """``current`` and ``nxt`` as one paragraph: a word broken at a hyphen rejoined, but a
    suspended hyphen ("nano- and micro-engineering") keeps its space."""
    if _broken_word(current) and nxt[:1].isalnum() and nxt.split(None, 1)[0] not in _AFTER_SUSPENDED:
        return current + nxt
    return f"{current} {nxt}"


def _merged(pieces: Iterable[str]) -> list[str]:
    """The pieces, white space folded, each joined to the one before when that one plainly
    goes on (:func:`_goes_on`)."""
    merged: list[str] = []
    for piece in pieces:
        paragraph = " ".join(piece.split())
        if not paragraph:
            continue
        if merged and _goes_on(merged[-1], paragraph):
            merged[-1] = _join(merged[-1], paragraph)
        else:
            merged.append(paragraph)
    return merged
