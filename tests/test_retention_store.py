"""The retention action store against SQLite and a real PostgreSQL server: batches, the hold-out, edits with
their history, optimistic versioning under concurrent edits (two sessions), scope, overdue actions."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from clientscope.actions import overdue_actions
from clientscope.actions.config import RetentionConfig
from clientscope.actions.store import (
    ActionEdit,
    ActionError,
    ActionNotFound,
    Editor,
    StaleVersion,
    actions_frame,
    get_action,
    history_frame,
    in_holdout,
    list_batches,
    open_batch,
    update_action,
)
from clientscope.db import FULL_SCOPE, ViewerScope
from clientscope.store import open_store
from clientscope.store.tables import retention_action_history

MONTH = date(2026, 10, 31)
OPENED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CONFIG = RetentionConfig(follow_up_days=7)
ANNA = Editor("anna", "relationship_manager")
BORIS = Editor("boris", "region_manager")


def warnings(n: int = 6) -> pl.DataFrame:
    """n warned customers: C0..C(n-1), alternating regions east/west, RMs R0/R1/R2 in turn."""
    return pl.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(n)],
            "region": ["east" if i % 2 == 0 else "west" for i in range(n)],
            "branch_id": [f"B{i % 2}" for i in range(n)],
            "rm_id": [f"R{i % 3}" for i in range(n)],
            "tier": ["mass"] * n,
            "churn_probability": [0.9 - i / 100 for i in range(n)],
            "warning_level": ["high"] * n,
            "aum_total": [1000.0 * (i + 1) for i in range(n)],
        }
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "store.sqlite")
    server = request.getfixturevalue("postgres_url")
    # A database of its own per test on the session's server (the other store tests keep theirs).
    name = "retention_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as con:
        con.exec_driver_sql(f"create database {name}")  # a generated identifier, not input
    engine.dispose()
    return sa.make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def store(store_url: str):
    return open_store(store_url)


def first_id(store, customer: str = "C0") -> int:
    frame = actions_frame(store, FULL_SCOPE, holdout=None)
    return int(frame.filter(pl.col("customer_id") == customer)["id"][0])


def edit(status: str = "contacted", *, offer: str | None = None, note: str = "", assignee: str = "R0") -> ActionEdit:
    return ActionEdit(assignee=assignee, status=status, offer=offer, due_date=date(2026, 11, 9), note=note)


def test_a_batch_opens_once_with_due_dates_and_the_rm_as_assignee(store) -> None:
    batch = open_batch(store, MONTH, warnings(), CONFIG, OPENED)
    again = open_batch(store, MONTH, warnings(9), CONFIG, datetime(2026, 11, 5, tzinfo=UTC))
    assert again == batch  # opened once: the second call reads the first
    assert (batch.customers, batch.holdout_customers, batch.opened_at) == (6, 0, OPENED)
    frame = actions_frame(store, FULL_SCOPE)
    assert frame["customer_id"].to_list() == [f"C{i}" for i in range(6)]  # riskiest first
    assert set(frame["status"]) == {"open"} and set(frame["version"]) == {1}
    assert set(frame["due_date"]) == {date(2026, 11, 9)}  # opened 2 Nov + 7 days
    assert frame["assignee"].to_list() == frame["rm_id"].to_list()
    assert [b.warning_month for b in list_batches(store)] == [MONTH]


def test_the_hold_out_is_seeded_reproducible_and_about_its_share(store) -> None:
    many = warnings(2000)
    config = RetentionConfig(holdout_share=0.2, seed=11)
    batch = open_batch(store, MONTH, many, config, OPENED)
    held = actions_frame(store, FULL_SCOPE, holdout=True)["customer_id"].to_list()
    expected = [c for c in many["customer_id"] if in_holdout(c, MONTH, 11, 0.2)]
    assert sorted(held) == sorted(expected) and batch.holdout_customers == len(expected)
    assert 0.17 < len(held) / 2000 < 0.23
    # another seed or month gives another split; the same inputs always the same
    assert expected != [c for c in many["customer_id"] if in_holdout(c, MONTH, 12, 0.2)]
    assert in_holdout("C5", MONTH, 11, 0.2) == in_holdout("C5", MONTH, 11, 0.2)
    assert not any(in_holdout(c, MONTH, 11, 0.0) for c in many["customer_id"])
    # the queue (holdout=False, the default) never lists them, and they cannot be worked
    assert not set(actions_frame(store, FULL_SCOPE)["customer_id"]) & set(held)
    with pytest.raises(ActionError) as refused:
        update_action(store, first_id(store, held[0]), 1, edit(), ANNA, FULL_SCOPE, CONFIG, OPENED)
    assert str(refused.value) == (
        "This customer is in the random hold-out group (not to be contacted): no action can be recorded."
    )


def test_edits_keep_every_change_with_who_and_when(store) -> None:
    open_batch(store, MONTH, warnings(), CONFIG, OPENED)
    action_id = first_id(store)
    t1, t2 = datetime(2026, 11, 3, 10, tzinfo=UTC), datetime(2026, 11, 4, 15, 30, tzinfo=UTC)
    after = update_action(store, action_id, 1, edit(note="called, will think"), ANNA, FULL_SCOPE, CONFIG, t1)
    assert (after["version"], after["status"], after["first_contact_at"]) == (2, "contacted", t1)
    after = update_action(
        store, action_id, 2, edit("offer_made", offer="rate_bonus", note="offered +0.3%"), ANNA, FULL_SCOPE, CONFIG, t2
    )
    assert (after["version"], after["offer"], after["first_contact_at"]) == (3, "rate_bonus", t1)
    stored = get_action(store, action_id, FULL_SCOPE)
    assert stored is not None
    assert (stored["status"], stored["offer"], stored["note"], stored["updated_by"], stored["updated_at"]) == (
        "offer_made",
        "rate_bonus",
        "offered +0.3%",
        "anna",
        t2,
    )
    assert stored["first_contact_at"] == t1  # the first contact stays the first
    log = history_frame(store, FULL_SCOPE, action_id=action_id)
    assert log.select("version", "username", "changed", "status", "offer", "note").rows() == [
        (2, "anna", "status,note", "contacted", None, "called, will think"),
        (3, "anna", "status,offer,note", "offer_made", "rate_bonus", "offered +0.3%"),
    ]
    assert log["at"].to_list() == [t1, t2]
    # the history is append-only in the database itself
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.begin() as con:
        con.execute(retention_action_history.update().values(note="rewritten"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.begin() as con:
        con.execute(retention_action_history.delete())


def test_a_stale_version_is_refused_naming_who_changed_it_and_when(store) -> None:
    open_batch(store, MONTH, warnings(), CONFIG, OPENED)
    action_id = first_id(store)
    # Anna and Boris both open version 1; Boris saves first
    update_action(
        store,
        action_id,
        1,
        edit(note="Boris called"),
        BORIS,
        FULL_SCOPE,
        CONFIG,
        datetime(2026, 11, 3, 8, 5, tzinfo=UTC),
    )
    with pytest.raises(StaleVersion) as refused:
        update_action(store, action_id, 1, edit("not_reachable", note="no answer"), ANNA, FULL_SCOPE, CONFIG, OPENED)
    assert str(refused.value) == (
        "Not saved: boris changed this action at 2026-11-03 08:05 UTC (it is now version 2; you edited version 1). "
        "Open the action again to see their change, then make yours again."
    )
    assert refused.value.text("zh_CN") == (
        "未保存：boris 已于 2026-11-03 08:05 UTC 修改了此行动（当前为第 2 版，您编辑的是第 1 版）。"
        "请重新打开该行动查看其修改，再重新录入您的修改。"
    )
    stored = get_action(store, action_id, FULL_SCOPE)
    assert stored is not None and (stored["status"], stored["note"], stored["version"]) == (
        "contacted",
        "Boris called",
        2,
    )
    assert history_frame(store, FULL_SCOPE, action_id=action_id)["username"].to_list() == ["boris"]


def test_two_sessions_editing_at_once_never_lose_an_edit(store_url: str) -> None:
    """Two stores (two engines, two connection pools: two servers) save version 1 of one action at the same time,
    many times over: exactly one wins each round, the other is refused, and the history holds every winner."""
    first, second = open_store(store_url), open_store(store_url)
    open_batch(first, MONTH, warnings(), CONFIG, OPENED)
    action_id = first_id(first)
    rounds = 8
    for round_ in range(rounds):
        # the two statuses differ each round, so both edits are real changes of version round_ + 1
        statuses = ("contacted", "not_reachable") if round_ % 2 else ("lost", "retained")
        outcome = _race(first, second, action_id, round_ + 1, statuses)
        assert sorted(outcome.values()) == ["saved", "stale"], outcome
    log = history_frame(first, FULL_SCOPE, action_id=action_id)
    assert log["version"].to_list() == list(range(2, rounds + 2))
    stored = get_action(second, action_id, FULL_SCOPE)
    assert stored is not None and stored["version"] == rounds + 1
    assert stored["note"] == log["note"][-1]  # the action is its last winner's edit


def test_scope_reads_and_edits_only_the_viewers_customers(store) -> None:
    open_batch(store, MONTH, warnings(), CONFIG, OPENED)
    east = ViewerScope(regions=frozenset({"east"}), can_see_personal=True)
    rm1 = ViewerScope(rms=frozenset({"R1"}), can_see_personal=True)
    assert actions_frame(store, east)["customer_id"].to_list() == ["C0", "C2", "C4"]
    assert actions_frame(store, rm1)["customer_id"].to_list() == ["C1", "C4"]
    assert actions_frame(store, ViewerScope(regions=frozenset()))["customer_id"].to_list() == []
    west_action = first_id(store, "C1")
    with pytest.raises(ActionNotFound) as refused:
        update_action(store, west_action, 1, edit(), BORIS, east, CONFIG, OPENED)
    assert str(refused.value) == (
        f"Retention action {west_action} was not found (it does not exist or is outside your scope)."
    )
    assert history_frame(store, east, action_id=west_action).height == 0
    # an RM may assign only to the RMs offered to them
    with pytest.raises(ActionError, match=r"^Cannot assign to RM 'R2': not within your scope\.$"):
        update_action(store, first_id(store, "C4"), 1, edit(assignee="R2"), ANNA, rm1, CONFIG, OPENED, assignees=["R1"])


def test_invalid_edits_say_what_is_wrong(store) -> None:
    open_batch(store, MONTH, warnings(), CONFIG, OPENED)
    action_id = first_id(store)
    cases = [
        (
            edit("called"),
            "Unknown status 'called'; choose one of: open, contacted, offer_made, retained, lost, not_reachable.",
        ),
        (
            edit(offer="gold_bar"),
            "Unknown offer 'gold_bar'; choose one of: fee_waiver, rate_bonus, wealth_review, card_cashback, "
            "service_recovery (configured under offers in retention.yaml).",
        ),
        (edit("offer_made"), "Choose the offer that was made when the status is 'Offer made'."),
        (edit(note="x" * 2001), "A note has at most 2000 characters."),
        (edit("open"), "Nothing to save: change a field or add a note."),
    ]
    for change, message in cases:
        change = ActionEdit(change.assignee, change.status, change.offer, date(2026, 11, 9), change.note)
        with pytest.raises(ActionError) as refused:
            update_action(store, action_id, 1, change, ANNA, FULL_SCOPE, CONFIG, OPENED)
        assert str(refused.value) == message
    assert get_action(store, action_id, FULL_SCOPE)["version"] == 1  # type: ignore[index]


def test_overdue_actions_for_scheduled_reports(store) -> None:
    open_batch(store, MONTH, warnings(), CONFIG, OPENED)  # due 2026-11-09
    update_action(store, first_id(store, "C0"), 1, edit("retained"), ANNA, FULL_SCOPE, CONFIG, OPENED)
    update_action(store, first_id(store, "C2"), 1, edit("contacted"), ANNA, FULL_SCOPE, CONFIG, OPENED)
    assert overdue_actions(store, date(2026, 11, 9), FULL_SCOPE).height == 0  # due today is not overdue
    frame = overdue_actions(store, date(2026, 11, 12), ViewerScope(regions=frozenset({"east"})))
    # C0 is retained (closed); C2 (contacted) and C4 (open) in the east are 3 days overdue
    assert frame.select("customer_id", "status", "days_overdue").rows() == [("C2", "contacted", 3), ("C4", "open", 3)]
    assert frame.columns == [
        "action_id",
        "customer_id",
        "warning_month",
        "region",
        "branch_id",
        "rm_id",
        "assignee",
        "status",
        "offer",
        "due_date",
        "days_overdue",
        "churn_probability",
        "updated_by",
        "updated_at",
    ]


def _race(first, second, action_id: int, version: int, statuses: tuple[str, str]) -> dict[str, str]:
    """Anna (first store) and Boris (second store) save `version` at the same moment; who saved, who was refused."""
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def save(store, editor: Editor, status: str) -> None:
        barrier.wait()
        try:
            change = edit(status, note=f"{editor.username} {version}")
            update_action(store, action_id, version, change, editor, FULL_SCOPE, CONFIG, OPENED)
            outcome[editor.username] = "saved"
        except StaleVersion:
            outcome[editor.username] = "stale"

    threads = [
        threading.Thread(target=save, args=(first, ANNA, statuses[0])),
        threading.Thread(target=save, args=(second, BORIS, statuses[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def test_coverage_counts_first_contacts_within_the_follow_up_days(store) -> None:
    """Batch opened 2 Nov 09:00, 7 days: contacts up to 9 Nov 09:00 UTC count. East: C0 contacted at exactly
    9 Nov 09:00 UTC (given in UTC+8: in time), C2 a second later (late), C4 never → 1 of 3. West: C1 not
    reachable only (not a contact), C3 lost on 5 Nov (in time), C5 open → 1 of 3. On 12 Nov (due 9 Nov) every
    action not yet retained, lost or not reachable is overdue: east C0, C2 (contacted, no outcome yet) and C4
    (open) → 3; west C5 → 1 (C1 and C3 are closed)."""
    from clientscope.actions.queue import coverage

    batch = open_batch(store, MONTH, warnings(), CONFIG, OPENED)
    for customer, status, when in (
        ("C0", "contacted", datetime(2026, 11, 9, 17, 0, tzinfo=timezone(timedelta(hours=8)))),  # 09:00 UTC: in time
        ("C2", "contacted", datetime(2026, 11, 9, 9, 0, 1, tzinfo=UTC)),  # a second after the deadline
        ("C1", "not_reachable", datetime(2026, 11, 4, tzinfo=UTC)),
        ("C3", "lost", datetime(2026, 11, 5, tzinfo=UTC)),
    ):
        update_action(store, first_id(store, customer), 1, edit(status), ANNA, FULL_SCOPE, CONFIG, when)
    frame = coverage(store, FULL_SCOPE, batch, "region", {}, date(2026, 11, 12))
    assert frame.sort("code").select("code", "warned", "contacted", "share", "overdue").rows() == [
        ("east", 3, 1, pytest.approx(1 / 3), 3),
        ("west", 3, 1, pytest.approx(1 / 3), 1),
    ]
    east_only = coverage(store, FULL_SCOPE, batch, "rm_id", {"region": ["east"]}, date(2026, 11, 12))
    assert sorted(east_only["code"]) == ["R0", "R1", "R2"] and east_only["warned"].sum() == 3


def test_the_follow_up_count_reads_one_covering_index(store) -> None:
    """The coverage section counts a batch per region on every filter change: from the index alone (migration 0005)."""
    indexes = {ix["name"]: ix["column_names"] for ix in sa.inspect(store.engine).get_indexes("retention_actions")}
    assert indexes["retention_actions_follow_up"] == [
        "warning_month", "holdout", "region", "branch_id", "rm_id", "tier", "first_contact_at", "due_date", "status",
    ]  # fmt: skip
    if store.engine.dialect.name == "sqlite":
        query = (
            "explain query plan select region, count(*), sum(case when first_contact_at <= :d then 1 else 0 end), "
            "sum(case when due_date < :t and status not in ('retained', 'lost') then 1 else 0 end) "
            "from retention_actions where warning_month = :m and holdout = 0 group by region"
        )
        with store.begin() as con:
            plan = " ".join(str(row[-1]) for row in con.execute(sa.text(query), {"d": OPENED, "t": MONTH, "m": MONTH}))
        assert "USING COVERING INDEX retention_actions_follow_up" in plan


def test_the_queue_reads_its_first_actions_in_order_from_one_index(store) -> None:
    """The work queue's order (newest batch, riskiest first, then customer) comes from an index (migration 0007), so
    its first rows are read without sorting the store: checked against a sort in Python, ties included."""
    tied = warnings(6).with_columns(pl.Series("churn_probability", [0.5, 0.9, 0.5, 0.7, 0.9, 0.5]))
    open_batch(store, MONTH, warnings(4), CONFIG, OPENED)
    open_batch(store, date(2026, 11, 30), tied, CONFIG, OPENED + timedelta(days=30))
    rows = actions_frame(store, FULL_SCOPE, limit=7).select("warning_month", "churn_probability", "customer_id")
    every = actions_frame(store, FULL_SCOPE).select("warning_month", "churn_probability", "customer_id").rows()
    expected = sorted(every, key=lambda r: (-r[0].toordinal(), -r[1], r[2]))[:7]
    assert rows.rows() == expected
    assert [r[2] for r in expected[:3]] == ["C1", "C4", "C3"]  # the later batch first, 0.9 tied: by customer
    indexes = {ix["name"]: ix["column_names"] for ix in sa.inspect(store.engine).get_indexes("retention_actions")}
    assert indexes["retention_actions_queue"][-1] == "customer_id"
    if store.engine.dialect.name == "sqlite":
        query = (
            "explain query plan select * from retention_actions where holdout = 0 and status in ('open', 'contacted')"
            " order by warning_month desc, churn_probability desc, customer_id limit 2000"
        )
        with store.begin() as con:
            plan = " ".join(str(row[-1]) for row in con.execute(sa.text(query)))
        assert "USING INDEX retention_actions_queue" in plan and "TEMP B-TREE" not in plan


def test_timestamps_read_from_either_database_are_utc() -> None:
    """SQLite gives naive datetimes written in UTC, PostgreSQL aware ones in its session's zone (offsets may change
    with daylight saving): both become one UTC column."""
    from zoneinfo import ZoneInfo

    from clientscope.actions.rows import _utc_series

    new_york = ZoneInfo("America/New_York")
    aware = _utc_series(
        "at", [datetime(2026, 1, 1, 12, tzinfo=new_york), None, datetime(2026, 7, 1, 12, tzinfo=new_york)]
    )
    naive = _utc_series("at", [datetime(2026, 1, 1, 17), None])
    assert aware.to_list() == [datetime(2026, 1, 1, 17, tzinfo=UTC), None, datetime(2026, 7, 1, 16, tzinfo=UTC)]
    assert naive.to_list() == [datetime(2026, 1, 1, 17, tzinfo=UTC), None]
    assert _utc_series("at", [None]).dtype == pl.Datetime("us", "UTC")


def test_outcomes_are_read_only_once_the_earliest_window_has_ended(store, monkeypatch) -> None:
    """The "did it work" comparison (page and workbook) reads no warned customer while every window is open."""
    import duckdb

    from clientscope.actions import queue
    from clientscope.actions.outcomes import window_end
    from clientscope.db import Database

    con = duckdb.connect()
    con.execute("create table customers as select 'C' || i as customer_id, null::date as close_date from range(6) t(i)")
    con.execute("update customers set close_date = date '2026-12-15' where customer_id = 'C1'")
    db = Database.from_connection(con)
    assert queue.known_outcomes(db, store, FULL_SCOPE, MONTH, CONFIG) == queue.KnownOutcomes(None, None)  # no batch
    open_batch(store, MONTH, warnings(), CONFIG, OPENED)
    end = window_end(MONTH, queue.HORIZON_MONTHS)
    assert end == date(2027, 1, 31)
    read: list[int] = []
    reader = queue.outcome_rows
    monkeypatch.setattr(queue, "outcome_rows", lambda *a: read.append(1) or reader(*a))
    pending = queue.known_outcomes(db, store, FULL_SCOPE, date(2026, 12, 31), CONFIG)
    assert pending == queue.KnownOutcomes(None, end) and not read
    ended = queue.known_outcomes(db, store, FULL_SCOPE, end, CONFIG)
    assert ended.first_window_end == end and read == [1]
    rows = ended.rows.sort("customer_id")
    assert rows["customer_id"].to_list() == [f"C{i}" for i in range(6)]
    assert rows["retained"].to_list() == [True, False, True, True, True, True]  # C1 closed inside its window
