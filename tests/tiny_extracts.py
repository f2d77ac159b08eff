"""A minimal valid extract folder built from hand-written frames: a few rows per contract table.

Every value is written out by hand so that tests can reason about exact counts and sums.  The bank has two
branches, two RMs and four customers over two month-ends (2025-01-31 and 2025-02-28); customer C003 closed in
February, C004 has no RM.  `customer_months` is written as a folder of part files (one per month), the other
tables as single files, so both layouts of the contract are exercised.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl

TINY_MONTHS: tuple[date, date] = (date(2025, 1, 31), date(2025, 2, 28))
TINY_LATEST_MONTH = TINY_MONTHS[-1]
OPTIONAL_TABLES: tuple[str, ...] = ("products", "holdings", "campaigns", "touches", "conversions", "complaints")
PART_TABLE = "customer_months"  # written as DIR/customer_months/part-0000N.parquet, one part per month


def _branches() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "branch_id": ["B01", "B02"],
            "branch_name": ["上海静安支行", "北京朝阳支行"],
            "region": ["华东", "华北"],
            "city": ["上海", "北京"],
        }
    )


def _relationship_managers() -> pl.DataFrame:
    return pl.DataFrame({"rm_id": ["R01", "R02"], "rm_name": ["王芳", "李强"], "branch_id": ["B01", "B02"]})


def _customers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["C001", "C002", "C003", "C004"],
            "name": ["张伟", "刘洋", "陈静", None],
            "phone": ["13800000001", "13800000002", None, None],
            "id_number": ["310101199001010011", None, None, None],
            "open_date": [date(2020, 3, 15), date(2022, 7, 1), date(2018, 11, 20), date(2024, 12, 5)],
            "close_date": [None, None, date(2025, 2, 15), None],
            "birth_year": [1990, 1985, 1958, 2001],
            "gender": ["M", "F", "F", "U"],
            "city": ["上海", "北京", "上海", None],
            "branch_id": ["B01", "B02", "B01", "B02"],
            "rm_id": ["R01", "R02", "R01", None],
            "acquisition_channel": ["branch", "app", "branch", "app"],
            "risk_profile": ["C3", "C2", "C1", None],
            "tags": [["young_professional"], ["parent"], ["retiree"], []],
        },
        schema_overrides={"close_date": pl.Date, "birth_year": pl.Int64, "tags": pl.List(pl.String)},
    )


def _customer_months() -> pl.DataFrame:
    jan, feb = TINY_MONTHS
    # aum_total is exactly deposits + wealth + insurance on every row.
    return pl.DataFrame(
        {
            "customer_id": ["C001", "C002", "C003", "C004", "C001", "C002", "C004"],
            "month": [jan, jan, jan, jan, feb, feb, feb],
            "aum_total": [650_000.0, 80_000.0, 12_000.0, 3_000.0, 700_000.0, 85_000.0, 2_500.0],
            "deposits": [150_000.0, 50_000.0, 12_000.0, 3_000.0, 150_000.0, 50_000.0, 2_500.0],
            "wealth": [400_000.0, 30_000.0, 0.0, 0.0, 450_000.0, 35_000.0, 0.0],
            "insurance": [100_000.0, 0.0, 0.0, 0.0, 100_000.0, 0.0, 0.0],
            "loan_balance": [0.0, 200_000.0, 0.0, 0.0, 0.0, 198_000.0, 0.0],
            "card_spend": [12_000.0, 3_500.0, 0.0, 800.0, 15_000.0, 4_200.0, 650.0],
            "txn_count": [25, 14, 2, 6, 31, 12, 5],
            "txn_amount": [48_000.0, 9_000.0, 500.0, 1_200.0, 52_000.0, 8_800.0, 900.0],
            "digital_logins": [20, 9, 0, 15, 22, 11, 13],
            "products_held": [3, 2, 1, 1, 3, 2, 1],
            "complaints": [0, 0, 1, 0, 0, 1, 0],
            "payroll_inflow": [30_000.0, 12_000.0, None, 5_000.0, 30_000.0, 12_000.0, 5_000.0],
            "cross_border_spend": [2_000.0, 0.0, 0.0, None, 0.0, 0.0, None],
        }
    )


def _products() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "product_type": ["deposit", "wealth", "credit_card"],
            "product_name": ["存款", "理财", "信用卡"],
            "category": ["deposit", "investment", "payments"],
        }
    )


def _holdings() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "holding_id": ["H001", "H002", "H003", "H004"],
            "customer_id": ["C001", "C001", "C002", "C003"],
            "product_type": ["deposit", "wealth", "credit_card", "deposit"],
            "open_date": [date(2020, 3, 15), date(2023, 5, 10), date(2022, 7, 1), date(2018, 11, 20)],
            "close_date": [None, None, None, date(2025, 2, 15)],
        },
        schema_overrides={"close_date": pl.Date},
    )


def _campaigns() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "campaign_id": ["K001"],
            "campaign_name": ["春季理财推介"],
            "campaign_type": ["cross_sell"],
            "channel": ["sms"],
            "start_date": [date(2025, 1, 5)],
            "end_date": [date(2025, 2, 15)],
            "cost": [5_000.0],
            "target_segment": ["affluent"],
            "product_type": ["wealth"],
            "control_share": [0.1],
        }
    )


def _touches() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "touch_id": ["T001", "T002", "T003"],
            "customer_id": ["C001", "C002", "C004"],
            "campaign_id": ["K001", "K001", "K001"],
            "channel": ["sms", "sms", "sms"],
            "touch_ts": [datetime(2025, 1, 6, 10, 0), datetime(2025, 1, 6, 10, 5), datetime(2025, 1, 6, 10, 10)],
            "touch_type": ["sms", "sms", "sms"],
            "is_control": [False, False, True],
        },
        schema_overrides={"touch_ts": pl.Datetime("us")},
    )


def _conversions() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "conversion_id": ["V001"],
            "customer_id": ["C001"],
            "conversion_ts": [datetime(2025, 1, 20, 14, 30)],
            "product_type": ["wealth"],
            "value": [800.0],
        },
        schema_overrides={"conversion_ts": pl.Datetime("us")},
    )


def _complaints() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "complaint_id": ["Q001"],
            "customer_id": ["C002"],
            "complaint_ts": [datetime(2025, 2, 3, 9, 15)],
            "channel": ["phone"],
            "category": ["fees"],
            "resolved": [True],
        },
        schema_overrides={"complaint_ts": pl.Datetime("us")},
    )


_BUILDERS = {
    "branches": _branches,
    "relationship_managers": _relationship_managers,
    "customers": _customers,
    "customer_months": _customer_months,
    "products": _products,
    "holdings": _holdings,
    "campaigns": _campaigns,
    "touches": _touches,
    "conversions": _conversions,
    "complaints": _complaints,
}


def tiny_frames(*, include_optional: bool = True) -> dict[str, pl.DataFrame]:
    """The tiny bank's tables as polars frames, in contract order (fresh copies on every call)."""
    return {name: build() for name, build in _BUILDERS.items() if include_optional or name not in OPTIONAL_TABLES}


def write_table(data_dir: Path, name: str, frame: pl.DataFrame) -> Path:
    """Write one table as `DIR/<name>.parquet`."""
    path = data_dir / f"{name}.parquet"
    frame.write_parquet(path)
    return path


def write_parts(data_dir: Path, name: str, parts: list[pl.DataFrame]) -> list[Path]:
    """Write one table as a folder `DIR/<name>/part-0000N.parquet`, one file per frame."""
    folder = data_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"part-{index:05d}.parquet" for index in range(len(parts))]
    for path, part in zip(paths, parts, strict=True):
        part.write_parquet(path)
    return paths


def write_frames(data_dir: Path, frames: dict[str, pl.DataFrame]) -> None:
    """Write frames in the tiny layout: `customer_months` as one part per month, the rest as single files."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        if name == PART_TABLE:
            months = sorted(frame["month"].unique().to_list())
            write_parts(data_dir, name, [frame.filter(pl.col("month") == month) for month in months])
        else:
            write_table(data_dir, name, frame)


def write_tiny_extracts(dir: Path, *, include_optional: bool = True) -> None:
    """Write the tiny valid extract folder into `dir` (created if needed)."""
    write_frames(Path(dir), tiny_frames(include_optional=include_optional))
