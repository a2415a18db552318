"""Stage 5, select: ranked candidates → the bullets of Key points and of each section.

Maximal marginal relevance (Carbonell and Goldstein, 1998): each pick maximises
``λ·score − (1 − λ)·(highest similarity to anything already chosen)``, across all sections, so
no sentence appears twice and no section repeats another. A candidate too close to a chosen
sentence (cosine ≥ ``redundancy``) is never picked; one from another article that says the
same thing (cosine ≥ ``duplicate``) adds its article to the chosen item's citations instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

LAMBDA = 0.7


@dataclass(frozen=True)
class Ranking:
    """One topic's candidates: row numbers into the sentence matrix and their scores (max 1)."""

    topic: str
    rows: np.ndarray
    scores: np.ndarray


@dataclass
class Pick:
    row: int
    score: float
    cited_rows: list[int]  #: the chosen row first, then its near-duplicates in other articles


@dataclass
class Selector:
    """Greedy MMR over a shared pool of sentences (rows of ``tfidf``)."""

    tfidf: sp.csr_matrix
    article_of: np.ndarray  #: article index of each row
    redundancy: float
    duplicate: float
    taken: np.ndarray = field(init=False)
    max_similarity: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.tfidf.shape[0]
        self.taken = np.zeros(n, dtype=bool)
        self.max_similarity = np.zeros(n)

    def exclude(self, rows: np.ndarray) -> None:
        """Never pick these rows (e.g. what the previous briefing already reported)."""
        self.taken[rows] = True

    def pick(self, ranking: Ranking) -> Pick | None:
        """The best remaining candidate of ``ranking``, or ``None`` when none is left."""
        available = ~self.taken[ranking.rows] & (self.max_similarity[ranking.rows] < self.redundancy)
        if not available.any():
            return None
        rows, scores = ranking.rows[available], ranking.scores[available]
        value = LAMBDA * scores - (1.0 - LAMBDA) * self.max_similarity[rows]
        best = int(np.argmax(value))
        row = int(rows[best])
        return Pick(row, float(scores[best]), self._take(row))

    def _take(self, row: int) -> list[int]:
        similarity = np.asarray((self.tfidf @ self.tfidf[row].T).todense()).ravel()
        similarity[row] = 1.0
        close = np.flatnonzero(similarity >= self.duplicate)
        cited = [row]
        seen_articles = {self.article_of[row]}
        for other in close[np.argsort(-similarity[close], kind="stable")]:
            if self.article_of[other] not in seen_articles and not self.taken[other]:
                seen_articles.add(self.article_of[other])
                cited.append(int(other))
        self.taken[close] = True
        self.max_similarity = np.maximum(self.max_similarity, similarity)
        return cited


def select(
    selector: Selector, rankings: list[Ranking], key_points: int, per_section: int
) -> tuple[list[Pick], dict[str, list[Pick]]]:
    """Key points first (each topic's best in turn), then each section's bullets."""
    keys: list[Pick] = []
    exhausted: set[str] = set()
    while len(keys) < key_points and len(exhausted) < len(rankings):
        for ranking in rankings:
            if len(keys) >= key_points or ranking.topic in exhausted:
                continue
            pick = selector.pick(ranking)
            if pick is None:
                exhausted.add(ranking.topic)
            else:
                keys.append(pick)
    sections: dict[str, list[Pick]] = {}
    for ranking in rankings:
        picks: list[Pick] = []
        while len(picks) < per_section and (pick := selector.pick(ranking)) is not None:
            picks.append(pick)
        sections[ranking.topic] = picks
    return keys, sections
