"""Words, stems and stop words shared by scoring, ranking and the sumy adapters."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from sumy.utils import get_stop_words

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English stop words (the list that ships with sumy)."""
    return frozenset(get_stop_words("english"))


def words(text: str) -> list[str]:
    """Lower-cased words of ``text``; hyphenated words count as their parts."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def stems(text: str, keep_stop_words: bool = False) -> list[str]:
    """Stems of the content words of ``text``, in order."""
    stop = stop_words()
    return [stem(w) for w in words(text) if keep_stop_words or w not in stop]


def content_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` that are not stop words, in order (those :func:`stems` stems)."""
    stop = stop_words()
    return [w for w in words(text) if w not in stop]


_SIBILANT = ("s", "x", "z", "ch", "sh")
_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=20_000)
def inflections(word: str) -> frozenset[str]:
    """A word and its regular inflections: plural or third person (-s, -es, -ies), past (-ed,
    -d, -ied, a doubled consonant), present participle (-ing), possessive. "observer" gives
    "observers", never "observation": two words of one stem are one term only as inflections."""
    forms = {word, f"{word}'s", f"{word}s'"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in _VOWELS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    elif word.endswith(_SIBILANT):
        forms |= {word + "es", word + "ed", word + "ing"}
    elif word.endswith("e"):
        forms |= {word + "s", word + "d", word[:-1] + "ing"}
    else:
        forms |= {word + "s", word + "ed", word + "ing"}
        if len(word) > 2 and word[-1] not in _VOWELS | {"w", "x", "y"} and word[-2] in _VOWELS and word[-3] not in _VOWELS:
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # ban → banned, banning
    return frozenset(forms)


def same_word(found: str, term: str) -> bool:
    """Whether the text's word ``found`` is the term's word ``term`` or one of its inflections
    (or the term is an inflection of it: "talks" in a term matches "talk")."""
    return found == term or found in inflections(term) or term in inflections(found)
