"""Thai by default, English on request (the ``lang`` cookie or ``?lang=``).

Pages speak through gettext over the one catalogue (kernel.i18n): ``{{ _("ไทย") }}``, or
``{{ pgettext("plural", "สินค้า") }}`` where the same Thai needs another English. A value goes
in a ``{name}`` placeholder, filled after translation, as in the errors' sentences:
``{{ _("เหลือ {n}").format(n=count) }}``. The template environment is shared by every request
and thread, so each callable reads the language from the request in the template's context.

The browser's scripts read the same English from ``/i18n/en.json`` (:class:`WordsController`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar import Controller, MediaType, Response, get
from litestar.params import FromQuery

from kernel.clock import BANGKOK, buddhist_year
from kernel.dates import BE_FROM, be_text
from kernel.i18n import LANGUAGES, english, translate
from kernel.money import format_baht
from web.settings import Settings


class Language(NamedTuple):
    code: str
    name: str  # in its own language


# The switch names the other language in that language: "English" on a Thai page, "ภาษาไทย"
# on an English one. Each name is the same whatever the page's language, so not a translation.
NAMES = {"th": "ภาษาไทย", "en": "English"}


def language_of(cookies: dict[str, str], query: dict[str, Any], default: str) -> str:
    lang = query.get("lang") or cookies.get("lang") or default
    return lang if lang in LANGUAGES else default


def other_than(lang: str) -> Language:
    code = "th" if lang == "en" else "en"
    return Language(code, NAMES[code])


def thai_datetime(at: datetime | None, lang: str = "th") -> str:
    """Bangkok time; the Buddhist-era year in Thai."""
    if at is None:
        return ""
    local = at.astimezone(BANGKOK)
    year = buddhist_year(local.year) if lang == "th" else local.year
    return f"{local.day:02d}/{local.month:02d}/{year} {local.hour:02d}:{local.minute:02d}"


def be_date_value(value: date | str | None) -> str:
    """A date field's value: a date as ``07/12/2569``; text (as typed, refused) unchanged."""
    if value is None:
        return ""
    if isinstance(value, date):
        return be_text(value)
    if len(value) == 10 and value[4] == "-" and value[:4].isdigit() and int(value[:4]) < BE_FROM:
        try:  # an ISO date carried in a form (a default, a link): shown in the Buddhist era
            return be_text(date.fromisoformat(value))
        except ValueError:
            return value
    return value


@cache
def english_words() -> tuple[bytes, str]:
    """The catalogue as the scripts read it, and its version (a digest of it).

    ``{"words": {thai: english}, "contexts": {context: {thai: english}}}``: a script looks a
    word up as ``words[thai]``, or ``contexts[context][thai]`` for a message with a context.
    """
    words: dict[str, str] = {}
    contexts: dict[str, dict[str, str]] = {}
    for (context, thai), text in sorted(
        english().items(), key=lambda item: (item[0][0] or "", item[0][1])
    ):
        if context is None:
            words[thai] = text
        else:
            contexts.setdefault(context, {})[thai] = text
    body = json.dumps({"words": words, "contexts": contexts}, ensure_ascii=False).encode()
    return body, hashlib.sha256(body).hexdigest()[:12]


def words_url() -> str:
    """Where the scripts fetch English from; the version in it changes with the catalogue."""
    return f"/i18n/en.json?v={english_words()[1]}"


class WordsController(Controller):
    """The catalogue's English for the browser's scripts (Thai is the source: nothing to fetch)."""

    @get("/i18n/en.json", sync_to_thread=False, include_in_schema=False)
    def english_json(self, v: FromQuery[str | None] = None) -> Response[bytes]:
        """Cached for good when asked for the current version, revalidated otherwise."""
        body, version = english_words()
        cache_control = "public, max-age=31536000, immutable" if v == version else "no-cache"
        return Response(body, media_type=MediaType.JSON, headers={"cache-control": cache_control})


def template_helpers(settings: Settings) -> Callable[[Any], None]:
    """The engine callback: Jinja's i18n extension over the catalogue (``_``, ``pgettext``,
    ``{% trans %}``), and ``lang()``, ``other_language()``, ``when()``, ``words_url()`` and
    ``baht``."""

    def setup(engine: Any) -> None:
        env = engine.engine

        @pass_context
        def lang(ctx: Context) -> str:
            request = ctx.get("request")
            if request is None:
                return settings.default_language
            return language_of(
                request.cookies, dict(request.query_params), settings.default_language
            )

        @pass_context
        def gettext(ctx: Context, thai: str) -> str:
            return translate(thai, lang(ctx))

        @pass_context
        def pgettext(ctx: Context, context: str, thai: str) -> str:
            return translate(thai, lang(ctx), context=context)

        @pass_context
        def ngettext(ctx: Context, singular: str, plural: str, n: int) -> str:
            return translate(singular if n == 1 else plural, lang(ctx))

        @pass_context
        def other_language(ctx: Context) -> Language:
            return other_than(lang(ctx))

        @pass_context
        def when(ctx: Context, at: datetime | None) -> str:
            return thai_datetime(at, lang(ctx))

        env.add_extension("jinja2.ext.i18n")
        # Old-style callables: jinja2 calls them through the context, so they see the request.
        env.install_gettext_callables(gettext, ngettext, newstyle=False, pgettext=pgettext)
        env.globals.update(
            lang=lang,
            other_language=other_language,
            when=when,
            words_url=words_url,
            settings=settings,
        )
        env.filters["baht"] = format_baht
        env.filters["be_date"] = be_date_value

    return setup
