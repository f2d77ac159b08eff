"""Synthetic personal details: Chinese names, mobile numbers and 18-character ID numbers.

All of them are drawn at random from the seed; none belongs to a real person on purpose.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from clientscope.demo.reference import GIVEN_FEMALE, GIVEN_MALE, PHONE_PREFIXES, SURNAMES

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))


def _zipf_weights(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def draw_names(rng: np.random.Generator, is_male: np.ndarray) -> pl.Series:
    """Surname + one or two given-name characters, chosen from gendered character lists."""
    n = len(is_male)
    male = pl.Series(GIVEN_MALE)
    female = pl.Series(GIVEN_FEMALE)
    frame = pl.DataFrame(
        {
            "surname": pl.Series(SURNAMES).gather(rng.choice(len(SURNAMES), n, p=_zipf_weights(len(SURNAMES), 0.9))),
            "m1": male.gather(rng.integers(0, len(GIVEN_MALE), n)),
            "m2": male.gather(rng.integers(0, len(GIVEN_MALE), n)),
            "f1": female.gather(rng.integers(0, len(GIVEN_FEMALE), n)),
            "f2": female.gather(rng.integers(0, len(GIVEN_FEMALE), n)),
            "male": is_male.astype(bool),
            "two": rng.random(n) < 0.7,
        }
    )
    given1 = pl.when(pl.col("male")).then(pl.col("m1")).otherwise(pl.col("f1"))
    given2 = pl.when(pl.col("two")).then(pl.when(pl.col("male")).then(pl.col("m2")).otherwise(pl.col("f2")))
    return frame.select(pl.concat_str([pl.col("surname"), given1, given2.fill_null("")]).alias("name")).to_series()


def draw_phones(rng: np.random.Generator, n: int) -> pl.Series:
    """11-digit mobile numbers: a carrier prefix (138, 159, ...) and eight random digits."""
    prefix = np.array(PHONE_PREFIXES, dtype=np.int64)[rng.integers(0, len(PHONE_PREFIXES), n)]
    number = prefix * 100_000_000 + rng.integers(0, 100_000_000, n)
    return pl.Series("phone", number).cast(pl.String)


def draw_id_numbers(
    rng: np.random.Generator, area_codes: np.ndarray, birth_years: np.ndarray, is_male: np.ndarray
) -> pl.Series:
    """18-character resident ID numbers: area code, birth date, sequence (odd = male) and the ISO 7064 check."""
    n = len(area_codes)
    birth_month = rng.integers(1, 13, n)
    birth_day = rng.integers(1, 29, n)
    sequence = rng.integers(0, 500, n) * 2 + is_male.astype(np.int64)  # odd for men, even for women
    body = (
        area_codes.astype(np.int64) * 10**11
        + birth_years.astype(np.int64) * 10**7
        + birth_month * 10**5
        + birth_day * 10**3
        + sequence
    )
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    check = _ID_CHECK[(digits @ _ID_WEIGHTS) % 11]
    return pl.Series("id_number", body).cast(pl.String) + pl.Series(check)
