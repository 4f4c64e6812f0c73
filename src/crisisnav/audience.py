"""The audience vocabulary of --for: the words people type, mapped to the dataset's audience
words, and the checks lookup and sheet share. Pure apart from reading the dataset passed in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from crisisnav import errors
from crisisnav.i18n import _
from crisisnav.render.echo import shorten

if TYPE_CHECKING:
    from crisisnav.models import Dataset

# Words people type for an audience -> the dataset's audience word.
AUDIENCE_SYNONYMS = {
    "veteran": "veterans",
    "vets": "veterans",
    "vet": "veterans",
    "lgbt": "lgbtq",
    "lgbtq+": "lgbtq",
    "lgbtqia": "lgbtq",
    "lgbtqia+": "lgbtq",
    "lgbtqi": "lgbtq",
    "queer": "lgbtq",
    "gay": "lgbtq",
    "transgender": "trans",
    "trans+": "trans",
    "indigenous": "native",
    "native-american": "native",
    "hard-of-hearing": "deaf",
    "hoh": "deaf",
    "spanish": "spanish-speaking",
    "youths": "youth",
    "young": "youth",
}


def parse_audiences(values: Iterable[str] | None) -> tuple[str, ...]:
    """--for words, comma-separated or repeated, lower-cased and mapped through the synonyms.
    Which words are known depends on the dataset: see check_audiences."""
    from crisisnav.rank import BASE_SECTIONS

    out: list[str] = []
    for raw in values or ():
        for part in raw.split(","):
            a = "-".join(part.strip().lower().split())
            if not a:
                continue
            a = AUDIENCE_SYNONYMS.get(a, a)
            if (
                not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in a)
                or a in BASE_SECTIONS
            ):
                raise errors.UsageError(
                    _('--for: "{word}" is not an audience word').format(word=shorten(part.strip())),
                    hint=_("use words like trans, lgbtq, youth, veterans, native, deaf"),
                )
            if a not in out:
                out.append(a)
    return tuple(out)


def known_audiences(ds: Dataset) -> tuple[str, ...]:
    from crisisnav.models import AUDIENCES

    extra = sorted({a for r in ds.resources for a in r.audiences} - set(AUDIENCES))
    return (*AUDIENCES, *extra)


def check_audiences(audiences: Iterable[str], ds: Dataset) -> None:
    """Usage error (exit 2), with a did-you-mean, for a --for word that no entry could match."""
    known = known_audiences(ds)
    for a in audiences:
        if a in known:
            continue
        from difflib import get_close_matches

        close = get_close_matches(a, [*known, *AUDIENCE_SYNONYMS], n=1, cutoff=0.6)
        guess = AUDIENCE_SYNONYMS.get(close[0], close[0]) if close else None
        message = _('--for: "{word}" is not a known audience').format(word=shorten(a))
        if guess:
            message += _('; did you mean "{guess}"?').format(guess=guess)
        raise errors.UsageError(message, hint=_("known: {words}").format(words=", ".join(known)))


# Words people type for a language -> the code the dataset's `languages` lists use.
LANGUAGE_NAMES = {
    "english": "en", "inglés": "en", "ingles": "en",
    "spanish": "es", "español": "es", "espanol": "es", "castellano": "es",
    "chinese": "zh", "mandarin": "zh", "cantonese": "zh", "中文": "zh",
    "farsi": "fa", "persian": "fa", "dari": "fa",
    "sign": "asl", "sign-language": "asl", "american-sign-language": "asl",
    "vietnamese": "vi", "korean": "ko", "tagalog": "tl", "filipino": "tl", "arabic": "ar",
    "russian": "ru", "french": "fr", "haitian-creole": "ht", "creole": "ht",
    "portuguese": "pt", "somali": "so", "hmong": "hmn", "navajo": "nv",
}  # fmt: skip


def check_language(word: str | None, ds: Dataset) -> str | None:
    """--language: a language code the dataset uses ("es"), or a name people type for it
    ("Spanish", "español") mapped to its code; anything else is a usage error (exit 2) with
    a did-you-mean, never an empty answer that hides every option."""
    if word is None:
        return None
    key = "-".join(word.strip().lower().split())
    code = LANGUAGE_NAMES.get(key, key)
    known = sorted({x.lower() for r in ds.resources for x in r.languages})
    if code in known:
        return code
    from difflib import get_close_matches

    close = get_close_matches(key, [*known, *LANGUAGE_NAMES], n=1, cutoff=0.6)
    guess = LANGUAGE_NAMES.get(close[0], close[0]) if close else None
    if code == key:
        message = _('--language: "{word}" is not a language code')
    else:
        message = _('--language: "{word}" ({code}) is listed by no entry')
    message = message.format(word=shorten(word.strip()), code=code)
    if guess and guess in known:
        message += _('; did you mean "{guess}"?').format(guess=guess)
    raise errors.UsageError(
        message,
        hint=_('codes the dataset lists: {codes} (names work too: "spanish")').format(
            codes=", ".join(known)
        ),
    )
