"""The catalogue's public services in one place: products, entrepreneurs, places.

Other areas import from here; the work is done in the noun modules it re-exports.
"""

from __future__ import annotations

from inventory.catalogue.entrepreneurs import (
    EntrepreneurDraft,
    EntrepreneurView,
    create_entrepreneur,
    get_entrepreneur,
    list_entrepreneurs,
    update_entrepreneur,
)
from inventory.catalogue.places import (
    CHIANG_MAI_DISTRICTS,
    CategoryDraft,
    CategoryView,
    DistrictView,
    LocationDraft,
    LocationView,
    create_category,
    create_location,
    default_location_id,
    ensure_reference_places,
    get_category,
    get_location,
    list_categories,
    list_districts,
    list_locations,
    update_category,
    update_location,
)
from inventory.catalogue.product_queries import (
    ProductView,
    get_product,
    product_by_barcode,
    search_products,
)
from inventory.catalogue.products import (
    ProductDraft,
    create_product,
    next_in_store_codes,
    update_product,
)

__all__ = [
    "CHIANG_MAI_DISTRICTS",
    "CategoryDraft",
    "CategoryView",
    "DistrictView",
    "EntrepreneurDraft",
    "EntrepreneurView",
    "LocationDraft",
    "LocationView",
    "ProductDraft",
    "ProductView",
    "create_category",
    "create_entrepreneur",
    "create_location",
    "create_product",
    "default_location_id",
    "ensure_reference_places",
    "get_category",
    "get_entrepreneur",
    "get_location",
    "get_product",
    "list_categories",
    "list_districts",
    "list_entrepreneurs",
    "list_locations",
    "next_in_store_codes",
    "product_by_barcode",
    "search_products",
    "update_category",
    "update_entrepreneur",
    "update_location",
    "update_product",
]
