"""``otop-pos promptpay``: make a PromptPay payload or QR, or decode one, from the terminal."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from kernel.money import parse_baht
from payments import promptpay
from payments.promptpay import PromptPayError

FORMATS = ("payload", "svg", "png", "terminal")


@click.command("promptpay")
@click.argument("target", required=False)
@click.option("--amount", help="amount in baht, e.g. 150.25 (none: the payer types it)")
@click.option("--bill-payment", "biller_id", help="biller ID (tax ID + 2-digit suffix): tag 30")
@click.option("--ref1", help="bill payment reference 1")
@click.option("--ref2", help="bill payment reference 2")
@click.option("--ref3", help="bill payment reference 3 (tag 62)")
@click.option("--merchant-name", help="tag 59, at most 25 Latin characters")
@click.option("--merchant-city", help="tag 60, at most 15 Latin characters")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="payload")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="file")
@click.option("--light-background", is_flag=True, help="terminal QR for a light terminal")
@click.option("--decode", "decode_payload", help="decode a payload, slip or BOT barcode to JSON")
@click.option("--slip", is_flag=True, help="with --decode: read it as a transfer slip mini-QR")
def promptpay_command(
    target: str | None,
    amount: str | None,
    biller_id: str | None,
    ref1: str | None,
    ref2: str | None,
    ref3: str | None,
    merchant_name: str | None,
    merchant_city: str | None,
    output_format: str,
    output: Path | None,
    light_background: bool,
    decode_payload: str | None,
    slip: bool,
) -> None:
    """Make a PromptPay payload for TARGET (mobile, national/tax ID, e-wallet) or decode one.

    \b
    otop-pos promptpay 081-234-5678 --amount 150.25 --format svg -o qr.svg
    otop-pos promptpay --bill-payment 010555512345601 --ref1 INV001 --amount 99
    otop-pos promptpay --decode 00020101021129370016A0000006770101110113...
    """
    try:
        if decode_payload is not None:
            parse = promptpay.parse_slip if slip else promptpay.parse_any
            _echo_json(parse(decode_payload))
            return
        payload = _build(target, amount, biller_id, ref1, ref2, ref3, merchant_name, merchant_city)
        _write(payload, output_format, output, light_background)
    except (PromptPayError, ValueError) as error:
        _fail(str(error))


def _build(
    target: str | None,
    amount: str | None,
    biller_id: str | None,
    ref1: str | None,
    ref2: str | None,
    ref3: str | None,
    merchant_name: str | None,
    merchant_city: str | None,
) -> str:
    amount_satang = None if amount is None else parse_baht(amount)
    merchant = {"merchant_name": merchant_name, "merchant_city": merchant_city}
    if biller_id is not None:
        if target is not None:
            _fail("give either TARGET or --bill-payment, not both")
        if ref1 is None:
            _fail("--bill-payment needs --ref1")
        return promptpay.bill_payment(biller_id, ref1, ref2, amount_satang, ref3=ref3, **merchant)
    if target is None:
        _fail("give TARGET (a mobile number or ID), --bill-payment BILLER, or --decode PAYLOAD")
    if ref1 or ref2 or ref3:
        _fail("--ref1/--ref2/--ref3 belong to --bill-payment")
    return promptpay.credit_transfer(target, amount_satang, **merchant)


def _write(payload: str, output_format: str, output: Path | None, light_background: bool) -> None:
    from payments import qr

    if output_format == "terminal":
        from io import StringIO

        code = qr.payload_code(payload)
        buffer = StringIO()
        code.print_ascii(out=buffer, invert=not light_background)
        _emit(buffer.getvalue() + payload + "\n", output)
        return
    if output_format == "png":
        data = qr.payload_png(payload)
        if output is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
        return
    text = qr.payload_svg(payload) + "\n" if output_format == "svg" else payload + "\n"
    _emit(text, output)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _echo_json(value: Any) -> None:
    kind = {"QRPayload": "payment_qr", "Slip": "slip", "BotBarcode": "bot_barcode"}
    data = {"type": kind[type(value).__name__], **dataclasses.asdict(value)}
    if isinstance(value, promptpay.Slip):
        data["unique_key"] = value.unique_key
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


COMMANDS = [promptpay_command]
