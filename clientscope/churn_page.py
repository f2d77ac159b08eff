"""Data behind the `/churn` page: the trained model, cached scores and signal flags, and the page's queries.

The churn library (`clientscope.analytics.churn`, docs/churn-model.md) trains the model; this module is the
glue the page, its workbook and the tests share:

- `churn_status(db, today)` trains or loads the model once per data version (`train_or_load`, cached on disk
  under `settings.cache_root()/churn/`) and caches two derived Parquet files next to it: the scores of every
  open customer at the latest month-end (`scores.parquet`) and the six signal flags of every open
  customer-month (`flags.parquet`), each row with the region, branch, RM, tier and acquisition channel of its
  month. Files are written to a temporary name and renamed, so two workers racing on a first visit both end
  up reading a whole file; a restart reuses them. The build step (`build_churn_files`) makes them up front.
- The page queries (`queries/churn_page/*.sql`) read those files as the views `churn_scores` and
  `churn_flags`, which a restricted viewer's scope filters like every customer-keyed table, and apply the page
  filters (filter bar, drill path, cross-filters, the `p.signal` page option) to their own columns: no join
  with the customer-month mart per request.

"At risk" means the model's risk level `high` (top 10 % of the test period's scores); a risk-level
cross-filter (`x.risk_level`) replaces it with the clicked level.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import joblib
import polars as pl

from clientscope import settings
from clientscope.analytics.churn import (
    HORIZON_MONTHS,
    ChurnRule,
    ModelConfig,
    Sample,
    Signal,
    TrainedModel,
    evaluation_frame,
    load_signals,
    train_or_load,
    why_they_churn,
    with_reasons,
)
from clientscope.analytics.churn_metrics import assign_deciles
from clientscope.analytics.churn_model import (
    BASELINES,
    DEFAULT_CONFIG,
    ModelCard,
    cache_key,
    decile_table,
    month_counts,
    score_latest,
    tie_break,
)
from clientscope.analytics.churn_rules import recent_labelled_periods
from clientscope.analytics.churn_signals import FLAG_COLUMN, SignalRules, default_rules
from clientscope.cache import run_named_cached
from clientscope.components.page import PageContext
from clientscope.db import FULL_SCOPE, Database, ViewerScope, query_sql, run_named
from clientscope.export import mask_value
from clientscope.i18n import MESSAGES, t
from clientscope.kpis import period_bounds
from clientscope.marts import params_for
from clientscope.semantic import format_value
from clientscope.state import ViewState, to_query

log = logging.getLogger(__name__)

PAGE_FILES_VERSION = "3"  # bump when the layout of scores.parquet / flags.parquet changes
LEVELS: tuple[str, ...] = ("region", "branch", "rm")  # the drill hierarchy; after the RM: the customer list
RISK_LEVELS: tuple[str, ...] = ("high", "medium", "low")
AT_RISK: tuple[str, ...] = ("high",)
SIGNALS: tuple[str, ...] = tuple(signal.value for signal in Signal)
SIGNAL_OPTION = "signal"  # page option p.signal=<code>: customers with that signal firing at the scoring month
TREND_HISTORY_MONTHS = 6  # the transaction and login trends compare 3 months with the 3 before
FLAGS_MAX_ROWS = 2_000_000  # customer-months kept in flags.parquet; larger extracts keep a seeded customer sample
RULES_RECENT_MONTHS = 6  # why_they_churn's default window
SORTABLE = ("churn_probability", "aum_total")
# Bin edges of the probability histogram (the model's cut-offs are added, so no bin straddles a risk level).
HISTOGRAM_EDGES: tuple[float, ...] = (0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)


class ModelUnavailable(Exception):
    """The churn model cannot be trained on this extract (the message says why, in English)."""

    def __init__(self, reason: str, *, months: int) -> None:
        super().__init__(reason)
        self.months = months


@dataclass(frozen=True)
class ChurnData:
    """The model of one data version and the page's files derived from it."""

    trained: TrainedModel
    scores_path: Path
    flags_path: Path
    flags_sample: Sample
    as_of: date  # the scoring month-end (the latest month of the extract)
    months: int  # month-ends in the extract


@dataclass(frozen=True)
class ChurnStatus:
    data: ChurnData | None
    problem: ModelUnavailable | None = None


# --- the model and its cached files ------------------------------------------------------------------------------


def model_config(month_count: int) -> ModelConfig:
    """The default settings; on short extracts a shorter test period so the trend signals exist in training.

    With n month-ends the training months end at n - test_months - 5 (docs/churn-model.md §3) and the 6-month
    trends start at month 6, so n - test_months - 5 >= 6. On 12 or 13 month-ends the test period is 1 or 2
    months instead of 3 (the model card says which months); below 12 the default is tried and may fail.
    """
    fitting = month_count - HORIZON_MONTHS - 2 - TREND_HISTORY_MONTHS
    if fitting >= DEFAULT_CONFIG.test_months or fitting < 1:
        return DEFAULT_CONFIG
    return replace(DEFAULT_CONFIG, test_months=fitting)


def churn_status(db: Database, today: date, rules: SignalRules | None = None) -> ChurnStatus:
    """The model and page files for the data version `db` serves; trained on first use (`today` is its date).

    `rules` is the warning score of the app's metrics.yaml (`SignalRules.from_rules(model.rules)`); by default
    the file `settings.metrics_file()` names.
    """
    return _status(db, db.version, str(settings.cache_root()), today, rules or default_rules())


def page_rules(pc: PageContext) -> SignalRules:
    """The warning score of the metrics.yaml the app serves."""
    return SignalRules.from_rules(pc.model.rules)


def churn_data(db: Database, today: date, rules: SignalRules | None = None) -> ChurnData:
    status = churn_status(db, today, rules)
    if status.data is None:
        raise status.problem or ModelUnavailable("no model", months=0)
    return status.data


@lru_cache(maxsize=8)
def _status(db: Database, version: str, cache_root: str, today: date, rules: SignalRules) -> ChurnStatus:
    # Keyed by the data version and the day: a refreshed extract gets a new model, and a new day only
    # reloads the files from disk (train_or_load keeps a cached card's original training date).
    months = month_counts(db)
    count = months.height
    config = model_config(count)
    root = Path(cache_root)
    try:
        trained = train_or_load(db, root, version, trained_on=today, rules=rules, config=config)
    except ValueError as exc:
        log.warning("churn model unavailable for data version %s: %s", version, exc)
        return ChurnStatus(None, ModelUnavailable(str(exc), months=count))
    scores_path = _page_folder(root, version, trained.rules, config) / "scores.parquet"
    folder = scores_path.parent
    if not scores_path.is_file():
        _write_parquet_atomic(_scores_frame(db, trained), scores_path)
    sample = flags_sample(months, config)
    flags_path = folder / f"flags-{sample.per_10000}.parquet"
    if not flags_path.is_file():
        _write_parquet_atomic(_flags_frame(db, trained, sample), flags_path)
    as_of = pl.read_parquet(scores_path, columns=["month"])["month"].max() or months["month"].max()
    # the page's queries read them as views, which a restricted viewer's scope filters (queries/scope/churn_*.sql)
    db.register("churn_scores", db.con.read_parquet(str(scores_path)))
    db.register("churn_flags", db.con.read_parquet(str(flags_path)))
    return ChurnStatus(ChurnData(trained, scores_path, flags_path, sample, as_of, count))


def churn_files_present(db: Database) -> bool:
    """Whether this data version's model and page files are on disk (looked up by name: nothing is read)."""
    root = settings.cache_root()
    models = (root / "churn").glob(f"model-{db.version}-*.joblib")
    scores = (root / "churn_page").glob(f"{db.version}-*-{PAGE_FILES_VERSION}/scores.parquet")
    return next(models, None) is not None and next(scores, None) is not None


def build_churn_files(db: Database, today: date, rules: SignalRules | None = None) -> None:
    """Train the model and write the page files now, in the build step, so that no visitor waits for them.

    When this data version's files are on disk, nothing is read: unpickling the model imports scikit-learn and
    counting the months scans the extract, which together cost seconds of every cold start. (Files of the same
    data version under other settings count as present; the page then trains its own on first use.)
    """
    if churn_files_present(db):
        return
    log.info("training the churn model for data version %s", db.version)
    churn_status(db, today, rules)


def _page_folder(root: Path, version: str, rules: SignalRules, config: ModelConfig) -> Path:
    return root / "churn_page" / f"{cache_key(version, rules, config)}-{PAGE_FILES_VERSION}"


def flags_sample(months: pl.DataFrame, config: ModelConfig) -> Sample:
    """Every customer unless the extract has more than FLAGS_MAX_ROWS open customer-months."""
    rows = int(months["open_customers"].sum()) if months.height else 0
    if rows <= FLAGS_MAX_ROWS:
        return Sample(config.seed)
    return Sample(config.seed, max(1, 10_000 * FLAGS_MAX_ROWS // rows))


def _scores_frame(db: Database, trained: TrainedModel) -> pl.DataFrame:
    """Every open customer at the latest month-end, scored (reasons are worded per request, per language)."""
    scored = score_latest(db, trained, scope=FULL_SCOPE)
    return _with_attributes(db, scored.drop("reason_1", "reason_2", "reason_3", "action", "reason_codes"))


def _flags_frame(db: Database, trained: TrainedModel, sample: Sample) -> pl.DataFrame:
    frame = load_signals(db, trained.rules, sample=sample, scope=FULL_SCOPE)
    return _with_attributes(db, frame.select("customer_id", "month", *FLAG_COLUMN.values()))


def _with_attributes(db: Database, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (customer_id, month, …) with the attributes the page filters on, as of each row's month."""
    cur = db.con.cursor()  # its own connection: the registered rows never leak into other queries
    try:
        own = rows.drop("region", "branch_id", "rm_id", "tier", "acquisition_channel", strict=False)
        cur.register("page_rows", own)
        return cur.sql(query_sql("churn_page/with_attributes")).pl()
    finally:
        cur.close()


def _write_parquet_atomic(frame: pl.DataFrame, path: Path) -> None:
    _write_atomic(path, lambda temp: frame.write_parquet(temp, compression="zstd"))


def _write_atomic(path: Path, write: Callable[[str], Any]) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- filters of the current view ---------------------------------------------------------------------------------

# metrics.yaml dimension → the `$named` list parameter of queries/churn_page/*.sql
_FILTER_PARAMS: dict[str, str] = {
    "region": "regions",
    "branch": "branches",
    "rm": "rms",
    "tier": "tiers",
    "acquisition_channel": "channels",
}


def selected_signal(state: ViewState) -> str | None:
    value = state.option(SIGNAL_OPTION, SIGNALS, "")
    return value or None


def selected_levels(state: ViewState) -> tuple[str, ...]:
    """The risk levels the page calls "at risk": the clicked risk level, else high."""
    clicked = state.cross.get("risk_level")
    return (clicked,) if clicked in RISK_LEVELS else AT_RISK


def filter_params(pc: PageContext, *, with_levels: bool = True) -> dict[str, Any]:
    """The view's filters (bar, drill path, cross-filters, signal) as the churn_page SQL parameters."""
    params: dict[str, Any] = {name: None for name in _FILTER_PARAMS.values()}
    params["levels"] = None
    for dimension, values in pc.metric_filters().items():
        name = _FILTER_PARAMS.get(dimension)
        if name and values:
            params[name] = sorted(values)
    # x.risk_level is the page's own cross-filter on the model's level (components/page.py CHURN_RISK_CROSS)
    clicked = pc.state.cross.get("risk_level")
    params["levels"] = [clicked] if with_levels and clicked in RISK_LEVELS else None
    params["signal"] = selected_signal(pc.state)
    return params


def _query(pc: PageContext, name: str, params: Mapping[str, Any]) -> pl.DataFrame:
    # Only the parameters the file names are bound: DuckDB rejects unused ones.
    bound = params_for(query_sql(f"churn_page/{name}"), params)
    return run_named_cached(pc.db, f"churn_page/{name}", bound, scope=pc.scope).frame


# --- risk distribution and at-risk numbers -----------------------------------------------------------------------


def histogram_edges(data: ChurnData) -> tuple[float, ...]:
    """HISTOGRAM_EDGES with the model's medium and high cut-offs added."""
    card = data.trained.card
    return tuple(sorted({*HISTOGRAM_EDGES, round(card.medium_cutoff, 12), round(card.high_cutoff, 12)}))


def distribution(pc: PageContext, data: ChurnData) -> pl.DataFrame:
    """Customers and AUM per probability bin: bin, low, high, risk_level, customers, aum_total.

    Every filter applies except the risk-level cross-filter (the chart shows every level and marks the
    selected one).
    """
    edges = histogram_edges(data)
    params = {**filter_params(pc, with_levels=False), "edges": list(edges)}
    frame = _query(pc, "distribution", params)
    lows = pl.Series("low", edges[:-1], dtype=pl.Float64)
    highs = pl.Series("high", edges[1:], dtype=pl.Float64)
    bins = pl.DataFrame({"bin": list(range(1, len(edges))), "low": lows, "high": highs})
    return frame.join(bins, on="bin", how="left").select(
        "bin", "low", "high", "risk_level", pl.col("customers").cast(pl.Int64), pl.col("aum_total").cast(pl.Float64)
    )


def level_totals(dist: pl.DataFrame) -> pl.DataFrame:
    """Customers and AUM per risk level (high, medium, low; zero rows included) from `distribution`."""
    levels = pl.DataFrame({"risk_level": list(RISK_LEVELS)})
    sums = dist.group_by("risk_level").agg(pl.col("customers").sum(), pl.col("aum_total").sum())
    return levels.join(sums, on="risk_level", how="left").with_columns(
        pl.col("customers").fill_null(0).cast(pl.Int64), pl.col("aum_total").fill_null(0.0)
    )


@dataclass(frozen=True)
class Headline:
    customers: int  # scored customers in the filtered scope (all levels)
    aum_total: float
    at_risk_customers: int  # at the selected levels
    at_risk_aum: float

    @property
    def at_risk_share(self) -> float | None:
        return self.at_risk_customers / self.customers if self.customers else None

    @property
    def at_risk_aum_share(self) -> float | None:
        return self.at_risk_aum / self.aum_total if self.aum_total else None


def headline(pc: PageContext, totals: pl.DataFrame) -> Headline:
    chosen = totals.filter(pl.col("risk_level").is_in(list(selected_levels(pc.state))))
    return Headline(
        customers=int(totals["customers"].sum()),
        aum_total=float(totals["aum_total"].sum()),
        at_risk_customers=int(chosen["customers"].sum()),
        at_risk_aum=float(chosen["aum_total"].sum()),
    )


def at_risk_by(pc: PageContext, data: ChurnData, level: str) -> pl.DataFrame:
    """code, customers, at_risk_customers, at_risk_aum, aum_total per `level` (region, branch, rm or tier)."""
    if level not in (*LEVELS, "tier"):
        raise ValueError(f"unknown level {level!r}")
    params = {
        **filter_params(pc, with_levels=False),
        "level": level,
        "at_risk_levels": list(selected_levels(pc.state)),
    }
    frame = _query(pc, "at_risk_by", params)
    return frame.with_columns(
        pl.col("customers").cast(pl.Int64),
        pl.col("at_risk_customers").cast(pl.Int64),
        pl.col("at_risk_aum").cast(pl.Float64),
        pl.col("aum_total").cast(pl.Float64),
    )


def reason_mix(pc: PageContext, data: ChurnData) -> pl.DataFrame:
    """signal, customers (with it firing), share — among the selected customers at the selected risk levels."""
    params = {**filter_params(pc), "levels": list(selected_levels(pc.state))}
    row = _query(pc, "reason_mix", params).row(0, named=True)
    total = int(row["customers"] or 0)
    return pl.DataFrame(
        {
            "signal": list(SIGNALS),
            "customers": [int(row[s] or 0) for s in SIGNALS],
            "share": [(int(row[s] or 0) / total) if total else None for s in SIGNALS],
        },
        schema={"signal": pl.String, "customers": pl.Int64, "share": pl.Float64},
    )


# --- the drill path ----------------------------------------------------------------------------------------------


def drill_level(state: ViewState) -> str | None:
    """The level the drill chart shows next: region, then branch, then RM; None once an RM is chosen."""
    if not state.drill:
        return LEVELS[0]
    last = state.drill[-1][0]
    if last not in LEVELS:
        return LEVELS[0]
    index = LEVELS.index(last)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


def drilled(state: ViewState, level: str, code: str) -> ViewState:
    """The state one level further down: `level: code` appended to the drill path (filters kept)."""
    return replace(state, drill=(*state.drill, (level, code)))


@dataclass(frozen=True)
class Crumb:
    label: str
    state: ViewState  # the view this crumb links to
    active: bool


def breadcrumb(state: ViewState, labels: Mapping[str, Mapping[str, str]], root_label: str) -> list[Crumb]:
    """The root (every region) and one crumb per drill level; each links to the view cut at that level."""
    crumbs = [Crumb(root_label, replace(state, drill=()), not state.drill)]
    for depth, (key, value) in enumerate(state.drill, start=1):
        crumbs.append(
            Crumb(
                labels.get(key, {}).get(value, value),
                replace(state, drill=state.drill[:depth]),
                depth == len(state.drill),
            )
        )
    return crumbs


# --- signals over time -------------------------------------------------------------------------------------------


def _month_end(month: str) -> date:
    first = date.fromisoformat(month + "-01")
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def signal_shares(pc: PageContext, data: ChurnData) -> pl.DataFrame:
    """month, customers, then per signal the customers with it firing and their share (`<signal>_share`)."""
    start, end = period_bounds(pc)
    levels = pc.state.cross.get("risk_level")
    params = {
        **filter_params(pc, with_levels=False),
        "levels": [levels] if levels in RISK_LEVELS else None,
        "first_month": date.fromisoformat(start + "-01") if start else date.min,
        "last_month": _month_end(end) if end else date.max,
    }
    frame = _query(pc, "signal_shares", params)
    return frame.with_columns(
        pl.col("customers").cast(pl.Int64),
        *(pl.col(s).cast(pl.Int64) for s in SIGNALS),
        *((pl.col(s) / pl.col("customers")).alias(f"{s}_share") for s in SIGNALS),
    )


def signal_shares_long(wide: pl.DataFrame) -> pl.DataFrame:
    """month, signal, firing, customers, share — one row per month and signal (for the line chart)."""
    if wide.is_empty():
        return pl.DataFrame(
            schema={
                "month": pl.Date,
                "signal": pl.String,
                "firing": pl.Int64,
                "customers": pl.Int64,
                "share": pl.Float64,
            }
        )
    parts = [
        wide.select(
            "month",
            pl.lit(s).alias("signal"),
            pl.col(s).alias("firing"),
            "customers",
            pl.col(f"{s}_share").alias("share"),
        )
        for s in SIGNALS
    ]
    return pl.concat(parts)


# --- the retention action list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionPage:
    rows: pl.DataFrame
    total: int


def action_list(
    pc: PageContext,
    data: ChurnData,
    *,
    offset: int = 0,
    limit: int = 100,
    sort_key: str = "churn_probability",
    descending: bool = True,
    levels: Sequence[str] | None = (),
    mask: bool = True,
) -> ActionPage:
    """One page of the retention action list, riskiest first, with reasons and the suggested action in words.

    `levels` () means the selected risk levels (at risk by default); None means every level (an RM's full
    customer list). Columns: customer_id, name, phone (masked unless the viewer may see personal data; `mask`
    False leaves that to the Excel builder, which masks by the same rule), region,
    branch_id, branch_name, rm_id, rm_name, tier, aum_total, churn_probability, risk_level, warning_score,
    reason_codes, reason_1..3, reasons (joined), action, plus the signal values and flags.
    """
    if sort_key not in SORTABLE:
        raise ValueError(f"cannot sort the action list by {sort_key!r}")
    chosen = list(selected_levels(pc.state)) if levels == () else (list(levels) if levels is not None else None)
    params = {
        **filter_params(pc),
        "levels": chosen,
        "sort_key": sort_key,
        "descending": descending,
        "limit": max(0, int(limit)),
        "offset": max(0, int(offset)),
    }
    frame = _query(pc, "action_list", params)
    total = int(frame["total_rows"][0]) if frame.height else _count(pc, data, params)
    return ActionPage(worded(frame, data, pc.lang, pc.scope if mask else FULL_SCOPE), total)


def _count(pc: PageContext, data: ChurnData, params: dict[str, Any]) -> int:
    """The row count when the requested page is past the end (the page query returns no row to carry it)."""
    if params["offset"] == 0:
        return 0
    first = _query(pc, "action_list", {**params, "offset": 0, "limit": 1})
    return int(first["total_rows"][0]) if first.height else 0


def worded(frame: pl.DataFrame, data: ChurnData, lang: str, scope: ViewerScope) -> pl.DataFrame:
    """Add reasons and the action in `lang`; add missing personal columns; mask them unless allowed."""
    for column in ("name", "phone"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    frame = with_reasons(frame, data.trained.rules, lang)
    frame = frame.with_columns(
        pl.concat_str(
            ["reason_1", "reason_2", "reason_3"], separator="；" if lang == "zh_CN" else "; ", ignore_nulls=True
        )
        .replace("", None)
        .alias("reasons")
    )
    if not scope.can_see_personal:
        frame = frame.with_columns(
            pl.Series("name", [mask_value(v, "name") for v in frame["name"].to_list()], dtype=pl.String),
            pl.Series("phone", [mask_value(v, "phone") for v in frame["phone"].to_list()], dtype=pl.String),
        )
    return frame


# --- model card, evaluation rows, why they churn -----------------------------------------------------------------


def evaluation_rows(pc: PageContext, data: ChurnData) -> pl.DataFrame:
    """The test rows behind the model card, one per customer-month, for the workbook.

    customer_id, month, aum_total, churned_3m (0/1), model_score, warning_score, aum_trend, per baseline its
    calibrated probability (`<code>_probability`) and decile (`<code>_decile`), and model_decile. Deciles rank by
    score with ties by AUM (highest first), customer id, month, so anyone can recompute the card from this sheet.
    A restricted viewer gets only the rows of their own customers: the card describes the bank-wide model, but
    no row of another region, branch or book leaves the database for them, not even without its id (the deciles
    are still those of the whole test set, so a viewer's rows read as they rank bank-wide).
    """
    frame = evaluation_frame(pc.db, data.trained)
    ties = tie_break(frame)
    frame = frame.with_columns(
        pl.Series("model_decile", assign_deciles(frame["model_score"].to_numpy(), ties), dtype=pl.Int64),
        *(
            pl.Series(f"{code}_decile", assign_deciles(frame[f"{code}_rank"].to_numpy(), ties), dtype=pl.Int64)
            for code in BASELINES
        ),
    )
    if pc.scope.restricted:
        visible = run_named(pc.db, "churn_page/customer_ids", scope=pc.scope).frame["customer_id"]
        frame = frame.filter(pl.col("customer_id").is_in(visible.implode()))
    return frame.select(
        "customer_id",
        "month",
        "aum_total",
        pl.col("churned_3m").cast(pl.Int64),
        "model_score",
        "model_decile",
        pl.col("warning_score").cast(pl.Int64),
        "aum_trend",
        *(c for code in BASELINES for c in (f"{code}_probability", f"{code}_decile")),
    )


@dataclass(frozen=True)
class RulesView:
    rules: tuple[ChurnRule, ...]
    first_month: date | None
    last_month: date | None
    problem: str | None = None


def churn_rules_view(db: Database, scope: ViewerScope) -> RulesView:
    """Why customers churn (the decision-tree rules) for the viewer's customers; cached per data version."""
    return _rules(db, db.version, str(settings.cache_root()), scope)


@lru_cache(maxsize=16)
def _rules(db: Database, version: str, cache_root: str, scope: ViewerScope) -> RulesView:
    digest = hashlib.sha256(repr((scope.as_params(), PAGE_FILES_VERSION)).encode()).hexdigest()[:12]
    path = Path(cache_root) / "churn_page" / f"rules-{version}-{digest}.joblib"
    if path.is_file():
        try:
            loaded = joblib.load(path)
            if isinstance(loaded, RulesView):
                return loaded
        except Exception:  # a damaged cache file is recomputed, never fatal
            log.warning("ignoring unreadable %s", path)
    months = month_counts(db)["month"].to_list()
    try:
        first, last = recent_labelled_periods(months, RULES_RECENT_MONTHS)
        view = RulesView(tuple(why_they_churn(db, scope=scope)), first, last)
    except ValueError as exc:
        return RulesView((), None, None, str(exc))
    _write_atomic(path, lambda temp: joblib.dump(view, temp))
    return view


# --- words and numbers for the page ------------------------------------------------------------------------------


def money_formatter(pc: PageContext) -> Callable[[float | None], str]:
    """AUM as the page shows it (metrics.yaml's format of aum_total: ¥1.23亿 / ¥123.46M)."""
    fmt = pc.model.format_of("aum_total")
    return lambda value: format_value(value, fmt, pc.lang)


def risk_level_labels(pc: PageContext) -> dict[str, str]:
    """The model's risk levels in words (not metrics.yaml's `warning_level`, which is the rule score's)."""
    return {level: t(f"churn.level.{level}", pc.lang) for level in RISK_LEVELS}


def signal_labels(lang: str) -> dict[str, str]:
    return {code: t(f"churn.signal.{code}", lang) for code in SIGNALS}


def feature_labels(features: Sequence[str], lang: str) -> list[str]:
    return [t(f"churn.feature.{name}", lang) if f"churn.feature.{name}" in MESSAGES else name for name in features]


def decile_frame(card: ModelCard) -> pl.DataFrame:
    """Gains and calibration by decile, model and rule baseline (churn_model.decile_table)."""
    return decile_table(card)


def _ratio(value: float) -> str:
    return f"{value:.2f}×"


def baseline_name(code: str, lang: str) -> str:
    return t(f"churn.baseline.{code}", lang)


def card_rows(card: ModelCard, lang: str) -> list[tuple[str, str, str, str, str]]:
    """(key, label, model, strongest simple baseline, warning score) rows of the model card's comparison table."""
    model, best, rule = card.model, card.best_baseline.evaluation, card.rule_baseline
    scores = (model, best, rule)
    return [
        ("auc", t("churn.card.auc", lang), *(f"{e.roc_auc:.3f}" for e in scores)),
        ("lift", t("churn.card.lift", lang), *(_ratio(e.top_decile_lift) for e in scores)),
        ("capture", t("churn.card.capture", lang), *(percent_text(e.deciles[0].cumulative_capture) for e in scores)),
        ("top-rate", t("churn.card.top_rate", lang), *(percent_text(e.deciles[0].observed_rate) for e in scores)),
    ]


def baseline_rows(card: ModelCard, lang: str) -> list[tuple[str, str, str, str, bool]]:
    """(code, name, ROC AUC, top-decile lift, is the strongest) per simple baseline, in BASELINES order."""
    best = card.best_baseline.code
    return [
        (
            b.code,
            baseline_name(b.code, lang),
            f"{b.evaluation.roc_auc:.3f}",
            _ratio(b.evaluation.top_decile_lift),
            b.code == best,
        )
        for b in card.baselines
    ]


def percent_text(value: float) -> str:
    return f"{value * 100:.1f}%"


def card_facts(card: ModelCard, lang: str) -> list[tuple[str, str, str]]:
    """(label, value, key) facts of the model card: periods, row counts, sample, training date, cut-offs."""
    periods = card.periods
    sample = (
        t("churn.card.sample_all", lang)
        if card.sample.per_10000 >= 10_000
        else t("churn.card.sample_part", lang, share=f"{card.sample.per_10000 / 100:g}%", seed=card.sample.seed)
    )
    return [
        (t("churn.card.test_period", lang), f"{periods.test_first} – {periods.test_last}", "test-period"),
        (
            t("churn.card.test_rows", lang),
            t("churn.card.rows_churners", lang, rows=f"{card.test_rows:,}", churners=f"{card.test_churners:,}")
            + t("churn.card.base_rate", lang, rate=percent_text(card.model.base_rate)),
            "test-rows",
        ),
        (t("churn.card.train_period", lang), f"{periods.train_first} – {periods.train_last}", "train-period"),
        (
            t("churn.card.train_rows", lang),
            t("churn.card.rows_churners", lang, rows=f"{card.train_rows:,}", churners=f"{card.train_churners:,}"),
            "train-rows",
        ),
        (t("churn.card.horizon", lang), t("churn.card.horizon_value", lang, months=card.horizon_months), "horizon"),
        (t("churn.card.sample", lang), sample, "sample"),
        (
            t("churn.card.cutoffs", lang),
            t(
                "churn.card.cutoffs_value",
                lang,
                high=f"{card.high_cutoff * 100:.2f}%",
                medium=f"{card.medium_cutoff * 100:.2f}%",
            ),
            "cutoffs",
        ),
        (t("churn.card.trained_on", lang), card.trained_on.isoformat(), "trained-on"),
        (t("churn.card.version", lang), f"{card.data_version} · scikit-learn {card.sklearn_version}", "version"),
    ]


def rule_rows(rules: Sequence[ChurnRule], lang: str) -> list[tuple[str, str, str, float, str]]:
    """(rule in words, customer-months, churn rate vs base rate, churn rate, lift) per why-they-churn rule."""
    return [
        (
            rule.text(lang),
            f"{rule.rows:,}",
            t("churn.rules.rate", lang, rate=percent_text(rule.churn_rate), base=percent_text(rule.base_rate)),
            rule.churn_rate,
            _ratio(rule.lift),
        )
        for rule in rules
    ]


# --- clicks and grid rows (what the page's callbacks hand over) --------------------------------------------------


def drill_search(state: ViewState, click: Mapping[str, Any] | None) -> str | None:
    """The query after a click on a drill bar (customdata = [code, level]); None when it does not drill."""
    if not click or not click.get("points"):
        return None
    custom = click["points"][0].get("customdata") or []
    if len(custom) < 2 or custom[0] is None:
        return None
    code, level = str(custom[0]), str(custom[1])
    if level != drill_level(state):
        return None
    return to_query(drilled(state, level, code))


def signal_search(state: ViewState, code: str) -> str:
    """The query after a click on a signal: keep the customers with it firing; the same signal again removes it."""
    if code not in SIGNALS:
        return to_query(state)
    current = selected_signal(state)
    return to_query(state.with_option(SIGNAL_OPTION, None if current == code else code))


def _markdown_text(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]()<>#" else ch for ch in text)


def customer_href(customer_id: str, state: ViewState) -> str:
    """The customer 360 page, carrying the whole view (filters, drill path, cross-filters) and `p.back=churn`."""
    return "/customers/" + quote(customer_id, safe="") + to_query(state.with_option("back", "churn"))


def grid_records(pc: PageContext, rows: pl.DataFrame) -> list[dict[str, Any]]:
    """The list's rows as the grid shows them: link, masked personal data, labels and formatted numbers."""
    money = money_formatter(pc)
    probability = pc.model.formats["percent_2"]
    tiers = pc.model.tier_labels(pc.lang)
    levels = risk_level_labels(pc)
    unassigned = t("churn.unassigned", pc.lang)
    no_reason = t("churn.reasons.none", pc.lang)
    no_action = t("churn.action.none", pc.lang)
    records = []
    for row in rows.iter_rows(named=True):
        customer = row["customer_id"]
        records.append(
            {
                "id": customer,
                "customer": f"[{_markdown_text(customer)}]({customer_href(customer, pc.state)})",
                "name": row["name"],
                "phone": row["phone"],
                "rm": row["rm_name"] or row["rm_id"] or unassigned,
                "branch": row["branch_name"] or row["branch_id"],
                "tier": tiers.get(row["tier"], row["tier"]),
                "aum_total": money(row["aum_total"]),
                "churn_probability": format_value(row["churn_probability"], probability, pc.lang),
                "risk_level": levels.get(row["risk_level"], row["risk_level"]),
                "reasons": row["reasons"] or no_reason,
                "action": row["action"] or no_action,
            }
        )
    return records


def action_grid_rows(
    pc: PageContext, data: ChurnData, request: Mapping[str, Any], *, every_level: bool
) -> dict[str, Any]:
    """The infinite grid's answer to a getRowsRequest: {"rowData": [...], "rowCount": total}."""
    start = max(0, int(request.get("startRow") or 0))
    end = max(start, int(request.get("endRow") or start + 100))
    sort_key, descending = "churn_probability", True
    for item in request.get("sortModel") or []:
        if item.get("colId") in SORTABLE:
            sort_key, descending = item["colId"], item.get("sort") != "asc"
            break
    page = action_list(
        pc,
        data,
        offset=start,
        limit=end - start,
        sort_key=sort_key,
        descending=descending,
        levels=None if every_level else (),
    )
    return {"rowData": grid_records(pc, page.rows), "rowCount": page.total}
