"""Stage 2, split: an :class:`Article` → its :class:`Sentence` objects.

Paragraphs are split into sentences by :mod:`briefgen.sbd` (offline, from shipped data).
Sub-headings (short lines without end punctuation), standalone datelines and bylines are kept
as ``is_heading`` sentences, which are never reported; a dateline that opens a paragraph
("KABUL, Nov. 24 (Khyber Wire) — The …") is cut from the front of its sentence.
"""

from __future__ import annotations

import re

from briefgen.models import Article, Sentence
from briefgen.sbd import sentence_spans

_END_PUNCT = (".", "!", "?", '."', '?"', '!"', ".”", "?”", "!”", ".'", ".’", ")", ':"')
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?:\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?)"
# "KABUL, Nov. 24 (Khyber Wire) — " / "MOSCOW (Reuters) - " / "ST. PETERSBURG, Russia, 25 November —"
_DATELINE_PREFIX = re.compile(
    rf"^[A-Z][A-Z.'’\- ]{{1,40}}(?:,\s*[A-Z][a-z]+)?(?:,\s*{_DATE})?\s*(?:\([^)]{{1,60}}\))?\s*(?:—|–|--|-)\s+(?=\S)"
)
_DATELINE_LINE = re.compile(rf"^[A-Z][A-Z.'’\- ]{{1,40}}(?:,\s*[A-Za-z .]+)?,\s*{_DATE}\.?$")
_BYLINE = re.compile(r"^(?:By|BY|Reporting by|Written by)\s+[A-Z][\w.'’\-]*(?:\s+[\w.'’\-]+){0,5}(?:\s*,\s*[^.]{0,60})?$")


def is_label(paragraph: str) -> bool:
    """A paragraph that is a sub-heading, dateline or byline rather than prose."""
    text = paragraph.strip()
    if _BYLINE.match(text) or _DATELINE_LINE.match(text):
        return True
    return len(text.split()) <= 12 and not text.endswith(_END_PUNCT)


def split_article(article: Article) -> list[Sentence]:
    """The article's sentences in order; labels are marked ``is_heading``."""
    sentences: list[Sentence] = []
    offset = 0
    position = 0
    for number, paragraph in enumerate(article.text.split("\n\n")):
        if is_label(paragraph):
            sentences.append(Sentence(paragraph, article.id, position, number, offset, is_heading=True))
        else:
            for index, (start, end) in enumerate(sentence_spans(paragraph)):
                if index == 0:
                    match = _DATELINE_PREFIX.match(paragraph[start:end])
                    if match and end - start - match.end() > 0:
                        start += match.end()
                sentences.append(Sentence(paragraph[start:end], article.id, position, number, offset + start))
                position += 1
        offset += len(paragraph) + 2
    return sentences
