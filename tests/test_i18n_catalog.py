"""The message catalog (crisisnav.i18n, scripts/i18n.py): every string the code shows through _()
is in the Spanish .po with a translation that keeps its placeholders and numbers; the compiled
.mo is not stale against the .po; the wheel ships it; every message the resolver writes has a
Spanish wording; English needs no catalog at all."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
import tomllib

from crisisnav import i18n

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "crisisnav"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = mod
    spec.loader.exec_module(mod)
    return mod


tool = _tool()


def test_every_catalog_is_complete_and_compiled() -> None:
    assert tool.languages() == ["es"]
    for lang in tool.languages():
        assert tool.problems(lang) == [], lang
    code = tool.extract()
    assert len(code) >= 250  # the catalog holds what lookup, places, sheets and the loop say


def test_a_language_is_declared_everywhere_it_is_needed() -> None:
    """--lang, the catalogs, the entries' own text and the schema name the same languages
    (docs/code-contributing.md, "Add a language")."""
    import json

    from crisisnav.models import TEXT_LANGS

    others = set(i18n.LANGS) - {i18n.DEFAULT}
    assert others == set(tool.languages()) == set(TEXT_LANGS)
    schema = json.loads((PKG / "data" / "schema.json").read_text(encoding="utf-8"))
    props = schema["$defs"]["resource"]["properties"]
    for lang in TEXT_LANGS:
        assert props[lang] == {"$ref": "#/$defs/translation"}


def test_a_missing_msgid_fails_the_check(tmp_path: Path) -> None:
    po = tmp_path / "crisisnav.po"
    text = tool.po_path("es").read_text(encoding="utf-8")
    cut = text.replace('msgid "Someone comes to you"\nmsgstr "Alguien va a donde usted está"\n', "")
    assert cut != text
    po.write_text(cut, encoding="utf-8")
    found = tool.problems("es", po=po, mo=tool.mo_path("es"))
    assert any("missing msgid 'Someone comes to you'" in p for p in found), found


def test_a_stale_mo_fails_the_check(tmp_path: Path) -> None:
    po, mo = tmp_path / "crisisnav.po", tmp_path / "crisisnav.mo"
    shutil.copy(tool.mo_path("es"), mo)
    text = tool.po_path("es").read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Directorios"', 'msgstr "Directorios de recursos"'), "utf-8")
    assert any("stale" in p for p in tool.problems("es", po=po, mo=mo))
    mo.write_bytes(tool.compile_mo(*tool.read_po(po)))  # recompiled: good again
    assert tool.problems("es", po=po, mo=mo) == []


def test_placeholders_and_numbers_must_survive_translation(tmp_path: Path) -> None:
    po = tmp_path / "crisisnav.po"
    text = tool.po_path("es").read_text(encoding="utf-8")
    for old, new in (
        ('msgstr "Horario: {rules}"', 'msgstr "Horario: {reglas}"'),  # a renamed placeholder
        ("hace más de 12 meses", "hace más de 6 meses"),  # a changed number
    ):
        assert old in text
        po.write_text(text.replace(old, new, 1), encoding="utf-8")
        mo = tmp_path / "crisisnav.mo"
        mo.write_bytes(tool.compile_mo(*tool.read_po(po)))
        assert tool.problems("es", po=po, mo=mo), old


def test_msgids_are_literals() -> None:
    bad = tool.dynamic_calls('x = _(f"hello {name}")\ny = _("plain")\n')
    assert bad == [1]


def test_mo_round_trips_through_gettext(tmp_path: Path) -> None:
    """The .mo writer's output is what the standard library's gettext reads."""
    import gettext

    with tool.mo_path("es").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    assert catalog.gettext("Someone comes to you") == "Alguien va a donde usted está"
    assert catalog.ngettext("county", "counties", 1) == "condado"
    assert catalog.ngettext("county", "counties", 3) == "condados"


def test_the_wheel_ships_the_compiled_catalog() -> None:
    """package-data names the .mo, and compiling needs nothing at build time (it is committed)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = conf["tool"]["setuptools"]["package-data"]["crisisnav"]
    mo = tool.mo_path("es").relative_to(PKG)
    assert any(mo.match(g) for g in globs), globs
    assert (PKG / mo).is_file()


# --------------------------------------------------------------------------- resolver messages


def _written_messages() -> list[str]:
    """Every message text the resolver, the batch reader and places can put in a Resolution,
    with f-string holes filled by samples (so a new wording fails the test below)."""
    out: list[str] = []
    for rel in ("resolve.py", "flow.py", "commands/places.py"):
        tree = ast.parse((PKG / rel).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            values: list[ast.AST] = []
            if isinstance(node, ast.keyword) and node.arg == "message":
                values.append(node.value)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_not_found":
                values.extend(node.args[1:2])
            for v in values:
                for text in _samples(v):
                    out.append(text)
    return out


def _samples(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            else:
                parts.append("7")  # a number, a ZIP, a state: every pattern hole takes it
        return ["".join(parts)]
    if isinstance(node, ast.IfExp):
        return _samples(node.body) + _samples(node.orelse)
    if isinstance(node, ast.BinOp):  # "a" + "b": the left part is what the table matches
        return [s + r for s in _samples(node.left) for r in (_samples(node.right) or [""])]
    return []


def test_every_resolver_message_has_a_spanish_wording() -> None:
    from crisisnav.render.words import resolution_message

    messages = _written_messages()
    assert len(messages) >= 10
    with i18n.using("es"):
        untranslated = [m for m in messages if resolution_message(m) == m]
    assert untranslated == []


def test_english_needs_no_catalog() -> None:
    i18n._CATALOGS.clear()
    with i18n.using("en"):
        assert i18n._("Someone comes to you") == "Someone comes to you"
    assert i18n._CATALOGS == {}  # nothing was read
    with i18n.using("es"):
        assert i18n._("Someone comes to you") == "Alguien va a donde usted está"
    assert "es" in i18n._CATALOGS
    assert i18n.current() == "en"  # using() puts the language back


@pytest.mark.parametrize(
    ("value", "want"), [("es", "es"), ("ES", "es"), ("es-MX", "es"), ("es_US", "es"), ("en", "en")]
)
def test_choose_accepts_regional_codes(value: str, want: str) -> None:
    assert i18n.choose(value) == want


def test_choose_refuses_other_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    from crisisnav import errors

    with pytest.raises(errors.UsageError, match="--lang: 'fr' is not one of en, es"):
        i18n.choose("fr")
    monkeypatch.setenv("CRISISNAV_LANG", "xx")
    with pytest.raises(errors.UsageError, match="CRISISNAV_LANG"):
        i18n.choose(None)
    monkeypatch.setenv("CRISISNAV_LANG", "es")
    assert i18n.choose(None) == "es"
    assert i18n.choose("en") == "en"  # --lang wins over the variable


def test_placeholder_names_match_re() -> None:
    """Sanity of the checker's own pattern: str.format fields, not doubled braces."""
    assert tool.PLACEHOLDER_RE.findall("{a} and {b!r}") == ["{a}", "{b!r}"]
    assert re.findall(r"\d+", "12 y 2026-12-01") == ["12", "2026", "12", "01"]
