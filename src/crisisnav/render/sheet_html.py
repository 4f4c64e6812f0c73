"""One-page HTML sheet: a single self-contained file to print from any browser.

Inline CSS only (with `@page` and `@media print`), no scripts, no images, no fonts or anything
else fetched (a Content-Security-Policy of `default-src 'none'` says so to the browser too).
Every dataset string is HTML-escaped; links are only tel:/sms: built from digits and plain
http(s) URLs. Without the font's metrics the page plan estimates line wraps generously
(`sheet_layout.chars_measure`), and the two columns are laid out as planned, so a browser prints
one page; tests check that with headless Chromium.
"""

from __future__ import annotations

import re
from html import escape

from crisisnav.i18n import current
from crisisnav.render.sheet_layout import (
    GUTTER_MM,
    MARGIN_MM,
    STYLES,
    Block,
    Line,
    PagePlan,
    chars_measure,
    plan_page,
)
from crisisnav.render.sheet_model import Sheet

_TAGS = {
    "name": "h3",
    "section": "h2",
    "title": "h1",
}


def plan_html(sheet: Sheet, paper: str = "letter") -> PagePlan:
    return plan_page(sheet, paper, chars_measure())


NARROW_PX = 600  # below this width the sheet is one column (phones)


def _css(plan: PagePlan, paper: str) -> str:
    rules = []
    for role, st in STYLES.items():
        rules.append(
            f".{role}{{font-size:{st.size:.2f}pt;line-height:{st.leading:.2f};"
            f"font-weight:{'bold' if st.bold else 'normal'};margin:{st.before:.2f}pt 0 0 0}}"
        )
    page_size = "letter" if paper == "letter" else "A4"
    return (
        f"@page{{size:{page_size};margin:{MARGIN_MM}mm}}"
        "html{color:#000;background:#fff;-webkit-text-size-adjust:100%;text-size-adjust:100%}"
        "body{margin:0;font-family:'DejaVu Sans',Verdana,'Segoe UI',Arial,sans-serif}"
        f".sheet{{max-width:{plan.page_w - 2 * MARGIN_MM:.1f}mm;margin:0 auto}}"
        "h1,h2,h3,p{padding:0}"
        "header{border-bottom:0.6mm solid #000;padding-bottom:0.8mm;margin-bottom:2mm}"
        f".cols{{display:grid;grid-template-columns:1fr 1fr;column-gap:{GUTTER_MM}mm;align-items:start}}"
        ".col{min-width:0}"
        ".section{border-bottom:0.3mm solid #000}"
        ".entry,.sec{break-inside:avoid;page-break-inside:avoid}"
        "a{color:#000;text-decoration:none}"
        ".reach_web,.reach_long{overflow-wrap:anywhere}.nw,.num{white-space:nowrap}"
        "footer{border-top:0.3mm solid #000;margin-top:2mm;padding-top:1mm}"
        "@media screen{body{padding:12mm}a[href^='tel:'],a[href^='sms:']{text-decoration:underline}}"
        f"@media screen and (max-width:{NARROW_PX - 0.02:.2f}px){{body{{padding:12px}}"
        ".cols{display:block}.sheet{max-width:none}}"
        "@media print{body{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
        ".sheet{max-width:none}}" + "".join(rules)
    )


_DATE_RE = re.compile(r"\b(\d{4}-\d\d-\d\d)\b")


def _line(ln: Line) -> str:
    tag = _TAGS.get(ln.role, "p")
    text = escape(ln.text, quote=True)
    number = escape(ln.number, quote=True) if ln.number else ""
    if number and number in text:  # a number never breaks across lines
        head, _, tail = text.partition(number)
        text = f'{head}<span class="num">{number}</span>{tail}'
    else:  # dates never break at their hyphens (the escaped text holds no markup of its own)
        text = _DATE_RE.sub(r'<span class="nw">\1</span>', text)
    if ln.link:
        text = f'<a href="{escape(ln.link, quote=True)}">{text}</a>'
    return f'<{tag} class="{ln.role}">{text}</{tag}>'


def _block(block: Block) -> str:
    inner = "".join(_line(ln) for ln in block.lines)
    cls = "sec" if block.kind == "section" else "entry"
    return f'<div class="{cls}">{inner}</div>'


def render_html(sheet: Sheet, paper: str = "letter") -> str:
    """The sheet as one self-contained HTML document."""
    plan = plan_html(sheet, paper)
    shown = plan.sheet
    cols = "".join(
        '<div class="col">' + "".join(_block(b) for b in col) + "</div>" for col in plan.columns
    )
    bottom = "".join(_line(ln) for ln in plan.bottom)
    header = "".join(_line(ln) for ln in plan.header)
    title = escape(shown.title, quote=True)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{current()}"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="crisisnav">'
        f"<title>{title}</title><style>{_css(plan, paper)}</style></head>\n"
        '<body><main class="sheet">'
        f"<header>{header}</header>\n"
        f'<div class="cols">{cols}</div>\n'
        f"<footer>{bottom}</footer>"
        "</main></body></html>\n"
    )
