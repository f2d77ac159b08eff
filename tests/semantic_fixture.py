"""A small hand-made bank for the semantic-layer and mart tests: every number in them can be checked by hand.

Three branches (B1, B2 in East; B3 in West), two RMs, seven customers over the 15 month-ends
2025-01-31 .. 2026-03-31 (month index i = 0 .. 14):

- C1 (B1, R1; opened 2020-05-10; all months): AUM 600,000 + 10,000·i, 5 transactions, 2 products — affluent.
- C2 (B2, no RM; opened 2025-02-15; i 1..13): AUM 50,000, 2 transactions up to i 8 then none, 1 product —
  new Feb–Apr 2025, dormant from Dec 2025; closed 2026-03-15 with no March row (churned in March 2026, the
  latest month).
- C3 (B3, R2; opened 2018; i 0..7): AUM 8,000,000, 3 transactions, 4 products — private; closed 2025-08-20
  with an August row.
- C4 (B1, R1; opened 2019; all months): AUM 400,000 up to i 5 then 550,000, 2 transactions, 1 product —
  mass → affluent in July 2025, so growing Jul–Sep.
- C5 (B3, no RM; opened 2017; all months): AUM 500 (below the 1,000 floor), never transacts or logs in —
  soft churn from June 2025 (six silent months).
- C6 (B2, no RM; opened 2024-11-01; i 0..11): AUM 20,000, 1 transaction — closed 2026-01-10 with no
  January row (churned in January 2026).
- C7 (B3, R2; opened 2016; all months): AUM 1,000,000 up to i 6, 800,000 at i 7–8, then 600,000;
  10 transactions up to i 8, then 4; 3 products, then 2 from i 9; a complaint in Oct 2025 (i 9).

Campaigns K1 (cross-sell by SMS, Sep 2025, cost 10,000) and K2 (retention call, Oct 2025, cost 5,000).
Touches in Sep 2025: treated C1, C2, C7; control C4, C6; in Oct: C7 (K2).  Conversions: C1 10 days after its
touch (inside the 30-day window), C2 45 days after (outside), C4 (control) 15 days after, C7 20 days after.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from clientscope.db import Database

MONTHS: tuple[date, ...] = tuple(
    date(2025 + (m // 12), m % 12 + 1, 1) for m in range(15)
)  # first days; month-ends below
MONTH_ENDS: tuple[date, ...] = tuple(
    (date(d.year + (d.month == 12), d.month % 12 + 1, 1) - date.resolution) for d in MONTHS
)


def month_end(i: int) -> date:
    return MONTH_ENDS[i]


def _branches() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "branch_id": ["B1", "B2", "B3"],
            "branch_name": ["静安支行", "浦东支行", "天河支行"],
            "region": ["East", "East", "West"],
            "city": ["上海", "上海", "广州"],
        }
    )


def _rms() -> pl.DataFrame:
    return pl.DataFrame({"rm_id": ["R1", "R2"], "rm_name": ["王芳", "李强"], "branch_id": ["B1", "B3"]})


def _customers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
            "open_date": [
                date(2020, 5, 10),
                date(2025, 2, 15),
                date(2018, 1, 1),
                date(2019, 3, 1),
                date(2017, 6, 1),
                date(2024, 11, 1),
                date(2016, 1, 1),
            ],
            "close_date": [None, date(2026, 3, 15), date(2025, 8, 20), None, None, date(2026, 1, 10), None],
            "birth_year": [1990, 2003, 1950, 1985, 1960, None, 1975],
            "gender": ["M", "F", "F", "M", "U", "F", "M"],
            "city": ["上海", "上海", "广州", "上海", "广州", "上海", "广州"],
            "branch_id": ["B1", "B2", "B3", "B1", "B3", "B2", "B3"],
            "rm_id": ["R1", None, "R2", "R1", None, None, "R2"],
            "acquisition_channel": ["branch", "mobile_app", "branch", "referral", "branch", "online", "payroll"],
            "risk_profile": ["C3", "C2", "C1", "C4", None, "C2", "C3"],
            "tags": [["young_professional"], ["student"], ["retiree"], ["parent"], [], [], ["business_owner"]],
        },
        schema_overrides={"close_date": pl.Date, "birth_year": pl.Int64, "tags": pl.List(pl.String)},
    )


def _history(i: int) -> dict[str, dict[str, float | int]]:
    """Each present customer's row values at month index i."""
    rows: dict[str, dict[str, float | int]] = {
        "C1": {"aum": 600_000 + 10_000 * i, "txn": 5, "products": 2, "logins": 3, "complaints": 0},
        "C4": {"aum": 400_000 if i <= 5 else 550_000, "txn": 2, "products": 1, "logins": 2, "complaints": 0},
        "C5": {"aum": 500, "txn": 0, "products": 1, "logins": 0, "complaints": 0},
        "C7": {
            "aum": 1_000_000 if i <= 6 else 800_000 if i <= 8 else 600_000,
            "txn": 10 if i <= 8 else 4,
            "products": 3 if i <= 8 else 2,
            "logins": 5,
            "complaints": 1 if i == 9 else 0,
        },
    }
    if 1 <= i <= 13:
        rows["C2"] = {"aum": 50_000, "txn": 2 if i <= 8 else 0, "products": 1, "logins": 1, "complaints": 0}
    if i <= 7:
        rows["C3"] = {"aum": 8_000_000, "txn": 3, "products": 4, "logins": 2, "complaints": 0}
    if i <= 11:
        rows["C6"] = {"aum": 20_000, "txn": 1, "products": 1, "logins": 1, "complaints": 0}
    return rows


def _customer_months() -> pl.DataFrame:
    records = []
    for i in range(len(MONTHS)):
        for customer, v in sorted(_history(i).items()):
            aum = float(v["aum"])
            deposits = min(aum, 400_000.0)
            records.append(
                {
                    "customer_id": customer,
                    "month": month_end(i),
                    "aum_total": aum,
                    "deposits": deposits,
                    "wealth": aum - deposits,
                    "insurance": 0.0,
                    "loan_balance": 0.0,
                    "card_spend": 100.0 * int(v["txn"]),
                    "txn_count": int(v["txn"]),
                    "txn_amount": 1_000.0 * int(v["txn"]),
                    "digital_logins": int(v["logins"]),
                    "products_held": int(v["products"]),
                    "complaints": int(v["complaints"]),
                }
            )
    return pl.DataFrame(records)


def _campaigns() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "campaign_id": ["K1", "K2"],
            "campaign_name": ["基金定投月", "客户挽留"],
            "campaign_type": ["cross_sell", "retention"],
            "channel": ["sms", "call"],
            "start_date": [date(2025, 9, 1), date(2025, 10, 1)],
            "end_date": [date(2025, 9, 30), date(2025, 10, 31)],
            "cost": [10_000.0, 5_000.0],
            "target_segment": ["affluent", "at_risk"],
            "product_type": ["fund", "time_deposit"],
            "control_share": [0.4, 0.0],
        }
    )


def _touches() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "touch_id": ["T1", "T2", "T3", "T4", "T5", "T6"],
            "customer_id": ["C1", "C2", "C4", "C7", "C6", "C7"],
            "campaign_id": ["K1", "K1", "K1", "K2", "K1", "K1"],
            "channel": ["sms", "sms", "sms", "call", "sms", "sms"],
            "touch_ts": [
                datetime(2025, 9, 5, 10),
                datetime(2025, 9, 6, 10),
                datetime(2025, 9, 5, 10),
                datetime(2025, 10, 3, 15),
                datetime(2025, 9, 7, 10),
                datetime(2025, 9, 8, 10),
            ],
            "touch_type": ["sms", "sms", "sms", "call", "sms", "sms"],
            "is_control": [False, False, True, False, True, False],
        }
    )


def _conversions() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "conversion_id": ["V1", "V2", "V3", "V4"],
            "customer_id": ["C1", "C2", "C4", "C7"],
            "conversion_ts": [
                datetime(2025, 9, 15, 10),
                datetime(2025, 10, 21, 10),
                datetime(2025, 9, 20, 10),
                datetime(2025, 9, 28, 10),
            ],
            "product_type": ["fund", "fund", "fund", "fund"],
            "value": [3_000.0, 2_000.0, 1_000.0, 5_000.0],
        }
    )


def fixture_frames() -> dict[str, pl.DataFrame]:
    return {
        "branches": _branches(),
        "relationship_managers": _rms(),
        "customers": _customers(),
        "customer_months": _customer_months(),
        "campaigns": _campaigns(),
        "touches": _touches(),
        "conversions": _conversions(),
    }


def fixture_database() -> Database:
    """An in-memory database with the fixture's extracts registered as views (no marts yet)."""
    con = duckdb.connect()
    db = Database.from_connection(con)
    for name, frame in fixture_frames().items():
        db.register(name, con.from_arrow(frame.to_arrow()))
    return db


def write_fixture(folder: Path) -> Path:
    """The fixture as an extract folder of Parquet files (for the cached-mart build)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in fixture_frames().items():
        frame.write_parquet(folder / f"{name}.parquet")
    return folder
