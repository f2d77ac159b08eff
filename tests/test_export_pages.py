"""Every page's workbook: the UI button and `clientscope export` give identical sheets for the same state."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from clientscope.build import run_build
from clientscope.components.export_button import build_workbook_bytes
from clientscope.exporting import export_page
from clientscope.reports import report_pages
from clientscope.semantic import load_semantic_model
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


LIST_SHEETS = {
    "segments": {"Potential customer list", "Customer list"},
    "lifecycle": {"Customers"},
    "campaigns": {"Converted customers"},
    "churn": {"Retention action list", "Evaluation rows", "Retention work queue"},
}


@pytest.mark.parametrize("page", sorted(LIST_SHEETS))
def test_a_reports_lists_hold_their_first_rows_and_say_how_many_there_are(
    page: str, demo_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # an app store of its own, with the month's retention batch opened by the build (the churn work queue's rows)
    monkeypatch.setenv("CLIENTSCOPE_STATE", str(tmp_path / "state"))
    assert run_build(demo_data, load_semantic_model(REPO_ROOT / "metrics.yaml"), today=GENERATED_AT.date()).db

    def export(list_rows: int | None) -> dict[str, list[tuple]]:
        out = tmp_path / f"{page}-{list_rows}.xlsx"
        export_page(
            page=page,
            data_dir=demo_data,
            out=out,
            filters=[],
            lang="en",
            metrics_path=REPO_ROOT / "metrics.yaml",
            generated_at=GENERATED_AT,
            list_rows=list_rows,
        )
        return sheets(openpyxl.load_workbook(out))

    whole, first = export(None), export(5)
    assert list(whole) == list(first)
    shortened = {name for name in whole if name != "Cover" and whole[name] != first[name]}
    assert shortened == LIST_SHEETS[page]
    for name in shortened:
        rows = len(whole[name]) - 3  # title, note, header: a list has no total row
        assert first[name][: 3 + 5] == whole[name][: 3 + 5]
        assert first[name][3 + 5][0] == (
            f"The first 5 of {rows:,} rows. For the whole list, narrow the filters or run "
            f"clientscope export {page} --list-rows all."
        )
        assert len(first[name]) == 3 + 5 + 1
        cover = [row[0] for row in first["Cover"]]
        assert f"Sheet '{name}' lists the first 5 of {rows:,} rows. For the whole list, " in " ".join(map(str, cover))
