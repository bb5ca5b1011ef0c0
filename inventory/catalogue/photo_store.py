"""Product photos in the database: set (first or replacing), remove, read one, list keys.

One photo per product, in ``product_photos`` (see inventory/models.py). Setting or removing
it stamps the product's ``updated_at`` (not its ``version``: a manager's open edit form is
not made stale by a photo) so that the tills' catalogue deltas carry the new photo key.
Both are audited with the photo's hash and sizes. Reading needs only a signed-in user: a
product photo is a public picture of the goods, shown on the till and in the portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from inventory.catalogue.events import CatalogueEvent
from inventory.catalogue.photos import MEDIA_TYPE, Photo
from inventory.catalogue.product_queries import get_product
from inventory.models import Product, ProductPhoto
from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.errors import NotFoundError

# The URL carries this many hex digits of the hash: unique among one product's photos,
# short enough that the till's catalogue (a key per product) stays small.
KEY_LENGTH = 16
VARIANTS = ("thumb", "display")


@dataclass(frozen=True, slots=True)
class PhotoFile:
    """One stored encoding, as the route serves it."""

    content: bytes
    media_type: str
    key: str  # the hash's first KEY_LENGTH digits: the URL's version and the ETag


def photo_key(content_hash: str) -> str:
    return content_hash[:KEY_LENGTH]


def _touch(conn: Connection, product_id: int, now: datetime) -> None:
    """Stamp the product changed (the tills' deltas then carry its photo key), or 404."""
    touched = conn.execute(
        update(Product).where(Product.id == product_id).values(updated_at=now)
    ).rowcount
    if touched != 1:
        raise NotFoundError(
            "product.not_found",
            "ไม่พบสินค้า id {product_id}",
            field="product_id",
            product_id=product_id,
        )


def set_photo(conn: Connection, actor: Actor, now: datetime, product_id: int, photo: Photo) -> str:
    """Store ``photo`` as the product's only one (replacing any); its key."""
    actor.require(MANAGERS, "change product photos")
    return write_photo(conn, actor, now, product_id, photo)


def write_photo(
    conn: Connection, actor: Actor, now: datetime, product_id: int, photo: Photo
) -> str:
    """:func:`set_photo` for a caller that checked who may (an entrepreneur's own proposed
    product: inventory.deliveries)."""
    _touch(conn, product_id, now)  # first: the product's row lock orders two uploads
    old = conn.execute(
        select(ProductPhoto.content_hash).where(ProductPhoto.product_id == product_id)
    ).scalar()
    values = {
        "content_hash": photo.content_hash,
        "media_type": MEDIA_TYPE,
        "display": photo.display,
        "display_width": photo.display_width,
        "display_height": photo.display_height,
        "thumb": photo.thumb,
        "thumb_width": photo.thumb_width,
        "thumb_height": photo.thumb_height,
        "uploaded_by": actor.user_id,
        "uploaded_at": now,
    }
    if old is None:
        conn.execute(insert(ProductPhoto).values(product_id=product_id, **values))
    else:
        conn.execute(
            update(ProductPhoto).where(ProductPhoto.product_id == product_id).values(**values)
        )
    audit.record(
        conn,
        actor,
        CatalogueEvent.PRODUCT_PHOTO_SET,
        "product",
        product_id,
        now,
        content_hash=photo.content_hash,
        replaced=old,
        source_format=photo.source_format,
        source_bytes=photo.source_bytes,
        display=[photo.display_width, photo.display_height, len(photo.display)],
        thumb=[photo.thumb_width, photo.thumb_height, len(photo.thumb)],
    )
    return photo_key(photo.content_hash)


def remove_photo(conn: Connection, actor: Actor, now: datetime, product_id: int) -> bool:
    """Remove the product's photo; False when it had none (nothing written, nothing audited)."""
    actor.require(MANAGERS, "change product photos")
    get_product(conn, actor, product_id)  # 404 for a product that is not there
    old = conn.execute(
        delete(ProductPhoto)
        .where(ProductPhoto.product_id == product_id)
        .returning(ProductPhoto.content_hash)
    ).scalar()
    if old is None:
        return False
    _touch(conn, product_id, now)
    audit.record(
        conn,
        actor,
        CatalogueEvent.PRODUCT_PHOTO_REMOVED,
        "product",
        product_id,
        now,
        content_hash=old,
    )
    return True


_FILE = {
    variant: select(
        getattr(ProductPhoto, variant), ProductPhoto.media_type, ProductPhoto.content_hash
    ).where(ProductPhoto.product_id == bindparam("product_id"))
    for variant in VARIANTS
}


def photo_file(conn: Connection, product_id: int, variant: str) -> PhotoFile | None:
    """The product's photo in ``variant`` (``thumb`` or ``display``), or None."""
    query = _FILE.get(variant)
    if query is None:
        return None
    row = conn.execute(query, {"product_id": product_id}).first()
    if row is None:
        return None
    return PhotoFile(content=bytes(row[0]), media_type=row[1], key=photo_key(row[2]))


def photo_keys(conn: Connection, product_ids: list[int]) -> dict[int, str]:
    """Product id -> photo key, for those of ``product_ids`` that have a photo."""
    if not product_ids:
        return {}
    rows = conn.execute(
        select(ProductPhoto.product_id, ProductPhoto.content_hash).where(
            ProductPhoto.product_id.in_(sorted(set(product_ids)))
        )
    )
    return {r[0]: photo_key(r[1]) for r in rows}


def photo_url(product_id: int, key: str, variant: str = "thumb") -> str:
    """The photo's immutable URL (see web/catalogue/photos.py, which serves it)."""
    return f"/photos/products/{product_id}/{key}/{variant}.webp"
