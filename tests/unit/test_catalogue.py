"""Every word the pages and the code show has its English in the one catalogue.

The messages are found as ``pybabel extract`` finds them: ``_()`` and ``pgettext()`` in the
templates (Jinja's extractor), ``translate()`` and ``N_()`` in the Python packages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, unescape

from kernel.i18n import LOCALE_DIR, english

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po"
PACKAGES = ("kernel", "inventory", "payments", "pos", "integrity", "demo", "web")
THAI = re.compile("[\u0e00-\u0e7f]")
# Message ids without Thai that are still words of the catalogue (a name, a code, a number the
# same in both languages). None today: "SKU" and "ISO" are written as they are, not looked up.
SAME_IN_BOTH: frozenset[str] = frozenset()

Message = tuple[str, str | None, str]  # where, context, Thai


def template_messages() -> Iterator[Message]:
    found = extract_from_dir(
        str(ROOT / "web" / "templates"),
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        keywords={"_": None, "gettext": None, "pgettext": ((1, "c"), 2)},
    )
    for filename, lineno, message, _comments, context in found:
        assert isinstance(message, str), f"{filename}:{lineno}: one message, not {message!r}"
        yield f"web/templates/{filename}:{lineno}", context, message


def python_messages() -> Iterator[Message]:
    for package in PACKAGES:
        found = extract_from_dir(
            str(ROOT / package),
            method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "translate": None},
        )
        for filename, lineno, message, _comments, context in found:
            assert isinstance(message, str)
            yield f"{package}/{filename}:{lineno}", context, message


def test_the_pages_and_the_code_have_words_to_check() -> None:
    assert len(list(template_messages())) > 500
    assert len(list(python_messages())) > 40


def test_every_message_has_its_english() -> None:
    catalogue = english()
    missing = [
        f"{where}: {context or ''} {thai!r}"
        for where, context, thai in [*template_messages(), *python_messages()]
        if (context, thai) not in catalogue
    ]
    assert not missing, f"no English in {CATALOGUE.name} for:\n" + "\n".join(missing)


def test_every_message_id_is_thai() -> None:
    not_thai = [
        f"{where}: {thai!r}"
        for where, _context, thai in [*template_messages(), *python_messages()]
        if not THAI.search(thai) and thai not in SAME_IN_BOTH
    ]
    assert not not_thai, "write the Thai in the code, the English in the catalogue:\n" + "\n".join(
        not_thai
    )


def catalogue_keys() -> list[tuple[str | None, str]]:
    """``(context, Thai)`` of every entry of the file as written (read_po keeps one of twins)."""
    keys: list[tuple[str | None, str]] = []
    parts: dict[str, str] = {}
    keyword = ""
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgctxt ", "msgid ", "msgstr")):
            keyword, _, rest = line.partition(" ")
            if keyword.startswith("msgstr") and "msgid" in parts:
                keys.append((parts.get("msgctxt"), parts["msgid"]))
                parts = {}
            parts[keyword] = unescape(rest)
        elif line.startswith('"') and keyword:
            parts[keyword] += unescape(line)
    return [(context, thai) for context, thai in keys if thai]


def test_the_catalogue_parses_and_says_each_message_once() -> None:
    with CATALOGUE.open("rb") as po:
        read_po(po, locale="en")  # raises on a broken entry
    keys = catalogue_keys()
    assert len(keys) > 400
    repeated = [key for key, count in Counter(keys).items() if count > 1]
    assert not repeated, f"said twice in {CATALOGUE.name}: {repeated}"
