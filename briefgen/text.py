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
