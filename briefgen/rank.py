"""Stage 4, rank: topic-biased centrality over a sparse sentence-similarity graph.

Biased LexRank (Otterbacher et al., 2005): a random walk that, at each step, either follows an
edge of the cosine-similarity graph (with probability ``damping``) or jumps to a sentence drawn
from the bias — here topic relevance times a news position prior. Its stationary distribution,
found by power iteration on scipy sparse matrices, scores the sentences' centrality. No Python
loop runs over pairs of sentences.

News puts what matters first, and the fewer sentences are kept, the more that counts: the
centrality is blended with the articles' leads (:func:`lead_prior`) as much as the summary is
short beside its candidates (:func:`lead_share`, :func:`blend`). :func:`points_back` finds the
sentences that lean on an earlier one, which a briefing never quotes on their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from briefgen.config import RankingOptions


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


# Openers that lean on an earlier sentence ("He said…", "But the deal…", "The statement welcomed…"):
# out of their article, as a bullet, they leave the reader asking who or what. The patterns are
# matched on the sentence with its opening quotation marks removed and its first letter lowered
# (unless its first word is in capitals: "US officials…", "IT workers…").
_END = r"(?![\w'’-])"  # the end of a word: "So-called" is not "So", "Theirs" not "Their"
_OPENING_MARKS = re.compile(r"^[\"“”'‘’(\[«\s—–-]+")
_CONNECTIVE = re.compile(
    r"^(?:but|and|or|nor|so|yet|still|however|meanwhile|instead|also|then|nevertheless|nonetheless|moreover|"
    r"furthermore|besides|otherwise|likewise|similarly|therefore|thus|hence|consequently|accordingly|indeed|"
    r"in addition|in turn|in response|in return|as a result|by contrast|in contrast|on the other hand|"
    r"at the same time|even so|after that|before that|since then|until then|by then|that's why|that’s why|"
    r"despite (?:this|that|these|those|it|them)|because of (?:this|that|it)|according to (?:him|her|them|it)|"
    r"asked|here|another|neither|both|such)" + _END)
_PRONOUN = re.compile(r"^(?:he|she|it|they|his|her|its|their|him|them)(?:['’](?:s|d|ll|re|ve))?" + _END)
# "It is unclear whether…", "It is hard to say…", "It is believed the…": here "it" stands for what
# follows, not for something said before.
_EXPLETIVE_IT = re.compile(
    r"^it(?:['’]s| is| was| has been| had been| will be| would be| remains| seems| seemed| appears| appeared)"
    r"(?: not| also| still| now| yet| always| often| too)?(?: \w+ly)? (?:"
    r"\w+ (?:that|whether|if|how|why|when|where|what|who)\b|"
    r"(?:believed|understood|thought|feared|hoped|reported|said|claimed|alleged|estimated|known) (?!to\b)|"
    r"(?:hard|easy|difficult|important|impossible|possible|necessary|vital|crucial|essential|unusual|rare|"
    r"common|illegal|legal|safe|dangerous|wrong|right|better|best|worth|time|too early|too soon) (?:to|for)\b|"
    r"to be seen\b)")
_FIRST_PERSON = re.compile(r"^(?:[iI]|we|you|my|our|your|me|us)(?:['’](?:m|s|d|ll|re|ve))?" + _END)
# Who speaks: a name or a description after the quotation ("…," said Jane Ahmadi / "…," an elder
# said / "…," Ahmadi told reporters), not a pronoun ("…," he said).
_NOT_PRONOUN = r"(?!(?:he|she|they|it|we|I)\b)"
_NAMED_SPEAKER = re.compile(
    r"[,?!…—–-][\"”’'] +" + _NOT_PRONOUN + r"\w|\b(?:said|says|told|added|wrote|explained) " + _NOT_PRONOUN + r"\w"
    r"|[A-Z][\w'’-]+,? (?:said|says|told|added|wrote|explained)\b|\baccording to (?!(?:him|her|them)\b)\w")
_OPENING_QUOTE = re.compile(r"^[\"“‘']")
_QUOTATION_MARK = re.compile(r"[\"“”]")
_CLOSING_QUOTE = re.compile(r"[.,?!…—–-][\"”](?:\s|$)|[^\"“]”")  # speech ends in punctuation, then the mark
_DEMONSTRATIVE = re.compile(
    r"^(?:this|that|these|those)" + _END +
    r"(?! (?:year|week|month|morning|afternoon|evening|night|weekend|spring|summer|autumn|winter|season|quarter)"
    r"(?:['’]s)?\b)")
# "The move…", "The two sides…", "The 29-year-old…": a definite noun phrase, in lower case, whose
# referent an earlier sentence named (one that says which — "The move by Russia…" — stands alone).
_ANAPHORIC_NOUN = (
    r"(?:move|deal|statement|decision|agreement|accord|pact|announcement|measures?|step|plan|proposal|remarks|"
    r"comments|letter|report|incident|attacks?|assault|blast|bombing|explosion|clash(?:es)?|raid|shooting|"
    r"fighting|fire|crash|closure|case|verdict|ruling|talks|meeting|visit|trip|project|line|scheme|bill|"
    r"law|policy|offer|request|warning|message|claims?|allegations|changes|news|operation|man|woman|men|women|"
    r"boy|girl|child|children|couple|pair|family|company|firm|group|sides?|country|countries|city|town|"
    r"village|area|region|officials?|spokes(?:man|woman|person)|minister|ministry|president|leaders?|"
    r"government|sources?|victims?|suspects?|former|latter|same|others?|rest|latest|next|\d+-year-old)")
_DEFINITE = re.compile(
    r"^the (?:two|three|four|five|six|(?:[a-z][\w-]* ){0,2}" + _ANAPHORIC_NOUN + ")" + _END +
    r"(?! (?:of|by|between|to|from|for|on|in|at|with|against|that|who|which|whose|over|under)\b)")
# "The authority would…", "The economy has…": any definite phrase in lower case as the subject of
# an auxiliary or a verb of saying.
_DEFINITE_SUBJECT = re.compile(
    r"^the (?:[a-z][\w-]* ){1,3}(?:is|was|are|were|has|had|have|will|would|could|can|may|might|must|should|"
    r"did|does|do|said|says|added|told|also)\b")
# "The signing took place…", "The forum drew…", "The draft says…": an event, meeting or text named
# by a bare noun, with no word before or after it to say which ("The two-day summit opened in
# Tashkent…", "The signing of the pact in Tashkent…" and "The consortium, Sino-Afghan Mining, …"
# say enough).
_EVENT_NOUN = (
    r"(?:signing|forum|draft|summit|ceremony|session|conference|consultations|round|negotiations|exercises?|"
    r"drills|manoeuvres|seizure|detentions|arrests|deferral|tender|survey|review|vote|hearing|trial|"
    r"investigation|inquiry|probe|ceasefire|truce|ambush|crackdown|campaign|firing|exchange(?! rates?\b)|quake|"
    r"earthquake|festival|exhibition|match|series|wording|agenda|text|document|treaty|memorandum|contract|"
    r"consignment|shipment|delegation|visitors|consortium|route|segment|licence|license|programme|mission)")
_DEFINITE_EVENT = re.compile(
    r"^the " + _EVENT_NOUN + _END +
    r"(?! (?:of|by|between|to|from|for|on|in|at|with|against|that|who|which|whose|over|under)\b|, [A-Z])")
# "The museum, which stands opposite…", "The draft, seen in part by…": a definite phrase in lower
# case that only an aside describes (one that names it, "The consortium, Sino-Afghan Mining, …",
# stands alone); "The team's coach…": one that owns what it introduces (but "The world's
# largest…" names the world, and "The year's…" a time).
_DEFINITE_ASIDE = re.compile(r"^the (?:[a-z][\w-]* ){0,2}[a-z][\w-]*, (?![A-Z])")
_DEFINITE_OWNER = re.compile(
    r"^the (?!(?:world|year|day|week|month|season|century|decade|night|morning|evening)['’])[a-z][\w-]*['’]s ")
# "Mr Brown said…", "Dr. Amiri said…", "Gen. Rudakov added…": a title and a surname with no first
# name presuppose an earlier introduction ("Dr. Nasrin Habibi, a lecturer, said…" stands alone).
_TITLE_SURNAME = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mx|dr|sir|dame|prof|gen|lt|col|maj|capt|brig|adm|sgt|rev)\.? )+"
    r"[A-Z][\w'’-]+(?!\.? [A-Z]|[\w'’-])")
_NONE_THERE = re.compile(r"^there (?:is|was|are|were|has been|have been|had been) no\b")
# A pronoun subject after a short fronted phrase or a conjunction: "In a statement, he said…",
# "On Tuesday, they…", "Because I like…", "If it passes…"; or a fronted phrase with a pronoun
# whose clause does not name its subject: "Following her venture …, the designer has…" (but
# "After his election, President Ahmadi said…" names him).
_FRONTED_PRONOUN = re.compile(
    r"^(?:[^,]{1,40}, (?:he|she|they|it) (?!is\b|was\b)\w|(?:because|if|when|while|although|though|as|since|"
    r"after|before|once|until|unless) (?:I|we|you|he|she|they|it)\b|"
    r"(?:after|before|following|despite|during|in|on|with|since|unlike|like|as|while|although|though|when|"
    r"because|once|until|for|at|by|upon|amid|\w+ing)\b[^,]{0,80}\b(?:he|she|they|his|her|their|him|them)\b"
    r"[^,]{0,80}, (?:the|a|an|this|these)\b)")
_SUBJECT_PRONOUN = r"(?:(?:he|she|they|his|her|their) \w|it (?!is\b|was\b)\w)"
# A longer fronted phrase of place or time, which may name a place after a comma, then a pronoun
# subject: "At KGB headquarters in Lubyanka Square, Moscow, he…"; or a longer fronted clause with
# no subject of its own, a participle, that names nobody (no capital), then one: "If charged with
# preparing a terrorist act, they…" (but "When President Ahmadi arrived in Kabul on Tuesday,
# he…" names him, and "When people feel the drug wear off, they…" says who).
_FRONTED_PLACE = re.compile(
    r"^(?:at|in|on|inside|outside|near|from|during|across|along|throughout|within|behind|beyond|under|over|"
    r"amid|among|for|with|without|by|upon|following|despite)\b[^,]{1,60}"
    r"(?:, [A-Z][^,]{0,30})?, " + _SUBJECT_PRONOUN)
_FRONTED_CLAUSE = re.compile(
    r"^(?:(?:after|before|when|while|if|because|as|since|although|though|once|until|unless) )?"
    r"(?:\w+ed|\w+ing|taken|given|shown|seen|known|driven|chosen|written)\b[^,A-Z]{0,70}, " + _SUBJECT_PRONOUN)
# "In it, …", "Among them, …": a phrase whose object is a pronoun.
_PRONOUN_OBJECT = re.compile(
    r"^(?:in|on|under|with|without|for|among|of|from|by|beyond|besides|within|inside|to|against|behind) "
    r"(?:it|them|him)" + _END)


def points_back(text: str) -> bool:
    """Whether a sentence opens by pointing back to an earlier one, so that, out of its article,
    a reader cannot tell who or what it is about: a pronoun subject ("He said…", "In a
    statement, they…", "At KGB headquarters in Moscow, he…", "In it, …"), a connective
    ("But…", "However, …"), a demonstrative ("This…"), a definite phrase that names nothing
    ("The move…", "The two sides…", "The 29-year-old…", "The signing…", "The museum, which…",
    "The team's coach…"), a title and a surname alone ("Mr Brown said…"), or a quotation, or
    words in the first person, that do not say who speaks."""
    if _continues_quotation(text):
        return True
    quoted = bool(_OPENING_QUOTE.match(text))
    text = _OPENING_MARKS.sub("", text)
    first = text.split(" ", 1)[0]
    if not (len(first) > 1 and first.isupper()):  # "US officials…", "IT workers…" stay as they are
        text = text[:1].lower() + text[1:]
    if _PRONOUN.match(text):
        return not _EXPLETIVE_IT.match(text)
    if quoted or _FIRST_PERSON.match(text) or text.rstrip("\"”’' ").endswith("?"):
        return not _NAMED_SPEAKER.search(text)
    return any(p.match(text) for p in
               (_CONNECTIVE, _DEMONSTRATIVE, _DEFINITE, _DEFINITE_EVENT, _DEFINITE_ASIDE, _DEFINITE_OWNER,
                _DEFINITE_SUBJECT, _TITLE_SURNAME, _NONE_THERE, _FRONTED_PRONOUN, _FRONTED_PLACE,
                _FRONTED_CLAUSE, _PRONOUN_OBJECT))


def _continues_quotation(text: str) -> bool:
    """The sentence's first quotation mark closes a quotation begun in an earlier sentence
    ("… are not," said Normatov.)."""
    first = _QUOTATION_MARK.search(text)
    return bool(first and _CLOSING_QUOTE.match(text, first.start() - 1 if first.start() else 0))


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


# --------------------------------------------------------------------------- the ranker


def centrality(counts: sp.csr_matrix, bias: np.ndarray, ranking: RankingOptions) -> np.ndarray:
    """Biased LexRank over the similarity graph of sentences (their ``counts``)."""
    return biased_lexrank(similarity_graph(counts, ranking.similarity_threshold), bias, ranking.damping)


def ranked(central: np.ndarray, lead: np.ndarray, count: int, ranking: RankingOptions) -> np.ndarray:
    """The scores of sentences of which ``count`` are kept: their centrality (``central``) blended with
    their ``lead`` as much as ``count`` is short beside them (:func:`lead_share`)."""
    share = lead_share(count, len(central), ranking.lead_until, ranking.central_from)
    return blend(central, lead, share) if share > 0 else central
