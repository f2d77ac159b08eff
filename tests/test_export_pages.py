"""Every page's workbook: the UI button and `clientscope export` give identical sheets for the same state."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from clientscope.components.export_button import build_workbook_bytes
from clientscope.exporting import export_page
from clientscope.reports import report_pages
from tests.conftest import REPO_ROOT

GENERATED_AT = datetime(2026, 11, 23, 9, 30)


def sheets(workbook: openpyxl.Workbook) -> dict[str, list[tuple]]:
    """Every sheet's cells; floats rounded to 9 significant digits, because DuckDB's parallel sums may
    differ in the last bit between two runs of the same query."""
    return {
        ws.title: [tuple(_stable(v) for v in row) for row in ws.iter_rows(values_only=True)]
        for ws in workbook.worksheets
    }


def _stable(value: object) -> object:
    return float(f"{value:.9g}") if isinstance(value, float) else value


@pytest.mark.parametrize("page", [p for p in report_pages() if p != "customer"])  # customer: needs an id
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_button_and_cli_produce_identical_sheets(page: str, lang: str, dash_app, demo_data: Path, tmp_path: Path):
    search = "?tier=mass,affluent&compare=yoy" + ("&lang=en" if lang == "en" else "")
    with dash_app.server.test_request_context("/"):
        content, filename = build_workbook_bytes(page, search, GENERATED_AT)
    out = tmp_path / filename
    export_page(
        page=page,
        data_dir=demo_data,
        out=out,
        filters=["tier=mass", "tier=affluent", "compare=yoy"],
        lang=lang,
        metrics_path=REPO_ROOT / "metrics.yaml",
        generated_at=GENERATED_AT,
    )
    from_button = sheets(openpyxl.load_workbook(io.BytesIO(content)))
    from_cli = sheets(openpyxl.load_workbook(out))
    assert from_button == from_cli
    first, *_, last = from_cli
    assert first == ("封面" if lang == "zh_CN" else "Cover") and last == (
        "指标定义" if lang == "zh_CN" else "Definitions"
    )
    assert filename.startswith(page + "_")
