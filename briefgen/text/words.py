"""Words, stems and stop words shared by scoring, ranking and the sumy adapters."""

from __future__ import annotations

import pkgutil
import re
import sys
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain

import snowballstemmer

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English stop words (the list that ships with sumy, read as ``sumy.utils.get_stop_words``
    reads it, without importing ``sumy.utils``, which imports requests)."""
    data = pkgutil.get_data("sumy", "data/stopwords/english.txt")
    assert data is not None
    return frozenset(w.rstrip() for w in data.decode("utf-8").splitlines() if w)


def words(text: str) -> list[str]:
    """Lower-cased words of ``text``; hyphenated words count as their parts. Each is the one
    string of its spelling (:func:`sys.intern`): a window's hundreds of thousands of words are a
    few thousand spellings."""
    return list(map(sys.intern, _WORD.findall(text.lower().replace("’", "'"))))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def stem_lists(words: Iterable[Sequence[str]]) -> list[list[str]]:
    """Each list of ``words`` as its stems (:func:`stem`), each distinct word stemmed once: a
    window's hundreds of thousands of words are tens of thousands of spellings."""
    words = list(words)
    get = {word: stem(word) for word in set(chain.from_iterable(words))}.__getitem__
    return [list(map(get, one)) for one in words]


def stems(text: str, keep_stop_words: bool = False) -> list[str]:
    """Stems of the content words of ``text``, in order."""
    return [stem(w) for w in (words(text) if keep_stop_words else content_words(text))]


def content_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` that are not stop words, in order (those :func:`stems` stems)."""
    stop = stop_words()
    return [w for w in words(text) if w not in stop]


_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=50_000)
def lemmas(word: str) -> frozenset[str]:
    """What a word may be an inflection of, by the regular rules read backwards: itself, and the
    word without a plural or third-person -s/-es/-ies, a past -ed/-d/-ied (a doubled consonant
    undone: "banned" → "ban"), a present participle -ing (its e restored: "trading" → "trade"), or
    a possessive. Only a guess, made for :func:`same_word` between words of one stem."""
    found = {word}
    if word.endswith(("'s", "s'")):
        found.add(word[:-2])
    for suffix, back in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            base = word[:-len(suffix)] + back
            if suffix == "s" and word.endswith("ss"):
                continue
            found.add(base)
            if suffix in ("ed", "ing") and not back and len(base) > 2 and base[-1] == base[-2] and base[-1] not in _VOWELS:
                found.add(base[:-1])  # banned → ban
    return frozenset(found)


def same_word(found: str, term: str) -> bool:
    """Whether the text's word ``found`` and the term's word ``term`` are one word, each maybe
    inflected ("talks" and "talk", "dumped" and "dumping", "recognised" and "recognise"), not two
    words that share a stem: "observer" is not "observation", "importer" not "import"."""
    return found == term or bool(lemmas(found) & lemmas(term))
