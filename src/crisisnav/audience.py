"""The audience vocabulary of --for: the words people type, mapped to the dataset's audience
words, and the checks lookup and sheet share. Pure apart from reading the dataset passed in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from crisisnav import errors
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
                    f'--for: "{shorten(part.strip())}" is not an audience word',
                    hint="use words like trans, lgbtq, youth, veterans, native, deaf",
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
        raise errors.UsageError(
            f'--for: "{shorten(a)}" is not a known audience'
            + (f'; did you mean "{guess}"?' if guess else ""),
            hint="known: " + ", ".join(known),
        )
