"""The data-driven attribution model: a first-order Markov chain over journeys and its removal effects.

The chain's states are channels or campaigns (`MARKOV_STATE_COLUMNS`); a state's credit is its removal effect
(how much the conversion probability drops without it), shared out over the touches of each converting path.
The construction is written down in docs/attribution.md; tests/test_attribution.py pins it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from clientscope.campaigns.journeys import attributed_paths, touch_credits

MARKOV_STATE_COLUMNS: tuple[str, ...] = ("channel", "campaign_id")


def check_state_column(by: str) -> None:
    if by not in MARKOV_STATE_COLUMNS:
        raise ValueError(f"unknown Markov state column '{by}'; choose one of: {', '.join(MARKOV_STATE_COLUMNS)}")


# --------------------------------------------------------------------------------------------------
# Data-driven Markov model (first order, removal effect)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MarkovChain:
    """A fitted first-order chain.  Matrix index: the states in order, then start, conversion, null."""

    states: tuple[str, ...]
    transitions: np.ndarray  # row-stochastic over transient rows; absorbing rows are zero

    @property
    def start(self) -> int:
        return len(self.states)

    @property
    def conversion(self) -> int:
        return len(self.states) + 1

    @property
    def null(self) -> int:
        return len(self.states) + 2


@dataclass(frozen=True, eq=False)
class TransitionCounts:
    """How often each step start → states → conversion or null was taken, over some journeys.

    Counts of disjoint sets of journeys add up (`+`), so the build step fits one chain over every customer while
    reading the journeys a part of the customers at a time.  Matrix index as MarkovChain's.
    """

    states: tuple[str, ...]
    counts: np.ndarray

    def __add__(self, other: TransitionCounts) -> TransitionCounts:
        states = tuple(sorted({*self.states, *other.states}))
        total = np.zeros((len(states) + 3, len(states) + 3))
        for part in (self, other):
            index = np.array([*(states.index(s) for s in part.states), *range(len(states), len(states) + 3)])
            total[np.ix_(index, index)] += part.counts
        return TransitionCounts(states, total)


def count_transitions(journeys: pl.DataFrame, *, by: str = "channel") -> TransitionCounts:
    """The chain's step counts over `journeys`.

    Repeated consecutive touches in the same state are kept as self-loops; they do not change any
    absorption probability (only the exits of a state matter), so keeping them is harmless.
    """
    check_state_column(by)
    states = tuple(sorted(journeys.get_column(by).unique().to_list()))
    k = len(states)
    counts = np.zeros((k + 3, k + 3))
    if k == 0:  # nobody was touched: a chain of start alone, which never converts
        return TransitionCounts((), counts)
    start, conversion, null = k, k + 1, k + 2
    codes = {state: i for i, state in enumerate(states)}
    body = journeys.select("journey_id", "position", state=pl.col(by).replace_strict(codes, return_dtype=pl.Int64))
    ends = journeys.group_by("journey_id").agg(
        position=pl.col("n_touches").first(),
        state=pl.when(pl.col("converted").first()).then(conversion).otherwise(null).cast(pl.Int64),
    )
    begins = ends.select("journey_id", position=pl.lit(-1, pl.Int64), state=pl.lit(start, pl.Int64))
    steps = (
        pl.concat([begins, body, ends.select("journey_id", "position", "state")])
        .sort("journey_id", "position")
        .with_columns(next_state=pl.col("state").shift(-1).over("journey_id"))
        .drop_nulls("next_state")
        .group_by("state", "next_state")
        .agg(count=pl.len())
    )
    np.add.at(counts, (steps["state"].to_numpy(), steps["next_state"].to_numpy()), steps["count"].to_numpy())
    return TransitionCounts(states, counts)


def chain_of(steps: TransitionCounts) -> MarkovChain:
    """Transition probabilities from the step counts (a state never left has a zero row)."""
    totals = steps.counts.sum(axis=1, keepdims=True)
    transitions = np.divide(steps.counts, totals, out=np.zeros_like(steps.counts), where=totals > 0)
    return MarkovChain(states=steps.states, transitions=transitions)


def fit_markov(journeys: pl.DataFrame, *, by: str = "channel") -> MarkovChain:
    """Transition probabilities from counts over journeys: start → touches → conversion or null."""
    return chain_of(count_transitions(journeys, by=by))


def _absorption(chain: MarkovChain) -> tuple[np.ndarray, np.ndarray]:
    """Fundamental matrix N = (I - Q)^-1 over the transient states and x = P(conversion | from each)."""
    transient = chain.start + 1  # the k states and start
    q = chain.transitions[:transient, :transient]
    r = chain.transitions[:transient, chain.conversion]
    fundamental = np.linalg.solve(np.eye(transient) - q, np.eye(transient))
    return fundamental, fundamental @ r


def conversion_probability(chain: MarkovChain) -> float:
    """P(reaching conversion from start), from the absorbing-chain solution (no simulation)."""
    if not chain.states:
        return 0.0
    _, from_state = _absorption(chain)
    return float(from_state[chain.start])


def removal_effects(chain: MarkovChain) -> pl.DataFrame:
    """Per state: removal_effect = 1 - P(conv | state removed) / P(conv), and its share of the total.

    Removing a state sends every journey that reaches it to null, so P(conv | s removed) is the
    probability of converting without ever visiting s: P(conv) - h_s · x_s, where h_s = N[start, s] /
    N[s, s] is the probability of ever visiting s and x_s = P(conv | at s).  One matrix solve serves
    every state (the test checks this against redirecting each state to null and against simulation).
    """
    schema = {"state": pl.String, "removal_effect": pl.Float64, "share": pl.Float64}
    p_conv = conversion_probability(chain)
    if p_conv <= 0.0:
        return pl.DataFrame({"state": list(chain.states)}, schema={"state": pl.String}).with_columns(
            removal_effect=pl.lit(0.0), share=pl.lit(0.0)
        )
    fundamental, from_state = _absorption(chain)
    k = len(chain.states)
    diagonal = np.diag(fundamental)[:k]
    reach = fundamental[chain.start, :k] / diagonal
    without = p_conv - reach * from_state[:k]
    # Clip tiny negative rounding noise; a removal effect lies in [0, 1] by construction.
    effects = np.clip(1.0 - without / p_conv, 0.0, 1.0)
    total = effects.sum()
    shares = effects / total if total > 0 else np.zeros_like(effects)
    return pl.DataFrame({"state": list(chain.states), "removal_effect": effects, "share": shares}, schema=schema)


def markov_credits(paths: pl.DataFrame, effects: pl.DataFrame, *, by: str = "channel") -> pl.DataFrame:
    """Share each conversion's credit over the states on its own path, in proportion to their shares.

    A state's portion of a conversion is share_s / Σ share over the distinct states on the path, split
    equally over that state's touches on the path, so each conversion's credits sum to 1.
    """
    check_state_column(by)
    weight = pl.col("share") / pl.len().over("conversion_id", by)
    weighted = (
        attributed_paths(paths)
        .join(effects.select(pl.col("state").alias(by), "share"), on=by, how="left")
        .with_columns(weight=weight.fill_null(0.0))
    )
    total = pl.col("weight").sum().over("conversion_id")
    # A conversion's path always has positive removal effects (its own journey is in the chain); the
    # equal split only guards against a zero total from rounding so no credit becomes NaN.
    credit = pl.when(total > 0).then(pl.col("weight") / total).otherwise(1.0 / pl.col("n_touches"))
    return touch_credits(weighted, credit)
