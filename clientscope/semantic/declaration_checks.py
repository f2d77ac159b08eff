"""Semantic checks of the declarations metrics build on: locales, currencies, formats, dimensions (names and
labels) and sources (tables, key and time columns, dimensions that exist on the table)."""

from __future__ import annotations

from clientscope.semantic.checker_base import CheckerBase
from clientscope.semantic.problems import did_you_mean
from clientscope.semantic.resolve import known_tables, table_columns


class DeclarationChecks(CheckerBase):
    """Locales, currencies, formats, dimensions and sources."""

    def check_locales(self) -> None:
        loc = self.d.locales
        if loc and loc.default not in loc.supported:
            self.add(
                ("locales", "default"),
                f"default locale '{loc.default}' is not in supported",
                context="locales",
                hint=did_you_mean(loc.default, loc.supported),
            )

    def check_currencies(self) -> None:
        currencies = self.d.currencies
        where = {"context": "currencies"}
        if currencies.default not in currencies.supported:
            self.add(
                ("currencies", "default"),
                f"the default currency '{currencies.default}' is not in supported",
                hint=did_you_mean(currencies.default, currencies.supported),
                **where,
            )
        if len(set(currencies.supported)) != len(currencies.supported):
            self.add(("currencies", "supported"), "each supported currency must be listed once", **where)

    def check_formats(self) -> None:
        for name, fmt in self.d.formats.items():
            if fmt.currency is not None:
                self.add(
                    ("formats", name, "currency"),
                    "a format does not name a currency: amounts are shown in the extract's currency (its import.json, "
                    "else currencies.default); remove 'currency'",
                    context=f"format '{name}'",
                )

    def check_dimensions(self) -> None:
        for name, dim in self.d.dimensions.items():
            where = {"context": f"dimension '{name}'"}
            self.name_shape(("dimensions", name), name, **where)
            self.labels(("dimensions", name, "label"), dim.label, "label", **where)
            self.labels(("dimensions", name, "description"), dim.description, "description", **where)
            for code, labels in dim.value_labels.items():
                self.labels(("dimensions", name, "value_labels", code), labels, f"label for value '{code}'", **where)

    def check_sources(self) -> None:
        tables = known_tables()
        for name, source in self.d.sources.items():
            where = {"context": f"source '{name}'"}
            self.labels(("sources", name, "label"), source.label, "label", **where)
            columns = table_columns(source.table)
            if columns is None:
                self.add(
                    ("sources", name, "table"),
                    f"unknown table '{source.table}'",
                    hint=did_you_mean(source.table, tables),
                    **where,
                )
                continue
            for key in ("time_column", "event_time", "entity"):
                column = getattr(source, key)
                if column is not None and column not in columns:
                    self.add(
                        ("sources", name, key),
                        f"unknown column '{column}' for {key}",
                        hint=did_you_mean(column, columns),
                        **where,
                    )
            for column in source.key:
                if column not in columns:
                    self.add(
                        ("sources", name, "key"),
                        f"unknown column '{column}' in key",
                        hint=did_you_mean(column, columns),
                        **where,
                    )
            for dim_name in source.dimensions:
                self.source_dimension(name, dim_name, source.table, columns)

    def source_dimension(self, source: str, dim_name: str, table: str, columns: tuple[str, ...]) -> None:
        where = {"context": f"source '{source}'"}
        path = ("sources", source, "dimensions")
        dim = self.d.dimensions.get(dim_name)
        if dim is None:
            if dim_name not in self.d.declared.get("dimensions", set()):
                self.add(
                    path,
                    f"unknown dimension '{dim_name}'",
                    hint=did_you_mean(dim_name, self.d.declared.get("dimensions", ())),
                    **where,
                )
            return
        if dim.column not in columns:
            self.add(
                path,
                f"dimension '{dim_name}' needs column '{dim.column}', which table '{table}' does not have",
                **where,
            )
