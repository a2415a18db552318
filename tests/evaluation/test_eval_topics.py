"""Document-level topic detection and its Reuters-21578 evaluation, on made-up SGML snippets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from briefgen.doctopic import MIN_SHARE, is_about, topic_scores
from briefgen.evaluation.topics import (
    ReutersDoc,
    TopicEval,
    evaluate_docs,
    evaluate_topics,
    prf,
    read_reuters,
    split_docs,
)
from briefgen.models import Topic

REUTERS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "reuters21578"

TOPIC = Topic(
    name="trade",
    title="Trade",
    terms=("trade", "tariff", "customs", "trade deficit", "retaliation", "quota"),
    related=("price",),
)

SGML = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TEST" CGISPLIT="TRAINING-SET" OLDID="1" NEWID="7">
<DATE> 1-JAN-2026 10:00:00.00</DATE>
<TOPICS><D>trade</D><D>grain</D></TOPICS>
<PLACES><D>utopia</D></PLACES>
<TEXT>&#2;
<TITLE>UTOPIA RAISES TARIFFS ON PAPER &amp; INK</TITLE>
<DATELINE>    NOWHERE, Jan 1 - </DATELINE><BODY>Utopia raised tariffs on imported paper, the
ministry said.
    Officials in Caf\xe9 Town expect retaliation.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="2" NEWID="8">
<TOPICS></TOPICS>
<TEXT TYPE="BRIEF">&#2;
******<TITLE>WIDGET MAKER PROFIT UP
</TITLE>Blah blah blah.
&#3;</TEXT>
</REUTERS>
<REUTERS TOPICS="YES" LEWISSPLIT="NOT-USED" CGISPLIT="PUBLISHED-TESTSET" OLDID="3" NEWID="9">
<TOPICS><D>earn</D></TOPICS>
<TEXT TYPE="UNPROC">&#2;
Quarterly results were mixed &lt;ABC&gt; said.&#31;
&#3;</TEXT>
</REUTERS>
"""


@pytest.fixture
def sgml_folder(tmp_path: Path) -> Path:
    """One made-up ``reut2-000.sgm`` in Latin-1 (the é is not valid UTF-8), plus a file to ignore."""
    (tmp_path / "reut2-000.sgm").write_bytes(SGML.encode("latin-1"))
    (tmp_path / "README.txt").write_text("not a story", encoding="ascii")
    return tmp_path


def test_reader_parses_attributes_topics_title_and_body(sgml_folder: Path) -> None:
    docs = read_reuters(sgml_folder)
    assert [d.newid for d in docs] == [7, 8, 9]
    first = docs[0]
    assert first.lewissplit == "TEST" and first.topics_flag
    assert first.topics == ("trade", "grain")
    assert first.title == "UTOPIA RAISES TARIFFS ON PAPER & INK"
    assert first.body.startswith("Utopia raised tariffs")
    assert "Café Town expect retaliation." in first.body
    assert first.text.startswith("UTOPIA RAISES TARIFFS ON PAPER & INK.\n\nUtopia raised")
    assert docs[1].lewissplit == "TRAIN" and not docs[1].topics_flag and docs[1].topics == ()


def test_reader_strips_control_entities_wire_markers_and_placeholders(sgml_folder: Path) -> None:
    docs = read_reuters(sgml_folder)
    for doc in docs:
        assert "&#" not in doc.text and "\x03" not in doc.text and "\x02" not in doc.text
        assert "Reuter" not in doc.text and "*" not in doc.text and "Blah" not in doc.text
    assert docs[1].title == "WIDGET MAKER PROFIT UP" and docs[1].body == ""
    assert docs[1].text == "WIDGET MAKER PROFIT UP."
    assert docs[2].body == "Quarterly results were mixed <ABC> said."  # no <BODY>: the bare text


def test_split_docs_keeps_the_split_and_topics_yes(sgml_folder: Path) -> None:
    docs = read_reuters(sgml_folder)
    assert [d.newid for d in split_docs(docs, "TEST")] == [7]
    assert split_docs(docs, "TRAIN") == []  # its only TRAIN story has TOPICS="NO"


def test_perfect_predictions_score_one() -> None:
    result = prf([True, False, True, False], [True, False, True, False], "trade")
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)
    assert (result.tp, result.fp, result.fn, result.n_docs) == (2, 0, 0, 4)


def test_no_positive_predictions_score_zero_without_dividing_by_zero() -> None:
    result = prf([False, False, False], [True, False, True])
    assert (result.precision, result.recall, result.f1) == (0.0, 0.0, 0.0)
    assert (result.tp, result.fp, result.fn) == (0, 0, 2)
    empty = prf([False, False], [False, False])
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)


def test_prf_refuses_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        prf([True], [True, False])


ON_TOPIC = (
    "Utopia and Erewhon head for a trade war.\n\n"
    "Utopia raised the tariff on Erewhon cloth after its trade deficit doubled. "
    "Erewhon promised retaliation within a week. "
    "Customs officers began checking every lorry at the border."
)
IN_PASSING = (
    "The city opened a new public library.\n\n"
    "Readers queued from dawn to see the reading rooms. "
    "The mayor, a former trade official, cut the ribbon. "
    "Children borrowed more than a thousand books on the first day."
)


def test_a_story_about_the_topic_passes_and_a_passing_mention_does_not() -> None:
    scores = topic_scores([ON_TOPIC, IN_PASSING, ""], TOPIC)
    assert scores.shape == (3,)
    assert scores[0] == pytest.approx(1.0) and scores[1] == 0.0 and scores[2] == 0.0
    assert is_about(scores).tolist() == [True, False, False]


def test_scores_do_not_depend_on_the_other_documents_scored() -> None:
    alone = topic_scores([ON_TOPIC], TOPIC)
    batch = topic_scores([IN_PASSING, ON_TOPIC, IN_PASSING * 3], TOPIC)
    assert batch[1] == pytest.approx(alone[0])


def test_is_about_needs_the_share_threshold() -> None:
    scores = np.array([0.0, MIN_SHARE / 2, MIN_SHARE, 1.0])
    assert is_about(scores).tolist() == [False, False, True, True]
    assert is_about(scores, min_share=0.0).tolist() == [False, True, True, True]


def test_evaluate_docs_compares_with_the_gold_topic() -> None:
    docs = [
        ReutersDoc(1, "TEST", True, ("trade",), "", ON_TOPIC),
        ReutersDoc(2, "TEST", True, ("trade",), "", IN_PASSING),
        ReutersDoc(3, "TEST", True, ("books",), "", IN_PASSING),
    ]
    result = evaluate_docs(docs, TOPIC, "trade")
    assert (result.tp, result.fp, result.fn, result.n_docs) == (1, 0, 1, 3)
    assert result.precision == 1.0 and result.recall == 0.5


@pytest.fixture(scope="module")
def reuters_test() -> TopicEval:
    if not REUTERS.is_dir():
        pytest.skip(f"Reuters-21578 is not at {REUTERS}")
    return evaluate_topics(REUTERS, "trade")


def test_reuters_trade_floor(reuters_test: TopicEval) -> None:
    """Regression floor: the rule's measured TEST result (F1 0.707) and better than the naive
    'counts trade/tariff mentions' baseline (0.66)."""
    assert reuters_test.n_docs == 3299
    assert reuters_test.tp + reuters_test.fn == 117
    assert reuters_test.f1 >= 0.70



@pytest.mark.e2e
def test_eval_topics_command_prints_precision_recall_f1(sgml_folder: Path) -> None:
    from click.testing import CliRunner

    from briefgen.cli import cli

    result = CliRunner().invoke(cli, ["eval", "topics", str(sgml_folder), "--topic", "trade"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "1 test documents, 1 labelled 'trade'"
    assert lines[1].startswith("terms (the topic's rule)     precision 0.000  recall 0.000  F1 0.000")
    assert len(lines) == 2


def _story(newid: int, split: str, topics: tuple[str, ...], text: str) -> str:
    labels = "".join(f"<D>{t}</D>" for t in topics)
    return (f'<REUTERS TOPICS="YES" LEWISSPLIT="{split}" NEWID="{newid}"><TOPICS>{labels}</TOPICS>'
            f"<TEXT><TITLE>STORY {newid}</TITLE><BODY>{text}</BODY></TEXT></REUTERS>\n")


@pytest.mark.e2e
def test_eval_topics_learn_fits_on_train_and_scores_test(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from briefgen.cli import cli
    from briefgen.learn import LearnedTopic
    from tests.test_learn import make_examples

    train, test = make_examples(100, seed=11), make_examples(30, seed=12)
    stories = [_story(i, "TRAIN", ("trade",) if about else ("grain",), text)
               for i, (text, about) in enumerate(zip(*train, strict=True))]
    stories += [_story(1000 + i, "TEST", ("trade",) if about else (), text)
                for i, (text, about) in enumerate(zip(*test, strict=True))]
    (tmp_path / "reut2-000.sgm").write_text("".join(stories), encoding="latin-1")
    model_file = tmp_path / "trade.npz"
    result = CliRunner().invoke(cli, ["eval", "topics", str(tmp_path), "--learn", "--save-model", str(model_file)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "30 test documents, 12 labelled 'trade'"
    assert lines[2].startswith("learned from TRAIN           precision 1.000  recall 1.000  F1 1.000")
    assert "scored on the newest 20" in lines[3]
    assert LearnedTopic.load(model_file).info["examples"] == 100
