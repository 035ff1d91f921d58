"""The usage engine on Spark in local mode: the same rollup as DuckDB from the same requests, to the
token. Needs the `spark` extra and Java 17+ (.ci/run installs both and sets ROI_SPARK_REQUIRED)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from roi.store import Store
from roi.usage import ingest, lake, priced_store, summary
from roi.usage.schema import TOKEN_COLUMNS

DATA = Path(__file__).resolve().parents[3] / "data" / "usage"
SPENDLOGS = DATA / "litellm_spendlogs.csv"


@pytest.fixture(scope="module")
def spark_url() -> str:
    """A local Spark session's URL, once pyspark and Java are there."""
    missing = []
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing.append("pyspark (pip install 'routing-roi[spark]')")
    if not shutil.which("java"):
        missing.append("Java 17+ (apt-get install openjdk-17-jre-headless)")
    if missing:
        if os.environ.get("ROI_SPARK_REQUIRED"):
            pytest.fail("Spark tests must run here; missing: " + ", ".join(missing))
        pytest.skip("Spark tests skipped locally; missing: " + ", ".join(missing))
    return "spark://local"


def sample_parquet(path: Path) -> Path:
    df = pd.read_csv(SPENDLOGS, dtype={"request_tags": str, "metadata": str, "cache_hit": str, "user": str})
    for c in ("startTime", "endTime", "completionStartTime"):
        df[c] = pd.to_datetime(df[c])
    df.to_parquet(path)
    return path


def test_spark_and_duckdb_give_the_same_rollup(spark_url, tmp_path):
    from roi.usage.engine.spark import read_spark

    parquet = sample_parquet(tmp_path / "spend.parquet")
    table = f"parquet.`{parquet}`"
    remote = read_spark(spark_url, table)
    store = Store(f"sqlite:///{tmp_path / 'roi.db'}")
    try:
        imp = ingest(store, [parquet]).summaries[0].import_id
        local = pd.read_parquet(lake.import_dir(store, imp) / lake.ROLLUP)
        # the whole import through the CLI path too: same totals as the DuckDB import
        other = Store(f"sqlite:///{tmp_path / 'spark.db'}")
        ingest(other, [spark_url], table=table)
        assert summary(priced_store(other))["input_tokens"] == summary(priced_store(store))["input_tokens"]
        other.dispose()
    finally:
        store.dispose()
    assert remote.warnings and "proxy cache" in remote.warnings[0]
    keys = ["start", "model_raw", "api_key", "project", "user", "tag", "context_window"]
    got = remote.frame.assign(start=remote.frame["start"].dt.tz_localize(None))
    want = local.rename(columns={"hour": "start"})
    want["start"] = pd.to_datetime(want["start"])
    values = ["requests", *TOKEN_COLUMNS, "reported_cost_usd"]

    def norm(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        df["start"] = df["start"].astype("datetime64[ns]")
        df[keys[1:]] = df[keys[1:]].fillna("").astype(str)
        return df.groupby(keys)[values].sum().sort_index()

    pd.testing.assert_frame_equal(norm(got), norm(want), check_dtype=False, rtol=1e-12)
    assert norm(got)["requests"].sum() == 15
