"""The Berka importer: a hand-made miniature with hand-checked results, and the real data set."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from clientscope.importers import ImportFailed, import_berka

REAL = Path(__file__).parents[2] / "shared" / "data" / "real"
DISTRICT_HEADER = "A1;A2;A3;A4;A5;A6;A7;A8;A9;A10;A11;A12;A13;A14;A15;A16"

# Client 1 owns account 10 (district 1), client 3 is a DISPONENT on it; client 2 owns account 20 (district 2).
MINI = {
    "district.asc": [
        DISTRICT_HEADER,
        '1;"Hl.m. Praha";"Prague";1204953;0;0;0;1;1;100.0;12541;0.29;0.43;167;85677;99107',
        '2;"Benesov";"central Bohemia";88884;80;26;6;2;5;46.7;8507;?;1.85;132;?;2674',
    ],
    "client.asc": [
        '"client_id";"birth_number";"district_id"',
        '1;"706213";1',  # woman (62 = 12 + 50), 1970
        '2;"450204";2',  # man, 1945
        '3;"806005";1',  # woman (60 = 10 + 50), 1980
    ],
    "account.asc": [
        '"account_id";"district_id";"frequency";"date"',
        '10;1;"POPLATEK MESICNE";930115',
        '20;2;"POPLATEK TYDNE";930201',
    ],
    "disp.asc": [
        '"disp_id";"client_id";"account_id";"type"',
        '1;1;10;"OWNER"',
        '2;2;20;"OWNER"',
        '3;3;10;"DISPONENT"',
    ],
    "loan.asc": [
        '"loan_id";"account_id";"date";"amount";"duration";"payments";"status"',
        '7;10;930201;1200;12;100.00;"C"',
        '8;20;930210;600;6;100.00;"A"',
    ],
    "card.asc": [
        '"card_id";"disp_id";"type";"issued"',
        '1;1;"gold";930301 00:00:00',
        '2;3;"junior";930601 00:00:00',
    ],
    "order.asc": ['"order_id";"account_id";"bank_to";"account_to";"amount";"k_symbol"'],
    # On 1993-01-31 the withdrawal is listed before the interest it follows (and has the lower trans_id):
    # the month-end balance is 850, not 1050.
    "trans.asc": [
        '"trans_id";"account_id";"date";"type";"operation";"amount";"balance";"k_symbol";"bank";"account"',
        '1;10;930115;"PRIJEM";"VKLAD";1000.00;1000.00;"";;',
        '5;10;930131;"VYDAJ";"VYBER";200.00;850.00;" ";;',
        '9;10;930131;"PRIJEM";"";50.00;1050.00;"UROK";;',
        '11;20;930201;"PRIJEM";"VKLAD";500.00;500.00;"";;',
        '12;20;930310;"VYBER";"VYBER";100.00;400.00;"";;',
        '13;10;930315;"VYDAJ";"VYBER KARTOU";100.00;750.00;"";;',
        '14;10;930331;"PRIJEM";;10.00;760.00;"UROK";;',
        '15;10;931215;"PRIJEM";"VKLAD";40.00;800.00;"";;',
        '16;10;931231;"PRIJEM";;5.00;805.00;"UROK";;',
    ],
}


def write_mini(folder: Path, overrides: dict[str, list[str]] | None = None) -> Path:
    """The miniature Berka folder, in the source's format (';', quotes, CRLF)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in {**MINI, **(overrides or {})}.items():
        (folder / name).write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))
    return folder


@pytest.fixture(scope="module")
def mini_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mini")
    src = write_mini(root / "berka")
    out = root / "out"
    import_berka(src, out)
    return out


def read(out: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(out / f"{name}.parquet")


def test_customers_are_decoded_from_birth_numbers(mini_out: Path) -> None:
    customers = read(mini_out, "customers").select(
        "customer_id", "open_date", "close_date", "birth_year", "gender", "city", "branch_id", "rm_id"
    )
    assert customers.rows() == [
        ("1", date(1993, 1, 15), None, 1970, "F", "Hl.m. Praha", "D01", "RM-D01"),
        ("2", date(1993, 2, 1), date(1993, 4, 1), 1945, "M", "Benesov", "D02", "RM-D02"),
        ("3", date(1993, 1, 15), None, 1980, "F", "Hl.m. Praha", "D01", "RM-D01"),
    ]
    assert read(mini_out, "customers").get_column("tags").to_list() == [["card:gold"], None, ["card:junior"]]


def test_branches_and_one_synthetic_rm_per_branch(mini_out: Path) -> None:
    assert read(mini_out, "branches").rows() == [
        ("D01", "Hl.m. Praha", "Prague", "Hl.m. Praha"),
        ("D02", "Benesov", "central Bohemia", "Benesov"),
    ]
    assert read(mini_out, "relationship_managers").rows() == [
        ("RM-D01", "Hl.m. Praha RM (synthetic)", "D01"),
        ("RM-D02", "Benesov RM (synthetic)", "D02"),
    ]


def test_month_end_balances_carry_forward_and_follow_the_running_balance(mini_out: Path) -> None:
    months = read(mini_out, "customer_months")
    one = months.filter(pl.col("customer_id") == "1").sort("month")
    assert one.height == 12  # January .. December 1993
    assert one.get_column("deposits").to_list() == [850.0, 850.0, *[760.0] * 9, 805.0]
    assert one.get_column("aum_total").to_list() == one.get_column("deposits").to_list()
    # Interest (UROK) is a bank posting, not a customer transaction.
    assert one.get_column("txn_count").to_list() == [2, 0, 1, *[0] * 8, 1]
    assert one.get_column("txn_amount").to_list() == [1200.0, 0.0, 100.0, *[0.0] * 8, 40.0]
    assert one.get_column("card_spend").to_list() == [0.0, 0.0, 100.0, *[0.0] * 9]
    # Loan of 1,200 from February, 100 a month.
    assert one.get_column("loan_balance").to_list() == [0.0, *[1200.0 - 100 * k for k in range(11)]]
    # Current account; + loan from February; + gold card from March.
    assert one.get_column("products_held").to_list() == [1, 2, *[3] * 10]
    assert set(one.get_column("wealth").to_list()) == {0.0}
    assert set(one.get_column("digital_logins").to_list()) == {0}


def test_an_idle_account_closes_the_month_after_its_last_transaction(mini_out: Path) -> None:
    two = read(mini_out, "customer_months").filter(pl.col("customer_id") == "2").sort("month")
    assert two.select("month", "deposits", "txn_count", "txn_amount", "loan_balance", "products_held").rows() == [
        (date(1993, 2, 28), 500.0, 1, 500.0, 600.0, 2),
        (date(1993, 3, 31), 400.0, 1, 100.0, 500.0, 2),
    ]


def test_disponents_have_no_customer_months(mini_out: Path) -> None:
    assert read(mini_out, "customer_months").get_column("customer_id").unique().sort().to_list() == ["1", "2"]


def test_holdings_are_accounts_loans_and_cards(mini_out: Path) -> None:
    assert read(mini_out, "holdings").sort("holding_id").rows() == [
        ("A10", "1", "current_account", date(1993, 1, 15), None),
        ("A20", "2", "current_account", date(1993, 2, 1), date(1993, 4, 1)),
        ("K1", "1", "credit_card", date(1993, 3, 1), None),
        ("K2", "3", "credit_card", date(1993, 6, 1), None),
        ("L7", "1", "loan", date(1993, 2, 1), None),
        ("L8", "2", "loan", date(1993, 2, 10), date(1993, 8, 10)),
    ]


def test_the_currency_is_recorded_not_converted(mini_out: Path) -> None:
    manifest = (mini_out / "import.json").read_text()
    assert '"currency": "CZK"' in manifest


def test_bad_birth_number_names_file_column_row_and_value(tmp_path: Path) -> None:
    clients = [*MINI["client.asc"][:2], '2;"451304";2', MINI["client.asc"][3]]
    src = write_mini(tmp_path / "berka", {"client.asc": clients})
    with pytest.raises(ImportFailed) as err:
        import_berka(src, tmp_path / "out")
    assert err.value.message == (
        "berka/client.asc: column 'birth_number', row 2: '451304' is not a YYMMDD birth number (women: month + 50)"
    )
    assert not (tmp_path / "out").exists()


def test_bad_transaction_amount_names_file_column_row_and_value(tmp_path: Path) -> None:
    trans = list(MINI["trans.asc"])
    trans[3] = '9;10;930131;"PRIJEM";"";50,00;1050.00;"UROK";;'
    src = write_mini(tmp_path / "berka", {"trans.asc": trans})
    with pytest.raises(ImportFailed) as err:
        import_berka(src, tmp_path / "out")
    assert err.value.message == "berka/trans.asc: column 'amount', row 3: '50,00' is not a number"
    assert not (tmp_path / "out").exists()


def test_missing_file_and_missing_column(tmp_path: Path) -> None:
    src = write_mini(tmp_path / "berka")
    (src / "card.asc").unlink()
    with pytest.raises(ImportFailed) as err:
        import_berka(src, tmp_path / "out")
    assert err.value.message == f"{src / 'card.asc'}: file not found"

    src = write_mini(
        tmp_path / "berka2", {"account.asc": ['"account_id";"district";"frequency";"date"', "10;1;x;930115"]}
    )
    with pytest.raises(ImportFailed) as err:
        import_berka(src, tmp_path / "out")
    assert err.value.message == (
        "berka2/account.asc: column 'district_id' not found (columns present: account_id, district, frequency, date)"
    )


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_source_files_are_not_modified(tmp_path: Path) -> None:
    src = write_mini(tmp_path / "berka")
    before = _digests(src)
    import_berka(src, tmp_path / "out")
    assert _digests(src) == before


# --- the real data set -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = REAL / "berka"
    if not src.is_dir():
        pytest.skip(f"real data not available: {src} is absent")
    out = tmp_path_factory.mktemp("berka") / "out"
    import_berka(src, out)
    return out


@pytest.mark.real_data
def test_real_berka_counts(real_out: Path) -> None:
    customers = read(real_out, "customers")
    assert customers.height == 5_369
    assert customers.filter(pl.col("gender") == "F").height == 2_645
    holdings = read(real_out, "holdings")
    assert holdings.filter(pl.col("product_type") == "current_account").height == 4_500
    assert holdings.filter(pl.col("product_type") == "loan").height == 682
    assert holdings.filter(pl.col("product_type") == "credit_card").height == 892
    assert read(real_out, "branches").height == 77


@pytest.mark.real_data
def test_real_berka_months_cover_the_transaction_prefix(real_out: Path) -> None:
    months = read(real_out, "customer_months")
    assert months.get_column("month").min() == date(1993, 1, 31)
    assert months.get_column("month").max() == date(1994, 3, 31)
    assert months.get_column("customer_id").n_unique() == 1_229  # one OWNER per account in the prefix


@pytest.mark.real_data
def test_real_berka_month_end_balances_match_the_source(real_out: Path) -> None:
    """Recomputed independently where the month's last day has a single transaction (no ordering question)."""
    trans = pl.read_csv(REAL / "berka" / "trans.asc", separator=";", infer_schema=False).select(
        "account_id", "date", pl.col("balance").cast(pl.Float64)
    )
    trans = trans.with_columns(month=pl.col("date").str.slice(0, 4))
    last = trans.filter(pl.col("date") == pl.col("date").max().over("account_id", "month"))
    single = last.filter(pl.len().over("account_id", "date") == 1)
    owners = pl.read_csv(REAL / "berka" / "disp.asc", separator=";", infer_schema=False).filter(
        pl.col("type") == "OWNER"
    )
    expected = single.join(owners.select("account_id", "client_id"), on="account_id").select(
        customer_id="client_id",
        month=pl.concat_str(pl.lit("19"), "month", pl.lit("01")).str.to_date("%Y%m%d").dt.month_end(),
        expected="balance",
    )
    got = expected.join(read(real_out, "customer_months"), on=["customer_id", "month"], how="left")
    assert got.height > 5_000
    assert got.filter(pl.col("deposits") != pl.col("expected")).height == 0


@pytest.mark.real_data
def test_real_berka_meets_the_contract(real_out: Path) -> None:
    from clientscope.validation import validate

    report = validate(real_out)
    assert report.ok, [str(p) for p in report.errors]
