"""Token counts: one type and one set of names for scenarios, usage logs and sample runs.

The names are genai-prices' usage keys for the buckets that are priced differently
(`cache_write_5m_tokens`, `cache_write_1h_tokens`, `cache_read_tokens`, `output_tokens`), with one
difference, stated here once: `input_tokens` is *uncached* input, additive with the cache buckets,
as Anthropic reports it and as every normalized usage row stores it (FORMATS.md). genai-prices'
own `input_tokens` is the total input; here that is `total_input_tokens`, the number that decides
a long-context tier.

Arrays of counts have one column per bucket, in `BUCKETS` order.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Any

import numpy as np

BUCKETS = (
    "input_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "cache_read_tokens",
    "output_tokens",
)


@dataclass(frozen=True, slots=True)
class Tokens:
    """Tokens of one request (or a per-request mean, or a sum of requests), by bucket."""

    input_tokens: float = 0.0
    cache_write_5m_tokens: float = 0.0
    cache_write_1h_tokens: float = 0.0
    cache_read_tokens: float = 0.0
    output_tokens: float = 0.0

    @property
    def total_input_tokens(self) -> float:
        return (
            self.input_tokens
            + self.cache_write_5m_tokens
            + self.cache_write_1h_tokens
            + self.cache_read_tokens
        )

    def array(self) -> np.ndarray:
        return np.array(astuple(self), dtype=float)

    @classmethod
    def from_anthropic(cls, usage: Any) -> Tokens:
        """From a Messages API `usage` object: cache writes split by TTL where the API says so
        (`cache_creation.ephemeral_1h_input_tokens`), else all of them counted as 5-minute writes."""

        def num(obj: Any, name: str) -> float:
            v = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
            return float(v or 0)

        writes = num(usage, "cache_creation_input_tokens")
        split = (
            usage.get("cache_creation") if isinstance(usage, dict) else getattr(usage, "cache_creation", None)
        )
        w1h = min(num(split, "ephemeral_1h_input_tokens"), writes) if split is not None else 0.0
        return cls(
            input_tokens=num(usage, "input_tokens"),
            cache_write_5m_tokens=writes - w1h,
            cache_write_1h_tokens=w1h,
            cache_read_tokens=num(usage, "cache_read_input_tokens"),
            output_tokens=num(usage, "output_tokens"),
        )


def total_input(tokens: np.ndarray) -> np.ndarray:
    """Total input of each row of a (n, 5) count array."""
    return np.asarray(tokens, dtype=float)[..., :4].sum(axis=-1)
