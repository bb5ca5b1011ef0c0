"""CSV import and export of the catalogue: the public names, gathered from their modules.

Import rule: a row whose key (entrepreneur ``code``, product ``sku``) already exists updates
that record; the preview says how many rows are new and how many are updates. Nothing is
written while any row is bad. A checked file is written in chunks, each its own short
transaction (``plan_*_import`` gives the :class:`ImportJob`); ``import_*`` write it all in the
caller's transaction.
"""

from __future__ import annotations

from inventory.spreadsheets.entrepreneurs import (
    import_entrepreneurs,
    plan_entrepreneur_import,
    preview_entrepreneurs,
)
from inventory.spreadsheets.export import (
    export_entrepreneurs_csv,
    export_products_csv,
    export_stock_csv,
)
from inventory.spreadsheets.parsing import ImportJob, ImportPreview, ImportResult, RowError, decode
from inventory.spreadsheets.products import import_products, plan_product_import, preview_products

__all__ = [
    "ImportJob",
    "ImportPreview",
    "ImportResult",
    "RowError",
    "decode",
    "export_entrepreneurs_csv",
    "export_products_csv",
    "export_stock_csv",
    "import_entrepreneurs",
    "import_products",
    "plan_entrepreneur_import",
    "plan_product_import",
    "preview_entrepreneurs",
    "preview_products",
]
