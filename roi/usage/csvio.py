"""Reading CSV exports the way they really arrive: BOM, `;` and decimal commas from European
Excel, tab-separated pastes, thousands separators and currency symbols, float-formatted integers,
quoted commas, blank rows and a hand-added Total row.

Everything is read as text first and converted column by column, so a bad cell is reported with
its file, row (as a spreadsheet shows it: header = row 1) and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi.errors import UsageFormatError, clip

DELIMITERS = (",", ";", "\t", "|")
_NUM_JUNK = re.compile(r"[\s$€£\u00a0\u202f']")


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    decimal: str  # "." or ","


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UsageFormatError(name, f"unreadable UTF-16 text ({exc.reason})") from None
    if b"\x00" in data[:4096]:
        raise UsageFormatError(name, "not a text file (binary data); expected a CSV or JSON export")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageFormatError(
            name,
            f"unreadable text encoding at byte {exc.start}; expected UTF-8 (save the export as CSV UTF-8)",
            row=line,
        ) from None


def sniff(header_line: str) -> Dialect:
    """Delimiter = the candidate that splits the header into the most fields (outside quotes)."""
    best, count = ",", 0
    for d in DELIMITERS:
        n = len(next(csv.reader([header_line], delimiter=d), []))
        if n > count:
            best, count = d, n
    # European Excel writes `;` with decimal commas
    return Dialect(best, "," if best == ";" else ".")


def read_text_table(text: str, name: str) -> tuple[pd.DataFrame, Dialect]:
    """All cells as strings, headers normalized to lower case. Row i of the frame is file row i + 2."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if not first.strip():
        raise UsageFormatError(name, "the file is empty; expected a header row", row=1)
    dialect = sniff(first)
    try:
        df = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")),
            sep=dialect.delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise UsageFormatError(
            name, f"not a well-formed CSV ({exc})", row=int(m.group(1)) if m else None
        ) from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    refuse_giant_cells(df, name)
    return df, dialect


MAX_CELL_CHARS = 100_000  # no export writes cells this long; a CSV bomb does


def refuse_giant_cells(df: pd.DataFrame, name: str, *, first_row: int = 2) -> None:
    """A cell longer than any export writes is refused with its row and column."""
    for column in df.columns:
        lengths = df[column].str.len()
        if lengths.max() > MAX_CELL_CHARS:
            i = int(np.flatnonzero((lengths > MAX_CELL_CHARS).to_numpy())[0])
            raise UsageFormatError(
                name,
                f"a cell of {int(lengths.iloc[i]):,} characters; exports write at most a few thousand",
                row=first_row + _pos(df, i),
                column=column,
            )


def iter_text_chunks(path: str, name: str, chunksize: int) -> Iterator[tuple[pd.DataFrame, Dialect]]:
    """Stream a big CSV in chunks of string cells; the index keeps counting rows across chunks."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    text_head = decode(head[: head.rfind(b"\n") + 1] or head, name)
    dialect = sniff(text_head.split("\n", 1)[0])
    reader = pd.read_csv(
        path,
        sep=dialect.delimiter,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=True,
        engine="c",
        chunksize=chunksize,
        encoding="utf-8-sig",
    )
    try:
        for chunk in reader:
            chunk.columns = [str(c).strip().lower() for c in chunk.columns]
            yield chunk, dialect
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise UsageFormatError(name, f"not a well-formed CSV ({exc})") from None


def drop_blank_and_total_rows(df: pd.DataFrame, warnings: list[str], name: str) -> pd.DataFrame:
    """Rows with every cell empty, and a hand-added "Total" row, are skipped with a warning.

    Only rows whose first cell is empty or says "Total" are examined cell by cell (fast on big files).
    """
    if df.empty:
        return df
    first = df.iloc[:, 0].astype(str).str.strip()
    suspect = (first == "") | first.str.lower().str.fullmatch(r"(grand\s+)?totals?:?")
    if not suspect.any():
        return df
    cells = df[suspect].astype(str).apply(lambda c: c.str.strip()).to_numpy()
    nonempty = cells != ""
    blank_rows = ~nonempty.any(axis=1)
    first_cell = np.where(nonempty.any(axis=1), cells[np.arange(len(cells)), nonempty.argmax(axis=1)], "")
    total_rows = (
        ~blank_rows & pd.Series(first_cell).str.lower().str.fullmatch(r"(grand\s+)?totals?:?").to_numpy()
    )
    idx = df.index[suspect]
    blank = pd.Series(False, index=df.index)
    total = pd.Series(False, index=df.index)
    blank[idx[blank_rows]] = True
    total[idx[total_rows]] = True
    if blank.any():
        warnings.append(f"{name}: skipped {int(blank.sum())} blank row(s)")
    if total.any():
        rows = ", ".join(str(i + 2) for i in df.index[total][:3])
        warnings.append(f"{name}: skipped a total row (row {rows}); totals are recomputed from the data")
    return df[~blank & ~total]


def numbers(
    df: pd.DataFrame,
    column: str,
    name: str,
    dialect: Dialect,
    *,
    first_row: int = 2,
    allow_negative: bool = False,
    required: bool = True,
) -> pd.Series:
    """Parse a text column to floats: '1.234,56', '$1,234.56', '267,751', '59200.0', '' (→ 0 or NaN)."""
    if column not in df:
        if required:
            raise UsageFormatError(name, "required column is missing", column=column)
        return pd.Series(np.nan, index=df.index)
    raw = df[column].astype(str).str.strip()
    s = raw.str.replace(_NUM_JUNK, "", regex=True)
    if dialect.decimal == ",":
        # European Excel: "1.234,56" and "1.234" use dots for thousands; "12.50" is still a decimal
        comma = s.str.contains(",", regex=False)
        thousands = s.str.fullmatch(r"-?\d{1,3}(\.\d{3})+")
        s = s.where(~(comma | thousands), s.str.replace(".", "", regex=False)).str.replace(
            ",", ".", regex=False
        )
    else:
        s = s.str.replace(",", "", regex=False)
    neg_paren = s.str.startswith("(") & s.str.endswith(")")
    s = s.where(~neg_paren, "-" + s.str.strip("()"))
    empty = s.isin(["", "-", "—", "null", "None", "NaN", "nan"])
    out = pd.to_numeric(s.where(~empty, None), errors="coerce")
    bad = out.isna() & ~empty
    if bad.any():
        raise cell_error(df, raw, bad, name, column, "a number", first_row=first_row)
    if not allow_negative and (out < 0).any():
        raise cell_error(df, raw, out < 0, name, column, "a non-negative number", first_row=first_row)
    return out.astype("float64")


def _pos(df: pd.DataFrame, i: int) -> int:
    """Row offset in the original file: the frame keeps the file's row order in its index."""
    idx = df.index[i]
    return int(idx) if isinstance(idx, int | np.integer) else i


def row_of(df: pd.DataFrame, mask: pd.Series | np.ndarray) -> int:
    """The spreadsheet row (header = row 1) of the first row where mask is true."""
    return 2 + _pos(df, int(np.flatnonzero(np.asarray(mask))[0]))


def cell_error(
    df: pd.DataFrame,
    raw: pd.Series,
    bad: pd.Series | np.ndarray,
    name: str,
    column: str,
    expected: str,
    *,
    first_row: int = 2,
) -> UsageFormatError:
    """“expected <expected>, got “<cell>”” for the first bad cell, with its row and column."""
    i = int(np.flatnonzero(np.asarray(bad))[0])
    return UsageFormatError(
        name, f"expected {expected}, got “{clip(raw.iloc[i])}”", row=first_row + _pos(df, i), column=column
    )


def timestamps(
    df: pd.DataFrame, column: str, name: str, *, first_row: int = 2, unit: str | None = None
) -> pd.Series:
    """ISO dates/times (naive = UTC) or Unix seconds (unit='s') to UTC timestamps."""
    if column not in df:
        raise UsageFormatError(name, "required column is missing", column=column)
    raw = df[column].astype(str).str.strip()
    if unit:
        nums = pd.to_numeric(raw.str.replace(",", "", regex=False), errors="coerce")
        out = pd.to_datetime(nums, unit=unit, utc=True, errors="coerce")
    else:
        out = pd.to_datetime(raw, utc=True, errors="coerce", format="mixed")
    bad = out.isna()
    if bad.any():
        raise cell_error(df, raw, bad, name, column, "a date/time", first_row=first_row)
    return out.astype("datetime64[ns, UTC]")


def require_columns(
    df: pd.DataFrame,
    columns: list[str] | tuple[str, ...],
    name: str,
    fmt: str,
    *,
    message: str | None = None,
) -> None:
    """The first absent column refuses the file; `message` replaces the default wording."""
    for c in columns:
        if c not in df.columns:
            raise UsageFormatError(
                name, message or f"required column is missing (expected in {fmt} files)", column=c
            )


def strings(df: pd.DataFrame, column: str) -> pd.Series:
    """A text column stripped, empty cells as <NA>; an absent column is all <NA>."""
    if column not in df:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    s = df[column].astype("string").str.strip()
    return s.mask(s == "")
