"""The build step on Apache Spark: the marts and rollups of `queries/` transpiled to Spark SQL (docs/spark.md).

Optional (the `spark` extra: PySpark and sqlglot, plus a Java runtime): nothing outside `clientscope build
--engine spark` imports this package's modules that need them, so the app itself never needs Java.

- `session`: the SparkSession (local mode or a cluster) and the missing-PySpark / missing-Java messages;
- `transpile`: DuckDB query files → Spark SQL (sqlglot, plus the rules where the engines differ);
- `writer`: a Spark result written as the Parquet file DuckDB would write (schema, sort, one file);
- `build`: the marts and rollups written into the cache folders the DuckDB build fills;
- `compare`: equality of two builds, table by table, row for row.
"""
