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
