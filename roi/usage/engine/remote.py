"""Per-request logs where they live: a database or warehouse sums them, only the rollup travels.

The same Ibis expressions as for local files (`requests.py`, `rollup.py`), compiled to the SQL of
the engine behind a SQLAlchemy URL: PostgreSQL (a LiteLLM proxy's own database), Trino, Snowflake,
BigQuery, ClickHouse. The query only reads (one SELECT with GROUP BY); `roi ingest URL --show-sql`
prints it for IT to approve. Request ids stay in the source: a re-import of the same source
replaces the buckets it changed and adds nothing else (bucket de-duplication).
"""

from __future__ import annotations

import ibis
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError

from roi.errors import UsageFormatError
from roi.usage.engine import rollup as agg
from roi.usage.engine.requests import REQUIRED, spendlogs_requests
from roi.usage.schema import ReadResult, normalized

FORMAT = "litellm-db"
TABLE = "LiteLLM_SpendLogs"
# SQLAlchemy dialect -> (Ibis dialect, the package that adds its driver)
ENGINES = {
    "postgresql": ("postgres", "psycopg[binary]"),
    "sqlite": ("sqlite", ""),
    "trino": ("trino", "trino[sqlalchemy]"),
    "snowflake": ("snowflake", "snowflake-sqlalchemy"),
    "bigquery": ("bigquery", "sqlalchemy-bigquery"),
    "clickhouse": ("clickhouse", "clickhouse-sqlalchemy"),
}


def safe_url(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only used for messages
        return "database"


def _ibis_type(t: sa.types.TypeEngine) -> str:
    if isinstance(t, sa.JSON):
        return "json"
    if isinstance(t, sa.Integer | sa.Numeric | sa.Float):
        return "float64"
    if isinstance(t, sa.DateTime | sa.Date):
        return "timestamp('UTC')" if getattr(t, "timezone", False) else "timestamp"
    if isinstance(t, sa.Boolean):
        return "boolean"
    return "string"


def _engine(url: str) -> tuple[sa.Engine, str]:
    where = safe_url(url)
    try:
        backend = sa.engine.make_url(url).get_backend_name()
    except Exception:  # noqa: BLE001 - a malformed URL
        raise UsageFormatError(where, "not a database URL (e.g. postgresql://user@host/litellm)") from None
    if backend not in ENGINES:
        raise UsageFormatError(
            where, f"no engine for {backend!r} URLs; expected one of {', '.join(sorted(ENGINES))}"
        )
    try:
        return sa.create_engine(url), ENGINES[backend][0]
    except (ImportError, sa.exc.NoSuchModuleError):
        package = ENGINES[backend][1]
        raise UsageFormatError(where, f"its driver is not installed: pip install '{package}'") from None


def _source(engine: sa.Engine, table: str, where: str) -> ibis.Table:
    """The table as Ibis sees it, its columns renamed to lower case (LiteLLM writes startTime)."""
    try:
        columns = sa.inspect(engine).get_columns(table)
    except NoSuchTableError:
        raise UsageFormatError(where, f'no table "{table}": expected a LiteLLM proxy database') from None
    except (SQLAlchemyError, ImportError) as exc:
        raise UsageFormatError(
            where, f"cannot connect ({exc.__class__.__name__}: {str(exc).splitlines()[0][:200]})"
        ) from None
    if not columns:
        raise UsageFormatError(where, f'no table "{table}": expected a LiteLLM proxy database')
    t = ibis.table({c["name"]: _ibis_type(c["type"]) for c in columns}, name=table)
    lower = {c["name"].lower(): c["name"] for c in columns}
    for needed in REQUIRED:
        if needed not in lower:
            raise UsageFormatError(where, f"{table} has no column {needed!r}; expected LiteLLM SpendLogs")
    return t.rename(lower)


def queries(url: str, table: str = TABLE) -> tuple[str, str]:
    """(checks SQL, rollup SQL) in the URL's own dialect."""
    engine, dialect = _engine(url)
    try:
        req = spendlogs_requests(_source(engine, table, safe_url(url)))
    finally:
        engine.dispose()
    return (
        ibis.to_sql(agg.checks(req), dialect=dialect),
        ibis.to_sql(agg.rollup(agg.counted(req)), dialect=dialect),
    )


def read_remote(url: str, table: str = TABLE) -> ReadResult:
    """The hourly rollup of a per-request table, summed by its own engine."""
    where = safe_url(url)
    check_sql, rollup_sql = queries(url, table)
    engine, dialect = _engine(url)
    try:
        with engine.connect() as conn:
            if dialect == "postgres":
                conn.execute(sa.text("SET TIME ZONE 'UTC'"))  # times with a zone are read in UTC
            checks = pd.read_sql(sa.text(check_sql), conn).iloc[0]
            if checks["bad"] or checks["no_model_with_tokens"]:
                column = checks["bad_column"] if checks["bad"] else "model"
                raise UsageFormatError(where, f"{table} has unreadable values", column=str(column))
            df = pd.read_sql(sa.text(rollup_sql), conn)
    except SQLAlchemyError as exc:
        raise UsageFormatError(where, f"query failed ({str(exc).splitlines()[0][:200]})") from None
    finally:
        engine.dispose()
    return ReadResult(FORMAT, _as_buckets(df), warnings_from(checks, table), per_request=False)


def warnings_from(checks: pd.Series, table: str) -> list[str]:
    """The warnings of a source summed where it lives (its `rollup.checks` row)."""
    warnings = []
    if checks["hits"]:
        warnings.append(
            f"{table}: {int(checks['hits'])} request(s) answered from the LiteLLM proxy cache "
            "(no model call): their tokens are counted as 0"
        )
    if checks["no_model"]:
        warnings.append(
            f"{table}: skipped {int(checks['no_model'])} request(s) without a model and without tokens"
        )
    return warnings


def _as_buckets(df: pd.DataFrame) -> pd.DataFrame:
    """Rollup rows as normalized hourly buckets (mean latency per bucket, as the store keeps it)."""
    df["start"] = pd.to_datetime(df["hour"], utc=True)
    df["end"] = df["start"] + pd.Timedelta(hours=1)
    timed = pd.to_numeric(df["timed_requests"]).where(lambda n: n > 0)
    df["latency_s"] = pd.to_numeric(df["latency_s_sum"]) / timed
    df["ttft_s"] = pd.to_numeric(df["ttft_s_sum"]) / timed
    return normalized(df)
