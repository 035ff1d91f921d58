"""Anthropic Admin API reports saved as JSON: the usage report and the cost report, legacy and
from the Usage & Cost Analytics API (`/v1/organizations/analytics/usage` and `/cost`, beta
`analytics-usage-cost-2026-08-24`, read from the shapes the installed anthropic SDK types:
`{"data": [{"starting_at", "ending_at", "group": {…}, "usage" | "cost": {…}}], "has_more",
"next_page"}`).

See the usage-format notes, FORMATS.md ("Anthropic", "The cache trap"). Token buckets are additive already. The
usage report nests cache writes under `cache_creation.ephemeral_{5m,1h}_input_tokens`; those nested
fields are the ones read (a flat `cache_creation_input_tokens` does not exist there). Errors name
the line and column of the bad value (as a text editor shows them), its JSON path, and the bucket.

Over 300 lines: four report formats (usage and cost, legacy and Analytics) that share paging,
bucket and error-location helpers; one module keeps those helpers private to the Admin API.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from roi.errors import UsageFormatError
from roi.jsondoc import loads_pages
from roi.usage.reader import Reader
from roi.usage.schema import ReadResult, context_window_label, empty_frame, normalized

ADMIN_USAGE = "anthropic-admin-usage"
ADMIN_COST = "anthropic-admin-cost"
ANALYTICS_USAGE = "anthropic-analytics-usage"
ANALYTICS_COST = "anthropic-analytics-cost"
ANALYTICS_BETA = "analytics-usage-cost-2026-08-24"

# Usage report: result field path -> normalized token column (cache writes are NESTED)
_API_TOKENS = {
    ("uncached_input_tokens",): "input_tokens",
    ("cache_creation", "ephemeral_5m_input_tokens"): "cache_write_5m_tokens",
    ("cache_creation", "ephemeral_1h_input_tokens"): "cache_write_1h_tokens",
    ("cache_read_input_tokens",): "cache_read_tokens",
    ("output_tokens",): "output_tokens",
}
_API_TOKEN_KEYS = {"uncached_input_tokens", "cache_creation", "cache_read_input_tokens", "output_tokens"}

# Cost report token_type -> the Console cost export's vocabulary, so both bills line up
_API_TOKEN_TYPES = {
    "uncached_input_tokens": "input_no_cache",
    "cache_read_input_tokens": "input_cache_read",
    "cache_creation.ephemeral_5m_input_tokens": "input_cache_write_5m",
    "cache_creation.ephemeral_1h_input_tokens": "input_cache_write_1h",
    "output_tokens": "output",
}


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
    return loads_pages(text, lambda why: UsageFormatError(name, why))


class _Where:
    """Names a place in the report as a text editor finds it (line and column of the value) and
    as the report is built (JSON path; page, bucket and result numbers)."""

    def __init__(
        self,
        name: str,
        page: int | None,
        bucket: int,
        result: int | None = None,
        text: str = "",
        item: dict | None = None,
        prefix: str = "",
    ) -> None:
        self.name, self.page, self.bucket, self.result, self.text = name, page, bucket, result, text
        self.item = item or {}  # the bucket (or Analytics row) itself
        self.prefix = prefix  # the object inside it that fields are named from ("usage", "cost")

    def at(self, prefix: str) -> _Where:
        """The same place, with fields named inside `prefix` (an Analytics row's usage or cost)."""
        return _Where(self.name, self.page, self.bucket, self.result, self.text, self.item, prefix)

    def path(self, field: str) -> str:
        field = ".".join(f for f in (self.prefix, field) if f)
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
        steps: list[str | int] = ["data", self.bucket]
        if self.result is not None:
            steps += ["results", self.result]
        steps += [f for f in f"{self.prefix}.{field}".split(".") if f]
        at = _line_column(self.text, self.page, steps)
        line = f"line {at[0]}, column {at[1]}, " if at else ""
        return UsageFormatError(self.name, f"{line}at {self.path(field)}: {message} ({place})")


def _line_column(text: str, page: int | None, steps: list[str | int]) -> tuple[int, int] | None:
    """Line and column (1-based) where the value at `steps` of report page `page` starts in the
    file, or None if it cannot be found (the message still names the JSON path)."""
    if not text:
        return None
    try:
        try:
            doc, start = json.loads(text), 0
        except json.JSONDecodeError:  # pages written one after another: find the page's own start
            doc, start = None, _nth_document(text, page or 0)
        if isinstance(doc, list):
            bare = _pages_of(doc) != doc  # a bare list of buckets: `data` is the file itself
            steps = steps[1:] if bare else [page or 0, *steps]
        # a missing field: where its object starts
        i = next(j for n in range(len(steps), 0, -1) if (j := _value_at(text, start, steps[:n])) is not None)
    except (ValueError, IndexError, StopIteration):
        return None
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


_GAP = " \t\r\n"


def _skip(text: str, i: int, also: str = "") -> int:
    while i < len(text) and text[i] in _GAP + also:
        i += 1
    return i


def _nth_document(text: str, n: int) -> int:
    """Where the n-th of several JSON documents written one after another starts."""
    dec, i = json.JSONDecoder(), _skip(text, 0, ",")
    for _ in range(n):
        i = _skip(text, dec.raw_decode(text, i)[1], ",")
    return i


def _value_at(text: str, i: int, steps: list[str | int]) -> int | None:
    """Follow object keys and array indexes from the value at `i`; the position reached."""
    dec = json.JSONDecoder()
    for step in steps:
        i = _skip(text, i)
        if isinstance(step, int):
            if text[i] != "[":
                return None
            i += 1
            for _ in range(step):
                i = _skip(text, dec.raw_decode(text, _skip(text, i))[1], ",")
            continue
        if text[i] != "{":
            return None
        i = _skip(text, i + 1)
        while text[i] != "}":
            key, i = json.decoder.scanstring(text, i + 1)
            i = _skip(text, _skip(text, i) + 1)  # past the colon
            if key == step:
                break
            i = _skip(text, dec.raw_decode(text, i)[1], ",")
        else:
            return None
    return _skip(text, i)


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


def _walk(
    doc: Any, name: str, kind: str, text: str = "", *, results: bool = True
) -> Iterator[tuple[_Where, pd.Timestamp, pd.Timestamp, list]]:
    """Every bucket of every page with its start, end and results (validated shapes); an
    Analytics API row (`results=False`) is its own one result."""
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
            where = _Where(
                name, p if multi else None, b, text=text, item=bucket if isinstance(bucket, dict) else None
            )
            if not isinstance(bucket, dict):
                raise where.error("", f"expected a bucket object, got {_show(bucket)}")
            start = _timestamp(bucket, "starting_at", where)
            end = _timestamp(bucket, "ending_at", where)
            if not results:
                yield where, start, end, []
                continue
            found = bucket.get("results")
            if found is None:
                found = []
            if not isinstance(found, list):
                raise where.error("results", f"expected a list of results, got {_show(found)}")
            yield where, start, end, found


def _read_report(
    text: str, name: str, kind: str, fmt: str, to_row: Callable[[dict, _Where], dict]
) -> ReadResult:
    """Every result of every bucket through `to_row` (start and end added); empty buckets skipped."""
    doc = _load_json(text, name)
    rows: list[dict] = []
    empty = 0
    for where, start, end, results in _walk(doc, name, kind, text):
        if not results:
            empty += 1
            continue
        for r, res in enumerate(results):
            w = _Where(name, where.page, where.bucket, r, text=text)
            if not isinstance(res, dict):
                raise w.error("", f"expected a result object, got {_show(res)}")
            rows.append({**to_row(res, w), "start": start, "end": end})
    warnings: list[str] = []
    if empty:
        warnings.append(f"{name}: skipped {empty} bucket(s) with no results (no usage in that period)")
    last = _pages_of(doc)[-1]  # _walk refused a report without pages
    if isinstance(last, dict) and last.get("has_more") is True:
        warnings.append(
            f"{name}: the last page says has_more=true (next_page {_show(last.get('next_page'))}); "
            "later buckets are not in this file"
        )
    frame = normalized(pd.DataFrame(rows)) if rows else normalized(empty_frame())
    if not rows:
        warnings.append(f"{name}: no {kind} results in the report")
    return ReadResult(format=fmt, frame=frame, warnings=warnings, per_request=False)


def _usage_row(res: dict, where: _Where) -> dict:
    row: dict[str, Any] = {col: _tokens(res, path, where) for path, col in _API_TOKENS.items()}
    row.update(
        model_raw=_dim(res, "model"),
        workspace=_dim(res, "workspace_id"),
        api_key=_dim(res, "api_key_id"),
        requests=np.nan,
        service_tier=_dim(res, "service_tier"),
        context_window=context_window_label(_dim(res, "context_window")),
    )
    return row


def read_admin_usage(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    return _read_report(text, name, "usage", ADMIN_USAGE, _usage_row)


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


def _cost_row(res: dict, where: _Where) -> dict:
    currency = res.get("currency")
    if not isinstance(currency, str) or currency.strip().upper() != "USD":
        raise where.error(
            "currency", f"expected USD, got {_show(currency)}; convert the report to US dollars first"
        )
    raw_type = _dim(res, "token_type")
    token_type = _API_TOKEN_TYPES.get(raw_type, raw_type) if raw_type is not pd.NA else pd.NA
    if token_type is pd.NA:
        token_type = _dim(res, "cost_type")
    return {
        "model_raw": _dim(res, "model"),
        "workspace": _dim(res, "workspace_id"),
        "service_tier": _dim(res, "service_tier"),
        "context_window": context_window_label(_dim(res, "context_window")),
        "token_type": "other" if token_type is pd.NA else token_type,
        "reported_cost_usd": _cents(res, where),
    }


def read_admin_cost(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    return _read_report(text, name, "cost", ADMIN_COST, _cost_row)


# --- the Usage & Cost Analytics API -----------------------------------------------------------

# group dimension -> normalized column (the actor, the team and the product are allocation keys)
_ANALYTICS_DIMS = {
    "model": "model_raw",
    "workspace_id": "workspace",
    "api_key_id": "api_key",
    "rbac_group_id": "project",
    "product": "task",
    "service_tier": "service_tier",
    "inference_geo": "inference_geo",
    "speed": "speed",
}


def _analytics_kind(doc: Any) -> str | None:
    """'usage' or 'cost' for an Analytics API page (rows with a `group` and `usage` or `cost`)."""
    seen = None
    for row in _buckets_for_detection(doc):
        if not isinstance(row.get("group"), dict) or "starting_at" not in row:
            return None
        seen = (
            "usage"
            if isinstance(row.get("usage"), dict)
            else "cost"
            if isinstance(row.get("cost"), dict)
            else None
        )
        if seen is None:
            return None
    return seen


def _actor(group: dict) -> Any:
    """Who incurred it: a user's e-mail (else id), a service account, or an API key's id."""
    a = group.get("actor")
    if not isinstance(a, dict):
        return pd.NA
    for key in ("email_address", "user_id", "service_account_id", "api_key_id"):
        if a.get(key):
            return str(a[key])
    return pd.NA


def _analytics_rows(
    text: str, name: str, kind: str, to_row: Callable[[dict, _Where], dict]
) -> tuple[list[dict], list[str]]:
    doc = _load_json(text, name)
    rows: list[dict] = []
    for where, start, end, _ in _walk(doc, name, kind, text, results=False):
        row = where.item
        group = row.get("group") or {}
        dims = {col: _dim(group, key) for key, col in _ANALYTICS_DIMS.items()}
        dims["context_window"] = context_window_label(_dim(group, "context_window"))
        rows.append({**dims, "user": _actor(group), **to_row(row, where), "start": start, "end": end})
    warnings = []
    last = _pages_of(doc)[-1]
    if isinstance(last, dict) and last.get("has_more") is True:
        warnings.append(f"{name}: the last page says has_more=true; later rows are not in this file")
    return rows, warnings


def _analytics_usage_row(row: dict, where: _Where) -> dict:
    usage = row["usage"]
    out: dict[str, Any] = {col: _tokens(usage, path, where.at("usage")) for path, col in _API_TOKENS.items()}
    n = usage.get("requests")
    out["requests"] = float(n) if isinstance(n, int | float) and not isinstance(n, bool) else np.nan
    return out


def _analytics_cost_row(row: dict, where: _Where) -> dict:
    cost, group = row["cost"], row.get("group") or {}
    if str(cost.get("currency", "")).strip().upper() != "USD":
        raise where.error("cost.currency", f"expected USD, got {_show(cost.get('currency'))}")
    token_type = _API_TOKEN_TYPES.get(str(group.get("token_type")), group.get("token_type"))
    return {
        "token_type": token_type or group.get("cost_type") or "other",
        "reported_cost_usd": _cents(cost, where.at("cost")),
    }


def _read_analytics(text: str, name: str, kind: str) -> ReadResult:
    to_row, fmt = (
        (_analytics_usage_row, ANALYTICS_USAGE) if kind == "usage" else (_analytics_cost_row, ANALYTICS_COST)
    )
    rows, warnings = _analytics_rows(text, name, kind, to_row)
    if not rows:
        warnings.append(f"{name}: no {kind} rows in the report")
    frame = normalized(pd.DataFrame(rows)) if rows else normalized(empty_frame())
    return ReadResult(format=fmt, frame=frame, warnings=warnings, per_request=False)


def read_analytics_usage(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    return _read_analytics(text, name, "usage")


def read_analytics_cost(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    return _read_analytics(text, name, "cost")


READERS = (
    Reader(
        ADMIN_USAGE, "Anthropic Admin API usage report (JSON)", "json", _detect_admin_usage, read_admin_usage
    ),
    Reader(ADMIN_COST, "Anthropic Admin API cost report (JSON)", "json", _detect_admin_cost, read_admin_cost),
    Reader(
        ANALYTICS_USAGE,
        "Anthropic Usage & Cost Analytics API usage (JSON)",
        "json",
        lambda doc: _analytics_kind(doc) == "usage",
        read_analytics_usage,
    ),
    Reader(
        ANALYTICS_COST,
        "Anthropic Usage & Cost Analytics API cost (JSON)",
        "json",
        lambda doc: _analytics_kind(doc) == "cost",
        read_analytics_cost,
    ),
)
