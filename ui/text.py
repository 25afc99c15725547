"""Showing what people typed as plain text inside elements that render markdown (labels, headers, captions)."""

import re

MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(value: str) -> str:
    """Escape markdown and HTML so typed text shows literally."""
    return MARKDOWN.sub(r"\\\1", str(value))
