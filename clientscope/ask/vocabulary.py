"""The values the data holds for the dimensions a question may name (regions, branches, RMs, campaigns, cities).

Read once per data version with the full scope: the names of the bank's units are organisation structure, not
customer data, and knowing them lets the ask box tell a viewer that a unit is outside their scope instead of
claiming it does not exist.  Every query goes through the filter-choice queries or the semantic compiler.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from clientscope.db import FULL_SCOPE, Database
from clientscope.filters import FilterChoices, load_choices
from clientscope.semantic import MetricRequest, SemanticModel, run_metric_query

# URL filter key of the filter bar → metrics.yaml dimension (clientscope.view_context.FILTER_DIMENSIONS)
DATA_DIMENSIONS: dict[str, str] = {"region": "region", "branch": "branch", "rm": "rm", "campaign": "campaign"}
_CITY_METRICS = ("customer_base", "customers")  # a count of customers by branch and city gives each branch's city


@dataclass(frozen=True)
class DataValues:
    """dimension → code → display name (names come from the data, in its one language), each branch's city, and
    the months of data (YYYY-MM, sorted)."""

    names: Mapping[str, Mapping[str, str]]
    branch_city: Mapping[str, str] = field(default_factory=dict)
    months: tuple[str, ...] = ()


class ModelKey:
    """Caches by the identity of the model (a frozen pydantic model holding dicts cannot be hashed)."""

    __slots__ = ("model",)

    def __init__(self, model: SemanticModel) -> None:
        self.model = model

    def __hash__(self) -> int:
        return id(self.model)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModelKey) and other.model is self.model


def data_values(db: Database, model: SemanticModel) -> DataValues:
    return _data_values(db, db.version, ModelKey(model))


@lru_cache(maxsize=8)
def _data_values(db: Database, version: str, key: ModelKey) -> DataValues:
    del version  # part of the cache key only: refreshed extracts get fresh values
    choices = load_choices(db, FULL_SCOPE, {})
    return from_choices(choices, _branch_cities(db, key.model))


def from_choices(choices: FilterChoices, branch_city: Mapping[str, str]) -> DataValues:
    names: dict[str, dict[str, str]] = {
        dimension: dict(choices.labels.get(key, {})) for key, dimension in DATA_DIMENSIONS.items()
    }
    names["city"] = {city: city for city in sorted(set(branch_city.values()))}
    return DataValues(names, dict(branch_city), tuple(choices.months))


def _branch_cities(db: Database, model: SemanticModel) -> dict[str, str]:
    metric = next((m for m in _CITY_METRICS if m in model.metrics), None)
    if metric is None or not {"branch", "city"} <= set(model.dimensions):
        return {}
    request = MetricRequest(metrics=(metric,), dimensions=("branch", "city"), grain="all")
    frame = run_metric_query(db, model, request, FULL_SCOPE).frame.drop_nulls(["branch", "city"])
    # the city is the customer's: a branch's city is the one most of its customers live in (ties: by name)
    best: dict[str, tuple[int, str]] = {}
    for branch, city, count in frame.select("branch", "city", metric).iter_rows():
        if branch not in best or (-(count or 0), city) < (-best[branch][0], best[branch][1]):
            best[branch] = (count or 0, city)
    return {branch: city for branch, (_, city) in sorted(best.items())}
