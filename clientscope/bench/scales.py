"""Benchmark scales and the generated data they run on (kept under the cache folder and reused)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from clientscope import settings

SEED = 42
END_MONTH = "2026-10"
MARKER = "_demo.json"


@dataclass(frozen=True)
class Scale:
    name: str
    customers: int
    months: int

    @property
    def description(self) -> str:
        return f"{self.customers:,} customers × {self.months} months"


# S, M and L are the reference scales of the design; XS is the test suite's smoke scale.
SCALES: dict[str, Scale] = {
    "XS": Scale("XS", 1_000, 12),
    "S": Scale("S", 50_000, 24),
    "M": Scale("M", 1_000_000, 24),
    "L": Scale("L", 10_000_000, 24),
}
CLI_SCALES = ("S", "M", "L")


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name.upper()]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}: use one of {', '.join(SCALES)}") from None


def default_work_dir() -> Path:
    return settings.cache_root() / "bench"


@dataclass(frozen=True)
class ScaleDirs:
    """Where one scale's run keeps its data, its private cache (marts) and its logs."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def logs(self) -> Path:
        return self.root / "logs"


def scale_dirs(work_dir: Path, scale: Scale) -> ScaleDirs:
    return ScaleDirs(work_dir / scale.name)


def data_is_current(data_dir: Path, scale: Scale) -> bool:
    """The folder holds a finished demo bank generated with this scale's arguments."""
    marker = data_dir / MARKER
    if not marker.is_file():
        return False
    try:
        found = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    wanted = {"customers": scale.customers, "months": scale.months, "seed": SEED, "end_month": END_MONTH}
    return all(found.get(key) == value for key, value in wanted.items())


def ensure_data(data_dir: Path, scale: Scale, *, progress: bool) -> bool:
    """Generate the scale's demo bank unless a matching one is there; True when it was generated."""
    if data_is_current(data_dir, scale):
        return False
    from clientscope.demo import generate

    generate(
        data_dir, customers=scale.customers, months=scale.months, seed=SEED, end_month=END_MONTH, progress=progress
    )
    return True
