"""Stage 4, rank: topic-biased centrality over a sparse sentence-similarity graph.

Biased LexRank (Otterbacher et al., 2005): a random walk that, at each step, either follows an
edge of the cosine-similarity graph (with probability ``damping``) or jumps to a sentence drawn
from the bias — here topic relevance times a news position prior. Its stationary distribution,
found by power iteration on scipy sparse matrices, scores the sentences. No Python loop runs
over pairs of sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp


def similarity_graph(counts: sp.csr_matrix, threshold: float = 0.0) -> sp.csr_matrix:
    """TextRank's sentence similarity (Mihalcea and Tarau, 2004) as a sparse graph.

    The weight of the edge between two sentences is the number of distinct stems they share over
    ``log |Si| + log |Sj|``: unlike cosine, it lets a long, informative sentence that shares much
    with the rest gather more weight than a short one. Edges under ``threshold`` and self-loops
    are dropped. ``counts`` is a texts × stems count matrix.
    """
    present = counts.copy()
    present.data = np.ones_like(present.data)
    overlap = sp.coo_matrix(present @ present.T)
    sizes = np.log(np.maximum(np.asarray(present.sum(axis=1)).ravel(), 2.0))
    weights = overlap.data / (sizes[overlap.row] + sizes[overlap.col])
    keep = (overlap.row != overlap.col) & (weights >= threshold) & (weights > 0)
    n = counts.shape[0]
    return sp.csr_matrix((weights[keep], (overlap.row[keep], overlap.col[keep])), shape=(n, n))


def position_prior(positions: np.ndarray, weight: float) -> np.ndarray:
    """A news lead prior: 1 for an article's first sentence, decaying towards ``1 - weight``."""
    positions = np.asarray(positions, dtype=np.float64)
    return (1.0 - weight) + weight / np.sqrt(1.0 + positions)


def recency_prior(age_days: np.ndarray, rate: float) -> np.ndarray:
    """1 for the window's last day, ``1 / (1 + rate × age)`` for older articles."""
    return 1.0 / (1.0 + rate * np.maximum(np.asarray(age_days, dtype=np.float64), 0.0))


# Openers that lean on an earlier sentence ("He said…", "But the deal…"): out of their article,
# as a bullet, they leave the reader asking who or what.
_DEPENDENT_OPENERS = re.compile(
    r"^(?:he|she|it|they|his|her|its|their|this|that|these|those|but|and|also|however|meanwhile|"
    r"still|yet|instead|then|there|here)\b", re.I)


def standalone_prior(texts: Sequence[str], penalty: float = 0.5) -> np.ndarray:
    """1 for a sentence that stands on its own, ``penalty`` for one that opens by pointing back."""
    return np.array([penalty if _DEPENDENT_OPENERS.match(t) else 1.0 for t in texts])


def biased_lexrank(
    graph: sp.csr_matrix,
    bias: np.ndarray,
    damping: float,
    tolerance: float = 1e-9,
    max_iterations: int = 200,
) -> np.ndarray:
    """Stationary distribution of the biased random walk (sums to 1).

    ``graph`` holds non-negative edge weights; a sentence without edges sends its walk back to
    the bias. ``bias`` need not be normalised; an all-zero bias means uniform.
    """
    n = graph.shape[0]
    if n == 0:
        return np.zeros(0)
    bias = np.asarray(bias, dtype=np.float64)
    total = bias.sum()
    jump = bias / total if total > 0 else np.full(n, 1.0 / n)
    out_weight = np.asarray(graph.sum(axis=1)).ravel()
    dangling = out_weight == 0
    inverse = np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, out_weight))
    transition_t = sp.csr_matrix((sp.diags(inverse) @ graph).T)
    scores = jump.copy()
    for _ in range(max_iterations):
        follow = transition_t @ scores + scores[dangling].sum() * jump
        updated = damping * follow + (1.0 - damping) * jump
        if np.abs(updated - scores).sum() < tolerance:
            return updated
        scores = updated
    return scores


# --------------------------------------------------------------------------- the lead

# What cannot open a summary of a news story: a quotation, or a sentence that leans on the one
# before it — a pronoun or first-person subject, a connective. Narrower than :func:`points_back`
# (which judges a bullet read among other articles' bullets): in a summary of one article,
# "The 29-year-old…" after the lead that named him reads well.
_NOT_A_LEAD = re.compile(
    r"^(?:[\"“‘']|(?:he|she|it|they|we|i|you|his|her|its|their|this|that|these|those|but|and|or|so|also|"
    r"however|meanwhile|still|yet|instead|then|there|here)(?![\w'’-]))", re.I)


def opens_story(text: str, min_words: int) -> bool:
    """Whether a sentence could be the lead of a summary: at least ``min_words`` words, not a
    quotation, not leaning on an earlier sentence."""
    return len(text.split()) >= min_words and not _NOT_A_LEAD.match(text)


def lead_prior(texts: Sequence[str], articles: np.ndarray, min_words: int) -> np.ndarray:
    """The news lead as a ranking: ``1 / (1 + q)`` for the ``q``-th sentence of its article (in
    the order given) that :func:`opens_story`; a sentence that does not scores a thousandth of
    that by its plain position, below every one that does, in the same order among themselves.
    ``articles`` gives each sentence's article; an article's sentences come in article order."""
    articles = np.asarray(articles)
    n = len(texts)
    if n == 0:
        return np.zeros(0)
    opens = np.array([opens_story(t, min_words) for t in texts])
    first = np.r_[True, articles[1:] != articles[:-1]]  # where each article's run begins
    starts = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    index = np.arange(n) - starts  # position within the article
    before = np.cumsum(opens) - opens  # openers before each sentence, all articles
    q = before - before[starts]
    return np.where(opens, 1.0 / (1.0 + q), 1e-3 / (1.0 + index))


def lead_share(count: int, total: int, lead_until: float, central_from: float) -> float:
    """How much the lead decides which ``count`` of ``total`` sentences to keep: 1 when they
    are at most ``lead_until`` of them (a short summary: the lead tells the story), 0 from
    ``central_from`` on (a long one: the sentences that carry the most of the text), linear
    in between."""
    if total <= 0 or central_from <= lead_until:
        return 1.0 if total > 0 and count / total <= lead_until else 0.0
    return float(np.clip((central_from - count / total) / (central_from - lead_until), 0.0, 1.0))


def blend(centrality: np.ndarray, lead: np.ndarray, share: float) -> np.ndarray:
    """``centrality^(1 - share) × lead^share`` (both scaled to a maximum of 1 first)."""
    def scaled(x: np.ndarray) -> np.ndarray:
        top = x.max() if len(x) else 0.0
        return x / top if top > 0 else np.ones_like(x)
    if share <= 0.0:
        return centrality
    return scaled(centrality) ** (1.0 - share) * scaled(lead) ** share
