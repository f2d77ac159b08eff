"""`clientscope build --engine spark` without PySpark or Java: one clear line, exit 1, nothing built or validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientscope.cli import main
from clientscope.spark import session


@pytest.fixture()
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(path))
    return path


def test_without_pyspark_the_build_says_what_to_install(
    demo_data: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr(session, "REQUIRED_MODULES", ("pyspark", "clientscope_no_such_module"))
    assert main(["build", "--data", str(demo_data), "--engine", "spark", "--quiet"]) == 1
    assert capsys.readouterr().err == (
        "error: --engine spark needs PySpark and sqlglot (the `spark` extra), which are not installed: "
        "pip install 'clientscope[spark]' (or build with --engine duckdb)\n"
    )
    assert not own_cache.exists()  # refused before validating or building anything


def test_without_java_the_build_says_what_to_install(
    demo_data: Path, own_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert main(["build", "--data", str(demo_data), "--engine", "spark", "--quiet"]) == 1
    assert capsys.readouterr().err == (
        "error: --engine spark needs Java 17 or later, and there is no `java` on PATH or in JAVA_HOME: install a "
        "Java runtime (e.g. apt-get install openjdk-17-jre-headless) or build with --engine duckdb\n"
    )
    assert not own_cache.exists()


def test_an_unknown_engine_is_refused_by_the_parser(demo_data: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--data", str(demo_data), "--engine", "polars"])
    assert "argument --engine: invalid choice: 'polars' (choose from 'duckdb', 'spark')" in capsys.readouterr().err
