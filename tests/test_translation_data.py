"""Dataset text in Spanish: the `es:` block of an entry (data/schema.json `translation`), its
validate rules (translation-numbers, translation-shape, translation-partial), the loader and
cache round trip, and the shipped dataset's coverage (every national and state entry)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crisisnav import dataset
from crisisnav.validate import validate_text

SMALL = Path(__file__).parent / "data" / "valid" / "small.yaml"
ANCHOR = '    sources: ["https://example.org/fixture-national"]\n'


def with_es(block: str) -> str:
    """The fixture dataset with an es: block added to its first entry (988, one caveat,
    contacts: a phone labelled "Call" and an unlabelled chat)."""
    text = SMALL.read_text(encoding="utf-8")
    assert ANCHOR in text
    return text.replace(ANCHOR, ANCHOR + block, 1)


def codes(text: str) -> list[tuple[str, str]]:
    return [
        (p.code, p.severity)
        for p in validate_text(text, "x.yaml")
        if p.code.startswith("translation")
    ]


GOOD = """\
    es:
      name: Línea Nacional de Prueba
      police_note: Nota de prueba - los consejeros pueden llamar a emergencias.
      caveats: [Advertencia de prueba.]
      labels: [Llamar, null]
"""


def test_a_complete_translation_is_clean_and_loads(tmp_path: Path) -> None:
    text = with_es(GOOD)
    assert codes(text) == []
    path = tmp_path / "es.yaml"
    path.write_text(text, encoding="utf-8")
    for use_cache in (False, True, True):  # parsed, then written to the cache, then read back
        r = dataset.load(path, use_cache=use_cache).resources[0]
        t = r.translation("es")
        assert t is not None
        assert t.name == "Línea Nacional de Prueba"
        assert t.caveats == ("Advertencia de prueba.",)
        assert t.labels == ("Llamar", None)
        assert r.translation("fr") is None
    other = dataset.load(path, use_cache=False).resources[1]
    assert other.translation("es") is None and other.translations == ()


@pytest.mark.parametrize(
    ("block", "want"),
    [
        # a number the English does not have, and one it has that the translation dropped
        ("    es:\n      police_note: Nota 12.\n      caveats: [x.]\n", "translation-numbers"),
        ("    es:\n      name: Línea Nacional\n      caveats: [x.]\n      police_note: y\n",
         None),  # the English name has no digits either
        # caveats and labels must line up with the English ones
        ("    es:\n      caveats: [Uno., Dos.]\n      police_note: y\n", "translation-shape"),
        ("    es:\n      labels: [Llamar, Chat, Extra]\n      caveats: [x.]\n      police_note: y\n",
         "translation-shape"),
        # a label for a contact that has none in English, a field the English lacks
        ("    es:\n      labels: [Llamar, Chat]\n      caveats: [x.]\n      police_note: y\n",
         "translation-shape"),
        ("    es:\n      how_to_ask: Llame.\n      caveats: [x.]\n      police_note: y\n",
         "translation-shape"),
    ],
)  # fmt: skip
def test_translation_rules(block: str, want: str | None) -> None:
    got = codes(with_es(block))
    if want is None:
        assert got == []
    else:
        assert (want, "error") in got, got


def test_numbers_must_match_both_ways() -> None:
    english_988 = with_es("    es:\n      caveats: [x.]\n      police_note: y\n").replace(
        "    caveats: [Fixture caveat.]", "    caveats: [Call 988 or 1-800-555-0100.]", 1
    )
    assert ("translation-numbers", "error") in codes(english_988)  # "x." dropped every number
    fixed = english_988.replace("caveats: [x.]", 'caveats: ["Llame al 988 o al 1-800-555-0100."]')
    assert codes(fixed) == []
    swapped = fixed.replace(
        '"Llame al 988 o al 1-800-555-0100."', '"Llame al 988 o al 1-800-555-0199."'
    )
    assert ("translation-numbers", "error") in codes(swapped)


def test_a_partial_translation_is_a_warning() -> None:
    got = codes(with_es("    es:\n      caveats: [Advertencia.]\n"))
    assert got == [("translation-partial", "warning")]  # police_note left out: shown in English


def test_unknown_fields_in_es_are_refused() -> None:
    problems = validate_text(with_es("    es:\n      hours: [lunes]\n"), "x.yaml")
    assert any(p.code == "unknown-field" and p.severity == "error" for p in problems)


# --------------------------------------------------------------------------- the shipped data


def _state_or_national(r: object) -> bool:
    serves = r.serves  # type: ignore[attr-defined]
    return all(a.national or (a.state and not a.county and not a.city) for a in serves)


def test_every_national_and_state_entry_is_translated_whole() -> None:
    ds = dataset.load(dataset.packaged_path(), use_cache=False)
    wanted = [r for r in ds.resources if _state_or_national(r)]
    assert len(wanted) >= 50  # a floor so the loop below cannot pass vacuously
    for r in wanted:
        t = r.translation("es")
        assert t is not None, f"{r.id} has no es: block"
        assert (t.how_to_ask is None) == (r.how_to_ask is None), r.id
        assert (t.police_note is None) == (r.police_note is None), r.id
        assert len(t.caveats) == len(r.caveats), r.id
        if any(c.label for c in r.contacts):
            assert [lab is None for lab in t.labels] == [c.label is None for c in r.contacts], r.id


def test_988_uses_the_lifelines_own_spanish_name() -> None:
    ds = dataset.load(dataset.packaged_path())
    lifeline = next(r for r in ds.resources if r.id == "us-988-lifeline")
    t = lifeline.translation("es")
    assert t is not None and t.name == "Línea 988 de Prevención del Suicidio y Crisis"
    # State 988 entries say the same name, then the state.
    names = [t.name for r in ds.resources if (t := r.translation("es")) and t.name]
    assert (
        sum(n.startswith("Línea 988 de Prevención del Suicidio y Crisis en ") for n in names) >= 20
    )


def test_shipped_translations_keep_every_number() -> None:
    """The same check as translation-numbers, over the shipped file directly (so it fails here
    even if the rule were switched off)."""
    ds = dataset.load(dataset.packaged_path())
    digits = re.compile(r"[0-9]+")
    for r in ds.resources:
        t = r.translation("es")
        if t is None:
            continue
        pairs = [(r.how_to_ask, t.how_to_ask), (r.police_note, t.police_note)]
        pairs += list(zip(r.caveats, t.caveats, strict=False))
        pairs += [(c.label, lab) for c, lab in zip(r.contacts, t.labels, strict=False)]
        for en, es in pairs:
            if en and es:
                assert set(digits.findall(en)) == set(digits.findall(es)), (r.id, es)
