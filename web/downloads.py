"""CSV downloads: UTF-8 with a byte-order mark, so that Excel shows Thai.

The text comes from ``kernel.csv_cells.csv_text``, which keeps every cell formula-safe.
"""

from __future__ import annotations

from litestar import Response


def csv_download(text: str, filename: str) -> Response[bytes]:
    return Response(
        ("\ufeff" + text).encode("utf-8"),
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to text/*
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
