"""Uplift against control: rates, Newcombe interval of the difference, log risk ratio interval."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from clientscope.campaigns.uplift import Uplift, newcombe_interval, uplift, wilson_interval, z_value

Z95 = 1.959963984540054


def test_z_value() -> None:
    assert z_value(0.95) == pytest.approx(Z95, abs=1e-12)
    assert z_value(0.90) == pytest.approx(NormalDist().inv_cdf(0.95), abs=1e-12)


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_z_value_equals_scipy(confidence: float) -> None:
    from scipy.stats import norm  # an independent implementation (installed with scikit-learn)

    assert z_value(confidence) == pytest.approx(float(norm.ppf(1 - (1 - confidence) / 2)), rel=1e-12)


def test_hand_computed_example() -> None:
    # Treated 56 of 70 (0.8), control 48 of 80 (0.6); z = 1.959964, z² = 3.841459.
    # Wilson 56/70: centre (0.8 + 3.841459/140) / (1 + 3.841459/70) = 0.827439 / 1.054878 = 0.784393,
    #   half 1.959964 · sqrt(0.16/70 + 3.841459/19600) / 1.054878 = 0.092560 → (0.691834, 0.876953).
    # Wilson 48/80: (0.490455, 0.700382).
    # Newcombe: 0.2 - sqrt((0.8 - 0.691834)² + (0.700382 - 0.6)²) = 0.2 - sqrt(0.011700 + 0.010077) = 0.052431
    #           0.2 + sqrt((0.876953 - 0.8)² + (0.6 - 0.490455)²) = 0.2 + sqrt(0.005922 + 0.012000) = 0.333873
    # Relative: RR = 0.8 / 0.6 = 4/3; SE(ln RR) = sqrt(1/56 - 1/70 + 1/48 - 1/80) = sqrt(0.011905) = 0.109109;
    #   z·SE = 0.213850 → RR · exp(∓0.213850) = 1.076626 .. 1.651249 → relative 0.076626 .. 0.651249.
    result = uplift(70, 56, 80, 48)
    assert isinstance(result, Uplift)
    assert result.treated_rate == pytest.approx(0.8)
    assert result.control_rate == pytest.approx(0.6)
    assert result.absolute == pytest.approx(0.2)
    assert result.absolute_low == pytest.approx(0.052431, abs=1e-6)
    assert result.absolute_high == pytest.approx(0.333873, abs=1e-6)
    assert result.relative == pytest.approx(1 / 3)
    assert result.relative_low == pytest.approx(0.076626, abs=1e-6)
    assert result.relative_high == pytest.approx(0.651249, abs=1e-6)
    assert wilson_interval(56, 70, Z95) == pytest.approx((0.691834, 0.876953), abs=1e-6)


@pytest.mark.parametrize(
    ("a", "n1", "c", "n0", "low", "high"),
    [
        # Published values: Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10.
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_published_values(a: int, n1: int, c: int, n0: int, low: float, high: float) -> None:
    got = newcombe_interval(a, n1, c, n0, Z95)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_no_control_group() -> None:
    result = uplift(100, 10, 0, 0)
    assert result.treated_rate == pytest.approx(0.1)
    assert result.control_rate is None
    assert (result.absolute, result.absolute_low, result.absolute_high) == (None, None, None)
    assert (result.relative, result.relative_low, result.relative_high) == (None, None, None)


def test_no_treated_group() -> None:
    result = uplift(0, 0, 50, 5)
    assert result.treated_rate is None
    assert result.control_rate == pytest.approx(0.1)
    assert result.absolute is None and result.relative is None


def test_zero_control_rate() -> None:
    # Absolute uplift is fine (Newcombe copes with 0/29); relative uplift divides by zero → None.
    result = uplift(56, 5, 29, 0)
    assert result.absolute == pytest.approx(5 / 56)
    assert (result.absolute_low, result.absolute_high) == pytest.approx((-0.0381, 0.1926), abs=5e-5)
    assert (result.relative, result.relative_low, result.relative_high) == (None, None, None)


def test_zero_treated_rate() -> None:
    # Relative uplift 0/0.1 - 1 = -1 is defined, but ln(0) is not, so the interval is None.
    result = uplift(100, 0, 50, 5)
    assert result.relative == pytest.approx(-1.0)
    assert (result.relative_low, result.relative_high) == (None, None)
    assert result.absolute == pytest.approx(-0.1)
    assert result.absolute_low is not None and result.absolute_low < -0.1 < result.absolute_high


def test_confidence_level_widens_interval() -> None:
    narrow, wide = uplift(70, 56, 80, 48, confidence=0.8), uplift(70, 56, 80, 48, confidence=0.99)
    assert wide.absolute_low < narrow.absolute_low < narrow.absolute_high < wide.absolute_high
    # 80%: z = 1.281552; SE(ln RR) = 0.109109 → relative = 4/3 · exp(±0.139829) - 1.
    z80 = 1.2815515655446004
    assert narrow.relative_low == pytest.approx(4 / 3 * math.exp(-z80 * 0.10910894511799617) - 1, abs=1e-12)


def test_error_messages() -> None:
    with pytest.raises(ValueError) as err:
        uplift(10, 11, 10, 1)
    assert str(err.value) == "treated_conv must be between 0 and treated_n (10), got 11"
    with pytest.raises(ValueError) as err:
        uplift(10, 1, -1, 0)
    assert str(err.value) == "control_n must be 0 or more, got -1"
    with pytest.raises(ValueError) as err:
        uplift(10, 1, 10, 1, confidence=1.0)
    assert str(err.value) == "confidence must be between 0 and 1, got 1.0"
