"""The SparkSession the build runs on: local mode here, a cluster URL (or spark-submit's) in production.

PySpark and Java are optional (the `spark` extra): nothing here imports pyspark until a session is asked for, and
asking without them installed raises `SparkUnavailable` with the fix, word for word, instead of a traceback.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from clientscope import settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"
NO_PYSPARK = (
    "--engine spark needs PySpark and sqlglot (the `spark` extra), which are not installed: "
    "pip install 'clientscope[spark]' (or build with --engine duckdb)"
)
NO_JAVA = (
    "--engine spark needs Java 17 or later, and there is no `java` on PATH or in JAVA_HOME: install a Java runtime "
    "(e.g. apt-get install openjdk-17-jre-headless) or build with --engine duckdb"
)


REQUIRED_MODULES = ("pyspark", "sqlglot")  # the `spark` extra


class SparkUnavailable(RuntimeError):
    """PySpark or Java is missing; the message says what to install."""


@dataclass(frozen=True)
class SparkSettings:
    """How the session is made. Shuffle partitions: few on one machine (each is a task with its own overhead);
    on a cluster spark-submit's `--conf spark.sql.shuffle.partitions=...` wins over this default."""

    master: str | None = None  # None: spark-submit's master, else DEFAULT_MASTER
    shuffle_partitions: int = 8
    driver_memory: str = "2g"  # local mode only: the driver JVM is the executor

    @classmethod
    def from_env(cls, master: str | None = None) -> SparkSettings:
        return cls(
            master=master,
            shuffle_partitions=int(os.environ.get("CLIENTSCOPE_SPARK_SHUFFLE_PARTITIONS", "8")),
            driver_memory=os.environ.get("CLIENTSCOPE_SPARK_DRIVER_MEMORY", "2g"),
        )


def check_available() -> None:
    """Raise SparkUnavailable when PySpark or a Java runtime is missing (checked without starting anything)."""
    if any(importlib.util.find_spec(name) is None for name in REQUIRED_MODULES):
        raise SparkUnavailable(NO_PYSPARK)
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and (Path(java_home) / "bin" / "java").is_file()):
        raise SparkUnavailable(NO_JAVA)


def spark_session(config: SparkSettings) -> SparkSession:
    """The process's SparkSession (started on first use; Spark keeps one per process)."""
    check_available()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("clientscope-build")
    if config.master is not None or not _under_spark_submit():
        builder = builder.master(config.master or DEFAULT_MASTER)
    spill = settings.cache_root() / "spark_spill"
    spill.mkdir(parents=True, exist_ok=True)
    for key, value in {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(config.shuffle_partitions),
        "spark.driver.memory": config.driver_memory,
        "spark.local.dir": str(spill),
        # the marts' semantics are DuckDB's: naive timestamps, written as DuckDB writes them
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.parquet.compression.codec": "zstd",
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
    }.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _under_spark_submit() -> bool:
    """True when spark-submit started this driver (it chose the master; PySpark then talks to its JVM)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ
