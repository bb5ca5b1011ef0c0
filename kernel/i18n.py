"""One catalogue for every word people read: Thai is the source, English stands beside it.

Thai text in the code is the message id; ``kernel/locale/en/LC_MESSAGES/messages.po`` holds
its English (Babel's PO format, read once). Pages, the API's errors and the till's scripts
all read this one catalogue.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("th", "en")
LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def english() -> dict[tuple[str | None, str], str]:
    """``(context, Thai) -> English`` for every translated message of the catalogue."""
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="en")
    return {
        (message.context, message.id): message.string
        for message in catalog
        if isinstance(message.id, str)
        and message.id
        and isinstance(message.string, str)
        and message.string
    }


def N_(thai: str) -> str:
    """Marks Thai for the catalogue where the language is not known yet (a table of headings):
    the value is the Thai itself; ``translate`` it where it is shown."""
    return thai


def translate(thai: str, lang: str, *, context: str | None = None) -> str:
    """``thai`` in ``lang``; a message without English shows its Thai (a test forbids that)."""
    if lang != "en":
        return thai
    return english().get((context, thai), thai)
