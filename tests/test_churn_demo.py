"""The churn model on the demo bank (2,000 customers × 24 months, seed 7): it beats every simple baseline out of
time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from clientscope.churn.rules import why_they_churn
from clientscope.churn.scoring import score_latest
from clientscope.churn.training import evaluation_frame, train
from clientscope.db import Database, ViewerScope, run_query

demo = pytest.importorskip("clientscope.demo")
# training on the 24-month demo bank (the module's fixtures) takes ~80 s alone
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_bank(tmp_path_factory: pytest.TempPathFactory) -> Database:
    out = tmp_path_factory.mktemp("churn-demo") / "bank"
    demo.generate(out, customers=2_000, months=24, seed=7)
    return Database.open(Path(out))


@pytest.fixture(scope="module")
def trained(demo_bank: Database):
    return train(demo_bank, data_version=demo_bank.version, trained_on=date(2026, 11, 23))


def test_model_beats_every_simple_baseline_out_of_time(trained) -> None:
    card = trained.card
    model = card.model
    print(f"\nout-of-time ROC AUC: model {model.roc_auc:.4f}, top-decile lift {model.top_decile_lift:.2f}")
    for baseline in card.baselines:
        evaluation = baseline.evaluation
        print(f"{baseline.code}: ROC AUC {evaluation.roc_auc:.4f}, top-decile lift {evaluation.top_decile_lift:.2f}")
    print(f"strongest simple baseline: {card.best_baseline.code}")
    assert all(model.roc_auc > b.evaluation.roc_auc for b in card.baselines)
    # the warning score is not the strongest simple baseline on the demo: the card must not hide that
    assert card.best_baseline.code != "warning_score"
    assert card.model.roc_auc > 0.75
    assert card.model.top_decile_lift > 3


def test_demo_card_is_reproducible(demo_bank: Database, trained) -> None:
    frame = evaluation_frame(demo_bank, trained)
    assert roc_auc_score(frame["churned_3m"].to_numpy(), frame["model_score"].to_numpy()) == pytest.approx(
        trained.card.model.roc_auc
    )
    assert frame.height == trained.card.test_rows


def test_every_open_customer_is_scored(demo_bank: Database, trained) -> None:
    expected = run_query(
        demo_bank,
        "with latest as (select max(month) as month from customer_months) "
        "select count(*) as n from customer_months as cm join customers as c using (customer_id) "
        "where cm.month = (select month from latest) and (c.close_date is null or c.close_date > cm.month)",
    ).frame["n"][0]
    scores = score_latest(demo_bank, trained)
    assert scores.height == expected
    assert set(scores["risk_level"].unique()) == {"high", "medium", "low"}


def test_scores_respect_the_viewer_scope(demo_bank: Database, trained) -> None:
    everyone = score_latest(demo_bank, trained)
    branch = everyone["branch_id"][0]
    scoped = score_latest(demo_bank, trained, scope=ViewerScope(branches=frozenset({branch})))
    assert scoped.height == everyone.filter(pl.col("branch_id") == branch).height
    assert scoped["branch_id"].unique().to_list() == [branch]


def test_why_they_churn_on_the_demo_bank(demo_bank: Database) -> None:
    rules = why_they_churn(demo_bank)
    assert rules
    assert all(0.0 <= rule.churn_rate <= 1.0 for rule in rules)
    assert rules[0].churn_rate > rules[0].base_rate
    assert all(rule.text("en") and rule.text("zh_CN") for rule in rules)
