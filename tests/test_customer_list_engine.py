"""The customer-list engine (clientscope/customer_list/) with a fetch-hook source: paging and sorting checked
against an independent polars computation, the fallback of an unknown sort column, masking through the one
`mask_frame`, links, and the refusal of a segment that does not fit."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import polars as pl
import pytest

from clientscope.customer_list import (
    CustomerSegment,
    ListSource,
    list_frame,
    page_of,
    register_source,
    rows_response,
)
from clientscope.db import FULL_SCOPE, ViewerScope
from clientscope.view_context import PageContext, build_page_context

SOURCE = "test_engine_fetch"
CUSTOMERS = pl.DataFrame(
    {
        "customer_id": [f"T{n:03d}" for n in range(57)],
        "name": [f"客户{n}" for n in range(57)],
        "aum_total": [float((n * 37) % 11) * 1000.0 if n % 9 else None for n in range(57)],  # ties and nulls
        "score": [(n * 13) % 7 for n in range(57)],
    }
)


def _fetch(pc, segment, offset, limit, sort):
    del pc, segment
    return page_of(CUSTOMERS, offset, limit, sort), CUSTOMERS.height


register_source(
    SOURCE,
    ListSource(
        columns=("name", "aum_total", "score"),
        sort_keys=frozenset({"customer_id", "aum_total", "score"}),
        fetch=_fetch,
        default_sort=("score", True),
        personal=(),
        cells=lambda pc: {"score": lambda row: f"{row['score']} pts"},
    ),
)


@pytest.fixture(scope="module")
def context(demo_db, demo_data: Path):
    db, model = demo_db

    def make(scope: ViewerScope = FULL_SCOPE) -> PageContext:
        return build_page_context(db, model, demo_data, {"lang": "en", "tier": "mass"}, scope)

    return make


def _ids(response: dict) -> list[str]:
    return [row["id"] for row in response["rowData"]]


def _expected(column: str, descending: bool, start: int, end: int) -> list[str]:
    # independent: polars' own sort, nulls last, the customer id breaking ties
    ordered = CUSTOMERS.sort([column, "customer_id"], descending=[descending, False], nulls_last=True)
    return ordered["customer_id"].to_list()[start:end]


@pytest.mark.parametrize(("column", "sort"), [("aum_total", "asc"), ("aum_total", "desc"), ("score", "asc")])
def test_a_fetch_source_is_paged_and_sorted_as_the_grid_asks(context, column: str, sort: str) -> None:
    pc = context()
    segment = CustomerSegment(source=SOURCE)
    pages = []
    for start in range(0, 60, 20):
        request = {"startRow": start, "endRow": start + 20, "sortModel": [{"colId": column, "sort": sort}]}
        response, total = rows_response(pc, segment, request, "segments")
        assert total == response["rowCount"] == 57
        assert _ids(response) == _expected(column, sort == "desc", start, start + 20)
        pages += _ids(response)
    assert sorted(pages) == sorted(CUSTOMERS["customer_id"].to_list())  # every customer once


def test_an_unknown_sort_column_falls_back_to_the_default(context) -> None:
    pc = context()
    segment = CustomerSegment(source=SOURCE)
    for sort_model in ([{"colId": "name; drop table", "sort": "asc"}], [{"colId": "name", "sort": "asc"}], []):
        response, _ = rows_response(pc, segment, {"startRow": 0, "endRow": 10, "sortModel": sort_model}, "x")
        assert _ids(response) == _expected("score", True, 0, 10), sort_model
    frame, total = list_frame(pc, segment, limit=5, offset=55, sort=("bogus", False))
    assert total == 57 and frame["customer_id"].to_list() == _expected("score", True, 55, 57)


def test_rows_link_with_the_view_mask_personal_data_and_take_the_sources_cells(context) -> None:
    pc = context()
    request = {"startRow": 0, "endRow": 3, "sortModel": [{"colId": "customer_id", "sort": "asc"}]}
    rows = rows_response(pc, CustomerSegment(source=SOURCE), request, "churn")[0]["rowData"]
    first = rows[0]
    assert first["id"] == "T000" and first["customer_id"].startswith("[T000](")
    href = urlparse(first["customer_id"].split("](", 1)[1].rstrip(")"))
    args = parse_qs(href.query)
    assert href.path == "/customers/T000" and args["tier"] == ["mass"] and args["p.back"] == ["churn"]
    assert [r["name"] for r in rows] == ["客户0", "客户1", "客户2"]
    assert [r["score"] for r in rows] == [f"{s} pts" for s in CUSTOMERS["score"].to_list()[:3]]
    assert set(first) == {"id", "customer_id", "name", "aum_total", "score"}  # the source's columns only
    private = context(ViewerScope(can_see_personal=False))
    masked = rows_response(private, CustomerSegment(source=SOURCE), request, "churn")[0]["rowData"]
    assert [r["name"] for r in masked] == ["客**", "客**", "客**"]


def test_a_segment_that_does_not_fit_is_refused_with_its_reason() -> None:
    cases = [
        ({"month": "2026-13"}, "segment month must be YYYY-MM"),
        ({}, "segment month must be YYYY-MM"),  # the book of a month-end needs its month
        ({"source": SOURCE, "month": "last"}, "segment month must be YYYY-MM"),
        ({"source": "nope"}, "unknown customer list source 'nope'"),
        ({"month": "2026-10", "tag": "x" * 201}, "segment value too long"),
        ({"month": "2026-10", "filters": ["region"]}, "segment filters and params must be mappings"),
    ]
    for data, message in cases:
        with pytest.raises(ValueError) as error:
            CustomerSegment.from_dict(data)
        assert str(error.value) == message, data
    assert CustomerSegment.from_dict({"source": SOURCE}) == CustomerSegment(source=SOURCE)
    kept = CustomerSegment.from_dict({"month": "2026-10", "filters": {"region": ["东区"], "campaign": ["c1"]}})
    assert kept.filters == {"region": ("东区",)} and kept.month_start().isoformat() == "2026-10-01"


def test_a_source_names_a_query_or_a_fetch_hook() -> None:
    for kwargs in ({}, {"query": "customer/list", "fetch": _fetch}):
        with pytest.raises(ValueError, match=r"^a customer list source names either a query or a fetch hook$"):
            ListSource(columns=(), sort_keys=frozenset(), **kwargs)


def test_the_retention_queue_masks_through_the_same_mask_frame(demo_db, demo_data: Path, tmp_path: Path) -> None:
    from datetime import UTC, date, datetime

    import duckdb

    from clientscope.actions.config import RetentionConfig
    from clientscope.actions.queue import queue_frame
    from clientscope.actions.store import open_batch
    from clientscope.store import open_store

    db, _ = demo_db
    people = duckdb.sql(
        "select customer_id, name, phone from read_parquet($path) where phone is not null order by customer_id limit 5",
        params={"path": str(demo_data / "customers" / "*.parquet")},
    ).pl()
    warnings = people.select(
        "customer_id",
        region=pl.lit("r"),
        branch_id=pl.lit("B"),
        rm_id=pl.lit("R"),
        tier=pl.lit("mass"),
        churn_probability=pl.lit(0.9),
        warning_level=pl.lit("high"),
        aum_total=pl.lit(1.0),
    )
    store = open_store("sqlite:///" + str(tmp_path / "store.sqlite"))
    opened = datetime(2026, 11, 2, tzinfo=UTC)
    open_batch(store, date(2026, 10, 31), warnings, RetentionConfig(follow_up_days=7), opened)

    def queue(scope: ViewerScope) -> pl.DataFrame:
        frame = queue_frame(db, store, scope, statuses=None, overdue_on=None, filters={})
        return frame.sort("customer_id").select("customer_id", "name", "phone")

    assert queue(FULL_SCOPE).rows() == people.rows()
    masked = queue(ViewerScope(can_see_personal=False))
    assert masked["name"].to_list() == [name[0] + "**" for name in people["name"]]
    assert masked["phone"].to_list() == [phone[:3] + "****" + phone[-4:] for phone in people["phone"]]
