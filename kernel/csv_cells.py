"""CSV the service writes: every cell passes :func:`safe_cell`, so no text runs as a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab
or a carriage return before one) as a formula: a product named ``=HYPERLINK(...)`` would
become a link in finance's copy of the bank file. OWASP's answer ("CSV Injection") is to
put a single quote before such a cell, which the spreadsheet shows as text.

Whether a cell is a number is known by the Python type the code writes, never guessed from
its text: ``int`` and ``Decimal`` (money as :func:`baht_cell`) stay numbers, a ``-12.50`` that
arrives as ``str`` is text like any name. The import strips the quote again
(:func:`unquote_cell`), so an export reads back as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as the CSV writer should get it: numbers as they are, risky text quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int; write it as the word it is
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def unquote_cell(text: str) -> str:
    """A cell read back: the quote :func:`safe_cell` put before a formula start is dropped."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def baht_cell(satang: int) -> Decimal:
    """``-1250`` -> ``Decimal('-12.50')``: money for a CSV, a number with two decimals."""
    return Decimal(satang).scaleb(-2)


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """CSV text, CRLF line ends (what spreadsheets expect), every cell through safe_cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()
