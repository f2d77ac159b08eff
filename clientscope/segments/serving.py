"""The segments page's serving layer: small aggregates at the filter bar's grain, built once per data version.

Each is a `Mart` (built by `clientscope.marts` into the marts folder, SQL in `queries/marts/<name>.sql`) whose
dimension columns are named as in metrics.yaml, so the page reads `filtered_<mart>` and the view's filters apply
to it. A filter change on /segments reads only these (and the rollups of the semantic layer); the customer lists
page through `segment_potential_flags` and the detail month-ends.

- `segment_potential_flags`: every candidate of the potential rule at every month-end, with its signals (the
  potential customer list reads it; peer medians are over the whole bank, so a flag is the same for every viewer).
- `segment_potential`: the potential summary per month-end × tier × cell.
- `segment_penetration`: holders per month-end × cell × product type.
- `segment_tag_mix`: customers and AUM per month-end × cell × marketing tag.
- `segment_migration`: tier migration pairs per (opening month-end, later month-end) × cell for the spans a
  default view shows (`MIGRATION_SPANS`); the page computes any other pair from the month-end detail.
- `<aggregate>_core`: the four above summed to the filter bar's own dimensions (a few thousand rows per month-end),
  read when the view filters on nothing else (`page_query`).

This module imports only `clientscope.mart` (marts.py imports it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clientscope.mart import Mart

if TYPE_CHECKING:  # no import of the semantic package at run time (marts.py imports this module)
    from clientscope.semantic.filtering import ViewFilters

NEW = "new"  # migration: on the books at the later month-end only
CLOSED = "closed"  # migration: on the books at the earlier month-end only
# Months between the two month-ends of a served migration: one month (a one-month period) and the filter bar's
# default period of 12 months (its opening month-end is the one before the period's first month).
MIGRATION_SPANS: tuple[int, ...] = (1, 12)

_CELL = (
    "region", "branch_id", "rm_id", "city", "tier", "tier_alt", "stage", "acquisition_channel", "gender", "age_band",
    "risk_profile", "warning_level",
)  # fmt: skip
_BASE = ("customers", "customer_months", "branches")

POTENTIAL_FLAGS = Mart(
    name="segment_potential_flags",
    requires=_BASE,
    stand_ins=(),
    after=("customer_month_facts",),
    order_by="month_start",
    money=("aum_total",),
    columns=(
        "customer_id", "month", "month_start", *_CELL[:5], "tier_rank", *_CELL[5:], "tags", "aum_total",
        "next_tier_min", "aum_growth", "card_spend_avg", "cross_border_avg", "payroll_avg", "sig_aum_growth",
        "sig_card_spend", "sig_cross_border", "sig_payroll", "signals", "is_potential", "products_held", "txn_count",
        "tenure_months",
    ),
)  # fmt: skip
POTENTIAL = Mart(
    name="segment_potential",
    requires=_BASE,
    stand_ins=(),
    after=("segment_potential_flags",),
    order_by="month_start",
    money=("potential_aum",),
    columns=(
        "month", "month_start", *_CELL[:5], "tier_rank", *_CELL[5:], "candidates", "potential", "potential_aum",
        "aum_growth", "card_spend", "cross_border", "payroll", "with_cross_border_data", "with_payroll_data",
    ),
)  # fmt: skip
PENETRATION = Mart(
    name="segment_penetration",
    requires=_BASE,
    stand_ins=("holdings",),  # empty without a holdings extract (the page then says it has no holdings)
    after=("customer_month_facts",),
    order_by="month_start",
    by_customer_parts=True,  # a part's cells hold its customers (the page sums holders)
    columns=("month", "month_start", *_CELL, "product_type", "holders"),
)
TAG_MIX = Mart(
    name="segment_tag_mix",
    requires=_BASE,
    stand_ins=(),
    after=("customer_month_facts",),
    order_by="month_start",
    by_customer_parts=True,  # a part's cells hold its customers (the page sums them)
    money=("aum_total",),
    columns=("month", "month_start", *_CELL, "tag", "customers", "aum_total"),
)
MIGRATION = Mart(
    name="segment_migration",
    requires=_BASE,
    stand_ins=(),
    after=("customer_month_facts",),
    order_by="to_start",
    by_customer_parts=True,  # a part's cells hold its customers (the page sums them)
    money=("aum_from", "aum_to"),
    columns=(
        "from_start", "to_start", *(c for c in _CELL if c != "tier"), "from_tier", "to_tier", "customers", "aum_from",
        "aum_to",
    ),
)  # fmt: skip

# The filter bar's own dimensions: each aggregate summed to them has a few thousand rows per month-end (`_core`),
# which a view filtering on nothing else reads instead of the full grain.
CORE_COLUMNS: tuple[str, ...] = ("region", "branch_id", "rm_id", "tier", "acquisition_channel")


def _core(mart: Mart, keys: tuple[str, ...], measures: tuple[str, ...]) -> Mart:
    return Mart(
        name=f"{mart.name}_core",
        requires=mart.requires,
        stand_ins=(),
        after=(mart.name,),
        order_by=mart.order_by,
        money=tuple(m for m in measures if m in mart.money),
        columns=(*keys, *measures),
    )


_POTENTIAL_SUMS = (
    "candidates", "potential", "potential_aum", "aum_growth", "card_spend", "cross_border", "payroll",
    "with_cross_border_data", "with_payroll_data",
)  # fmt: skip
POTENTIAL_CORE = _core(POTENTIAL, ("month_start", *CORE_COLUMNS, "tier_rank"), _POTENTIAL_SUMS)
PENETRATION_CORE = _core(PENETRATION, ("month_start", *CORE_COLUMNS, "product_type"), ("holders",))
TAG_MIX_CORE = _core(TAG_MIX, ("month_start", *CORE_COLUMNS, "tag"), ("customers", "aum_total"))
MIGRATION_CORE = _core(
    MIGRATION,
    ("from_start", "to_start", *(c for c in CORE_COLUMNS if c != "tier"), "from_tier", "to_tier"),
    ("customers", "aum_from", "aum_to"),
)

MARTS: tuple[Mart, ...] = (
    POTENTIAL_FLAGS, POTENTIAL, PENETRATION, TAG_MIX, MIGRATION, POTENTIAL_CORE, PENETRATION_CORE, TAG_MIX_CORE,
    MIGRATION_CORE,
)  # fmt: skip


def page_query(name: str, filters: ViewFilters) -> str:
    """The page query `segments/<name>` over the aggregate at the filter bar's grain (`<name>_core`) when the view
    filters on nothing else, else over the full grain."""
    return f"segments/{name}" if filters.ignored_by(CORE_COLUMNS) else f"segments/{name}_core"


def mart_params(potential: dict[str, Any]) -> dict[str, Any]:
    """The `$named` values of these marts beyond the shared ones: the potential rule (metrics.yaml
    `rules.potential`, as `$potential_<name>`), the served migration spans and the codes of new / closed."""
    return {
        **{f"potential_{name}": value for name, value in potential.items()},
        "migration_spans": list(MIGRATION_SPANS),
        "migration_new": NEW,
        "migration_closed": CLOSED,
    }
