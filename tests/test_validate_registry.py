"""The rule registry is the one list of validate's codes: every code the checker can emit is in
it, docs/validate-rules.md is generated from it, and the new contributor-facing rules work."""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisisnav.cli import app
from crisisnav.rules import RULES, rule
from crisisnav.validate import junk_source, validate_text
from crisisnav.yamlsafe import problem

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "crisisnav"
TODAY = date(2026, 11, 29)


def _gen():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_page_matches_the_registry() -> None:
    current = (ROOT / "docs" / "validate-rules.md").read_text(encoding="utf-8")
    assert current == _gen().render(), (
        "docs/validate-rules.md is out of date: run python scripts/gen_rule_docs.py"
    )
    for code in RULES:
        assert f"`{code}`" in current


def test_every_code_in_the_source_is_registered() -> None:
    """String literals passed as a code to problem()/add() are all registry codes."""
    used: set[str] = set()
    for name in ("validate.py", "yamlsafe.py"):
        text = (SRC / name).read_text(encoding="utf-8")
        used |= set(
            re.findall(r"""(?:add\([^,]+,|problem\([^"]*?)\s*"([a-z0-9]+(?:-[a-z0-9]+)*)",""", text)
        )
    assert used, "the scan found no codes: the pattern is broken"
    assert used <= set(RULES), sorted(used - set(RULES))


def test_an_unregistered_code_is_refused() -> None:
    with pytest.raises(ValueError):
        problem("f.yaml", 1, 1, "no-such-rule", "x")
    assert rule("stale").severity == "warning" and rule("file-missing").severity == "error"


ENTRY = """\
schema_version: 1
resources:
  - id: a-entry
    name: A
    kind: {kind}
    police: {police}
    dispatch: direct
    serves:
      - {{state: {state}}}
    contacts:
      - {{type: phone, value: "541-682-1001"}}
    hours: ["mon-fri 08:00-17:00"]
    timezone: {tz}
    languages: [en]
    status: active
    verified: 2026-11-20
    sources: ["{src}"]
{extra}"""


def _problems(**kw: str) -> list[tuple[str, str, str | None]]:
    fields = {"kind": "crisis-line", "police": "possible", "state": "OR", "tz": "America/Los_Angeles",
              "src": "https://www.lanecounty.org/x", "extra": ""}  # fmt: skip
    fields.update(kw)
    return [
        (p.code, p.message, p.fix)
        for p in validate_text(ENTRY.format(**fields), "t.yaml", today=TODAY)
    ]


def test_clean_entry_has_no_problem() -> None:
    assert _problems() == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://app.altruwe.org/proxy?url=https%3A%2F%2Fwww.samhsa.gov%2F", "proxy"),
        ("https://trevor-web-cron-889637227119.us-central1.run.app/?p=37927", "raw cloud"),
        (
            "https://samhsa-main-prod-ext-alb-197684657.us-east-1.elb.amazonaws.com/find-help",
            "raw cloud",
        ),
        ("https://icannt.storage.googleapis.com/988.html", "raw cloud"),
        ("https://staging.mentalhealthsf.org/warm-line/", "staging"),
        ("https://aem-prod.oklahoma.gov/odmhsas/x.html", "staging"),
        ("https://cd10-prod.kingcounty.gov/en/dept/dchs", "staging"),
        ("https://new-origin.patch.com/new-jersey/x", "staging"),
        ("https://news.myworldfix.com/calls-to-arizona", "content farm"),
        ("http://woodstockadvocate.blogspot.com/2010/12/warm-line.html", "blog"),
        ("https://github.com/u/r/blob/abc/post.md", "repository"),
        ("https://webcache.googleusercontent.com/search?q=cache:x", "cache"),
        ("https://93.184.216.34/page", "IP address"),
        ("https://okc.prod.govaccess.org/departments/fire/x", "raw cloud"),
        ("https://user-kcmpnye.cld.bz/Annual-Report", "raw cloud"),
    ],
)
def test_junk_sources_are_warned(url: str, kind: str) -> None:
    why = junk_source(url)
    assert why is not None and kind in why, (url, why)
    codes = [c for c, _, _ in _problems(src=url)]
    assert "source-junk" in codes


@pytest.mark.parametrize(
    "url",
    ["https://www.samhsa.gov/find-help/national-helpline", "https://988lifeline.org/get-help/",
     "https://www.kingcounty.gov/en/dept/dchs", "https://www.oregon.gov/oha/x",
     "https://www.stagecoachtheatre.org/crisis", "https://www.patch.com/new-jersey/x"],
)  # fmt: skip
def test_primary_sources_are_not_junk(url: str) -> None:
    assert junk_source(url) is None


def test_police_no_suggests_none() -> None:
    [(code, message, fix)] = _problems(police="no")
    assert (
        code == "yaml-bool"
        and "none" in message
        and fix is not None
        and fix.startswith("write police: none")
    )


def test_state_name_suggests_the_code() -> None:
    [(code, message, fix)] = _problems(state="Oregon")
    assert code == "enum" and "did you mean 'OR'" in message and fix == "write OR"


@pytest.mark.parametrize(("tz", "want"), [("Pacific", "America/Los_Angeles"), ("eastern", "America/New_York"),
                                          ("PST", "America/Los_Angeles"), ("Hawaii", "Pacific/Honolulu")])  # fmt: skip
def test_timezone_word_suggests_the_iana_name(tz: str, want: str) -> None:
    found = _problems(tz=tz)
    assert [c for c, _, _ in found] == ["timezone-invalid"], found
    assert f"did you mean '{want}'" in found[0][1] and "US/" not in found[0][1]


def test_deprecated_zone_is_a_warning_with_the_canonical_name() -> None:
    found = _problems(tz="US/Pacific")
    assert [(c, f) for c, _, f in found] == [
        ("timezone-deprecated", "write timezone: America/Los_Angeles")
    ]


def test_walk_in_without_address_is_warned_and_address_checked() -> None:
    assert [c for c, _, _ in _problems(kind="walk-in")] == ["address-missing"]
    good = '    address: {street: "1 Main St", city: Eugene, state: OR, zip: "97401"}\n'
    assert _problems(kind="walk-in", extra=good) == []
    wrong_state = '    address: {street: "1 Main St", city: Eugene, state: WA, zip: "97401"}\n'
    found = _problems(kind="walk-in", extra=wrong_state)
    assert [c for c, _, _ in found] == ["area-unknown"] and "97401 is in OR, not WA" in found[0][1]
    bad = '    address: {street: "1 Main St", city: Eugene, state: Oregon, zip: "974"}\n'
    codes = [c for c, _, _ in _problems(kind="walk-in", extra=bad)]
    assert "enum" in codes and "schema" in codes


@pytest.mark.parametrize(
    ("line", "needle", "fix_part"),
    [
        ("    caveats: [Open 9-5\n    how_to_ask: x\n", "not closed", "quote"),
        (
            "    how_to_ask: Call: ask for the team\n",
            "colon followed by a space",
            'how_to_ask: "Call: ask for the team"',
        ),
        ('    how_to_ask: "Call the line\n', "never closed", "close the quote"),
        ("   police_note: misaligned\n", "indent", "indent"),
    ],
)
def test_syntax_errors_are_explained(line: str, needle: str, fix_part: str) -> None:
    text = ENTRY.format(kind="crisis-line", police="possible", state="OR", tz="America/Los_Angeles",
                        src="https://x.gov/", extra=line)  # fmt: skip
    found = [p for p in validate_text(text, "t.yaml", today=TODAY) if p.code == "yaml-syntax"]
    assert found, text
    assert needle in found[0].message and "(parser:" in found[0].message
    assert found[0].fix is not None and fix_part in found[0].fix


def test_text_output_lists_errors_first_and_summarises_other_warnings(tmp_path: Path) -> None:
    body = ENTRY.format(kind="crisis-line", police="possible", state="OR", tz="America/Los_Angeles",
                        src="http://www.x.gov/a", extra="")  # fmt: skip
    broken = (
        body.split("resources:\n", 1)[1]
        .replace("a-entry", "b-entry")
        .replace('"541-682-1001"', '"12"')
    )
    path = tmp_path / "d.yaml"
    path.write_text(body + broken, encoding="utf-8")
    out = CliRunner().invoke(app, ["validate", str(path)])
    assert out.exit_code == 1
    lines = out.stdout.splitlines()
    assert "error phone-invalid" in lines[0]
    # b-entry's own warning is listed (it has an error); a-entry's is only counted
    assert sum("url-not-https" in ln for ln in lines if ln.startswith(str(path))) == 1
    assert "1 warning on other entries not listed (1 url-not-https)" in out.stdout
    full = CliRunner().invoke(app, ["validate", "--warnings", str(path)])
    assert sum("url-not-https" in ln for ln in full.stdout.splitlines()) == 2
    assert "not listed" not in full.stdout
