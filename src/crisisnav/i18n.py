"""The language of everything shown: one gettext message catalog per language.

English is the source language: its strings are the msgids in the code, so `--lang en` needs no
catalog and imports nothing (start-up time is a feature). Any other language loads its compiled
catalog, `locale/<lang>/LC_MESSAGES/crisisnav.mo`, with the standard library's gettext, the first
time that language is chosen.

In the code:
- `_("text")` translates now (inside functions, at the time the text is shown);
- `N_("text")` only marks a string for extraction (module-level tables); the code that shows it
  calls `_()` on it then;
- `ngettext("one entry", "{n} entries", n)` for counts.
Placeholders are str.format names (`{place}`), never positional, so a translation can reorder
them; tests check that every translation keeps exactly the placeholders of its msgid.

The catalogs: `src/crisisnav/locale/<lang>/LC_MESSAGES/crisisnav.po` (edited by people), compiled
to `.mo` by `python scripts/i18n.py compile` (shipped in the wheel); `python scripts/i18n.py
extract` refreshes the template and adds new msgids to every .po. The language is chosen once per
command with `use()` (the `--lang` option, else CRISISNAV_LANG, else English).

Dataset text (how to ask, caveats, police notes) is not in the catalog: entries carry their own
translations (`es:` in data/resources.yaml; render.words.localized picks them).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LANGS = ("en", "es")  # the languages --lang accepts; English is the source language
DEFAULT = "en"
ENV = "CRISISNAV_LANG"
DOMAIN = "crisisnav"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_lang = DEFAULT
_gettext: Callable[[str], str] | None = None  # None: English, strings pass through
_ngettext: Callable[[str, str, int], str] | None = None


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for the catalog without translating it (tables built at import time)."""
    return message


def _(message: str) -> str:
    """The message in the current language (the msgid itself in English, or when untranslated)."""
    if _gettext is None:
        return message
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for n, in the current language."""
    if _ngettext is None:
        return singular if n == 1 else plural
    return _ngettext(singular, plural, n)


def current() -> str:
    """The language in use: "en" or "es"."""
    return _lang


def choose(option: str | None) -> str:
    """The language to use: --lang when given, else CRISISNAV_LANG, else English. An unknown
    value is a usage error (exit 2) naming the choices."""
    from crisisnav import errors

    value = option if option is not None else os.environ.get(ENV) or DEFAULT
    code = value.strip().lower().replace("_", "-").split("-")[0]  # es-MX, es_US -> es
    if code not in LANGS:
        where = "--lang" if option is not None else ENV
        raise errors.UsageError(f"{where}: {value!r} is not one of {', '.join(LANGS)}")
    return code


def use(lang: str) -> None:
    """Show everything in lang from now on (loads its catalog the first time)."""
    global _lang, _gettext, _ngettext
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGS)}")
    _lang = lang
    if lang == DEFAULT:
        _gettext = _ngettext = None
        return
    catalog = _catalog(lang)
    _gettext = catalog.gettext
    _ngettext = catalog.ngettext


_CATALOGS: dict[str, object] = {}


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    """The compiled catalog of lang (cached). A missing .mo is a packaging error: say so."""
    hit = _CATALOGS.get(lang)
    if hit is not None:
        return hit
    import gettext

    try:
        catalog = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])
    except OSError as exc:
        from crisisnav import errors

        raise errors.CrisisNavError(
            f"the {lang} message catalog is missing from this installation ({exc.filename})",
            hint="reinstall crisisnav; from a checkout run: python scripts/i18n.py compile",
        ) from None
    _CATALOGS[lang] = catalog
    return catalog


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Show everything in lang inside the block, then go back (tests, library callers)."""
    before = _lang
    use(lang)
    try:
        yield
    finally:
        use(before)
