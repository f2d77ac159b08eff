"""Importers: real public bank data sets and a bank's own files (via a mapping) into the extract contract."""

from __future__ import annotations

from collections.abc import Callable

from clientscope.importers.bank_churners import churners_model_auc, import_bank_churners
from clientscope.importers.bank_marketing import import_bank_marketing
from clientscope.importers.berka import import_berka
from clientscope.importers.common import ImportFailed, ImportSummary
from clientscope.importers.mapped import import_mapped

IMPORTERS: dict[str, Callable[..., ImportSummary]] = {
    "berka": import_berka,
    "bank-marketing": import_bank_marketing,
    "bank-churners": import_bank_churners,
    "mapped": import_mapped,
}

__all__ = [
    "IMPORTERS",
    "ImportFailed",
    "ImportSummary",
    "churners_model_auc",
    "import_bank_churners",
    "import_bank_marketing",
    "import_berka",
    "import_mapped",
]
