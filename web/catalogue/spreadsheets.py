"""CSV import (preview, then import) and CSV export of the catalogue: JSON API and pages.

The page keeps the uploaded file between preview and confirm in the confirm form itself
(base64 in a hidden field), so no worker needs to remember it.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, PathParameter
from litestar.response import Template
from sqlalchemy.engine import Connection

from inventory import spreadsheets
from inventory.spreadsheets import ImportJob, ImportPreview, ImportResult
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError, InvalidInputError, NotFoundError
from web.accounts.auth import managers_only, staff_only
from web.downloads import csv_download
from web.errors import TooLargeError, status_of
from web.pages import page, said
from web.settings import Settings

Previewer = Callable[[Connection, bytes], ImportPreview]
Planner = Callable[[Connection, Actor, datetime, bytes], ImportJob]
KINDS: dict[str, tuple[Previewer, Planner]] = {
    "entrepreneurs": (spreadsheets.preview_entrepreneurs, spreadsheets.plan_entrepreneur_import),
    "products": (spreadsheets.preview_products, spreadsheets.plan_product_import),
}
log = logging.getLogger("otop.imports")


async def run_import(
    db: Database, planner: Planner, actor: Actor, now: datetime, raw: bytes
) -> ImportResult:
    """Check the file in a snapshot on a thread, then write it chunk by chunk through the
    writer: each chunk a short transaction, the tills' sales in between. Progress goes to the
    log. A chunk that fails (another manager changed the catalogue meanwhile) leaves the
    chunks before it written, and says how far the import got (answering with the status of
    the chunk's refusal: see web.errors.status_of)."""
    job = await db.read_on_thread(lambda conn: planner(conn, actor, now, raw))
    for number, chunk in enumerate(job.chunks, start=1):
        try:
            await db.writer.run(chunk)
        except DomainError as error:
            raise DomainError(
                "import.stopped",
                "นำเข้าแล้ว {written} จาก {chunks} ส่วน แล้วหยุดเพราะ: {cause} นำเข้าไฟล์เดิมอีกครั้งเพื่อให้ครบ",
                field=error.field,
                written=number - 1,
                chunks=len(job.chunks),
                cause=error,
            ) from error
        log.info("import of %s: chunk %d of %d written", job.result.kind, number, len(job.chunks))
    return job.result


EXPORTS: dict[str, Callable[[Connection], str]] = {
    "products": spreadsheets.export_products_csv,
    "entrepreneurs": spreadsheets.export_entrepreneurs_csv,
    "stock": spreadsheets.export_stock_csv,
}
Multipart = Body(media_type=RequestEncodingType.MULTI_PART)


@dataclass
class UploadForm:
    file: UploadFile


@dataclass
class ConfirmForm:
    content_b64: str = ""


def _kind(kind: str) -> tuple[Previewer, Planner]:
    found = KINDS.get(kind)
    if found is None:
        raise NotFoundError(
            "import.kind_unknown",
            "ไม่มีการนำเข้า CSV ประเภท '{kind}': ใช้ entrepreneurs หรือ products",
            field="kind",
            kind=kind[:40],
        )
    return found


def _read(upload: UploadFile, settings: Settings) -> bytes:
    raw = upload.file.read(settings.max_upload_bytes + 1)
    _check_size(len(raw), settings)
    return raw


def _check_size(size: int, settings: Settings) -> None:
    if size > settings.max_upload_bytes:
        limit_mb = format(settings.max_upload_bytes / (1024 * 1024), "g")
        raise TooLargeError(
            "upload.too_large",
            "ไฟล์ใหญ่เกิน {limit_mb} MB: แบ่งเป็นไฟล์ที่เล็กลงแล้วนำเข้าทีละไฟล์",
            field="file",
            limit_mb=limit_mb,
        )


def preview_json(preview: ImportPreview) -> dict[str, Any]:
    body = asdict(preview)
    body["errors"] = [error._asdict() for error in preview.errors]
    return body


# --- JSON API --------------------------------------------------------------------------

# The kinds in the schema (an unknown one still answers 404 naming the known ones).
ImportKind = Annotated[str, PathParameter(schema_extra={"enum": sorted(KINDS)})]
ExportKind = Annotated[
    str, PathParameter(schema_extra={"enum": sorted(f"{name}.csv" for name in EXPORTS)})
]


# --- pages -----------------------------------------------------------------------------


def _failed(request: Request[Any, Any, Any], kind: str, error: DomainError) -> Template:
    """The import page again with the refusal (in the page's language) and any bad rows."""
    response = page(
        request,
        "imports/index.html",
        kinds=list(KINDS),
        error=said(request, error),
        errors=error.params.get("errors", []),
        kind=kind,
    )
    response.status_code = status_of(error)
    return response


class SpreadsheetsController(Controller):
    """CSV import and export, over JSON and as pages."""

    @post(
        "/api/v1/imports/{kind:str}/preview",
        sync_to_thread=True,
        guards=[managers_only],
        status_code=200,
    )
    def import_preview_api(
        self,
        kind: ImportKind,
        data: Annotated[UploadForm, Multipart],
        db: NamedDependency[Database],
        settings: NamedDependency[Settings],
    ) -> Response[dict[str, Any]]:
        """What importing the file would do: new and updated counts, or every bad row."""
        previewer, _ = _kind(kind)
        raw = _read(data.file, settings)
        with db.read() as conn:
            preview = previewer(conn, raw)
        return Response(preview_json(preview), status_code=200)

    @post("/api/v1/imports/{kind:str}", guards=[managers_only], status_code=201)
    async def import_api(
        self,
        kind: ImportKind,
        data: Annotated[UploadForm, Multipart],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> ImportResult:
        """Import every row, or nothing (422 with ``errors``: line, field, reason) if any is bad."""
        _, planner = _kind(kind)
        raw = _read(data.file, settings)
        return await run_import(db, planner, actor, clock.now(), raw)

    @get(
        "/api/v1/exports/{kind:str}",
        sync_to_thread=True,
        guards=[staff_only],
        media_type="text/csv",
    )
    def export_csv(self, kind: ExportKind, db: NamedDependency[Database]) -> Response[bytes]:
        """``products.csv``, ``entrepreneurs.csv`` or ``stock.csv``: UTF-8 with a BOM for Excel."""
        name = kind.removesuffix(".csv")
        export = EXPORTS.get(name)
        if export is None:
            raise NotFoundError(
                "export.kind_unknown",
                "ไม่มีการส่งออก CSV ประเภท '{kind}'",
                field="kind",
                kind=kind[:40],
            )
        with db.read() as conn:
            text = export(conn)
        return csv_download(text, f"otop-{name}.csv")

    @get("/admin/import", sync_to_thread=False, guards=[managers_only], include_in_schema=False)
    def import_page(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "imports/index.html", kinds=list(KINDS))

    @post(
        "/admin/import/{kind:str}/preview",
        sync_to_thread=True,
        guards=[managers_only],
        include_in_schema=False,
    )
    def import_preview_page(
        self,
        request: Request[Any, Any, Any],
        kind: FromPath[str],
        data: Annotated[UploadForm, Multipart],
        db: NamedDependency[Database],
        settings: NamedDependency[Settings],
    ) -> Template:
        previewer, _ = _kind(kind)
        try:
            raw = _read(data.file, settings)
            with db.read() as conn:
                preview = previewer(conn, raw)
        except DomainError as error:
            return _failed(request, kind, error)
        response = page(
            request,
            "imports/preview.html",
            kind=kind,
            preview=preview,
            content_b64=base64.b64encode(raw).decode("ascii") if preview.ok else "",
        )
        response.status_code = 200 if preview.ok else 422
        return response

    @post(
        "/admin/import/{kind:str}/confirm",
        guards=[managers_only],
        include_in_schema=False,
    )
    async def import_confirm_page(
        self,
        request: Request[Any, Any, Any],
        kind: FromPath[str],
        data: Annotated[ConfirmForm, Multipart],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template:
        _, planner = _kind(kind)
        try:
            raw = base64.b64decode(data.content_b64, validate=True)
            _check_size(len(raw), settings)
            result = await run_import(db, planner, actor, clock.now(), raw)
        except binascii.Error:
            damaged = InvalidInputError(
                "upload.damaged", "ไฟล์ที่ยืนยันเสียหาย: อัปโหลดใหม่อีกครั้ง", field="file"
            )
            return _failed(request, kind, damaged)
        except DomainError as error:
            return _failed(request, kind, error)
        return page(request, "imports/index.html", kinds=list(KINDS), result=result)

    @get("/admin/export", sync_to_thread=False, guards=[staff_only], include_in_schema=False)
    def export_page(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "imports/export.html", exports=list(EXPORTS))
