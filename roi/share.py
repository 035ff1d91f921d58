"""Share links: a scenario in the URL, short enough to paste into an e-mail.

Two kinds of link, both opening on the app's first page (the Overview):

- a saved revision (`?scenario=<name>&rev=<n>&sum=<fingerprint>[&ws=<workspace>]`): a few dozen
  characters; it opens for a member of its workspace on the same app (and so the same store), it
  opens nothing for anyone else, and the fingerprint refuses it if that revision was deleted and
  the name reused for something else;
- the scenario itself (`?s=<token>`): works for any scenario, saved or not. The token is the
  scenario document made compact: default values dropped, whole numbers written without ".0",
  short key names, raw deflate primed with a fixed dictionary of the words every scenario uses,
  base64 for URLs, and a leading version letter. Links made before (zlib + base64 of the full
  JSON, always starting with "e") still open.

Decoding treats a link as hostile input: bounded size, bounded decompression, JSON only (never
unpickled), then the same validation as an uploaded file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from roi.errors import RoiError, ScenarioError
from roi.jsondoc import TOO_DEEP, loads
from roi.scenario import Scenario, parse_scenario

PARAM = "s"  # the scenario itself
SAVED_PARAM, REVISION_PARAM, SUM_PARAM = "scenario", "rev", "sum"  # a saved revision
WORKSPACE_PARAM = "ws"  # the workspace a saved revision is in (absent: the default one)
PARAMS = (PARAM, SAVED_PARAM, REVISION_PARAM, SUM_PARAM, WORKSPACE_PARAM)
MAX_PARAM_CHARS = 60_000
MAX_JSON_BYTES = 2_000_000
MAX_NAME_CHARS = 200

VERSION = "2"  # first character of a compact token; a version-1 token starts with "e" (zlib's 0x78)
# Never edit these three: links already sent decode with them. A new layout gets a new VERSION.
_TOP_KEYS = {
    "name": "n",
    "illustrative": "i",
    "price_date": "d",
    "horizon_months": "h",
    "one_time_cost": "o",
    "monthly_cost": "m",
    "staff_cost_per_hour": "s",
    "volume_growth_per_month": "g",
    "models": "M",
    "baseline": "b",
    "tasks": "t",
    "provenance": "p",
}
_TASK_KEYS = {
    "name": "n",
    "requests_per_month": "r",
    "input_tokens": "i",
    "cache_write_tokens": "w",
    "cache_write_1h_tokens": "W",
    "cache_read_tokens": "c",
    "output_tokens": "o",
    "interactive": "I",
    "error_cost": "e",
    "accuracy": "a",
    "latency_s": "l",
    "routing": "R",
    "accuracy_floor": "f",
    "latency_ceiling_s": "L",
    "batch": "B",
    "complexity": "x",
    "baseline_routing": "br",
}
_DICTIONARY = (
    b'"claude-3-5-haiku-latest""claude-opus-4-5""claude-opus-4-6""claude-sonnet-4-6""claude-opus-4-1"'
    b'"claude-sonnet-4-5""claude-haiku-4-5"{"ttft_s":1,"output_tokens_per_s":,"discount":0.'
    b'"input":,"output":,"cache_write":,"cache_read":,"cache_write_1h":'
    b'"assumed","measured","imported","catalog","note":"illustrative demo","n":'
    b'"b":{"model":"claude-opus-4-1"},"t":[{"n":"","r":,"i":,"c":,"o":,'
    b'"I":true,"e":,"a":{"claude-haiku-4-5":0.9,"claude-sonnet-4-5":0.9,"claude-opus-4-1":0.9},'
    b'"R":{"cascade":["claude-haiku-4-5","claude-sonnet-4-5"],"escalation_rate":0.1},'
    b'"R":{"claude-sonnet-4-5":0.8,"claude-haiku-4-5":1},"f":0.9,"x":"medium"},{"n":"'
)
# Values equal to what parse_scenario assumes when a key is missing: left out of a compact token.
_TOP_DEFAULTS: dict[str, Any] = {
    "horizon_months": 24,
    "one_time_cost": 0,
    "monthly_cost": 0,
    "staff_cost_per_hour": 0,
    "volume_growth_per_month": 0,
}
_TASK_DEFAULTS: dict[str, Any] = {
    "input_tokens": 0,
    "cache_write_tokens": 0,
    "cache_write_1h_tokens": 0,
    "cache_read_tokens": 0,
    "output_tokens": 0,
    "interactive": False,
    "error_cost": 0,
    "accuracy": {},
    "complexity": "routine",
    "batch": False,
}


def _whole(v: Any) -> Any:
    """10000.0 -> 10000, recursively (parsing turns numbers back into floats)."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if isinstance(v, dict):
        return {k: _whole(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_whole(x) for x in v]
    return v


def _drop(d: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in d.items()
        if not (k in defaults and type(v) is type(defaults[k]) and v == defaults[k])
    }


def _rename(d: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    return {keys.get(k, k): v for k, v in d.items()}


def compact(doc: dict[str, Any]) -> dict[str, Any]:
    """The scenario document with defaults dropped and short keys (what a compact token holds)."""
    doc = _whole(doc)
    out = _drop(doc, _TOP_DEFAULTS)
    if isinstance(out.get("models"), dict):
        out["models"] = {
            m: _drop(d, {"discount": 0}) if isinstance(d, dict) else d for m, d in out["models"].items()
        }
    if isinstance(out.get("tasks"), list):
        out["tasks"] = [
            _rename(_drop(t, _TASK_DEFAULTS), _TASK_KEYS) if isinstance(t, dict) else t for t in out["tasks"]
        ]
    return _rename(out, _TOP_KEYS)


def expand(doc: Any) -> Any:
    """Long keys again (the defaults are parse_scenario's own)."""
    if not isinstance(doc, dict):
        return doc
    top = {v: k for k, v in _TOP_KEYS.items()}
    task = {v: k for k, v in _TASK_KEYS.items()}
    out = _rename(doc, top)
    if isinstance(out.get("tasks"), list):
        out["tasks"] = [_rename(t, task) if isinstance(t, dict) else t for t in out["tasks"]]
    return out


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def encode(s: Scenario) -> str:
    """The scenario as a compact URL-safe token (see the module docstring)."""
    raw = json.dumps(compact(s.to_dict()), separators=(",", ":"), ensure_ascii=False).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zdict=_DICTIONARY)
    return VERSION + _b64(packer.compress(raw) + packer.flush())


def _inflate(packed: bytes, unpacker: Any) -> bytes:
    raw = unpacker.decompress(packed, MAX_JSON_BYTES)
    if unpacker.unconsumed_tail or not unpacker.eof:
        raise ScenarioError("share link: the scenario in the link is damaged or too large")
    return raw


def _damaged(why: str) -> ScenarioError:
    return ScenarioError(f"share link: the link is damaged ({why})")


def decode(param: str) -> Scenario:
    if len(param) > MAX_PARAM_CHARS:
        raise ScenarioError("share link: the scenario in the link is too long")
    try:
        if param.startswith(VERSION):
            packed = base64.urlsafe_b64decode(param[1:] + "=" * (-len(param[1:]) % 4))
            raw = _inflate(packed, zlib.decompressobj(-15, zdict=_DICTIONARY))
            doc = expand(loads(raw.decode("utf-8"), _damaged))
        elif param.startswith("e"):  # version 1: zlib of the full JSON
            packed = base64.urlsafe_b64decode(param + "=" * (-len(param) % 4))
            doc = loads(_inflate(packed, zlib.decompressobj()).decode("utf-8"), _damaged)
        else:
            raise ValueError("unknown link version")
    except RecursionError:  # nested just under the parser's limit, too deep to expand
        raise ScenarioError(f"share link: {TOO_DEEP}") from None
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ScenarioError("share link: the link is damaged (it does not decode to a scenario)") from None
    try:
        return parse_scenario(doc)
    except ScenarioError as exc:
        raise ScenarioError(f"share link: {exc}") from None


# --- links to a saved revision -------------------------------------------------------------------


def fingerprint(s: Scenario) -> str:
    """Eight hex digits of the scenario's content: a saved-revision link checks it on opening."""
    canonical = json.dumps(s.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class SavedLink:
    """A link naming revision `revision` of the saved scenario `name`."""

    name: str
    revision: int
    check: str

    def matches(self, s: Scenario) -> bool:
        return fingerprint(s) == self.check


def query(s: Scenario, *, saved: tuple[str, int] | None = None, workspace: str = "default") -> dict[str, str]:
    """The query parameters of a link: the saved revision (in `workspace`) when `saved` is what `s`
    is, else `s` itself."""
    if saved is not None:
        params = {SAVED_PARAM: saved[0], REVISION_PARAM: str(saved[1]), SUM_PARAM: fingerprint(s)}
        return params | ({WORKSPACE_PARAM: workspace} if workspace != "default" else {})
    return {PARAM: encode(s)}


def link(page_url: str | None, page_path: str, params: Mapping[str, str]) -> str:
    """The link for the app's first page, from the URL of the page it is copied on (`page_path`
    being that page's own path, e.g. "scenarios"); relative when the page URL is unknown."""
    root = (page_url or "").split("?")[0].split("#")[0].rstrip("/")
    if page_path and root.endswith("/" + page_path):
        root = root[: -len(page_path) - 1]
    return f"{root}/?{urlencode(dict(params))}"


def saved_link(params: Mapping[str, str]) -> SavedLink | None:
    """The saved revision a link names, None when it names none; ScenarioError when it is malformed."""
    name = params.get(SAVED_PARAM)
    if name is None:
        return None
    rev, check = params.get(REVISION_PARAM, ""), params.get(SUM_PARAM, "")
    if not name.strip() or len(name) > MAX_NAME_CHARS:
        raise ScenarioError("share link: the saved scenario's name in the link is missing or too long")
    if not (rev.isascii() and rev.isdigit() and 0 < int(rev) < 10**9):
        raise ScenarioError("share link: the revision in the link is not a revision number")
    if not (len(check) == 8 and all(c in "0123456789abcdef" for c in check)):
        raise ScenarioError("share link: the link is damaged (its check digits are missing)")
    return SavedLink(name, int(rev), check)


def open_link(
    params: Mapping[str, str],
    open_revision: Callable[[str, int], tuple[Scenario, tuple[str, int]]],
) -> tuple[Scenario, tuple[str, int] | None] | None:
    """What a link opens: the scenario, and for a saved revision what a later save builds on
    (`Store.open_revision`); None when the URL holds no link. ScenarioError for a bad link."""
    saved = saved_link(params)
    if saved is None:
        return (decode(params[PARAM]), None) if params.get(PARAM) else None
    try:
        s, base = open_revision(saved.name, saved.revision)
    except RoiError as exc:
        raise ScenarioError(f"share link: {exc}") from None
    if not saved.matches(s):
        raise ScenarioError(
            f'share link: revision {saved.revision} of "{saved.name}" is no longer the scenario the link '
            "was made for (it was deleted and saved again)"
        )
    return s, base
