"""The names of the summarisers (:mod:`briefgen.summarize`) and of the systems ``briefgen eval
rouge`` compares by default.

They live apart from the rankers, free of NumPy and sumy, so that the command line can list
them in its help without loading either.
"""

from __future__ import annotations

#: sumy's summarisers: name → "module:class"
SUMY_ALGORITHMS = {
    "lexrank": "sumy.summarizers.lex_rank:LexRankSummarizer",
    "textrank": "sumy.summarizers.text_rank:TextRankSummarizer",
    "lsa": "sumy.summarizers.lsa:LsaSummarizer",
    "luhn": "sumy.summarizers.luhn:LuhnSummarizer",
    "sumbasic": "sumy.summarizers.sum_basic:SumBasicSummarizer",
    "kl": "sumy.summarizers.kl:KLSummarizer",
    "edmundson": "sumy.summarizers.edmundson:EdmundsonSummarizer",
}
#: every summariser: briefgen's ranker, the lead baseline, then sumy's
ALGORITHMS = ("default", "lead", *SUMY_ALGORITHMS)
#: the systems ``briefgen eval rouge`` compares unless ``--algorithms`` is given
DEFAULT_SYSTEMS = ("default", "lead", "lexrank", "textrank", "lsa", "luhn", "sumbasic")
