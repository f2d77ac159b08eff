"""A small hand-written bank for the segments and customer 360 tests (built on tests/tiny_extracts.py).

Eight customers over four month-ends (2025-01-31 … 2025-04-30), tiers by metrics.yaml (private ≥ 6,000,000,
affluent ≥ 500,000, mass below):

| id  | branch | RM  | tags                   | Jan → Apr          | notes                                  |
|-----|--------|-----|------------------------|--------------------|----------------------------------------|
| C01 | B01 华东 | R01 | retiree              | private → private  |                                        |
| C02 | B01 华东 | R01 | business_owner, parent | affluent → private | upgrade                              |
| C03 | B02 华北 | R02 | parent               | mass → mass        | the one "potential" customer           |
| C04 | B02 华北 | —   | (empty)              | mass → closed      | closed 2025-03-15 (rows Jan, Feb)      |
| C05 | B01 华东 | R01 | young_professional   | new → affluent     | opened 2025-02-10 (rows Feb–Apr)       |
| C06 | B02 华北 | R02 | parent               | affluent → mass    | downgrade; AUM −50 %, complaint in Apr |
| C07 | B01 华东 | —   | (null)               | mass → mass        |                                        |
| C08 | B02 华北 | R02 | retiree              | affluent → affluent | AUM +16.7 %, only one potential signal |

Every expected number in the tests is computed again from these frames with polars, not with the app's SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl

from tests.tiers import tier_floors
from tests.tiny_extracts import tiny_frames, write_frames

MONTHS: tuple[date, ...] = (date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30))
PRIVATE_MIN, AFFLUENT_MIN = tier_floors()["private"], tier_floors()["affluent"]

# customer → AUM per month (None: no row that month)
AUM: dict[str, tuple[float | None, ...]] = {
    "C01": (7_000_000.0, 7_050_000.0, 7_100_000.0, 7_200_000.0),
    "C02": (800_000.0, 2_000_000.0, 5_000_000.0, 6_500_000.0),
    "C03": (300_000.0, 320_000.0, 360_000.0, 400_000.0),
    "C04": (200_000.0, 180_000.0, None, None),
    "C05": (None, 100_000.0, 300_000.0, 600_000.0),
    "C06": (900_000.0, 700_000.0, 600_000.0, 450_000.0),
    "C07": (50_000.0, 52_000.0, 55_000.0, 60_000.0),
    "C08": (3_000_000.0, 3_100_000.0, 3_300_000.0, 3_500_000.0),
}
# customer → (card spend, payroll inflow or None, cross-border spend) in every month
ACTIVITY: dict[str, tuple[float, float | None, float]] = {
    "C01": (20_000.0, 50_000.0, 5_000.0),
    "C02": (10_000.0, 30_000.0, 0.0),
    "C03": (3_500.0, 15_000.0, 0.0),
    "C04": (2_000.0, None, 0.0),
    "C05": (8_000.0, 20_000.0, 0.0),
    "C06": (1_000.0, None, 0.0),
    "C07": (500.0, 3_000.0, 0.0),
    "C08": (4_000.0, None, 1_000.0),
}
CUSTOMERS = pl.DataFrame(
    {
        "customer_id": ["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08"],
        "name": ["张伟", "刘洋", "陈静", "王磊", "李娜", "赵敏", "孙强", None],
        "phone": ["13800000001", "13800000002", "13800000003", None, "13800000005", None, None, None],
        "id_number": ["310101199001010011", None, None, None, None, None, None, None],
        "open_date": [
            date(2019, 3, 15),
            date(2020, 7, 1),
            date(2021, 5, 20),
            date(2018, 1, 5),
            date(2025, 2, 10),
            date(2017, 9, 9),
            date(2022, 11, 30),
            date(2016, 4, 1),
        ],
        "close_date": [None, None, None, date(2025, 3, 15), None, None, None, None],
        "birth_year": [1958, 1975, 1988, 1990, 1999, 1980, 2001, 1955],
        "gender": ["M", "F", "F", "M", "F", "F", "M", "M"],
        "city": ["上海", "上海", "北京", "北京", "上海", "北京", "上海", "北京"],
        "branch_id": ["B01", "B01", "B02", "B02", "B01", "B02", "B01", "B02"],
        "rm_id": ["R01", "R01", "R02", None, "R01", "R02", None, "R02"],
        "acquisition_channel": [
            "branch", "referral", "mobile_app", "online", "mobile_app", "branch", "online", "branch"
        ],
        "risk_profile": ["C2", "C4", "C3", "C1", "C3", "C2", None, "C2"],
        "tags": [["retiree"], ["business_owner", "parent"], ["parent"], [], ["young_professional"], ["parent"], None,
                 ["retiree"]],
    },
    schema_overrides={"close_date": pl.Date, "birth_year": pl.Int64, "tags": pl.List(pl.String)},
)  # fmt: skip
HOLDINGS = pl.DataFrame(
    {
        "holding_id": [f"H{i:02d}" for i in range(1, 13)],
        "customer_id": ["C01", "C01", "C02", "C02", "C03", "C03", "C05", "C06", "C06", "C08", "C08", "C04"],
        "product_type": [
            "current_account",
            "wealth_mgmt",
            "current_account",
            "fund",
            "current_account",
            "credit_card",
            "current_account",
            "current_account",
            "time_deposit",
            "current_account",
            "insurance",
            "current_account",
        ],
        "open_date": [
            date(2019, 3, 15),
            date(2023, 6, 1),
            date(2020, 7, 1),
            date(2025, 4, 30),  # opened on the April month-end: held at April, not at March
            date(2021, 5, 20),
            date(2024, 2, 1),
            date(2025, 2, 10),
            date(2017, 9, 9),
            date(2024, 8, 1),
            date(2016, 4, 1),
            date(2025, 4, 1),
            date(2018, 1, 5),
        ],
        "close_date": [
            None,
            None,
            None,
            None,
            None,
            date(2025, 4, 30),  # closed on the April month-end: held at March, not at April
            None,
            None,
            date(2025, 3, 1),
            None,
            None,
            date(2025, 3, 15),
        ],
    },
    schema_overrides={"close_date": pl.Date},
)


def customer_months() -> pl.DataFrame:
    rows = []
    for cid, balances in AUM.items():
        card, payroll, cross_border = ACTIVITY[cid]
        for month, aum in zip(MONTHS, balances, strict=True):
            if aum is None:
                continue
            complaints = 1 if (cid, month) == ("C06", MONTHS[-1]) else 0
            rows.append(
                {
                    "customer_id": cid,
                    "month": month,
                    "aum_total": aum,
                    "deposits": aum * 0.5,
                    "wealth": aum * 0.3,
                    "insurance": aum * 0.2,
                    "loan_balance": 0.0,
                    "card_spend": card,
                    "txn_count": 10 if cid != "C06" else 4,
                    "txn_amount": card * 2,
                    "digital_logins": 5,
                    "products_held": 2,
                    "complaints": complaints,
                    "payroll_inflow": payroll,
                    "cross_border_spend": cross_border,
                }
            )
    return pl.DataFrame(
        rows,
        schema_overrides={
            "payroll_inflow": pl.Float64,
            "txn_count": pl.Int32,
            "digital_logins": pl.Int32,
            "products_held": pl.Int32,
            "complaints": pl.Int32,
        },
    )


def bank_frames() -> dict[str, pl.DataFrame]:
    frames = tiny_frames()
    frames["customers"] = CUSTOMERS.clone()
    frames["customer_months"] = customer_months()
    frames["holdings"] = HOLDINGS.clone()
    frames["touches"] = pl.DataFrame(
        {
            "touch_id": ["T1", "T2", "T3"],
            "customer_id": ["C02", "C02", "C06"],
            "campaign_id": ["K001", "K001", "K001"],
            "channel": ["sms", "sms", "sms"],
            "touch_ts": [datetime(2025, 1, 6, 10), datetime(2025, 2, 1, 9), datetime(2025, 1, 6, 10, 5)],
            "touch_type": ["sms", "sms", "sms"],
            "is_control": [False, False, True],
        },
        schema_overrides={"touch_ts": pl.Datetime("us")},
    )
    frames["conversions"] = pl.DataFrame(
        {
            "conversion_id": ["V1"],
            "customer_id": ["C02"],
            "conversion_ts": [datetime(2025, 2, 10, 14, 30)],
            "product_type": ["wealth_mgmt"],
            "value": [1_200.0],
        },
        schema_overrides={"conversion_ts": pl.Datetime("us")},
    )
    frames["complaints"] = pl.DataFrame(
        {
            "complaint_id": ["Q1"],
            "customer_id": ["C06"],
            "complaint_ts": [datetime(2025, 4, 12, 9, 15)],
            "channel": ["phone"],
            "category": ["fees"],
            "resolved": [False],
        },
        schema_overrides={"complaint_ts": pl.Datetime("us")},
    )
    return frames


def write_bank(folder: Path, frames: dict[str, pl.DataFrame] | None = None) -> Path:
    write_frames(folder, frames or bank_frames())
    return folder


def tier_of(aum: float) -> str:
    """The tier by metrics.yaml's default thresholds, computed here independently of the marts."""
    return "private" if aum >= PRIVATE_MIN else ("affluent" if aum >= AFFLUENT_MIN else "mass")


def test_the_bank_meets_the_contract(tmp_path: Path) -> None:
    from clientscope.validation import validate

    report = validate(write_bank(tmp_path / "bank"))
    assert report.ok, [str(p) for p in report.errors]
    assert [str(p) for p in report.warnings] == []
