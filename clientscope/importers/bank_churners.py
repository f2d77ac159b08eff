"""Import the "Credit Card customers" churn data set (BankChurners.csv) into the extract contract.

The source is one snapshot row per customer with no dates at all, so the import does not invent a
history: it emits the snapshot month only.  Decisions (also in docs/real-data.md and the notes):
- snapshot month-end 2020-12-31 (an assumption; the data set was published late in 2020);
- open_date = the first day of the month `Months_on_book` months before the snapshot month;
- "Attrited Customer" is closed on the snapshot month-end;
- the 12-month totals (Total_Trans_Ct, Total_Trans_Amt) go into the snapshot month as they are;
- amounts are USD (income bands are in $), not converted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from clientscope.importers.common import (
    ImportFailed,
    ImportSummary,
    blank_to_null,
    check_target,
    parse_strict,
    require_columns,
    require_file,
    source_label,
    write_extract,
)

SOURCE = "bank-churners"
CURRENCY = "USD"
SNAPSHOT = date(2020, 12, 31)
ATTRITED = "Attrited Customer"
EXISTING = "Existing Customer"
UNKNOWN = "Unknown"
LEFTOVER_PREFIX = "Naive_Bayes_Classifier"
BRANCH_ID = "CC"
RM_ID = "CC-RM"
MODEL_SEED = 0
FOLDS = 5

INTEGERS = (
    "Customer_Age",
    "Dependent_count",
    "Months_on_book",
    "Total_Relationship_Count",
    "Months_Inactive_12_mon",
    "Contacts_Count_12_mon",
    "Total_Trans_Ct",
)
FLOATS = (
    "Credit_Limit",
    "Total_Revolving_Bal",
    "Avg_Open_To_Buy",
    "Total_Amt_Chng_Q4_Q1",
    "Total_Trans_Amt",
    "Total_Ct_Chng_Q4_Q1",
    "Avg_Utilization_Ratio",
)
CATEGORIES = ("Gender", "Education_Level", "Marital_Status", "Income_Category", "Card_Category")
TAGS = {
    "Education_Level": "education",
    "Marital_Status": "marital",
    "Income_Category": "income",
    "Card_Category": "card",
}
COLUMNS = ("CLIENTNUM", "Attrition_Flag", *INTEGERS, *FLOATS, *CATEGORIES)
CARD_TYPES = ("Blue", "Silver", "Gold", "Platinum")

PRODUCTS = pl.DataFrame({"product_type": ["credit_card"], "product_name": ["Credit card"], "category": ["payments"]})

NOTES = (
    "currency: amounts are USD (the income bands are in $); they are not converted to CNY.",
    f"snapshot: the source has no dates; every row is taken as of the month-end {SNAPSHOT} (an assumption).",
    "customers: ids are CLIENTNUM; open_date = first day of the month Months_on_book months before the snapshot "
    "month; 'Attrited Customer' rows are closed on the snapshot month-end; birth_year = snapshot year - "
    "Customer_Age; education, marital status, income band and card category as tags ('Unknown' left out).",
    "customer_months: the snapshot month only (no history is fabricated): txn_count = Total_Trans_Ct and "
    "txn_amount = card_spend = Total_Trans_Amt, both 12-month totals; loan_balance = Total_Revolving_Bal; "
    "products_held = Total_Relationship_Count; aum_total, deposits, wealth, insurance, digital_logins and "
    "complaints are 0 (no source); credit limit, utilisation and the Q4/Q1 change ratios are not imported.",
    "holdings: the credit card of each customer (credit_card; its category is the card:<category> tag), open "
    "from open_date, closed with the customer.",
    "branches and relationship_managers: one synthetic branch and one synthetic RM for the whole portfolio.",
    "the two Naive_Bayes_Classifier columns (leftover model output) are dropped.",
)


def import_bank_churners(src_file: Path, out_dir: Path) -> ImportSummary:
    """Read BankChurners.csv and write contract extracts to `out_dir`."""
    src_file = Path(src_file)
    out_dir = Path(out_dir)
    check_target(out_dir, protect=[src_file])
    rows = read_churners(src_file)
    customers = _customers(rows)
    tables = {
        "branches": pl.DataFrame(
            {
                "branch_id": [BRANCH_ID],
                "branch_name": ["Credit card portfolio"],
                "region": ["All customers"],
                "city": ["Unknown"],
            }
        ),
        "relationship_managers": pl.DataFrame(
            {"rm_id": [RM_ID], "rm_name": ["Portfolio manager (synthetic)"], "branch_id": [BRANCH_ID]}
        ),
        "customers": customers,
        "customer_months": _customer_months(rows),
        "products": PRODUCTS,
        "holdings": _holdings(customers),
    }
    return write_extract(out_dir, tables, source=SOURCE, notes=NOTES, currency=CURRENCY, protect=[src_file])


def read_churners(path: Path) -> pl.DataFrame:
    """The source rows with typed columns; 'Unknown' as null; the Naive Bayes columns dropped."""
    require_file(path)
    label = source_label(path)
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ImportFailed(f"{label}: cannot be read as ','-separated text ({exc})") from exc
    frame = frame.select(c for c in frame.columns if not c.startswith(LEFTOVER_PREFIX))
    require_columns(frame.columns, COLUMNS, label)
    if frame.height == 0:
        raise ImportFailed(f"{label}: no customer rows")
    frame = frame.select(COLUMNS).with_columns(blank_to_null(COLUMNS))
    frame = frame.with_columns(pl.col(c).replace(UNKNOWN, None) for c in CATEGORIES)
    casts = {**dict.fromkeys(INTEGERS, pl.Int64()), **dict.fromkeys(FLOATS, pl.Float64())}
    frame = parse_strict(frame, casts, label)
    _check_values(frame, "Attrition_Flag", (ATTRITED, EXISTING), label)
    _check_values(frame, "Card_Category", CARD_TYPES, label)
    _check_values(frame, "Gender", ("F", "M"), label, allow_null=True)
    negative = frame.with_row_index("row", offset=1).filter(pl.col("Months_on_book") < 0)
    if negative.height:
        row, value = negative.get_column("row")[0], negative.get_column("Months_on_book")[0]
        raise ImportFailed(f"{label}: column 'Months_on_book', row {row:,}: '{value}' is negative")
    return frame


def _check_values(
    frame: pl.DataFrame, column: str, allowed: tuple[str, ...], label: str, *, allow_null: bool = False
) -> None:
    ok = pl.col(column).is_in(allowed) | (pl.col(column).is_null() if allow_null else pl.lit(False))
    bad = frame.with_row_index("row", offset=1).filter(~ok.fill_null(False))
    if bad.height:
        row, value = bad.get_column("row")[0], bad.get_column(column)[0]
        raise ImportFailed(f"{label}: column '{column}', row {row:,}: '{value}' is not one of {', '.join(allowed)}")


def _customers(rows: pl.DataFrame) -> pl.DataFrame:
    months_back = pl.format("-{}mo", pl.col("Months_on_book"))
    tags = pl.concat_list(
        [pl.when(pl.col(col).is_not_null()).then(pl.format(f"{tag}:{{}}", pl.col(col))) for col, tag in TAGS.items()]
    ).list.drop_nulls()
    return rows.select(
        customer_id=pl.col("CLIENTNUM"),
        open_date=pl.lit(SNAPSHOT).dt.month_start().dt.offset_by(months_back),
        close_date=pl.when(pl.col("Attrition_Flag") == ATTRITED).then(pl.lit(SNAPSHOT)).otherwise(None),
        birth_year=SNAPSHOT.year - pl.col("Customer_Age"),
        gender=pl.col("Gender"),
        city=pl.lit(None, pl.String),
        branch_id=pl.lit(BRANCH_ID),
        rm_id=pl.lit(RM_ID),
        acquisition_channel=pl.lit(None, pl.String),
        risk_profile=pl.lit(None, pl.String),
        tags=tags,
    )


def _customer_months(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        customer_id=pl.col("CLIENTNUM"),
        month=pl.lit(SNAPSHOT),
        aum_total=pl.lit(0.0),
        deposits=pl.lit(0.0),
        wealth=pl.lit(0.0),
        insurance=pl.lit(0.0),
        loan_balance=pl.col("Total_Revolving_Bal"),
        card_spend=pl.col("Total_Trans_Amt"),
        txn_count=pl.col("Total_Trans_Ct"),
        txn_amount=pl.col("Total_Trans_Amt"),
        digital_logins=pl.lit(0),
        products_held=pl.col("Total_Relationship_Count"),
        complaints=pl.lit(0),
    )


def _holdings(customers: pl.DataFrame) -> pl.DataFrame:
    return customers.select(
        holding_id=pl.format("{}-card", pl.col("customer_id")),
        customer_id="customer_id",
        product_type=pl.lit("credit_card"),
        open_date="open_date",
        close_date="close_date",
    )


# --- the churn model check ---------------------------------------------------------------------------------


def churner_features(rows: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, list[bool]]:
    """Feature matrix (categories as integer codes, missing as NaN), churn labels, and the categorical mask."""
    columns: list[np.ndarray] = []
    categorical: list[bool] = []
    for name in (*INTEGERS, *FLOATS):
        columns.append(rows.get_column(name).cast(pl.Float64).to_numpy())
        categorical.append(False)
    for name in CATEGORIES:
        levels = sorted(rows.get_column(name).drop_nulls().unique().to_list())
        codes = rows.get_column(name).replace_strict(levels, list(range(len(levels))), default=None)
        columns.append(codes.cast(pl.Float64).fill_null(float("nan")).to_numpy())
        categorical.append(True)
    labels = (rows.get_column("Attrition_Flag") == ATTRITED).cast(pl.Int64).to_numpy()
    return np.column_stack(columns), labels, categorical


def churners_model_auc(src_file: Path) -> float:
    """Mean ROC AUC of a gradient-boosting churn classifier, 5-fold stratified cross-validation, seeded."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from threadpoolctl import threadpool_limits

    features, labels, categorical = churner_features(read_churners(Path(src_file)))
    model = HistGradientBoostingClassifier(categorical_features=categorical, random_state=MODEL_SEED)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=MODEL_SEED)
    # One OpenMP thread: on a shared 2-core machine more threads are slower (oversubscription), same result.
    with threadpool_limits(limits=1):
        scores = cross_val_score(model, features, labels, cv=folds, scoring="roc_auc")
    return float(np.mean(scores))
