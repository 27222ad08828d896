"""User-supplied strings (file, gene, run names) shown inside Markdown."""

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def plain(text: object) -> str:
    """Escape every Markdown/HTML-significant character so the text shows as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
