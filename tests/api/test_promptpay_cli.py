"""``otop-pos promptpay``: make and decode payloads from the terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from payments.promptpay import bill_payment, credit_transfer, slip_verify
from web.cli import main

PAYLOAD = credit_transfer("0812345678", 15025)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["promptpay", *args])
    return result.exit_code, result.stdout, result.stderr


def test_it_prints_the_payload_for_a_mobile_and_an_exact_amount() -> None:
    assert run("081-234-5678", "--amount", "150.25") == (0, PAYLOAD + "\n", "")


def test_a_static_payload_needs_no_amount() -> None:
    code, out, _ = run("0812345678")
    assert (code, out.strip()) == (0, credit_transfer("0812345678"))


def test_it_makes_a_bill_payment_with_merchant() -> None:
    code, out, _ = run(
        "--bill-payment",
        "010555512345601",
        "--ref1",
        "INV001",
        "--ref2",
        "TILL1",
        "--ref3",
        "OTOP",
        "--amount",
        "1,234.50",
        "--merchant-name",
        "OTOP Centre",
        "--merchant-city",
        "Chiang Mai",
    )
    expected = bill_payment(
        "010555512345601",
        "INV001",
        "TILL1",
        123450,
        ref3="OTOP",
        merchant_name="OTOP Centre",
        merchant_city="Chiang Mai",
    )
    assert (code, out.strip()) == (0, expected)


def test_svg_and_png_files_decode_to_the_payload(tmp_path: Path) -> None:
    svg, png = tmp_path / "qr.svg", tmp_path / "qr.png"
    assert run("0812345678", "--amount", "150.25", "--format", "svg", "-o", str(svg))[0] == 0
    assert svg.read_text().startswith("<svg")
    assert run("0812345678", "--amount", "150.25", "--format", "png", "-o", str(png))[0] == 0
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.read_bytes())))
    assert [r.text for r in decoded] == [PAYLOAD]


def test_png_without_a_file_goes_to_stdout_as_bytes() -> None:
    result = CliRunner().invoke(main, ["promptpay", "0812345678", "--format", "png"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\x89PNG")


def test_terminal_format_draws_the_qr_and_prints_the_payload() -> None:
    code, out, _ = run("0812345678", "--amount", "150.25", "--format", "terminal")
    assert code == 0
    assert "█" in out and "▄" in out
    assert out.rstrip().endswith(PAYLOAD)


def test_decode_prints_the_parse_result_as_json() -> None:
    code, out, _ = run("--decode", PAYLOAD)
    data = json.loads(out)
    assert code == 0
    assert data["type"] == "payment_qr"
    assert (data["proxy_type"], data["proxy_value"], data["amount_satang"]) == (
        "mobile",
        "0812345678",
        15025,
    )


def test_decode_recognises_a_slip_by_itself_and_with_slip() -> None:
    slip = slip_verify("014", "00111222233344ABCD12")
    for args in (("--decode", slip), ("--decode", slip, "--slip")):
        code, out, _ = run(*args)
        data = json.loads(out)
        assert (code, data["type"], data["bank_code"]) == (0, "slip", "014")
        assert data["transaction_ref"] == "00111222233344ABCD12"


def test_decode_reads_a_bot_barcode() -> None:
    code, out, _ = run("--decode", "|099400016550100\r123456789012\r670429\r364922")
    assert (code, json.loads(out)["amount_satang"]) == (0, 364922)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("0812345678", "--amount", "1.234"), "not an amount in baht"),
        (("0812345678", "--amount", "0"), "more than zero"),
        (("0812345678", "--amount", "-5"), "more than zero"),
        (("12345",), "is not a mobile number"),
        (("3100600445636",), "neither a national ID nor a tax ID"),
        (("--decode", PAYLOAD[:-1] + "0"), "wrong CRC"),
        (("--decode", PAYLOAD, "--slip"), "payment QR, not a slip"),
        ((), "give TARGET"),
        (("--bill-payment", "010555512345601"), "needs --ref1"),
        (("--bill-payment", "010555512345601", "--ref1", "inv"), "ref1 must be"),
        (("0812345678", "--bill-payment", "010555512345601", "--ref1", "A"), "not both"),
        (("0812345678", "--ref1", "A"), "belong to --bill-payment"),
        (("0812345678", "--merchant-name", "x" * 26), "at most 25"),
    ],
)
def test_bad_input_exits_2_with_the_reason_on_stderr(args: tuple[str, ...], words: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert words in err
    assert "Traceback" not in err
