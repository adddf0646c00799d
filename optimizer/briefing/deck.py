"""The briefing deck: 16:9 PowerPoint with native (editable) charts and tables, built on a template.

The deck is built on the shipped template (`optimizer/briefing/templates/briefing.pptx`, see
`optimizer.briefing.template`) or on one staff restyled: its slide master carries the handling marking
at the top and the bottom of every slide, titles sit in the layouts' title placeholders and every slide
has its number. Charts are python-pptx chart objects, not pictures, so staff can restyle or re-cut them
in PowerPoint; bar charts start at zero. Every slide says whether its figures are real or synthetic,
and its speaker notes hold the sources, the assumptions and the identifiers (dataset id, full CCL
headings) that a slide does not show.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from optimizer.briefing.content import Briefing
from optimizer.briefing.names import item_label, plain_why, short_name
from optimizer.briefing.template import (
    BLANK_LAYOUT,
    CONTENT_LAYOUT,
    TITLE_LAYOUT,
    add_slide_number,
    layout,
    open_template,
)
from optimizer.errors import DecontrolError
from optimizer.estimation.risk import RISK_SCALE
from optimizer.estimation.space import nothing_to_offer
from optimizer.formatting import cut_words, fmt_number, fmt_share, fmt_usd
from optimizer.licensing.instruments import MODE_LABEL, basis_cite, instrument_cite
from optimizer.model.diagnose import diagnosis_lines
from optimizer.vocabulary import reason_label

if TYPE_CHECKING:
    from pptx.chart.axis import _BaseAxis
    from pptx.chart.chart import Chart
    from pptx.enum.text import PP_PARAGRAPH_ALIGNMENT
    from pptx.presentation import Presentation as Deck
    from pptx.shapes.autoshape import Shape
    from pptx.shapes.graphfrm import GraphicFrame
    from pptx.slide import Slide
    from pptx.util import Length

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
NAVY = RGBColor(0x1F, 0x2A, 0x44)
GREY = RGBColor(0x5F, 0x6B, 0x7A)
RED = RGBColor(0xB0, 0x1E, 0x2D)
ACCENT = RGBColor(0x2B, 0x6C, 0xB0)
MAX_TABLE_ROWS = 12
PACKAGE_ROWS = 6  # rows of the package table on one slide (the relief cell wraps to three lines)
TOP_SUPPLIERS = 4


def build_deck(briefing: Briefing, template: Path | None = None) -> Deck:
    """Render a briefing (already filtered for its audience inside) as a Presentation."""
    b = briefing.for_audience()
    prs = open_template(b.marking, template)
    notes: list[str] = []

    def add(fn: Any, *args: Any) -> None:
        n = len(prs.slides)
        note = fn(prs, *args)
        for _ in range(len(prs.slides) - n):
            notes.append(note or "")

    add(_title_slide, b)
    add(_summary_slide, b)
    add(_trade_slide, b)
    add(_package_slide, b)
    if b.exchange:  # an exchange scenario: its gives and gets (internal briefings only, see for_audience)
        add(_exchange_slide, b)
    offered = _found(b) and bool(b.package.get("items"))  # no package: no items to chart or compare
    if b.audience == "internal" and any(float(x.get("achieved_usd") or 0) > 0 for x in b.frontier):
        add(_frontier_slide, b)
    elif offered:
        add(_value_by_item_slide, b)
    if offered:
        add(_availability_slide, b)
    if b.audience == "internal" and _ally_columns(b):
        add(_allies_slide, b)
    if offered:
        add(_alternatives_slide, b)
    if b.audience == "internal":
        add(_excluded_slide, b)
    add(_assumptions_slide, b)
    common = _common_notes(b)
    for i, (slide, note) in enumerate(zip(prs.slides, notes), start=1):
        add_slide_number(slide, i)
        slide.notes_slide.notes_text_frame.text = (note + "\n\n" if note else "") + common
    return prs


def write_deck(briefing: Briefing, path: Path, template: Path | None = None) -> Path:
    """Build and save atomically (a half-written deck never replaces a good one)."""
    path = Path(path)
    if path.suffix.lower() != ".pptx":
        raise DecontrolError(f"the deck must be a .pptx file, got '{path.name}'")
    prs = build_deck(briefing, template)
    tmp = path.with_name(path.name + ".tmp")
    try:
        prs.save(str(tmp))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DecontrolError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


# -- slide helpers (also used by the one-slide exchange and diversion decks) ---------------------


def _blank(prs: Deck) -> Slide:
    try:
        return prs.slides.add_slide(layout(prs, BLANK_LAYOUT))
    except DecontrolError:
        return prs.slides.add_slide(prs.slide_layouts[6])


def _content(prs: Deck, title: str, subtitle: str = "") -> Slide:
    """A slide of the template's title-only layout, its title in the placeholder (restyled with the master)."""
    s = prs.slides.add_slide(layout(prs, CONTENT_LAYOUT))
    s.shapes.title.text = title
    if subtitle:
        _text(s, Inches(0.5), Inches(1.05), Inches(12.3), Inches(0.45), subtitle, size=13, color=GREY)
    return s


def _text(
    slide: Slide,
    left: Length,
    top: Length,
    width: Length,
    height: Length,
    text: str,
    size: int = 14,
    bold: bool = False,
    color: RGBColor = NAVY,
    align: PP_PARAGRAPH_ALIGNMENT = PP_ALIGN.LEFT,
) -> Shape:
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    lines = text.split("\n")
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = line
        p.alignment = align
        for r in p.runs:
            r.font.size, r.font.bold, r.font.color.rgb = Pt(size), bold, color
    return box


def _bullets(
    slide: Slide, left: Length, top: Length, width: Length, height: Length, items: list[tuple[str, str]]
) -> None:
    """Lines of a bold lead-in and its text, spaced for reading."""
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    for i, (lead, text) in enumerate(items):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.space_after = Pt(10)
        r = p.add_run()
        r.text = f"{lead}  " if lead else ""
        r.font.size, r.font.bold, r.font.color.rgb = Pt(16), True, NAVY
        r = p.add_run()
        r.text = text
        r.font.size, r.font.color.rgb = Pt(16), NAVY


def _heading(slide: Slide, title: str, subtitle: str = "") -> None:
    _text(slide, Inches(0.5), Inches(0.45), Inches(12.3), Inches(0.7), title, size=26, bold=True)
    if subtitle:
        _text(slide, Inches(0.5), Inches(1.05), Inches(12.3), Inches(0.45), subtitle, size=13, color=GREY)


def _mark(slide: Slide, marking: str) -> None:
    """The handling marking as text boxes on the slide itself, for one-slide decks built without the
    template (the full deck carries it in the template's master instead)."""
    for top in (Inches(0.05), SLIDE_H - Inches(0.4)):
        box = _text(
            slide,
            Inches(0.5),
            top,
            Inches(12.3),
            Inches(0.35),
            marking,
            size=10,
            bold=True,
            color=RED,
            align=PP_ALIGN.CENTER,
        )
        box.name = "Handling marking"


def _source(slide: Slide, text: str) -> None:
    _text(slide, Inches(0.5), SLIDE_H - Inches(0.85), Inches(11.0), Inches(0.4), text, size=9, color=GREY)


def _table(
    slide: Slide,
    header: list[str],
    rows: list[list[str]],
    left: Length,
    top: Length,
    width: Length,
    col_widths: list[float],
    size: int = 11,
) -> GraphicFrame:
    shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, Inches(0.3) * (len(rows) + 1))
    table = shape.table
    total = sum(col_widths)
    for j, w in enumerate(col_widths):
        table.columns[j].width = Emu(int(width * w / total))
    for j, h in enumerate(header):
        table.cell(0, j).text = h
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            table.cell(i, j).text = v
    for i in range(len(rows) + 1):
        for j in range(len(header)):
            for p in table.cell(i, j).text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(size if i else size + 1)
                    r.font.bold = i == 0
    return shape


def _zero_based(axis: _BaseAxis) -> None:
    """A bar chart's value axis from zero (PowerPoint otherwise picks a cut minimum)."""
    axis.minimum_scale = 0


def _chart_font(chart: Chart, size: int = 12) -> None:
    chart.font.size = Pt(size)
    chart.font.color.rgb = NAVY


def _data_note(b: Briefing) -> str:
    label = (
        b.hs6_source if (not b.hs6_synthetic or "SYNTHETIC" in b.hs6_source.upper()) else f"SYNTHETIC: {b.hs6_source}"
    )
    return f"Item values and foreign availability: {label}. Trade totals: {b.trade_source}."


def _name(b: Briefing, iso3: str) -> str:
    return b.country_names.get(iso3, iso3)


def _lines(b: Briefing) -> list[dict[str, Any]]:
    return sorted(b.package.get("items", []), key=lambda l: -(l.get("value_usd") or 0))


def _found(b: Briefing) -> bool:
    return b.package.get("achieved_usd") is not None


def _names_list(names: list[str], limit: int = 3) -> str:
    shown = names[:limit]
    more = len(names) - len(shown)
    if more > 0:
        return ", ".join(shown) + f" and {more} more"
    return ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1] if shown else ""


def suppliers_of(b: Briefing, eccn: str) -> list[tuple[str, float, str]]:
    """(ISO3, share, tag) of an item's largest suppliers as the FA score read them (`fa_top_suppliers`:
    'DEU 46% [regime]; CHN 14% [partner]; USA 9% [US]'); tag '', 'regime', 'partner' or 'US'."""
    if "fa_top_suppliers" not in b.items.columns:
        return []
    cell = b.items.loc[b.items["eccn"] == eccn, "fa_top_suppliers"]
    text = str(cell.iloc[0]) if len(cell) and isinstance(cell.iloc[0], str) else ""
    out = []
    for part in text.split(";"):
        bits = part.split()
        if len(bits) < 2 or not bits[1].endswith("%"):
            continue
        tag = bits[2].strip("[]") if len(bits) > 2 else ""
        try:
            out.append((bits[0], float(bits[1].rstrip("%")) / 100, tag))
        except ValueError:
            continue
    return out


def _foreign_suppliers(b: Briefing) -> list[str]:
    """The non-US, non-partner suppliers of the package's items, largest value-weighted share first."""
    weight: dict[str, float] = {}
    for line in _lines(b):
        for iso, share, tag in suppliers_of(b, line.get("eccn", "")):
            if tag not in ("US", "partner"):
                weight[iso] = weight.get(iso, 0.0) + share * float(line.get("value_usd") or 1.0)
    return [_name(b, iso) for iso in sorted(weight, key=lambda k: (-weight[k], k))]


def _item_cell(b: Briefing, eccn: str) -> str:
    return str(b.items.loc[b.items["eccn"] == eccn, "heading"].iloc[0]) if _has_item(b, eccn, "heading") else ""


def _has_item(b: Briefing, eccn: str, col: str) -> bool:
    return col in b.items.columns and bool((b.items["eccn"] == eccn).any())


def _item_value(b: Briefing, eccn: str, col: str) -> Any:
    return b.items.loc[b.items["eccn"] == eccn, col].iloc[0] if _has_item(b, eccn, col) else None


def _ally_columns(b: Briefing) -> list[str]:
    return [c for c in b.items.columns if str(c).startswith("ally_")]


def _risk_words(risk: float | None, frontier_top: float | None) -> str:
    if risk is None:
        return ""
    if frontier_top:
        return f"{fmt_number(risk)} risk points, {fmt_share(risk / frontier_top)} of the risk of the largest package"
    return f"{fmt_number(risk)} risk points"


# -- slides -------------------------------------------------------------------------------------


def deck_title(b: Briefing) -> str:
    """The briefing's title: the analyst's (`--title`) or what the package offers, in words."""
    if b.title:
        return b.title
    p, n = b.package, len(b.package.get("items", []))
    if nothing_to_offer(p, b.partner_name):
        return f"Export-control relief for {b.partner_name}: nothing to offer"
    if not _found(b):
        return f"Export-control relief for {b.partner_name}: no package reaches {fmt_usd(p.get('target_usd'))} a year"
    if not n:
        return f"Export-control relief for {b.partner_name}: nothing to offer"
    return (
        f"Export-control relief for {b.partner_name}: {fmt_usd(p.get('achieved_usd'))} a year from "
        f"{n} {'item' if n == 1 else 'items'}"
    )


def bottom_line(b: Briefing) -> list[str]:
    """Slide 1's bottom line: what is offered, what it is worth, what it risks, who else supplies it."""
    p, lines = b.package, _lines(b)
    target = fmt_usd(p.get("target_usd"))
    nothing = nothing_to_offer(p, b.partner_name)
    if nothing and not _found(b):
        return [nothing, f"No target above $0 can be met, so the {target} a year target cannot."]
    if not _found(b):
        best = diagnosis_lines(p)
        first = f"No package of eligible items reaches the {target} a year target."
        return [first, *(best[:2] or ["No package was found within the time limit."])]
    n = len(lines)
    if not n:
        return [nothing_to_offer(p, b.partner_name) or f"The {target} target is met without relief."]
    names = _names_list([_in_sentence(short_name(l.get("eccn", ""), l.get("heading", ""), 60)) for l in lines])
    out = [
        f"Offer: relief of US licence requirements on {n} {'item' if n == 1 else 'items'} ({names}).",
        f"Worth: {fmt_usd(p.get('achieved_usd'))} a year of US exports unlocked, against a {target} target"
        + (" (SYNTHETIC item-level figures)." if b.hs6_synthetic else "."),
    ]
    if b.audience == "internal" and p.get("risk") is not None:
        top = max([float(x.get("risk") or 0) for x in b.frontier] + [0.0]) or None
        out.append(f"Risks: {_risk_words(p.get('risk'), top)}; no foundational control is touched.")
    else:
        out.append("Keeps every control on weapons of mass destruction, military items and advanced computing.")
    sup = _foreign_suppliers(b)
    if sup:
        where = f"to {b.partner_name}" if _to_partner(b) else "on the world market"
        out.append(f"Other suppliers: {_names_list(sup)} already supply these goods {where}.")
    return out


def _in_sentence(name: str) -> str:
    """A name inside a sentence: 'Laser materials' -> 'laser materials', acronyms ('NC units') kept."""
    return name[:1].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def _title_slide(prs: Deck, b: Briefing) -> str:
    s = prs.slides.add_slide(layout(prs, TITLE_LAYOUT))
    s.shapes.title.text = deck_title(b)
    for ph in list(s.placeholders):
        if ph.placeholder_format.idx != 0:  # the subtitle placeholder: the bottom line is laid out below
            ph.element.getparent().remove(ph.element)
    _text(s, Inches(0.8), Inches(2.45), Inches(11.7), Inches(0.4), "Bottom line", size=14, bold=True, color=ACCENT)
    _bullets(s, Inches(0.8), Inches(2.85), Inches(11.7), Inches(2.9), [("", line) for line in bottom_line(b)])
    who = "for release to partners" if b.audience == "ally" else "internal"
    option = f"Option: {b.option_name}. " if b.option_name and b.audience == "ally" else ""
    _text(
        s,
        Inches(0.8),
        Inches(5.75),
        Inches(11.7),
        Inches(0.4),
        f"{option}Trade year {b.year}. Prepared {b.prepared_on} ({who}).",
        size=12,
        color=GREY,
    )
    if b.hs6_synthetic:
        _text(
            s,
            Inches(0.8),
            Inches(6.2),
            Inches(11.7),
            Inches(0.6),
            "Demonstration data: item-level trade figures are SYNTHETIC (calibrated to real Census totals). "
            "Do not quote them as official statistics.",
            size=13,
            bold=True,
            color=RED,
        )
    return (
        "Bottom line as above. Values count only trade a licence requirement on the partner blocks: Commerce "
        "Country Chart and Country Groups (15 CFR 738, 740; eCFR 2026-07-23), military end-use rule "
        "(15 CFR 744.21; eCFR 2026-09-24)."
    )


def _summary_slide(prs: Deck, b: Briefing) -> str:
    p, lines = b.package, _lines(b)
    s = _content(prs, "Executive summary")
    items: list[tuple[str, str]] = []
    if _found(b) and lines:
        top = [item_label(l.get("eccn", ""), l.get("heading", ""), 40) for l in lines[:3]]
        items.append(
            (
                "The offer.",
                f"{len(lines)} items, led by {_names_list(top, 3)}." if len(lines) > 1 else f"1 item, {top[0]}.",
            )
        )
        items.append(
            (
                "Its worth.",
                f"{fmt_usd(p.get('achieved_usd'))} a year of US exports unlocked against a {fmt_usd(p.get('target_usd'))} "
                f"target; the most any package reaches is {fmt_usd(p.get('max_achievable_usd'))}.",
            )
        )
    else:
        items.append(("Finding.", " ".join(bottom_line(b))))
    if b.audience == "internal" and p.get("risk") is not None and _found(b):
        top_risk = max([float(x.get("risk") or 0) for x in b.frontier] + [0.0]) or None
        items.append(("Security cost.", _risk_words(p.get("risk"), top_risk) + "."))
    sup = _foreign_suppliers(b)
    if sup:
        fa = [float(l["fa_score"]) for l in lines if l.get("fa_score") is not None]
        items.append(
            (
                "Foreign supply.",
                f"{_names_list(sup, 4)} supply the same goods"
                + (f"; average foreign-availability score {fmt_share(sum(fa) / len(fa))}." if fa else "."),
            )
        )
    counts = Counter(e.get("reason") for e in p.get("excluded", []))
    if b.audience == "internal" and counts:
        items.append(
            (
                "Held back.",
                f"{counts.get('foundational', 0)} foundational items are never offered; {counts.get('nlr', 0)} need "
                f"no licence to {b.partner_name} (nothing to relieve).",
            )
        )
    if b.exchange:
        e = b.exchange
        items.append(
            (
                "The gets.",
                f"relief of {b.partner_name}'s measures worth {fmt_usd(e.get('us_gain_usd'))} a year to the US.",
            )
        )
    allies = _ally_columns(b)
    if b.audience == "internal" and allies:
        opposed = sorted(
            {l.get("eccn", "") for l in lines for c in allies if _item_value(b, l.get("eccn", ""), c) == "oppose"}
        )
        items.append(
            (
                "Allies.",
                f"{len(allies)} allies stated positions; "
                + (
                    f"opposed in the package: {', '.join(opposed)}."
                    if opposed
                    else "none opposes an item in the package."
                ),
            )
        )
    if b.hs6_synthetic:
        items.append(("Caveat.", "item-level trade figures are SYNTHETIC; trade totals are real Census data."))
    _bullets(s, Inches(0.6), Inches(1.5), Inches(12.1), Inches(5.0), items)
    return "Summary of the following slides. " + _data_note(b)


def _trade_slide(prs: Deck, b: Briefing) -> str:
    t = b.trade_totals.sort_values("year")
    s = _content(
        prs,
        f"US goods trade with {b.partner_name}",
        f"{int(t['year'].min())}-{int(t['year'].max())}, US$ billions, Census basis (real data)"
        if len(t)
        else "no data",
    )
    if len(t):
        cd = CategoryChartData()
        cd.categories = [str(int(y)) for y in t["year"]]
        cd.add_series("US exports", [round(v / 1e9, 2) for v in t["exports_usd"]])
        cd.add_series("US imports", [round(v / 1e9, 2) for v in t["imports_usd"]])
        chart = s.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS, Inches(0.5), Inches(1.6), Inches(8.3), Inches(4.8), cd
        ).chart
        _chart_font(chart)
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.value_axis.has_title = True
        chart.value_axis.axis_title.text_frame.text = "US$ bn"
        _zero_based(chart.value_axis)
        last = t.iloc[-1]
        kpis = (
            f"{int(last['year'])}\n\nUS exports  {fmt_usd(last['exports_usd'])}\nUS imports  {fmt_usd(last['imports_usd'])}\n"
            f"Balance  {fmt_usd(last['balance_usd'])}"
        )
        _text(s, Inches(9.2), Inches(2.0), Inches(3.6), Inches(3.0), kpis, size=18, bold=False)
    _source(s, f"Source: {b.trade_source}.")
    return f"Source: {b.trade_source}. Goods only, Census basis, current US dollars."


def _unbroken_cites(text: str) -> str:
    """`text` with each parenthesis kept on one line ('(15 CFR 738 Supp. 1)' never wraps before '1)')."""
    return re.sub(r"\(([^()]*)\)", lambda m: "(" + m.group(1).replace(" ", "\u00a0") + ")", text)


def _package_slide(prs: Deck, b: Briefing) -> str:
    """The package as a table, PACKAGE_ROWS items a slide (continued on more slides, so it never runs
    off the slide's foot); every item is shown."""
    p = b.package
    lines = _lines(b)
    internal = b.audience == "internal"
    subtitle = (
        (
            f"{len(lines)} {'item' if len(lines) == 1 else 'items'}, {fmt_usd(p.get('achieved_usd'))} a year "
            f"unlocked against a {fmt_usd(p.get('target_usd'))} target"
            + (f"; security risk {fmt_number(p.get('risk'))} points" if internal else "")
        )
        if _found(b)
        else f"No package reaches the {fmt_usd(p.get('target_usd'))} target"
    )
    header = ["ECCN", "Item", "Relief, and the licence it relieves", "Value / yr", "Foreign availability"] + (
        ["Risk", "Why chosen"] if internal else []
    )
    rows = []
    for l in lines:
        eccn = l.get("eccn", "")
        row = [
            eccn.replace("-rest", " (part)"),
            short_name(eccn, l.get("heading", ""), 40),
            # the relief, and the licence requirement on the partner it relieves (the concession's basis)
            "\n".join(_unbroken_cites(x) for x in (instrument_cite(l), basis_cite(l)) if x),
            fmt_usd(l.get("value_usd")),
            fmt_share(l.get("fa_score")),
        ]
        if internal:
            row += [fmt_number(l.get("risk")), cut_words(plain_why(l.get("why", "")), 110)]
        rows.append(row)
    size = 11
    if not rows:
        nothing = nothing_to_offer(p, b.partner_name)
        why = ([nothing] if nothing else diagnosis_lines(p)) or [
            nothing
            or (
                "No items: the target is met without relief"
                if _found(b)
                else "No package was found within the time limit"
            )
        ]
        header, rows, widths, size = ["What the analysis found"], [[line] for line in why], [1.0], 14
    else:
        widths = [0.95, 2.2, 3.95, 0.85, 1.3, 0.6, 2.45] if internal else [1.1, 3.0, 4.4, 1.3, 1.6]
    pages = [rows[i : i + PACKAGE_ROWS] for i in range(0, len(rows), PACKAGE_ROWS)]
    for k, page in enumerate(pages, start=1):
        title = "Proposed package" + (f" ({k} of {len(pages)})" if len(pages) > 1 else "")
        s = _content(prs, title, subtitle)
        _table(s, header, page, Inches(0.5), Inches(1.6), Inches(12.3), widths, size=size)
        _source(s, _data_note(b))
    legal = [f"{l.get('eccn')}: {' '.join(str(l.get('heading', '')).split())}" for l in lines]
    return (
        "Foreign availability: score 0-100% after 15 CFR 768 (non-regime supply, the partner's own production, "
        "number of suppliers). '(part)': the paragraphs of the entry that bind on the partner.\n"
        + ("CCL headings (15 CFR 774 Supp. 1):\n" + "\n".join(legal) if legal else "")
    )


def _frontier_slide(prs: Deck, b: Briefing) -> str:
    s = _content(
        prs,
        "Trade-off: exports unlocked against security risk",
        "Each point is the least-risk package for a target; "
        + (
            "the red diamond is the proposed package"
            if _found(b)
            else f"none reaches the {fmt_usd(b.package.get('target_usd'))} target"
        ),
    )
    pts = [p for p in b.frontier if p.get("achieved_usd") is not None and p.get("risk") is not None]
    pts = sorted(
        {round(float(p["achieved_usd"])): p for p in pts if float(p["achieved_usd"]) > 0}.values(),
        key=lambda p: float(p["achieved_usd"]),
    )
    chosen_x: float | None = b.package.get("achieved_usd")
    target = b.package.get("target_usd")
    unmet = not _found(b) and bool(target) and bool(pts)
    xs = [float(p["achieved_usd"]) for p in pts] + ([float(chosen_x)] if chosen_x else [])
    xs += [float(target)] if unmet and target else []
    top = max(xs + [0.0])
    log = bool(xs) and min(xs) > 0 and top / min(xs) >= 50
    # the unit of the range; on a log axis the unit of its low end (ticks 1, 10, 100, 1,000 US$ m, not 0.001 bn)
    scale, unit = (1e9, "bn") if (min(xs) if log else top) >= 1e9 else (1e6, "m")
    cd = XyChartData()
    series = cd.add_series("Least-risk packages")
    for p in pts:
        series.add_data_point(round(p["achieved_usd"] / scale, 4), round(p["risk"], 3))
    chosen = cd.add_series("Proposed package")
    has_chosen = chosen_x is not None and b.package.get("risk") is not None and float(chosen_x) > 0
    if has_chosen:
        chosen.add_data_point(round(float(chosen_x or 0) / scale, 4), round(b.package["risk"], 3))
    if unmet and target:  # no package: the target as a vertical line beyond the curve, to show how far it is
        line = cd.add_series(f"Target {fmt_usd(target)}")
        top_risk = max(float(p["risk"]) for p in pts)
        line.add_data_point(round(float(target) / scale, 4), 0.0)
        line.add_data_point(round(float(target) / scale, 4), round(top_risk, 3))
    chart = s.shapes.add_chart(
        XL_CHART_TYPE.XY_SCATTER_LINES, Inches(0.5), Inches(1.6), Inches(12.3), Inches(4.9), cd
    ).chart
    _chart_font(chart)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    if unmet:
        target_series = chart.plots[0].series[2]
        target_series.format.line.color.rgb = RED
        target_series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        target_series.marker.style = XL_MARKER_STYLE.NONE
    x_axis = chart.category_axis
    x_axis.has_title = True
    x_axis.axis_title.text_frame.text = f"Exports unlocked, US$ {unit} per year" + (" (log scale)" if log else "")
    if log:
        _log_scale(x_axis, min(xs) / scale, top / scale)
    else:
        x_axis.minimum_scale = 0
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = "Security risk, risk points"
    chart.value_axis.minimum_scale = 0
    chosen_series = chart.plots[0].series[1]
    chosen_series.marker.style = XL_MARKER_STYLE.DIAMOND
    chosen_series.marker.size = 14
    chosen_series.marker.format.fill.solid()
    chosen_series.marker.format.fill.fore_color.rgb = RED
    if has_chosen:
        label = chosen_series.points[0].data_label
        label.has_text_frame = True
        label.text_frame.text = f"Proposed: {fmt_usd(chosen_x)}, {fmt_number(b.package.get('risk'))} points"
        label.position = XL_LABEL_POSITION.LEFT
        label.font.size, label.font.bold = Pt(12), True
    _source(
        s, f"Risk is an internal index ({RISK_SCALE}), reduced where foreign availability is high. " + _data_note(b)
    )
    mr = b.package.get("marginal_risk_per_bn")
    return (
        f"Frontier: {len(pts)} least-risk packages for targets up to the largest achievable; x axis "
        + ("logarithmic (the packages span more than a factor 50)." if log else "linear from zero.")
        + (f" Marginal risk at the proposal: {_marginal(mr, top)}." if mr is not None else "")
    )


def _log_scale(axis: _BaseAxis, lo: float, hi: float) -> None:
    scaling = axis._element.find(qn("c:scaling"))
    log = scaling.makeelement(qn("c:logBase"), {"val": "10"})
    scaling.insert(0, log)
    axis.minimum_scale = 10 ** math.floor(math.log10(lo))
    axis.maximum_scale = 10 ** math.ceil(math.log10(hi))


def _marginal(mr: float, scale_top: float) -> str:
    """Marginal risk in the unit of the package's range: per $1m where the package is millions."""
    if scale_top < 1e9:
        return f"about {fmt_number(mr / 1000, 3)} risk points per extra $1m of target"
    return f"about {fmt_number(mr)} risk points per extra $1bn of target"


def _value_by_item_slide(prs: Deck, b: Briefing) -> str:
    lines = _lines(b)[:15]
    s = _content(prs, "Exports unlocked by item", "US$ millions per year, largest first")
    cd = CategoryChartData()
    cd.categories = [item_label(l.get("eccn", ""), l.get("heading", ""), 40) for l in lines] or ["(none)"]
    cd.add_series("Value unlocked", [round((l.get("value_usd") or 0) / 1e6, 4) for l in lines] or [0])
    chart = s.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.5), Inches(1.6), Inches(12.3), Inches(4.9), cd
    ).chart
    _chart_font(chart)
    chart.has_legend = False
    chart.has_title = False
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = "US$ m per year"
    _zero_based(chart.value_axis)
    chart.category_axis.reverse_order = True
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = '"$"0.0"m"'
    plot.data_labels.number_format_is_linked = False
    _source(s, _data_note(b))
    return "Value per item: licence-bound trade x blocked share x the instrument's share of the value. " + _data_note(b)


def _to_partner(b: Briefing) -> bool:
    """Whether the FA evidence measures supply *to the partner* (bilateral data) rather than world exports."""
    if "fa_basis" not in b.items.columns:
        return False
    chosen = {str(l.get("eccn")) for l in b.package.get("items", [])}
    basis = b.items.loc[b.items["eccn"].isin(chosen), "fa_basis"].astype(str)
    return bool(len(basis)) and bool(basis.str.contains("supply to").all())


def _availability_slide(prs: Deck, b: Briefing) -> str:
    lines = _lines(b)[:MAX_TABLE_ROWS]
    scope = f"goods to {b.partner_name}" if _to_partner(b) else "goods on the world market"
    s = _content(
        prs,
        "Who else supplies these items",
        f"Largest non-US suppliers of each item's {scope}: the data behind the foreign-availability score",
    )
    rows, evidence = [], []
    for l in lines:
        eccn = l.get("eccn", "")
        sup = suppliers_of(b, eccn)
        foreign = [
            f"{_name(b, iso)} {share:.0%}{'*' if tag == 'regime' else ''}"
            for iso, share, tag in sup
            if tag not in ("US", "partner")
        ][:TOP_SUPPLIERS]
        own = next((share for _, share, tag in sup if tag == "partner"), None)
        us = next((share for _, share, tag in sup if tag == "US"), None)
        count = _item_value(b, eccn, "fa_supplier_count")
        rows.append(
            [
                item_label(eccn, l.get("heading", ""), 40),
                ", ".join(foreign) or "no trade data",
                fmt_share(own) if own is not None else "-",
                fmt_share(us) if us is not None else "-",
                _count(count),
                fmt_share(l.get("fa_score")),
            ]
        )
        ev = _item_value(b, eccn, "fa_evidence")
        if isinstance(ev, str) and ev:
            evidence.append(f"{eccn}: {ev}")
    if not rows:
        rows = [["No package: no items to show", "", "", "", "", ""]]
    _table(
        s,
        ["Item", "Largest non-US suppliers", f"{b.partner_name} itself", "US", "Suppliers outside the regime", "Score"],
        rows,
        Inches(0.5),
        Inches(1.6),
        Inches(12.3),
        [3.3, 4.6, 1.2, 0.8, 1.4, 0.9],
        size=10,
    )
    more = len(_lines(b)) - len(lines)
    _source(
        s,
        (f"{more} smaller items in the workbook. " if more > 0 else "")
        + "* a member of the regime that controls the item (it applies the same control). "
        f"'{b.partner_name} itself': the partner's own production, from its exports. " + _data_note(b),
    )
    return (
        "Foreign availability after 15 CFR 768, from trade proxies (optimizer/estimation/foreign_availability).\n"
        + ("\n".join(evidence) if evidence and b.audience == "internal" else "")
    )


def _allies_slide(prs: Deck, b: Briefing) -> str:
    cols = _ally_columns(b)
    chosen = {l.get("eccn", "") for l in b.package.get("items", [])}
    positions = b.items.set_index("eccn")[cols]
    stated = positions[(positions != "neutral").any(axis=1)].index.tolist()
    ids = [e for e in (sorted(chosen) + sorted(set(stated) - chosen))][:MAX_TABLE_ROWS]
    s = _content(
        prs,
        "Allies' positions",
        f"Stated positions of {len(cols)} allies on the package's items and on the items they spoke about",
    )
    header = ["Item", "In the package"] + [_name(b, c[5:]) for c in cols]
    rows = []
    for e in ids:
        row = [item_label(e, _item_cell(b, e), 40), "yes" if e in chosen else "no"]
        row += [str(positions.at[e, c]) if e in positions.index else "neutral" for c in cols]
        rows.append(row)
    if not rows:
        rows = [["No item in the package", "", *[""] * len(cols)]]
    _table(s, header, rows, Inches(0.5), Inches(1.6), Inches(12.3), [3.6, 1.3] + [1.2] * len(cols))
    opposed = "left out unless allowed" if not b.assumptions.get("allow_opposed") else "allowed at a risk penalty"
    _source(s, f"Positions as stated in the session (support / neutral / oppose); items an ally opposes are {opposed}.")
    return "Ally positions are the scenario's inputs (inputs['ally_positions']), items not spoken about are neutral."


def _alternatives_slide(prs: Deck, b: Briefing) -> str:
    internal = b.audience == "internal"
    chosen = {l.get("eccn") for l in b.package.get("items", [])}
    s = _content(
        prs, "Alternative packages", "Packages within 5% of the proposal, built from different items: room to negotiate"
    )
    header = ["Option", "Items", "Value / yr"] + (["Risk"] if internal else []) + ["Differs from the proposal"]
    rows = [
        ["Proposal", str(len(chosen)), fmt_usd(b.package.get("achieved_usd"))]
        + ([fmt_number(b.package.get("risk"))] if internal else [])
        + ["-"]
    ]
    for i, alt in enumerate(b.alternatives, start=1):
        ids = {l.get("eccn") for l in alt.get("items", [])}
        added, removed = sorted(ids - chosen), sorted(chosen - ids)
        diff = "; ".join(
            part
            for part in (
                ("adds " + ", ".join(item_label(e, _item_cell(b, e), 40) for e in added[:3])) if added else "",
                ("drops " + ", ".join(item_label(e, _item_cell(b, e), 40) for e in removed[:3])) if removed else "",
            )
            if part
        )
        rows.append(
            [f"Alternative {i}", str(len(ids)), fmt_usd(alt.get("achieved_usd"))]
            + ([fmt_number(alt.get("risk"))] if internal else [])
            + [diff or "same items"]
        )
    if not _found(b):
        rows = [["-", "", "", *([""] if internal else []), "no package reaches the target, so no alternatives"]]
    elif not b.alternatives:
        rows.append(["-", "", "", *([""] if internal else []), "no alternative within 5% of the proposal"])
    _table(
        s, header, rows, Inches(0.5), Inches(1.6), Inches(12.3), [1.6, 0.8, 1.4] + ([0.9] if internal else []) + [7.6]
    )
    _source(s, _data_note(b))
    return "Alternatives: packages within the tolerance of the proposal's objective, each differing in its items."


def _excluded_slide(prs: Deck, b: Briefing) -> str:
    counts = Counter(e.get("reason", "unknown") for e in b.package.get("excluded", []))
    s = _content(prs, "Why items were left out", f"{sum(counts.values())} items not in the package, by reason")
    cd = CategoryChartData()
    reasons = sorted(counts, key=lambda r: -counts[r]) or ["(none)"]
    cd.categories = [reason_label(r) for r in reasons]
    cd.add_series("Items", [counts.get(r, 0) for r in reasons])
    chart = s.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.5), Inches(1.6), Inches(7.5), Inches(4.9), cd
    ).chart
    _chart_font(chart)
    chart.has_legend = False
    chart.has_title = False
    chart.category_axis.reverse_order = True
    _zero_based(chart.value_axis)
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = "Items"
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "0"
    plot.data_labels.number_format_is_linked = False
    binding = b.package.get("binding_constraints") or []
    mr = b.package.get("marginal_risk_per_bn")
    why = diagnosis_lines(b.package)
    if why:  # no package: what binds is the rule the diagnosis names, not a row of a package
        text = "Why no package reaches the target:\n" + "\n".join(f"- {line}" for line in why)
    else:
        text = "What limits the package:\n" + (
            "\n".join(
                f"- {c}" if isinstance(c, str) else f"- {c.get('detail') or c.get('name', c)}" for c in binding[:8]
            )
            or "- nothing binds"
        )
    if mr is not None and not why:
        top = float(b.package.get("achieved_usd") or 0)
        text += f"\n\nA larger target costs {_marginal(mr, top)} (estimate)."
    _text(s, Inches(8.3), Inches(1.8), Inches(4.5), Inches(4.6), text, size=13)
    _source(
        s,
        "Foundational items (WMD, military, advanced computing, chokepoints) are never eligible; items that "
        f"need no licence to {b.partner_name} have nothing to relieve.",
    )
    return (
        "Reasons per item are in the workbook's Excluded sheet. The marginal risk is read from the linear "
        "relaxation's dual of the target constraint: an approximation."
    )


def _exchange_slide(prs: Deck, b: Briefing) -> str:
    from optimizer.briefing.exchange import add_exchange_slide

    assert b.exchange is not None
    add_exchange_slide(prs, b.exchange, b.exchange_references, partner_name=b.partner_name)
    ids = ", ".join(str(g.get("measure_id")) for g in b.exchange.get("gets", []))
    return (
        f"Partner measures (dataset ids): {ids}.\n" if ids else ""
    ) + "Gives and gets: US gives are the package's items; gets are relief of the partner's own export controls."


def _assumptions_slide(prs: Deck, b: Briefing) -> str:
    s = _content(prs, "Assumptions and data provenance")
    shown = {k: v for k, v in b.assumptions.items() if k not in SOLVER_KEYS}
    if "partner" in shown:
        shown["partner"] = b.partner_name
    params = assumption_lines(shown)
    left = _text(s, Inches(0.5), Inches(1.4), Inches(6.0), Inches(5.3), "Scenario\n" + "\n".join(params[:22]), size=11)
    data = [_data_note(b), ""]
    data += [
        f"{PROVENANCE_LABELS.get(k, k.replace('_', ' '))}: {cut_words(v, 160)}"
        for k, v in b.provenance.items()
        if k != "dataset_id"
    ]
    data += [
        "",
        "Concession value = licence-bound trade x blocked share. Potential per HS6 code = max(0, partner "
        "imports from world x US share of world exports - US exports to partner) x controlled share; "
        "licence-bound where a requirement on the partner binds (the Country Chart, Country Groups, 15 CFR "
        "744.21); blocked share from BIS licensing figures (China: 30.1% of FY2022 applications denied or "
        "returned without action; military end use: 62% of Entity List application value 2018-2023). "
        "Items needing no licence count 0. Software and technology have no goods trade: their value is "
        "unknown, not zero.",
    ]
    right = _text(s, Inches(6.8), Inches(1.4), Inches(6.0), Inches(5.3), "Data\n" + "\n".join(data), size=11)
    for box in (left, right):  # the two column heads
        for r in box.text_frame.paragraphs[0].runs:
            r.font.bold, r.font.size, r.font.color.rgb = True, Pt(14), ACCENT
    return "Every scenario parameter:\n" + "\n".join(assumption_lines(b.assumptions))


#: Parameters of the solver run: in the notes and the workbook, not on a slide.
SOLVER_KEYS = ("solver", "time_limit_s", "rel_gap", "threads")
PROVENANCE_LABELS = {"hs6_trade_data": "Item-level trade data", "ccl": "Control list"}
VALUE_METHOD_LABELS = {
    "gap": "gap to the US world share (partner imports x US share of world exports - US exports)",
    "baseline": "return to the US exports of a baseline year",
}
OBJECTIVE_LABELS = {"min_risk": "least security risk", "max_value": "most value", "min_items": "fewest items"}


def _count(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "-"
    return "-" if f != f else str(int(f))


def _common_notes(b: Briefing) -> str:
    """Sources and assumptions on every slide's notes, with the identifiers slides leave out."""
    lines = [f"Sources: {_data_note(b)}"]
    if b.provenance.get("ccl"):
        lines.append(f"Control list: {b.provenance['ccl']}")
    lines.append(
        f"Assumptions: partner {b.partner_name}, trade year {b.year}, target {fmt_usd(b.assumptions.get('target_usd'))}; "
        "all parameters on the last slide and in the workbook."
    )
    ids = [f"dataset {b.provenance['dataset_id']}"] if b.provenance.get("dataset_id") else []
    if b.option_name:
        ids.append(f"scenario '{b.option_name}'")
    if ids:
        lines.append("Identifiers: " + ", ".join(ids) + f"; prepared {b.prepared_on}; marking {b.marking}.")
    return "\n".join(lines)


#: What a briefer reads for each scenario parameter (others appear with their key, underscores as spaces).
ASSUMPTION_LABELS: dict[str, str] = {
    "partner": "Partner",
    "year": "Trade year",
    "target_usd": "Concession target per year",
    "objective": "Objective",
    "min_fa": "Foreign-availability threshold",
    "max_items": "Most items",
    "bis_alone": "Only what BIS can decide alone",
    "modes": "Relief instruments allowed",
    "mode_params": "Relief instruments (share of value, share of risk)",
    "risk_budget": "Risk budget",
    "locks": "Kept controlled",
    "forced": "Always relieved",
    "allies": "Allies' positions respected",
    "allow_opposed": "Items an ally opposes allowed",
    "ally_penalty": "Risk penalty per opposition",
    "coherence": "Software/technology only with its hardware entry",
    "category_caps": "Caps per CCL category",
    "solver": "Solver",
    "time_limit_s": "Solver time limit (s)",
    "rel_gap": "Accepted optimality gap",
    "value_method": "Concession value method",
}


def assumption_lines(assumptions: dict[str, Any]) -> list[str]:
    """`label: value` lines a briefer can read (yes/no, percentages, US$), empty parameters left out."""
    lines = []
    for k, v in assumptions.items():
        if v in (None, "", [], {}, ()) or (k == "ally_penalty" and not assumptions.get("allow_opposed")):
            continue
        if k == "mode_params" and isinstance(v, dict):
            text = "; ".join(
                f"{str(MODE_LABEL.get(m, m)).lower()} {fmt_share(p.get('value_share'))}, "
                f"{fmt_share(p.get('risk_share'))}"
                for m, p in v.items()
                if isinstance(p, dict) and m in (assumptions.get("modes") or v)
            )
        elif k == "modes" and isinstance(v, (list, tuple)):
            text = ", ".join(MODE_LABEL.get(str(m), str(m)).lower() for m in v)
        elif k == "rel_gap" and isinstance(v, (int, float)):
            text = fmt_share(v, 1)
        elif k == "min_fa" and isinstance(v, (int, float)):
            text = f"{v:.2f} (items scoring below it are left out)" if v else "none (0: every score counts)"
        elif k == "value_method":
            text = VALUE_METHOD_LABELS.get(str(v), str(v))
        elif k == "objective":
            text = OBJECTIVE_LABELS.get(str(v).replace("-", "_"), str(v))
        else:
            text = _fmt_value(v)
        lines.append(f"{ASSUMPTION_LABELS.get(k, k.replace('_', ' '))}: {text}")
    return lines


def _fmt_value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and abs(v) >= 1e5:
        return fmt_usd(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v)) or "none"
    if isinstance(v, dict):
        return "; ".join(f"{k}={_fmt_value(x)}" for k, x in v.items()) or "none"
    return str(v)
