"""Names users typed, made safe to show inside Streamlit markdown."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=])")


def md(text: object) -> str:
    """Text a user typed or a file named (a scenario, task, matter, firm or file name) made safe to
    put inside Streamlit markdown: every markdown, directive (`:red[...]`, `:material/...:`) and
    LaTeX (`$`) character escaped, so a name shows as written and never becomes a link or an image."""
    return _MARKDOWN.sub(r"\\\1", str(text))
