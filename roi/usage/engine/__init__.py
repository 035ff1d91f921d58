"""Per-request usage aggregated by an analytical engine: written once, compiled for each engine.

The aggregation from a per-request log to the rollup the store keeps (hour × model × every
price-determining dimension × allocation keys, with token sums, request counts, reported cost,
latency sums and a latency histogram) is one Ibis expression (`requests.py`, `rollup.py`). Ibis
compiles it to the SQL of the engine the data lives on: DuckDB for local files, PostgreSQL for a
LiteLLM database, Spark SQL, BigQuery, Snowflake, Trino. Each engine runs that SQL with its own
client, and `--show-sql` prints exactly that text, so IT can approve a read-only query.

Why Ibis rather than SQL transpiled with sqlglot: transpiling one hand-written dialect gave
silently wrong SQL for the functions this query needs (a duration became `UNIX_TIMESTAMP(interval)`
on Spark; `REGEXP_EXTRACT_ALL`, which PostgreSQL has not, stayed as it was). Ibis compiles typed
operations (JSON field as a number, timestamp difference in milliseconds) with each backend's own
rules and tests them upstream. Ibis is used as the compiler only: its DuckDB backend does not yet
work with DuckDB 2 (it calls the removed `fetch_arrow_table`), and running the SQL on the engines'
own clients keeps one code path for every engine.
"""
