"""Database helpers the catalogue services share: uniqueness, versions, change sets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import InstrumentedAttribute

from kernel.errors import ConflictError, InvalidInputError

Cleaner = Callable[[Any], Any]


def ensure_unique(
    conn: Connection,
    column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[Any],
    value: object,
    field: str,
    *,
    exclude_id: int | None = None,
) -> None:
    """Refuse (409 naming the field) a value another row already holds."""
    query = select(id_column).where(column == value).limit(1)
    if exclude_id is not None:
        query = query.where(id_column != exclude_id)
    if conn.execute(query).first() is not None:
        raise ConflictError(
            "field.already_used",
            "ช่อง {field}: “{value}” มีอยู่ในระบบแล้ว ใช้ซ้ำไม่ได้",
            field=field,
            value=value,
        )


def check_version(current: int, given: object, what: str) -> None:
    """Optimistic concurrency: the caller edits what it read, or is told to reload."""
    if isinstance(given, bool) or not isinstance(given, int):
        raise InvalidInputError(
            "field.not_whole_number", "ช่อง {field} ต้องเป็นจำนวนเต็ม", field="version"
        )
    if current != given:
        raise ConflictError(
            "field.version_stale",
            "มีผู้อื่นแก้ไขข้อมูลนี้ไปแล้ว (ฉบับที่ {given} ที่คุณเปิดอยู่เก่าแล้ว ตอนนี้เป็นฉบับที่"
            " {current_version}) กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
            field="version",
            what=what,
            given=given,
            current_version=current,
        )


def clean_changes(changes: Mapping[str, Any], cleaners: Mapping[str, Cleaner]) -> dict[str, Any]:
    """Validate each changed field with its cleaner; an unknown field is refused by name."""
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        cleaner = cleaners.get(field)
        if cleaner is None:
            raise InvalidInputError("field.not_editable", "แก้ไขช่อง {field} ที่นี่ไม่ได้", field=field)
        cleaned[field] = cleaner(value)
    return cleaned


def changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs (for the audit log)."""
    return {k: [old[k], v] for k, v in new.items() if old.get(k) != v}
