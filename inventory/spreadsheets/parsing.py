"""Reading catalogue CSV files as spreadsheets write them (pure: no database).

UTF-8 with or without a byte-order mark; a file in another encoding is refused with advice
("CSV UTF-8"). Rows are checked field by field, and every problem is kept with its line
number so that one preview lists them all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from kernel import csv_cells
from kernel.access import Actor
from kernel.errors import DomainError, InvalidInputError
from kernel.text import ascii_digits

BOM = "\ufeff"
T = TypeVar("T")


class RowError(NamedTuple):
    line: int
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What an import would do: counts of new and updated rows, or every bad row."""

    kind: str
    rows_total: int
    new: int
    updates: int
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.rows_total > 0


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str
    rows_total: int
    created: int
    updated: int


@dataclass(frozen=True, slots=True)
class ImportJob:
    """A checked file, ready to write: each chunk is one short write transaction, so that
    the tills' sales go in between (see kernel.db.writer). Planned in a read-only snapshot."""

    result: ImportResult
    chunks: tuple[Callable[[Any], None], ...]  # each given the write transaction's connection

    def run_in(self, conn: Any) -> ImportResult:
        """Every chunk in the caller's one transaction (all or nothing)."""
        for chunk in self.chunks:
            chunk(conn)
        return self.result


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # the line in the file where the row ends (1 is the header)
    values: dict[str, str]

    def get(self, name: str) -> str:
        return csv_cells.unquote_cell(self.values.get(name, "").strip())


def decode(raw: bytes) -> str:
    """The file's text; refuses anything that is not UTF-8 (a BOM is allowed and dropped)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            "import.not_utf8",
            "ไฟล์นี้ไม่ใช่ UTF-8 (อ่านไบต์ที่ตำแหน่ง {position} ไม่ได้) ในโปรแกรมตารางคำนวณ"
            " ให้ใช้ บันทึกเป็น / ดาวน์โหลด แล้วเลือก 'CSV UTF-8 (Comma delimited)'",
            field="file",
            position=error.start,
        ) from None
    return text.removeprefix(BOM)


def read_rows(
    raw: bytes, required: Sequence[str], *, any_of: Sequence[Sequence[str]] = ()
) -> tuple[list[CsvRow], list[RowError]]:
    """The data rows with lower-cased header names, and problems with the header itself."""
    text = decode(raw)
    if not text.strip():
        raise InvalidInputError("import.empty_file", "ไฟล์ว่างเปล่า", field="file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower().removeprefix(BOM) for name in next(reader)]
    except csv.Error as error:
        raise InvalidInputError(
            "import.header_not_csv",
            "บรรทัดแรก (หัวคอลัมน์) ไม่ใช่ CSV ที่อ่านได้",
            field="file",
            problem=str(error),
        ) from None
    problems = [RowError(1, name, "missing column") for name in required if name not in header]
    for names in any_of:
        if not any(name in header for name in names):
            problems.append(RowError(1, names[0], f"missing column ({' or '.join(names)})"))
    rows: list[CsvRow] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, as spreadsheets leave at the end
            if len(cells) > len(header):
                problems.append(
                    RowError(
                        reader.line_num, "row", f"{len(cells)} cells but {len(header)} columns"
                    )
                )
                continue
            rows.append(CsvRow(reader.line_num, dict(zip(header, cells, strict=False))))
    except csv.Error as error:
        problems.append(RowError(reader.line_num, "row", f"not valid CSV: {error}"))
    return rows, problems


class RowChecker:
    """Collects the problems of one row: each check that fails adds one, and the rest still run."""

    def __init__(self, row: CsvRow, errors: list[RowError]) -> None:
        self.row = row
        self.errors = errors
        self.failed = False

    def check(self, name: str, convert: Callable[[str], T]) -> T | None:
        """``convert`` the cell; a ``DomainError`` or ``ValueError`` becomes a row error."""
        try:
            return convert(self.row.get(name))
        except DomainError as error:
            self.fail(name, error.message)
        except ValueError as error:
            self.fail(name, str(error))
        return None

    def fail(self, name: str, reason: str) -> None:
        self.failed = True
        self.errors.append(RowError(self.row.line, name, reason))


def parse_int(text: str, name: str) -> int:
    cleaned = text.strip()
    if not ascii_digits(cleaned.lstrip("-")):
        raise ValueError(f"{name} {text!r} must be a whole number")
    return int(cleaned)


def refuse_if_bad(preview: ImportPreview) -> None:
    """Nothing is imported while any row is bad; the error carries every row's problem."""
    if preview.errors:
        raise InvalidInputError(
            "import.bad_rows",
            "มี {rows} แถวที่ไม่ถูกต้อง ยังไม่ได้นำเข้าข้อมูลใด ๆ",
            field="file",
            rows=len({e.line for e in preview.errors}),
            errors=[error._asdict() for error in preview.errors],
        )
    if preview.rows_total == 0:
        raise InvalidInputError("import.no_rows", "ไฟล์ไม่มีแถวข้อมูล", field="file")


def audit_row(
    actor: Actor,
    now: datetime,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict[str, Any],
) -> dict[str, Any]:
    """One audit_log row for a batch insert (an import audits each row it changes)."""
    return {
        "at": now,
        "actor_id": actor.user_id,
        "actor_name": actor.username,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "detail": detail,
    }


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text with CRLF line ends, formula-safe cells (kernel.csv_cells); no BOM — the
    download adds it."""
    return csv_cells.csv_text([header, *rows])


def baht_text(satang: int) -> str:
    """``45050`` -> ``'450.50'``: plain, no thousands separator, read back by ``parse_baht``."""
    sign = "-" if satang < 0 else ""
    whole, frac = divmod(abs(satang), 100)
    return f"{sign}{whole}.{frac:02d}"
