"""Briefing an exchange: one deck slide (the balance as a native chart next to the reference exchanges,
the ledger as a table) and workbook sheets (ledger, the partner's measures, the reference exchanges,
the assumptions), from an `ExchangeReport` and the valued `ReferenceExchange`s (or their dicts).

Internal only: the slide shows the security risk of the gives and the US valuation of the gets, which
allies never see. Every figure says real or synthetic; unsourced HS codes are named on the slide
and flagged per row in the workbook.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from optimizer.briefing.content import DEFAULT_MARKING
from optimizer.briefing.deck import GREY, SLIDE_H, SLIDE_W, _blank, _heading, _mark, _source, _table, _text
from optimizer.errors import DecontrolError
from optimizer.formatting import fmt_usd
from optimizer.vocabulary import Status

MAX_LEDGER_ROWS = 9
M = 1e6


def _d(obj: Any) -> dict[str, Any]:
    return obj if isinstance(obj, dict) else obj.to_dict()


def _balance_text(s: dict[str, Any]) -> str:
    if s.get("balance_upper") is None:
        return f"partner's gain at least {s['balance_share']:g} x the US gain"
    return f"partner's gain {s['balance_share']:g}-{s['balance_upper']:g} x the US gain"


def _cut(text: str, n: int) -> str:
    from optimizer.formatting import cut_words

    return cut_words(text, n)


def _label(synthetic: bool) -> str:
    return "SYNTHETIC" if synthetic else "real"


def _measure(measure_id: str) -> str:
    """'2023-23#ga1' -> 'No. 23 (2023)': the announcement a measure comes from (the full id is in the workbook)."""
    m = re.fullmatch(r"(\d{4})-(\d+)#.*", str(measure_id))
    return f"No. {m.group(2)} ({m.group(1)})" if m else str(measure_id)


def add_exchange_slide(prs: Any, report: Any, refs: list[Any] | None = None, partner_name: str = "") -> Any:
    """Append the exchange slide to `prs` (the marking is added by the caller, as for every slide)."""
    r, refs_d = _d(report), [_d(x) for x in (refs or [])]
    s = _blank(prs)
    ratio = r.get("balance_ratio")
    _heading(
        s,
        f"Gives and gets with {partner_name or r['partner']}: a proposed exchange",
        f"Partner measures on {r['date']}, trade {r['year']} ({_label(r['gets_synthetic'])} HS6 figures); "
        f"{_balance_text(r['settings'])}"
        + (f", achieved {ratio:.2f}" if ratio is not None else "")
        + ("" if r["status"] == Status.OPTIMAL else "; no exchange meets the balance"),
    )
    cd = CategoryChartData()
    cats = [f"Proposal ({r['date'][:7]})"] + [f"{x['name']} ({x['date'][:7]})" for x in refs_d]
    cd.categories = cats
    gets_unsourced = sum(g["value_usd"] for g in r["gets"] if g.get("unsourced_hs6"))
    cd.add_series(
        "US gives (partner's gain)",
        [round((r["partner_gain_usd"] or 0) / M, 2)] + [round(x["us_gives_usd"] / M, 2) for x in refs_d],
    )
    cd.add_series(
        "US gets (published HS codes)",
        [round(((r["us_gain_usd"] or 0) - gets_unsourced) / M, 2)]
        + [round(x["partner_gives_usd"] / M, 2) for x in refs_d],
    )
    gives_extra = [0.0] + [round(x["us_gives_unsourced_usd"] / M, 2) for x in refs_d]
    gets_extra = [round(gets_unsourced / M, 2)] + [round(x["partner_gives_unsourced_usd"] / M, 2) for x in refs_d]
    if any(gives_extra):
        cd.add_series("US gives on UNSOURCED HS codes", gives_extra)
    if any(gets_extra):
        cd.add_series("US gets on UNSOURCED HS codes", gets_extra)
    chart = s.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(0.5), Inches(1.6), Inches(6.2), Inches(4.2), cd
    ).chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = "US$ m per year"
    chart.value_axis.minimum_scale = 0
    chart.font.size = Pt(11)
    chart.legend.font.size = Pt(10)
    chart.value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(11)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "0.0;-0.0;;"  # zeros unlabelled: an empty bar reads as none
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(9)
    net = (
        f"US gets {fmt_usd(r['us_gain_usd'])}/yr; US gives {fmt_usd(r['partner_gain_usd'])}/yr; risk of the gives "
        f"{(r['risk'] or 0):.3f} x {fmt_usd(r['settings']['risk_price_usd'])}/point: US net gain "
        f"{fmt_usd(r['us_net_gain_usd'])}/yr"
    )
    not_valued = [f"{x['name']} {x['not_valued']}" for x in refs_d if x["not_valued"]]
    _text(
        s,
        Inches(0.5),
        Inches(5.85),
        Inches(6.2),
        Inches(0.6),
        net
        + (
            f". Reference lines not valued (tariffs, end-user rules, no HS codes): {', '.join(not_valued)}."
            if not_valued
            else "."
        ),
        size=10,
        color=GREY,
    )
    rows = [["US gives", g["eccn"], _cut(g["instrument_detail"], 52), fmt_usd(g["value_usd"])] for g in r["gives"]]
    rows += [
        [
            "US gets",
            _measure(g["measure_id"]),
            _cut(f"{g['relief'].replace('_', ' ')}: {g['item_group']}", 44)
            + (" (UNSOURCED codes)" if g.get("unsourced_hs6") else ""),
            fmt_usd(g["value_usd"]),
        ]
        for g in r["gets"]
    ]
    more = len(rows) - MAX_LEDGER_ROWS
    rows = rows[:MAX_LEDGER_ROWS] + ([["", f"+{more} more", "in the workbook", ""]] if more > 0 else [])
    if not rows:
        rows = [
            [
                "-",
                "-",
                "no exchange: nothing is worth giving at this risk price"
                if r["status"] == Status.OPTIMAL
                else f"no exchange ({r['status']})",
                "",
            ]
        ]
    shape = _table(
        s,
        ["Side", "Item / measure", "Relief", "US$ / yr"],
        rows,
        Inches(6.9),
        Inches(1.6),
        Inches(5.9),
        [1.0, 1.35, 3.3, 1.0],
    )
    for row in shape.table.rows:
        for cell in row.cells:
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(10)  # the ledger is denser than a package table
    unsourced_codes = sorted(
        set(r.get("unsourced_hs6") or [])
        | {c for x in refs_d for ln in x["lines"] for c in str(ln.get("unsourced_hs6") or "").split(";") if c}
    )
    note = (
        f"Gets: US imports from {r['partner']} in the measures' HS codes x supply premium "
        f"{r['settings']['supply_premium']:g} x relief share; gives: licence-bound value from the item table. "
        f"Trade figures {_label(r['gets_synthetic'])}: {str(r['source']).split(':')[0][:80]}. "
        "Partner measures: MOFCOM/GAC announcements (real). References: public record, same machinery."
    )
    if unsourced_codes:
        note += f" UNSOURCED HS codes: {', '.join(unsourced_codes)}."
    _source(s, note)
    return s


def build_exchange_slide(report: Any, refs: list[Any] | None = None, marking: str = "") -> Any:
    """A one-slide deck of the exchange, marked at top and bottom."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    slide = add_exchange_slide(prs, report, refs)
    _mark(slide, marking or DEFAULT_MARKING)
    return prs


def write_exchange_slide(report: Any, refs: list[Any] | None, path: Path, marking: str = "") -> Path:
    path = Path(path)
    if path.suffix.lower() != ".pptx":
        raise DecontrolError(f"the slide must be a .pptx file, got '{path.name}'")
    tmp = path.with_name(path.name + ".tmp")
    try:
        build_exchange_slide(report, refs, marking).save(str(tmp))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DecontrolError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def exchange_sheets(report: Any, refs: list[Any] | None = None) -> dict[str, pd.DataFrame]:
    """Workbook sheets of an exchange: ledger, measures, reference exchanges, assumptions."""
    r, refs_d = _d(report), [_d(x) for x in (refs or [])]
    ledger = [
        {
            "side": "US gives",
            "id": g["eccn"],
            "what": g["heading"],
            "relief": g["instrument"],
            "relief_detail": g["instrument_detail"],
            "licence_basis": g["licence_basis"],
            "value_usd": g["value_usd"],
            "risk": g["risk"],
            "status": "",
            "hs6": g["hs6"],
            "unsourced_hs6": "",
            "value_basis": g["value_basis"],
            "synthetic": g["synthetic"],
            "source": g["source"],
        }
        for g in r["gives"]
    ]
    ledger += [
        {
            "side": "US gets",
            "id": g["measure_id"],
            "what": g["item_group"],
            "relief": g["relief"],
            "relief_detail": "",
            "licence_basis": "",
            "value_usd": g["value_usd"],
            "risk": None,
            "status": g["status"],
            "hs6": g["hs6_used"],
            "unsourced_hs6": g["unsourced_hs6"],
            "value_basis": f"US imports from {r['partner']} {fmt_usd(g['us_imports_from_partner_usd'])} x supply "
            f"premium {r['settings']['supply_premium']:g} x {g['relief'].replace('_', ' ')} share "
            f"{r['settings']['get_shares'][g['relief']]:g}; HS codes {g['hs6_basis']}",
            "synthetic": g["synthetic"],
            "source": g["source"],
        }
        for g in r["gets"]
    ]
    measures = pd.DataFrame(r.get("measures") or [])
    refs_rows = [{"exchange": x["name"], "date": x["date"]} | ln for x in refs_d for ln in x["lines"]]
    s = r["settings"]
    about = [
        ("partner", r["partner"]),
        ("date (partner measures' status)", r["date"]),
        ("trade year", r["year"]),
        ("status", r["status"]),
        ("US gets, US$/yr", r["us_gain_usd"]),
        ("US gives (partner's gain), US$/yr", r["partner_gain_usd"]),
        ("risk of the gives", r["risk"]),
        ("US net gain, US$/yr", r["us_net_gain_usd"]),
        ("balance", _balance_text(s)),
        ("balance achieved", r.get("balance_ratio")),
        ("risk price, US$ per point", s["risk_price_usd"]),
        ("supply premium", s["supply_premium"]),
        ("relief shares", "; ".join(f"{k} {v:g}" for k, v in s["get_shares"].items())),
        ("trade figures", f"{_label(r['gets_synthetic'])}: {r['source']}"),
        ("unsourced HS codes in the gets", ", ".join(r.get("unsourced_hs6") or []) or "none"),
    ]
    about += [(f"assumption {k + 1}", a) for k, a in enumerate(r["assumptions"])]
    return {
        "Exchange ledger": pd.DataFrame(ledger, columns=list(ledger[0]) if ledger else ["side"]),
        "Partner measures": measures,
        "Reference exchanges": pd.DataFrame(refs_rows),
        "Exchange assumptions": pd.DataFrame(
            [(k, "" if v is None else str(v)) for k, v in about], columns=["parameter", "value"]
        ),
    }


def write_exchange_workbook(report: Any, refs: list[Any] | None, path: Path, marking: str = "") -> Path:
    """The exchange's sheets, each under a banner row: the marking and which trade figures are synthetic."""
    from optimizer.briefing.workbook import write_sheets

    r = _d(report)
    status = (
        "HS6 trade figures are SYNTHETIC (calibrated to real Census totals): do not quote them as official statistics."
        if r.get("gets_synthetic")
        else "HS6 trade figures are real data."
    )
    banner = f"{marking or DEFAULT_MARKING}  |  exchange with {r.get('partner')} on {r.get('date')}  |  {status}"
    return write_sheets(exchange_sheets(report, refs), path, banner=banner)


__all__ = [
    "add_exchange_slide",
    "build_exchange_slide",
    "exchange_sheets",
    "write_exchange_slide",
    "write_exchange_workbook",
]
