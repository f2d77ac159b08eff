"""Data behind the customer 360 page: profile, history, products, marketing, complaints and churn risk.

Everything is read under the viewer's scope: a customer outside it is "not found", exactly like an unknown
id.  Personal data (name, phone, national id) is masked unless the scope allows it.  The churn warning is the
rule-based assessment of the customer's latest month: the warning score and level of the marts (metrics.yaml
`rules.risk`, the same SQL as the churn signals) and the top reasons in words from `clientscope.churn.reasons`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from clientscope.access.masking import mask_record
from clientscope.churn.reasons import Reason, reasons_for
from clientscope.churn.signals import SignalRules, load_signals
from clientscope.db import ViewerScope, run_named
from clientscope.view_context import PageContext

MAX_ID_LENGTH = 64


@dataclass(frozen=True)
class ChurnRisk:
    """The customer's churn risk at their latest month on the books."""

    month: date
    score: int | None  # the warning score (预警分), 0–100 (metrics.yaml rules.risk), as on every page
    level: str | None  # the warning level: low | medium | high (no / amber / red warning)
    reasons: tuple[Reason, ...]  # the top reasons (clientscope.churn.reasons), most severe first


@dataclass(frozen=True)
class Customer360:
    profile: dict[str, Any]  # personal fields already masked unless the scope allows them
    history: pl.DataFrame  # one row per month on the books
    holdings: pl.DataFrame | None  # None: no holdings extract
    touches: pl.DataFrame | None  # None: no touches extract
    conversions: pl.DataFrame | None  # None: no conversions extract
    complaints: pl.DataFrame | None  # None: no complaints extract
    risk: ChurnRisk | None  # None: no month on the books, or closed before the latest month


def valid_id(customer_id: object) -> str | None:
    """A customer id from the URL, or None when it cannot be one (empty, too long, not text)."""
    if not isinstance(customer_id, str):
        return None
    text = customer_id.strip()
    return text if 0 < len(text) <= MAX_ID_LENGTH else None


def _one(pc: PageContext, name: str, customer_id: str) -> pl.DataFrame:
    return run_named(pc.db, name, {"customer_id": customer_id}, scope=pc.scope).frame


def load_customer(pc: PageContext, customer_id: object) -> Customer360 | None:
    """Everything the 360 page shows for one customer, or None when the id is unknown or out of scope."""
    cid = valid_id(customer_id)
    if cid is None:
        return None
    profile = _one(pc, "customer/profile", cid)
    if not profile.height:
        return None
    row = mask_record(profile.row(0, named=True), pc.scope)
    history = _one(pc, "customer/history", cid)
    db = pc.db
    return Customer360(
        profile=row,
        history=history,
        holdings=_one(pc, "customer/holdings", cid) if db.has("holdings") else None,
        touches=_one(pc, "customer/touches", cid) if db.has("touches") else None,
        conversions=_one(pc, "customer/conversions", cid) if db.has("conversion_facts") else None,
        complaints=_one(pc, "customer/complaints", cid) if db.has("complaints") else None,
        risk=churn_risk(pc, row),
    )


def customer_scope(scope: ViewerScope, profile: dict[str, Any]) -> ViewerScope:
    """The viewer's scope narrowed to the customer's branch (and RM): the churn signals are per customer,
    so computing them over the customer's branch gives the same row while reading a fraction of the book."""
    branch, rm = profile.get("branch_id"), profile.get("rm_id")
    return ViewerScope(
        regions=scope.regions,
        branches=frozenset({branch}) if branch else scope.branches,
        rms=frozenset({rm}) if rm else scope.rms,
        can_see_personal=scope.can_see_personal,
    )


def churn_risk(pc: PageContext, profile: dict[str, Any]) -> ChurnRisk | None:
    """The rule-based churn risk of the customer's latest month on the books, with its top reasons."""
    month = profile.get("latest_month")
    if month is None:
        return None
    rules = SignalRules.from_rules(pc.model.rules)
    signals = load_signals(pc.db, rules, first_month=month, last_month=month, scope=customer_scope(pc.scope, profile))
    mine = signals.filter(pl.col("customer_id") == profile["customer_id"])
    reasons = tuple(reasons_for(mine.row(0, named=True), rules)) if mine.height else ()
    score = profile.get("warning_score")
    return ChurnRisk(month, int(score) if score is not None else None, profile.get("warning_level"), reasons)


def tenure_months(profile: dict[str, Any], today: date | None = None) -> int | None:
    """Whole months from opening to the latest month on the books (or `today` when given)."""
    opened, until = profile.get("open_date"), today or profile.get("latest_month")
    if opened is None or until is None:
        return None
    months = (until.year - opened.year) * 12 + until.month - opened.month - (until.day < opened.day)
    return max(0, months)


def timeline(c: Customer360, campaign_labels: dict[str, str]) -> pl.DataFrame:
    """Touches and conversions as one time-ordered frame: ts, kind (touch | control | conversion), lane
    (channel or product), campaign (label), value."""
    frames = []
    schema = {"ts": pl.Datetime("us"), "kind": pl.Utf8, "lane": pl.Utf8, "campaign": pl.Utf8, "value": pl.Float64}
    if c.touches is not None and c.touches.height:
        frames.append(
            c.touches.select(
                pl.col("touch_ts").cast(pl.Datetime("us")).alias("ts"),
                pl.when(pl.col("is_control")).then(pl.lit("control")).otherwise(pl.lit("touch")).alias("kind"),
                pl.col("channel").cast(pl.Utf8).alias("lane"),
                pl.col("campaign_id").cast(pl.Utf8).replace(campaign_labels).alias("campaign"),
                pl.lit(None, dtype=pl.Float64).alias("value"),
            )
        )
    if c.conversions is not None and c.conversions.height:
        frames.append(
            c.conversions.select(
                pl.col("conversion_ts").cast(pl.Datetime("us")).alias("ts"),
                pl.lit("conversion").alias("kind"),
                pl.col("product_type").cast(pl.Utf8).alias("lane"),
                pl.col("campaign_id").cast(pl.Utf8).replace(campaign_labels).alias("campaign"),
                pl.col("value").cast(pl.Float64),
            )
        )
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames).sort("ts")
