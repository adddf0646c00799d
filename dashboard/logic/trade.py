"""The Trade page's logic: partner options, KPIs, and the frames and figures behind each chart.

Plain functions of a `Dataset` (and the item table for the controlled-trade overlay), unit-tested
without Dash. Real figures (Census partner totals, Census US-China trade by chapter) are preferred
wherever they exist; the synthetic HS6 layer fills the rest and is labelled so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import Provenance
from dashboard.figures.trade import composition_bars, controlled_by_tier, totals_series
from dashboard.state import memo
from dashboard.theme import TIER_LABELS, TIER_ORDER, fmt_pct, fmt_usd
from optimizer.data import aggregates as agg
from optimizer.data.schema import PARTNERS

US = agg.US
FLOWS = agg.FLOWS


@dataclass(frozen=True)
class Kpi:
    """One headline number: label, formatted value, a line of context, and where it comes from."""

    label: str
    value: str
    detail: str
    provenance: Provenance
    tone: str = "primary"  # bootstrap colour of the value


# ------------------------------------------------------------------------------------------ options
def partner_names(ds: Any) -> dict[str, str]:
    """ISO3 -> display name for the focus partners, names from partner totals then countries."""
    names = dict(zip(ds.partner_totals["partner"], ds.partner_totals["partner_name"]))
    names.update({k: v for k, v in zip(ds.countries["iso3"], ds.countries["name"]) if k not in names})
    return {p: str(names.get(p, p)) for p in PARTNERS}


def partner_options(ds: Any) -> list[dict[str, str]]:
    """Options for a partner select: the focus partners that have trade totals, China first."""
    have = set(ds.partner_totals["partner"])
    names = partner_names(ds)
    return [{"label": f"{names[p]} ({p})", "value": p} for p in PARTNERS if p in have]


def totals_years(ds: Any) -> list[int]:
    return sorted(int(y) for y in ds.partner_totals["year"].unique())


def trade_layer_years(ds: Any) -> list[int]:
    return sorted(int(y) for y in ds.trade["year"].unique()) if len(ds.trade) else []


def clamp_years(ds: Any, years: list[int] | None) -> tuple[int, int]:
    """A valid (first, last) year range within the totals' years; None or junk -> the full range."""
    all_years = totals_years(ds)
    lo, hi = all_years[0], all_years[-1]
    if not years or len(years) != 2:
        return lo, hi
    a, b = sorted(int(y) for y in years)
    return max(lo, a), min(hi, b)


def check_partner(ds: Any, partner: str | None) -> str:
    """A known focus partner, falling back to the first one (China) for a missing/unknown value."""
    options = [o["value"] for o in partner_options(ds)]
    return partner if partner in options else options[0]


# ------------------------------------------------------------------------------------------ provenance
def totals_provenance(ds: Any) -> Provenance:
    src = ds.partner_totals["source"].dropna()
    return Provenance("real", str(src.iloc[0]) if len(src) else ds.provenance["partner_totals"].source)


def hs2_china_provenance(ds: Any) -> Provenance:
    return Provenance(
        "real", "US Census Bureau, US exports to / imports from China by HS chapter (monthly, summed to calendar years)"
    )


def trade_layer_provenance(ds: Any) -> Provenance:
    return Provenance("synthetic" if ds.trade_synthetic else "real", ds.trade_source)


# ------------------------------------------------------------------------------------------ KPIs
def partner_totals(ds: Any, partner: str, years: tuple[int, int]) -> pd.DataFrame:
    """Rows of the real partner totals for `partner` within `years`, sorted by year."""
    return agg.partner_totals(ds, partner, years)


def _change(now: float, then: float) -> str:
    if not then:
        return ""
    return f"{'+' if now >= then else ''}{fmt_pct((now - then) / abs(then), 0)}"


def balance_change(now: float, then: float, since: int) -> str:
    """The balance's change in words that read the right way round: 'deficit narrowed by $71.9bn
    since 2015' (a signed '+$71.9bn' next to a deficit read as a deficit grown)."""
    if now < 0 and then < 0:
        verb = "narrowed" if now > then else "widened"
        return (
            f"deficit {verb} by {fmt_usd(abs(now - then))} since {since}"
            if now != then
            else f"deficit unchanged since {since}"
        )
    if now >= 0 and then >= 0:
        verb = "grew" if now > then else "shrank"
        return (
            f"surplus {verb} by {fmt_usd(abs(now - then))} since {since}"
            if now != then
            else f"surplus unchanged since {since}"
        )
    if now < 0:
        return f"deficit; a surplus of {fmt_usd(then)} in {since}"
    return f"surplus; a deficit of {fmt_usd(abs(then))} in {since}"


def trade_kpis(ds: Any, partner: str, years: tuple[int, int]) -> list[Kpi]:
    """Exports, imports and balance in the last year of the range, with the change since the first."""
    t = partner_totals(ds, partner, years)
    prov = totals_provenance(ds)
    if t.empty:
        return []
    last, first = t.iloc[-1], t.iloc[0]
    y1, y0 = int(last["year"]), int(first["year"])
    since = f" vs {y0}" if y1 != y0 else ""
    out = []
    for col, label in (("exports_usd", "US exports"), ("imports_usd", "US imports")):
        ch = _change(float(last[col]), float(first[col])) if since else ""
        out.append(
            Kpi(f"{label}, {y1}", fmt_usd(last[col]), f"goods, Census basis{'; ' + ch + since if ch else ''}", prov)
        )
    bal = float(last["balance_usd"])
    detail = balance_change(bal, float(first["balance_usd"]), y0) if since else ("surplus" if bal >= 0 else "deficit")
    out.append(Kpi(f"Balance, {y1}", fmt_usd(bal), detail, prov, tone="success" if bal >= 0 else "danger"))
    return out


def partner_events(events: pd.DataFrame, partner: str) -> pd.DataFrame:
    """The events that concern `partner` (its ISO3 in `partners`, or '*'); all of them when the
    table has no `partners` column (an older data directory)."""
    if "partners" not in events.columns or events.empty:
        return events

    def concerns(cell: object) -> bool:
        codes = {c.strip().upper() for c in str(cell or "*").split(";")}
        return "*" in codes or partner.upper() in codes

    return events[events["partners"].map(concerns)]


def series_figure(ds: Any, partner: str, years: tuple[int, int]) -> go.Figure:
    """Totals over the chosen years with the policy events of those years that concern the partner;
    when the range ends at the last year of trade data, the events after it too (the timeline runs
    past the trade data: 2025 events were hidden behind a 2024 axis)."""
    name = partner_names(ds).get(partner, partner)
    totals = partner_totals(ds, partner, years)
    return totals_series(totals, shown_events(ds, partner, years), name, totals_provenance(ds))


def shown_events(ds: Any, partner: str, years: tuple[int, int]) -> pd.DataFrame:
    """The policy events the Trade page shows for `partner` and `years` (the chart's markers and the
    list under it): those that concern the partner, from the first year on, to the last year or,
    when the range ends at the partner's last trade year, past it (the timeline runs on)."""
    ev = partner_events(ds.events, partner)
    if len(ev):
        d = pd.to_datetime(ev["date"])
        last = (
            int(ds.partner_totals.loc[ds.partner_totals["partner"] == partner, "year"].max())
            if (ds.partner_totals["partner"] == partner).any()
            else years[1]
        )
        upper = years[1] if years[1] < last else 9999
        ev = ev[(d.dt.year >= years[0]) & (d.dt.year <= upper)]
    return ev.sort_values("date") if len(ev) else ev


def _codes(cell: object) -> list[str]:
    return [c.strip().upper() for c in str(cell or "").split(";") if c.strip() and str(cell) != "nan"]


#: Events listed before "Show all" (the latest of the range; the chart marks every one).
EVENTS_SHOWN = 10


def events_table(ds: Any, partner: str, years: tuple[int, int], limit: int | None = None) -> Any:
    """The "Policy events" list under the totals chart: date, title, kind, source (linked to the
    Federal Register where it cites it), the ECCNs a rule itemises as links to the Control list with
    the item open for this partner, and the partners each event concerns as links to their Trade
    view; the `limit` latest only when given. Public facts only (the events table): the same for
    analysts and allies."""
    import dash_bootstrap_components as dbc
    from dash import dcc, html

    from dashboard.components import empty_state
    from dashboard.theme import EVENT_COLORS
    from optimizer.sources import federal_register_url

    ev = shown_events(ds, partner, years)
    name = partner_names(ds).get(partner, partner)
    if ev is None or ev.empty:
        return empty_state(f"No policy events concerning {name} in {years[0]}–{years[1]}.")
    known = set(ds.ccl["eccn"].astype(str))
    focus = set(partner_names(ds))
    span = f"{years[0]}-{years[1]}" if years[0] != years[1] else str(years[0])
    total = len(ev)
    if limit is not None:
        ev = ev.tail(limit)
    rows = []
    for r in ev.itertuples(index=False):
        kind = str(getattr(r, "kind", "") or "")
        source = str(getattr(r, "source", "") or "")
        fr = federal_register_url(source)
        eccns = _codes(getattr(r, "eccns", ""))
        partners = _codes(getattr(r, "partners", "")) or ["*"]
        eccn_cells: list[Any] = []
        for e in eccns:
            eccn_cells += [
                dcc.Link(e, href=f"/items?partner={partner}&item={e}", className="event-eccn me-1")
                if e in known
                else html.Span(e, className="me-1 text-muted", title="not in the control list data")
            ]
        partner_cells: list[Any] = []
        for p in partners:
            partner_cells += [
                dcc.Link(p, href=f"/?partner={p}&years={span}", className="event-partner me-1")
                if p in focus and p != partner
                else html.Span("all partners" if p == "*" else p, className="me-1")
            ]
        rows.append(
            html.Tr(
                [
                    html.Td(pd.to_datetime(r.date).strftime("%Y-%m-%d"), className="text-nowrap"),
                    html.Td(r.title, title=str(getattr(r, "summary", "") or "")),
                    html.Td(
                        html.Span(
                            kind.replace("_", " "),
                            className="badge",
                            style={"background": EVENT_COLORS.get(kind, "#7b8a8b")},
                        )
                    ),
                    html.Td(html.A(source, href=fr, target="_blank", rel="noopener noreferrer") if fr else source),
                    html.Td(eccn_cells or html.Span("–", className="text-muted")),
                    html.Td(partner_cells),
                ]
            )
        )
    head = html.Thead(html.Tr([html.Th(h) for h in ("Date", "Event", "Kind", "Source", "ECCNs", "Partners")]))
    return html.Div(
        [
            html.H2(
                f"Policy events concerning {name}, {span.replace('-', '–')}"
                + (f" (the {len(ev)} latest of {total})" if len(ev) < total else ""),
                className="h6 mb-1",
            ),
            dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, className="small mb-0 events-table"),
        ]
    )


def events_view(
    ds: Any, partner: str | None, years: list[int] | None, clicks: int | None = None
) -> tuple[Any, str, bool]:
    """Output of the Trade page's events callback: the list, and the label and hidden state of its
    "Show all" toggle (`clicks` of it so far)."""
    from dashboard.components import toggle_state

    p, ys = check_partner(ds, partner), clamp_years(ds, years)
    shown, label, hidden = toggle_state(len(shown_events(ds, p, ys)), EVENTS_SHOWN, clicks, "events", "latest")
    return events_table(ds, p, ys, shown), label, hidden


# ------------------------------------------------------------------------------------------ composition
def us_chapter_flows(ds: Any) -> pd.DataFrame:
    """US exports to and imports from each partner by year and HS chapter (`optimizer.data.aggregates`),
    cached per dataset: one pass over the trade table serves every partner and year."""
    return memo(ds, ("us_chapter_flows",), lambda: agg.us_chapter_flows(ds.trade))


def _with_chapter_names(ds: Any, comp: pd.DataFrame) -> pd.DataFrame:
    hs2 = ds.hs2[["hs2", "name"] + (["section"] if "section" in ds.hs2.columns else [])]
    out = comp.merge(hs2, on="hs2", how="left")
    out["name"] = out["name"].fillna("(chapter not in HS 2022 list)")
    if "section" not in out:
        out["section"] = "All chapters"
    out["section"] = out["section"].fillna("Other").replace("", "Other")
    return out


@dataclass(frozen=True)
class Composition:
    frame: pd.DataFrame  # section, hs2, name, value_usd
    provenance: Provenance
    note: str


def composition(ds: Any, partner: str, year: int, flow: str) -> Composition:
    """Trade with `partner` in `year` by chapter: real Census chapters for China where they exist,
    else the HS6 trade layer summed to chapters; an empty frame with a note when neither has the year."""
    if flow not in FLOWS:
        flow = "exports"
    direction = "US exports to" if flow == "exports" else "US imports from"
    comp = agg.chapter_composition(ds, partner, year, flow, us_chapter_flows(ds))
    if comp.basis == "census":
        frame = _with_chapter_names(ds, comp.frame)
        return Composition(
            frame, hs2_china_provenance(ds), f"{direction} {partner}, {year}, by HS chapter: Census, real."
        )
    kind = "synthetic" if ds.trade_synthetic else "real"
    if comp.basis == "none":
        span = f"{comp.years[0]}–{comp.years[-1]}" if comp.years else "no year"
        return Composition(
            pd.DataFrame(columns=["section", "hs2", "name", "value_usd"]),
            trade_layer_provenance(ds),
            f"No product breakdown of trade with {partner} for {year}: data covers {span}.",
        )
    frame = _with_chapter_names(ds, comp.frame)
    return Composition(
        frame, trade_layer_provenance(ds), f"{direction} {partner}, {year}, by HS chapter: HS6 trade layer ({kind})."
    )


def composition_figure(ds: Any, partner: str, year: int, flow: str) -> tuple[go.Figure, str]:
    comp = composition(ds, partner, year, flow)
    name = partner_names(ds).get(partner, partner)
    direction = "US exports to" if flow == "exports" else "US imports from"
    title = f"{direction} {name}, top HS chapters by sector, {year}"
    return composition_bars(comp.frame, title, comp.provenance), comp.note


# ------------------------------------------------------------------------------------------ controlled trade
def hs6_tiers(items: pd.DataFrame) -> pd.DataFrame:
    """One tier per HS6 code mapped to any item, the strictest (`optimizer.data.aggregates`)."""
    return agg.hs6_tiers(items)


def us_exports_to(ds: Any, partner: str) -> pd.DataFrame:
    """US exports to `partner` per year and HS6 (year, hs6, value_usd), cached per dataset and partner.

    One pass over the trade table per partner, so the overlay and the side panel only merge a few
    thousand rows per call.
    """
    return memo(ds, ("us_exports_to", partner), lambda: agg.us_exports_to(ds.trade, partner))


def controlled_trade(ds: Any, items: pd.DataFrame, partner: str, years: tuple[int, int]) -> pd.DataFrame:
    """US exports to `partner` in HS codes mapped to CCL items, by year and tier (year, tier, value_usd)."""
    return agg.controlled_trade(ds, items, partner, years, us_exports_to(ds, partner))


def controlled_figure(
    ds: Any, items: pd.DataFrame, partner: str, years: tuple[int, int], df: pd.DataFrame | None = None
) -> tuple[go.Figure, str]:
    """The overlay figure and a one-line note saying what it counts and from which data
    (`df`: `controlled_trade` already computed for these inputs)."""
    if df is None:
        df = controlled_trade(ds, items, partner, years)
    name = partner_names(ds).get(partner, partner)
    layer = trade_layer_years(ds)
    note = (
        "Gross trade in the HS codes of the ECCN→HS6 concordance (analyst-made); an HS code is "
        "broader than the controlled item, so this is an upper bound. Each code counted once, "
        "under its strictest tier."
    )
    if layer and (years[0] < layer[0] or years[1] > layer[-1]):
        note += f" The HS6 trade layer covers {layer[0]}–{layer[-1]} only."
    prov = Provenance.combine(
        trade_layer_provenance(ds),
        Provenance("analyst", "ECCN→HS6 concordance, analyst-made (datasets/concordance.csv)"),
    )
    return controlled_by_tier(df, partner_totals(ds, partner, years), name, prov), note


def controlled_summary(controlled: pd.DataFrame, ds: Any, partner: str, year: int) -> list[dict[str, str]]:
    """Rows for the overlay's table in `year`: tier, value, share of US exports to the partner
    (`optimizer.data.aggregates.controlled_by_tier`, formatted)."""
    return [
        {
            "tier": r["tier"],
            "value": "no data" if r["value_usd"] is None else fmt_usd(r["value_usd"]),
            "share": "n/a" if r["share"] is None else fmt_pct(r["share"], 1),
        }
        for r in agg.controlled_by_tier(ds, controlled, partner, year, us_exports_to(ds, partner))
    ]


# ------------------------------------------------------------------------------------------ views
def kpi_cards(kpis: list[Kpi]) -> list:
    """KPI cards in equal columns (an empty-state line when there are none)."""
    import dash_bootstrap_components as dbc

    from dashboard.components import empty_state, kpi_card

    if not kpis:
        return [dbc.Col(empty_state("No trade totals for this partner and these years."))]
    return [dbc.Col(kpi_card(k.label, k.value, k.detail, k.provenance, k.tone), md=12 // len(kpis)) for k in kpis]


def totals_view(ds: Any, partner: str | None, years: list[int] | None) -> tuple[list, go.Figure]:
    """Outputs of the Trade page's totals callback: KPI cards and the time series."""
    p, ys = check_partner(ds, partner), clamp_years(ds, years)
    return kpi_cards(trade_kpis(ds, p, ys)), series_figure(ds, p, ys)


def composition_view(ds: Any, partner: str | None, years: list[int] | None, flow: str | None) -> tuple[go.Figure, str]:
    p, ys = check_partner(ds, partner), clamp_years(ds, years)
    return composition_figure(ds, p, ys[1], flow or "exports")


#: The one series an ally sees in the overlay: controlled trade, without the internal tiers.
ALLY_SERIES = "controlled"


def controlled_view(
    ds: Any, partner: str | None, years: list[int] | None, items: pd.DataFrame | None = None, audience: str = "internal"
) -> tuple[go.Figure, str, list]:
    """Overlay figure, its note, and the last year's table (tier, value, share of US exports).

    For an ally the tiers are judgements it must not see (a `transactional` series would show a
    bargaining chip and its value): the item table is cut to the ally's columns first and every
    mapped code counts as one "controlled" series."""
    from dash import html

    from dashboard.state import item_table
    from dashboard.theme import TIER_COLORS
    from optimizer.audience import items_for

    p, ys = check_partner(ds, partner), clamp_years(ds, years)
    if items is None:
        items = item_table(ds, p)
    if audience == "ally":
        return _ally_controlled_view(ds, items_for(items, "ally").assign(tier=ALLY_SERIES), p, ys)
    df = controlled_trade(ds, items, p, ys)
    fig, note = controlled_figure(ds, items, p, ys, df)
    year = ys[1]
    rows = controlled_summary(df, ds, p, year)
    name = partner_names(ds).get(p, p)
    head = html.Thead(
        html.Tr(
            [
                html.Th("Tier"),
                html.Th(f"US exports, {year}", className="text-end"),
                html.Th(f"Share of US exports to {name}", className="text-end"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(
                        [
                            html.Span(
                                className="tier-dot", style={"background": TIER_COLORS.get(r["tier"], "#95a5a6")}
                            ),
                            TIER_LABELS.get(r["tier"], r["tier"].capitalize()),
                        ]
                    ),
                    html.Td(r["value"], className="text-end"),
                    html.Td(r["share"], className="text-end"),
                ],
                className="fw-semibold" if r["tier"] == "all mapped codes" else "",
            )
            for r in rows
        ]
    )
    counts = items["tier"].value_counts()
    mapped = int((items["hs6"].fillna("") != "").sum()) if "hs6" in items else 0
    table = [
        html.H2(f"Controlled-trade overlay, {year}", className="h6 mb-2"),
        html.Table([head, body], className="table table-sm mb-2"),
        html.Div(
            f"{mapped:,} of {len(items):,} CCL items are mapped to HS codes; tiers: "
            + ", ".join(f"{int(counts.get(t, 0))} {t}" for t in TIER_ORDER)
            + ".",
            className="small text-muted",
        ),
    ]
    if not mapped:
        table.append(
            html.Div(
                "No ECCN→HS6 concordance in this data: nothing can be overlaid.", className="small text-warning mt-1"
            )
        )
    return fig, note, table


def _ally_controlled_view(ds: Any, items: pd.DataFrame, p: str, ys: tuple[int, int]) -> tuple[go.Figure, str, list]:
    from dash import html

    df = controlled_trade(ds, items, p, ys)
    fig, note = controlled_figure(ds, items, p, ys, df)
    fig.update_layout(title=f"US exports to {partner_names(ds).get(p, p)} in HS codes mapped to CCL items")
    year = ys[1]
    d = df[df["year"] == year] if len(df) else df
    us = us_exports_to(ds, p)
    no_data = us.empty or not (us["year"] == year).any()  # no US export rows that year: no data, not $0
    value = float(d["value_usd"].sum()) if len(d) else 0.0
    totals = partner_totals(ds, p, (year, year))
    exports = float(totals["exports_usd"].iloc[0]) if len(totals) else float("nan")
    name = partner_names(ds).get(p, p)
    head = html.Thead(
        html.Tr(
            [
                html.Th(""),
                html.Th(f"US exports, {year}", className="text-end"),
                html.Th(f"Share of US exports to {name}", className="text-end"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td("Controlled trade (all mapped codes)"),
                    html.Td("no data" if no_data else fmt_usd(value), className="text-end"),
                    html.Td("n/a" if no_data or not exports else fmt_pct(value / exports, 1), className="text-end"),
                ],
                className="fw-semibold",
            )
        ]
    )
    mapped = int((items["hs6"].fillna("") != "").sum()) if "hs6" in items else 0
    table = [
        html.H2(f"Controlled-trade overlay, {year}", className="h6 mb-2"),
        html.Table([head, body], className="table table-sm mb-2"),
        html.Div(f"{mapped:,} of {len(items):,} CCL items are mapped to HS codes.", className="small text-muted"),
    ]
    return fig, note.replace(" Each code counted once, under its strictest tier.", " Each code counted once."), table


def warm_caches(ds: Any, partners: tuple[str, ...] | None = None, background: bool = True) -> None:
    """Compute what the first views need, so no analyst waits for a cold cache: the chapter flows and
    the first partner's frames now, the other focus partners' in a background thread (a view that
    needs one of them meanwhile waits for that computation rather than repeating it)."""
    import threading

    from dashboard.state import item_table

    def warm(p: str) -> None:
        us_exports_to(ds, p)
        item_table(ds, p)

    todo = list(partners or tuple(o["value"] for o in partner_options(ds)))
    us_chapter_flows(ds)
    warm(todo[0])
    if background:

        def warm_rest() -> None:
            for p in todo[1:]:
                warm(p)

        threading.Thread(target=warm_rest, name="decontrol-warm", daemon=True).start()
    else:
        for p in todo[1:]:
            warm(p)
