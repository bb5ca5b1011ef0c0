"""The demo catalogue as plain data: entrepreneurs, products and opening stock.

Everything comes from one ``random.Random(seed)`` drawn in a fixed order, so the same seed
and scale give byte-identical data. Nothing here touches the database.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from demo.names import (
    CATEGORIES,
    COMMISSION_BP,
    DISTRICTS,
    FIRST_NAMES,
    LAST_NAMES,
    MOBILE_PREFIXES,
    PRODUCTS,
    STAR_WEIGHTS,
    THAI_GS1_PREFIX,
    VARIANTS,
    BaseProduct,
    CategoryInfo,
    DistrictInfo,
    Phrase,
)
from inventory.catalogue.barcodes import check_digit

ENTREPRENEURS = 2475  # PRODUCT.md: Chiang Mai's OTOP entrepreneurs
PRODUCTS_COUNT = 7324
THA_PHAE_PRODUCTS = 52  # "50+ creative products" at the Creative Co-Sharing Space
GS1_SHARE = 0.6  # entrepreneurs who bought a GS1 Thailand company prefix
PROMPTPAY_SHARE = 0.9
LOW_STOCK_SHARE = 0.03
MAX_SCALE = 10.0


@dataclass(frozen=True, slots=True)
class EntrepreneurSpec:
    code: str
    name_th: str
    name_en: str
    district_code: str
    tambon: str
    village: Phrase  # (Thai, English), e.g. ("บ้านต้นเปา", "Ban Ton Pao")
    phone: str
    promptpay_id: str | None
    commission_bp: int
    star_rating: int
    category_code: str  # what the entrepreneur mostly makes
    gs1_company: str | None  # 5 digits after 885: their GS1 Thailand company prefix


@dataclass(frozen=True, slots=True)
class ProductSpec:
    sku: str
    name_th: str
    name_en: str
    category_code: str
    entrepreneur_code: str
    price_satang: int
    gtin: str | None  # None: the centre labels it with an in-store code
    opening_stock: int  # at San Kamphaeng
    tha_phae_stock: int  # 0: not shown at Tha Phae


@dataclass(frozen=True, slots=True)
class DemoPlan:
    entrepreneurs: tuple[EntrepreneurSpec, ...]
    products: tuple[ProductSpec, ...]


def scaled(count: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(count * scale))


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), each at least ``minimum``
    while the total allows it."""
    if total < minimum * len(weights):
        minimum = 0
    rest = total - minimum * len(weights)
    whole = sum(weights)
    shares = [rest * w / whole for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: rest - sum(counts)]:
        counts[i] += 1
    return [c + minimum for c in counts]


def round_price_baht(baht: float) -> int:
    """Shop prices: whole 5 baht under 100, 10 baht under 1,000, 50 baht above."""
    step = 5 if baht < 100 else 10 if baht < 1000 else 50
    return max(step, round(baht / step) * step)


def mobile_number(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def gtin13(company: str, item: int) -> str:
    body = f"{THAI_GS1_PREFIX}{company}{item:04d}"
    return body + check_digit(body)


def _village(tambon: Phrase) -> Phrase:
    th, en = tambon
    return (th, en) if th.startswith("บ้าน") else (f"บ้าน{th}", f"Ban {en}")


def entrepreneur_name(
    rng: random.Random, category: CategoryInfo, tambon: Phrase
) -> tuple[str, str]:
    """A community enterprise, a housewives' group, a producer group or a named shop."""
    craft_th, craft_en = rng.choice(category.crafts)
    village_th, village_en = _village(tambon)
    kind = rng.random()
    if kind < 0.40:
        return (
            f"วิสาหกิจชุมชน{craft_th}{village_th}",
            f"{village_en} {craft_en} Community Enterprise",
        )
    if kind < 0.65:
        return f"กลุ่มแม่บ้าน{craft_th}{tambon[0]}", f"{tambon[1]} Housewives' {craft_en} Group"
    if kind < 0.75:
        return f"กลุ่ม{craft_th}{village_th}", f"{village_en} {craft_en} Group"
    first_th, first_en, title_th, title_en = rng.choice(FIRST_NAMES)
    last_th, last_en = rng.choice(LAST_NAMES)
    if rng.random() < 0.5:
        shop_th, shop_en = f"ร้าน{first_th}{craft_th}", f"{first_en} {craft_en}"
    else:  # เฮือน: "house" in the northern dialect, a common shop name
        shop_th, shop_en = f"เฮือน{craft_th}{first_th}", f"Huean {first_en} {craft_en}"
    return (
        f"{shop_th} ({title_th}{first_th} {last_th})",
        f"{shop_en} ({title_en} {first_en} {last_en})",
    )


def _weighted(rng: random.Random, items: Sequence[str], weights: Sequence[float]) -> str:
    return rng.choices(items, weights=weights)[0]


def plan_entrepreneurs(rng: random.Random, count: int) -> list[EntrepreneurSpec]:
    per_district = apportion(count, [d.weight for d in DISTRICTS], minimum=1)
    districts: list[DistrictInfo] = [
        d for d, n in zip(DISTRICTS, per_district, strict=True) for _ in range(n)
    ]
    rng.shuffle(districts)
    category_codes = [c.code for c in CATEGORIES]
    category_weights = [c.weight for c in CATEGORIES]
    by_code = {c.code: c for c in CATEGORIES}
    stars, star_weights = list(STAR_WEIGHTS), list(STAR_WEIGHTS.values())
    companies = iter(rng.sample(range(10000, 100000), count))
    result = []
    for number, district in enumerate(districts, start=1):
        category = by_code[_weighted(rng, category_codes, category_weights)]
        tambon = rng.choice(district.tambons)
        name_th, name_en = entrepreneur_name(rng, category, tambon)
        phone = mobile_number(rng)
        company = next(companies)
        result.append(
            EntrepreneurSpec(
                code=f"CM-{number:04d}",
                name_th=name_th,
                name_en=name_en,
                district_code=district.code,
                tambon=tambon[0],
                village=_village(tambon),
                phone=phone,
                promptpay_id=phone if rng.random() < PROMPTPAY_SHARE else None,
                commission_bp=rng.choice(COMMISSION_BP),
                star_rating=rng.choices(stars, weights=star_weights)[0],
                category_code=category.code,
                gs1_company=f"{company:05d}" if rng.random() < GS1_SHARE else None,
            )
        )
    return result


def product_name(rng: random.Random, base: BaseProduct, village: Phrase) -> tuple[str, str]:
    """Base product plus one or two variants (colour, size, pattern, weight...), and often
    the village it comes from, as OTOP labels like to say."""
    parts = [rng.choice(VARIANTS[base.axes[0]])]
    if len(base.axes) > 1 and rng.random() < 0.6:
        parts.append(rng.choice(VARIANTS[base.axes[1]]))
    name_th = " ".join([base.name_th, *(th for th, _ in parts)])
    name_en = ", ".join([base.name_en, *(en for _, en in parts)])
    if rng.random() < 0.4:
        return f"{name_th} {village[0]}", f"{name_en} ({village[1]})"
    return name_th, name_en


def product_price_satang(rng: random.Random, base: BaseProduct) -> int:
    # Skewed towards the cheap end of the range: most things sell at the everyday price.
    baht = base.min_baht + (base.max_baht - base.min_baht) * rng.random() ** 1.6
    return min(round_price_baht(baht), base.max_baht) * 100


def opening_quantity(rng: random.Random) -> int:
    """0-40 on hand, mostly a dozen or so; a few at zero or nearly so (the low-stock list)."""
    if rng.random() < LOW_STOCK_SHARE:
        return rng.choice((0, 0, 1, 2, 3))
    return 4 + int(37 * rng.random() ** 1.8)


def _products_per_entrepreneur(rng: random.Random, entrepreneurs: int, products: int) -> list[int]:
    # A few big producers list many products; most list one to three.
    weights = [min(rng.paretovariate(1.6), 20.0) for _ in range(entrepreneurs)]
    return apportion(products, weights, minimum=1)


def plan_products(
    rng: random.Random, entrepreneurs: Sequence[EntrepreneurSpec], count: int
) -> list[ProductSpec]:
    counts = _products_per_entrepreneur(rng, len(entrepreneurs), count)
    category_codes = [c.code for c in CATEGORIES]
    category_weights = [c.weight for c in CATEGORIES]
    drafts: list[tuple[EntrepreneurSpec, str, str, str, int, str | None]] = []
    for spec, n in zip(entrepreneurs, counts, strict=True):
        next_item = rng.randrange(0, 9000)
        for _ in range(n):
            # Most of a producer's range is their own trade; some lines are side products.
            code = spec.category_code
            if rng.random() >= 0.85:
                code = _weighted(rng, category_codes, category_weights)
            base = rng.choice(PRODUCTS[code])
            name_th, name_en = product_name(rng, base, spec.village)
            gtin = None
            if spec.gs1_company is not None:
                gtin = gtin13(spec.gs1_company, next_item)
                next_item += 1
            drafts.append((spec, code, name_th, name_en, product_price_satang(rng, base), gtin))
    rng.shuffle(drafts)  # SKUs follow the order products were registered, not producers
    return [
        ProductSpec(
            sku=f"P-{number:06d}",
            name_th=name_th,
            name_en=name_en,
            category_code=code,
            entrepreneur_code=spec.code,
            price_satang=price,
            gtin=gtin,
            opening_stock=opening_quantity(rng),
            tha_phae_stock=0,
        )
        for number, (spec, code, name_th, name_en, price, gtin) in enumerate(drafts, start=1)
    ]


def choose_tha_phae(rng: random.Random, products: list[ProductSpec], count: int) -> None:
    """Put ``count`` creative products (cloth, wood, ceramics, jewellery, decoration) on show."""
    creative = {c.code for c in CATEGORIES if c.creative}
    candidates = [i for i, p in enumerate(products) if p.category_code in creative]
    for i in sorted(rng.sample(candidates, min(count, len(candidates)))):
        products[i] = replace(products[i], tha_phae_stock=rng.randint(2, 12))


def demo_plan(*, scale: float = 1.0, seed: int = 2026) -> DemoPlan:
    """The whole demo catalogue for ``scale`` (1.0: the province's real counts)."""
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be above 0 and at most {MAX_SCALE}, not {scale}")
    rng = random.Random(seed)
    entrepreneurs = plan_entrepreneurs(rng, scaled(ENTREPRENEURS, scale, minimum=3))
    products = plan_products(
        rng, entrepreneurs, max(scaled(PRODUCTS_COUNT, scale), len(entrepreneurs))
    )
    choose_tha_phae(rng, products, scaled(THA_PHAE_PRODUCTS, scale))
    return DemoPlan(tuple(entrepreneurs), tuple(products))
