"""Stage 2, split: an :class:`Article` → its :class:`Sentence` objects, each with its kind.

Paragraphs (already separated by :mod:`briefgen.text.layout`, whatever the file's layout) are split
into sentences by :mod:`briefgen.text.sbd` (offline, from shipped data). Each sentence gets a kind;
only ``body`` sentences are ever reported, the others are set aside (``is_heading``):

- ``heading``: a line without end punctuation (. ! ? … : or a closing quote or bracket) of at
  most :data:`LABEL_WORDS` words — a paragraph of its own, or the last sentence of a paragraph,
  where an unpunctuated end marks a line written or flattened into the text;
- ``caption``: such a line of more words, or one that points at a picture ("(pictured)",
  "(left)"), and a sentence that ends with a photo credit ("(Photo: …)", "(AP Photo/…)");
- ``dateline``: a standalone dateline ("TASHKENT, 25 November 2026"), or one cut from the front
  of the article's first prose sentence: "KABUL, Nov. 24 (Khyber Wire) — ",
  "KABUL, AFGHANISTAN – ", "MOSCOW (Reuters) - ", "(CNN)", "London (CNN)",
  "Peshawar, Pakistan (CNN)";
- ``byline``: "By Farida Noori, Staff Correspondent", "By Daily Mail Reporter";
- ``boilerplate``: "Scroll down for video", "Image: …", "Photo: …", "Picture: …",
  "READ MORE: …", "Advertisement", "PUBLISHED: … | UPDATED: …", "Share this article",
  "Click here …", "… contributed to this report", time stamps, lines without a letter.

A list item ("- Cut fuel duty") is prose whatever its punctuation. The same rules apply to a
whole paragraph and to a paragraph's last sentence, so a line reads the same whether the file
gave it a paragraph of its own or ran it on after the sentence before (CNN/DailyMail's one-line
text); every check looks at a bounded stretch of the sentence, so splitting stays linear.
"""

from __future__ import annotations

import re
import sys
from typing import NamedTuple

import numpy as np

from briefgen.models import SENTENCE_KINDS, Article, Sentence, SentenceKind
from briefgen.text.sbd import sentence_spans
from briefgen.text.words import content_words

#: A paragraph without end punctuation of at most this many words is a heading.
LABEL_WORDS = 12

#: A sentence that ends as prose does: terminal punctuation, a colon that introduces what
#: follows, or a closing quote or bracket (the marks after which CNN/DailyMail's flattening
#: added no period either).
_PROSE_END_CHARS = frozenset(".!?…‽:\"'”’»)]")
_LIST_ITEM = re.compile(r"[•⁃▪◦‣●]|[-*–]\s")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?:\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?)"
_PLACE = r"[A-Z][A-Za-z.'’\-]*(?:\s[A-Z][A-Za-z.'’\-]*){0,3}"
_DASH = r"(?:—|–|--|-)"
# "KABUL, Nov. 24 (Khyber Wire) — " / "MOSCOW (Reuters) - " / "KABUL, AFGHANISTAN – " /
# "NASHVILLE, Tenn., March 5 - " / "ST. PETERSBURG, Russia, 25 November —"
_DATELINE_PREFIX = re.compile(
    rf"[A-Z][A-Z.'’\- ]{{1,40}}(?:,\s*{_PLACE})?(?:,?\s*{_DATE})?\s*(?:\([^)]{{1,60}}\))?\s*{_DASH}\s+(?=\S)"
)
# "(CNN)" / "London (CNN)" / "Peshawar, Pakistan (CNN) -- ": a wire or network in brackets
# opens the text, with or without a place before it and a dash or space after it.
_OUTLET_PREFIX = re.compile(
    rf"(?:{_PLACE}(?:,\s*{_PLACE}){{0,2}}\s*)?"
    r"\((?:CNN|CNN Money|CNNMoney|CNN Business|CNN Style|CNN Travel|Reuters|AP|AFP|UPI|Bloomberg|"
    r"EW\.com|Mashable|Variety|Billboard|Fortune|TIME|Health\.com|Rolling Stone)\)"
    rf"\s*(?:{_DASH}\s*)?(?=\S)"
)
_DATELINE_LINE = re.compile(rf"[A-Z][A-Z.'’\- ]{{1,40}}(?:,\s*[A-Za-z .]+)?,\s*{_DATE}\.?")
_BYLINE = re.compile(
    r"(?:By|BY|Reporting by|Written by)\s+[A-Z][\w.'’\-]*(?:\s+[\w.'’\-]+){0,5}(?:\s*,\s*[^.]{0,60})?"
    r"(?:;\s*[A-Z][a-z]+(?:\s+[a-z]+)?\s+by\s+[^.;]{1,60})*"
)
_BOILERPLATE = re.compile(
    r"(?:scroll\s+(?:down|up)\s+for\s+(?:the\s+)?(?:video|videos|more)\b"
    r"|(?:image|photo|picture|photograph|photos|pictures|video|graphic)s?(?:\s+credit)?\s*:"
    r"|read\s+more\b\s*:?"
    r"|advertisement\W*\Z"
    r"|(?:published|updated|last\s+updated)\s*:"
    r"|share\s+this\s+(?:article|story|page|video)\b"
    r"|click\s+here\b"
    r"|\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,4})?,?\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\Z"
    r"|[^A-Za-z]*\Z)",
    re.IGNORECASE,
)
#: A photo credit closing a caption: "(Photo: AP)", "(AP Photo/Jane Doe)", "Picture: Getty Images".
_CREDIT = re.compile(
    r"(?:\((?:[^()]{0,40}\b)?(?:Photo|Picture|Image|Photograph|Credit|Getty Images|Rex Features|"
    r"Shutterstock|Alamy|Corbis)\b[^()]{0,40}\)|\b(?:Photo|Picture|Image|Photograph|Credit)s?\s*:\s*[^.!?]{1,60})\.?\Z"
)
#: "CNN's Jane Doe contributed to this report."
_CONTRIBUTED = re.compile(r".{1,80}?\bcontributed\s+(?:to\s+)?(?:this\s+)?(?:report|reporting)\b", re.IGNORECASE)
#: Photo credits and picture cues stand at the end: only this many last characters are searched.
_TAIL = 130
#: Words that point at a picture: a short line holding one is a caption, not a heading.
_PICTURE_CUE = re.compile(r"\((?:pictured|left|right|centre|center|top|bottom|front|back|inset|above|below)\)|\bpictured\b",
                          re.IGNORECASE)
_ENDS_WITH_CUE = re.compile(r"\((?:pictured|left|right|centre|center|top|bottom|inset|above|below)\)\Z", re.IGNORECASE)


def line_kind(text: str, last: bool = True) -> SentenceKind:
    """The kind of a sentence, or of a whole paragraph kept as one piece; ``last`` when it ends
    its paragraph, where a missing end punctuation marks a line (a sub-heading or caption) that
    was written, or flattened, into the text."""
    if _BOILERPLATE.match(text) or ("contributed" in text[:120] and _CONTRIBUTED.match(text)):
        return "boilerplate"
    if _BYLINE.fullmatch(text):
        return "byline"
    if _DATELINE_LINE.fullmatch(text):
        return "dateline"
    tail = text[-_TAIL:]
    if (tail.endswith((")", ").")) or ":" in tail) and (_CREDIT.search(tail) or (last and _ENDS_WITH_CUE.search(tail))):
        return "caption"
    if not last or _LIST_ITEM.match(text):
        return "body"
    if text[-1:] in _PROSE_END_CHARS:
        return "body"
    words = _words(text)
    return "caption" if words > LABEL_WORDS or _PICTURE_CUE.search(text) else "heading"


def _words(text: str) -> int:
    return text.count(" ") + 1


def is_label(paragraph: str) -> bool:
    """A paragraph set aside as a whole: a sub-heading, dateline, byline, caption or boilerplate."""
    return _whole_kind(paragraph.strip()) != "body"


def _whole_kind(paragraph: str) -> SentenceKind:
    """The kind of a paragraph that is one line of a set-aside kind, else ``body`` (prose, to
    be split into sentences)."""
    kind = line_kind(paragraph)
    if kind in ("byline", "dateline") or (kind != "body" and len(sentence_spans(paragraph)) == 1):
        return kind
    return "body"


def dateline_end(sentence: str) -> int:
    """Where a dateline opening ``sentence`` ends (0 when none opens it): the text after it is
    the sentence proper, which opens as a sentence does, not in lower case ("UK - will unveil"
    is no dateline)."""
    match = _OUTLET_PREFIX.match(sentence) or _DATELINE_PREFIX.match(sentence)
    if not match or match.end() >= len(sentence) or sentence[match.end()].islower():
        return 0
    return match.end()


def split_article(article: Article) -> list[Sentence]:
    """The article's sentences in order, each with its kind; only ``body`` ones are prose.
    A dateline is cut only from the front of the article's first prose sentence, and only when
    that sentence is in the first paragraph of prose (after lines set aside whole, such as a
    byline): never from a later paragraph, whatever was set aside before it."""
    sentences: list[Sentence] = []
    offset = 0
    position = 0
    prose_paragraphs = 0
    for number, paragraph in enumerate(article.text.split("\n\n")):
        kind = _whole_kind(paragraph)
        if kind != "body":
            sentences.append(Sentence(paragraph, article.id, position, number, offset, kind))
            offset += len(paragraph) + 2
            continue
        prose_paragraphs += 1
        spans = sentence_spans(paragraph)
        for index, (start, end) in enumerate(spans):
            kind = line_kind(paragraph[start:end], last=index == len(spans) - 1)
            if kind == "body" and position == 0 and prose_paragraphs == 1:
                cut = dateline_end(paragraph[start:end])
                if cut:
                    dateline = paragraph[start:start + cut].rstrip(" —–-")
                    sentences.append(Sentence(dateline, article.id, position, number, offset + start, "dateline"))
                    start += cut
                    kind = line_kind(paragraph[start:end], last=index == len(spans) - 1)
            sentences.append(Sentence(paragraph[start:end], article.id, position, number, offset + start, kind))
            if kind == "body":
                position += 1
        offset += len(paragraph) + 2
    return sentences



class Split(NamedTuple):
    """An article's sentences (:func:`split_article`) and the content words of each
    (:func:`briefgen.text.words.content_words`; none for a line set aside), as the corpus index
    keeps them (:func:`packed`, :func:`unpacked`)."""

    sentences: list[Sentence]
    words: list[list[str]]

    @classmethod
    def of(cls, article: Article) -> Split:
        sentences = split_article(article)
        return cls(sentences, [[] if s.is_heading else content_words(s.text) for s in sentences])


def packed(article: Article, split: Split) -> tuple[bytes, str] | None:
    """An article's ``split`` as the corpus index keeps it: per sentence its start, length,
    position, paragraph and kind (int32 bytes), and its words (a line each, spaces between). ``None``
    when a sentence is not the piece of the article's text at its start (it could not be told
    from its place)."""
    text, sentences = article.text, split.sentences
    if any(text[s.start:s.start + len(s.text)] != s.text for s in sentences):
        return None
    rows = [(s.start, len(s.text), s.position, s.paragraph, SENTENCE_KINDS.index(s.kind)) for s in sentences]
    return np.array(rows, dtype="<i4").reshape(len(rows), 5).tobytes(), "\n".join(" ".join(w) for w in split.words)


def unpacked(article: Article, spans: bytes, words: str) -> Split:
    """The :class:`Split` of ``article`` that :func:`packed` kept."""
    text, article_id = article.text, article.id
    sentences = [Sentence(text[start:start + length], article_id, position, paragraph, start, SENTENCE_KINDS[kind])
                 for start, length, position, paragraph, kind in np.frombuffer(spans, dtype="<i4").reshape(-1, 5).tolist()]
    return Split(sentences, [list(map(sys.intern, line.split())) for line in words.split("\n")] if sentences else [])
