"""Learning a topic from labelled articles: the model, its file, the command and the briefing.

The examples are made up here: trade-policy stories (about trade) against commodity-market
reports, which are full of "traders" and "trade" in passing but are not about trade policy, and
a few stories about nothing economic at all.
"""

from __future__ import annotations

import pickle
import random
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.config import load_options
from briefgen.doctopic import is_about, topic_scores
from briefgen.learn import LearnedTopic, LearnError, learn_topic
from briefgen.models import Topic
from tests.conftest import md_file

TOPIC = Topic("trade", "Trade", ("trade", "tariff", "customs", "trade deficit", "trader", "quota", "export"))

POLICY = [
    "The two governments agreed to lower tariffs on textiles and machinery from next year.",
    "Negotiators met again to settle the dispute over steel quotas and customs checks.",
    "The commerce minister said the new agreement would open markets for farm goods.",
    "Officials warned of retaliation if the import duties on cars were not withdrawn.",
    "The bilateral trade deficit widened as imports of electronics rose sharply.",
    "A transit accord will let lorries cross the border without paying double customs fees.",
    "Exporters welcomed the decision to scrap licences for shipments to neighbouring states.",
    "The ministry filed a complaint against subsidies it called unfair to local producers.",
    "Parliament approved the pact that removes quotas on cement and glass.",
    "Both sides promised to settle the tariff quarrel before the summit in spring.",
]
MARKET = [
    "Cotton prices closed higher in the afternoon as traders covered short positions.",
    "Dealers said trade in the futures pit was thin ahead of the holiday.",
    "Wheat for March delivery rose two cents a bushel in early trade.",
    "Brokers expect the market to stay quiet until the harvest figures arrive.",
    "Gold slipped in late trade after a firmer dollar.",
    "The exchange reported volume of about ten thousand lots on the day.",
    "Analysts said rain in the growing areas weighed on prices.",
    "Most traders stayed on the sidelines before the weekend.",
    "Sugar futures eased as export quota talk faded among dealers.",
    "Coffee traders said roasters bought steadily on the dip.",
]
OTHER = [
    "The home side scored twice in the second half to win the cup final.",
    "Heavy snow closed the mountain pass for a third day.",
    "The museum reopened its east wing after two years of repairs.",
    "Thousands of runners took part in the city marathon on Sunday.",
    "Forecasters expect a mild and dry week across the valley.",
    "The orchestra played to a full hall on the opening night.",
]


def make_examples(n: int, seed: int) -> tuple[list[str], list[bool]]:
    """``n`` made-up articles, oldest first: two in five about trade policy."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        about = i % 5 in (0, 3)
        pool = POLICY if about else (MARKET if i % 5 != 4 else OTHER)
        sentences = rng.sample(pool, 4) + rng.sample(OTHER, 1)
        texts.append(" ".join(sentences))
        labels.append(about)
    return texts, labels


@pytest.fixture(scope="module")
def model() -> LearnedTopic:
    texts, labels = make_examples(100, seed=1)
    return learn_topic(texts, labels, TOPIC)


def test_the_model_tells_policy_from_market_reports_the_term_rule_cannot(model: LearnedTopic) -> None:
    texts, labels = make_examples(60, seed=2)  # new articles, never seen in training
    gold = np.array(labels)
    predicted = model.predict(texts)
    assert (predicted == gold).mean() >= 0.95
    # the terms alone take some market reports ("traders", "export quota") for trade stories
    rule = is_about(topic_scores(texts, TOPIC))
    assert (rule & ~gold).any()
    assert not (predicted & ~gold & rule).sum() > 1


def test_settings_are_chosen_on_the_newest_examples(model: LearnedTopic) -> None:
    assert model.info["validation"] == "trained on the oldest 80 examples, scored on the newest 20"
    assert model.info["examples"] == 100 and model.info["positives"] == 40
    assert 0.0 <= float(model.info["validation_f1"]) <= 1.0


def test_few_recent_positives_fall_back_to_cross_validation() -> None:
    texts, labels = make_examples(40, seed=3)
    order = np.argsort(labels, kind="stable")[::-1]  # every positive first: none among the newest
    learned = learn_topic([texts[i] for i in order], [labels[i] for i in order], TOPIC)
    assert "cross-validation" in str(learned.info["validation"])


def test_too_few_examples_is_a_clear_error() -> None:
    texts, labels = make_examples(10, seed=4)
    with pytest.raises(LearnError, match="4 examples about 'trade' and 6 not: at least 5 of each are needed"):
        learn_topic(texts, labels, TOPIC)
    with pytest.raises(LearnError, match="3 texts but 2 labels"):
        learn_topic(texts[:3], labels[:2], TOPIC)


def test_a_saved_model_decides_exactly_as_before(model: LearnedTopic, tmp_path: Path) -> None:
    path = tmp_path / "trade.model"  # no .npz suffix: the name is kept as given
    model.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["trade.model"]
    again = LearnedTopic.load(path)
    texts, _ = make_examples(20, seed=5)
    np.testing.assert_allclose(again.decision(texts), model.decision(texts))
    assert again.topic == TOPIC and again.info == model.info


@pytest.mark.parametrize("content", [
    pickle.dumps({"coef": [1.0]}),  # a pickle could run code when read: refused
    b"not a model at all",
])
def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(LearnError, match="not a briefgen topic model"):
        LearnedTopic.load(path)


def test_an_npz_holding_objects_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "objects.npz"
    np.savez(path, header=np.array([{"format": 1}], dtype=object), vocabulary=np.array(["a"]))
    with pytest.raises(LearnError, match="not a briefgen topic model"):
        LearnedTopic.load(path)


def _write_folders(root: Path, n: int, seed: int) -> tuple[Path, Path]:
    texts, labels = make_examples(n, seed)
    about, other = root / "about", root / "other"
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        day = f"2026-10-{1 + i * 30 // n:02d}"
        md_file(about if label else other, f"{i:03d}.md", text, title=f"Story {i}", date=day)
    return about, other


@pytest.mark.e2e
def test_learn_command_writes_a_model_that_daily_uses(tmp_path: Path) -> None:
    about, other = _write_folders(tmp_path / "marked", 100, seed=6)
    model_file = tmp_path / "config" / "trade.npz"
    model_file.parent.mkdir()
    result = CliRunner().invoke(cli, ["learn", "--topic", "trade", "--about", str(about), "--not-about", str(other),
                                      "-o", str(model_file)])
    assert result.exit_code == 0, result.output
    first, second = result.stdout.splitlines()
    learned = re.fullmatch(r"learned 'trade' from (\d+) articles \((\d+) about it(?:; (\d+) near-duplicates counted once)?\) -> (.*)", first)
    assert learned is not None, first
    assert int(learned[1]) + int(learned[3] or 0) == 100 and learned[4] == str(model_file)
    assert re.fullmatch(r"validation F1 \d\.\d{3} \(trained on the oldest \d+ examples, scored on the newest \d+\)", second)

    # the week's news: one trade-policy story, one market report full of "trade" and "traders"
    corpus = tmp_path / "corpus"
    md_file(corpus, "policy.md", " ".join(POLICY[:6]), title="Tariff pact agreed", date="2026-11-24")
    md_file(corpus, "market.md", " ".join(MARKET[:6]), title="Grain futures steady", date="2026-11-24")
    config = tmp_path / "config" / "desk.toml"
    config.write_text('[topics.trade]\nmodel = "trade.npz"\n', encoding="utf-8")  # relative to the config
    assert load_options(config).topics[0].model == str(model_file)

    for extra, expect_market in (([], True), (["--config", str(config)], False)):
        out = tmp_path / ("out-model" if extra else "out-plain")
        log_file = tmp_path / f"{out.name}.log"
        result = CliRunner().invoke(cli, ["daily", "--corpus", str(corpus), "--out", str(out), "--date", "2026-11-24",
                                          "--format", "md", "--no-history", "--log-file", str(log_file), *extra])
        assert result.exit_code == 0, result.output
        assert ("topic trade: its model accepts 1 of 2 articles" in log_file.read_text()) is not expect_market
        briefing = (out / "2026-11-24" / "briefing.md").read_text()
        trade_points = [line for line in briefing.split("## Key points", 1)[1].split("\n## ", 1)[0].splitlines()
                        if line.startswith("- *Trade and Economy —*")]  # key points are not printed again in their section
        trade_section = "\n".join(trade_points) + briefing.split("## Trade and Economy", 1)[1].split("\n## ", 1)[0]
        assert any(sentence in trade_section for sentence in POLICY[:6])
        assert any(sentence in trade_section for sentence in MARKET[:6]) is expect_market


@pytest.mark.e2e
def test_a_missing_model_file_stops_the_run_with_a_hint(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    md_file(corpus, "policy.md", " ".join(POLICY[:6]), title="Tariff pact agreed", date="2026-11-24")
    config = tmp_path / "desk.toml"
    config.write_text('[topics.trade]\nmodel = "gone.npz"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["daily", "--corpus", str(corpus), "--out", str(tmp_path / "out"),
                                      "--date", "2026-11-24", "--config", str(config)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {tmp_path / 'gone.npz'}: cannot read the model of topic 'trade'")
    assert "Hint: train it with `briefgen learn --topic trade`" in result.stderr
    assert not (tmp_path / "out" / "2026-11-24").exists()
