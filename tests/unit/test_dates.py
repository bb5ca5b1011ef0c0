"""The one parser of dates people type (kernel.dates): Buddhist era first, ISO too."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kernel.dates import be_text, parse_date, parse_optional_date
from kernel.errors import InvalidInputError

DAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    "typed",
    [
        "07/12/2569",
        "7/12/2569",
        " 7 / 12 / 2569 ",
        "7-12-2569",
        "7.12.2569",
        "7/12/69",  # two digits: the Buddhist year 25xx, as Thai staff write it
        "๗/๑๒/๒๕๖๙",  # Thai digits
        "2026-12-07",  # ISO, Western year
        "2569-12-07",  # an ISO shape with a Buddhist year
        "7/12/2026",  # a year below 2400 is Western
        "7 ธ.ค. 2569",
        "7 ธค 2569",
        "7 ธันวาคม 69",
        "7 Dec 2026",
        "7 december 2569",
    ],
)
def test_a_date_reads_in_the_buddhist_era_or_iso(typed: str) -> None:
    assert parse_date(typed, "from") == DAY


def test_a_date_shows_back_in_the_buddhist_era_and_reads_back() -> None:
    assert be_text(DAY) == "07/12/2569"
    assert parse_date(be_text(DAY), "to") == DAY
    assert parse_date("29/02/2567", "to") == date(2024, 2, 29)  # a leap year, in BE


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("31/02/2569", "date.invalid"),
        ("29/02/2569", "date.invalid"),  # 2026 is no leap year
        ("7/13/2569", "date.invalid"),
        ("yesterday", "date.invalid"),
        ("7 พฤหัส 2569", "date.invalid"),
        ("12/2569", "date.invalid"),
        ("7/12/569", "date.invalid"),
        ("2026/12/07/1", "date.invalid"),
        ("1/1/1900", "date.out_of_range"),
        ("0001-01-01", "date.out_of_range"),  # found by fuzzing the old ISO-only parser
        ("1/1/9999", "date.out_of_range"),
        ("", "date.required"),
        ("   ", "date.required"),
    ],
)
def test_a_bad_date_is_refused_in_thai_and_english_naming_the_field(typed: str, code: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_date(typed, "cutoff_date")
    error = refused.value
    assert error.code == code and error.field == "cutoff_date"
    thai, english = error.message_in("th"), error.message_in("en")
    assert "วันที่" in thai and "cutoff_date" in thai and "พ.ศ." in thai
    assert "cutoff_date" in english and "Buddhist" in english
    if typed.strip():
        assert repr(typed.strip()[:20]) in english


def test_an_empty_optional_date_is_none() -> None:
    assert parse_optional_date(None, "from") is None
    assert parse_optional_date("  ", "from") is None
    assert parse_optional_date("1/12/69", "from") == date(2026, 12, 1)


VECTORS = json.loads((Path(__file__).parents[1] / "date_vectors.json").read_text("utf-8"))


@pytest.mark.parametrize(("typed", "iso"), VECTORS["cases"])
def test_the_shared_cases_read_as_the_browser_reads_them(typed: str, iso: str | None) -> None:
    """tests/js/be_date.test.js holds web/static/be_date.js to the same cases."""
    if iso is None:
        with pytest.raises(InvalidInputError):
            parse_date(typed, "from")
    else:
        assert parse_date(typed, "from") == date.fromisoformat(iso)
