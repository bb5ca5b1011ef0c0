"""CSV import and export of the catalogue on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from inventory import catalogue, spreadsheets
from inventory.catalogue.barcodes import in_store_code, is_in_store
from inventory.models import Entrepreneur, Product
from kernel.access import Actor, Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ForbiddenError, InvalidInputError
from tests import factories

MANAGER = Actor(user_id=None, username="manager", role=Role.MANAGER)
CASHIER = Actor(user_id=None, username="cashier", role=Role.CASHIER)
BOM = b"\xef\xbb\xbf"

ENTREPRENEURS = (
    "code,name_th,name_en,district_code,tambon,phone,promptpay_id,commission_percent,star_rating,active\n"
    "E100,กลุ่มร่มบ่อสร้าง,Bo Sang Umbrellas,5013,ต้นเปา,053-123456,0812345678,15,5,1\n"
    "E101,เครื่องเขินวัวลาย,Wualai Silverware,Mueang Chiang Mai,หายยา,,1101700230708,12.5,4,yes\n"
)
PRODUCTS = (
    "sku,barcode,name_th,name_en,category_code,entrepreneur_code,price_baht,vat_applicable,active\n"
    "R-1,8850999320014,ร่มกระดาษสา 20 นิ้ว,Saa paper umbrella 20in,textile,E100,350,1,1\n"
    'R-2,,พัดสา,Saa paper fan,TEXTILE,e100,"1,250.50",0,1\n'
)


def _ready(db: Database) -> None:
    with db.write() as conn:
        factories.reference_places(conn)
        factories.category(conn)


def _count(db: Database, table: type) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_entrepreneurs_then_products_import_with_bom_and_thai(
    db: Database, clock: FixedClock
) -> None:
    _ready(db)
    with db.write() as conn:
        preview = spreadsheets.preview_entrepreneurs(conn, BOM + ENTREPRENEURS.encode())
        assert (preview.rows_total, preview.new, preview.updates, preview.errors) == (2, 2, 0, [])
        result = spreadsheets.import_entrepreneurs(
            conn, MANAGER, clock.now(), ENTREPRENEURS.encode()
        )
    assert (result.created, result.updated) == (2, 0)
    with db.write() as conn:
        result = spreadsheets.import_products(conn, MANAGER, clock.now(), BOM + PRODUCTS.encode())
    assert (result.created, result.updated) == (2, 0)
    with db.read() as conn:
        fan = catalogue.search_products(conn, CASHIER, q="พัดสา")[0]
        owner = catalogue.list_entrepreneurs(conn, CASHIER, q="E101")[0]
    assert fan.price_satang == 125050 and not fan.vat_applicable and is_in_store(fan.barcode)
    assert owner.commission_bp == 1250 and owner.district_code == "5001"
    actions = _actions(db)
    assert actions.count("product_created") == 2 and "products_imported" in actions


def _actions(db: Database) -> list[str]:
    with db.read() as conn:
        return list(conn.execute(select(AuditEntry.action)).scalars())


def test_existing_codes_and_skus_are_updates(db: Database, clock: FixedClock) -> None:
    _ready(db)
    with db.write() as conn:
        spreadsheets.import_entrepreneurs(conn, MANAGER, clock.now(), ENTREPRENEURS.encode())
        spreadsheets.import_products(conn, MANAGER, clock.now(), PRODUCTS.encode())
    changed = PRODUCTS.replace(",350,", ",375,") + "R-3,,ผ้าพันคอ,Scarf,textile,E101,99,1,1\n"
    with db.write() as conn:
        preview = spreadsheets.preview_products(conn, changed.encode())
        assert (preview.new, preview.updates) == (1, 2)
        before = catalogue.search_products(conn, CASHIER, q="R-2")[0].barcode
        spreadsheets.import_products(conn, MANAGER, clock.now(), changed.encode())
    with db.read() as conn:
        umbrella = catalogue.search_products(conn, CASHIER, q="R-1")[0]
        fan = catalogue.search_products(conn, CASHIER, q="R-2")[0]
        detail = (
            conn.execute(
                select(AuditEntry.detail)
                .where(AuditEntry.action == "product_updated")
                .order_by(AuditEntry.id)
            )
            .scalars()
            .first()
        )
    assert umbrella.price_satang == 37500 and umbrella.version == 2
    assert fan.barcode == before  # a blank barcode keeps the stored one
    assert detail is not None and detail["changes"]["price_satang"] == [35000, 37500]


BAD_PRODUCT_ROWS = [
    ("R-9,8850999320015,ก,A,textile,E100,10,1,1", "barcode", "check digit"),
    ("R-9,88509993200x4,ก,A,textile,E100,10,1,1", "barcode", "digits"),
    ("R-9,,ก,A,textile,E100,-10,1,1", "price_baht", "negative"),
    ("R-9,,ก,A,textile,E100,10.555,1,1", "price_baht", "not an amount"),
    ("R-9,,ก,A,textile,E100,ten,1,1", "price_baht", "not an amount"),
    ("R-9,,ก,A,textile,NOBODY,10,1,1", "entrepreneur_code", "unknown"),
    ("R-9,,ก,A,shoes,E100,10,1,1", "category_code", "unknown"),
    ("R-9,,,A,textile,E100,10,1,1", "name_th", "required"),
    ("R-1,,ก,A,textile,E100,10,1,1", "sku", "also on line 2"),
    ("R-9,8850999320014,ก,A,textile,E100,10,1,1", "barcode", "also on line 2"),
    ("R-9,,ก,A,textile,E100,10,maybe,1", "vat_applicable", "true/false"),
]


@pytest.mark.parametrize(("row", "field", "says"), BAD_PRODUCT_ROWS)
def test_a_bad_product_row_is_reported_and_nothing_is_imported(
    db: Database, clock: FixedClock, row: str, field: str, says: str
) -> None:
    _ready(db)
    with db.write() as conn:
        spreadsheets.import_entrepreneurs(conn, MANAGER, clock.now(), ENTREPRENEURS.encode())
    header, first, _ = PRODUCTS.split("\n", 2)
    raw = f"{header}\n{first}\n{row}\n".encode()
    with db.read() as conn:
        preview = spreadsheets.preview_products(conn, raw)
    assert [(e.line, e.field) for e in preview.errors] == [(3, field)], preview.errors
    assert says in preview.errors[0].reason
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        spreadsheets.import_products(conn, MANAGER, clock.now(), raw)
    assert caught.value.params["errors"][0]["line"] == 3
    assert _count(db, Product) == 0


def test_a_barcode_of_another_stored_product_is_refused(db: Database, clock: FixedClock) -> None:
    _ready(db)
    with db.write() as conn:
        spreadsheets.import_entrepreneurs(conn, MANAGER, clock.now(), ENTREPRENEURS.encode())
        spreadsheets.import_products(conn, MANAGER, clock.now(), PRODUCTS.encode())
        header = PRODUCTS.split("\n", 1)[0]
        raw = f"{header}\nR-7,8850999320014,ก,A,textile,E100,10,1,1\n".encode()
        errors = spreadsheets.preview_products(conn, raw).errors
    assert errors[0].field == "barcode" and "R-1" in errors[0].reason


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("E9,ก,A,5013,,,0212345678,15,3,1", "promptpay_id"),
        ("E9,ก,A,5013,,,,150,3,1", "commission_percent"),
        ("E9,ก,A,5013,,,,15,6,1", "star_rating"),
        ("E9,ก,A,9999,,,,15,3,1", "district_code"),
        ("E9,ก,,5013,,,,15,3,1", "name_en"),
        ("E 9,ก,A,5013,,,,15,3,1", "code"),
    ],
)
def test_a_bad_entrepreneur_row_names_line_and_field(
    db: Database, clock: FixedClock, row: str, field: str
) -> None:
    _ready(db)
    raw = (ENTREPRENEURS + row + "\n").encode()
    with db.read() as conn:
        preview = spreadsheets.preview_entrepreneurs(conn, raw)
    assert [(e.line, e.field) for e in preview.errors] == [(4, field)]
    with pytest.raises(InvalidInputError), db.write() as conn:
        spreadsheets.import_entrepreneurs(conn, MANAGER, clock.now(), raw)
    assert _count(db, Entrepreneur) == 0


def test_commission_in_basis_points_is_accepted_too(db: Database, clock: FixedClock) -> None:
    _ready(db)
    raw = "code,name_th,name_en,district_code,commission_bp,star_rating\nE9,ก,A,5013,1750,3\n"
    with db.write() as conn:
        spreadsheets.import_entrepreneurs(conn, MANAGER, clock.now(), raw.encode())
        assert catalogue.list_entrepreneurs(conn, CASHIER)[0].commission_bp == 1750


def test_a_cashier_may_not_import(db: Database, clock: FixedClock) -> None:
    _ready(db)
    with pytest.raises(ForbiddenError), db.write() as conn:
        spreadsheets.import_entrepreneurs(conn, CASHIER, clock.now(), ENTREPRENEURS.encode())


def test_exports_read_back_as_imports_unchanged(db: Database, clock: FixedClock) -> None:
    _ready(db)
    with db.write() as conn:
        spreadsheets.import_entrepreneurs(conn, MANAGER, clock.now(), ENTREPRENEURS.encode())
        spreadsheets.import_products(conn, MANAGER, clock.now(), PRODUCTS.encode())
        products = spreadsheets.export_products_csv(conn)
        people = spreadsheets.export_entrepreneurs_csv(conn)
        fan = catalogue.search_products(conn, CASHIER, q="พัดสา")[0]
        factories.stock(conn, fan.id, catalogue.default_location_id(conn), 4)
        stock = spreadsheets.export_stock_csv(conn)
    assert "1250.50" in products and "ร่มกระดาษสา 20 นิ้ว" in products
    assert f"SKP,R-2,{fan.barcode},พัดสา,Saa paper fan,E100,4" in stock
    with db.read() as conn:
        again = spreadsheets.preview_products(conn, products.encode())
        assert (again.new, again.updates, again.errors) == (0, 2, [])
        again = spreadsheets.preview_entrepreneurs(conn, people.encode())
        assert (again.new, again.updates, again.errors) == (0, 2, [])


def test_importing_the_whole_catalogue_takes_under_ten_seconds(
    db: Database, clock: FixedClock
) -> None:
    _ready(db)
    with db.write() as conn:
        spreadsheets.import_entrepreneurs(conn, MANAGER, clock.now(), ENTREPRENEURS.encode())
    lines = [PRODUCTS.split("\n", 1)[0]]
    for i in range(7324):
        barcode = in_store_code(900_000 + i) if i % 2 else ""
        lines.append(
            f"P{i:05d},{barcode},ผ้าฝ้ายทอมือลาย {i},Hand-woven cotton {i},textile,E100,{i}.50,1,1"
        )
    raw = BOM + "\n".join(lines).encode()
    start = time.perf_counter()
    with db.write() as conn:
        result = spreadsheets.import_products(conn, MANAGER, clock.now(), raw)
    elapsed = time.perf_counter() - start
    assert result.created == 7324
    assert elapsed < 10, f"{elapsed:.1f} s"
    with db.read() as conn:
        assert len(catalogue.search_products(conn, CASHIER, q="ลาย 7323")) == 1
