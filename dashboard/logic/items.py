"""The Control list page's logic: grid rows and columns, the item panel, recording a tier override.

The item table and the explanation of one item come from `optimizer.estimation`; this module only
shapes them for display (formatted numbers, tier chips, bars) and says what each figure rests on.
"""

from __future__ import annotations

import math
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html, no_update
from dash.development.base_component import Component

from dashboard.components import empty_state, graph, provenance_badge
from dashboard.figures.common import Provenance
from dashboard.figures.items import top_suppliers
from dashboard.logic.item_evidence import ecfr_line, evidence_section, supplier_table
from dashboard.logic.trade import partner_names
from dashboard.state import AppState, item_diversion, item_explanation, item_table, memo
from dashboard.theme import TIER_COLORS, TIER_ORDER, fmt_pct, fmt_score, fmt_usd
from optimizer.data.trade import trade_years
from optimizer.errors import DecontrolError
from optimizer.estimation import record_tier_override
from optimizer.estimation.config import TIERS
from optimizer.estimation.foreign_availability import fa_display, fa_known
from optimizer.estimation.risk import RISK_SCALE
from optimizer.sources import ECFR_TEXT_PREFIX


# ------------------------------------------------------------------------------------------ options
def item_years(ds: Any) -> list[int]:
    """Years the item table can be estimated for (the trade layer's years), cached per dataset (a
    scan of the whole trade table: half the time of a builder re-solve before)."""
    return list(memo(ds, ("item_years",), lambda: trade_years(ds.trade) if len(ds.trade) else []))


def check_year(ds: Any, year: Any) -> int:
    """A valid estimation year; None or an unknown year -> the latest."""
    years = item_years(ds)
    if not years:
        raise DecontrolError("the trade table is empty: item values and foreign availability cannot be estimated")
    try:
        y = int(year)
    except (TypeError, ValueError):
        return years[-1]
    return y if y in years else years[-1]


def known_items(ds: Any) -> set[str]:
    """The ECCNs of the control list (what an address may select)."""
    return memo(ds, ("known_items",), lambda: set(ds.ccl["eccn"].astype(str)) | set(ds.concordance["eccn"].astype(str)))


def _is_nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def trade_provenance(ds: Any) -> Provenance:
    return Provenance("synthetic" if ds.trade_synthetic else "real", ds.trade_source)


# ------------------------------------------------------------------------------------------ grid
def grid_rows(items: pd.DataFrame, tiers: list[str] | None = None, trade_label: str = "") -> list[dict[str, Any]]:
    """Rows for AG Grid: display text next to the numbers so sorting stays numeric; only the fields
    the columns, their tooltips and renderers read, numbers rounded to what the cells show (the rows
    are most of the page's first data: about 0.55 MB for 647 items, 1 MB with every field)."""
    df = items if not tiers else items[items["tier"].isin(tiers)]
    rows = []
    for r in df.itertuples(index=False):
        value = None if _is_nan(r.value_usd) else round(float(r.value_usd))
        hs = [h for h in str(r.hs6 or "").split(";") if h]
        rows.append(
            {
                "eccn": r.eccn,
                "heading": r.heading,
                "tier": r.tier,
                "tier_source": r.tier_source,  # the tier chip marks an override
                "reasons": str(r.reasons or "").replace(";", ", "),
                "regime": str(r.regime or "").replace(";", ", "),
                "licence": r.licence_required,
                "binding": str(r.binding_reasons or "").replace(";", ", "),
                "licence_basis": r.licence_basis,
                "value_usd": value,
                "value_text": fmt_usd(value, missing="unknown"),
                "value_basis": grid_basis(r.value_basis, trade_label),
                "fa_score": round(float(r.fa_score), 4),
                "fa_text": fa_display(r.fa_score, r.fa_basis),
                "fa_basis": r.fa_basis,
                "risk": round(float(r.risk), 4),
                "hs6_count": len(hs),
            }
        )
    return rows


def trade_label(ds: Any) -> str:
    """How the item table's value basis names the trade layer (`item_table.table_from_context`)."""
    return f"{'SYNTHETIC' if ds.trade_synthetic else 'real'} trade: {ds.trade_source}"


def grid_basis(basis: Any, label: str) -> str:
    """A value basis as the grid's tooltip says it: the trade layer's status without its source
    paragraph, which is the same on every row (the summary's badge above the grid carries it);
    two fifths of the rows' bytes otherwise."""
    text = str(basis or "")
    if label and text.endswith(label):
        return text[: len(text) - len(label)] + label.split(":", 1)[0]
    return text


def clicked_item(
    rows: list[dict[str, Any]] | dict[str, Any] | None, clicked: dict[str, Any] | None, triggered: Any
) -> str | None:
    """The item to show in the panel after a grid event: the clicked row's id (getRowId is the
    ECCN) when a cell was clicked, else the selected row; None when there is nothing to show."""
    props = set(triggered or {})
    if any(str(p).endswith(".cellClicked") for p in props) and clicked and clicked.get("rowId"):
        return str(clicked["rowId"])
    if isinstance(rows, dict):  # the selection as the page set it ({"ids": [...]}), before the grid reads it
        picked = rows.get("ids") or []
        return str(picked[0]) if picked else None
    if rows:
        return str(rows[0]["eccn"])
    return None


def column_defs(items: pd.DataFrame, year: int) -> list[dict[str, Any]]:
    """AG Grid columns: ECCN pinned, tier chips, value and FA bars (renderers in assets/*.js)."""
    vmax = float(items["value_usd"].max()) if items["value_usd"].notna().any() else 0.0
    return [
        {
            "field": "eccn",
            "headerName": "ECCN",
            "pinned": "left",
            "width": 100,
            "filter": "agTextColumnFilter",
            "cellRenderer": "EccnLink",  # its eCFR text, in a new tab (assets/dashAgGridComponentFunctions.js)
            "cellRendererParams": {"base": ECFR_TEXT_PREFIX},
        },
        {
            "field": "heading",
            "headerName": "Heading",
            "flex": 2,
            "minWidth": 220,
            "tooltipField": "heading",
            "filter": "agTextColumnFilter",
        },
        {
            "field": "tier",
            "headerName": "Tier",
            "width": 135,
            "cellRenderer": "TierChip",
            "filter": "agTextColumnFilter",
        },
        {
            "field": "licence",
            "headerName": "Licence",
            "width": 120,
            "tooltipField": "licence_basis",
            "headerTooltip": "all / some paragraphs / end use only / none (Country Chart, 15 CFR 744.21)",
            "filter": "agTextColumnFilter",
        },
        {
            "field": "binding",
            "headerName": "Binds",
            "width": 110,
            "tooltipField": "licence_basis",
            "filter": "agTextColumnFilter",
        },
        {
            "field": "reasons",
            "headerName": "Reasons",
            "width": 130,
            "tooltipField": "reasons",
            "filter": "agTextColumnFilter",
        },
        {"field": "regime", "headerName": "Regime", "width": 100, "filter": "agTextColumnFilter"},
        {
            "field": "value_usd",
            "headerName": f"Value, US$/yr ({year})",
            "width": 170,
            "cellRenderer": "BarCell",
            "cellRendererParams": {"max": vmax, "textField": "value_text", "color": "#3498db"},
            "filter": "agNumberColumnFilter",
            "sort": "desc",
            "tooltipField": "value_basis",
            "headerTooltip": "Estimated US exports per year that relief would unlock for the partner",
        },
        {
            "field": "fa_score",
            "headerName": "FA score (0–1)",
            "width": 150,
            "headerTooltip": "Foreign availability to the partner, 15 CFR 768 proxies (0 none – 1 wide)",
            "cellRenderer": "BarCell",
            "cellRendererParams": {"max": 1.0, "textField": "fa_text", "color": "#18bc9c"},
            "filter": "agNumberColumnFilter",
            "tooltipField": "fa_basis",
        },
        {
            "field": "risk",
            "headerName": "Risk",
            "width": 95,
            "filter": "agNumberColumnFilter",
            "headerTooltip": f"Security risk from the reasons for control (analyst weights), reduced by FA; {RISK_SCALE}",
            "valueFormatter": {"function": "d3.format('.2f')(params.value)"},
        },
        {
            "field": "hs6_count",
            "headerName": "HS codes",
            "width": 110,
            "headerTooltip": "HS6 codes mapped to the item",
            "filter": "agNumberColumnFilter",
        },
    ]


def items_summary(items: pd.DataFrame, shown: int, partner_name: str, year: int, prov: Provenance) -> list:
    counts = items["tier"].value_counts()
    known = int(items["value_usd"].notna().sum())
    text = (
        f"{shown:,} of {len(items):,} items in the chosen tiers · "
        + " · ".join(f"{int(counts.get(t, 0))} {t}" for t in TIER_ORDER)
        + f" · values for {partner_name}, {year} (US$ per year), known for {known:,} items"
    )
    return [html.Span(text), provenance_badge(prov), html.Div(space_line(items, partner_name), className="small")]


def space_line(items: pd.DataFrame, partner_name: str) -> str:
    """The partner's concession space in one line (what its licence requirements leave to negotiate)."""
    from optimizer.estimation.space import concession_space

    if "licence_required" not in items.columns:
        return ""
    s = concession_space(items)
    return (
        f"Concession space for {partner_name}: {s.licensed_items} items need a licence "
        f"({fmt_usd(s.licence_bound_usd)} licence-bound), {s.end_use_only_items} only for military end uses, "
        f"{s.nlr_items} need none (nlr: {fmt_usd(s.nlr_potential_usd)} of trade, no item relief), "
        f"{s.candidates} candidates worth at most {fmt_usd(s.candidate_value_usd)} a year."
    )


def items_view(ds: Any, partner: str, year: Any, tiers: list[str] | None) -> tuple[list, list, list]:
    """Outputs of the grid callback: rowData, columnDefs, summary line."""
    y = check_year(ds, year)
    items = item_table(ds, partner, y)
    rows = with_search_text(grid_rows(items, tiers or None, trade_label(ds)), item_search_text(ds, items, "internal"))
    name = partner_names(ds).get(partner, partner)
    return rows, column_defs(items, y) + [SEARCH_COLUMN], items_summary(items, len(rows), name, y, trade_provenance(ds))


def grid_view(ds: Any, partner: str, year: Any, tiers: list[str] | None, audience: str) -> tuple[list, list, list]:
    """rowData, columnDefs and summary for `audience` (an ally's come from `ally_view`): what the
    grid callback returns, and what the page's layout carries for its first render."""
    if audience == "ally":
        from dashboard.logic.ally_view import ally_items_view

        return ally_items_view(ds, partner, year, column_defs)
    return items_view(ds, partner, year, tiers)


#: The grid's hidden column of HS codes and names that the quick search also reads
#: (`includeHiddenColumnsInQuickFilter`): "845891" and "lathe" find 2B991, whose heading says neither.
SEARCH_COLUMN: dict[str, Any] = {"field": "search", "hide": True, "headerName": "HS search text"}


def item_search_text(ds: Any, items: pd.DataFrame, audience: str) -> pd.Series:
    """Per ECCN, the HS codes, HS names and (analysts only) concordance rationale a search matches,
    cached per dataset: the concordance does not change with the partner or the year."""
    from optimizer.search import search_text

    concordance = ds.concordance if audience == "internal" else None
    return memo(ds, ("item_search_text", audience), lambda: search_text(items, ds.hs6, concordance))


def with_search_text(rows: list[dict[str, Any]], text: pd.Series) -> list[dict[str, Any]]:
    """`rows` with their search text in the hidden `search` field."""
    lookup = text.to_dict()
    for r in rows:
        r["search"] = lookup.get(r["eccn"], "")
    return rows


# ------------------------------------------------------------------------------------------ panel
def tier_chip(tier: str) -> html.Span:
    return html.Span(tier, className=f"tier-chip tier-{tier}", style={"background": TIER_COLORS.get(tier, "#95a5a6")})


def _table(header: list[str], rows: list[list[Any]], align_right: set[int] | None = None) -> html.Table:
    right = align_right or set()
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h, className="text-end" if i in right else "") for i, h in enumerate(header)])),
            html.Tbody(
                [
                    html.Tr([html.Td(c, className="text-end" if i in right else "") for i, c in enumerate(r)])
                    for r in rows
                ]
            ),
        ],
        className="table table-sm small mb-1",
    )


def _section(title: str, children: list, prov: Provenance | None = None) -> html.Section:
    head = [html.H3(title, className="h6 mb-1 d-inline")]
    if prov is not None:
        head.append(provenance_badge(prov))
    return html.Section([html.Div(head, className="mb-1"), *children], className="panel-section")


def history_section(history: pd.DataFrame) -> html.Section:
    """The item's tier decisions, newest first (the append-only history: nothing is ever lost)."""
    if history is None or history.empty:
        return _section(
            "Tier decisions", [html.Div("No tier override recorded for this item.", className="small text-muted")]
        )
    rows = [
        [r["date"], r["author"], f"{r['from_tier'] or '–'} → {r['to_tier']}", r["reason"]]
        for r in history.sort_values("id", ascending=False).to_dict(orient="records")
    ]
    return _section(
        f"Tier decisions ({len(rows)})",
        [_table(["Date", "Analyst", "Tier", "Reason"], rows, set())],
        Provenance("analyst", "tier overrides recorded in the dashboard (append-only history)"),
    )


def panel_view(
    ds: Any, eccn: str | None, partner: str, year: Any, history: pd.DataFrame | None = None
) -> tuple[str, list, str | None]:
    """Outputs of the item panel: its title, its body, and the item's current tier (override default).
    `history`: the item's recorded tier decisions, shown under the tier."""
    if not eccn:
        return "Item", [empty_state("Select a row of the control list to see the item.")], None
    y = check_year(ds, year)
    ex = item_explanation(ds, eccn, partner, y)
    it = ex.item
    name = partner_names(ds).get(partner, partner)
    trade_prov = trade_provenance(ds)
    ccl_prov = Provenance("real", ds.provenance["ccl"].source if "ccl" in ds.provenance else "CCL")
    analyst = Provenance("analyst", "ECCN→HS6 concordance, analyst-made")

    tier_line: list[Component] = [tier_chip(it["tier"]), html.Span(f" {it['tier_reason']}", className="small")]
    if it.get("tier_source") and it["tier_source"] != "rule":
        tier_line.append(html.Div(f"source: {it['tier_source']}", className="small text-muted"))

    reasons_rows = [[p["reason"], p["applies_to"], p["chart"]] for p in ex.paragraphs]
    control = _section(
        "Reasons for control, by paragraph",
        [
            _table(["Reason", "Applies to", "Country Chart"], reasons_rows)
            if reasons_rows
            else html.Div(
                f"Reasons: {it['reasons'] or 'not stated'} (no paragraph detail in the CCL text).", className="small"
            ),
            html.Div(
                f"Regime: {it['regime'] or 'n/a'}; CCL category {it['category']}, group {it['group']}.",
                className="small text-muted",
            ),
        ],
        ccl_prov,
    )

    vb = ex.value_breakdown
    if len(vb):
        unknown = _is_nan(it["value_usd"])  # the data lacks an input: per-code values are unknown, not $0
        hs_rows = [
            [
                r["hs6"],
                str(r.get("name", ""))[:60],
                r.get("confidence", ""),
                str(r.get("rationale", "")),
                fmt_pct(r.get("controlled_share"), 0),
                "unknown" if unknown else fmt_usd(r.get("value_usd")),
            ]
            for _, r in vb.iterrows()
        ]
        header = ["HS6", "Product", "Conf.", "Rationale", "Ctrl. share", f"Value {y}"]
        hs_body: list = [_table(header, hs_rows[:5], {4, 5})]
        if len(hs_rows) > 5:
            hs_body.append(
                html.Details(
                    [
                        html.Summary(f"{len(hs_rows) - 5} more HS codes", className="small"),
                        _table(header, hs_rows[5:], {4, 5}),
                    ]
                )
            )
    else:
        hs_body = [
            html.Div(
                "No HS codes mapped: the item's trade (and so its value and foreign availability) "
                "cannot be measured from trade data.",
                className="small",
            )
        ]
    value = _section(
        f"HS mapping and concession value for {name}",
        [
            html.Div(
                [
                    html.Span(fmt_usd(it["value_usd"], missing="unknown"), className="fw-bold"),
                    html.Span(f" per year ({y}) · {it['value_basis']}", className="small"),
                ]
            ),
            *hs_body,
            html.Details(
                [
                    html.Summary("How the value is computed", className="small"),
                    html.Div(ex.value_formula, className="small text-muted"),
                ]
            ),
        ],
        Provenance.combine(trade_prov, analyst) if len(vb) else trade_prov,
    )

    sup = ex.suppliers
    fa_rows = [
        [
            "Share of world exports from outside the US, the regime and the partner",
            fmt_pct(it.get("fa_non_regime_share"), 0),
        ],
        ["Share from all non-US suppliers", fmt_pct(it.get("fa_all_foreign_share"), 0)],
        [
            "Third-country suppliers above the threshold",
            str(it.get("fa_supplier_count", "n/a")) if fa_known(it.get("fa_basis")) else "no data",
        ],
        [
            f"{name}'s own exports vs imports (capacity)",
            "no data"
            if not fa_known(it.get("fa_basis"))
            else f"{fmt_usd(it.get('fa_partner_exports_usd'))} vs {fmt_usd(it.get('fa_partner_imports_usd'))} "
            f"({fmt_score(it.get('fa_partner_capacity'))})",
        ],
    ]
    fa = _section(
        "Foreign availability (15 CFR 768 proxies)",
        [
            html.Div(
                [
                    html.Span(f"FA score {fa_display(it['fa_score'], it.get('fa_basis'))}", className="fw-bold"),
                    html.Span(f" · {it['fa_basis']}", className="small"),
                ]
            ),
            _table(["Component", "Value"], fa_rows, {1}),
            graph(top_suppliers(sup, name, y, trade_prov), 260),
            supplier_table(ds, it["eccn"], partner, name, y, dict(zip(sup["exporter"], sup["role"]))),
            html.Div(it["fa_evidence"], className="small text-muted"),
            html.Details(
                [
                    html.Summary("How the score is computed", className="small"),
                    html.Div(ex.fa_formula, className="small text-muted"),
                ]
            ),
        ],
        trade_prov,
    )

    risk = _section(
        "Security risk",
        [
            html.Div(
                [
                    html.Span(f"Risk {fmt_score(it['risk'])}", className="fw-bold"),
                    html.Span(f" ({RISK_SCALE}; analyst weights)", className="small"),
                ]
            ),
            html.Div(ex.risk_formula, className="small text-muted"),
        ],
        Provenance("analyst", "risk weights per reason for control (EstimationConfig), reduced by FA"),
    )

    licence = licence_section(it, name)
    body = [
        html.P(it["heading"], className="mb-1"),
        ecfr_line(it["eccn"]),
        html.Div(tier_line, className="mb-2"),
        licence,
        control,
        value,
        evidence_section(ds, it["eccn"], partner, name, y),
        fa,
        risk,
        diversion_section(ds, it["eccn"], partner, name),
    ]
    if history is not None:
        body.insert(3, history_section(history))
    return f"{it['eccn']} · {name}, {y}", body, it["tier"]


def diversion_section(ds: Any, eccn: str, partner: str, name: str) -> html.Section:
    """The item's diversion exposure: the strongest mirror-trade signal of its mapped codes for the
    partner's targets (`optimizer.diversion.exposure`). Facts from trade data, shown to allies too."""
    from optimizer.diversion.exposure import STRONG_SIGNAL

    title = "Diversion exposure (mirror trade)"
    try:
        exp = item_diversion(ds, eccn, partner)
    except DecontrolError as exc:
        return _section(title, [html.Div(f"Not measured: {exc.message}", className="small")])
    if exp is None:
        return _section(title, [html.Div("Not measured: the data has no mirror trade table.", className="small")])
    prov = Provenance("synthetic" if exp.synthetic else "real", exp.source)
    targets = ", ".join(partner_names(ds).get(t, t) for t in exp.targets)
    row = exp.of(eccn)
    if row is None:
        body: list = [
            html.Div(
                f"No signal measured: none of the item's HS codes is in the mirror trade table for {targets}.",
                className="small",
            )
        ]
    else:
        score = float(row["diversion_score"])
        strong = score >= STRONG_SIGNAL
        body = [
            html.Div(
                [
                    html.Span(f"Score {score:.2f}", className="fw-bold"),
                    html.Span(
                        " (0–1, combined signals; strong at "
                        f"{STRONG_SIGNAL:.2f} and above)" + (" · strong" if strong else ""),
                        className="small",
                    ),
                ]
            ),
            html.Div(f"Strongest pair: {row['diversion_signal']}", className="small"),
            html.Div(
                f"{int(row['diversion_pairs_strong'])} strong (hub, code) pair(s) towards {targets}; relief "
                f"to {name} bears on these targets.",
                className="small text-muted",
            ),
            html.Div(
                [
                    "Evidence per pair on the ",
                    html.A("Diversion page", href="/diversion"),
                    "; the builder can leave such items out (decontrol optimize --max-diversion).",
                ],
                className="small text-muted",
            ),
        ]
    return _section(title, body, prov)


def licence_section(it: dict[str, Any], name: str) -> html.Section:
    """The partner's licence requirement for the item, the instruments that would relieve it and who
    can decide: public regulation (Country Chart, Country Groups, 15 CFR 744.21), shown to allies too."""
    from optimizer.licensing.instruments import INSTRUMENT_LABELS, read_instruments

    instr = read_instruments(it.get("instrument_detail"))
    rows = [
        ["Licence required", f"{it.get('licence_required')} (binding: {it.get('binding_reasons') or 'none'})"],
        ["Basis", str(it.get("licence_basis", ""))],
    ]
    rows += [[INSTRUMENT_LABELS.get(k, k), v] for k, v in instr.items()]
    rows.append(["Who decides", f"{it.get('decided_by')}: {it.get('decided_by_detail')}"])
    return _section(
        f"Licence requirement to {name}",
        [_table(["", ""], rows)],
        Provenance("real", "15 CFR 738 Supp. 1, 740 Supp. 1 (eCFR 2026-07-23); 744 Supp. 2 (2026-09-24)"),
    )


# ------------------------------------------------------------------------------------------ override
def validate_override(eccn: str | None, tier: str | None, reason: str | None, author: str | None) -> dict[str, str]:
    """Field -> message for every missing or bad input of the override form (empty: valid)."""
    problems = {}
    if not eccn:
        problems["eccn"] = "Select an item first."
    if tier not in TIERS:
        problems["tier"] = f"Choose one of {', '.join(TIERS)}."
    if not (reason or "").strip():
        problems["reason"] = "Say why: the reason is recorded with the override."
    elif len((reason or "").strip()) < 10:
        problems["reason"] = "Give a reason of at least 10 characters."
    if not (author or "").strip():
        problems["author"] = "Name the analyst recording the override."
    return problems


def record_override(
    state: AppState, eccn: str, tier: str, reason: str, author: str, date: str | None = None, partner: str | None = None
) -> str:
    """Record the override in the history (scenario database) and the workspace's
    `policy/tier_overrides.csv`; return a confirmation. `partner`: whose item table gives the tier
    the decision changes from.

    The first override made in a workspace starts from the overrides currently in force (e.g. the
    shipped ones), because a workspace file replaces the shipped file as a whole.
    """
    path = state.tier_overrides_path
    ds = state.dataset()
    if not path.is_file():
        current = ds.tier_overrides
        path.parent.mkdir(parents=True, exist_ok=True)
        current.to_csv(path, index=False)
    from_tier = ""
    if partner:
        items = item_table(ds, partner)
        hit = items.loc[items["eccn"] == eccn.strip(), "tier"]
        from_tier = str(hit.iloc[0]) if len(hit) else ""
    table = record_tier_override(path, eccn, tier, reason, author, date, log=state.override_log(), from_tier=from_tier)
    row = table[table["eccn"] == eccn.strip()].iloc[-1]
    return f"Recorded: {row['eccn']} is {row['tier']} ({row['author']}, {row['date']}) in {path}."


def rule_fixed(ds: Any, eccn: str, tier: str, partner: str) -> str:
    """Why an override of `eccn` to `tier` cannot take effect for `partner` ('' when it can): a
    rule-foundational item is a floor, and an item that needs no licence to the partner has nothing
    to relieve. Said before anything is recorded, so the audit trail holds only decisions that count."""
    table = item_table(ds, partner).set_index("eccn")
    if eccn not in table.index:
        return ""
    row = table.loc[eccn]
    if bool(row.get("tier_floor", False)) and tier != "foundational":
        return f"{eccn} is rule-foundational ({row['tier_reason']}): no override can lower it."
    if row.get("tier") == "nlr" and tier != "foundational":
        return f"{eccn} needs no licence to {partner} (nlr): there is nothing to relieve."
    return ""


def override_view(
    state: AppState,
    eccn: str | None,
    tier: str | None,
    reason: str | None,
    author: str | None,
    version: int | None,
    partner: str | None = None,
) -> tuple:
    """Outputs of the "Record override" button: feedback, (invalid, message) for reason and author,
    and the new override version (bumped only when something was recorded, to refresh the views)."""
    problems = validate_override(eccn, tier, reason, author)
    if not problems and eccn and partner:
        fixed = rule_fixed(state.dataset(), str(eccn), str(tier), partner)
        if fixed:
            problems = {"tier": fixed}
    if problems:
        general = problems.get("eccn") or problems.get("tier")
        feedback = dbc.Alert(general, color="warning", className="py-1 px-2 small mb-0") if general else None
        # the version is left alone (no_update): touching it would re-render the panel and reset the form
        return (
            feedback,
            "reason" in problems,
            problems.get("reason", ""),
            "author" in problems,
            problems.get("author", ""),
            no_update,
        )
    message = record_override(state, str(eccn), str(tier), str(reason), str(author), partner=partner)
    return (
        dbc.Alert(message, color="success", className="py-1 px-2 small mb-0"),
        False,
        "",
        False,
        "",
        int(version or 0) + 1,
    )
