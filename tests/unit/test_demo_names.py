"""The demo catalogue's data: deterministic, at the province's scale, and plausible."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import astuple
from functools import cache

import pytest
from stdnum import ean

from demo.names import CATEGORIES, DISTRICTS, PRODUCTS, VARIANTS
from demo.plan import DemoPlan, apportion, demo_plan, round_price_baht
from inventory.catalogue.places import CHIANG_MAI_DISTRICTS

THAI = re.compile(r"[\u0e00-\u0e7f]")
MOBILE = re.compile(r"^0[689]\d{8}$")


@cache
def full() -> DemoPlan:
    return demo_plan(scale=1.0, seed=2026)


def test_same_seed_gives_identical_data() -> None:
    again = demo_plan(scale=1.0, seed=2026)
    assert [astuple(e) for e in again.entrepreneurs] == [astuple(e) for e in full().entrepreneurs]
    assert [astuple(p) for p in again.products] == [astuple(p) for p in full().products]


def test_another_seed_gives_other_data() -> None:
    other = demo_plan(scale=1.0, seed=7)
    assert [p.name_en for p in other.products] != [p.name_en for p in full().products]


def test_full_scale_has_the_provinces_counts() -> None:
    plan = full()
    assert len(DISTRICTS) == 25
    assert len(plan.entrepreneurs) == 2475
    assert len(plan.products) == 7324
    assert {e.district_code for e in plan.entrepreneurs} == {d.code for d in DISTRICTS}
    assert len({e.code for e in plan.entrepreneurs}) == 2475
    assert len({p.sku for p in plan.products}) == 7324
    assert {p.entrepreneur_code for p in plan.products} == {e.code for e in plan.entrepreneurs}


def test_districts_are_the_ones_set_up_seeds() -> None:
    assert [(d.code, d.name_th, d.name_en) for d in DISTRICTS] == list(CHIANG_MAI_DISTRICTS)
    assert all(d.tambons for d in DISTRICTS)


def test_san_kamphaeng_and_the_city_have_more_producers_than_the_mountains() -> None:
    per_district = Counter(e.district_code for e in full().entrepreneurs)
    by_name = {d.name_en: per_district[d.code] for d in DISTRICTS}
    assert max(by_name, key=by_name.__getitem__) == "San Kamphaeng"
    assert by_name["Mueang Chiang Mai"] > 3 * by_name["Omkoi"]


@pytest.mark.parametrize("scale", [0.02, 0.1, 0.5])
def test_smaller_scales_shrink_the_counts_proportionally(scale: float) -> None:
    plan = demo_plan(scale=scale)
    assert len(plan.entrepreneurs) == round(2475 * scale)
    assert len(plan.products) == round(7324 * scale)


def test_a_scale_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="scale"):
        demo_plan(scale=0)


def test_every_gtin_is_a_thai_ean13_with_a_valid_check_digit() -> None:
    gtins = [p.gtin for p in full().products if p.gtin]
    assert all(len(g) == 13 and g.startswith("885") and ean.is_valid(g) for g in gtins)
    assert len(set(gtins)) == len(gtins)
    assert 0.5 < len(gtins) / len(full().products) < 0.7


def test_every_phone_and_promptpay_id_is_a_thai_mobile_number() -> None:
    entrepreneurs = full().entrepreneurs
    assert all(MOBILE.match(e.phone) for e in entrepreneurs)
    with_promptpay = [e for e in entrepreneurs if e.promptpay_id is not None]
    assert all(e.promptpay_id == e.phone for e in with_promptpay)
    assert len(with_promptpay) > 0.8 * len(entrepreneurs)


def test_names_are_thai_and_english_and_varied() -> None:
    plan = full()
    names = [(e.name_th, e.name_en) for e in plan.entrepreneurs]
    names += [(p.name_th, p.name_en) for p in plan.products]
    for name_th, name_en in names:
        assert THAI.search(name_th), name_th
        assert name_en and not THAI.search(name_en), name_en
    assert len({p.name_en for p in plan.products}) > 3000
    assert len({e.name_en for e in plan.entrepreneurs}) > 1500


def test_building_blocks_are_translated_pairs() -> None:
    phrases = [*(p for v in VARIANTS.values() for p in v)]
    phrases += [(b.name_th, b.name_en) for bases in PRODUCTS.values() for b in bases]
    for th, en in phrases:
        assert THAI.search(th) and en and not THAI.search(en), (th, en)
    assert set(PRODUCTS) == {c.code for c in CATEGORIES}
    assert all(axis in VARIANTS for bases in PRODUCTS.values() for b in bases for axis in b.axes)


def test_categories_are_weighted_as_the_province_sells() -> None:
    products = full().products
    share = {
        code: n / len(products) for code, n in Counter(p.category_code for p in products).items()
    }
    for category in CATEGORIES:
        assert abs(share[category.code] - category.weight / 100) < 0.04, category.code
    assert share["textiles"] > share["household"] > share["food"] > share["drinks"]


def test_prices_are_whole_baht_in_realistic_steps() -> None:
    for product in full().products:
        baht, satang = divmod(product.price_satang, 100)
        assert satang == 0
        assert baht % 5 == 0 and baht >= 5
    food = [p.price_satang for p in full().products if p.category_code == "food"]
    assert min(food) >= 3500 and max(food) <= 25000


@pytest.mark.parametrize(("baht", "shown"), [(37.4, 35), (38, 40), (452, 450), (1830, 1850)])
def test_prices_round_to_shop_steps(baht: float, shown: int) -> None:
    assert round_price_baht(baht) == shown


def test_star_ratings_skew_to_three_and_four() -> None:
    stars = Counter(e.star_rating for e in full().entrepreneurs)
    assert set(stars) <= {1, 2, 3, 4, 5}
    assert stars[3] > stars[5] and stars[4] > stars[5] and stars[5] > stars[1]


def test_opening_stock_is_0_to_40_with_a_few_low() -> None:
    quantities = [p.opening_stock for p in full().products]
    assert min(quantities) == 0 and max(quantities) <= 40
    low = sum(1 for q in quantities if q <= 3)
    assert 0.01 < low / len(quantities) < 0.06


def test_tha_phae_shows_about_fifty_creative_products() -> None:
    creative = {c.code for c in CATEGORIES if c.creative}
    shown = [p for p in full().products if p.tha_phae_stock]
    assert 50 <= len(shown) <= 60
    assert all(p.category_code in creative for p in shown)


def test_apportion_keeps_the_total_and_the_minimum() -> None:
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(30, [100, 1, 1], minimum=1) == [28, 1, 1]
    assert sum(apportion(2475, [d.weight for d in DISTRICTS], minimum=1)) == 2475
