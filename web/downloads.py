"""CSV downloads: UTF-8 with a byte-order mark, so that Excel shows Thai."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from litestar import Response


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def csv_download(text: str, filename: str) -> Response[bytes]:
    return Response(
        ("\ufeff" + text).encode("utf-8"),
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to text/*
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
