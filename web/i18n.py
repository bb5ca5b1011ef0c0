"""Thai by default, English on request (the ``lang`` cookie or ``?lang=``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from kernel.clock import BANGKOK, buddhist_year
from kernel.money import format_baht
from web.settings import Settings

LANGUAGES = ("th", "en")

# key -> (Thai, English). Pages look words up here; a missing key shows the key itself.
WORDS: dict[str, tuple[str, str]] = {
    "app_name": ("OTOP POS สันกำแพง", "OTOP POS San Kamphaeng"),
    "login": ("เข้าสู่ระบบ", "Sign in"),
    "logout": ("ออกจากระบบ", "Sign out"),
    "username": ("ชื่อผู้ใช้", "Username"),
    "password": ("รหัสผ่าน", "Password"),
    "products": ("สินค้า", "Products"),
    "product": ("สินค้า", "Product"),
    "entrepreneurs": ("ผู้ประกอบการ", "Entrepreneurs"),
    "entrepreneur": ("ผู้ประกอบการ", "Entrepreneur"),
    "categories": ("หมวดหมู่", "Categories"),
    "category": ("หมวดหมู่", "Category"),
    "districts": ("อำเภอ", "Districts"),
    "district": ("อำเภอ", "District"),
    "tambon": ("ตำบล", "Tambon"),
    "locations": ("สถานที่", "Locations"),
    "location": ("สถานที่", "Location"),
    "stock": ("สต็อก", "Stock"),
    "on_hand": ("คงเหลือ", "On hand"),
    "intake": ("รับสินค้า", "Goods in"),
    "intakes": ("ใบรับสินค้า", "Goods-received notes"),
    "adjustment": ("ปรับปรุงสต็อก", "Adjustment"),
    "transfer": ("โอนย้ายสินค้า", "Transfer"),
    "count": ("ตรวจนับสต็อก", "Stock count"),
    "low_stock": ("สินค้าใกล้หมด", "Low stock"),
    "import": ("นำเข้า CSV", "Import CSV"),
    "export": ("ส่งออก CSV", "Export CSV"),
    "labels": ("พิมพ์ฉลาก", "Print labels"),
    "search": ("ค้นหา", "Search"),
    "search_hint": (
        "ชื่อไทย/อังกฤษ, บาร์โค้ด, SKU, รหัสผู้ประกอบการ",
        "Thai/English name, barcode, SKU, entrepreneur code",
    ),
    "name_th": ("ชื่อ (ไทย)", "Name (Thai)"),
    "name_en": ("ชื่อ (อังกฤษ)", "Name (English)"),
    "code": ("รหัส", "Code"),
    "sku": ("SKU", "SKU"),
    "barcode": ("บาร์โค้ด", "Barcode"),
    "price": ("ราคา (บาท)", "Price (baht)"),
    "quantity": ("จำนวน", "Quantity"),
    "phone": ("โทรศัพท์", "Phone"),
    "promptpay_id": ("พร้อมเพย์สำหรับรับเงิน", "PromptPay receiving ID"),
    "commission": ("ค่าคอมมิชชั่น (%)", "Commission (%)"),
    "stars": ("ระดับดาว OTOP", "OTOP stars"),
    "active": ("ใช้งาน", "Active"),
    "vat": ("มีภาษีมูลค่าเพิ่ม", "VAT applies"),
    "save": ("บันทึก", "Save"),
    "new": ("เพิ่มใหม่", "New"),
    "edit": ("แก้ไข", "Edit"),
    "cancel": ("ยกเลิก", "Cancel"),
    "reason": ("เหตุผล", "Reason"),
    "note": ("หมายเหตุ", "Note"),
    "scan_here": ("สแกนบาร์โค้ดหรือพิมพ์ชื่อ แล้วกด Enter", "Scan a barcode or type a name, then Enter"),
    "from_location": ("จากสถานที่", "From"),
    "to_location": ("ไปยังสถานที่", "To"),
    "counted": ("นับได้", "Counted"),
    "expected": ("ในระบบ", "Expected"),
    "difference": ("ผลต่าง", "Difference"),
    "post": ("บันทึกรายการ", "Post"),
    "preview": ("ตรวจสอบก่อนนำเข้า", "Preview"),
    "no_results": ("ไม่พบรายการ", "Nothing found"),
    "users": ("ผู้ใช้", "Users"),
    "audit": ("บันทึกการเปลี่ยนแปลง", "Audit log"),
    "home": ("หน้าหลัก", "Home"),
    "language": ("English", "ภาษาไทย"),
    "line": ("บรรทัด", "Line"),
    "field": ("ช่อง", "Field"),
    "problem": ("ปัญหา", "Problem"),
    "all": ("ทั้งหมด", "All"),
    "received": ("รับเมื่อ", "Received"),
    "number": ("เลขที่", "Number"),
    "total": ("รวม", "Total"),
}


def word(key: str, lang: str) -> str:
    pair = WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def language_of(cookies: dict[str, str], query: dict[str, Any], default: str) -> str:
    lang = query.get("lang") or cookies.get("lang") or default
    return lang if lang in LANGUAGES else default


def thai_datetime(at: datetime | None, lang: str = "th") -> str:
    """Bangkok time; the Buddhist-era year in Thai."""
    if at is None:
        return ""
    local = at.astimezone(BANGKOK)
    year = buddhist_year(local.year) if lang == "th" else local.year
    return f"{local.day:02d}/{local.month:02d}/{year} {local.hour:02d}:{local.minute:02d}"


def template_helpers(settings: Settings) -> Callable[[Any], None]:
    """The engine callback that gives templates ``t()``, ``lang()``, ``when()`` and ``baht``."""

    def setup(engine: Any) -> None:
        env = engine.engine

        @pass_context
        def lang(ctx: Context) -> str:
            request = ctx.get("request")
            if request is None:
                return settings.default_language
            return language_of(
                request.cookies, dict(request.query_params), settings.default_language
            )

        @pass_context
        def t(ctx: Context, key: str) -> str:
            return word(key, lang(ctx))

        @pass_context
        def when(ctx: Context, at: datetime | None) -> str:
            return thai_datetime(at, lang(ctx))

        @pass_context
        def tr(ctx: Context, thai: str, english: str) -> str:
            """Inline pair for words used on one page only."""
            return english if lang(ctx) == "en" else thai

        env.globals.update(t=t, tr=tr, lang=lang, when=when, settings=settings)
        env.filters["baht"] = format_baht

    return setup
