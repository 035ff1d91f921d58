"""Reading a JSON document people hand us: a broken one is refused with the line and column where
it breaks, in the error type of whoever asked (scenario, eval set, usage file, report)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

TOO_DEEP = "JSON nested more deeply than any export or scenario is (hundreds of levels of [ or {)"


def loads(text: str, error: Callable[[str], Exception]) -> Any:
    """`json.loads`, or `error("not valid JSON (line L, column C: why)")` raised."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:  # a JSON bomb: Python's parser gives up at its recursion limit
        raise error(TOO_DEEP) from None


def loads_pages(text: str, error: Callable[[str], Exception]) -> Any:
    """One JSON document, or several written one after another (API pages saved as JSON lines, or
    concatenated): then the list of them. Lines and columns count from the file's first line."""

    def broken(exc: json.JSONDecodeError) -> Exception:
        return error(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise broken(exc) from None
    except RecursionError:
        raise error(TOO_DEEP) from None
    docs, dec, i, gap = [], json.JSONDecoder(), 0, " \t\r\n,"
    while i < len(text):
        while i < len(text) and text[i] in gap:
            i += 1
        if i == len(text):
            break
        try:
            obj, i = dec.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise broken(exc) from None
        except RecursionError:
            raise error(TOO_DEEP) from None
        docs.append(obj)
    return docs
