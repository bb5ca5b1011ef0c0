"""What happens to the catalogue, as the audit log names it."""

from __future__ import annotations

from enum import StrEnum


class CatalogueEvent(StrEnum):
    PRODUCT_CREATED = "product_created"
    PRODUCT_UPDATED = "product_updated"  # price, names, barcode...: the version bumps
    # A photo uploaded (first or replacing one) or removed: its hash and sizes, never its bytes.
    PRODUCT_PHOTO_SET = "product_photo_set"
    PRODUCT_PHOTO_REMOVED = "product_photo_removed"
    PRODUCTS_IMPORTED = "products_imported"  # a CSV file: how many new, how many updated
    ENTREPRENEUR_CREATED = "entrepreneur_created"
    ENTREPRENEUR_UPDATED = "entrepreneur_updated"
    ENTREPRENEURS_IMPORTED = "entrepreneurs_imported"
    LOCATION_CREATED = "location_created"
    LOCATION_UPDATED = "location_updated"
    CATEGORY_CREATED = "category_created"
    CATEGORY_UPDATED = "category_updated"
