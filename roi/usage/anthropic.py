"""Anthropic exports: Console usage and cost CSVs, Admin API usage and cost reports (JSON).

See ../shared/FORMATS.md ("Anthropic", "The cache trap"). Anthropic token buckets are additive
already (uncached input excludes cache reads and writes), so nothing is subtracted here. The Admin
API usage report nests cache writes under `cache_creation.ephemeral_{5m,1h}_input_tokens`; those
nested fields are the ones read (a flat `cache_creation_input_tokens` does not exist there).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from roi.errors import UsageFormatError
from roi.usage.csvio import Dialect, drop_blank_and_total_rows, numbers, read_text_table, timestamps
from roi.usage.formats import Reader, register
from roi.usage.schema import ReadResult, empty_frame, normalized

CONSOLE_USAGE = "anthropic-console-usage"
CONSOLE_COST = "anthropic-console-cost"
ADMIN_USAGE = "anthropic-admin-usage"
ADMIN_COST = "anthropic-admin-cost"

# Console usage CSV: file column -> normalized token column
_USAGE_TOKENS = {
    "usage_input_tokens_no_cache": "input_tokens",
    "usage_input_tokens_cache_write_5m": "cache_write_5m_tokens",
    "usage_input_tokens_cache_write_1h": "cache_write_1h_tokens",
    "usage_input_tokens_cache_read": "cache_read_tokens",
    "usage_output_tokens": "output_tokens",
}
_LEGACY_CACHE_WRITE = "usage_input_tokens_cache_write"

# Admin API usage report: result field path -> normalized token column (cache writes are NESTED)
_API_TOKENS = {
    ("uncached_input_tokens",): "input_tokens",
    ("cache_creation", "ephemeral_5m_input_tokens"): "cache_write_5m_tokens",
    ("cache_creation", "ephemeral_1h_input_tokens"): "cache_write_1h_tokens",
    ("cache_read_input_tokens",): "cache_read_tokens",
    ("output_tokens",): "output_tokens",
}
_API_TOKEN_KEYS = {"uncached_input_tokens", "cache_creation", "cache_read_input_tokens", "output_tokens"}

# Admin API cost report token_type -> the Console cost export's vocabulary, so both bills line up
_API_TOKEN_TYPES = {
    "uncached_input_tokens": "input_no_cache",
    "cache_read_input_tokens": "input_cache_read",
    "cache_creation.ephemeral_5m_input_tokens": "input_cache_write_5m",
    "cache_creation.ephemeral_1h_input_tokens": "input_cache_write_1h",
    "output_tokens": "output",
}


# ---------------------------------------------------------------------------------------------
# shared helpers


def _text(df: pd.DataFrame, column: str) -> pd.Series:
    """A text column stripped, empty cells as <NA>; an absent column is all <NA>."""
    if column not in df:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    s = df[column].astype("string").str.strip()
    return s.where(s != "", pd.NA)


def _service_tier(value: Any) -> Any:
    """Console `usage_type` -> service tier: batch when it says so, else standard (empty: unknown)."""
    v = "" if value is None or value is pd.NA else str(value).strip().lower()
    if not v:
        return pd.NA
    if "batch" in v:
        return "batch"
    if "priority" in v:
        return "priority"
    return "standard"


_CTX_BOUND = re.compile(r"^(?P<op>.*?)\s*(?P<n>\d+(?:\.\d+)?\s*[km]?)$")
_CTX_RANGE = re.compile(r"^(?P<lo>\d+(?:\.\d+)?\s*[km]?)\s*[-–]\s*(?P<hi>\d+(?:\.\d+)?\s*[km]?)$")


def _context_window(value: Any) -> Any:
    """'≤ 200k' (or Excel's 'â‰¤ 200k') -> '0-200k'; '> 200k' and '200k-1M' -> '>200k'."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return pd.NA
    v = str(value).strip()
    if not v:
        return pd.NA
    low = v.lower().replace(" ", "")
    m = _CTX_RANGE.match(low)
    if m:
        lo, hi = m.group("lo"), m.group("hi")
        return f"0-{hi}" if float(re.sub(r"[km]", "", lo) or 0) == 0 else f">{lo}"
    m = _CTX_BOUND.match(low)
    if m:
        op, n = m.group("op"), m.group("n")
        if op in (">", ">=", "≥", "over", "above") or op.startswith("â‰¥"):
            return f">{n}"
        # '≤', '<=', '<', and the mojibake of '≤' (UTF-8 E2 89 A4 read as cp1252 / latin-1)
        if op in ("≤", "<=", "<", "up-to", "upto") or op.startswith(("â‰", "â\x89", "&le")):
            return f"0-{n}"
    return v


def _no_rows(fmt: str, name: str, warnings: list[str]) -> ReadResult:
    warnings.append(f"{name}: no data rows")
    return ReadResult(format=fmt, frame=normalized(empty_frame()), warnings=warnings, per_request=False)


def _require(df: pd.DataFrame, columns: tuple[str, ...] | list[str], name: str, label: str) -> None:
    for c in columns:
        if c not in df.columns:
            raise UsageFormatError(
                name, f"required column is missing; expected the {label} export columns", column=c
            )


_DOT_DECIMAL = re.compile(r"\.\d{1,2}$|\.\d{4,}$")


def _dialect_for(df: pd.DataFrame, columns: list[str], dialect: Dialect) -> Dialect:
    """csvio assumes `;` files use decimal commas; a `;` file whose numbers only ever show a dot
    followed by 1-2 or 4+ digits ('12.50', '59200.0') uses dot decimals (a thousands dot is always
    followed by exactly 3 digits), and reading it with decimal commas would scale values silently."""
    if dialect.decimal != ",":
        return dialect
    cells = pd.concat([df[c].astype(str).str.strip() for c in columns if c in df], ignore_index=True)
    if cells.empty or cells.str.contains(",", regex=False).any():
        return dialect
    if cells.str.contains(_DOT_DECIMAL).any():
        return Dialect(dialect.delimiter, ".")
    return dialect


# ---------------------------------------------------------------------------------------------
# Console usage CSV


def _detect_console_usage(columns: Any) -> bool:
    if not isinstance(columns, set | frozenset) or "usage_date_utc" not in columns:
        return False
    return (
        "model_version" in columns
        or any(c.startswith("usage_input_tokens") for c in columns)
        or ("usage_output_tokens" in columns)
    )


def read_console_usage(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    label = "Anthropic Console usage"
    warnings: list[str] = []
    df, dialect = read_text_table(text, name)
    new_writes = ("usage_input_tokens_cache_write_5m", "usage_input_tokens_cache_write_1h")
    legacy = _LEGACY_CACHE_WRITE in df.columns and not any(c in df.columns for c in new_writes)
    token_cols = dict(_USAGE_TOKENS)
    if legacy:
        del token_cols["usage_input_tokens_cache_write_5m"], token_cols["usage_input_tokens_cache_write_1h"]
        token_cols = {_LEGACY_CACHE_WRITE: "cache_write_5m_tokens", **token_cols}
    _require(df, ["usage_date_utc", "model_version", *token_cols], name, label)
    if legacy:
        warnings.append(
            f"{name}: older export with one cache-write column ({_LEGACY_CACHE_WRITE}); "
            "cache writes are counted as 5-minute writes (1-hour writes cost more and are not separated)"
        )
    elif _LEGACY_CACHE_WRITE in df.columns:
        warnings.append(
            f"{name}: ignored {_LEGACY_CACHE_WRITE}; the 5m/1h cache-write columns are used instead"
        )
    df = drop_blank_and_total_rows(df, warnings, name)
    if df.empty:
        return _no_rows(CONSOLE_USAGE, name, warnings)

    dialect = _dialect_for(df, list(token_cols), dialect)
    start = timestamps(df, "usage_date_utc", name)
    model = _text(df, "model_version")
    if model.isna().any():
        i = int(np.flatnonzero(model.isna().to_numpy())[0])
        raise UsageFormatError(
            name, "expected a model, got an empty cell", row=int(df.index[i]) + 2, column="model_version"
        )
    hourly = bool((start != start.dt.floor("D")).any())
    out = pd.DataFrame(
        {
            "start": start,
            "end": start + (pd.Timedelta(hours=1) if hourly else pd.Timedelta(days=1)),
            "model_raw": model,
            "workspace": _text(df, "workspace"),
            "api_key": _text(df, "api_key"),
            "requests": np.nan,
            **{col: numbers(df, src, name, dialect) for src, col in token_cols.items()},
            "service_tier": _text(df, "usage_type").map(_service_tier, na_action=None).astype("string"),
            "context_window": _text(df, "context_window").map(_context_window).astype("string"),
        },
        index=df.index,
    )
    return ReadResult(format=CONSOLE_USAGE, frame=normalized(out), warnings=warnings, per_request=False)


# ---------------------------------------------------------------------------------------------
# Console cost CSV


def _detect_console_cost(columns: Any) -> bool:
    return isinstance(columns, set | frozenset) and {"usage_date_utc", "cost_usd"} <= columns


def read_console_cost(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    label = "Anthropic Console cost"
    warnings: list[str] = []
    df, dialect = read_text_table(text, name)
    _require(df, ["usage_date_utc", "model", "token_type", "cost_usd"], name, label)
    df = drop_blank_and_total_rows(df, warnings, name)
    if df.empty:
        return _no_rows(CONSOLE_COST, name, warnings)

    dialect = _dialect_for(df, ["cost_usd"], dialect)
    start = timestamps(df, "usage_date_utc", name)
    hourly = bool((start != start.dt.floor("D")).any())
    # A cost row is recognized downstream by having a token_type: lines that are not per token
    # type (web search, credits) take their cost_type instead.
    token_type = _text(df, "token_type").str.lower()
    token_type = token_type.fillna(_text(df, "cost_type").str.lower()).fillna("other")
    out = pd.DataFrame(
        {
            "start": start,
            "end": start + (pd.Timedelta(hours=1) if hourly else pd.Timedelta(days=1)),
            "model_raw": _text(df, "model"),
            "workspace": _text(df, "workspace"),
            "api_key": _text(df, "api_key"),
            "service_tier": _text(df, "usage_type").map(_service_tier, na_action=None).astype("string"),
            "context_window": _text(df, "context_window").map(_context_window).astype("string"),
            "token_type": token_type,
            "reported_cost_usd": numbers(df, "cost_usd", name, dialect, allow_negative=True),
        },
        index=df.index,
    )
    for col in (
        "input_tokens",
        "cache_write_5m_tokens",
        "cache_write_1h_tokens",
        "cache_read_tokens",
        "output_tokens",
    ):
        out[col] = 0.0
    return ReadResult(format=CONSOLE_COST, frame=normalized(out), warnings=warnings, per_request=False)


# ---------------------------------------------------------------------------------------------
# Admin API reports (JSON)


def _pages_of(doc: Any) -> list[Any]:
    """A response page, a list of pages, or a bare list of buckets (the `data` array saved alone)."""
    if isinstance(doc, dict):
        return [doc]
    if isinstance(doc, list):
        if doc and all(isinstance(b, dict) and "starting_at" in b and "data" not in b for b in doc):
            return [{"data": doc}]
        return doc
    return []


def _buckets_for_detection(doc: Any) -> Iterator[dict]:
    for page in _pages_of(doc):
        if isinstance(page, dict) and isinstance(page.get("data"), list):
            yield from (b for b in page["data"] if isinstance(b, dict))


def _report_kind(doc: Any) -> str | None:
    """'usage' or 'cost' for an Anthropic Admin API report, else None (OpenAI's organization
    usage/cost API uses `start_time` buckets and `amount: {value, currency}` objects)."""
    seen = False
    for bucket in _buckets_for_detection(doc):
        if "starting_at" not in bucket or not isinstance(bucket.get("results"), list):
            return None
        seen = True
        for res in bucket["results"]:
            if not isinstance(res, dict):
                continue
            if "amount" in res:
                return None if isinstance(res["amount"], dict) else "cost"
            if _API_TOKEN_KEYS & res.keys():
                return "usage"
    # only empty buckets: nothing to read either way; the usage reader says so
    return "usage" if seen else None


def _detect_admin_usage(doc: Any) -> bool:
    return _report_kind(doc) == "usage"


def _detect_admin_cost(doc: Any) -> bool:
    return _report_kind(doc) == "cost"


def _load_json(text: str, name: str) -> Any:
    """One JSON document, or several page objects written one after another (JSON lines)."""
    s = text.strip()
    try:
        return json.loads(s)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise UsageFormatError(name, f"not valid JSON ({exc.msg})", row=exc.lineno) from None
    docs, dec, i = [], json.JSONDecoder(), 0
    while i < len(s):
        try:
            obj, i = dec.raw_decode(s, i)
        except json.JSONDecodeError as exc:
            raise UsageFormatError(name, f"not valid JSON ({exc.msg})", row=exc.lineno) from None
        docs.append(obj)
        while i < len(s) and s[i] in " \t\r\n,":
            i += 1
    return docs


class _Where:
    """Names a place in the report: row = bucket number (1-based), column = JSON path."""

    def __init__(self, name: str, page: int | None, bucket: int, result: int | None = None) -> None:
        self.name, self.page, self.bucket, self.result = name, page, bucket, result

    def path(self, field: str) -> str:
        p = "" if self.page is None else f"[{self.page}]."
        p += f"data[{self.bucket}]"
        if self.result is not None:
            p += f".results[{self.result}]"
        return f"{p}.{field}" if field else p

    def error(self, field: str, message: str) -> UsageFormatError:
        place = "" if self.page is None else f"page {self.page + 1}, "
        place += f"bucket {self.bucket + 1}"
        if self.result is not None:
            place += f", result {self.result + 1}"
        return UsageFormatError(
            self.name, f"{message} ({place})", row=self.bucket + 1, column=self.path(field)
        )


def _show(v: Any) -> str:
    return "null" if v is None else json.dumps(v, ensure_ascii=False)[:60]


def _timestamp(bucket: dict, field: str, where: _Where) -> pd.Timestamp:
    v = bucket.get(field)
    if not isinstance(v, str):
        raise where.error(field, f"expected a date/time, got {_show(v)}")
    try:
        ts = pd.Timestamp(v)
    except (ValueError, TypeError):
        raise where.error(field, f"expected a date/time, got {_show(v)}") from None
    if pd.isna(ts):
        raise where.error(field, f"expected a date/time, got {_show(v)}")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _tokens(res: dict, path: tuple[str, ...], where: _Where) -> float:
    field = ".".join(path)
    node: Any = res
    for i, key in enumerate(path):
        if not isinstance(node, dict) or key not in node:
            if i > 0 and not isinstance(node, dict):
                raise where.error(".".join(path[:i]), f"expected an object, got {_show(node)}")
            hint = ""
            if path[0] == "cache_creation" and "cache_creation_input_tokens" in res:
                hint = "; a flat cache_creation_input_tokens cannot tell 5-minute from 1-hour writes"
            raise where.error(field, f"required field is missing{hint}")
        node = node[key]
    if isinstance(node, bool) or not isinstance(node, int | float) or not math.isfinite(node):
        raise where.error(field, f"expected a number of tokens, got {_show(node)}")
    if node < 0:
        raise where.error(field, f"expected a non-negative number of tokens, got {_show(node)}")
    return float(node)


def _dim(res: dict, key: str) -> Any:
    v = res.get(key)
    if v is None or (isinstance(v, str) and not v.strip()):
        return pd.NA
    return str(v).strip()


def _walk(doc: Any, name: str, kind: str) -> Iterator[tuple[_Where, dict, pd.Timestamp, pd.Timestamp, list]]:
    """Every bucket of every page with its start, end and results (validated shapes)."""
    pages = _pages_of(doc)
    if not pages:
        raise UsageFormatError(name, f"expected an Anthropic Admin API {kind} report ({{data: [...]}})")
    multi = isinstance(doc, list) and len(pages) > 1
    for p, page in enumerate(pages):
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise UsageFormatError(
                name,
                f"expected an Anthropic Admin API {kind} report page with a “data” list"
                + (f" (page {p + 1})" if multi else ""),
                column=f"[{p}].data" if multi else "data",
            )
        for b, bucket in enumerate(page["data"]):
            where = _Where(name, p if multi else None, b)
            if not isinstance(bucket, dict):
                raise where.error("", f"expected a bucket object, got {_show(bucket)}")
            start = _timestamp(bucket, "starting_at", where)
            end = _timestamp(bucket, "ending_at", where)
            results = bucket.get("results")
            if results is None:
                results = []
            if not isinstance(results, list):
                raise where.error("results", f"expected a list of results, got {_show(results)}")
            yield where, bucket, start, end, results


def _last_page_warning(doc: Any, name: str) -> list[str]:
    pages = _pages_of(doc)
    last = pages[-1] if pages else None
    if isinstance(last, dict) and last.get("has_more") is True:
        return [
            f"{name}: the last page says has_more=true (next_page {_show(last.get('next_page'))}); "
            "later buckets are not in this file"
        ]
    return []


def _empty_warning(empty: int, name: str) -> list[str]:
    if not empty:
        return []
    return [f"{name}: skipped {empty} bucket(s) with no results (no usage in that period)"]


def read_admin_usage(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    doc = _load_json(text, name)
    rows: list[dict] = []
    empty = 0
    for where, _bucket, start, end, results in _walk(doc, name, "usage"):
        if not results:
            empty += 1
            continue
        for r, res in enumerate(results):
            w = _Where(name, where.page, where.bucket, r)
            if not isinstance(res, dict):
                raise w.error("", f"expected a result object, got {_show(res)}")
            row = {col: _tokens(res, path, w) for path, col in _API_TOKENS.items()}
            row.update(
                start=start,
                end=end,
                model_raw=_dim(res, "model"),
                workspace=_dim(res, "workspace_id"),
                api_key=_dim(res, "api_key_id"),
                requests=np.nan,
                service_tier=_dim(res, "service_tier"),
                context_window=_context_window(_dim(res, "context_window")),
            )
            rows.append(row)
    warnings = _empty_warning(empty, name) + _last_page_warning(doc, name)
    frame = normalized(pd.DataFrame(rows)) if rows else normalized(empty_frame())
    if not rows:
        warnings.append(f"{name}: no usage results in the report")
    return ReadResult(format=ADMIN_USAGE, frame=frame, warnings=warnings, per_request=False)


def _cents(res: dict, where: _Where) -> float:
    if "amount" not in res:
        raise where.error("amount", "required field is missing")
    v = res["amount"]
    if isinstance(v, str):
        try:
            cents = float(v.strip().replace(",", ""))
        except ValueError:
            raise where.error("amount", f"expected an amount in cents, got {_show(v)}") from None
    elif isinstance(v, int | float) and not isinstance(v, bool):
        cents = float(v)
    else:
        raise where.error("amount", f"expected an amount in cents, got {_show(v)}")
    if not math.isfinite(cents):
        raise where.error("amount", f"expected an amount in cents, got {_show(v)}")
    return cents / 100.0


def read_admin_cost(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    doc = _load_json(text, name)
    rows: list[dict] = []
    empty = 0
    for where, _bucket, start, end, results in _walk(doc, name, "cost"):
        if not results:
            empty += 1
            continue
        for r, res in enumerate(results):
            w = _Where(name, where.page, where.bucket, r)
            if not isinstance(res, dict):
                raise w.error("", f"expected a result object, got {_show(res)}")
            currency = res.get("currency")
            if not isinstance(currency, str) or currency.strip().upper() != "USD":
                raise w.error(
                    "currency", f"expected USD, got {_show(currency)}; convert the report to US dollars first"
                )
            raw_type = _dim(res, "token_type")
            token_type = _API_TOKEN_TYPES.get(raw_type, raw_type) if raw_type is not pd.NA else pd.NA
            if token_type is pd.NA:
                token_type = _dim(res, "cost_type")
            rows.append(
                {
                    "start": start,
                    "end": end,
                    "model_raw": _dim(res, "model"),
                    "workspace": _dim(res, "workspace_id"),
                    "service_tier": _dim(res, "service_tier"),
                    "context_window": _context_window(_dim(res, "context_window")),
                    "token_type": "other" if token_type is pd.NA else token_type,
                    "reported_cost_usd": _cents(res, w),
                }
            )
    warnings = _empty_warning(empty, name) + _last_page_warning(doc, name)
    frame = normalized(pd.DataFrame(rows)) if rows else normalized(empty_frame())
    if not rows:
        warnings.append(f"{name}: no cost results in the report")
    return ReadResult(format=ADMIN_COST, frame=frame, warnings=warnings, per_request=False)


register(
    Reader(CONSOLE_USAGE, "Anthropic Console usage CSV", "csv", _detect_console_usage, read_console_usage)
)
register(Reader(CONSOLE_COST, "Anthropic Console cost CSV", "csv", _detect_console_cost, read_console_cost))
register(
    Reader(
        ADMIN_USAGE, "Anthropic Admin API usage report (JSON)", "json", _detect_admin_usage, read_admin_usage
    )
)
register(
    Reader(ADMIN_COST, "Anthropic Admin API cost report (JSON)", "json", _detect_admin_cost, read_admin_cost)
)
