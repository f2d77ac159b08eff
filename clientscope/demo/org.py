"""The bank's organisation: branches (fixed list) and relationship managers (drawn from the seed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from clientscope.demo.names import draw_names
from clientscope.demo.reference import BRANCHES, CITY_SIZE, CITY_WEALTH, REGION_WEALTH


@dataclass(frozen=True)
class Org:
    """Branches and RMs as arrays the customer generator samples from (index = position in BRANCHES)."""

    branch_ids: tuple[str, ...]
    branch_weights: np.ndarray  # probability that a new customer belongs to each branch
    branch_wealth: np.ndarray  # log-AUM shift of each branch's customers
    branch_region: np.ndarray  # region index per branch
    region_cities: tuple[tuple[str, ...], ...]  # cities of each region (for customers living elsewhere)
    branch_city: tuple[str, ...]
    rm_ids: tuple[str, ...]
    rm_offsets: np.ndarray  # RMs of branch b are rm_ids[rm_offsets[b]:rm_offsets[b + 1]]
    branches: pl.DataFrame
    relationship_managers: pl.DataFrame


def build_org(rng: np.random.Generator) -> Org:
    branch_ids = tuple(f"B{i + 1:03d}" for i in range(len(BRANCHES)))
    regions = tuple(dict.fromkeys(b.region for b in BRANCHES))
    branch_region = np.array([regions.index(b.region) for b in BRANCHES])
    size = np.array([CITY_SIZE.get(b.city, 1.0) for b in BRANCHES]) * rng.lognormal(0.0, 0.2, len(BRANCHES))
    wealth = np.array([CITY_WEALTH.get(b.city, 0.0) + REGION_WEALTH.get(b.region, 0.0) for b in BRANCHES])
    region_cities = tuple(tuple(dict.fromkeys(b.city for b in BRANCHES if b.region == r)) for r in regions)

    rm_counts = rng.integers(3, 7, len(BRANCHES))  # 3..6 RMs per branch
    rm_offsets = np.concatenate([[0], np.cumsum(rm_counts)])
    n_rms = int(rm_offsets[-1])
    rm_ids = tuple(f"RM{i + 1:04d}" for i in range(n_rms))
    rm_names = draw_names(rng, rng.integers(0, 2, n_rms))
    rm_branch = np.repeat(np.arange(len(BRANCHES)), rm_counts)

    branches = pl.DataFrame(
        {
            "branch_id": branch_ids,
            "branch_name": [b.name for b in BRANCHES],
            "region": [b.region for b in BRANCHES],
            "city": [b.city for b in BRANCHES],
        }
    )
    rms = pl.DataFrame(
        {
            "rm_id": rm_ids,
            "rm_name": rm_names,
            "branch_id": pl.Series(branch_ids).gather(rm_branch),
        }
    )
    return Org(
        branch_ids=branch_ids,
        branch_weights=size / size.sum(),
        branch_wealth=wealth,
        branch_region=branch_region,
        region_cities=region_cities,
        branch_city=tuple(b.city for b in BRANCHES),
        rm_ids=rm_ids,
        rm_offsets=rm_offsets,
        branches=branches,
        relationship_managers=rms,
    )
