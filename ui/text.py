"""Text for the pages: user-supplied strings (file, gene, run, dataset names) shown inside
Markdown, counts with their noun, and the library's messages in the app's own words."""

import re

from gnt_core.io.dataset import IGNORE_CASE_HINT

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")
IGNORE_CASE_CONTROL = "Match gene names ignoring upper/lower case"
_APP_WORDS = {IGNORE_CASE_HINT: f"load the files again with “{IGNORE_CASE_CONTROL}” ticked "
                                 "(Data page: Upload files, or Open a folder on the server)"}


def plain(text: object) -> str:
    """Escape every Markdown/HTML-significant character so the text shows as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 verdict', '2 verdicts', '12,345 pairs'."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def in_app_words(message: object) -> str:
    """A library message with its CLI hints turned into the app's controls."""
    text = str(message)
    for library, app in _APP_WORDS.items():
        text = text.replace(library, app)
    return text
