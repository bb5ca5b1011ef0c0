"""Reading CSV as spreadsheets write it: BOM or not, Thai text, line numbers, clear refusals."""

from __future__ import annotations

import pytest

from inventory.catalogue.rules import parse_bool, parse_percent_to_bp
from inventory.spreadsheets.parsing import (
    ImportPreview,
    RowChecker,
    RowError,
    baht_text,
    csv_text,
    decode,
    read_rows,
    refuse_if_bad,
)
from kernel.errors import InvalidInputError
from kernel.money import parse_baht

CSV = 'code,name_th\r\nE1,ผ้าทอ\r\n\r\nE2,"ร่ม, บ่อสร้าง"\r\n'


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_bom_reads_the_same(bom: bytes) -> None:
    rows, problems = read_rows(bom + CSV.encode(), ["code", "name_th"])
    assert problems == []
    assert [(r.line, r.get("code"), r.get("name_th")) for r in rows] == [
        (2, "E1", "ผ้าทอ"),
        (4, "E2", "ร่ม, บ่อสร้าง"),
    ]


def test_a_file_that_is_not_utf8_is_refused_with_advice() -> None:
    with pytest.raises(InvalidInputError) as caught:
        decode("code,name_th\nE1,ผ้าทอ\n".encode("cp874"))
    assert "not UTF-8" in caught.value.message and "CSV UTF-8" in caught.value.message
    assert caught.value.field == "file"


def test_missing_columns_are_reported_on_line_one() -> None:
    _, problems = read_rows(b"code\nE1\n", ["code", "name_th"], any_of=[["a_bp", "a_pct"]])
    assert problems == [
        RowError(1, "name_th", "missing column"),
        RowError(1, "a_bp", "missing column (a_bp or a_pct)"),
    ]


def test_header_names_are_trimmed_and_lower_cased() -> None:
    rows, problems = read_rows(b" Code , NAME_TH\nE1,x\n", ["code", "name_th"])
    assert problems == [] and rows[0].get("name_th") == "x"


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="empty"):
        read_rows(b"\xef\xbb\xbf  \n", ["code"])


def test_a_row_with_too_many_cells_is_a_row_error() -> None:
    _, problems = read_rows(b"code,name_th\nE1,x,extra\n", ["code"])
    assert problems == [RowError(2, "row", "3 cells but 2 columns")]


def test_the_checker_keeps_every_problem_of_a_row() -> None:
    rows, errors = read_rows(b"price,active\n12.345,perhaps\n", [])
    checker = RowChecker(rows[0], errors)
    assert checker.check("price", parse_baht) is None
    assert checker.check("active", lambda t: parse_bool(t, "active")) is None
    assert checker.failed
    assert [(e.line, e.field) for e in errors] == [(2, "price"), (2, "active")]


def test_refusal_carries_the_row_errors() -> None:
    preview = ImportPreview("products", 2, 1, 0, [RowError(3, "sku", "bad")])
    with pytest.raises(InvalidInputError) as caught:
        refuse_if_bad(preview)
    assert caught.value.params["errors"] == [{"line": 3, "field": "sku", "reason": "bad"}]


@pytest.mark.parametrize(
    ("text", "basis_points"), [("15", 1500), ("12.5", 1250), ("0", 0), ("100", 10000), ("7 %", 700)]
)
def test_commission_percent_becomes_basis_points_exactly(text: str, basis_points: int) -> None:
    assert parse_percent_to_bp(text) == basis_points


@pytest.mark.parametrize("text", ["101", "abc", "1.234", "-5"])
def test_bad_commission_percent_is_refused(text: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_percent_to_bp(text)


@pytest.mark.parametrize(("text", "value"), [("1", True), ("", True), ("no", False), ("ไม่", False)])
def test_spreadsheet_truth_values(text: str, value: bool) -> None:
    assert parse_bool(text, "active") is value


def test_exported_prices_read_back_exactly() -> None:
    for satang in (0, 5, 45000, 123456789):
        assert parse_baht(baht_text(satang)) == satang


def test_csv_text_quotes_thai_commas_and_uses_crlf() -> None:
    assert csv_text(["a", "b"], [["ร่ม, บ่อสร้าง", 1]]) == 'a,b\r\n"ร่ม, บ่อสร้าง",1\r\n'


def test_a_cell_that_would_run_as_a_formula_is_quoted_and_numbers_stay_numbers() -> None:
    from decimal import Decimal

    from kernel.csv_cells import baht_cell, safe_cell, unquote_cell

    for risky in ("=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "-12.50"):
        assert safe_cell(risky) == "'" + risky  # text, even when it reads like a number
        assert unquote_cell("'" + risky) == risky
    assert safe_cell(-2) == -2 and safe_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert safe_cell("ผ้าไหมมัดหมี่") == "ผ้าไหมมัดหมี่" and safe_cell(None) == ""
    assert unquote_cell("'quoted") == "'quoted"  # a quote a person typed stays
    assert baht_cell(-1250) == Decimal("-12.50") and str(baht_cell(0)) == "0.00"
    assert csv_text(["n", "baht"], [["-2", baht_cell(-1250)]]) == "n,baht\r\n'-2,-12.50\r\n"
