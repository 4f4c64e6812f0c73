"""--lang es on lookup, places and the interactive mode (the catalog itself: test_i18n_catalog.py;
Spanish golden files: test_lookup_golden.py).

What must hold: everything a person reads is Spanish, except dataset text an entry has no Spanish
for, which is shown in English and marked "(en inglés)"; entries that answer in Spanish say so;
JSON and CSV keep every key and enum value exactly as in English; CRISISNAV_LANG works; --lang is
checked like any option."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from crisisnav import i18n
from crisisnav.cli import app
from test_lookup_support import AT, SMALL

QUERIES = ("Eugene, OR", "Springfield", "qxzv blorptown", "Lane County, OR", "Oregon")


def run(*args: str, env: dict[str, str] | None = None, data: Path = SMALL) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, [*args, "--data", str(data), "--at", AT] if args[0] == "lookup" else list(args),
        prog_name="crisisnav", env=env,
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- contract


ENUM_KEYS = {"status", "kind", "section", "police", "dispatch", "scope", "type", "state",
             "schema_version", "rank", "id", "open_now", "stale", "verified", "zip", "score",
             "timezone", "audiences", "languages", "hours", "sources", "value", "keyword",
             "resource_id", "status_since", "counties", "county", "city", "query"}  # fmt: skip


def _shape(obj: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every key path, with the value where the key holds an enum or a datum (not words)."""
    out: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.append((f"{path}.{k}", v if k in ENUM_KEYS else type(v).__name__))
            out += _shape(v, f"{path}.{k}")
    elif isinstance(obj, list):
        out.append((f"{path}[]", len(obj)))
        for i, v in enumerate(obj):
            out += _shape(v, f"{path}[{i}]")
    return out


@pytest.mark.parametrize("query", QUERIES)
def test_json_keys_and_enum_values_never_change(query: str) -> None:
    code_en, en, _ = run("lookup", query, "--format", "json")
    code_es, es, _ = run("lookup", query, "--format", "json", "--lang", "es")
    assert code_en == code_es
    assert _shape(json.loads(en)) == _shape(json.loads(es))


def test_json_text_follows_the_language() -> None:
    es = json.loads(run("lookup", "Eugene, OR", "--format", "json", "--lang", "es")[1])
    team = next(r for r in es["resources"] if r["id"] == "fixture-lane-co-responder")
    assert team["name"] == "Equipo Mixto del Condado de Lane (prueba)"
    assert team["how_to_ask"] == "Llame al 911 y pida el equipo mixto de prueba por su nombre."
    assert team["police_note"].startswith("Nota de prueba")
    assert team["kind"] == "co-responder" and team["section"] == "last-resort"  # enums unchanged
    assert all(w.startswith(("sección", "policía", "acceso", "alcance", "cerrado", "abierto",
                             "no se sabe", "atiende", "desactualizado")) for w in team["why"]), team["why"]  # fmt: skip
    line = next(r for r in es["resources"] if r["id"] == "fixture-national-crisis-line")
    assert line["caveats"] == ["Fixture caveat."]  # no Spanish: the English, unmarked in JSON
    assert line["contacts"][0]["label"] == "Call"
    assert es["notices"] and all("—" in n["text"] for n in es["notices"])
    assert any("dejó de funcionar" in n["text"] for n in es["notices"])


def test_csv_header_and_enums_never_change() -> None:
    en = list(csv.reader(io.StringIO(run("lookup", "Eugene, OR", "--format", "csv")[1])))
    es = list(
        csv.reader(io.StringIO(run("lookup", "Eugene, OR", "--format", "csv", "--lang", "es")[1]))
    )
    assert en[0] == es[0] and len(en) == len(es)
    header = en[0]
    for col in ("rank", "section", "id", "kind", "police", "dispatch", "scope", "status", "stale"):
        i = header.index(col)
        assert [row[i] for row in en] == [row[i] for row in es], col


# --------------------------------------------------------------------------- what a person reads


def test_untranslated_text_is_marked_and_translated_text_is_not() -> None:
    code, out, _ = run("lookup", "Eugene, OR", "--format", "plain", "--details", "--lang", "es")
    assert code == 0
    assert "cómo pedirlo: Llame al 911 y pida el equipo mixto de prueba por su nombre." in out
    assert "pida el equipo mixto de prueba por su nombre. (en inglés)" not in out
    assert "un ayudante del alguacil. (en inglés)" not in out
    assert "nota: Fixture caveat. (en inglés)" in out
    assert "Call 911 and ask for a CIT-trained officer. (en inglés)" in out
    # exactly the English-only fields of the listed entries: police notes of the national line,
    # the trans line and the mobile team; how to ask and the caveat of the mobile team; the
    # national line's caveat; the CIT's how to ask
    assert out.count("(en inglés)") == 7
    # its own words about whom to ask for, in Spanish, in the 911 line
    assert "solo se llega por medio del 911 — pida el equipo mixto de prueba por su nombre" in out


def test_entries_that_answer_in_spanish_say_so() -> None:
    from crisisnav import dataset

    spanish = {r.name for r in dataset.load(SMALL).resources if "es" in r.languages}
    for view in ((), ("--details",)):  # the compact answer and everything
        out = run("lookup", "Eugene, OR", "--format", "plain", "--lang", "es", *view)[1]
        heads = [m.group(1) for m in re.finditer(r"^\d+\. (.+)$", out, re.M)]
        marked = {h.split("  ")[0].split(" · ")[0] for h in heads if "atienden en español" in h}
        listed = {h.split("  ")[0].split(" · ")[0] for h in heads}
        assert marked == spanish & listed and marked, view
    english = run("lookup", "Eugene, OR", "--format", "plain", "--details")[1]
    assert "español" not in english and "Spanish" not in english


ENGLISH_WORDS = re.compile(
    r"\b(the|and|or|to|for|with|you|your|is|are|not|call|text|police|hours|open|closed|"
    r"section|verified|source|note|how|ask|reached|through|only|people|entry|entries|"
    r"directly|scope|why|languages|until|opens|ended|service|team|line)\b",
    re.IGNORECASE,
)


def _fully_spanish_dataset(tmp_path: Path) -> Path:
    """The fixture with Spanish for every text field (keeping the English digits, as validate
    requires), so any English left in the output comes from the program, not the data."""
    doc = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    for i, r in enumerate(doc["resources"]):

        def es(text: str, i: int = i) -> str:
            return " ".join(["Texto de prueba", chr(65 + i), *re.findall(r"[0-9]+", text)])

        block: dict[str, Any] = {"name": f"Servicio de prueba {chr(65 + i)}"}
        for f in ("how_to_ask", "police_note"):
            if r.get(f):
                block[f] = es(r[f])
        if r.get("caveats"):
            block["caveats"] = [es(c) for c in r["caveats"]]
        if any(c.get("label") for c in r["contacts"]):
            block["labels"] = [es(c["label"]) if c.get("label") else None for c in r["contacts"]]
        r["es"] = block
    path = tmp_path / "spanish.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("extra", [(), ("--details",), ("--explain",), ("--format", "markdown")])
@pytest.mark.parametrize(
    "query", ["Eugene, OR", "Lane County, OR", "Oregon", "Springfield", "qxzv"]
)
def test_no_english_words_in_spanish_output(
    tmp_path: Path, query: str, extra: tuple[str, ...]
) -> None:
    data = _fully_spanish_dataset(tmp_path)
    code, out, _ = run("lookup", query, "--lang", "es", "--format", "plain", *extra, data=data)
    assert code in (0, 1, 3)
    text = re.sub(r"https?://\S+", " ", out)  # addresses
    text = re.sub(r"crisisnav lookup \"[^\"]*\"", " ", text)  # a command to type
    text = re.sub(
        r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*(?: County| Parish)?, [A-Z]{2}\b", " ", text
    )  # places
    text = re.sub(r"\b[A-Z]{2}\b", " ", text)  # state codes
    for enum in ("respond", "call", "talk", "go", "communities", "last-resort", "directories",
                 "none", "possible", "co-responder", "police", "direct", "via-988",
                 "via-non-emergency", "via-911", "city", "county", "state", "national"):  # fmt: skip
        text = re.sub(rf"(sección|policía|acceso|alcance) {re.escape(enum)}\b", " ", text)
    leaks = sorted({m.group(0) for m in ENGLISH_WORDS.finditer(text)})
    assert leaks == [], (leaks, out)


# --------------------------------------------------------------------------- choosing the language


def test_crisisnav_lang_and_the_option() -> None:
    code, out, _ = run("lookup", "Eugene, OR", "--format", "plain", env={"CRISISNAV_LANG": "es"})
    assert code == 0 and "Alguien va a donde usted está" in out
    code, out, _ = run("lookup", "Eugene, OR", "--format", "plain", "--lang", "en",
                       env={"CRISISNAV_LANG": "es"})  # fmt: skip
    assert code == 0 and "Someone comes to you" in out


@pytest.mark.parametrize("cmd", [["lookup", "Eugene, OR"], ["places", "Eugene, OR"]])
def test_an_unknown_language_is_a_usage_error(cmd: list[str]) -> None:
    code, out, err = run(*cmd, "--lang", "fr")
    assert code == 2 and out == ""
    assert "--lang: 'fr' is not one of en, es" in err
    code, _, err = run(*cmd, env={"CRISISNAV_LANG": "klingon"})
    assert code == 2 and "CRISISNAV_LANG" in err


def test_usage_errors_are_in_the_chosen_language() -> None:
    code, _, err = run("lookup", "Eugene, OR", "--lang", "es", "--contact", "pigeon")
    assert code == 2 and "no es uno de" in err
    code, _, err = run("lookup", "--lang", "es")
    assert code == 2 and "indique un lugar para buscar" in err and "sugerencia:" in err


def test_help_says_how_lang_differs_from_language() -> None:
    out = (
        CliRunner()
        .invoke(app, ["lookup", "--help"], prog_name="crisisnav", env={"COLUMNS": "200"})
        .stdout
    )
    squeezed = " ".join(out.split())
    assert "--lang" in squeezed and "Not the same as --language" in squeezed
    assert "--lang sets the language crisisnav itself writes in" in squeezed


def test_places_in_spanish() -> None:
    code, out, _ = run("places", "Eugene, OR", "--lang", "es", "--format", "plain")
    assert code == 0
    assert out.splitlines()[:2] == ["consulta: Eugene, OR", "resultado: encontrado"]
    assert "zona horaria: America/Los_Angeles" in out and "condado: Lane County" in out
    code, out, _ = run("places", "Springfield", "--lang", "es", "--format", "plain")
    assert code == 3 and "candidatos:" in out and "Agregue un estado para elegir" in out
    en = json.loads(run("places", "Springfield", "--format", "json")[1])
    es = json.loads(run("places", "Springfield", "--format", "json", "--lang", "es")[1])
    assert _shape(en) == _shape(es)
    assert es["message"] != en["message"] and es["status"] == "ambiguous"


def test_the_interactive_loop_in_spanish() -> None:
    from crisisnav import dataset, interactive
    from crisisnav.flow import Options

    answers = iter(["?", "Eugene, OR", "salir"])
    said: list[str] = []
    with i18n.using("es"):
        code = interactive.run(
            Options(fmt="plain", data=SMALL), read=lambda prompt: (said.append(prompt), next(answers))[1],
            out=said.append, dataset=dataset.load(SMALL),
        )  # fmt: skip
    text = "".join(said)
    assert code == 0
    assert "crisisnav: alternativas a llamar a la policía, por lugar." in text
    assert "lugar> " in text and "Nada de lo que escribe se guarda" in text
    assert "Alguien va a donde usted está" in text
    assert i18n.current() == "en"


def test_pick_list_in_spanish() -> None:
    from crisisnav import interactive
    from crisisnav.models import Resolution
    from crisisnav.resolve import resolve

    res: Resolution = resolve("Springfield")
    said: list[str] = []
    prompts: list[str] = []
    answers = iter(["99", "2"])
    with i18n.using("es"):
        got = interactive.ask_pick(
            res, read=lambda p: (prompts.append(p), next(answers))[1], say=said.append
        )
    assert got == res.candidates[1]
    assert said[0] == '"Springfield" corresponde a varios lugares:'
    assert prompts[0].startswith("Elija 1-") and "Enter o q para cancelar" in prompts[0]
    assert any("Escriba un número del 1 al" in s for s in said)


def test_a_code_label_stays_hidden_when_translated() -> None:
    """Compact lines hide a label that is only a code ("US"); its translation ("EE. UU.") is
    hidden too: what decides is the entry's own label, not its length in another language."""
    import dataclasses

    from crisisnav import dataset
    from crisisnav.models import Contact, RankedResource, Translation
    from crisisnav.render.common import compact_lines

    base = next(r for r in dataset.load(SMALL).resources if r.id == "fixture-trans-peer-line")
    r = dataclasses.replace(
        base,
        contacts=(Contact("phone", "541-555-0100", label="US"),),
        translations=(("es", Translation(labels=("EE. UU.",))),),
    )
    item = RankedResource(rank=1, resource=r, section="communities", scope="national",
                          open_now=None, stale=False, why=(), hours_state=("always", {}))  # fmt: skip
    for lang in ("en", "es"):
        with i18n.using(lang):
            text = " ".join(t for line in compact_lines(item) for t, _role in line.spans)
        assert "541-555-0100" in text and "(US)" not in text and "EE. UU." not in text, (lang, text)
