"""What happens to deliveries and proposed products, as the audit log names it."""

from __future__ import annotations

from enum import StrEnum


class DeliveryEvent(StrEnum):
    DELIVERY_ANNOUNCED = "delivery_announced"  # by the entrepreneur, from the portal
    DELIVERY_CANCELLED = "delivery_cancelled"  # before it was received
    DELIVERY_RECEIVED = "delivery_received"  # counted in: its goods-received note and differences
    PRODUCT_PROPOSED = "product_proposed"  # a new product, inactive until approved
    PRODUCT_APPROVED = "product_approved"  # active and sellable from now on
    PRODUCT_REJECTED = "product_rejected"  # with the reason the entrepreneur reads
