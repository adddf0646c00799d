"""The briefing deck: 16:9 PowerPoint with native (editable) charts and tables, marking on every slide.

Charts are python-pptx chart objects, not pictures, so staff can restyle or re-cut them in
PowerPoint. Every slide carries the handling marking at the top and the bottom, and every figure
says whether it is real or synthetic and where it came from.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from optimizer.briefing.content import Briefing
from optimizer.errors import DecontrolError
from optimizer.estimation.risk import RISK_SCALE
from optimizer.estimation.space import nothing_to_offer
from optimizer.formatting import fmt_number, fmt_share, fmt_usd
from optimizer.licensing.instruments import MODE_LABEL, instrument_cite
from optimizer.model.diagnose import diagnosis_lines

if TYPE_CHECKING:
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
MAX_TABLE_ROWS = 14


def build_deck(briefing: Briefing) -> Deck:
    """Render a briefing (already filtered for its audience inside) as a Presentation."""
    b = briefing.for_audience()
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    _title_slide(prs, b)
    _trade_slide(prs, b)
    _package_slide(prs, b)
    if b.exchange:  # an exchange scenario: its gives and gets (internal briefings only, see for_audience)
        from optimizer.briefing.exchange import add_exchange_slide

        add_exchange_slide(prs, b.exchange, b.exchange_references)
    if b.audience == "internal":
        _frontier_slide(prs, b)
    else:
        _value_by_item_slide(prs, b)
    _alternatives_slide(prs, b)
    if b.audience == "internal":
        _excluded_slide(prs, b)
    _assumptions_slide(prs, b)
    for slide in prs.slides:
        _mark(slide, b.marking)
    return prs


def write_deck(briefing: Briefing, path: Path) -> Path:
    """Build and save atomically (a half-written deck never replaces a good one)."""
    path = Path(path)
    if path.suffix.lower() != ".pptx":
        raise DecontrolError(f"the deck must be a .pptx file, got '{path.name}'")
    prs = build_deck(briefing)
    tmp = path.with_name(path.name + ".tmp")
    try:
        prs.save(str(tmp))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DecontrolError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


# -- slide helpers ------------------------------------------------------------------------------


def _blank(prs: Deck) -> Slide:
    return prs.slides.add_slide(prs.slide_layouts[6])


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


def _heading(slide: Slide, title: str, subtitle: str = "") -> None:
    _text(slide, Inches(0.5), Inches(0.45), Inches(12.3), Inches(0.7), title, size=26, bold=True)
    if subtitle:
        _text(slide, Inches(0.5), Inches(1.05), Inches(12.3), Inches(0.45), subtitle, size=13, color=GREY)


def _mark(slide: Slide, marking: str) -> None:
    """The handling marking, centred in the header and the footer of the slide."""
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
    _text(slide, Inches(0.5), SLIDE_H - Inches(0.85), Inches(12.3), Inches(0.4), text, size=9, color=GREY)


def _table(
    slide: Slide,
    header: list[str],
    rows: list[list[str]],
    left: Length,
    top: Length,
    width: Length,
    col_widths: list[float],
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
                    r.font.size = Pt(11 if i else 12)
                    r.font.bold = i == 0
    return shape


def _data_note(b: Briefing) -> str:
    label = (
        b.hs6_source if (not b.hs6_synthetic or "SYNTHETIC" in b.hs6_source.upper()) else f"SYNTHETIC: {b.hs6_source}"
    )
    return f"Item values and foreign availability: {label}. Trade totals: {b.trade_source}."


# -- slides -------------------------------------------------------------------------------------


def _title_slide(prs: Deck, b: Briefing) -> None:
    s = _blank(prs)
    p = b.package
    title = b.title or f"Decontrol package: {b.partner_name}"
    _text(s, Inches(0.8), Inches(2.0), Inches(11.7), Inches(1.2), title, size=38, bold=True)
    n = len(p.get("items", []))
    if p.get("achieved_usd") is None:
        why = " ".join(diagnosis_lines(p)) or "No package was found within the time limit."
        first = f"No package reaches the {fmt_usd(p.get('target_usd'))} target per year. {why}"
    else:
        first = (
            f"Concession target {fmt_usd(p.get('target_usd'))} per year; package unlocks "
            f"{fmt_usd(p.get('achieved_usd'))} with {n} {'item' if n == 1 else 'items'} "
            f"({p.get('status', 'unknown')} solution)."
        )
    nothing = nothing_to_offer(p, b.partner_name)
    lines = [
        first + (f" {nothing}" if nothing else ""),
        f"Counted only where a licence requirement on {b.partner_name} blocks trade: Commerce Country Chart and "
        "Country Groups (15 CFR 738, 740; eCFR 2026-07-23), military end-use rule (15 CFR 744.21; eCFR 2026-09-24).",
        f"Trade year {b.year}. Prepared {b.prepared_on}. Audience: {'allied partners' if b.audience == 'ally' else 'internal'}.",
    ]
    _text(s, Inches(0.8), Inches(3.3), Inches(11.7), Inches(2.6), "\n".join(lines), size=15, color=GREY)
    if b.hs6_synthetic:
        _text(
            s,
            Inches(0.8),
            Inches(6.0),
            Inches(11.7),
            Inches(0.7),
            "Demonstration data: item-level trade figures are SYNTHETIC (calibrated to real Census totals). "
            "Do not quote them as official statistics.",
            size=14,
            bold=True,
            color=RED,
        )


def _trade_slide(prs: Deck, b: Briefing) -> None:
    s = _blank(prs)
    t = b.trade_totals.sort_values("year")
    _heading(
        s,
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
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.value_axis.has_title = True
        chart.value_axis.axis_title.text_frame.text = "US$ bn"
        last = t.iloc[-1]
        kpis = (
            f"{int(last['year'])}\n\nUS exports  {fmt_usd(last['exports_usd'])}\nUS imports  {fmt_usd(last['imports_usd'])}\n"
            f"Balance  {fmt_usd(last['balance_usd'])}"
        )
        _text(s, Inches(9.2), Inches(2.0), Inches(3.6), Inches(3.0), kpis, size=18, bold=False)
    _source(s, f"Source: {b.trade_source}.")


def _package_slide(prs: Deck, b: Briefing) -> None:
    s = _blank(prs)
    p = b.package
    lines = sorted(p.get("items", []), key=lambda l: -(l.get("value_usd") or 0))
    internal = b.audience == "internal"
    _heading(
        s,
        "Proposed package",
        (
            f"{len(lines)} {'item' if len(lines) == 1 else 'items'}, {fmt_usd(p.get('achieved_usd'))} per year "
            f"unlocked against a {fmt_usd(p.get('target_usd'))} target"
            + (f"; total risk {fmt_number(p.get('risk'))}" if internal else "")
        )
        if p.get("achieved_usd") is not None
        else f"No package reaches the {fmt_usd(p.get('target_usd'))} target",
    )
    header = ["ECCN", "Item", "Relief", "Value / yr", "Foreign avail."] + (["Risk", "Why chosen"] if internal else [])
    rows = []
    for l in lines[:MAX_TABLE_ROWS]:
        row = [
            l.get("eccn", ""),
            _short(l.get("heading", ""), 48 if internal else 70),
            instrument_cite(l),
            fmt_usd(l.get("value_usd")),
            fmt_share(l.get("fa_score")),
        ]
        if internal:
            row += [fmt_number(l.get("risk")), _short(l.get("why", ""), 40)]
        rows.append(row)
    if not rows:
        why = diagnosis_lines(p) or [
            nothing_to_offer(p, b.partner_name)
            or (
                "No items: the target is met without relief"
                if p.get("achieved_usd") is not None
                else "No package was found within the time limit"
            )
        ]
        rows = [["-", line, "", "", ""] + (["", ""] if internal else []) for line in why]
    widths = [1.0, 3.8, 2.6, 1.2, 1.2] + ([0.8, 2.4] if internal else [])
    _table(s, header, rows, Inches(0.5), Inches(1.6), Inches(12.3), widths)
    more = len(lines) - MAX_TABLE_ROWS
    note = _data_note(b) + (f" {more} more items in the workbook." if more > 0 else "")
    _source(s, note)


def _frontier_slide(prs: Deck, b: Briefing) -> None:
    s = _blank(prs)
    _heading(
        s,
        "Trade-off: concession value against security risk",
        "Each point is the least-risk package for a target; the chosen package is highlighted",
    )
    pts = [p for p in b.frontier if p.get("achieved_usd") is not None and p.get("risk") is not None]
    # the axis in the unit of the range: a concession space of a few million read "0.001 ... 0.007"
    # in US$ bn, and rounding to 3 decimals there merged neighbouring packages into one x value
    top = max([float(p["achieved_usd"]) for p in pts] + [float(b.package.get("achieved_usd") or 0.0)])
    scale, unit = (1e9, "bn") if top >= 1e9 else (1e6, "m")
    cd = XyChartData()
    series = cd.add_series("Least-risk packages")
    for p in pts:
        series.add_data_point(round(p["achieved_usd"] / scale, 3), round(p["risk"], 3))
    chosen = cd.add_series("Chosen package")
    if b.package.get("achieved_usd") is not None and b.package.get("risk") is not None:
        chosen.add_data_point(round(b.package["achieved_usd"] / scale, 3), round(b.package["risk"], 3))
    chart = s.shapes.add_chart(
        XL_CHART_TYPE.XY_SCATTER_LINES, Inches(0.5), Inches(1.6), Inches(12.3), Inches(4.9), cd
    ).chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.category_axis.has_title = True
    chart.category_axis.axis_title.text_frame.text = f"Exports unlocked, US$ {unit} per year"
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = "Security risk, risk points"
    chosen_series = chart.plots[0].series[1]
    chosen_series.marker.style = XL_MARKER_STYLE.DIAMOND
    chosen_series.marker.size = 14
    chosen_series.marker.format.fill.solid()
    chosen_series.marker.format.fill.fore_color.rgb = RED
    _source(
        s, f"Risk is an internal index ({RISK_SCALE}; reason weights reduced by foreign availability). " + _data_note(b)
    )


def _value_by_item_slide(prs: Deck, b: Briefing) -> None:
    s = _blank(prs)
    lines = sorted(b.package.get("items", []), key=lambda l: -(l.get("value_usd") or 0))[:15]
    _heading(s, "Exports unlocked by item", "US$ millions per year, largest first")
    cd = CategoryChartData()
    cd.categories = [l.get("eccn", "") for l in lines] or ["(none)"]
    cd.add_series("Value unlocked", [round((l.get("value_usd") or 0) / 1e6, 1) for l in lines] or [0])
    chart = s.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.5), Inches(1.6), Inches(12.3), Inches(4.9), cd
    ).chart
    chart.has_legend = False
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = "US$ m per year"
    chart.category_axis.reverse_order = True
    _source(s, _data_note(b))


def _alternatives_slide(prs: Deck, b: Briefing) -> None:
    s = _blank(prs)
    internal = b.audience == "internal"
    chosen = {l.get("eccn") for l in b.package.get("items", [])}
    _heading(s, "Alternative packages", "Near-optimal packages built from different items, for negotiating room")
    header = ["Option", "Items", "Value / yr"] + (["Risk"] if internal else []) + ["Differs from proposal"]
    rows = [
        ["Proposal", str(len(chosen)), fmt_usd(b.package.get("achieved_usd"))]
        + ([fmt_number(b.package.get("risk"))] if internal else [])
        + ["-"]
    ]
    for i, alt in enumerate(b.alternatives, start=1):
        ids = {l.get("eccn") for l in alt.get("items", [])}
        added, removed = sorted(ids - chosen), sorted(chosen - ids)
        diff = (f"+{', '.join(added[:6])}{'...' if len(added) > 6 else ''}" if added else "") + (
            f"  -{', '.join(removed[:6])}{'...' if len(removed) > 6 else ''}" if removed else ""
        )
        rows.append(
            [f"Alternative {i}", str(len(ids)), fmt_usd(alt.get("achieved_usd"))]
            + ([fmt_number(alt.get("risk"))] if internal else [])
            + [diff.strip() or "same items"]
        )
    if not b.alternatives:
        rows.append(["-", "", "", *([""] if internal else []), "no alternative within tolerance"])
    _table(
        s, header, rows, Inches(0.5), Inches(1.6), Inches(12.3), [1.6, 0.8, 1.4] + ([0.9] if internal else []) + [7.6]
    )
    _source(s, _data_note(b))


#: Exclusion reasons in a briefer's words.
EXCLUSION_LABELS: dict[str, str] = {
    "nlr": "no licence required",
    "foundational": "foundational control",
    "no_instrument": "no allowed instrument",
    "not_bis_alone": "not for BIS alone",
    "locked": "kept controlled",
    "fa_below_threshold": "availability below threshold",
    "diversion_signal": "strong diversion signal",
    "ally_opposes": "an ally opposes",
    "value_unknown": "value unknown",
    "coherence": "needs its hardware",
    "not_needed": "not needed for the target",
    "short_of_target": "in the largest package, still short",
    "no_value": "adds no concession value",
    "not_in_best": "not in the best package found",
}


def _excluded_slide(prs: Deck, b: Briefing) -> None:
    s = _blank(prs)
    counts = Counter(e.get("reason", "unknown") for e in b.package.get("excluded", []))
    _heading(s, "Why items were left out", f"{sum(counts.values())} items not in the package, by reason")
    cd = CategoryChartData()
    reasons = sorted(counts, key=lambda r: -counts[r]) or ["(none)"]
    cd.categories = [EXCLUSION_LABELS.get(r, r.replace("_", " ")) for r in reasons]
    cd.add_series("Items", [counts.get(r, 0) for r in reasons])
    chart = s.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.5), Inches(1.6), Inches(7.5), Inches(4.9), cd
    ).chart
    chart.has_legend = False
    chart.category_axis.reverse_order = True
    binding = b.package.get("binding_constraints") or []
    mr = b.package.get("marginal_risk_per_bn")
    why = diagnosis_lines(b.package)
    if why:  # no package: what binds is the rule the diagnosis names, not a row of a package
        text = "Why no package reaches the target:\n" + "\n".join(f"- {line}" for line in why)
    else:
        text = "Binding constraints:\n" + (
            "\n".join(
                f"- {c}" if isinstance(c, str) else f"- {c.get('detail') or c.get('name', c)}" for c in binding[:8]
            )
            or "- none"
        )
    if mr is not None:
        text += f"\n\nMarginal risk per extra $1bn of target: {fmt_number(mr)} (approximation from LP duals)"
    _text(s, Inches(8.3), Inches(1.8), Inches(4.5), Inches(4.6), text, size=13)
    _source(
        s,
        "Foundational items (WMD, military, advanced computing, chokepoints) are never eligible; items that "
        f"need no licence to {b.partner_name} (nlr) have nothing to relieve.",
    )


def _assumptions_slide(prs: Deck, b: Briefing) -> None:
    s = _blank(prs)
    _heading(s, "Assumptions and data provenance")
    params = assumption_lines(b.assumptions)
    _text(s, Inches(0.5), Inches(1.4), Inches(6.0), Inches(5.3), "Scenario\n" + "\n".join(params[:22]), size=11)
    data = [_data_note(b), ""]
    data += [f"{k.replace('_', ' ')}: {_short(v, 160)}" for k, v in b.provenance.items()]
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
    _text(s, Inches(6.8), Inches(1.4), Inches(6.0), Inches(5.3), "Data\n" + "\n".join(data), size=11)


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


def _short(text: str, n: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
