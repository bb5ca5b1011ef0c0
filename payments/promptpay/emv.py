"""The EMVCo QR codec under PromptPay: tag-length-value fields and the CRC-16 tag.

Pure: the standard library only. Every refusal is a :class:`PromptPayError`.
"""

from __future__ import annotations

from binascii import crc_hqx

__all__ = ["PromptPayError", "crc16", "decode_fields", "subfields", "tlv", "with_crc"]


class PromptPayError(ValueError):
    """A PromptPay / Thai QR value was refused: a stable code, the reason in Thai and in English,
    and the values in them.

    The same shape as the shop's domain errors (``kernel.errors``), in the standard library
    only: ``PromptPayError(code, thai, english, **params)``, each text a ``str.format``
    template of ``params``. The codec cannot read the shop's catalogue, so the English comes
    as a third literal; the same Thai and English stand under the code in
    ``kernel/locale/en/LC_MESSAGES/messages.po`` (a test keeps them equal), so that a service
    turning this into a domain error (code, Thai and params) reads the same in both languages.
    ``str(error)`` is the English.
    """

    def __init__(self, code: str, thai: str, english: str, /, **params: object) -> None:
        self.code = code
        self.thai = thai
        self.english = english
        self.params = params
        super().__init__(english.format(**params))

    def message_in(self, lang: str) -> str:
        """The reason in ``lang`` (``th`` or ``en``), its values filled in."""
        return (self.english if lang == "en" else self.thai).format(**self.params)


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of ``data`` as four upper-case hex digits."""
    # binascii.crc_hqx is that CRC (the XMODEM algorithm) computed in C, given init 0xFFFF.
    return f"{crc_hqx(data.encode(), 0xFFFF):04X}"


def tlv(tag: str, value: str) -> str:
    """One field: 2-digit tag, 2-digit length, value (at most 99 characters)."""
    if len(value) > 99:
        raise PromptPayError(
            "promptpay.field_too_long",
            "ข้อมูลแท็ก {tag} ยาว {length} ตัวอักษร แต่หนึ่งช่องใส่ได้ไม่เกิน 99 ตัวอักษร",
            "tag {tag} is {length} characters long; a field holds at most 99",
            tag=tag,
            length=len(value),
        )
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
                "promptpay.header_truncated",
                "QR ไม่ครบ: ข้อมูลขาดหายที่ตำแหน่ง {index} (“{head}” ไม่ใช่หัวช่องข้อมูลที่สมบูรณ์)",
                "{where} is truncated at position {index}: {head!r} is not a whole field header",
                where=where,
                index=index,
                head=head,
            )
        tag, length = head[:2], head[2:]
        if not (tag.isdecimal() and tag.isascii()):
            raise PromptPayError(
                "promptpay.tag_malformed",
                "QR ผิดรูปแบบ: แท็ก “{tag}” ที่ตำแหน่ง {index} ไม่ใช่ตัวเลข",
                "{where} has a malformed tag {tag!r} at position {index}",
                where=where,
                tag=tag,
                index=index,
            )
        if not (length.isdecimal() and length.isascii()):
            raise PromptPayError(
                "promptpay.length_malformed",
                "QR ผิดรูปแบบ: ความยาวของแท็ก {tag} (“{length}”) ไม่ใช่ตัวเลข",
                "{where} tag {tag} has a malformed length {length!r}",
                where=where,
                tag=tag,
                length=length,
            )
        size = int(length)
        value = data[index + 4 : index + 4 + size]
        if size == 0:
            raise PromptPayError(
                "promptpay.field_empty",
                "QR ผิดรูปแบบ: แท็ก {tag} มีความยาว 00 แต่ช่องข้อมูลต้องไม่ว่าง",
                "{where} tag {tag} has length 00; a field is never empty",
                where=where,
                tag=tag,
            )
        if len(value) < size:
            raise PromptPayError(
                "promptpay.field_truncated",
                "QR ไม่ครบ: แท็ก {tag} ระบุว่ายาว {size} ตัวอักษร แต่มีเพียง {present} ตัวอักษร",
                "{where} tag {tag} is truncated: it declares {size} characters"
                " but {present} follow",
                where=where,
                tag=tag,
                size=size,
                present=len(value),
            )
        if tag in fields:
            raise PromptPayError(
                "promptpay.tag_repeated",
                "QR ผิดรูปแบบ: มีแท็ก {tag} ซ้ำสองครั้ง",
                "{where} has tag {tag} twice",
                where=where,
                tag=tag,
            )
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
