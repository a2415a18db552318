"""Stage 5, select: ranked candidates → the bullets of each section, and the Key points among them.

Maximal marginal relevance (Carbonell and Goldstein, 1998): each pick maximises
``λ·score − (1 − λ)·(highest similarity to anything already chosen)``, across all sections, so
no sentence appears in two sections and no section repeats another. A candidate too close to a
chosen sentence (cosine ≥ ``redundancy``) is never picked; the near-duplicates of a chosen
sentence in other articles (cosine ≥ ``duplicate``) are ruled out with it and handed to the
pipeline, which cites those whose text holds the sentence.

A bullet stands for its story (:mod:`briefgen.stories`): once a sentence of a story is picked
in a section, no other sentence of that story is a candidate there, so a story is one bullet a
section. The pipeline decides which sections a story may feed (:func:`on_topic`: its home, and
the sections its articles are about). The one exception: a sentence that ``Selector.second``
says adds to the first (the pipeline's rule: a figure the first lacks, in a story of three
articles or more) may be the story's second bullet there.

The stories that several outlets report first take a bullet in their home section; the
sections are then filled in turns, so that every topic with a candidate gets bullets; the Key
points are then the biggest stories among their home bullets (most outlets, then most
articles, then the most recent), and a key point leaves its section (it names it). A sentence
that opens by pointing back (:func:`briefgen.rank.points_back`) is never a candidate
(:meth:`Ranking.keeping`): a shorter section beats a bullet nobody can place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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


def on_topic(rankings: Sequence[Ranking], story_of: np.ndarray, home: np.ndarray, topic_of: np.ndarray,
             about: np.ndarray) -> list[Ranking]:
    """The rankings with each row kept where it is squarely on the section's topic: in its
    story's ``home`` section (the index of a ranking, by story), or in a section whose topic is
    the row's own (``topic_of``: the index of the topic each row is most relevant to) when its
    article is about that topic (``about``: rows × topics). A story thus feeds its home section
    and every other section one of its articles reports on; each ranking's best is 1 again."""
    if not rankings or not len(story_of):
        return list(rankings)
    return [r.keeping((home[story_of] == j) | ((topic_of == j) & about[:, j])) for j, r in enumerate(rankings)]


@dataclass
class Pick:
    row: int
    score: float
    cited_rows: list[int]  #: the chosen row first, then its near-duplicates in other articles
    story: int = 0  #: the story of the chosen row


@dataclass
class Selector:
    """Greedy MMR over a shared pool of sentences (rows of ``tfidf``), one pick per story and section."""

    tfidf: sp.csr_matrix
    article_of: np.ndarray  #: article index of each row
    redundancy: float
    duplicate: float
    story_of: np.ndarray | None = None  #: story of each row (``None``: every article its own story)
    #: whether a row (the second argument) may follow a story's first bullet (the first) as its
    #: second in the same section; ``None``: a story has one bullet a section
    second: Callable[[int, int], bool] | None = None
    #: when ``tfidf`` holds only the candidates' rows: per candidate row, the other rows whose
    #: cosine with it reaches ``duplicate`` and those cosines (``None``: ``tfidf`` holds every row)
    close: Mapping[int, tuple[np.ndarray, np.ndarray]] | None = None
    bullets: dict[tuple[int, str], int] = field(init=False, default_factory=dict)  #: (story, section) → bullets
    taken: np.ndarray = field(init=False)
    max_similarity: np.ndarray = field(init=False)
    #: per section, the stories that have their bullet(s) there
    closed: dict[str, np.ndarray] = field(init=False, default_factory=dict)
    #: per section, the rows that may still follow their story's first bullet there
    follow: dict[str, np.ndarray] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        n = self.tfidf.shape[0]
        self.taken = np.zeros(n, dtype=bool)
        self.max_similarity = np.zeros(n)
        if self.story_of is None:
            self.story_of = np.asarray(self.article_of)

    def _open(self, rows: np.ndarray, topic: str) -> np.ndarray:
        """Which of ``rows`` may still be picked in the section of ``topic``: neither taken nor
        too close to a chosen one, and of a story without its bullet there (or a row that may
        follow that bullet)."""
        assert self.story_of is not None
        available = ~self.taken[rows] & (self.max_similarity[rows] < self.redundancy)
        if topic in self.closed:
            available &= ~self.closed[topic][self.story_of[rows]] | self.follow[topic][rows]
        return available

    def available(self, ranking: Ranking) -> int:
        """How many of ``ranking``'s candidates may still be picked."""
        return int(self._open(ranking.rows, ranking.topic).sum())

    def pick(self, ranking: Ranking) -> Pick | None:
        """The best remaining candidate of ``ranking``, or ``None`` when none is left."""
        available = self._open(ranking.rows, ranking.topic)
        if not available.any():
            return None
        rows, scores = ranking.rows[available], ranking.scores[available]
        value = LAMBDA * scores - (1.0 - LAMBDA) * self.max_similarity[rows]
        best = int(np.argmax(value))
        row = int(rows[best])
        assert self.story_of is not None
        story = int(self.story_of[row])
        pick = Pick(row, float(scores[best]), self._take(row), story)
        self._close(story, ranking.topic, row)
        return pick

    def _close(self, story: int, topic: str, row: int) -> None:
        """The story of ``row`` has a bullet in ``topic``'s section: no other there, but a row the
        ``second`` rule lets follow a first bullet."""
        assert self.story_of is not None
        if topic not in self.closed:
            self.closed[topic] = np.zeros(int(self.story_of.max()) + 1 if len(self.story_of) else 0, dtype=bool)
            self.follow[topic] = np.zeros(len(self.story_of), dtype=bool)
        count = self.bullets[story, topic] = self.bullets.get((story, topic), 0) + 1
        self.closed[topic][story] = True
        rows_of = np.flatnonzero(self.story_of == story)
        self.follow[topic][rows_of] = False
        if self.second is not None and count == 1:
            self.follow[topic][[r for r in rows_of.tolist() if not self.taken[r] and self.second(row, r)]] = True

    def similarities(self, row: int) -> np.ndarray:
        """The cosine of every row with ``row``; with ``close``, exact for every candidate row and
        for the rows it names, 0 for the others (which are never read)."""
        similarity = np.asarray((self.tfidf @ self.tfidf[row].T).todense()).ravel()
        if self.close is not None:
            rows, values = self.close.get(row, (np.zeros(0, dtype=np.int64), np.zeros(0)))
            similarity[rows] = values
        return similarity

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
    selector: Selector, rankings: list[Ranking], key_points: int, per_section: int,
    story_size: Sequence[tuple[int, int, int]], home: np.ndarray,
) -> tuple[list[tuple[str, Pick]], dict[str, list[Pick]]]:
    """Each section's bullets, then the key points chosen among them, each with its topic.

    The sections pick in turns, one bullet each a turn, the section with the fewest candidates
    left first, so that a sentence relevant to two topics goes where it is needed and no section
    starves another. Before the turns, each of the ``key_points`` biggest stories that more than
    one outlet reports (:func:`reported_widely`) takes its best candidate in its ``home`` section
    (a ranking's index, by story): a story many outlets carry is a key point even where its
    sentences rank below a single report's in the section. The key points are the home bullets
    of the biggest stories: ``story_size`` gives each story's (outlets, articles, last day as an
    ordinal), larger first; between equal sizes the higher place in its section, then the
    higher score, then the earlier section. A key point is taken out of its section: it is not
    printed twice.
    """
    sections: dict[str, list[Pick]] = {r.topic: [] for r in rankings}
    assert selector.story_of is not None
    story_of = selector.story_of
    for story in reported_widely(story_size, key_points):
        if story >= len(home) or home[story] < 0:
            continue
        ranking = rankings[int(home[story])]
        mine = story_of[ranking.rows] == story
        if len(sections[ranking.topic]) < per_section:
            pick = selector.pick(Ranking(ranking.topic, ranking.rows[mine], ranking.scores[mine]))
            if pick is not None:
                sections[ranking.topic].append(pick)
    open_rankings = [r for r in rankings if len(sections[r.topic]) < per_section] if per_section > 0 else []
    while open_rankings:
        for ranking in sorted(open_rankings, key=selector.available):
            pick = selector.pick(ranking)
            if pick is not None:
                sections[ranking.topic].append(pick)
            if pick is None or len(sections[ranking.topic]) >= per_section:
                open_rankings.remove(ranking)

    def size(pick: Pick) -> tuple[int, ...]:
        return tuple(-x for x in story_size[pick.story]) if pick.story < len(story_size) else (-len(pick.cited_rows),)

    order = [(size(pick), rank, -pick.score, number, topic, pick)
             for number, (topic, picks) in enumerate(sections.items()) for rank, pick in enumerate(picks)
             if pick.story < len(home) and home[pick.story] == number]  # a key point is its story's home bullet
    keys: list[tuple[str, Pick]] = []
    for *_, topic, pick in sorted(order, key=lambda o: o[:4]):
        if len(keys) < key_points and all(pick.story != p.story for _, p in keys):  # a story is one key point
            keys.append((topic, pick))
    for topic in sections:  # a key point is not printed again in its section
        sections[topic] = [p for p in sections[topic] if all(p is not pick for t, pick in keys if t == topic)]
    return keys, sections


def reported_widely(story_size: Sequence[tuple[int, int, int]], limit: int) -> list[int]:
    """The ``limit`` biggest stories that more than one outlet reports, biggest first (most
    outlets, then articles, then the latest day; ties to the earlier story)."""
    wide = [story for story, (outlets, _, _) in enumerate(story_size) if outlets > 1]
    return sorted(wide, key=lambda story: tuple(-x for x in story_size[story]))[:limit]
