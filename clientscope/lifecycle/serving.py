"""The lifecycle page's serving layer: small aggregates built once per data version that a filter change reads
instead of regrouping the per-customer `customer_lifecycle` mart (issue 15).

- `lifecycle_cohort_cells` — customers per opening month × every filter the page applies to a cohort × the funnel
  facts (steps reached and measurable, first transacting month, days to activate): the funnel, the funnel by
  group, time to activate and the summary cards.
- `lifecycle_retention_cells` — active customers and AUM per opening month × those filters × month offset: the
  retention heatmap (cohort sizes from the cohort cells).
- `lifecycle_flow_pairs` — customers and AUM per (from state, to state) for every pair of data months A <= B × the
  filter bar's dimensions: the stage flow.

The cohort filters apply to the *entry* tier, tier_alt and age band, stored in columns named `tier`, `tier_alt`
and `age_band` so that the compiled filters (`filtered_<mart>`) apply to them; the flow's `tier` is the tier at
month A.  The stage mix needs no mart of its own: it is a metric query the semantic layer answers from the
customer-month rollups.  What is read when (and when the detail rows are read instead): `docs/lifecycle.md`.

This module imports nothing of Clientscope but `clientscope.mart`, so `clientscope.marts` can import it.
"""

from __future__ import annotations

from clientscope.mart import Mart

_REQUIRES = ("customers", "customer_months", "branches")
COHORT_FILTER_COLUMNS: tuple[str, ...] = (
    "region", "branch_id", "rm_id", "city", "acquisition_channel", "gender", "risk_profile", "tier", "tier_alt",
    "age_band",
)  # fmt: skip

COHORT_CELLS = Mart(
    name="lifecycle_cohort_cells",
    requires=_REQUIRES,
    stand_ins=(),
    after=("customer_month_facts", "customer_lifecycle"),
    order_by="open_month",
    columns=(
        "open_month", *COHORT_FILTER_COLUMNS, "observed_months", "first_active_offset", "days_to_activate",
        "activated", "retained_early", "retained_late", "grown", "churned", "measurable_activation",
        "measurable_early", "measurable_late", "measurable_growth", "measurable_churn", "windows", "customers",
    ),
)  # fmt: skip
RETENTION_CELLS = Mart(
    name="lifecycle_retention_cells",
    requires=_REQUIRES,
    stand_ins=(),
    after=("customer_lifecycle",),
    order_by="open_month",
    money=("aum",),
    columns=("open_month", *COHORT_FILTER_COLUMNS, "month_offset", "active", "aum"),
)
FLOW_PAIRS = Mart(
    name="lifecycle_flow_pairs",
    requires=_REQUIRES,
    stand_ins=(),
    after=("customer_month_facts", "customer_lifecycle"),
    order_by="month_a_idx, month_b_idx",
    by_customer_parts=True,  # a part's rows are its customers' (the page sums them)
    money=("aum_a", "aum_b"),
    columns=(
        "month_a_idx", "month_b_idx", "from_state", "to_state", "region", "branch_id", "rm_id",
        "acquisition_channel", "tier", "customers", "aum_a", "aum_b",
    ),
)  # fmt: skip

MARTS: tuple[Mart, ...] = (COHORT_CELLS, RETENTION_CELLS, FLOW_PAIRS)
