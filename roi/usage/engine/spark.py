"""Per-request logs in Spark: the same Ibis expressions, compiled to Spark SQL and run by Spark.

`spark://local` starts a local session (`local[*]`), `spark://HOST:PORT` joins a standalone cluster,
`sc://HOST:PORT` a Spark Connect server; `--table` names a table or view of the session's catalog,
or files as Spark SQL reads them (``parquet.`/data/logs` ``). Only the rollup comes back.
pyspark is an extra (`pip install 'routing-roi[spark]'`) and needs Java 17 or newer.
"""

from __future__ import annotations

import os
import warnings

import ibis
import pandas as pd

from roi.errors import UsageFormatError
from roi.usage.engine import rollup as agg
from roi.usage.engine.remote import FORMAT, _as_buckets, warnings_from
from roi.usage.engine.requests import REQUIRED, SparkJsonOps, spendlogs_requests
from roi.usage.schema import ReadResult

VIEW = "roi_source"  # the table as a session view: any table name or file path compiles the same
INSTALL = "pip install 'routing-roi[spark]'"


def is_spark(url: str) -> bool:
    return url.startswith(("spark://", "sc://"))


def session(url: str):
    """A Spark session for the URL, in UTC."""
    # pyspark warns that it does not fully support pandas 3; only toPandas of the rollup is used
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageFormatError(url, f"Spark needs pyspark: {INSTALL}") from None
    builder = (
        SparkSession.builder.appName("routing-roi")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.log.level", "ERROR")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")  # the rollup comes back as Arrow
    )
    if url.startswith("sc://"):
        builder = builder.remote(url)
    else:
        master = url.removeprefix("spark://")
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # this machine only
        builder = builder.master(
            "local[*]" if master == "local" else master if master.startswith("local") else url
        )
        builder = builder.config("spark.ui.enabled", "false")
    try:
        return builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - pyspark raises plain exceptions for a missing JVM
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        if "JAVA" in text.upper() or "java" in text:
            raise UsageFormatError(
                url, "Spark needs Java 17 or newer (apt-get install openjdk-17-jre-headless)"
            ) from None
        raise UsageFormatError(url, f"cannot start Spark ({text})") from None


_TYPES = {"string": "string", "timestamp": "timestamp", "timestamp_ntz": "timestamp", "date": "timestamp"}


def _ibis_type(name: str) -> str:
    if name in _TYPES:
        return _TYPES[name]
    if name in ("byte", "short", "integer", "long", "float", "double") or name.startswith("decimal"):
        return "float64"
    return "string"


def _expressions(spark, table: str):
    try:
        df = spark.table(table) if "`" not in table else spark.sql(f"SELECT * FROM {table}")
    except Exception as exc:  # noqa: BLE001 - AnalysisException and friends
        raise UsageFormatError(table, f"Spark cannot read it ({str(exc).splitlines()[0][:200]})") from None
    df.createOrReplaceTempView(VIEW)
    fields = {f.name: _ibis_type(f.dataType.typeName()) for f in df.schema.fields}
    lower = {n.lower(): n for n in fields}
    for needed in REQUIRED:
        if needed not in lower:
            raise UsageFormatError(table, f"no column {needed!r}; expected LiteLLM SpendLogs")
    t = ibis.table(fields, name=VIEW).rename(lower)
    req = spendlogs_requests(t, json=SparkJsonOps())
    con = ibis.pyspark.connect(spark)
    return con.compile(agg.checks(req)), con.compile(agg.rollup(agg.counted(req)))


def spark_sql(url: str, table: str) -> str:
    """The Spark SQL the import runs (over view `roi_source`, the table), for `--show-sql`."""
    spark = session(url)
    return f"-- {VIEW} = {table}\n{_expressions(spark, table)[1]}"


def read_spark(url: str, table: str) -> ReadResult:
    """The hourly rollup of a per-request table, summed by Spark."""
    spark = session(url)
    check_sql, rollup_sql = _expressions(spark, table)
    checks = spark.sql(check_sql).toPandas().iloc[0]
    if checks["bad"] or checks["no_model_with_tokens"]:
        column = checks["bad_column"] if checks["bad"] else "model"
        raise UsageFormatError(table, "unreadable values", column=str(column))
    df: pd.DataFrame = spark.sql(rollup_sql).toPandas()
    return ReadResult(FORMAT, _as_buckets(df), warnings_from(checks, table), per_request=False)
