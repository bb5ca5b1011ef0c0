"""The EMVCo QR codec under PromptPay: tag-length-value fields and the CRC-16 tag.

Pure: the standard library only. Every refusal is a :class:`PromptPayError`.
"""

from __future__ import annotations

from binascii import crc_hqx

__all__ = ["PromptPayError", "crc16", "decode_fields", "subfields", "tlv", "with_crc"]


class PromptPayError(ValueError):
    """A PromptPay / Thai QR value was refused; the message says which and why."""


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of ``data`` as four upper-case hex digits."""
    # binascii.crc_hqx is that CRC (the XMODEM algorithm) computed in C, given init 0xFFFF.
    return f"{crc_hqx(data.encode(), 0xFFFF):04X}"


def tlv(tag: str, value: str) -> str:
    """One field: 2-digit tag, 2-digit length, value (at most 99 characters)."""
    if len(value) > 99:
        raise PromptPayError(f"tag {tag} is {len(value)} characters long; a field holds at most 99")
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str, crc_tag: str = "63") -> str:
    """``body`` followed by the CRC field, whose checksum covers ``body`` and ``<tag>04``."""
    body += crc_tag + "04"
    return body + crc16(body)


def decode_fields(data: str, where: str = "payload") -> dict[str, str]:
    """Split ``data`` into its fields, in order; refuses a malformed, truncated or repeated one."""
    fields: dict[str, str] = {}
    index, end = 0, len(data)
    while index < end:
        head = data[index : index + 4]
        if len(head) < 4:
            raise PromptPayError(
                f"{where} is truncated at position {index}: {head!r} is not a whole field header"
            )
        tag, length = head[:2], head[2:]
        if not (tag.isdecimal() and tag.isascii()):
            raise PromptPayError(f"{where} has a malformed tag {tag!r} at position {index}")
        if not (length.isdecimal() and length.isascii()):
            raise PromptPayError(f"{where} tag {tag} has a malformed length {length!r}")
        size = int(length)
        value = data[index + 4 : index + 4 + size]
        if size == 0:
            raise PromptPayError(f"{where} tag {tag} has length 00; a field is never empty")
        if len(value) < size:
            raise PromptPayError(
                f"{where} tag {tag} is truncated: it declares {size} characters "
                f"but {len(value)} follow"
            )
        if tag in fields:
            raise PromptPayError(f"{where} has tag {tag} twice")
        fields[tag] = value
        index += 4 + size
    return fields


def subfields(value: str) -> dict[str, str] | None:
    """The sub-fields of a template value, or None when it is not a clean TLV list."""
    try:
        fields = decode_fields(value)
    except PromptPayError:
        return None
    return fields or None
