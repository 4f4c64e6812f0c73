"""Printed sheets as plain text and Markdown: the whole sheet, not cut to a page.

Pure: no I/O, no heavy imports."""

from __future__ import annotations

import re

from crisisnav.render.sheet_model import Sheet
from crisisnav.render.sheet_words import notice_heads, section_title


def render_plain(sheet: Sheet) -> str:
    """The whole sheet as plain text (not cut to a page; nothing left out)."""
    out = [sheet.title, sheet.subtitle]
    if sheet.police_once:
        out.append(sheet.police_once)
    out.append("")
    for key, entries in sheet.sections:
        heading = section_title(key).upper()
        out.append(heading)
        out.append("-" * len(heading))
        for e in entries:
            out.append(e.name)
            for r in e.reach:
                out.append(f"  {r.text}" + (f"  ({r.note})" if r.note else ""))
            if e.address:
                out.append(f"  {e.address}")
            if e.how_to_ask:
                out.append(f"  {e.how_to_ask}")
            out.append(f"  {e.hours}")
            if e.police:
                out.append(f"  {e.police}")
            out.extend(f"  {n}" for n in e.notes)
            out.append("")
    for group, head in notice_heads():
        texts = [t for g, t in sheet.notices if g == group]
        if texts:
            out.append(head.upper())
            out.extend(f"  * {t}" for t in texts)
            out.append("")
    out.append(sheet.more_line())
    out.append(sheet.footer_line())
    return "\n".join(out) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")  # [ ] escaped, so no ( ) can make a link


def md_escape(text: str) -> str:
    """Markdown with no live markup from data: specials backslash-escaped, & < > as entities."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"^(\s*)([-=+])", r"\1\\\2", text)
    return re.sub(r"^(\s*)(\d+)([.)])", r"\1\2\\\3", text)


def render_markdown(sheet: Sheet) -> str:
    """The whole sheet as Markdown (not cut to a page; nothing left out)."""
    out = [f"# {md_escape(sheet.title)}", "", md_escape(sheet.subtitle), ""]
    if sheet.police_once:
        out += [md_escape(sheet.police_once), ""]
    for key, entries in sheet.sections:
        out.append(f"## {md_escape(section_title(key))}")
        out.append("")
        for e in entries:
            out.append(f"### {md_escape(e.name)}")
            out.append("")
            for r in e.reach:
                text = f"**{md_escape(r.text)}**"
                if r.link:
                    text = f"**[{md_escape(r.text)}](<{r.link}>)**"
                if r.note:
                    text += f" ({md_escape(r.note)})"
                out.append(f"- {text}")
            if e.address:
                out.append(f"- **{md_escape(e.address)}**")
            if e.how_to_ask:
                out.append(f"- {md_escape(e.how_to_ask)}")
            out.append(f"- {md_escape(e.hours)}")
            if e.police:
                out.append(f"- **{md_escape(e.police)}**")
            out.extend(f"- {md_escape(n)}" for n in e.notes)
            out.append("")
    for group, head in notice_heads():
        texts = [t for g, t in sheet.notices if g == group]
        if texts:
            out.append(f"## {md_escape(head.rstrip(':'))}")
            out.append("")
            out.extend(f"- {md_escape(t)}" for t in texts)
            out.append("")
    out.append(f"**{md_escape(sheet.more_line())}**")
    out.append("")
    out.append(md_escape(sheet.footer_line()))
    return "\n".join(out) + "\n"
