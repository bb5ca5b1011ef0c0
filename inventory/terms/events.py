"""What happens to consignment terms, as audit actions."""

from enum import StrEnum


class TermsEvent(StrEnum):
    TERMS_CHANGED = "terms_changed"
