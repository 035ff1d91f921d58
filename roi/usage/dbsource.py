"""Read a LiteLLM proxy's database directly, summarizing inside the database.

A gateway can hold hundreds of millions of requests; we never pull them out one by one. The
database groups them per hour × model × long-context band × key × user × team with SUM/COUNT, and only the buckets
travel. Cache reads and writes come from the usage object LiteLLM keeps in `metadata`.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Float, MetaData, Table, case, cast, create_engine, func, select
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError

from roi.catalog.cost import context_band, tier_starts
from roi.errors import UsageFormatError
from roi.usage.schema import ReadResult, normalized

TABLE = "LiteLLM_SpendLogs"
FORMAT = "litellm-db"


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only used for messages
        return "database"


def read_litellm_db(url: str) -> ReadResult:
    where = _safe_url(url)
    try:
        engine = create_engine(url)
        t = Table(TABLE, MetaData(), autoload_with=engine)
    except NoSuchTableError:
        raise UsageFormatError(where, f'no table "{TABLE}": expected a LiteLLM proxy database') from None
    except (SQLAlchemyError, ImportError) as exc:
        raise UsageFormatError(
            where, f"cannot connect ({exc.__class__.__name__}: {str(exc).splitlines()[0][:200]})"
        ) from None
    c = t.c
    for needed in ("startTime", "endTime", "model", "prompt_tokens", "completion_tokens", "spend"):
        if needed not in c:
            raise UsageFormatError(
                where, f"{TABLE} has no column {needed!r}; expected a LiteLLM proxy database"
            )
    pg = engine.dialect.name == "postgresql"
    hour = func.date_trunc("hour", c.startTime) if pg else func.strftime("%Y-%m-%d %H:00:00", c.startTime)
    seconds = (
        func.extract("epoch", c.endTime - c.startTime)
        if pg
        else (func.julianday(c.endTime) - func.julianday(c.startTime)) * 86400.0
    )
    ttft = (
        func.extract("epoch", c.completionStartTime - c.startTime)
        if pg
        else (func.julianday(c.completionStartTime) - func.julianday(c.startTime)) * 86400.0
    )

    def usage_field(name: str):
        if "metadata" not in c:
            return cast(0, Float)
        if pg:
            return func.coalesce(cast(cast(c.metadata, _jsonb())["usage_object"][name].astext, Float), 0.0)
        return func.coalesce(cast(func.json_extract(c.metadata, f"$.usage_object.{name}"), Float), 0.0)

    dims = [c[n].label(n) for n in ("api_key", "user", "team_id") if n in c]
    cache_read = usage_field("cache_read_input_tokens")
    cache_write = usage_field("cache_creation_input_tokens")
    # each request's long-context band (total input = prompt_tokens), so the summed rows price exactly
    starts = tier_starts()
    band = case(
        *[(c.prompt_tokens > s, context_band([s + 1])[0]) for s in reversed(starts)],
        else_=context_band([0])[0],
    )
    q = select(
        hour.label("hour"),
        c.model.label("model_raw"),
        band.label("context_window"),
        *dims,
        func.count().label("requests"),
        func.sum(c.prompt_tokens).label("prompt_tokens"),
        func.sum(c.completion_tokens).label("output_tokens"),
        func.sum(cache_read).label("cache_read_tokens"),
        func.sum(cache_write).label("cache_write_5m_tokens"),
        func.sum(c.spend).label("reported_cost_usd"),
        func.sum(seconds).label("latency_s_sum"),
        func.sum(ttft).label("ttft_s_sum"),
        func.count(c.endTime).label("timed_requests"),
    ).group_by(hour, c.model, band, *[c[d.name] for d in dims])
    try:
        with engine.connect() as conn:
            df = pd.read_sql(q, conn)
    except SQLAlchemyError as exc:
        raise UsageFormatError(where, f"query failed ({str(exc).splitlines()[0][:200]})") from None
    finally:
        engine.dispose()
    df["start"] = pd.to_datetime(df["hour"], utc=True)
    df["end"] = df["start"] + pd.Timedelta(hours=1)
    for col in ("prompt_tokens", "output_tokens", "cache_read_tokens", "cache_write_5m_tokens", "requests"):
        df[col] = pd.to_numeric(df[col]).fillna(0.0).astype(float)
    # prompt_tokens includes cache reads and writes for Anthropic traffic: keep input additive
    df["input_tokens"] = (df["prompt_tokens"] - df["cache_read_tokens"] - df["cache_write_5m_tokens"]).clip(
        lower=0
    )
    df = df.rename(columns={"team_id": "project"})
    df["latency_s"] = pd.to_numeric(df["latency_s_sum"]) / df["timed_requests"].where(
        df["timed_requests"] > 0
    )
    df["ttft_s"] = pd.to_numeric(df["ttft_s_sum"]) / df["timed_requests"].where(df["timed_requests"] > 0)
    return ReadResult(format=FORMAT, frame=normalized(df), warnings=[], per_request=False)


def _jsonb():
    from sqlalchemy.dialects.postgresql import JSONB

    return JSONB
