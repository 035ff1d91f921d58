"""Share links: the scenario travels in the URL's query parameters as compressed JSON.

Decoding treats the link as hostile input: bounded size, bounded decompression, JSON only (never
unpickled), then the same validation as an uploaded file.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from roi.errors import ScenarioError
from roi.scenario import Scenario, parse_scenario

PARAM = "s"
MAX_PARAM_CHARS = 60_000
MAX_JSON_BYTES = 2_000_000


def encode(s: Scenario) -> str:
    raw = json.dumps(s.to_dict(), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode(param: str) -> Scenario:
    if len(param) > MAX_PARAM_CHARS:
        raise ScenarioError("share link: the scenario in the link is too long")
    try:
        packed = base64.urlsafe_b64decode(param + "=" * (-len(param) % 4))
        d = zlib.decompressobj()
        raw = d.decompress(packed, MAX_JSON_BYTES)
        if d.unconsumed_tail or not d.eof:
            raise ScenarioError("share link: the scenario in the link is damaged or too large")
        doc = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ScenarioError("share link: the link is damaged (it does not decode to a scenario)") from None
    try:
        return parse_scenario(doc)
    except ScenarioError as exc:
        raise ScenarioError(f"share link: {exc}") from None
