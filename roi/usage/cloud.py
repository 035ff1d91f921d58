"""Claude on a cloud bill: AWS Cost and Usage Report 2.0 lines for Amazon Bedrock, and the Google
Cloud billing export lines for Claude on Vertex AI, as CSV or Parquet.

What the readers rely on, from the providers' documentation:
- CUR 2.0 (AWS Data Exports, standard table): `line_item_usage_start_date` / `_end_date`,
  `line_item_line_item_type`, `line_item_product_code` (`AmazonBedrock`, `AmazonBedrockService`),
  `line_item_usage_type`, `line_item_usage_amount`, `pricing_unit`, `line_item_unblended_cost` and
  `line_item_net_unblended_cost`, `line_item_currency_code`, `line_item_usage_account_id`,
  `line_item_resource_id`, and the map columns `product` and `resource_tags` (JSON text in CSV,
  maps in Parquet; an activated tag `matter` is `user_matter`). Bedrock's usage types read
  `{region}-{model}-{token type}[-{tier}]`, e.g. `USE1-Claude4.6Sonnet-cache-read-input-token-count`
  or `…-output-tokens-cross-region-global` (Bedrock user guide, "Understanding your Amazon Bedrock
  Cost and Usage Report data"); Claude sold through AWS Marketplace ("Amazon Bedrock Edition")
  reads `USE1-MP:USE1_CacheWrite1hInputTokenCount-Units`, its model in `product['product_name']`.
- The Cloud Billing export (BigQuery schema; a CSV of it has dotted headers, `service.description`,
  `sku.description`, `usage.amount`, and `labels` / `credits` as JSON lists): Claude's SKUs read
  `Claude Sonnet 4.6 — Input Cache Read Tokens — global — Context Window Size from 0 to 200000
  Tokens`; `cost` is in `currency`, `currency_conversion_rate` per US dollar, credits negative.

The cost is the billed cost (net of discounts where the file has the net column): each line is a
bill line for reconciliation. Tokens are read where the line states them: in a unit the reader
knows (`pricing_unit` "1K tokens", "1M tokens", tokens; Google's `usage.unit` "count" of a token
SKU); other units keep the cost and say the tokens are unknown. Lines that are not Claude (EC2,
other Bedrock models, other Google services) are skipped and counted; tax is left out (catalog
prices are before tax) with its total. Allocation keys: AWS account and Google project →
workspace; an application inference profile → api_key; tags and labels as OpenTelemetry's keys
(`matter`/`tag` → tag, `user`, `project`/`team` → project, `task`, `workspace`); the IAM principal
→ user. Gzipped CUR files are read once unpacked (`gunzip`).

Over 300 lines: two bills that share the token words, the units, the tag keys and the Parquet path.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import numpy as np
import pandas as pd

from roi.errors import UsageFormatError, clip
from roi.usage.csvio import Dialect, numbers, read_text_table, require_columns, row_of, strings, timestamps
from roi.usage.otel import KEYS
from roi.usage.reader import Reader
from roi.usage.schema import GROUP_COLUMNS, ReadResult, normalized

AWS = "aws-cur-bedrock"
GCP = "gcp-billing-vertex"
BEDROCK_CODES = {"amazonbedrock", "amazonbedrockservice"}
_TOKEN_COLUMN = {
    "input_no_cache": "input_tokens",
    "input_cache_write_5m": "cache_write_5m_tokens",
    "input_cache_write_1h": "cache_write_1h_tokens",
    "input_cache_read": "cache_read_tokens",
    "output": "output_tokens",
}
_USAGE_LINES = {"usage", "discountedusage", "savingsplancoveredusage"}
_DOT = Dialect(",", ".")  # Parquet, and a CSV written by an export
_MAX_PARQUET_ROWS = 20_000_000  # a bill this long is a lake, not a bill


# ------------------------------------------------------------------ shared by both bills


def _token_type(words: str) -> str | None:
    """The bill's token kind in the cost vocabulary, from words like 'cache-write-1h-input-token'."""
    w = words.lower()
    if "cache" in w and "read" in w:
        return "input_cache_read"
    if "cache" in w and "write" in w:
        return "input_cache_write_1h" if re.search(r"1h|3600|1-?hour", w) else "input_cache_write_5m"
    if "output" in w:
        return "output"
    if "input" in w:
        return "input_no_cache"
    return None


def _unit_factor(unit: Any, count_is_tokens: bool) -> float | None:
    """Tokens per unit of usage, or None when the unit is not one the reader knows for tokens."""
    u = re.sub(r"\s+", " ", str(unit or "").strip().lower())
    if u in ("token", "tokens") or (count_is_tokens and u == "count"):
        return 1.0
    m = re.fullmatch(r"(1 ?k|1,?000|thousand) tokens?", u)
    if m:
        return 1e3
    m = re.fullmatch(r"(1 ?m|1,?000,?000|million) tokens?", u)
    return 1e6 if m else None


def _stated_tokens(
    df: pd.DataFrame,
    name: str,
    dialect: Dialect,
    columns: tuple[str, str],
    lines: pd.Series,
    warnings: list[str],
    *,
    count_is_tokens: bool = False,
) -> pd.Series:
    """Tokens of each usage line (`lines`) from its amount and unit columns, NaN where the unit is
    not a token unit the reader knows (said once in `warnings`: the cost is kept, not the tokens)."""
    amount_col, unit_col = columns
    amount = numbers(df, amount_col, name, dialect, required=False, allow_negative=True)
    units = strings(df, unit_col).fillna("")
    factor = pd.Series([_unit_factor(u, count_is_tokens) for u in units], index=df.index, dtype="float64")
    tokens = (amount * factor).where(lines)
    unknown = lines & tokens.isna()
    if unknown.any():
        seen = ", ".join(sorted({f"“{u}”" for u in units[unknown]}))
        warnings.append(
            f"{name}: {int(unknown.sum())} line(s) in {unit_col} {seen}, not a token unit the reader "
            "knows: their cost is read, their tokens are not"
        )
    return tokens


def _keys(attrs: dict[str, str]) -> dict[str, Any]:
    """Allocation keys from tags or labels (the first name that gives each, as OpenTelemetry)."""
    out: dict[str, Any] = {}
    for column, names in KEYS.items():
        for n in names:
            if attrs.get(n):
                out[column] = attrs[n]
                break
    return out


def _json_cell(value: Any, name: str, row: int, column: str) -> Any:
    if value in (None, "") or (isinstance(value, float) and np.isnan(value)):
        return None
    if not isinstance(value, str):
        return value  # a Parquet map or list, already Python
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise UsageFormatError(
            name, f"expected JSON text, got “{clip(value)}”", row=row, column=column
        ) from None


def _pairs(value: Any) -> dict[str, str]:
    """A map as {key: value}: a JSON object, a list of {key, value} (Google), or Parquet's
    list of (key, value) pairs (a map column)."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple | np.ndarray):
        items = []
        for v in value:
            if isinstance(v, dict) and "key" in v:
                items.append((v.get("key"), v.get("value")))
            elif isinstance(v, list | tuple) and len(v) == 2:
                items.append((v[0], v[1]))
    else:
        return {}
    return {str(k).strip().lower(): str(v).strip() for k, v in items if k is not None and v not in (None, "")}


def _tag_keys(tags: dict[str, str]) -> dict[str, str]:
    """AWS tag keys without their prefixes: `user_matter`, `user:matter`, `resourceTags/user:matter`."""
    return {re.sub(r"^user[_:]", "", k.rsplit("/", 1)[-1]): v for k, v in tags.items()}


def _usage_and_bill(bill: pd.DataFrame, tokens: pd.Series) -> pd.DataFrame:
    """Each bill line once as a cost row (its token type and billed cost) and, where the line
    states its tokens, once as a usage row (the tokens, priced by the catalog)."""
    usage = bill[tokens.notna() & bill["token_type"].isin(list(_TOKEN_COLUMN))].copy()
    for tt, column in _TOKEN_COLUMN.items():
        usage[column] = tokens[usage.index].where(usage["token_type"] == tt, 0.0)
    usage["token_type"] = pd.NA
    usage["reported_cost_usd"] = np.nan
    return pd.concat([bill, usage], ignore_index=True)


def _result(fmt: str, out: pd.DataFrame, warnings: list[str], notes: list[str]) -> ReadResult:
    if out.empty:
        warnings.append("no Claude lines in the bill")
    return ReadResult(fmt, normalized(out), warnings, per_request=False, notes=notes)


def _skipped(name: str, n: int, what: str) -> list[str]:
    return [f"{name}: skipped {n} line(s) that are not Claude ({what})"] if n else []


def _tax(name: str, tax: pd.Series) -> list[str]:
    if not len(tax):
        return []
    return [f"{name}: left out {len(tax)} tax line(s), ${tax.sum():,.2f}: catalog prices are before tax"]


# ------------------------------------------------------------------ AWS CUR 2.0 (Amazon Bedrock)

_REGION = re.compile(r"^[A-Z]{2,4}\d?-")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_OLD_NAME = re.compile(r"^claude[- ]?(?P<v>\d+(?:\.\d+)?)[- ]?(?P<family>opus|sonnet|haiku|instant)$", re.I)


def _bedrock_model(part: str) -> str:
    """`Claude4.6Sonnet` → `Claude Sonnet 4.6`, `Claude3.5Sonnet` → `Claude 3.5 Sonnet` (the names
    the catalog knows); Bedrock model ids (`anthropic.claude-opus-4-8`) as written."""
    m = _OLD_NAME.match(part.strip())
    if not m:
        return part.strip()
    v, family = m.group("v"), m.group("family").capitalize()
    return f"Claude {family} {v}" if float(v) >= 4 else f"Claude {v} {family}"


def _parse_usage_type(usage_type: str) -> tuple[str | None, str | None, str | None]:
    """(model or None, token type, service tier) of a Bedrock usage type."""
    rest = _REGION.sub("", usage_type.strip(), count=1)
    marketplace = rest.upper().startswith("MP:")
    if marketplace:  # MP:USE1_CacheWrite1hInputTokenCount-Units, MP:USE1_input_tokens_global_standard-Units
        rest = re.sub(r"^MP:[A-Z]{2,4}\d?_", "", rest, flags=re.I)
        rest = re.sub(r"-units$", "", rest, flags=re.I)
    words = _CAMEL.sub("-", rest).replace("_", "-").lower() if marketplace else rest.lower()
    found = re.search(r"(^|-)(input|output|cache)(-|\d|$)", words)
    if not found:
        return None, None, None
    model = None if marketplace else re.sub(r"-mantle$", "", rest[: found.start()].strip("-"), flags=re.I)
    tail = words[found.start() :]
    tier = next((t for t in ("batch", "priority", "flex") if re.search(rf"(^|-){t}($|-)", tail)), "standard")
    return (_bedrock_model(model) if model else None), _token_type(tail), tier


def detect_aws(columns: set[str]) -> bool:
    return {"line_item_usage_type", "line_item_unblended_cost", "line_item_usage_start_date"} <= columns


def read_aws(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    df, dialect = read_text_table(text, name)
    return read_aws_frame(df, name, dialect)


def read_aws_frame(df: pd.DataFrame, name: str, dialect: Dialect = _DOT) -> ReadResult:
    required = ("line_item_usage_start_date", "line_item_usage_type", "line_item_unblended_cost")
    require_columns(df, required, name, "AWS Cost and Usage Report 2.0")
    df = df[~(df.apply(lambda c: c.astype(str).str.strip()) == "").all(axis=1)]
    warnings: list[str] = []
    product = [
        _pairs(_json_cell(v, name, i + 2, "product"))
        for i, v in zip(df.index, _col(df, "product"), strict=True)
    ]
    product_name = pd.Series([p.get("product_name", "") for p in product], index=df.index, dtype="string")
    if "product_product_name" in df:
        product_name = product_name.mask(product_name == "", strings(df, "product_product_name"))
    usage_type = strings(df, "line_item_usage_type").fillna("")
    code = strings(df, "line_item_product_code").fillna("").str.lower()
    parsed = [_parse_usage_type(u) for u in usage_type]
    model = pd.Series([p[0] for p in parsed], index=df.index, dtype="string")
    mp_name = product_name.str.replace(r"\s*\(amazon bedrock edition\)\s*$", "", regex=True, case=False)
    marketplace = usage_type.str.contains("MP:", case=False, regex=False) & mp_name.str.contains(
        "claude", case=False
    ).fillna(False)
    model = model.mask(marketplace, mp_name)
    cost = numbers(df, "line_item_unblended_cost", name, dialect, allow_negative=True)
    if "line_item_net_unblended_cost" in df:
        net = numbers(df, "line_item_net_unblended_cost", name, dialect, allow_negative=True, required=False)
        cost = net.where(net.notna(), cost)
    line_type = strings(df, "line_item_line_item_type").fillna("Usage").str.lower()
    tax = (line_type == "tax") & (code.isin(BEDROCK_CODES) | marketplace)
    warnings += _tax(name, cost[tax])
    claude = (
        ~tax
        & (code.isin(BEDROCK_CODES) | marketplace)
        & model.str.contains("claude", case=False).fillna(False)
    )
    warnings += _skipped(name, int((~claude & ~tax).sum()), "other services and models")
    df, model, cost, line_type = df[claude], model[claude], cost[claude], line_type[claude]
    parsed = [p for p, keep in zip(parsed, claude, strict=True) if keep]
    currency = strings(df, "line_item_currency_code").fillna("USD").str.upper()
    if (currency != "USD").any():
        bad = currency != "USD"
        raise UsageFormatError(
            name,
            f"cost in “{currency[bad].iloc[0]}”; only USD bills can be read",
            row=row_of(df, bad),
            column="line_item_currency_code",
        )
    is_usage = line_type.isin(_USAGE_LINES)
    token_type = pd.Series([p[1] for p in parsed], index=df.index, dtype="string")
    token_type = token_type.where(is_usage, line_type).fillna("other")
    tags = [
        _tag_keys(
            {
                **_pairs(_json_cell(t, name, i + 2, "resource_tags")),
                **_pairs(_json_cell(g, name, i + 2, "tags")),
            }
        )
        for i, t, g in zip(df.index, _col(df, "resource_tags"), _col(df, "tags"), strict=True)
    ]
    keys = pd.DataFrame([_keys(t) for t in tags], index=df.index, columns=list(KEYS)).astype("string")
    resource = strings(df, "line_item_resource_id")
    profile = resource.str.extract(r"application-inference-profile/([^/\s]+)", expand=False)
    principal = strings(df, "line_item_iam_principal").str.extract(r"([^/:]+)$", expand=False)
    bill = pd.DataFrame(
        {
            "start": timestamps(df, "line_item_usage_start_date", name),
            "end": timestamps(df, "line_item_usage_end_date", name)
            if "line_item_usage_end_date" in df
            else pd.NaT,
            "model_raw": model,
            "workspace": keys["workspace"].fillna(strings(df, "line_item_usage_account_id")),
            "api_key": profile,
            "project": keys["project"],
            "user": keys["user"].fillna(principal),
            "tag": keys["tag"],
            "task": keys["task"],
            "service_tier": pd.Series([p[2] for p in parsed], index=df.index, dtype="string"),
            "inference_geo": pd.Series("global", index=df.index, dtype="string").where(
                strings(df, "line_item_usage_type").str.contains("global", case=False)
            ),
            "token_type": token_type,
            "reported_cost_usd": cost,
        },
        df.index,
    )
    tokens = _stated_tokens(df, name, dialect, ("line_item_usage_amount", "pricing_unit"), is_usage, warnings)
    notes = ["the billed cost is line_item_net_unblended_cost where the file has it, else the unblended cost"]
    return _result(AWS, _usage_and_bill(bill, tokens), warnings, notes)


def _col(df: pd.DataFrame, column: str) -> pd.Series:
    return df[column] if column in df else pd.Series(None, index=df.index, dtype=object)


# ------------------------------------------------------------------ Google Cloud billing export (Vertex AI)

_SKU_SPLIT = re.compile(r"\s+[—–-]\s+")
_SKU_OLD = re.compile(r"^(?P<model>claude .+?)\s+(?P<kind>(input|output|cache|prompt|batch)\b.*)$", re.I)


def _sku(description: str) -> tuple[str | None, str | None, str, Any, Any]:
    """(model, token type, service tier, context band, location) of a Claude SKU description."""
    parts = _SKU_SPLIT.split(description.strip())
    if len(parts) == 1:
        m = _SKU_OLD.match(parts[0])
        parts = [m.group("model"), m.group("kind")] if m else parts
    model = re.sub(r"(\d+) (\d+)$", r"\1.\2", parts[0].strip()) if parts else None
    kind = parts[1] if len(parts) > 1 else ""
    rest = " ".join(parts[1:]).lower()
    tier = "batch" if "batch" in rest else "standard"
    band: Any = pd.NA
    m = re.search(r"from (\d+) to (\d+)", rest)
    if m:
        band = "0-200k" if int(m.group(1)) == 0 else ">200k"
    where = parts[2].strip().lower() if len(parts) > 2 and "context" not in parts[2].lower() else pd.NA
    return model, _token_type(kind), tier, band, where


def detect_gcp(columns: set[str]) -> bool:
    cols = {c.replace(".", "_") for c in columns}
    return {"sku_description", "usage_start_time", "cost"} <= cols and "service_description" in cols


def read_gcp(text: str, name: str, mapping: dict[str, str] | None = None) -> ReadResult:
    df, dialect = read_text_table(text, name)
    return read_gcp_frame(df, name, dialect)


def read_gcp_frame(df: pd.DataFrame, name: str, dialect: Dialect = _DOT) -> ReadResult:
    df = df.rename(columns=lambda c: c.replace(".", "_"))
    require_columns(df, ("usage_start_time", "sku_description", "cost"), name, "Google Cloud billing export")
    df = df[~(df.apply(lambda c: c.astype(str).str.strip()) == "").all(axis=1)]
    warnings: list[str] = []
    sku = strings(df, "sku_description").fillna("")
    claude = sku.str.contains("claude", case=False) | strings(df, "service_description").str.contains(
        "claude", case=False
    ).fillna(False)
    kind = strings(df, "cost_type").fillna("regular").str.lower()
    tax = claude & (kind == "tax")
    warnings += _skipped(name, int((~claude).sum()), "other Google Cloud services")
    keep = claude & ~tax
    cost = numbers(df, "cost", name, dialect, allow_negative=True)
    currency = strings(df, "currency").fillna("USD").str.upper()
    rate = numbers(df, "currency_conversion_rate", name, dialect, required=False)
    foreign = currency != "USD"
    if (foreign & ~(rate > 0)).any():
        bad = foreign & ~(rate > 0)
        raise UsageFormatError(
            name,
            f"cost in “{currency[bad].iloc[0]}” without a currency_conversion_rate; expected USD or the rate",
            row=row_of(df, bad),
            column="currency_conversion_rate",
        )
    usd = cost.where(~foreign, cost / rate)  # the rate is local currency per US dollar
    warnings += _tax(name, usd[tax])
    df, sku, usd, kind, rate, foreign = (x[keep] for x in (df, sku, usd, kind, rate, foreign))
    parsed = [_sku(s) for s in sku]
    regular = kind == "regular"
    token_type = pd.Series([p[1] for p in parsed], index=df.index, dtype="string")
    token_type = token_type.where(regular, kind).fillna("other")
    labels = [
        _pairs(_json_cell(v, name, i + 2, "labels"))
        for i, v in zip(df.index, _col(df, "labels"), strict=True)
    ]
    keys = pd.DataFrame([_keys(v) for v in labels], index=df.index, columns=list(KEYS)).astype("string")
    dims = {
        "start": timestamps(df, "usage_start_time", name),
        "end": timestamps(df, "usage_end_time", name) if "usage_end_time" in df else pd.NaT,
        "model_raw": pd.Series([p[0] for p in parsed], index=df.index, dtype="string"),
        "workspace": keys["workspace"].fillna(strings(df, "project_id")),
        **{g: keys[g] for g in GROUP_COLUMNS if g in ("project", "user", "tag", "task")},
        "service_tier": pd.Series([p[2] for p in parsed], index=df.index, dtype="string"),
        "context_window": pd.Series([p[3] for p in parsed], index=df.index, dtype="string"),
        "inference_geo": pd.Series([p[4] for p in parsed], index=df.index, dtype="string"),
    }
    bill = pd.DataFrame({**dims, "token_type": token_type, "reported_cost_usd": usd}, df.index)
    credits = [
        sum(
            float(c.get("amount") or 0)
            for c in (_json_cell(v, name, i + 2, "credits") or [])
            if isinstance(c, dict)
        )
        for i, v in zip(df.index, _col(df, "credits"), strict=True)
    ]
    credit = pd.Series(credits, index=df.index, dtype="float64")
    credit = credit.where(~foreign, credit / rate)
    credit_rows = bill[credit != 0].assign(token_type="credit", reported_cost_usd=credit[credit != 0])
    tokens = _stated_tokens(
        df, name, dialect, ("usage_amount", "usage_unit"), regular, warnings, count_is_tokens=True
    )
    out = _usage_and_bill(bill, tokens)
    notes = ["credits are their own bill lines (token type credit), so the bill adds up net of them"]
    return _result(GCP, pd.concat([out, credit_rows], ignore_index=True), warnings, notes)


# ------------------------------------------------------------------ Parquet


def parquet_bill(columns: list[str]) -> str | None:
    """AWS or GCP when a Parquet file's columns are a cloud bill's, else None."""
    names = {n.lower() for n in columns}
    if detect_aws(names):
        return AWS
    if {"sku", "service", "usage_start_time", "cost"} <= names:
        return GCP
    return None


def read_parquet_bill(data: bytes, name: str) -> ReadResult:
    """A bill in Parquet: structs flattened to dotted names, maps and lists as Python values,
    the rest as text, then read as its CSV."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fmt = parquet_bill(pq.read_schema(io.BytesIO(data)).names)
    if fmt is None:
        raise UsageFormatError(
            name,
            "a Parquet file that is neither a CUR 2.0, a Google Cloud billing export nor an "
            "OpenTelemetry span table",
        )
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    if meta.num_rows > _MAX_PARQUET_ROWS or meta.num_rows > 10 * max(len(data), 1):
        raise UsageFormatError(name, f"{meta.num_rows:,} rows in {len(data):,} bytes; not a bill")
    table = pq.read_table(io.BytesIO(data))
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    columns = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        values = column.to_pylist()
        nested = pa.types.is_map(field.type) or pa.types.is_list(field.type)
        columns[field.name.lower()] = values if nested else ["" if v is None else str(v) for v in values]
    df = pd.DataFrame(columns, dtype=object)
    return read_aws_frame(df, name) if fmt == AWS else read_gcp_frame(df, name)


READERS = (
    Reader(AWS, "AWS Cost and Usage Report 2.0, Amazon Bedrock lines (CSV)", "csv", detect_aws, read_aws),
    Reader(GCP, "Google Cloud billing export, Vertex AI Claude lines (CSV)", "csv", detect_gcp, read_gcp),
)
