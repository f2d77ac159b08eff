"""The contract's documentation is generated from the code and must not drift."""

from clientscope.contract import TABLES
from clientscope.contract_doc import render_markdown
from tests.conftest import REPO_ROOT


def test_data_contract_doc_matches_code() -> None:
    doc = (REPO_ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert doc == render_markdown(), "regenerate with: python -m clientscope.contract_doc > docs/data-contract.md"


def test_every_column_is_documented() -> None:
    doc = (REPO_ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"## `{table.name}`" in doc
        for column in table.columns:
            assert f"| `{column.name}` |" in doc
