"""Every reader, by name: the one place that imports the reader modules.

The order is the detection order (the generic CSV reader is always tried last, see formats.py).
Built once at import, read-only afterwards: nothing registers itself as a side effect of an import.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from roi.usage import anthropic_admin, anthropic_console, cloud, generic, litellm, openai, otel
from roi.usage.reader import Reader

_MODULES = (anthropic_console, anthropic_admin, generic, litellm, openai, otel, cloud)

READERS: Mapping[str, Reader] = MappingProxyType({r.name: r for m in _MODULES for r in m.READERS})


def reader_names() -> list[str]:
    """The --format values, sorted (CLI help, the Usage page's format choice)."""
    return sorted(READERS)
