"""Rules of stock: movements with a kind and a reason, and no quantity below zero."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kernel.errors import ConflictError


class MovementKind(StrEnum):
    INTAKE = "intake"  # an entrepreneur brought goods (a goods-received note)
    SALE = "sale"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"  # damage, loss, found: needs a reason
    COUNT = "count"  # the difference a stock count posted
    TRANSFER = "transfer"  # out of one location (negative) into another (positive)
    RETURN = "return"  # goods given back to the entrepreneur


@dataclass(frozen=True, slots=True)
class Shortage:
    product_id: int
    location_id: int
    requested: int
    on_hand: int
    label: str = ""

    def describe(self) -> str:
        """``ผ้าซิ่น (SKU7) 2/0``: the name, wanted / on hand, read alike in Thai and English
        (the sentence around it says which number is which)."""
        name = self.label or f"#{self.product_id}"
        return f"{name} {self.requested}/{self.on_hand}"


class InsufficientStockError(ConflictError):
    """One error for the whole request, naming every short product; ``shortages`` (in the
    params too) gives each line's numbers to a client that lists them its own way."""

    def __init__(self, shortages: list[Shortage]) -> None:
        self.shortages = shortages
        super().__init__(
            "stock.short",
            "สต็อกไม่พอ {count} รายการ (ต้องการ/มีอยู่): {listed}",
            field="lines",
            count=len(shortages),
            listed="; ".join(s.describe() for s in shortages),
            shortages=[
                {
                    "product_id": s.product_id,
                    "location_id": s.location_id,
                    "requested": s.requested,
                    "on_hand": s.on_hand,
                    "name": s.label,
                }
                for s in shortages
            ],
        )


def find_shortages(
    location_id: int,
    decrements: Mapping[int, int],
    on_hand: Mapping[int, int],
    labels: Mapping[int, str] | None = None,
) -> list[Shortage]:
    """Every product whose decrement exceeds what is on hand, in product order."""
    labels = labels or {}
    return [
        Shortage(
            product_id, location_id, wanted, on_hand.get(product_id, 0), labels.get(product_id, "")
        )
        for product_id, wanted in sorted(decrements.items())
        if wanted > on_hand.get(product_id, 0)
    ]


def require_available(
    location_id: int,
    decrements: Mapping[int, int],
    on_hand: Mapping[int, int],
    labels: Mapping[int, str] | None = None,
) -> None:
    shortages = find_shortages(location_id, decrements, on_hand, labels)
    if shortages:
        raise InsufficientStockError(shortages)
