"""What an error page may tell the visitor about why: only our own translated sentences.

Django gives the 404 and 403 templates the exception's message. Ours are sentences of the
apps' catalogs ("Desa ini tidak punya dusun, RW atau RT dengan nomor ini."); others are
Django's internals in English ("No Resident matches the given query.", "Resolver404") or
could carry what a visitor typed. So a message is shown only when it is, word for word, a
sentence of one of our catalogs in the active language, without any placeholder: a sentence
filled with values (a name, a NIK) is never shown.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django import template
from django.apps import apps
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

register = template.Library()


@cache
def _sentences(language: str) -> frozenset[str]:
    found: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("satudata."):
            continue
        mo = Path(config.path) / "locale" / "id" / "LC_MESSAGES" / "django.mo"
        if not mo.exists():
            continue
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001
        for msgid, msgstr in catalog.items():
            if not isinstance(msgid, str) or not msgid:
                continue  # the header, and plural forms (always filled with a number)
            # Our msgids are English; Indonesian pages show the translation.
            text = msgstr if language == "id" else msgid
            if text and "%" not in text:
                found.add(text)
    return frozenset(found)


@register.filter
def public_reason(message) -> str:
    """The message when it is one of our translated sentences, else ''."""
    text = str(message or "").strip()
    if not text:
        return ""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return text if text in _sentences(language) else ""


@register.simple_tag(takes_context=True)
def back_url(context) -> str:
    """The page the visitor came from, when it is one of ours (not this very page)."""
    request = context.get("request")
    if request is None:
        return ""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or not url_has_allowed_host_and_scheme(referer, {host}, request.is_secure()):
        return ""
    if urlsplit(referer).path == request.path:
        return ""
    return referer
