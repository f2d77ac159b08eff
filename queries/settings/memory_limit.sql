-- The DuckDB memory limit of this database (the build step raises it, serving lowers it again).
set memory_limit = $limit
