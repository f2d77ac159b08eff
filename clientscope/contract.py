"""The extract contract: every table Clientscope reads, its columns, types and keys.

This module is the single definition; `docs/data-contract.md` documents it and a test
checks that the two agree.  Importers, the demo generator and validation all build on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class LogicalType(StrEnum):
    """Column types as the contract names them; each maps to a family of Parquet types."""

    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"
    STRING_LIST = "list<string>"


@dataclass(frozen=True)
class Column:
    name: str
    type: LogicalType
    description: str
    nullable: bool = False
    personal: bool = False  # masked in drill lists and exports unless the viewer may see it
    required: bool = True  # an optional column may be absent from the file


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    ref_column: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    optional: bool = False
    without_it: str = ""  # what the app does when an optional table is absent
    requires: tuple[str, ...] = field(default=())  # tables that must exist if this one does
    may_be_empty: str = ""  # when a required table may have no rows (validation accepts it then)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


S, I, F, B, D, T, L = (  # noqa: E741 - short aliases keep the tables readable
    LogicalType.STRING,
    LogicalType.INTEGER,
    LogicalType.FLOAT,
    LogicalType.BOOLEAN,
    LogicalType.DATE,
    LogicalType.TIMESTAMP,
    LogicalType.STRING_LIST,
)

BRANCHES = Table(
    name="branches",
    description="Bank branches and the region they report to.",
    columns=(
        Column("branch_id", S, "Branch identifier."),
        Column("branch_name", S, "Branch display name."),
        Column("region", S, "Region (the top of the region → branch → RM hierarchy)."),
        Column("city", S, "City the branch is in."),
    ),
    primary_key=("branch_id",),
)

RELATIONSHIP_MANAGERS = Table(
    name="relationship_managers",
    description="Relationship managers (RMs) and their home branch.",
    columns=(
        Column("rm_id", S, "RM identifier."),
        Column("rm_name", S, "RM display name."),
        Column("branch_id", S, "Home branch."),
    ),
    primary_key=("rm_id",),
    foreign_keys=(ForeignKey("branch_id", "branches", "branch_id"),),
    may_be_empty=(
        "A bank (or a snapshot file) without relationship managers writes this table without rows and leaves "
        "customers.rm_id empty; the RM level of the drill-downs then shows no RMs."
    ),
)

CUSTOMERS = Table(
    name="customers",
    description="One row per customer (ever), open or closed.",
    columns=(
        Column("customer_id", S, "Customer identifier."),
        Column("name", S, "Full name.", nullable=True, personal=True, required=False),
        Column("phone", S, "Mobile number.", nullable=True, personal=True, required=False),
        Column("id_number", S, "National ID number.", nullable=True, personal=True, required=False),
        Column("open_date", D, "Date the relationship opened."),
        Column("close_date", D, "Date the relationship closed; empty while open.", nullable=True),
        Column("birth_year", I, "Year of birth.", nullable=True),
        Column("gender", S, "F, M or U (unknown).", nullable=True),
        Column("city", S, "City of residence.", nullable=True),
        Column("branch_id", S, "Home branch."),
        Column("rm_id", S, "Assigned RM; empty for unmanaged (mass) customers.", nullable=True),
        Column("acquisition_channel", S, "How the customer was acquired (branch, app, ...).", nullable=True),
        Column("risk_profile", S, "Investment risk profile C1 (cautious) .. C5 (aggressive).", nullable=True),
        Column("tags", L, "Marketing tags, e.g. young_professional, retiree, parent.", nullable=True),
    ),
    primary_key=("customer_id",),
    foreign_keys=(
        ForeignKey("branch_id", "branches", "branch_id"),
        ForeignKey("rm_id", "relationship_managers", "rm_id"),
    ),
)

CUSTOMER_MONTHS = Table(
    name="customer_months",
    description=(
        "One row per customer per month-end while the relationship is open: balances, activity "
        "and service. The backbone: tier, lifecycle stage and risk are derived from it."
    ),
    columns=(
        Column("customer_id", S, "Customer identifier."),
        Column("month", D, "Month-end date (e.g. 2026-09-30)."),
        Column("aum_total", F, "Assets under management at month-end, CNY (deposits + wealth + insurance)."),
        Column("deposits", F, "Demand and time deposits at month-end, CNY."),
        Column("wealth", F, "Wealth-management products and funds at month-end, CNY."),
        Column("insurance", F, "Insurance cash value at month-end, CNY."),
        Column("loan_balance", F, "Outstanding loans at month-end, CNY."),
        Column("card_spend", F, "Card spend in the month, CNY."),
        Column("txn_count", I, "Customer-initiated transactions in the month."),
        Column("txn_amount", F, "Value of those transactions, CNY."),
        Column("digital_logins", I, "Mobile / web banking logins in the month."),
        Column("products_held", I, "Distinct product types held at month-end."),
        Column("complaints", I, "Complaints raised in the month."),
        Column("payroll_inflow", F, "Payroll credited in the month, CNY.", nullable=True, required=False),
        Column("cross_border_spend", F, "Card spend abroad in the month, CNY.", nullable=True, required=False),
    ),
    primary_key=("customer_id", "month"),
    foreign_keys=(ForeignKey("customer_id", "customers", "customer_id"),),
)

PRODUCTS = Table(
    name="products",
    description="The product catalogue: one row per product type.",
    columns=(
        Column("product_type", S, "Product type code (e.g. deposit, wealth, fund, insurance, credit_card)."),
        Column("product_name", S, "Display name."),
        Column("category", S, "deposit, investment, insurance, lending or payments."),
    ),
    primary_key=("product_type",),
    optional=True,
    without_it="Product names fall back to the product_type codes.",
)

HOLDINGS = Table(
    name="holdings",
    description="Products held by customers, with open and close dates.",
    columns=(
        Column("holding_id", S, "Holding identifier."),
        Column("customer_id", S, "Customer identifier."),
        Column("product_type", S, "Product type code."),
        Column("open_date", D, "Date the product was opened."),
        Column("close_date", D, "Date the product was closed or redeemed; empty while held.", nullable=True),
    ),
    primary_key=("holding_id",),
    foreign_keys=(ForeignKey("customer_id", "customers", "customer_id"),),
    optional=True,
    without_it=(
        "Product penetration charts say no holdings data was supplied; products per customer "
        "still uses customer_months.products_held."
    ),
)

CAMPAIGNS = Table(
    name="campaigns",
    description="Marketing campaigns with their cost and control-group design.",
    columns=(
        Column("campaign_id", S, "Campaign identifier."),
        Column("campaign_name", S, "Display name."),
        Column("campaign_type", S, "acquisition, cross_sell, retention, activation or winback."),
        Column("channel", S, "Primary channel (sms, call, app_push, email, visit, impression)."),
        Column("start_date", D, "First day."),
        Column("end_date", D, "Last day."),
        Column("cost", F, "Total cost, CNY."),
        Column("target_segment", S, "Targeted tier or segment, free text.", nullable=True),
        Column("product_type", S, "Product promoted.", nullable=True),
        Column("control_share", F, "Share of targeted customers held out as control (0–1).", nullable=True),
    ),
    primary_key=("campaign_id",),
    optional=True,
    without_it="The campaigns page explains that no campaign data was supplied.",
)

TOUCHES = Table(
    name="touches",
    description="Marketing touches: one row per contact (or control assignment) of a customer.",
    columns=(
        Column("touch_id", S, "Touch identifier."),
        Column("customer_id", S, "Customer identifier."),
        Column("campaign_id", S, "Campaign identifier."),
        Column("channel", S, "sms, call, app_push, email, visit or impression."),
        Column("touch_ts", T, "When the touch happened."),
        Column("touch_type", S, "impression, call, sms, app_push, visit or email."),
        Column("is_control", B, "True when the customer is in the campaign's control group (not contacted)."),
    ),
    primary_key=("touch_id",),
    foreign_keys=(
        ForeignKey("customer_id", "customers", "customer_id"),
        ForeignKey("campaign_id", "campaigns", "campaign_id"),
    ),
    optional=True,
    requires=("campaigns",),
    without_it="Attribution and uplift are not shown; the campaigns page says why.",
)

CONVERSIONS = Table(
    name="conversions",
    description="Conversions: a product bought or opened, with its value.",
    columns=(
        Column("conversion_id", S, "Conversion identifier."),
        Column("customer_id", S, "Customer identifier."),
        Column("conversion_ts", T, "When the conversion happened."),
        Column("product_type", S, "Product converted to."),
        Column("value", F, "Revenue value of the conversion, CNY."),
    ),
    primary_key=("conversion_id",),
    foreign_keys=(ForeignKey("customer_id", "customers", "customer_id"),),
    optional=True,
    without_it="Conversion, attribution and ROI figures are not shown; the campaigns page says why.",
)

COMPLAINTS = Table(
    name="complaints",
    description="Complaints and service interactions.",
    columns=(
        Column("complaint_id", S, "Complaint identifier."),
        Column("customer_id", S, "Customer identifier."),
        Column("complaint_ts", T, "When it was raised."),
        Column("channel", S, "branch, phone, app, online or regulator."),
        Column("category", S, "fees, service, product, digital, other."),
        Column("resolved", B, "Whether it has been resolved."),
    ),
    primary_key=("complaint_id",),
    foreign_keys=(ForeignKey("customer_id", "customers", "customer_id"),),
    optional=True,
    without_it="Complaint details on the customer page are hidden; complaint counts come from customer_months.",
)

TABLES: tuple[Table, ...] = (
    BRANCHES,
    RELATIONSHIP_MANAGERS,
    CUSTOMERS,
    CUSTOMER_MONTHS,
    PRODUCTS,
    HOLDINGS,
    CAMPAIGNS,
    TOUCHES,
    CONVERSIONS,
    COMPLAINTS,
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
REQUIRED_TABLES: tuple[str, ...] = tuple(t.name for t in TABLES if not t.optional)


def table(name: str) -> Table:
    return TABLES_BY_NAME[name]
