"""Churn model: out-of-time split, deterministic training, a card reproducible from its evaluation frame,
scoring, caching, and no look-ahead in the features."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from clientscope.churn.card import FEATURES, Baseline, ModelConfig, decile_table
from clientscope.churn.model import train_or_load
from clientscope.churn.scoring import score_latest
from clientscope.churn.signals import load_signals
from clientscope.churn.split import plan_periods
from clientscope.churn.training import evaluation_frame, train
from clientscope.db import Database

TRAINED_ON = date(2026, 11, 1)


def month_end(index: int) -> date:
    """Month-end `index` months after January 2025."""
    year, month = divmod(2025 * 12 + index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def synthetic_frames(customers: int, months: int, seed: int) -> dict[str, pl.DataFrame]:
    """A small bank where leavers drift (fewer transactions, falling AUM, complaints) before closing."""
    rng = np.random.default_rng(seed)
    customer_rows: list[dict] = []
    month_rows: list[dict] = []
    holding_rows: list[dict] = []
    for i in range(customers):
        cid = f"C{i:05d}"
        base_txn = rng.uniform(4, 20)
        aum = float(rng.lognormal(11, 1))
        logins = rng.uniform(0, 12)
        products = int(rng.integers(1, 5))
        close_index = int(rng.integers(4, months * 2)) if rng.random() < 0.35 else None
        drift_start = None if close_index is None else close_index - int(rng.integers(1, 5))
        close_date = None
        if close_index is not None and close_index < months:
            close_date = month_end(close_index) - timedelta(days=int(rng.integers(0, 27)))
        customer_rows.append(
            {
                "customer_id": cid,
                "open_date": date(2018, 1, 1) + timedelta(days=int(rng.integers(0, 2000))),
                "close_date": close_date,
                "birth_year": int(rng.integers(1950, 2000)),
                "branch_id": f"B{i % 3}",
                "rm_id": f"R{i % 5}",
                "risk_profile": f"C{int(rng.integers(1, 6))}",
            }
        )
        for m in range(months):
            end = month_end(m)
            if close_date is not None and close_date <= end:
                break
            drifting = drift_start is not None and m >= drift_start
            factor = 0.35 if drifting else 1.0
            aum *= float(rng.normal(0.8 if drifting else 1.01, 0.05))
            if drifting and products > 0 and rng.random() < 0.3:
                products -= 1
                holding_rows.append({"customer_id": cid, "close_date": end - timedelta(days=3)})
            month_rows.append(
                {
                    "customer_id": cid,
                    "month": end,
                    "aum_total": aum,
                    "deposits": aum * 0.6,
                    "wealth": aum * 0.3,
                    "insurance": aum * 0.1,
                    "loan_balance": 0.0,
                    "card_spend": float(rng.gamma(2, 800)),
                    "txn_count": int(rng.poisson(base_txn * factor)),
                    "txn_amount": float(rng.gamma(2, 1000)),
                    "digital_logins": int(rng.poisson(logins * factor)),
                    "products_held": products,
                    "complaints": int(rng.random() < (0.25 if drifting else 0.02)),
                }
            )
    holdings = pl.DataFrame(holding_rows, schema={"customer_id": pl.String, "close_date": pl.Date}).with_columns(
        pl.format("H{}", pl.int_range(pl.len())).alias("holding_id"),
        pl.lit("deposit").alias("product_type"),
        pl.lit(date(2018, 1, 1)).alias("open_date"),
    )
    return {
        "customers": pl.DataFrame(customer_rows),
        "customer_months": pl.DataFrame(month_rows),
        "holdings": holdings.select("holding_id", "customer_id", "product_type", "open_date", "close_date"),
    }


def database(frames: dict[str, pl.DataFrame]) -> Database:
    con = duckdb.connect()
    db = Database.from_connection(con, version="synthetic")
    for name, frame in frames.items():
        db.register(name, con.from_arrow(frame.to_arrow()))
    return db


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return synthetic_frames(customers=600, months=16, seed=3)


@pytest.fixture(scope="module")
def bank(frames: dict[str, pl.DataFrame]) -> Database:
    return database(frames)


@pytest.fixture(scope="module")
def trained(bank: Database):
    return train(bank, data_version="synthetic", trained_on=TRAINED_ON, config=ModelConfig(max_iter=60))


def test_periods_leave_a_gap_so_training_labels_are_known_before_the_test_period() -> None:
    months = [month_end(i) for i in range(16)]  # 2025-01 .. 2026-04
    periods = plan_periods(months, test_months=3)
    assert periods.data_end == date(2026, 4, 30)
    # labelled months end 2026-01 (outcome to 2026-04-30); test = the last three of them
    assert (periods.test_first, periods.test_last) == (date(2025, 11, 30), date(2026, 1, 31))
    # training outcomes must end by 2025-11-30: the last training month is 2025-08
    assert (periods.train_first, periods.train_last) == (date(2025, 1, 31), date(2025, 8, 31))


def test_too_few_months_is_a_clear_error() -> None:
    with pytest.raises(ValueError) as error:
        plan_periods([month_end(i) for i in range(8)])
    assert str(error.value) == (
        "the churn model needs at least 9 month-ends of customer_months (training, a 3-month gap, "
        "3 test months and their 3-month outcome); the extract has 8"
    )
    # 9 months: train on January (outcome to April), test April .. June (outcomes to September)
    shortest = plan_periods([month_end(i) for i in range(9)])
    assert (shortest.train_first, shortest.train_last, shortest.test_first) == (
        month_end(0),
        month_end(0),
        month_end(3),
    )


def test_training_feature_months_never_fall_in_the_test_outcome_windows(trained, bank: Database) -> None:
    card = trained.card
    periods = card.periods
    frame = load_signals(bank, first_month=periods.train_first, last_month=periods.train_last)
    test_windows_start = periods.test_first  # outcome windows are (test_first, last day of test_last + 3 months]
    assert frame["month"].max() <= test_windows_start
    assert frame["outcome_end"].max() <= test_windows_start  # every training label known before testing
    assert card.train_rows == frame.height
    assert card.train_churners == int(frame["churned_3m"].sum())


def test_training_is_deterministic_for_a_seed(bank: Database, trained) -> None:
    again = train(bank, data_version="synthetic", trained_on=TRAINED_ON, config=ModelConfig(max_iter=60))
    first, second = evaluation_frame(bank, trained), evaluation_frame(bank, again)
    assert first["model_score"].to_list() == second["model_score"].to_list()
    assert again.card == trained.card


def test_card_numbers_are_reproducible_from_the_evaluation_frame(bank: Database, trained) -> None:
    frame = evaluation_frame(bank, trained)
    card = trained.card
    assert frame.height == card.test_rows
    assert int(frame["churned_3m"].sum()) == card.test_churners
    outcome = frame["churned_3m"].to_numpy()
    assert roc_auc_score(outcome, frame["model_score"].to_numpy()) == pytest.approx(card.model.roc_auc)
    # the baselines from the frame's own columns: the warning score as it is, the AUM change as a fall
    assert roc_auc_score(outcome, frame["warning_score"].to_numpy()) == pytest.approx(card.rule_baseline.roc_auc)
    aum_fall = -frame["aum_trend"].fill_null(0.0).to_numpy()
    assert roc_auc_score(outcome, aum_fall) == pytest.approx(card.baseline("aum_change").evaluation.roc_auc)
    logit = frame["signals_logit_probability"].to_numpy()
    assert roc_auc_score(outcome, logit) == pytest.approx(card.baseline("signals_logit").evaluation.roc_auc)
    assert hand_lift(frame, "model_score") == pytest.approx(card.model.top_decile_lift)
    assert hand_lift(frame, "warning_score") == pytest.approx(card.rule_baseline.top_decile_lift)
    assert card.model.gains[-1] == pytest.approx(1.0)
    assert list(card.model.gains) == sorted(card.model.gains)


def test_the_strongest_baseline_is_the_best_out_of_time_auc(trained) -> None:
    card = trained.card
    assert [b.code for b in card.baselines] == ["warning_score", "aum_change", "signals_logit"]
    best = max(b.evaluation.roc_auc for b in card.baselines)
    assert card.best_baseline.evaluation.roc_auc == best
    assert card.rule_baseline is card.baseline("warning_score").evaluation
    # a tie in AUC goes to the first baseline in the documented order (the warning score)
    same = card.baseline("signals_logit").evaluation
    tied = replace(card, baselines=tuple(Baseline(b.code, same) for b in card.baselines))
    assert tied.best_baseline.code == "warning_score"
    lower = replace(same, roc_auc=same.roc_auc - 0.01)
    aum_wins = replace(card, baselines=(Baseline("warning_score", lower), Baseline("aum_change", same),
                                        Baseline("signals_logit", same)))  # fmt: skip
    assert aum_wins.best_baseline.code == "aum_change"


def hand_lift(frame: pl.DataFrame, score: str) -> float:
    """Top-decile lift written out: the ceil(n / 10) best-scored rows (ties by AUM desc, customer id, month),
    rate / base rate."""
    rows = sorted(frame.iter_rows(named=True), key=lambda r: (r["customer_id"], r["month"]))
    rows = sorted(rows, key=lambda r: (-r[score], -(r["aum_total"] if r["aum_total"] is not None else -np.inf)))
    top = rows[: -(-len(rows) // 10)]
    top_rate = sum(r["churned_3m"] for r in top) / len(top)
    base_rate = sum(r["churned_3m"] for r in rows) / len(rows)
    return top_rate / base_rate


def test_card_describes_the_training(trained) -> None:
    card = trained.card
    assert card.features == FEATURES
    assert card.trained_on == TRAINED_ON
    assert card.data_version == "synthetic"
    assert card.horizon_months == 3
    assert card.test_rows > 0 and 0 < card.test_churners < card.test_rows
    assert card.high_cutoff >= card.medium_cutoff
    assert len(card.model.deciles) == 10
    assert sum(d.rows for d in card.model.deciles) == card.test_rows
    assert sum(d.churners for d in card.rule_baseline.deciles) == card.test_churners


def test_training_without_churners_is_a_clear_error(frames: dict[str, pl.DataFrame]) -> None:
    never_closed = pl.lit(None, dtype=pl.Date).alias("close_date")
    nobody_leaves = {**frames, "customers": frames["customers"].with_columns(never_closed)}
    rows = frames["customer_months"].filter(pl.col("month") <= date(2025, 8, 31)).height
    with pytest.raises(ValueError) as error:
        train(database(nobody_leaves), data_version="x", trained_on=TRAINED_ON)
    assert str(error.value) == (
        f"cannot train the churn model: the training months 2025-01-31 to 2025-08-31 have {rows} "
        "customer-months and 0 churners; both churners and customers who stayed are needed"
    )


def test_decile_table_has_the_model_and_the_baselines(trained) -> None:
    table = decile_table(trained.card)
    # model and warning score, plus the strongest baseline when it is another one
    scores = 2 if trained.card.best_baseline.code == "warning_score" else 3
    assert table.height == 10 * scores
    assert table.filter(pl.col("score") == "model")["cumulative_capture"].to_list() == list(trained.card.model.gains)


def test_large_data_is_sampled_by_customer(bank: Database) -> None:
    small = train(
        bank, data_version="synthetic", trained_on=TRAINED_ON, config=ModelConfig(max_iter=20, max_rows=2_000)
    )
    assert small.card.sample.per_10000 < 10_000
    assert small.card.train_rows + small.card.test_rows < 4_000


def test_score_latest_scores_every_open_customer(bank: Database, trained, frames: dict[str, pl.DataFrame]) -> None:
    scores = score_latest(bank, trained, lang="en")
    latest = frames["customer_months"]["month"].max()
    open_ids = (
        frames["customer_months"]
        .filter(pl.col("month") == latest)
        .join(frames["customers"], on="customer_id")
        .filter(pl.col("close_date").is_null() | (pl.col("close_date") > latest))["customer_id"]
    )
    assert sorted(scores["customer_id"].to_list()) == sorted(open_ids.to_list())
    assert scores["month"].unique().to_list() == [latest]
    probability = scores["churn_probability"]
    assert probability.is_between(0.0, 1.0).all()
    assert probability.to_list() == sorted(probability.to_list(), reverse=True)
    card = trained.card
    expected = [
        "high" if p >= card.high_cutoff else "medium" if p >= card.medium_cutoff else "low" for p in probability
    ]
    assert scores["risk_level"].to_list() == expected
    assert {"reason_codes", "reason_1", "reason_2", "reason_3", "action", "branch_id", "rm_id"} <= set(scores.columns)
    flagged = scores.filter(pl.col("warning_score") > 0)
    assert flagged["reason_1"].null_count() == 0


def test_train_or_load_saves_then_reloads(bank: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = ModelConfig(max_iter=20)
    first = train_or_load(bank, tmp_path, "v1", trained_on=TRAINED_ON, config=config)
    saved = list((tmp_path / "churn").iterdir())
    assert [p.suffix for p in saved] == [".joblib"]  # no temporary file left behind

    def no_training(*args, **kwargs):
        raise AssertionError("should have loaded from the cache")

    monkeypatch.setattr("clientscope.churn.model.train", no_training)
    loaded = train_or_load(bank, tmp_path, "v1", trained_on=date(2030, 1, 1), config=config)
    assert loaded.card == first.card  # including the original training date
    with pytest.raises(AssertionError):
        train_or_load(bank, tmp_path, "v2", trained_on=TRAINED_ON, config=config)  # a new data version retrains


def test_a_damaged_cache_file_is_retrained(bank: Database, tmp_path: Path) -> None:
    config = ModelConfig(max_iter=20)
    first = train_or_load(bank, tmp_path, "v1", trained_on=TRAINED_ON, config=config)
    (path,) = (tmp_path / "churn").iterdir()
    path.write_bytes(b"not a model")
    again = train_or_load(bank, tmp_path, "v1", trained_on=TRAINED_ON, config=config)
    assert again.card == first.card


# ---- no look-ahead: features of month m only use data at or before m --------------------------

FEATURE_COLUMNS = [
    *FEATURES,
    "warning_score",
    "warning_level",
    "txn_drop_flag",
    "aum_drop_flag",
    "complaints_flag",
    "closures_flag",
    "inactive_flag",
    "logins_drop_flag",
]


def perturb_after(frames: dict[str, pl.DataFrame], cutoff: date, seed: int) -> dict[str, pl.DataFrame]:
    """Scramble every customer_months value after `cutoff`, move later close dates, drop later holdings closures."""
    rng = np.random.default_rng(seed)
    months = frames["customer_months"]
    later = pl.col("month") > cutoff
    noise = {
        name: pl.when(later)
        .then(pl.Series(rng.integers(0, 1000, months.height)).cast(months[name].dtype))
        .otherwise(pl.col(name))
        for name in months.columns
        if name not in ("customer_id", "month")
    }
    customers = frames["customers"].with_columns(
        pl.when(pl.col("close_date") > cutoff)
        .then(pl.lit(cutoff) + timedelta(days=1))
        .otherwise(pl.col("close_date"))
        .alias("close_date")
    )
    holdings = frames["holdings"].with_columns(
        pl.when(pl.col("close_date") > cutoff)
        .then(pl.lit(date(2030, 1, 1)))
        .otherwise(pl.col("close_date"))
        .alias("close_date")
    )
    return {"customers": customers, "customer_months": months.with_columns(**noise), "holdings": holdings}


@pytest.mark.parametrize("cutoff_index", [5, 9])
def test_features_do_not_change_when_later_data_changes(frames: dict[str, pl.DataFrame], cutoff_index: int) -> None:
    cutoff = month_end(cutoff_index)
    original = load_signals(database(frames), last_month=cutoff).select("customer_id", "month", *FEATURE_COLUMNS)
    perturbed = load_signals(database(perturb_after(frames, cutoff, seed=cutoff_index)), last_month=cutoff)
    truncated_frames = {
        **frames,
        "customer_months": frames["customer_months"].filter(pl.col("month") <= cutoff),
    }
    truncated = load_signals(database(truncated_frames), last_month=cutoff)
    assert original.height > 0
    assert perturbed.select(original.columns).equals(original)
    assert truncated.select(original.columns).equals(original)
