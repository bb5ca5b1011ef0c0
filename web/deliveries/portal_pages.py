"""The entrepreneur's deliveries in the portal (phone first, Thai): the list with statuses,
announcing one (own products, new products with photos), and one delivery with its
differences once the centre has received it.

The announcement form posts one multipart request (its fields as JSON in ``payload``, each new
product's photo as ``photo_<index>``), handled in one transaction: the delivery, its proposed
products and their photos are all written, or none. A manager may read an entrepreneur's
deliveries here (``?entrepreneur_id=N``), as in the rest of the portal; only the entrepreneur
announces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Template
from pydantic import ValidationError

from inventory import catalogue
from inventory.catalogue.photo_store import photo_keys
from inventory.catalogue.photos import MAX_PHOTO_BYTES, Photo
from inventory.deliveries.queries import announceable_products, get_delivery, list_deliveries
from inventory.deliveries.rules import MAX_DAYS_AHEAD
from inventory.stock.queries import location_choices
from kernel.access import Actor
from kernel.clock import Clock, business_date
from kernel.dates import parse_date
from kernel.db.engine import Database
from kernel.errors import InvalidInputError, NotFoundError
from web.catalogue.photos import checked_photo
from web.consignment.portal import portal_entrepreneur, portal_readers, viewing_query
from web.deliveries.api import announce, entrepreneurs_only
from web.deliveries.schemas import DeliveryIn
from web.pages import page

MAX_PHOTOS = 10
# Photos are made smaller on the phone before they are sent (deliveries.js); the limit still
# lets three full-size ones through from a browser that could not.
BODY_LIMIT = 3 * MAX_PHOTO_BYTES + 256 * 1024
PHOTO_FIELD = "photo_"


@dataclass(frozen=True, slots=True)
class Announced:
    id: int
    number: str
    url: str


class _Causes(Exception):
    """pydantic's errors where web.request_errors looks for them (the exception's cause)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid payload")
        self.errors = errors


def _unreadable() -> InvalidInputError:
    return InvalidInputError(
        "delivery.form_unreadable",
        "อ่านข้อมูลในแบบฟอร์มไม่ได้ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
        field="payload",
    )


def parse_payload(text: object) -> DeliveryIn:
    """The form's JSON, its date typed as people type it (Buddhist era or ISO)."""
    if not isinstance(text, str):
        raise _unreadable()
    try:
        raw = json.loads(text)
    except ValueError:
        raise _unreadable() from None
    if not isinstance(raw, dict):
        raise _unreadable()
    raw["expected_on"] = parse_date(raw.get("expected_on"), "expected_on").isoformat()
    try:
        return DeliveryIn.model_validate(raw)
    except ValidationError as error:
        entries = [
            {"key": ".".join(str(part) for part in e["loc"]), "message": e["msg"], "source": "body"}
            for e in error.errors()
        ]
        raise ValidationException(detail="invalid delivery", extra=entries) from _Causes(
            list(error.errors())  # type: ignore[arg-type]
        )


async def read_photos(form: dict[str, Any], count: int) -> dict[int, Photo]:
    """``photo_<i>`` for each new product i that has one, checked and re-encoded."""
    photos: dict[int, Photo] = {}
    for key, value in form.items():
        if not key.startswith(PHOTO_FIELD) or not isinstance(value, UploadFile):
            continue
        index = key.removeprefix(PHOTO_FIELD)
        if not index.isdigit() or int(index) >= count:
            raise InvalidInputError(
                "delivery.photo_without_product",
                "รูป {key} ไม่ตรงกับสินค้าใหม่รายการใด",
                field=key,
                key=key,
            )
        if len(photos) >= MAX_PHOTOS:
            raise InvalidInputError(
                "delivery.too_many_photos",
                "แนบรูปได้ไม่เกิน {limit} รูปต่อการแจ้งส่งหนึ่งครั้ง",
                field=key,
                limit=MAX_PHOTOS,
            )
        try:
            photos[int(index)] = await checked_photo(value)
        except InvalidInputError as error:
            error.field = f"new_products[{index}].photo"
            raise
    return photos


class DeliveryPortalPages(Controller):
    """The portal's deliveries."""

    guards = [portal_readers]

    @get("/portal/deliveries", sync_to_thread=False, include_in_schema=False)
    def deliveries_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        whose = portal_entrepreneur(actor, entrepreneur_id)
        if whose is None:
            return page(request, "portal/choose.html")
        with db.read() as conn:
            me = catalogue.get_entrepreneur(conn, actor, whose)
            rows = list_deliveries(conn, actor, entrepreneur_id=whose, limit=100)
        return page(
            request,
            "deliveries/portal_list.html",
            me=me,
            rows=rows,
            viewing=viewing_query(actor, whose),
        )

    @get(
        "/portal/deliveries/new",
        sync_to_thread=False,
        include_in_schema=False,
        guards=[entrepreneurs_only],
    )
    def announce_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template:
        whose = portal_entrepreneur(actor, None)
        assert whose is not None  # an entrepreneur's own
        with db.read() as conn:
            me = catalogue.get_entrepreneur(conn, actor, whose)
            products = announceable_products(conn, actor, whose)
            photos = photo_keys(conn, [p.id for p in products])
            categories = catalogue.list_categories(conn)
            locations = location_choices(conn)
        return page(
            request,
            "deliveries/portal_new.html",
            me=me,
            products=products,
            photos=photos,
            categories=categories,
            locations=locations,
            today=business_date(clock.now()),
            days_ahead=MAX_DAYS_AHEAD,
            max_photos=MAX_PHOTOS,
            viewing="",
        )

    @post(
        "/portal/deliveries",
        include_in_schema=False,
        guards=[entrepreneurs_only],
        request_max_body_size=BODY_LIMIT,
        status_code=201,
    )
    async def announce_form(
        self,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Announced:
        """The whole announcement in one transaction; its number and page, or the refusal."""
        payload = parse_payload(data.get("payload"))
        photos = await read_photos(data, len(payload.new_products))
        now = clock.now()
        view = await db.writer.run(lambda conn: announce(conn, actor, now, payload, photos))
        return Announced(view.id, view.number, f"/portal/deliveries/{view.id}")

    @get("/portal/deliveries/{delivery_id:int}", sync_to_thread=False, include_in_schema=False)
    def delivery_page(
        self,
        request: Request[Any, Any, Any],
        delivery_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        entrepreneur_id: FromQuery[str | None] = None,
    ) -> Template:
        whose = portal_entrepreneur(actor, entrepreneur_id)
        with db.read() as conn:
            delivery = get_delivery(conn, actor, delivery_id)
            if whose is not None and delivery.entrepreneur_id != whose:
                raise NotFoundError(
                    "delivery.not_found",
                    "ไม่พบการแจ้งส่งสินค้า id {delivery_id}",
                    field="delivery_id",
                    delivery_id=delivery_id,
                )
            me = catalogue.get_entrepreneur(conn, actor, delivery.entrepreneur_id)
            photos = photo_keys(conn, [line.product_id for line in delivery.lines])
        return page(
            request,
            "deliveries/portal_delivery.html",
            me=me,
            delivery=delivery,
            photos=photos,
            viewing=viewing_query(actor, delivery.entrepreneur_id),
        )
