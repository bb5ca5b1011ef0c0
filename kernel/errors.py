"""Domain errors: a stable code, a Thai sentence, and the values in it.

Every refusal says what went wrong in words a cashier or an entrepreneur can read, Thai first:

    raise ConflictError(
        "stock.short", "สินค้า {name} ไม่พอ: ต้องการ {requested} มีอยู่ {on_hand}",
        field="lines", name=name, requested=requested, on_hand=on_hand,
    )

- ``code`` is for machines: a client (the till, a script) acts on it; it never changes.
- The Thai template is the catalogue's source text; its English stands beside it in
  ``kernel/locale/en/LC_MESSAGES/messages.po`` under the code as the message context
  (``pybabel extract`` finds every raise: see ``babel.cfg``). Both must be literals.
- ``params`` fill the template, and travel in the API's answer beside the code.
- ``field`` names the offending input when there is one; a template may name it too
  (``{field}``), as the rules shared by many inputs do.

``str(error)`` is the English sentence, for logs and developers; people get
:meth:`DomainError.message_in` their language. The web layer maps each class to one HTTP
status in one place.
"""

from __future__ import annotations

from typing import Any

from kernel.i18n import translate


class DomainError(Exception):
    """A refusal the caller can act on."""

    def __init__(self, code: str, thai: str, /, *, field: str | None = None, **params: Any) -> None:
        self.code = code
        self.thai = thai
        self.field = field
        self.params = params
        super().__init__(self.message_in("en"))

    def message_in(self, lang: str) -> str:
        """The sentence in ``lang`` (``th`` or ``en``), its values filled in."""
        template = translate(self.thai, lang, context=self.code)
        values = {  # an error given as a value (the cause) is said in the same language
            name: value.message_in(lang) if isinstance(value, DomainError) else value
            for name, value in self.params.items()
        }
        try:
            return template.format(field=self.field, **values)
        except (KeyError, IndexError, ValueError):  # a template naming a value not given
            return template

    @property
    def message(self) -> str:
        """The English sentence (for logs, the command line and developers)."""
        return self.message_in("en")


class InvalidInputError(DomainError):
    """The input breaks a rule (HTTP 422)."""


class NotFoundError(DomainError):
    """The thing named does not exist, or the caller may not know it exists (HTTP 404)."""


class ConflictError(DomainError):
    """The input clashes with what is stored: a duplicate, a stale version (HTTP 409)."""


class ForbiddenError(DomainError):
    """The caller's role may not do this (HTTP 403)."""


class BadCredentialsError(DomainError):
    """Wrong username or password (HTTP 401); which of the two is not said."""


class TooManyAttemptsError(DomainError):
    """Too many failed sign-ins for this username recently (HTTP 429)."""
