"""Pure text normalisation for place queries and gazetteer keys. No I/O, no heavy imports.

`normalize(text)` maps any string to a canonical key made only of ``[a-z0-9]`` words separated
by single spaces: case folded, accents removed (Española = espanola), punctuation dropped
(St.Louis = st louis, O'Fallon = ofallon, Winston-Salem = winston salem), initialisms joined
(D.C. = dc, U.S.A. = usa) and common abbreviations spelt out (St./Saint = saint, Ste. = sainte,
Ft. = fort, Mt. = mount, ...). The same function builds the gazetteer keys, so a query and
a place meet whichever way either was written. It is idempotent: normalize(normalize(x)) ==
normalize(x).

`parse(key)` splits a normalised query into its parts: a trailing state (name, code or old
abbreviation like "calif"), a trailing "USA", a county suffix (County, Co., Parish, Borough,
Census Area, Municipality, Municipio), a ZIP or ZIP+4, and a trailing foreign country or
Canadian province (so "London, UK" is recognised as outside the US).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200  # longer input is rejected before any work (no place name is this long)

# The 50 states, DC and the inhabited territories the `zipcodes` package covers.
STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip
TERRITORIES: dict[str, str] = {
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    "GU": "Guam",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}
ALL_STATES: dict[str, str] = {**STATES, **TERRITORIES}

# Old-style (AP / Government Printing Office) abbreviations people still write.
_STATE_ABBREVS: dict[str, str] = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO",
    "conn": "CT", "del": "DE", "fla": "FL", "ill": "IL", "ind": "IN", "kan": "KS",
    "kans": "KS", "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS", "mont": "MT",
    "neb": "NE", "nebr": "NE", "nev": "NV", "okla": "OK", "ore": "OR", "oreg": "OR",
    "penn": "PA", "penna": "PA", "tenn": "TN", "tex": "TX", "wash": "WA", "wis": "WI",
    "wisc": "WI", "wyo": "WY", "w va": "WV", "wva": "WV",
    "virgin islands": "VI", "us virgin islands": "VI",
}  # fmt: skip

# Trailing words meaning "in the US", dropped.
_USA_SUFFIXES = (
    "united states of america",
    "united states",
    "usa",
    "us",
    "u s a",
)  # not "america": Young America, MN

# Trailing words that put a query outside the US: countries and Canadian provinces.
FOREIGN: frozenset[str] = frozenset(
    {
        "uk", "united kingdom", "great britain", "britain", "england", "scotland", "wales",
        "northern ireland", "ireland", "france", "germany", "deutschland", "spain", "espana",
        "italy", "italia", "portugal", "netherlands", "holland", "belgium", "switzerland",
        "austria", "sweden", "norway", "denmark", "finland", "poland", "greece", "turkey",
        "russia", "ukraine", "canada", "mexico", "brazil", "argentina", "colombia", "peru",
        "chile", "venezuela", "cuba", "jamaica", "haiti", "dominican republic", "honduras",
        "guatemala", "el salvador", "nicaragua", "costa rica", "panama", "china", "japan",
        "korea", "south korea", "india", "pakistan", "bangladesh", "philippines", "vietnam",
        "thailand", "indonesia", "malaysia", "singapore", "australia", "new zealand", "nigeria",
        "kenya", "south africa", "egypt", "morocco", "ethiopia", "ghana", "israel", "iran",
        "iraq", "saudi arabia", "uae", "united arab emirates",
        # Canadian provinces and their postal codes
        "ontario", "quebec", "british columbia", "alberta", "manitoba", "saskatchewan",
        "nova scotia", "new brunswick", "newfoundland", "prince edward island", "yukon",
        "nunavut", "northwest territories", "on", "qc", "bc", "ab", "mb", "sk", "ns", "nb",
        "nl", "pe", "pei", "yt", "nu", "nt",
    }
)  # fmt: skip

# County-type suffixes: how a query says "the county, not the city".
_COUNTY_SUFFIXES: tuple[tuple[str, str], ...] = (
    # (query words, canonical suffix used in gazetteer keys)
    ("city and borough", "city and borough"),
    ("census area", "census area"),
    ("municipality", "municipality"),
    ("municipio", "municipio"),
    ("county", "county"),
    ("cnty", "county"),
    ("co", "county"),
    ("parish", "parish"),
    ("borough", "borough"),
    ("boro", "borough"),
)
COUNTY_SUFFIX_WORDS = frozenset(c for _, c in _COUNTY_SUFFIXES)

# Word abbreviations spelt out in every key (query and gazetteer alike).
_WORDS: dict[str, str] = {
    "st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "mtn": "mountain",
    "mtns": "mountains", "pt": "point", "hts": "heights", "hgts": "heights", "spgs": "springs",
    "spg": "spring", "jct": "junction", "twp": "township", "vlg": "village", "bch": "beach",
    "hbr": "harbor", "lk": "lake", "vly": "valley", "fls": "falls", "cyn": "canyon",
    "cnty": "county", "boro": "borough", "ctr": "center",
    # more USPS abbreviations ("Twn N Cntry" = Town 'n' Country, "Hls", "Gdns", "Crk")
    "twn": "town", "cntry": "country", "hls": "hills", "gdns": "gardens", "crk": "creek",
    "lndg": "landing", "shrs": "shores", "hghts": "heights",
}  # fmt: skip
_LEADING_DIRECTIONS = {"n": "north", "s": "south", "e": "east", "w": "west"}

_CHAR_MAP = str.maketrans(
    {
        "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l",
        "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i", "&": " and ", "'": "", "’": "",
        "‘": "", "`": "", "´": "", "ʻ": "",  # apostrophes (incl. Hawaiian ʻokina) join words
    }
)  # fmt: skip
_INITIALISM = re.compile(r"(?<![a-z0-9])((?:[a-z]\.){2,})")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_PLAIN = re.compile(r"[A-Za-z0-9 ,]*")


def normalize(text: str) -> str:
    """Canonical key of text (see the module docstring). Idempotent; never raises on a str."""
    if not text:
        return ""
    if len(text) > 4 * MAX_QUERY_CHARS:
        text = text[: 4 * MAX_QUERY_CHARS]
    if text.isascii() and _PLAIN.fullmatch(text):  # fast path: letters, spaces, commas only
        words = text.lower().replace(",", " ").split()
        if not words:
            return ""
        return _expand(words)
    s = text.translate(_CHAR_MAP)
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold()
    if not s.isascii():
        s = s.translate(_CHAR_MAP)
    if "." in s:
        s = _INITIALISM.sub(lambda m: m.group(1).replace(".", "") + " ", s)
    words = _NON_WORD.sub(" ", s).split()
    if not words:
        return ""
    return _expand(words)


def _expand(words: list[str]) -> str:
    last = words[-1]
    words = [_WORDS.get(w, w) for w in words]
    if last == "mt":  # a final "MT" is Montana ("Helena MT"), not "Mount"
        words[-1] = "mt"
    if len(words) > 1 and words[0] in _LEADING_DIRECTIONS:
        words[0] = _LEADING_DIRECTIONS[words[0]]
    return " ".join(words)


def compact(key: str) -> str:
    """The key without spaces: "o fallon" and "ofallon", "de kalb" and "dekalb" meet here."""
    return key.replace(" ", "")


def _state_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name in ALL_STATES.items():
        table[code.lower()] = code
        table[normalize(name)] = code
    table["virgin islands"] = "VI"
    for abbrev, code in _STATE_ABBREVS.items():
        table[normalize(abbrev)] = code
    return table


STATE_KEYS: dict[str, str] = _state_table()  # normalised state name / code / abbreviation -> code
_MAX_STATE_WORDS = max(len(k.split()) for k in STATE_KEYS)
_MAX_FOREIGN_WORDS = max(len(k.split()) for k in FOREIGN)
_ZIP = re.compile(r"^\d{5}$")
_ZIP_PREFIXES = ("zip code", "zipcode", "zip")


def state_code(text: str) -> str | None:
    """Two-letter code for a state (or territory) name, code or abbreviation; None otherwise."""
    return STATE_KEYS.get(normalize(text))


@dataclass(frozen=True)
class Parsed:
    """A normalised query split into its parts."""

    key: str  # the whole normalised query
    name: str  # the place-name part ("eugene", "lane county" -> "lane")
    state: str | None = None  # trailing state, as a two-letter code
    state_words: str = ""  # the words read as the state ("or", "oregon")
    county: bool = False  # a county suffix was given (name is then the base name)
    suffix: str = ""  # canonical county suffix given ("county", "parish", ...)
    zip: str | None = None  # a 5-digit ZIP found in the query
    foreign: str | None = None  # a trailing country/province outside the US


def _strip_trailing(
    words: list[str], table: frozenset[str] | dict[str, str], most: int
) -> tuple[list[str], str]:
    """Remove the longest trailing run of words found in table; return (rest, removed)."""
    for n in range(min(most, len(words)), 0, -1):
        tail = " ".join(words[-n:])
        if tail in table:
            return words[:-n], tail
    return words, ""


def split_county(name: str) -> tuple[str, str]:
    """("lane county" -> ("lane", "county")); ("lane" -> ("lane", "")). Keeps a bare suffix."""
    words = name.split()
    for query_words, canonical in _COUNTY_SUFFIXES:
        qw = query_words.split()
        if len(words) > len(qw) and words[-len(qw) :] == qw:
            return " ".join(words[: -len(qw)]), canonical
    return name, ""


def parse(key: str) -> Parsed:
    """Split a normalised query (the output of normalize) into name, state, county, ZIP."""
    words = key.split()
    # a trailing "USA" (possibly twice: "Eugene OR US")
    for _ in range(2):
        words, removed = _strip_trailing(words, frozenset(_USA_SUFFIXES), 4)
        if not removed:
            break
    # ZIP or ZIP+4 anywhere ("97401", "97401 1234", "974011234", "Eugene OR 97401")
    zip_code = None
    for i, w in enumerate(words):
        if _ZIP.match(w):
            zip_code = w
            rest = words[:i] + words[i + 1 :]
            if i + 1 < len(words) and len(words[i + 1]) == 4 and words[i + 1].isdigit():
                rest = words[:i] + words[i + 2 :]
            words = rest
            break
        if len(w) == 9 and w.isdigit():
            zip_code = w[:5]
            words = words[:i] + words[i + 1 :]
            break
    if zip_code is not None:
        for prefix in _ZIP_PREFIXES:
            pw = prefix.split()
            if words[: len(pw)] == pw:
                words = words[len(pw) :]
                break
    if len(words) > 1 and words[-1] == "state" and " ".join(words[:-1]) in STATE_KEYS:
        words = words[:-1]  # "Washington State", "New York State"
    elif len(words) > 2 and words[:2] == ["state", "of"] and " ".join(words[2:]) in STATE_KEYS:
        words = words[2:]  # "State of Oregon"
    rest, state_words = _strip_trailing(words, STATE_KEYS, _MAX_STATE_WORDS)
    state = STATE_KEYS[state_words] if state_words else None
    foreign = None
    if state is None and len(words) > 1:
        rest2, removed = _strip_trailing(words, FOREIGN, _MAX_FOREIGN_WORDS)
        if removed and rest2:
            foreign = removed
            rest = rest2
    name = " ".join(rest)
    base, suffix = split_county(name)
    return Parsed(
        key=key,
        name=base,
        state=state,
        state_words=state_words,
        county=bool(suffix),
        suffix=suffix,
        zip=zip_code,
        foreign=foreign,
    )


def osa_within_one(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return b[i + 1 :] == a[i:]
