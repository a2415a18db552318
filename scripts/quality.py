"""`make eval`: run briefgen's evaluations on the shared data, check the floors, and
write docs/quality.md. Exit status 1 when a floor is not met.

Usage: python scripts/quality.py EVAL_DIR [--out docs/quality.md] [--limit 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

from floors import finish, floors_table

from briefgen.config import load_options
from briefgen.evaluation.briefing import (
    bbc_briefing,
    brief_days,
    bullets_by_section,
    floor_curve,
    read_portal,
    sampled_days,
    score_table,
)
from briefgen.evaluation.layouts import (
    LAYOUTS,
    WIDTH,
    evaluate_layouts,
    layout_table,
    read_bbc_articles,
)
from briefgen.evaluation.standalone import corpus_pointing_back, pairs_pointing_back
from briefgen.evaluation.stories import (
    evaluate_stories,
    grouped_window,
    read_bbc_window,
    read_labelled_corpus,
    read_labelled_stories,
    wrong_merges,
)
from briefgen.evaluation.summaries import (
    fit_lead_share,
    read_summary_dataset,
    rouge_scores,
    rouge_table,
    summarizers,
)
from briefgen.evaluation.topics import (
    evaluate_docs,
    evaluate_learned,
    evaluate_portal_items,
    find_topic,
    read_reuters,
    split_docs,
)
from briefgen.summarize import SUMY_ALGORITHMS
from briefgen.text.sbd import evaluate_golden

SUMY = tuple(SUMY_ALGORITHMS)
SYSTEMS = ("default", "lead", *SUMY)
FLOORS = {"allsides_f1": 0.93, "uci_f1": 0.80, "corpus_f1": 0.95, "corpus_precision": 1.0, "bbc_wrong_merges": 0,
          "bbc_rouge2": 75.0, "bbc_rouge1": 80.0, "cnndm_rouge2": 17.2, "cnndm_rouge1": 39.1,
          "pointing_back": 3.0, "sbd": 46, "trade_f1": 0.80, "layouts_identical": 39,
          "portal_precision": 0.90, "portal_recall": 0.85}

ROOT = Path(__file__).resolve().parent.parent  #: the repository, where tests/golden/ lies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs/quality.md"))
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args()
    options = load_options()
    checks: list[tuple[str, bool]] = []
    systems = summarizers(SYSTEMS, options)

    started = time.perf_counter()
    news = read_summary_dataset(args.eval_dir / "cnndm-bump")
    news_results = {r.system: r for r in rouge_scores(news, systems)}
    cases = read_summary_dataset(args.eval_dir / "bbc-news-summary", args.limit)
    bbc_results = {r.system: r for r in rouge_scores(cases, systems)}
    rouge_seconds = time.perf_counter() - started
    ours, lead = news_results["default"], news_results["lead"]
    for measure, floor in (("rouge2", "cnndm_rouge2"), ("rouge1", "cnndm_rouge1")):
        checks.append((f"CNN/DailyMail {measure.upper()} {ours.mean(measure):.1f} >= {FLOORS[floor]} "
                       f"(Lead-3 as measured when the floor was set; Lead-3 on today's sentences {lead.mean(measure):.1f})",
                       ours.mean(measure) >= FLOORS[floor]))
    best = max(SUMY, key=lambda s: news_results[s].mean("rouge2"))
    checks.append((f"CNN/DailyMail ROUGE-2 {ours.mean('rouge2'):.1f} > best sumy ({best}) {news_results[best].mean('rouge2'):.1f}",
                   ours.mean("rouge2") > news_results[best].mean("rouge2")))
    gap = lead.mean("rouge2") - max(news_results[s].mean("rouge2") for s in SUMY)
    ours = bbc_results["default"]
    for measure, floor in (("rouge2", "bbc_rouge2"), ("rouge1", "bbc_rouge1")):
        checks.append((f"BBC {measure.upper()} {ours.mean(measure):.1f} >= {FLOORS[floor]}", ours.mean(measure) >= FLOORS[floor]))
    for category in sorted(set(ours.categories)):
        best = max(SUMY, key=lambda s: bbc_results[s].mean("rouge2", category))
        mine, theirs = ours.mean("rouge2", category), bbc_results[best].mean("rouge2", category)
        checks.append((f"BBC {category} ROUGE-2 {mine:.1f} > best sumy ({best}) {theirs:.1f}", mine > theirs))

    started = time.perf_counter()
    fit = fit_lead_share({"CNN/DailyMail": news, "BBC": cases}, options)
    fit_seconds = time.perf_counter() - started
    shipped = (options.ranking.lead_until, options.ranking.central_from)
    fit_rows = "\n".join(f"| {name} | {r1:.1f} | {r2:.1f} |" for name, (r1, r2) in fit.held_out.items())
    fold_choices = ", ".join(f"{u:g}/{c:g}" for u, c in fit.chosen)

    corpus_back, corpus_bullets = corpus_pointing_back(args.corpus, 7, options)
    pairs_back, pairs_bullets = pairs_pointing_back(args.eval_dir / "cnndm-bump" / "pairs.jsonl", options)
    for label, back, bullets in (("bundled corpus, newest week", corpus_back, corpus_bullets),
                                 ("CNN/DailyMail articles briefed as one corpus", pairs_back, pairs_bullets)):
        share = 100 * back / max(bullets, 1)
        checks.append((f"bullets pointing back, {label}: {back}/{bullets} = {share:.1f} % <= {FLOORS['pointing_back']:g} %",
                       bullets > 0 and share <= FLOORS["pointing_back"]))

    started = time.perf_counter()
    clusters = args.eval_dir / "story-clusters"
    corpus_labelled = read_labelled_corpus(args.corpus, ROOT / "tests" / "golden" / "corpus-stories.toml")
    story_sets = (("allsides-2021.jsonl", "week", "allsides_f1", read_labelled_stories(clusters / "allsides-2021.jsonl")),
                  ("uci-news-aggregator-2014-03-10.jsonl", "day", "uci_f1",
                   read_labelled_stories(clusters / "uci-news-aggregator-2014-03-10.jsonl")),
                  ("bundled corpus/ (tests/golden/corpus-stories.toml)", "day", "corpus_f1", corpus_labelled),
                  ("bundled corpus/ (tests/golden/corpus-stories.toml)", "week", "corpus_f1", corpus_labelled))
    story_rows = []
    grouped_by = {}
    for name, window, floor, labelled in story_sets:
        scores = evaluate_stories(labelled, window)
        grouped = scores["briefgen"]
        grouped_by[window] = grouped  # the corpus's, by day and by week, come last
        checks.append((f"stories, {name} by {window}: BCubed F1 {grouped.f1:.3f} >= {FLOORS[floor]}",
                       grouped.f1 >= FLOORS[floor]))
        if floor == "corpus_f1":
            checks.append((f"stories, {name} by {window}: BCubed precision {grouped.precision:.3f} "
                           f">= {FLOORS['corpus_precision']:.3f}", grouped.precision >= FLOORS["corpus_precision"] - 1e-9))
        story_rows += [f"| {name} | {window} | {system} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |"
                       for system, s in scores.items()]
    bbc_window = read_bbc_window(args.eval_dir / "bbc-news-summary")
    bbc_wrong = wrong_merges(grouped_window(bbc_window), [a.story for a in bbc_window])
    checks.append((f"stories, {len(bbc_window)} BBC articles of 1-3 Dec as one window: {len(bbc_wrong)} wrong merges "
                   f"<= {FLOORS['bbc_wrong_merges']}", len(bbc_wrong) <= FLOORS["bbc_wrong_merges"]))
    bbc_wrong_text = "; ".join(f"“{bbc_window[i].title}” with “{bbc_window[j].title}”" for i, j in bbc_wrong) or "none"
    story_seconds = time.perf_counter() - started
    story_table = "\n".join(story_rows)

    correct, total, failures = evaluate_golden(args.eval_dir / "sbd-golden-rules" / "golden_rules_en.jsonl")
    checks.append((f"golden rules {correct}/{total} >= {FLOORS['sbd']}/{total}", correct >= FLOORS["sbd"]))

    started = time.perf_counter()
    reuters = read_reuters(args.eval_dir / "reuters21578")  # read once for both detectors
    trade_topic = find_topic(options, "trade")
    trade = evaluate_docs(split_docs(reuters, "TEST"), trade_topic, "trade")
    topics_seconds = time.perf_counter() - started
    started = time.perf_counter()
    learned, model = evaluate_learned(reuters, trade_topic, "trade")
    learn_seconds = time.perf_counter() - started
    best = max(trade.f1, learned.f1)
    checks.append((f"Reuters trade F1 {best:.3f} (learned from TRAIN {learned.f1:.3f}, terms alone {trade.f1:.3f}) "
                   f">= {FLOORS['trade_f1']}", best >= FLOORS["trade_f1"]))

    started = time.perf_counter()
    portal = args.eval_dir / "wcep-portal" / "portal-2011-2017.jsonl"
    portal_days = sampled_days(dt.date(2016, 1, 1), dt.date(2017, 12, 31), 6)
    portal_items = read_portal(portal, portal_days[0], portal_days[-1])
    terms_only = replace(options, ranking=replace(options.ranking, relevance_model=False))
    portal_scores = {"briefgen": brief_days(portal_items, portal_days, 1, options),
                     "terms alone ([ranking] relevance_model = false)": brief_days(portal_items, portal_days, 1, terms_only)}
    portal_total = portal_scores["briefgen"].total()
    checks.append((f"portal days 2016-2017 (every 6th, {len(portal_days)} days): section precision {portal_total.precision:.3f} "
                   f">= {FLOORS['portal_precision']}", portal_total.precision >= FLOORS["portal_precision"]))
    checks.append((f"portal days 2016-2017: recall over day-sections {portal_total.recall:.3f} >= {FLOORS['portal_recall']}",
                   portal_total.recall >= FLOORS["portal_recall"]))
    checks.append((f"portal days 2016-2017: citations without their sentence {len(portal_scores['briefgen'].faults)} == 0",
                   not portal_scores["briefgen"].faults))
    item_scores = evaluate_portal_items(portal, options)
    ours_macro = item_scores["briefgen relevance model"]["macro"].f1
    baseline_macro = item_scores["TF-IDF + logistic regression"]["macro"].f1
    checks.append((f"portal items 2016-2017, macro F1 {ours_macro:.3f} >= TF-IDF + logistic regression {baseline_macro:.3f}",
                   ours_macro >= baseline_macro))
    bbc_folder = args.eval_dir / "bbc-news-summary"
    soft = bullets_by_section(bbc_briefing(bbc_folder, ("sport", "entertainment"), options))
    soft_count = sum(len(v) for v in soft.values())
    soft_terms = sum(len(v) for v in bullets_by_section(bbc_briefing(args.eval_dir / "bbc-news-summary", ("sport", "entertainment"),
                                                                       terms_only)).values())
    business = bullets_by_section(bbc_briefing(bbc_folder, ("business",), options))
    checks.append((f"BBC, 40 sport and entertainment articles over 3 days: {soft_count} section bullets <= 1", soft_count <= 1))
    checks.append((f"BBC, 40 business articles over 3 days: {len(business['trade'])} Trade bullets >= 3",
                   len(business["trade"]) >= 3))
    curve_model, curve = floor_curve(portal, options)
    portal_seconds = time.perf_counter() - started
    curve_rows = "\n".join(f"| {floor:.2f} | {score.bullets} | {score.precision:.3f} | {score.recall:.3f} |"
                           for floor, score in curve)
    item_rows = "\n".join(f"| {system} | " + " | ".join(f"{scores[c].f1:.3f}" for c in ("trade", "security", "recognition", "none", "macro"))
                          + " |" for system, scores in item_scores.items())
    soft_rows = "\n".join(f"- {topic}: {text}" for topic, bullets in soft.items() for _, text in bullets) or "- none"

    layout_articles = read_bbc_articles(args.eval_dir / "bbc-news-summary")
    layout_results = evaluate_layouts(layout_articles)
    for result in layout_results:
        checks.append((f"layouts identical ({result.wrapper} wrapping), {result.total} BBC articles: "
                       f"{result.identical} of {result.total} >= {FLOORS['layouts_identical']}",
                       result.total == 40 and result.identical >= FLOORS["layouts_identical"]))
    layout_failures = "\n".join(f"- {r.wrapper} wrapping: `{name}` ({', '.join(layouts)})"
                                 for r in layout_results for name, layouts in r.differing.items() if layouts) or "- none"

    failed_cases = "\n".join(f"- `{f['comment']}`" for f in failures) or "- none"
    report = f"""# Summary quality

Measured by `make eval` (`scripts/quality.py`) on {dt.date.today().isoformat()}, Python {platform.python_version()},
on the shared evaluation data (`../shared/eval/`, never copied into the project). All systems run in
one process on the same documents and the same sentences (briefgen's splitter), so the figures
compare the rankers and nothing else.

## Floors

{floors_table(checks)}

## What the ranker does, and why

News is written as an inverted pyramid: the first sentences tell the story, the rest add detail,
quotes and background. How much that matters depends on how short the summary is. Asked for 3
sentences of a 33-sentence report (the usual CNN/DailyMail protocol, about 10 % of the article),
an editor keeps the lead; centrality alone does not come near it (Lead-3 is the famous baseline
that unsupervised summarisers rarely pass; the best sumy system stays {gap:.1f} ROUGE-2 points under
it below). Asked for 40 % of the article (BBC News Summary's references), the lead alone is poor
(`lead` scores {bbc_results['lead'].mean('rouge2'):.1f} ROUGE-2 there) and the sentences that carry the most
of the text win.

So briefgen's ranker scores every sentence twice and blends the two by the share of the sentences
it is to keep (`briefgen/rank.py`: `lead_prior`, `lead_share`, `blend`):

- **centrality**: biased LexRank over TextRank's sentence-overlap graph, the bias a mild position
  prior (times topic relevance in a briefing);
- **the lead**: `1 / (1 + q)` for the q-th sentence of its article that can open a summary: at
  least `min_words` words, not a quotation, not leaning on the sentence before it (a pronoun or
  first-person subject, "But …", "This …"). A sentence that cannot open a story ranks below every
  one that can. On CNN/DailyMail, where the blend is all lead for most articles, this is what
  puts `default` above `lead` in the table below.
- **the blend** is `centrality^(1-s) × lead^s`, where `s` is 1 when the summary keeps at most
  `lead_until` ({shipped[0]:g}) of the candidate sentences, 0 from `central_from` ({shipped[1]:g}) on, linear between.

The same rule runs in `daily`: a section keeps `items_per_section` bullets out of its candidate
sentences in the window, in a day's news nearly always well under {shipped[0]:.0%} of them, so a section's bullets are
the most relevant, most recent articles' leads; with few candidates (one or two articles) it
turns to the most central sentences. On BBC-like requests (keep 40 %) and on CNN-like ones
(keep 3) nothing is switched by data set: the request itself says which case it is.

### How the two settings were chosen

`lead_until` and `central_from` are the only settings learned from the evaluation data, by
`briefgen.evaluation.summaries.fit_lead_share`: a grid of 0.05 … 0.5 for each, maximising the sum of the two
data sets' mean ROUGE-2, every other setting as shipped. Cross-validated ({fit.folds} folds,
documents dealt at random; each document scored by the settings chosen on the other folds):

| data set | ROUGE-1 (held out) | ROUGE-2 (held out) |
|---|---|---|
{fit_rows}

The folds chose {fold_choices} (lead_until/central_from); on all the documents
{fit.lead_until:g}/{fit.central_from:g}; briefgen ships {shipped[0]:g}/{shipped[1]:g}. Only these two numbers ship;
no evaluation text does. ({fit_seconds:.0f} s.)

## ROUGE on CNN/DailyMail with editors' highlights

`cnndm-bump`: {len(news)} test articles, each on one line as distributed (captions and bylines
joined with " . ", which the loader reads as line breaks: see docs/inputs.md). Every system picks
3 sentences; F1 × 100 from `rouge-score` with stemming, against the highlights the newsroom wrote
(abstractive, hence the low figures for every system).

{rouge_table(list(news_results.values()))}

Reproduce: `briefgen eval rouge ../shared/eval/cnndm-bump --algorithms {",".join(SYSTEMS)}`.

## ROUGE on BBC News Summary

The first {args.limit} articles of each category ({len(cases)} documents). F1 × 100 from the
`rouge-score` package with stemming; each system picks as many sentences as the reference has
(about 40 % of the article);
the title (first line) is never a candidate. `default` is briefgen's ranker; `lead` takes the
first sentences; the others are sumy's summarisers through briefgen's `Summarizer` interface.
({rouge_seconds:.0f} s for all systems on both data sets.)

{rouge_table(list(bbc_results.values()))}

Reproduce: `briefgen eval rouge ../shared/eval/bbc-news-summary --limit {args.limit} --algorithms {",".join(SYSTEMS)}`.

## Bullets that stand alone

A bullet that opens by pointing back ("He praised …", "The statement welcomed …", "But …") cannot
be placed once it is out of its article; the selection never takes one
(`briefgen.rank.points_back`). Measured by `briefgen.evaluation.standalone` on two briefings:

| briefing | bullets | pointing back |
|---|---|---|
| the bundled corpus's newest week (`make brief`) | {corpus_bullets} | {corpus_back} |
| the {len(news)} CNN/DailyMail articles briefed as one corpus | {pairs_bullets} | {pairs_back} |

The selection leaves out what this same detector finds, so these counts show that the rule is
applied, not how well the detector reads. Read by hand on 2026-11-30, none of the corpus's bullets
leaned on its article; of the 15 CNN/DailyMail bullets (a corpus far from the three topics, so the
sections draw on stray sentences), two could still leave a reader asking which: one opens with a
definite phrase that names a new thing ("The … crocs travelled …", which the detector cannot tell
from one that names nothing), one with a feature story's scene-setting "There's …".

## Stories: grouping articles into the events they report

`briefgen/stories.py` groups a window's articles by average-link clustering of their title and
lead (TF-IDF cosine, decayed over the days between two reports), joining two groups while their
average similarity is at least `lift` (2.5) times the window's background, the mean similarity of
two of its articles; `evaluate_stories` scores it with BCubed precision, recall and F1, averaged
over the windows, beside two baselines on the same windows: every article alone, and TF-IDF
cosine over title and text with average-link clustering at its best threshold for that file (an
oracle setting; briefgen's two settings are the same for every file). Three labelled sets: the
two of `../shared/eval/story-clusters/` (a general news week; a day of an aggregator's headlines),
and the bundled `corpus/`, whose stories we labelled by hand (`tests/golden/corpus-stories.toml`):
a desk's weeks about one region, where unrelated reports share the region's names.
({story_seconds:.0f} s.)

| file | window | system | precision | recall | F1 |
|---|---|---|---|---|---|
{story_table}

Why a bar relative to the window: the best fixed threshold differs by a factor of three between
the sets (about 0.03 for headlines, 0.1 for title-and-lead news, 0.12 for the desk's corpus,
where two unrelated reports of one day — a lithium tender and remarks on recognition — reach
0.08), while the best multiple of the window's background is about 2.5 on all three. A fixed
0.075, fitted to the first two sets, joined those unrelated reports and scored 0.744 on the
headlines. `lift` and `time_scale` were chosen on a grid over all three sets (2–3 × 0.5–1.5
days); `time_scale` 1.0 rather than the slightly better 0.5 keeps one event's reports of two
consecutive days together. The corpus's stories that develop over three or four days (the
railway pact agreed, signed, welcomed) are still split by day: their words change with each
step, and a longer time scale joins the general sets' unrelated stories of a topic (AllSides
0.919 at 2 days); on the corpus the baseline, which weighs no time and picks its threshold on
these 42 articles, joins them. `daily` uses the same grouping and settings (`[stories]`): one bullet a story,
and a story the previous briefing reported is marked Developing.

**The absolute floor.** A bar relative to the window says little where the window is small: a day
of the desk's corpus holds two to four articles, whose bar is `lift` times the prior background
(about 0.075), and two unrelated reports of one day that share the region's names (the lithium
tender and Uzbekistan's recognition remarks, 0.111; the Duma visit and Kazakhstan's ambassador,
0.100) reach it. So two articles are one story only if their similarity also reaches `FLOOR`
(0.12), whatever the window, and two groups of sizes a and b if their average reaches
0.12 / sqrt(a × b) (a big story's average is far below its closest pairs). A missed merge costs a
duplicate line, a wrong merge loses news. The floor was set on the corpus's days (its unrelated
same-day pairs reach at most 0.111, its reports of one event 0.54 and more) and then measured on
the other sets: 0.15 scores the same on all of them but AllSides (0.941). Held out, the BBC case
below: 20 BBC News Summary articles (files named in `briefgen.evaluation.stories.BBC_WINDOW`) dated 1–3
December, one window, every one a story of its own (read by hand: two reports on Turkey's EU bid
are a Downing Street meeting before the summit and the summit's deal a day later, two events; so
are the opposition's misgivings on house arrest and the rejected compromise). Without the floor
six pairs were joined (Japan's recession with oil prices, China's credit curbs with the Rover deal,
the Guantanamo passport ban with the Russian ex-spy, …, the closest at 0.099); now, wrong merges:
{bbc_wrong_text}.

By week the corpus stays at {grouped_by["week"].f1:.3f} (precision {grouped_by["week"].precision:.3f}; the 0.95 floor is not met): its stories that develop
over three or four days are still split by day. With the floor in place a longer `time_scale`
joins them but also one topic's different stories in the general sets (measured on 2026-11-30, one
level of the grouping: 1.5 days, corpus week 0.934 and AllSides 0.928; 3 days, corpus week 0.972
at precision 1 but AllSides 0.898, UCI 0.782 and the two BBC Turkey reports joined), so
`time_scale` stays 1.0.

## Sentence splitting: golden rules

{correct}/{total} cases split exactly as expected, with nothing downloaded (pySBD scores 47/48,
NLTK's Punkt with an abbreviation list 22/48). Cases that fail:

{failed_cases}

Reproduce: `briefgen eval sbd ../shared/eval/sbd-golden-rules/golden_rules_en.jsonl --show-failures`.

## Layouts: the same text, the same sentences

The 40 BBC News Summary articles of issue 19 (`business` and `politics`, files 100 to 119) are
written out in five layouts, the title on the first line each time ({", ".join(f"`{name}`" for name in LAYOUTS)}), and read
as briefgen reads a `.txt` file; each layout's body sentences are compared with those of the
blank-line layout (`briefgen/evaluation/layouts.py`). The wrapped layouts are wrapped at {WIDTH} columns
twice: greedily (each line as full as it can be, as `textwrap` and most editors fill) and
balanced (lines of even length, as Unix `fmt` makes them, so a line often ends although the next
word would have fitted on it). Articles with identical sentences:

{layout_table(layout_results)}

Articles that differ:

{layout_failures}

On one line nothing shows where a paragraph without end punctuation ended (in `politics/111` a
reader's comment without a full stop runs into the next sentence), so the one-line layout cannot
always give the same sentences.

Reproduce: `briefgen eval layouts ../shared/eval/bbc-news-summary --show-failures`.

## Topic detection: Reuters-21578 `trade`

Test split (`LEWISSPLIT="TEST"`, `TOPICS="YES"`): {trade.n_docs} documents, {trade.tp + trade.fn} labelled `trade`.

| detector | precision | recall | F1 | tp | fp | fn |
|---|---|---|---|---|---|---|
| the topic's terms (packaged `trade` topic, document rule) | {trade.precision:.3f} | {trade.recall:.3f} | {trade.f1:.3f} | {trade.tp} | {trade.fp} | {trade.fn} |
| learned from the TRAIN split (`briefgen learn`'s model) | {learned.precision:.3f} | {learned.recall:.3f} | {learned.f1:.3f} | {learned.tp} | {learned.fp} | {learned.fn} |

*The topic's terms*: a document is about the topic when at least a quarter of its sentences are
relevant and they hold at least 4 distinct strong terms (3 when the headline is relevant); the
rule is in `briefgen/doctopic.py`, its constants were chosen on TRAIN. ({topics_seconds:.1f} s.)

*Learned*: `briefgen/learn.py` fitted on the {model.info['examples']} TRAIN stories, oldest first,
labelled with Reuters' `trade` — a logistic regression over stems and stem pairs with the term
rule as a prior. Its settings (C={model.info['C']}, term-rule weight {model.prior_weight:g}, threshold)
were chosen by validation on TRAIN alone ({model.info['validation']}: F1 {model.info['validation_f1']:.3f}); TEST is
only scored. Nothing learned from Reuters ships with briefgen: the model is fitted afresh on
each run. ({learn_seconds:.0f} s.)

The TEST stories are later news (8 April to 20 October 1987; TRAIN runs from 26 February to
7 April), and the gap shows: settings that score 0.86 on
the newest TRAIN stories score {learned.f1:.2f} on TEST, mostly by letting in stories Reuters filed
under balance of payments, currencies, growth figures or a commodity but not under `trade` (on
2026-11-30, 35 of the learned model's 36 false positives carried such another label).

Reproduce: `briefgen eval topics ../shared/eval/reuters21578 --topic trade --learn`.

## Sections: on topic or empty (the Current Events Portal)

The default topics' sections are scored by a model learned from how the Wikipedia Current Events
Portal's editors filed 21,517 daily event reports of 2011–2015 (`briefgen/relevance.py`; the
weights ship in `briefgen/data/portal-relevance.npz`; the text is Wikipedia's, CC BY-SA 4.0), with
the desk's term lists as features and as the desk's say in how a report splits between sections.
A sentence enters a section only when its probability of being that section's news reaches
`[ranking] min_relevance` ({options.ranking.min_relevance}). Nothing here was fitted on 2016–2017:
`C` was chosen on 2015 with a model fitted on 2011–2014, and so was the floor; the term lists'
share of the split (0.7) and the vouching rule (two strong terms of a section make a sentence news
of the sections with probability 0.8 at least) were set so that the bundled corpus's labelled
briefings hold (a share of 0.5 gives 2015 more precision, 0.871 against 0.839 at the same recall,
but loses the security bullet of the corpus's multi-topic report).

**The floor, on the validation year.** A model fitted on 2011–2014 alone (`C` = {curve_model}),
the days of 2015 (every 3rd) briefed at each floor, all sections:

| min_relevance | bullets | precision | recall |
|---:|---:|---:|---:|
{curve_rows}

No floor gives both precision 0.90 and recall 0.85 on the year the settings are chosen on: the
floor moves along one curve, and the model's reading of the portal's categories bounds it
(its macro F1 over single reports is below.)

**Portal days** ({len(portal_days)} days, every 6th of 2016–2017, each day's items its articles,
`--days 1`, no history): a section's bullet is right when the portal filed its item under the
section's category (trade: Business and economy; security: Armed conflicts and attacks;
recognition: International relations); a day with such an item should give the section one.
"Of them Law and crime" counts the security bullets from the portal's Law and crime, security's
neighbour, which this desk files under security (narcotics) and the score counts as wrong.

{score_table(portal_scores)}

The floors (precision 0.90, recall 0.85) are not met. Read by hand, many bullets counted wrong are
news of their section that the portal filed under another category (one category an item): the
arrest of 46 militants tied to a suicide bombing (Law and crime) and a border barrier against
militants (International relations) under Security; a free trade pact (International relations)
under Trade. Recognition is the weakest: the portal's International relations mixes summits,
elections abroad and conflicts, and its recall suffers most from the floor.

**Portal items, one sentence each** (2016–2017, F1 per class): the model's likeliest class, the
term lists alone (the topic of the highest term score; none without a strong term), and TF-IDF +
logistic regression fitted on the same 2011–2015 reports (`C` chosen on 2015 the same way).

| system | trade | security | recognition | none | macro F1 |
|---|---|---|---|---|---|
{item_rows}

**BBC**: 40 sport and entertainment articles over three days give {soft_count} section bullets
(the terms alone: {soft_terms}; 13 when issue 20 was filed, before the citation and story work):

{soft_rows}

40 business articles over three days give Trade and Economy {len(business["trade"])} bullets. ({portal_seconds:.0f} s.)

Reproduce: `briefgen eval briefing ../shared/eval/wcep-portal/portal-2011-2017.jsonl --from 2016-01-01
--to 2017-12-31 --every 6` and `briefgen eval topics --portal ../shared/eval/wcep-portal/portal-2011-2017.jsonl`.
"""
    return finish(args.out, report, checks)


if __name__ == "__main__":
    sys.exit(main())
