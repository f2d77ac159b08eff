"""A package's public names imported when first used (PEP 562), so that importing one light module of the package
does not import the heavy ones (`clientscope.access`, `clientscope.customer_list`, `clientscope.export`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any


def lazy_getattr(package: str, modules: Mapping[str, Iterable[str]]) -> Callable[[str], Any]:
    """The package's `__getattr__`: each name listed under its module in `modules`, imported on first use."""
    homes = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(home), name)

    return __getattr__
