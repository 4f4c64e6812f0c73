"""What a first-time user tripped over: candidates cut without a word, notices pushing the
first option off the screen, unconfirmed entries looking like confirmed ones, --for words
accepted silently, repeated not-found messages, 5,000-character echoes, 80-column wrapping."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from crisisnav import audience, flow, interactive
from crisisnav import dataset as dataset_mod
from crisisnav.cli import app
from crisisnav.interactive import BANNER
from crisisnav.models import Place, Resolution
from crisisnav.render import formats
from crisisnav.resolve import resolve
from test_lookup_support import AT, SMALL

BASE = ["--data", str(SMALL), "--at", AT]
UNCONFIRMED = "UNCONFIRMED — this entry could not be confirmed as current; call ahead"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), prog_name="crisisnav")


def lookup_text(query: str, fmt: str, *extra: str) -> str:
    r = invoke("lookup", query, *BASE, "--format", fmt, *extra)
    assert r.exit_code == 0, r.output
    return r.stdout


# ---------------------------------------------------------------- 1. candidates


def test_ambiguous_resolution_counts_the_candidates_left_out() -> None:
    res = resolve("Springfield")
    assert res.status == "ambiguous" and len(res.candidates) == 12
    assert (
        res.omitted == 15
    )  # 27 Springfields (GeoNames adds two census-designated places), 12 shown
    sizes = [(-p.score, -p.zips) for p in res.candidates]
    assert sizes == sorted(sizes)  # best first: score, then size


def test_candidate_list_says_how_many_are_not_shown_and_how_to_reach_them() -> None:
    lines = interactive.candidate_lines(resolve("Springfield"))
    assert lines[-1].strip().startswith("15 more not shown — type a state code like")
    assert len(interactive.candidate_lines(resolve("Portland"))) == 13  # 12 shown + "1 more" line


def test_pick_by_state_code_or_name_reresolves_in_that_state() -> None:
    res = resolve("Springfield")
    assert all(p.state != "TN" for p in res.candidates)  # TN is among the 15 not shown
    got = interactive.pick_answer(res, "TN")
    assert isinstance(got, Place) and (got.name, got.state) == ("Springfield", "TN")
    got = interactive.pick_answer(res, "new jersey")
    assert isinstance(got, Place) and got.state == "NJ"
    got = interactive.pick_answer(res, "OR")  # a shown candidate's state picks it directly
    assert isinstance(got, Place) and got.state == "OR" and got in res.candidates
    assert interactive.pick_answer(res, "2") == res.candidates[1]
    assert isinstance(interactive.pick_answer(res, "Narnia"), str)
    assert isinstance(interactive.pick_answer(res, "99"), str)
    missing = interactive.pick_answer(res, "HI")
    assert isinstance(missing, str) and "Hawaii" in missing


def test_ask_pick_accepts_a_state_code(capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["TN"])
    got = interactive.ask_pick(resolve("Springfield"), read=lambda prompt: next(answers))
    assert got is not None and got.state == "TN"
    assert "15 more not shown" in capsys.readouterr().err


def test_interactive_pick_accepts_a_state_name() -> None:
    from crisisnav import dataset as dataset_mod

    answers = iter(["Springfield", "pennsylvania", "q"])
    said: list[str] = []
    code = interactive.run(
        flow.Options(fmt="plain", data=SMALL),
        read=lambda prompt: next(answers),
        out=said.append,
        dataset=dataset_mod.load(SMALL),
    )
    text = "".join(said)
    assert code == 0
    assert "15 more not shown" in text and "Springfield, Delaware County, PA" in text


def test_sheet_counts_every_candidate_not_listed() -> None:
    r = invoke("sheet", "Springfield", "--data", str(SMALL))
    assert r.exit_code == 3
    assert "... and 17 more" in r.output  # 27 fit, 10 listed


# ---------------------------------------------------------------- 2. notices


@pytest.mark.parametrize("fmt", ["plain", "terminal"])
def test_ended_programs_get_one_short_line_on_top_and_details_after_the_list(fmt: str) -> None:
    """--details: a short line on top, the full notice after the list."""
    if fmt == "terminal":
        result = flow.rank_one(
            flow.load_dataset(flow.Options(data=SMALL)),
            resolve("Eugene, OR"),
            flow.Options(data=SMALL, at=flow.parse_at(AT)),
        )
        text = formats.render_lookup(
            result, flow.Options(color="never", details=True), "terminal", io.StringIO()
        )
    else:
        text = lookup_text("Eugene, OR", "plain", "--details")
    if fmt == "terminal":  # join the wrapped continuation lines of each notice
        text = re.sub(r"\n {4,}", " ", text)
    lines = text.splitlines()
    first_entry = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    top = lines[:first_entry]
    short = [line for line in top if line.startswith("! ENDED 2025-04-07: ")]
    assert len(short) == 1
    assert "Fixture Eugene Community Responders" in short[0]
    assert short[0].endswith("do not use old numbers; details below")
    assert "ended service" not in "\n".join(top)  # the full text is not on top
    full = [i for i, line in enumerate(lines) if "ended service on 2025-04-07" in line]
    assert full and full[0] > first_entry
    suspended = [line for line in top if line.startswith("! SUSPENDED")]
    assert len(suspended) == 1 and "details below" in suspended[0]


def test_compact_answer_puts_a_local_ended_program_in_one_line_on_top() -> None:
    """Compact (the default): a local ended program in one line near the top with what to use
    instead (from its own caveats); no full notice text anywhere."""
    text = lookup_text("Eugene, OR", "plain")
    lines = text.splitlines()
    first_entry = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    short = [line for line in lines[:first_entry] if line.startswith("! ENDED 2025-04-07: ")]
    assert len(short) == 1 and short[0].endswith("do not use old numbers.")
    assert "ended service" not in text and "details below" not in text
    # With the shipped data: CAHOOTS's own caveat says what to use instead, on the same line.
    shipped = invoke("lookup", "Eugene, OR", "--format", "plain", "--at", AT).stdout
    (cahoots,) = [
        line for line in shipped.splitlines() if line.startswith("! ENDED") and "CAHOOTS" in line
    ]
    assert "Mobile Crisis Services of Lane County instead" in cahoots


def test_json_notices_keep_their_full_text() -> None:
    data = json.loads(lookup_text("Eugene, OR", "json"))
    ended = [n for n in data["notices"] if n["kind"] == "ended"]
    assert ended and "ended service on 2025-04-07 — do not use old flyers" in ended[0]["text"]


# ---------------------------------------------------------------- 3. uncertain entries


@pytest.mark.parametrize("fmt", ["plain", "markdown"])
def test_uncertain_entries_are_marked_unconfirmed(fmt: str) -> None:
    text = lookup_text("Eugene, OR", fmt, "--details")
    assert text.count("UNCONFIRMED") == 1
    if fmt == "plain":
        lines = text.splitlines()
        i = next(i for i, line in enumerate(lines) if "Fixture Directory" in line and ". " in line)
        assert lines[i + 1].strip() == UNCONFIRMED
    else:
        row = next(line for line in text.splitlines() if "Fixture Directory" in line)
        assert UNCONFIRMED in row


def test_uncertain_entries_are_marked_in_csv_without_moving_them() -> None:
    rows = list(csv.DictReader(io.StringIO(lookup_text("Eugene, OR", "csv"))))
    by_id = {r["id"]: r for r in rows}
    assert by_id["fixture-national-directory"]["caveats"].startswith(UNCONFIRMED)
    assert not any(UNCONFIRMED in r["caveats"] for r in rows if r["status"] != "uncertain")
    plain_order = [r["id"] for r in rows if r["section"] != "notice"]
    data = json.loads(lookup_text("Eugene, OR", "json"))
    assert [r["id"] for r in data["resources"]] == plain_order  # ranking order unchanged


def test_terminal_marks_uncertain_entries() -> None:
    ds = flow.load_dataset(flow.Options(data=SMALL))
    result = flow.rank_one(ds, resolve("Eugene, OR"), flow.Options(at=flow.parse_at(AT)))
    text = formats.render_lookup(result, flow.Options(color="never"), "terminal", io.StringIO())
    assert "UNCONFIRMED" in text  # compact: the marker
    text = formats.render_lookup(
        result, flow.Options(color="never", details=True), "terminal", io.StringIO()
    )
    assert UNCONFIRMED in text  # details: the whole sentence


# ---------------------------------------------------------------- 4. --for


@pytest.mark.parametrize(
    ("word", "meant"),
    [("veteran", "veterans"), ("lgbt", "lgbtq"), ("lgbtq+", "lgbtq"), ("queer", "lgbtq"),
     ("transgender", "trans"), ("indigenous", "native"), ("hard-of-hearing", "deaf"),
     ("Spanish", "spanish-speaking")],
)  # fmt: skip
def test_for_maps_common_synonyms(word: str, meant: str) -> None:
    assert audience.parse_audiences([word]) == (meant,)
    text = lookup_text("Eugene, OR", "plain", "--for", word)
    assert f"filters: for {meant}\n" in text


def test_for_rejects_unknown_words_with_did_you_mean() -> None:
    r = invoke("lookup", "Eugene, OR", *BASE, "--for", "vetrans")
    assert r.exit_code == 2
    assert 'did you mean "veterans"' in r.output
    r = invoke("lookup", "Eugene, OR", *BASE, "--for", "wizards")
    assert r.exit_code == 2 and "not a known audience" in r.output


def test_for_unknown_word_is_a_usage_error_as_a_subprocess() -> None:
    p = subprocess.run(
        [sys.executable, "-m", "crisisnav", "lookup", "Eugene, OR", *BASE, "--for", "vetrans"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert p.returncode == 2 and "veterans" in p.stderr and "Traceback" not in p.stderr


def test_for_accepts_an_audience_only_the_dataset_uses(tmp_path) -> None:  # type: ignore[no-untyped-def]
    custom = tmp_path / "custom.yaml"
    custom.write_text(SMALL.read_text().replace("audiences: [deaf]", "audiences: [farmworkers]"))
    data = json.loads(
        lookup_text("Eugene, OR", "json", "--data", str(custom), "--for", "farmworkers")
    )
    assert data["resources"][0]["id"] == "fixture-national-chat"


def test_for_with_a_filter_that_empties_the_section_says_so() -> None:
    text = lookup_text("Eugene, OR", "plain", "--for", "deaf", "--language", "es")
    assert "! FILTERED:" in text and "for Deaf and hard-of-hearing people" in text
    (line,) = [x for x in text.splitlines() if x.startswith("! FILTERED:")]
    assert "without --language to see them" in line  # only the filter that was used


def test_audience_sections_read_as_words_not_codes() -> None:
    from crisisnav.render.words import section_title

    assert section_title("youth") == "For young people"
    assert section_title("veterans") == "For veterans"
    assert section_title("farmworkers") == "For farmworkers"
    assert "people people" not in section_title("trans")


def test_for_help_documents_lgbtq_including_trans() -> None:
    r = invoke("lookup", "--help")
    assert "also lists entries for" in " ".join(r.stdout.split())


# ---------------------------------------------------------------- 6. not found, long queries


def test_not_found_is_said_once() -> None:
    r = invoke("lookup", "Xqzzyville", *BASE, "--format", "plain")
    assert r.exit_code == 1
    assert "No US place found" in r.stdout
    assert "no US place matches this name" not in r.stdout


@pytest.mark.parametrize("fmt", ["plain", "markdown"])
def test_long_queries_are_echoed_shortened(fmt: str) -> None:
    r = invoke("lookup", "Q" * 5000, *BASE, "--format", fmt)
    assert r.exit_code == 1
    assert "Q" * 61 not in r.stdout and "…" in r.stdout


def test_json_keeps_the_full_query() -> None:
    r = invoke("lookup", "Q" * 150, *BASE, "--format", "json")
    assert json.loads(r.stdout)["query"] == "Q" * 150


def test_sheet_echo_of_a_long_query_is_short() -> None:
    r = invoke("sheet", "Q" * 5000, "--data", str(SMALL))
    assert r.exit_code == 1
    assert "Q" * 61 not in r.output and "…" in r.output


def test_ambiguous_echo_is_short_in_ask_pick(capsys: pytest.CaptureFixture[str]) -> None:
    res = Resolution(query="Springfield" + " x" * 3000, status="ambiguous",
                     candidates=resolve("Springfield").candidates)  # fmt: skip
    interactive.ask_pick(res, read=lambda prompt: "")
    first = capsys.readouterr().err.splitlines()[0]
    assert len(first) < 100 and "…" in first


# ---------------------------------------------------------------- 7. 80 columns


def test_wrapped_entry_name_keeps_a_hanging_indent() -> None:
    from dataclasses import replace

    ds = flow.load_dataset(flow.Options(data=SMALL))
    long_name = "Fixture Lane County Mobile Crisis Team With A Very Long Name That Wraps Twice Over"
    resources = tuple(
        replace(r, name=long_name) if r.id == "fixture-lane-mobile-team" else r
        for r in ds.resources
    )
    result = flow.rank_one(replace(ds, resources=resources), resolve("Eugene, OR"),
                          flow.Options(at=flow.parse_at(AT)))  # fmt: skip
    text = formats.render_lookup(result, flow.Options(color="never"), "terminal", io.StringIO())
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("1. Fixture Lane County"))
    assert max(len(line) for line in lines) <= 80
    assert lines[i + 1].startswith("   ") and not lines[i + 1].startswith("    ")
    assert lines[i + 1].strip().startswith(("Twice", "Over"))


def test_interactive_banner_fits_in_80_columns() -> None:
    assert max(len(line) for line in BANNER.splitlines()) < 80


@pytest.mark.parametrize("answer", ["²", "①", "٣", "1²"])
def test_pick_answer_with_unicode_digits_is_asked_again(answer: str) -> None:
    assert isinstance(interactive.pick_answer(resolve("Springfield"), answer), str)


# ---------------------------------------------------------------- 5. the pick list and the loop


def _loop(*answers: str) -> tuple[int, str]:
    """The interactive loop fed these lines, then Ctrl-D (EOFError) when they run out."""
    feed = iter(answers)

    def read(prompt: str) -> str:
        said.append(prompt)
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    said: list[str] = []
    code = interactive.run(
        flow.Options(fmt="plain", data=SMALL, at=flow.parse_at(AT)),
        read=read,
        out=said.append,
        dataset=dataset_mod.load(SMALL),
    )
    return code, "".join(said)


def test_pick_list_takes_q_and_a_fuller_place() -> None:
    code, text = _loop("Springfield", "q", "Springfield", "springfield, oregon", "q")
    assert code == 0
    assert text.count("No place picked") == 1  # q at the pick list skips, as the banner says
    assert "Springfield, Lane County, OR" in text  # the fuller place was looked up
    assert "Please type a number" not in text


def test_one_ctrl_d_at_the_pick_list_leaves() -> None:
    code, text = _loop("Springfield")  # then Ctrl-D, once
    assert code == 0
    assert text.count("place> ") == 1  # not asked for another place first


def test_interactive_shows_compact_and_expands_one_entry() -> None:
    code, text = _loop("Eugene, OR", "1", "q")
    assert code == 0
    compact, hint, expanded = text.partition(interactive.EXPAND_HINT)
    assert hint and "how to ask:" not in compact and "2. Fixture" in compact
    expanded = expanded.split("place> ")[1]  # what answered the "1"
    assert "how to ask:" in expanded and "source:" in expanded
    assert "1. Fixture Lane County Mobile Crisis" in expanded
    assert "2. " not in expanded  # only that one entry
