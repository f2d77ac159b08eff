"""Who the customers of one chunk are: static attributes drawn once per customer.

Ages, wealth, branch and RM, acquisition channel, risk profile and tags are drawn together so
they are consistent (retirees are 60+, private-banking customers have an RM, young customers
come through the app more often).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from clientscope.demo.names import draw_id_numbers, draw_names, draw_phones
from clientscope.demo.org import Org
from clientscope.demo.reference import ACQUISITION_CHANNELS, CITY_AREA_CODE, GENDERS, RISK_PROFILES, TAGS
from clientscope.demo.sampling import categorical, stratified_normal
from clientscope.demo.window import OPEN_ENDED, Window

# Tier thresholds (CNY): the design's default tiering.  Shared with the holdings and activity modules.
AFFLUENT_AUM = 500_000.0
PRIVATE_AUM = 6_000_000.0

# Log-normal AUM: median ≈ exp(LOG_AUM_MEDIAN) CNY, spread LOG_AUM_SIGMA.  Calibrated so that the last
# month has ~88% mass, ~11% affluent and ~0.8% private customers (see tests/test_demo.py).
LOG_AUM_MEDIAN = 10.58
LOG_AUM_SIGMA = 2.0
HISTORY_YEARS = 12  # customers who opened before the window did so up to this many years earlier
OLDEST_BIRTH_YEAR = 1945
YOUNGEST_BIRTH_YEAR = 2006

# Acquisition channel probabilities for customers under 35, 35-59 and 60+ (order of ACQUISITION_CHANNELS).
_CHANNEL_BY_AGE = np.array(
    [
        [0.15, 0.35, 0.10, 0.18, 0.08, 0.14],
        [0.35, 0.20, 0.12, 0.15, 0.08, 0.10],
        [0.65, 0.05, 0.15, 0.02, 0.08, 0.05],
    ]
)


@dataclass(frozen=True)
class Population:
    """Static attributes of the customers of one chunk; arrays are indexed by position in the chunk."""

    numbers: np.ndarray  # global customer numbers (1-based): the id is C + zero-padded number
    birth_year: np.ndarray
    age: np.ndarray  # at the last month of the window
    is_male: np.ndarray
    branch: np.ndarray
    city: pl.Series
    rm: np.ndarray  # index into org.rm_ids, -1 when unmanaged
    channel: np.ndarray
    risk: np.ndarray
    tags: np.ndarray  # (n, len(TAGS)) booleans
    wealth_z: np.ndarray  # standardised wealth (drives AUM, salary, spend)
    log_aum0: np.ndarray  # log AUM at the customer's first month in the window
    tier0: np.ndarray  # 0 mass, 1 affluent, 2 private, from log_aum0
    open_day: np.ndarray
    first_row: np.ndarray  # index of the first month-end with a customer_months row
    is_new: np.ndarray  # opened inside the window
    activation_row: np.ndarray  # first month with activity (window size when never activated)
    has_payroll: np.ndarray
    salary: np.ndarray

    @property
    def size(self) -> int:
        return len(self.numbers)


def tier_of(aum: np.ndarray) -> np.ndarray:
    return np.digitize(aum, [AFFLUENT_AUM, PRIVATE_AUM]).astype(np.int8)


def _birth_years(rng: np.random.Generator, n: int, youngest: int, centre: float, spread: float) -> np.ndarray:
    years = np.arange(OLDEST_BIRTH_YEAR, youngest + 1)
    weights = np.exp(-0.5 * ((years - centre) / spread) ** 2) + 0.02
    return rng.choice(years, n, p=weights / weights.sum())


def _open_days(rng: np.random.Generator, window: Window, is_new: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    n = len(is_new)
    months = window.size
    # New customers: a growing bank with a busy start of the year; day uniform within the month.
    month_weight = (1.0 + 0.015 * np.arange(months)) * np.where(np.isin(window.calendar_months, [1, 3, 9]), 1.2, 1.0)
    month = rng.choice(months, n, p=month_weight / month_weight.sum())
    month_len = window.month_ends[month] - window.month_starts[month] + 1
    new_day = window.month_starts[month] + (rng.random(n) * month_len).astype(np.int64)
    # Older customers: more recent openings are more common.
    history_days = int(HISTORY_YEARS * 365.25)
    old_day = window.first_day - 1 - (history_days * rng.random(n) ** 1.6).astype(np.int64)
    day = np.where(is_new, new_day, old_day)
    # Nobody opens an account before turning eighteen.
    eighteen = year_start_days(birth_year + 18) + rng.integers(0, 365, n)
    return np.minimum(np.maximum(day, eighteen), window.last_day)


def year_start_days(years: np.ndarray) -> np.ndarray:
    return (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def draw_population(rng: np.random.Generator, org: Org, window: Window, first_number: int, n: int) -> Population:
    months = window.size
    youngest = min(YOUNGEST_BIRTH_YEAR, window.end_year - 20)
    new_share = float(np.clip(0.016 * months, 0.05, 0.55))
    is_new_draw = rng.random(n) < new_share
    # New customers are younger than the existing book.
    birth_year = np.where(
        is_new_draw,
        _birth_years(rng, n, youngest, 1991.0, 12.0),
        _birth_years(rng, n, youngest, 1979.0, 15.0),
    )
    age = window.end_year - birth_year
    is_male = rng.random(n) < 0.49
    branch = rng.choice(len(org.branch_ids), n, p=org.branch_weights)

    open_day = _open_days(rng, window, is_new_draw, birth_year)
    is_new = open_day >= window.first_day
    first_row = window.first_month_end_on_or_after(open_day)

    age_term = np.clip((age - 45) / 15.0, -1.7, 2.0)
    wealth_z = 0.3 * age_term + org.branch_wealth[branch] + 0.95 * stratified_normal(rng, n) - 0.1 * is_new
    log_aum0 = LOG_AUM_MEDIAN + LOG_AUM_SIGMA * wealth_z
    tier0 = tier_of(np.exp(log_aum0))

    city = _cities(rng, org, branch)
    rm = _relationship_managers(rng, org, branch, tier0)
    age_band = np.digitize(age, [35, 60])
    channel = categorical(rng, _CHANNEL_BY_AGE[age_band])
    risk_score = -0.03 * (age - 45) + 0.35 * wealth_z + rng.standard_normal(n)
    risk = np.digitize(risk_score, [-1.1, 0.0, 0.9, 1.8])

    has_payroll = (channel == ACQUISITION_CHANNELS.index("payroll")) | (
        (age >= 22) & (age <= 60) & (rng.random(n) < 0.22)
    )
    salary = np.exp(np.log(9000.0) + 0.35 * wealth_z + 0.4 * rng.standard_normal(n))
    tags = _tags(rng, age, tier0, has_payroll, salary)

    # New customers start transacting after a short delay; one in ten never does inside the window.
    delay = np.minimum(rng.geometric(0.5, n) - 1, 5)
    never = rng.random(n) < 0.10
    activation_row = np.where(is_new, np.where(never, months, first_row + delay), 0)

    return Population(
        numbers=np.arange(first_number, first_number + n, dtype=np.int64),
        birth_year=birth_year,
        age=age,
        is_male=is_male,
        branch=branch,
        city=city,
        rm=rm,
        channel=channel,
        risk=risk,
        tags=tags,
        wealth_z=wealth_z,
        log_aum0=log_aum0,
        tier0=tier0,
        open_day=open_day,
        first_row=first_row,
        is_new=is_new,
        activation_row=activation_row,
        has_payroll=has_payroll,
        salary=salary,
    )


def _cities(rng: np.random.Generator, org: Org, branch: np.ndarray) -> pl.Series:
    """Most customers live in their branch's city; the rest elsewhere in the same region."""
    n = len(branch)
    all_cities = tuple(dict.fromkeys(c for cities in org.region_cities for c in cities))
    home = np.array([all_cities.index(c) for c in org.branch_city])[branch]
    region_city_idx = [np.array([all_cities.index(c) for c in cities]) for cities in org.region_cities]
    region = org.branch_region[branch]
    elsewhere = home.copy()
    pick = rng.random(n)
    for r, idx in enumerate(region_city_idx):  # a handful of regions, not customers
        in_region = region == r
        elsewhere[in_region] = idx[(pick[in_region] * len(idx)).astype(np.int64)]
    city = np.where(rng.random(n) < 0.92, home, elsewhere)
    return pl.Series("city", all_cities).gather(city)


def _relationship_managers(rng: np.random.Generator, org: Org, branch: np.ndarray, tier0: np.ndarray) -> np.ndarray:
    managed = rng.random(len(branch)) < np.array([0.08, 0.80, 0.97])[tier0]
    first = org.rm_offsets[branch]
    count = org.rm_offsets[branch + 1] - first
    rm = first + (rng.random(len(branch)) * count).astype(np.int64)
    return np.where(managed, rm, -1)


def _tags(
    rng: np.random.Generator, age: np.ndarray, tier0: np.ndarray, has_payroll: np.ndarray, salary: np.ndarray
) -> np.ndarray:
    n = len(age)
    u = rng.random((n, len(TAGS)))
    student = (age <= 24) & (u[:, TAGS.index("student")] < 0.6)
    young_professional = (age >= 23) & (age <= 35) & ~student & (u[:, TAGS.index("young_professional")] < 0.6)
    parent = (age >= 28) & (age <= 55) & (u[:, TAGS.index("parent")] < 0.45)
    retiree = (age >= 60) & (u[:, TAGS.index("retiree")] < 0.8)
    owner_p = 0.05 + 0.25 * (tier0 >= 1) + 0.2 * (tier0 == 2)
    business_owner = (age >= 28) & (age <= 65) & (u[:, TAGS.index("business_owner")] < owner_p)
    high_income = ~student & (
        ((tier0 >= 1) & (u[:, TAGS.index("high_income")] < 0.6)) | (has_payroll & (salary > 25_000))
    )
    by_name = {
        "young_professional": young_professional,
        "retiree": retiree,
        "parent": parent,
        "business_owner": business_owner,
        "student": student,
        "high_income": high_income,
    }
    return np.column_stack([by_name[t] for t in TAGS])


def customers_frame(
    rng: np.random.Generator, org: Org, pop: Population, close_day: np.ndarray, id_width: int
) -> pl.DataFrame:
    """The `customers` rows of the chunk (types are conformed to the contract by the caller)."""
    area = np.array([CITY_AREA_CODE[c] for c in CITY_AREA_CODE], dtype=np.int64)
    city_codes = pl.Series(list(CITY_AREA_CODE)).to_frame("city").with_row_index("code_idx")
    home_code = pop.city.to_frame().join(city_codes, on="city", how="left", maintain_order="left")["code_idx"]
    born_elsewhere = rng.random(pop.size) < 0.3
    code_idx = np.where(born_elsewhere, rng.integers(0, len(area), pop.size), home_code.to_numpy())
    tag_names = [pl.when(pl.col(f"tag_{i}")).then(pl.lit(name)) for i, name in enumerate(TAGS)]
    frame = pl.DataFrame(
        {
            "customer_id": customer_ids(pop.numbers, id_width),
            "name": draw_names(rng, pop.is_male),
            "phone": draw_phones(rng, pop.size),
            "id_number": draw_id_numbers(rng, area[code_idx], pop.birth_year, pop.is_male),
            "open_date": pop.open_day,
            "close_date": pl.Series(np.where(close_day == OPEN_ENDED, 0, close_day)),
            "is_open": close_day == OPEN_ENDED,
            "birth_year": pop.birth_year,
            "gender": pl.Series(GENDERS).gather(pop.is_male.astype(np.int64)),
            "city": pop.city,
            "branch_id": pl.Series(org.branch_ids).gather(pop.branch),
            "rm_id": pl.Series(org.rm_ids).gather(np.maximum(pop.rm, 0)),
            "managed": pop.rm >= 0,
            "acquisition_channel": pl.Series(ACQUISITION_CHANNELS).gather(pop.channel),
            "risk_profile": pl.Series(RISK_PROFILES).gather(pop.risk),
            **{f"tag_{i}": pop.tags[:, i] for i in range(len(TAGS))},
        }
    )
    return frame.select(
        "customer_id",
        "name",
        "phone",
        "id_number",
        "open_date",
        pl.when(~pl.col("is_open")).then(pl.col("close_date")).alias("close_date"),
        "birth_year",
        "gender",
        "city",
        "branch_id",
        pl.when(pl.col("managed")).then(pl.col("rm_id")).alias("rm_id"),
        "acquisition_channel",
        "risk_profile",
        pl.concat_list(tag_names).list.drop_nulls().alias("tags"),
    )


def customer_ids(numbers: np.ndarray, width: int) -> pl.Series:
    return "C" + pl.Series("customer_id", numbers).cast(pl.String).str.zfill(width)
