"""Stage 5, select: ranked candidates → the bullets of each section, and the Key points among them.

Maximal marginal relevance (Carbonell and Goldstein, 1998): each pick maximises
``λ·score − (1 − λ)·(highest similarity to anything already chosen)``, across all sections, so
no sentence appears in two sections and no section repeats another. A candidate too close to a
chosen sentence (cosine ≥ ``redundancy``) is never picked; one from another article that says
the same thing (cosine ≥ ``duplicate``) adds its article to the chosen item's citations instead.

The sections are filled first, in turns, so that every topic with a candidate gets bullets; the
Key points are then the sections' first bullets (then their second, …): each key point also
heads its section. A sentence that opens by pointing back (:func:`briefgen.rank.points_back`)
is never a candidate (:meth:`Ranking.keeping`): a shorter section beats a bullet nobody can place.
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

    def keeping(self, allowed: np.ndarray) -> Ranking:
        """The ranking of the rows where ``allowed`` (a mask over all rows) holds, its best at 1."""
        keep = allowed[self.rows]
        rows, scores = self.rows[keep], self.scores[keep]
        return Ranking(self.topic, rows, scores / scores.max() if len(scores) and scores.max() > 0 else scores)


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

    def _open(self, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` may still be picked: neither taken nor too close to a chosen one."""
        return ~self.taken[rows] & (self.max_similarity[rows] < self.redundancy)

    def available(self, ranking: Ranking) -> int:
        """How many of ``ranking``'s candidates may still be picked."""
        return int(self._open(ranking.rows).sum())

    def pick(self, ranking: Ranking) -> Pick | None:
        """The best remaining candidate of ``ranking``, or ``None`` when none is left."""
        available = self._open(ranking.rows)
        if not available.any():
            return None
        rows, scores = ranking.rows[available], ranking.scores[available]
        value = LAMBDA * scores - (1.0 - LAMBDA) * self.max_similarity[rows]
        best = int(np.argmax(value))
        row = int(rows[best])
        return Pick(row, float(scores[best]), self._take(row))

    def similarities(self, row: int) -> np.ndarray:
        """The cosine of every row with ``row`` (a subclass may compute them elsewhere)."""
        return np.asarray((self.tfidf @ self.tfidf[row].T).todense()).ravel()

    def _take(self, row: int) -> list[int]:
        similarity = self.similarities(row)
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
    """Each section's bullets, then the key points chosen among them.

    The sections pick in turns, one bullet each a turn, the section with the fewest candidates
    left first, so that a sentence relevant to two topics goes where it is needed and no section
    starves another. The key points are the sections' first bullets, then their second bullets,
    and so on, until there are ``key_points``: the briefing's most important items across topics,
    each also standing at its place in its section. Among bullets of the same rank, one that more
    articles carry comes first, then the higher score, then the earlier section.
    """
    sections: dict[str, list[Pick]] = {r.topic: [] for r in rankings}
    open_rankings = list(rankings) if per_section > 0 else []
    while open_rankings:
        for ranking in sorted(open_rankings, key=selector.available):
            pick = selector.pick(ranking)
            if pick is not None:
                sections[ranking.topic].append(pick)
            if pick is None or len(sections[ranking.topic]) >= per_section:
                open_rankings.remove(ranking)
    order = [(rank, -len(pick.cited_rows), -pick.score, number, pick)
             for number, picks in enumerate(sections.values()) for rank, pick in enumerate(picks)]
    keys = [pick for *_, pick in sorted(order, key=lambda o: o[:4])[:key_points]]
    return keys, sections
