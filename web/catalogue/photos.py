"""Product photos over HTTP: upload, replace and remove (API and the product page), and the
route that serves them.

- ``PUT /api/v1/products/{id}/photo`` (multipart ``file``) and ``DELETE …/photo``: admins
  and managers (a DELETE of a photo that is not there is done already: 204).
  ``GET …/photo``: the photo's URLs, for everyone signed in.
- ``POST /admin/products/{id}/photo`` and ``…/photo/delete``: the same from the product's
  page (a refused file shows the page again with the reason, 422, nothing changed).
- ``GET /photos/products/{id}/{key}/{thumb|display}.webp``: the bytes, for everyone signed
  in (a product photo is a public picture of the goods). ``key`` is the start of the
  photo's content hash, so a URL always means the same bytes: it is cached for a year as
  ``immutable``, its ETag is the key (strong) and an If-None-Match that holds it gets 304.
  A key that is no longer the product's photo is 404, never another picture. Outside
  ``/api/`` so that the till's service worker may keep thumbnails for offline use.

Decoding runs on a worker thread (a large JPEG takes tens of milliseconds); only the
finished bytes go through the database's writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.concurrency import sync_to_thread
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_304_NOT_MODIFIED
from sqlalchemy.engine import Connection

from inventory.catalogue.photo_store import (
    photo_file,
    photo_url,
    remove_photo,
    set_photo,
)
from inventory.catalogue.photos import MAX_PHOTO_BYTES, Photo, process_photo
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError, NotFoundError
from web.accounts.auth import managers_only, signed_in
from web.catalogue.product_pages import edit_page
from web.errors import TooLargeError
from web.pages import redirect

Multipart = Body(media_type=RequestEncodingType.MULTI_PART)
# The file and the multipart framing around it (the app's default limit is for CSV files).
BODY_LIMIT = MAX_PHOTO_BYTES + 256 * 1024
# A URL names one photo's bytes for ever: a browser (or the till's worker) keeps it.
IMMUTABLE = "private, max-age=31536000, immutable"
VARIANT_FILES = {"thumb.webp": "thumb", "display.webp": "display"}


@dataclass
class PhotoUpload:
    file: UploadFile


@dataclass(frozen=True, slots=True)
class PhotoOut:
    product_id: int
    key: str
    thumb_url: str
    display_url: str
    media_type: str


def read_upload(stream: IO[bytes]) -> bytes:
    """The uploaded file's bytes, or 413 ``photo.too_large`` without reading past the limit."""
    raw = stream.read(MAX_PHOTO_BYTES + 1)
    if len(raw) > MAX_PHOTO_BYTES:
        raise TooLargeError(
            "photo.too_large",
            "รูปใหญ่เกิน {limit_mb} MB: ย่อรูปหรือถ่ายใหม่ให้เล็กลงแล้วอัปโหลดอีกครั้ง",
            field="file",
            limit_mb=MAX_PHOTO_BYTES // (1024 * 1024),
        )
    return raw


async def checked_photo(upload: UploadFile) -> Photo:
    """Read, decode and re-encode on a worker thread (see inventory/catalogue/photos.py)."""
    return await sync_to_thread(lambda: process_photo(read_upload(upload.file)))


async def store_photo(
    db: Database, actor: Actor, clock: Clock, product_id: int, photo: Photo
) -> PhotoOut:
    now = clock.now()
    key = await db.writer.run(lambda conn: set_photo(conn, actor, now, product_id, photo))
    return _out(product_id, key)


def _out(product_id: int, key: str) -> PhotoOut:
    return PhotoOut(
        product_id=product_id,
        key=key,
        thumb_url=photo_url(product_id, key, "thumb"),
        display_url=photo_url(product_id, key, "display"),
        media_type="image/webp",
    )


def _no_photo(product_id: int) -> NotFoundError:
    return NotFoundError(
        "photo.not_found",
        "สินค้า id {product_id} ไม่มีรูปนี้ (อาจถูกเปลี่ยนหรือลบไปแล้ว)",
        field="product_id",
        product_id=product_id,
    )


class PhotoController(Controller):
    """Product photos: the JSON API, the product page's forms and the files."""

    @put(
        "/api/v1/products/{product_id:int}/photo",
        guards=[managers_only],
        request_max_body_size=BODY_LIMIT,
    )
    async def put_photo(
        self,
        product_id: FromPath[int],
        data: Annotated[PhotoUpload, Multipart],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> PhotoOut:
        """Set the product's photo (JPEG, PNG or WebP, at most 5 MB), replacing any."""
        photo = await checked_photo(data.file)
        return await store_photo(db, actor, clock, product_id, photo)

    @delete("/api/v1/products/{product_id:int}/photo", guards=[managers_only], status_code=204)
    async def delete_photo(
        self,
        product_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> None:
        """Remove the product's photo; 204 whether or not it had one (404: no such product)."""
        now = clock.now()
        await db.writer.run(lambda conn: remove_photo(conn, actor, now, product_id))

    @get("/api/v1/products/{product_id:int}/photo", sync_to_thread=False, guards=[signed_in])
    def get_photo(self, product_id: FromPath[int], db: NamedDependency[Database]) -> PhotoOut:
        """The photo's URLs (404 when the product has none)."""
        with db.read() as conn:
            found = photo_file(conn, product_id, "thumb")
        if found is None:
            raise _no_photo(product_id)
        return _out(product_id, found.key)

    @get(
        "/photos/products/{product_id:int}/{key:str}/{variant:str}",
        sync_to_thread=False,
        guards=[signed_in],
        include_in_schema=False,
    )
    def photo_bytes(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        key: FromPath[str],
        variant: FromPath[str],
        db: NamedDependency[Database],
    ) -> Response[bytes]:
        kind = VARIANT_FILES.get(variant)
        found = None
        if kind is not None:
            with db.read() as conn:
                found = photo_file(conn, product_id, kind)
        if found is None or found.key != key:
            raise _no_photo(product_id)
        etag = f'"{found.key}-{kind}"'
        headers = {"cache-control": IMMUTABLE, "etag": etag}
        held = request.headers.get("if-none-match", "")
        if etag in (tag.strip() for tag in held.split(",")):
            return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
        return Response(found.content, media_type=found.media_type, headers=headers)

    @post(
        "/admin/products/{product_id:int}/photo",
        guards=[managers_only],
        include_in_schema=False,
        request_max_body_size=BODY_LIMIT,
    )
    async def photo_form(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        data: Annotated[PhotoUpload, Multipart],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            photo = await checked_photo(data.file)
            await store_photo(db, actor, clock, product_id, photo)
        except DomainError as error:
            if isinstance(error, NotFoundError):
                raise
            refused = error
            return await sync_to_thread(
                lambda: edit_page(request, db, actor, product_id, photo_error=refused)
            )
        return redirect(f"/admin/products/{product_id}?photo=saved#photo")

    @post(
        "/admin/products/{product_id:int}/photo/delete",
        guards=[managers_only],
        include_in_schema=False,
    )
    async def photo_delete_form(
        self,
        product_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Redirect:
        now = clock.now()

        def remove(conn: Connection) -> bool:
            return remove_photo(conn, actor, now, product_id)

        await db.writer.run(remove)
        return redirect(f"/admin/products/{product_id}?photo=removed#photo")
