"""Filter options, read from the data: what the filter bar offers and what URL values are valid."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from clientscope import settings
from clientscope.atomic_files import write_atomic
from clientscope.db import Database, ViewerScope, run_named
from clientscope.state import FilterOptions


@dataclass(frozen=True)
class FilterChoices:
    """Options with display labels (value → label) per filter key, plus the months of data."""

    labels: Mapping[str, Mapping[str, str]]
    hierarchy: pl.DataFrame  # region, branch_id, branch_name, rm_id, rm_name
    months: tuple[str, ...]

    def options(self, dimensions: Sequence[str] = ()) -> FilterOptions:
        return FilterOptions(
            values={key: frozenset(values) for key, values in self.labels.items()},
            months=self.months,
            dimensions=frozenset(dimensions),
        )

    def branches_in(self, regions: Sequence[str]) -> dict[str, str]:
        """Branch options narrowed to the chosen regions (all when none chosen): the cascade."""
        return self._narrow("branch", "region", regions, "branch_id")

    def rms_in(self, branches: Sequence[str], regions: Sequence[str] = ()) -> dict[str, str]:
        if branches:
            return self._narrow("rm", "branch_id", branches, "rm_id")
        return self._narrow("rm", "region", regions, "rm_id")

    def _narrow(self, key: str, parent: str, parents: Sequence[str], child: str) -> dict[str, str]:
        labels = self.labels.get(key, {})
        if not parents:
            return dict(labels)
        allowed = set(self.hierarchy.filter(pl.col(parent).is_in(list(parents)))[child].drop_nulls().to_list())
        return {value: label for value, label in labels.items() if value in allowed}


def load_choices(db: Database, scope: ViewerScope, tiers: Mapping[str, str]) -> FilterChoices:
    """Read every filter's options under the viewer's scope; tiers come from metrics.yaml."""
    hierarchy = run_named(db, "filters/hierarchy", scope=scope).frame
    labels: dict[str, dict[str, str]] = {
        "region": {r: r for r in hierarchy["region"].unique(maintain_order=True).to_list()},
        "branch": _pairs(hierarchy, "branch_id", "branch_name"),
        "rm": _pairs(hierarchy.drop_nulls("rm_id"), "rm_id", "rm_name"),
        "tier": dict(tiers),
        "channel": _values(db, "filters/channels", scope),
    }
    if db.has("campaigns"):
        campaigns = run_named(db, "filters/campaigns", scope=scope).frame
        labels["campaign"] = _pairs(campaigns, "value", "label")
    if db.has("touches"):
        labels["touch_channel"] = _values(db, "filters/touch_channels", scope)
    months = tuple(run_named(db, "filters/months", scope=scope).frame["value"].to_list())
    return FilterChoices(labels, hierarchy, months)


def kept_choices(db: Database, scope: ViewerScope, tiers: Mapping[str, str]) -> FilterChoices:
    """`load_choices`, kept per data version and scope under the cache root (`choices/<version>-<key>.json`).

    Every process's first request asks, and the months alone are a distinct over every customer-month (1.3 s at
    1M customers); the file holds only option values and labels (a viewer's scope is part of its key).
    """
    if db.data_dir is None:  # an in-memory database has no data version to key a file by
        return load_choices(db, scope, tiers)
    key = json.dumps({"scope": scope.as_params(), "tiers": sorted(tiers.items())}, sort_keys=True)
    path = settings.cache_root() / "choices" / f"{db.version}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        hierarchy = pl.DataFrame(stored["hierarchy"], schema=dict.fromkeys(stored["hierarchy"], pl.String))
        return FilterChoices(stored["labels"], hierarchy, tuple(stored["months"]))
    except (OSError, ValueError, KeyError, TypeError):  # absent or damaged: read the data again
        pass
    choices = load_choices(db, scope, tiers)
    text = json.dumps(
        {"labels": choices.labels, "hierarchy": choices.hierarchy.to_dict(as_series=False), "months": choices.months}
    )
    write_atomic(path, lambda temp: Path(temp).write_text(text, encoding="utf-8"))
    return choices


def _pairs(frame: pl.DataFrame, value: str, label: str) -> dict[str, str]:
    unique = frame.select(value, label).unique(subset=[value], maintain_order=True)
    return dict(zip(unique[value].to_list(), unique[label].to_list(), strict=True))


def _values(db: Database, query: str, scope: ViewerScope) -> dict[str, str]:
    values = run_named(db, query, scope=scope).frame["value"].to_list()
    return {v: v for v in values}
