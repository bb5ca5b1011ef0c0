"""Catalogue services on SQLite and PostgreSQL: products, entrepreneurs, places, search."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from inventory import catalogue
from inventory.catalogue import (
    CategoryDraft,
    EntrepreneurDraft,
    LocationDraft,
    ProductDraft,
)
from inventory.catalogue.barcodes import in_store_code, is_in_store
from inventory.catalogue.search import Searchable, normalize, rank, search_text
from inventory.models import Product
from kernel.access import Actor, Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock
from kernel.db.engine import Database, next_in_sequence
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from tests import factories

MANAGER = Actor(user_id=None, username="manager", role=Role.MANAGER)
CASHIER = Actor(user_id=None, username="cashier", role=Role.CASHIER)


def _setup(db: Database) -> dict[str, int]:
    with db.write() as conn:
        factories.reference_places(conn)
        district = factories.district_id_by_code(conn, "5013")
        category = factories.category(conn)
        owner = factories.entrepreneur(conn, district, code="E001")
        other = factories.entrepreneur(conn, district, code="E002", name_th="บ้านถวาย")
    return {"district": district, "category": category, "owner": owner, "other": other}


def _draft(ids: dict[str, int], **over: Any) -> ProductDraft:
    base = ProductDraft(
        sku="SKU-1",
        name_th="ผ้าซิ่นตีนจกแม่แจ่ม",
        name_en="Mae Chaem teen jok sarong",
        category_id=ids["category"],
        entrepreneur_id=ids["owner"],
        price_satang=125000,
        barcode="8850999320014",
    )
    return replace(base, **over)


def _audit_actions(db: Database) -> list[str]:
    with db.read() as conn:
        return list(conn.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_reference_places_give_25_districts_and_a_default_location(db: Database) -> None:
    _setup(db)
    with db.read() as conn:
        districts = catalogue.list_districts(conn)
        locations = catalogue.list_locations(conn)
        default = catalogue.default_location_id(conn)
    assert len(districts) == 25
    assert {d.name_en for d in districts} >= {"San Kamphaeng", "Galyani Vadhana"}
    assert [loc.code for loc in locations] == ["SKP", "TPR"]
    assert locations[0].id == default and locations[0].is_default


def test_create_product_keeps_satang_search_text_and_audits(
    db: Database, clock: FixedClock
) -> None:
    ids = _setup(db)
    with db.write() as conn:
        view = catalogue.create_product(conn, MANAGER, clock.now(), _draft(ids))
    assert view.price_satang == 125000
    assert view.entrepreneur_code == "E001"
    assert view.version == 1 and view.on_hand == 0 and view.on_hand_total == 0
    with db.read() as conn:
        stored = conn.execute(select(Product.search_text).where(Product.id == view.id)).scalar()
    assert stored is not None and "ผ้าซิ่น" in stored and "e001" in stored
    assert "product_created" in _audit_actions(db)


def test_a_product_without_barcode_gets_an_unused_in_store_code(
    db: Database, clock: FixedClock
) -> None:
    ids = _setup(db)
    with db.write() as conn:
        # Someone already labelled goods with the code of serial 1: it must be skipped.
        factories.product(conn, ids["owner"], ids["category"], barcode=in_store_code(1))
        view = catalogue.create_product(conn, MANAGER, clock.now(), _draft(ids, barcode=None))
        again = catalogue.create_product(
            conn, MANAGER, clock.now(), _draft(ids, sku="SKU-2", barcode="  ")
        )
    assert is_in_store(view.barcode) and view.barcode == in_store_code(2)
    assert again.barcode == in_store_code(3)


@pytest.mark.parametrize(
    ("over", "field", "error"),
    [
        ({"barcode": "8850999320015"}, "barcode", InvalidInputError),  # wrong check digit
        ({"barcode": "88509993200A4"}, "barcode", InvalidInputError),
        ({"price_satang": -1}, "price_satang", InvalidInputError),
        ({"price_satang": 1.5}, "price_satang", InvalidInputError),
        ({"entrepreneur_id": 9999}, "entrepreneur_id", InvalidInputError),
        ({"category_id": 9999}, "category_id", InvalidInputError),
        ({"name_th": "   "}, "name_th", InvalidInputError),
        ({"name_en": "x" * 201}, "name_en", InvalidInputError),
        ({"sku": "bad sku!"}, "sku", InvalidInputError),
    ],
)
def test_bad_product_input_is_refused_naming_the_field(
    db: Database, clock: FixedClock, over: dict[str, Any], field: str, error: type[Exception]
) -> None:
    ids = _setup(db)
    with pytest.raises(error) as caught, db.write() as conn:
        catalogue.create_product(conn, MANAGER, clock.now(), _draft(ids, **over))
    assert getattr(caught.value, "field", None) == field
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Product)).scalar() == 0


@pytest.mark.parametrize("field", ["sku", "barcode"])
def test_duplicate_sku_or_barcode_is_a_conflict(
    db: Database, clock: FixedClock, field: str
) -> None:
    ids = _setup(db)
    with db.write() as conn:
        catalogue.create_product(conn, MANAGER, clock.now(), _draft(ids))
    second = {"sku": "SKU-9", "barcode": "8850999320021"}
    second.pop(field)
    with pytest.raises(ConflictError) as caught, db.write() as conn:
        catalogue.create_product(conn, MANAGER, clock.now(), _draft(ids, **second))
    assert caught.value.field == field


def test_update_product_checks_version_and_audits_the_price_change(
    db: Database, clock: FixedClock
) -> None:
    ids = _setup(db)
    with db.write() as conn:
        view = catalogue.create_product(conn, MANAGER, clock.now(), _draft(ids))
    with db.write() as conn:
        updated = catalogue.update_product(
            conn, MANAGER, clock.now(), view.id, {"price_satang": 99000}, view.version
        )
    assert updated.price_satang == 99000 and updated.version == 2
    with pytest.raises(ConflictError) as caught, db.write() as conn:
        catalogue.update_product(conn, MANAGER, clock.now(), view.id, {"price_satang": 1}, 1)
    assert caught.value.field == "version"
    with db.read() as conn:
        detail = conn.execute(
            select(AuditEntry.detail).where(AuditEntry.action == "product_updated")
        ).scalar_one()
    assert detail["changes"]["price_satang"] == [125000, 99000]


def test_a_cashier_reads_but_may_not_create(db: Database, clock: FixedClock) -> None:
    ids = _setup(db)
    with pytest.raises(ForbiddenError), db.write() as conn:
        catalogue.create_product(conn, CASHIER, clock.now(), _draft(ids))
    with db.read() as conn:
        assert catalogue.search_products(conn, CASHIER) == []


def test_an_entrepreneur_sees_only_their_own(db: Database, clock: FixedClock) -> None:
    ids = _setup(db)
    with db.write() as conn:
        mine = catalogue.create_product(conn, MANAGER, clock.now(), _draft(ids))
        theirs = catalogue.create_product(
            conn,
            MANAGER,
            clock.now(),
            _draft(ids, sku="SKU-2", barcode=None, entrepreneur_id=ids["other"]),
        )
    me = Actor(user_id=None, username="e1", role=Role.ENTREPRENEUR, entrepreneur_id=ids["owner"])
    with db.read() as conn:
        listed = catalogue.search_products(conn, me, entrepreneur_id=ids["other"])
        assert [p.id for p in listed] == [mine.id]
        with pytest.raises(NotFoundError):
            catalogue.get_product(conn, me, theirs.id)
        with pytest.raises(NotFoundError):
            catalogue.get_entrepreneur(conn, me, ids["other"])
        assert [e.id for e in catalogue.list_entrepreneurs(conn, me)] == [ids["owner"]]
        assert catalogue.product_by_barcode(conn, me, theirs.barcode) is None


def test_search_finds_thai_substrings_codes_and_exact_barcodes_first(
    db: Database, clock: FixedClock
) -> None:
    ids = _setup(db)
    with db.write() as conn:
        a = catalogue.create_product(conn, MANAGER, clock.now(), _draft(ids))
        b = catalogue.create_product(
            conn,
            MANAGER,
            clock.now(),
            _draft(ids, sku="8850999320014X", barcode=None, name_th="ร่มบ่อสร้าง", name_en="Umbrella"),
        )
        factories.stock(conn, a.id, catalogue.default_location_id(conn), 7)
    with db.read() as conn:
        assert [p.id for p in catalogue.search_products(conn, CASHIER, q="ตีนจก")] == [a.id]
        assert [p.id for p in catalogue.search_products(conn, CASHIER, q="UMBREL")] == [b.id]
        assert [p.id for p in catalogue.search_products(conn, CASHIER, q="e001")] == [a.id, b.id]
        # b's SKU contains a's barcode; the exact barcode hit still comes first.
        first = catalogue.search_products(conn, CASHIER, q="8850999320014")
        assert [p.id for p in first] == [a.id, b.id]
        assert first[0].id == a.id and first[0].on_hand == 7 and first[0].on_hand_total == 7
        assert catalogue.search_products(conn, CASHIER, q="100%_") == []
        found = catalogue.product_by_barcode(conn, CASHIER, "8850999320014")
        assert found is not None and found.id == a.id


def test_entrepreneur_code_change_updates_product_search_text(
    db: Database, clock: FixedClock
) -> None:
    ids = _setup(db)
    with db.write() as conn:
        catalogue.create_product(conn, MANAGER, clock.now(), _draft(ids))
        owner = catalogue.get_entrepreneur(conn, MANAGER, ids["owner"])
        catalogue.update_entrepreneur(
            conn, MANAGER, clock.now(), owner.id, {"code": "SKW-77"}, owner.version
        )
    with db.read() as conn:
        assert len(catalogue.search_products(conn, CASHIER, q="skw-77")) == 1
        assert catalogue.search_products(conn, CASHIER, q="e001") == []


def _entrepreneur_draft(district: int, **over: Any) -> EntrepreneurDraft:
    base = EntrepreneurDraft(
        code="E100",
        name_th=" กลุ่มเครื่องเขินสันป่าตอง ",
        name_en="San Pa Tong Lacquerware",
        district_id=district,
        commission_bp=1500,
        star_rating=5,
        promptpay_id="081-234-5678",
    )
    return replace(base, **over)


def test_create_entrepreneur_trims_names_and_normalises_promptpay(
    db: Database, clock: FixedClock
) -> None:
    ids = _setup(db)
    with db.write() as conn:
        view = catalogue.create_entrepreneur(
            conn, MANAGER, clock.now(), _entrepreneur_draft(ids["district"])
        )
    assert view.name_th == "กลุ่มเครื่องเขินสันป่าตอง"
    assert view.promptpay_id == "0812345678"
    assert view.district_code == "5013"
    assert "entrepreneur_created" in _audit_actions(db)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"commission_bp": 10001}, "commission_bp"),
        ({"commission_bp": -1}, "commission_bp"),
        ({"star_rating": 0}, "star_rating"),
        ({"star_rating": 6}, "star_rating"),
        ({"promptpay_id": "0212345678"}, "promptpay_id"),
        ({"promptpay_id": "1101700230709"}, "promptpay_id"),
        ({"district_id": 9999}, "district_id"),
        ({"name_en": ""}, "name_en"),
        ({"code": "E001"}, "code"),
    ],
)
def test_bad_entrepreneur_input_is_refused_naming_the_field(
    db: Database, clock: FixedClock, over: dict[str, Any], field: str
) -> None:
    ids = _setup(db)
    with pytest.raises((InvalidInputError, ConflictError)) as caught, db.write() as conn:
        catalogue.create_entrepreneur(
            conn, MANAGER, clock.now(), _entrepreneur_draft(ids["district"], **over)
        )
    assert getattr(caught.value, "field", None) == field


def test_entrepreneur_update_with_a_stale_version_is_a_conflict(
    db: Database, clock: FixedClock
) -> None:
    ids = _setup(db)
    with db.read() as conn:
        seen = catalogue.get_entrepreneur(conn, MANAGER, ids["owner"])
    with db.write() as conn:
        catalogue.update_entrepreneur(
            conn, MANAGER, clock.now(), seen.id, {"star_rating": 5}, seen.version
        )
    with pytest.raises(ConflictError) as caught, db.write() as conn:
        catalogue.update_entrepreneur(
            conn, MANAGER, clock.now(), seen.id, {"star_rating": 3}, seen.version
        )
    assert caught.value.field == "version"


def test_a_new_default_location_replaces_the_old_and_the_default_cannot_close(
    db: Database, clock: FixedClock
) -> None:
    _setup(db)
    with db.write() as conn:
        fair = catalogue.create_location(
            conn, MANAGER, clock.now(), LocationDraft("FAIR", "งานแสดงสินค้า", "Fair", True)
        )
    with db.read() as conn:
        assert catalogue.default_location_id(conn) == fair.id
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        catalogue.update_location(
            conn, MANAGER, clock.now(), fair.id, {"active": False}, fair.version
        )
    assert caught.value.field == "active"


def test_categories_are_created_edited_and_unique(db: Database, clock: FixedClock) -> None:
    _setup(db)
    with db.write() as conn:
        food = catalogue.create_category(
            conn, MANAGER, clock.now(), CategoryDraft("food", "อาหาร", "Food", 1000)
        )
        renamed = catalogue.update_category(
            conn, MANAGER, clock.now(), food.id, {"name_en": "Food and drink"}, food.version
        )
    assert renamed.name_en == "Food and drink"
    with pytest.raises(ConflictError), db.write() as conn:
        catalogue.create_category(conn, MANAGER, clock.now(), CategoryDraft("food", "ก", "A"))
    with pytest.raises(InvalidInputError), db.write() as conn:
        catalogue.create_category(conn, MANAGER, clock.now(), CategoryDraft("x", "ก", "A", 20000))


def _bulk_catalogue(db: Database, count: int) -> None:
    ids = _setup(db)
    words = ["ผ้าฝ้าย", "ร่ม", "เครื่องเขิน", "ไม้แกะสลัก", "เซรามิก", "น้ำพริก", "กาแฟ", "ชา"]
    rows = []
    for i in range(count):
        name_th = f"{words[i % len(words)]}ลาย{i}" + (" OTOP" if i % 7 == 0 else "")
        name_en = f"Product {i}" + (" otop" if i % 11 == 0 else "")
        sku, barcode = f"S{i:06d}", in_store_code(500_000 + i)
        rows.append(
            {
                "sku": sku,
                "barcode": barcode,
                "name_th": name_th,
                "name_en": name_en,
                "category_id": ids["category"],
                "entrepreneur_id": ids["owner"],
                "price_satang": 1000 + i,
                "vat_applicable": True,
                "active": i % 3 != 0,
                "version": 1,
                "created_at": factories.NOW,
                "updated_at": factories.NOW,
                "search_text": search_text(
                    name_th=name_th,
                    name_en=name_en,
                    sku=sku,
                    barcode=barcode,
                    entrepreneur_code="E001",
                ),
            }
        )
    with db.write() as conn:
        conn.execute(insert(Product), rows)
        next_in_sequence(conn, "unused")


def _searchable(row: Any) -> Searchable:
    name_th, name_en = row.search_text.split(" | ")[:2]
    return Searchable(name_th=name_th, name_en=name_en, sku=row.sku, barcode=row.barcode)


def test_search_lists_products_by_their_own_name_before_other_matches(
    db: Database, clock: FixedClock
) -> None:
    """A name that starts with the query, then a name that holds it, then a SKU or a maker's
    code that holds it (catalogue order within each)."""
    ids = _setup(db)

    def product(conn: Any, sku: str, name_th: str, name_en: str) -> int:
        draft = _draft(ids, sku=sku, barcode=None, name_th=name_th, name_en=name_en)
        return catalogue.create_product(conn, MANAGER, clock.now(), draft).id

    with db.write() as conn:
        frame = product(conn, "UMB-FRAME-1", "กรอบรูปไม้ไผ่", "Bamboo Photo Frame")
        inside = product(conn, "UM-1", "ร่มผ้าฝ้าย", "Painted Cotton Umbrella")
        first = product(conn, "UM-2", "ร่มกระดาษสา", "Umbrella, Saa Paper")
    with db.read() as conn:
        found = catalogue.search_products(conn, CASHIER, q="umb")
        assert [p.id for p in found] == [first, inside, frame]
        assert [p.id for p in catalogue.search_products(conn, CASHIER, q="UMBRELLA")] == [
            first,
            inside,
        ]
        thai = catalogue.search_products(conn, CASHIER, q="ร่ม")
        assert [p.id for p in thai] == [inside, first]
        assert [p.id for p in catalogue.search_products(conn, CASHIER, q="um-1")] == [inside]
        # The maker's code matches every product of theirs, after the names that hold it.
        assert [p.id for p in catalogue.search_products(conn, CASHIER, q="e001")][:1] == [frame]


def test_the_search_index_finds_exactly_what_a_full_scan_finds(db: Database) -> None:
    """The trigram index (FTS5 / pg_trgm) answers like LIKE over every row, Thai included,
    ranked as search.rank ranks, on every page and with a filter: on SQLite each tier is read
    from the index on its own, so a page can straddle two tiers.

    Its speed is measured by `make bench`, not here.
    """
    _bulk_catalogue(db, 7324)
    queries = [
        "ร่ม",
        "ลาย73",
        "ลาย",  # every product, all in the second tier
        "product 12",
        "duct 7",
        "000",  # names (Product 1000) and SKUs/barcodes: the second tier, then the last
        "otop",  # in English names, and in Thai names in capitals (both names: one tier)
        "ลาย14 otop",
        "s000100",  # an exact SKU typed in lower case, then the names that hold it
        "S000100",
        in_store_code(503000),
        "ไม่มีเลย",
        "e0",
        "%",
        'a"b',
    ]
    pages = [(0, 50), (50, 50), (30, 40), (2000, 25)]
    with db.read() as conn:
        rows = conn.execute(
            select(Product.id, Product.search_text, Product.sku, Product.barcode, Product.active)
        ).all()
        for q in queries:
            hits = [r for r in rows if normalize(q) in r.search_text]
            # Ranked as inventory.catalogue.search.rank ranks (its own tests hold the cases).
            hits.sort(key=lambda r: (rank(q, _searchable(r)), r.id))
            for offset, limit in pages:
                found = catalogue.search_products(conn, CASHIER, q=q, limit=limit, offset=offset)
                expected = [r.id for r in hits[offset : offset + limit]]
                assert [p.id for p in found] == expected, (q, offset)
            active = [r.id for r in hits if r.active]
            found = catalogue.search_products(conn, CASHIER, q=q, limit=60, active_only=True)
            assert [p.id for p in found] == active[:60], (q, "active only")
