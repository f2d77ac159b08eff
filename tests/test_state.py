"""URL state: round trips, and garbage in the URL becomes notices, never exceptions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clientscope.state import FilterOptions, Notice, ViewState, parse_query, parse_state, to_query

OPTIONS = FilterOptions(
    values={
        "region": frozenset({"华东区", "华南区"}),
        "branch": frozenset({"B001", "B002"}),
        "tier": frozenset({"mass", "affluent", "private"}),
        "channel": frozenset({"branch", "mobile_app"}),
    },
    months=("2026-08", "2026-09", "2026-10"),
    dimensions=frozenset({"tier", "region", "branch", "age_band", "acquisition_channel"}),
    cross_values={"tier": frozenset({"mass", "affluent", "private"}), "acquisition_channel": frozenset({"branch"})},
)


def test_round_trip_of_a_full_state() -> None:
    state = ViewState(
        lang="en",
        theme="dark",
        start="2026-08",
        end="2026-10",
        compare="yoy",
        filters={"region": ("华东区",), "tier": ("affluent", "private")},
        cross={"age_band": "30-39"},
        dim="branch",
        drill=(("region", "华东区"), ("branch", "B001")),
        options={"model": "markov", "lookback": "30"},
    )
    parsed, notices = parse_state(parse_query(to_query(state)), OPTIONS)
    assert notices == []
    assert parsed == state


def test_defaults_give_an_empty_query() -> None:
    assert to_query(ViewState()) == ""
    assert parse_state({}, OPTIONS) == (ViewState(), [])


def test_unknown_values_are_dropped_with_notices() -> None:
    state, notices = parse_state(
        {
            "region": "华东区,火星区",
            "tier": "gold",
            "start": "2026-13",
            "end": "2019-01",
            "lang": "fr",
            "foo": "bar",
            "x.tier": "diamond",
            "x.nope": "1",
            "dim": "shoe_size",
            "drill": "region:华东区/branch:B999/rm:R1",
        },
        OPTIONS,
    )
    assert state.filters == {"region": ("华东区",)}
    assert state.start is None and state.end is None and state.lang == "zh_CN"
    assert state.cross == {} and state.dim is None
    assert state.drill == (("region", "华东区"),)
    assert set(notices) == {
        Notice("region", "火星区", "unknown_value"),
        Notice("tier", "gold", "unknown_value"),
        Notice("start", "2026-13", "bad_month"),
        Notice("end", "2019-01", "bad_month"),
        Notice("lang", "fr", "bad_choice"),
        Notice("foo", "bar", "unknown_key"),
        Notice("x.tier", "diamond", "unknown_value"),
        Notice("x.nope", "1", "unknown_key"),
        Notice("dim", "shoe_size", "bad_choice"),
        Notice("drill", "branch:B999", "unknown_value"),
    }


def test_reversed_period_is_swapped() -> None:
    state, notices = parse_state({"start": "2026-10", "end": "2026-08"}, OPTIONS)
    assert (state.start, state.end, notices) == ("2026-08", "2026-10", [])


def test_effective_filters_most_specific_wins() -> None:
    state = ViewState(
        filters={"region": ("华东区", "华南区"), "tier": ("mass",)},
        drill=(("region", "华南区"),),
        cross={"tier": "private"},
    )
    assert state.effective_filters() == {"region": ("华南区",), "tier": ("private",)}


def test_chip_add_and_remove() -> None:
    state = ViewState().with_cross("tier", "private")
    assert state.cross == {"tier": "private"}
    assert state.with_cross("tier", None) == ViewState()


@settings(derandomize=True, max_examples=200)
@given(st.dictionaries(st.text(max_size=12), st.text(max_size=30), max_size=8))
def test_garbage_never_raises(args: dict[str, str]) -> None:
    state, _ = parse_state(args, OPTIONS)
    again, notices = parse_state(parse_query(to_query(state)), OPTIONS)
    assert again == state and notices == []


def test_page_options_round_trip_and_constrain() -> None:
    state, notices = parse_state({"p.model": "markov", "p.Bad-Key": "1"}, OPTIONS)
    assert state.options == {"model": "markov"}
    assert notices == [Notice("p.Bad-Key", "1", "unknown_key")]
    assert state.option("model", ("linear", "markov"), "linear") == "markov"
    assert state.option("model", ("linear",), "linear") == "linear"
    assert state.with_option("model", None).options == {}


def test_cross_filters_are_checked_per_dimension_not_per_filter_key() -> None:
    state, notices = parse_state({"x.acquisition_channel": "branch", "x.age_band": "30-39"}, OPTIONS)
    assert state.cross == {"acquisition_channel": "branch", "age_band": "30-39"} and notices == []
    _, notices = parse_state({"x.acquisition_channel": "sms"}, OPTIONS)
    assert notices == [Notice("x.acquisition_channel", "sms", "unknown_value")]
