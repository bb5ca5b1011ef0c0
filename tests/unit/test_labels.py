"""Label barcodes: the right symbology, inline-able SVG, capped runs."""

from __future__ import annotations

import re

import pytest

from inventory.catalogue.barcodes import in_store_code
from inventory.catalogue.labels import LabelRequest, barcode_svg, plan_labels, symbology


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (in_store_code(1), "ean13"),
        ("8850999320014", "ean13"),
        ("96385074", "ean8"),
        ("036000291452", "upca"),
        ("2000000000016", "code128"),  # wrong check digit: printed exactly as given
        ("SKU000123", "code128"),
        ("12345", "code128"),
    ],
)
def test_symbology_follows_the_code(code: str, kind: str) -> None:
    assert symbology(code) == kind


def test_svg_has_no_xml_prologue_and_scales_with_a_viewbox() -> None:
    svg = barcode_svg(in_store_code(42))
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "DOCTYPE" not in svg and "<!--" not in svg
    assert re.search(r'viewBox="0 0 [\d.]+ [\d.]+"', svg)
    assert f'aria-label="{in_store_code(42)}"' in svg
    assert svg.rstrip().endswith("</svg>")


def test_ean13_svg_shows_the_full_code_as_text() -> None:
    code = in_store_code(7)
    assert code in barcode_svg(code)


def test_code128_keeps_an_sku_exactly() -> None:
    assert "SKU-ABC-1" in barcode_svg("SKU-ABC-1")


@pytest.mark.parametrize("code", ["", "ผ้าซิ่น", "A\nB"])
def test_unprintable_codes_are_refused(code: str) -> None:
    with pytest.raises(ValueError):
        barcode_svg(code)


def test_plan_labels_gives_one_label_per_copy_and_cuts_at_the_cap() -> None:
    a = LabelRequest("2000000000015", "A", "ผ้า", 100, copies=3)
    b = LabelRequest("96385074", "B", "ไม้", 250, copies=2)
    labels, cut = plan_labels([a, b])
    assert [x.sku for x in labels] == ["A", "A", "A", "B", "B"] and not cut
    labels, cut = plan_labels([a, b], cap=4)
    assert len(labels) == 4 and cut


@pytest.mark.parametrize("code", [in_store_code(3), "96385074", "036000291452", "SKU-ABC-1"])
def test_svg_has_no_inline_style_the_policy_would_block(code: str) -> None:
    """Colours and font are presentation attributes: CSP drops ``style`` and the white
    background painted black, hiding the bars."""
    svg = barcode_svg(code)
    assert "style" not in svg
    assert '<rect width="100%" height="100%" fill="white"/>' in svg
    assert re.search(r'<rect [^>]*fill="black"/>', svg)
    assert re.search(r'<text [^>]*fill="black" font-size="8pt" text-anchor="middle">', svg)
