"""The Diversion page's logic: ranked (hub, HS6, target) pairs, a pair's legs, the hub matrix, exports.

Plain functions of a `Dataset`, unit-tested without Dash. The analyst sees every column; the ally
view (an ally user, or an analyst previewing it) is built from `ALLY_FIELDS`, a whitelist, so a column
added to the ranking later stays hidden from allies by default. Internal fields here are the
analyst-made ECCN mapping of each code and the page's CCL-item filter.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.figures.common import Provenance
from dashboard.figures.diversion import before_after, hub_matrix
from dashboard.state import memo
from optimizer.diversion import rank as rk
from optimizer.diversion.report import CHPL_TIERS, DiversionReport, diversion_report
from optimizer.errors import DecontrolError

TARGETS: tuple[str, ...] = ("RUS", "BLR", "CHN")
TABLE_ROWS = 25
#: Columns an ally may see (shared facts: trade figures, the public CHPL tier, scores and weights).
ALLY_FIELDS: tuple[str, ...] = (
    "rank",
    "hub",
    "hs6",
    "hs6_name",
    "target",
    "chpl_tier",
    "combined",
    "growth_score",
    "reexport_score",
    "mirror_score",
    "unit_value_score",
    "excess_growth_pct",
    "did_z",
    "did_low90",
    "did_high90",
    "coalition_to_hub_pre_usd",
    "coalition_to_hub_post_usd",
    "hub_to_target_pre_usd",
    "hub_to_target_post_usd",
    "reexport_ratio_pre",
    "reexport_ratio_post",
    "gap1_pre",
    "gap1_post",
    "gap2_pre",
    "gap2_post",
    "uv_change",
    "data",
)
#: Columns of the on-page table (display names), in order.
SHOWN: tuple[tuple[str, str], ...] = (
    ("rank", "#"),
    ("hub", "Hub"),
    ("hs6", "HS6"),
    ("chpl_tier", "CHPL"),
    ("combined", "Score"),
    ("growth_score", "Growth"),
    ("reexport_score", "Re-export"),
    ("mirror_score", "Mirror"),
    ("unit_value_score", "Unit value"),
    ("excess_growth_pct", "Excess growth %"),
    ("reexport_ratio_pre", "Re-export ratio before"),
    ("reexport_ratio_post", "after"),
    ("eccns", "ECCNs (mapped)"),
)


def target_options() -> list[dict[str, str]]:
    return [{"label": f"{t} (control {rk.CONTROL_DATES[t][0].isoformat()})", "value": t} for t in TARGETS]


def tier_options() -> list[dict[str, str]]:
    return [{"label": f"Tier {t}", "value": t} for t in CHPL_TIERS]


def _report(ds: Any, target: str, tiers: tuple[str, ...]) -> DiversionReport:
    if target not in TARGETS:
        raise DecontrolError(f"unknown target {target!r}: choose {', '.join(TARGETS)}")
    return memo(ds, ("diversion", target, tiers), lambda: diversion_report(ds, target, tiers=tiers))


def provenance(rep: DiversionReport) -> Provenance:
    return Provenance("synthetic" if rep.synthetic else "real", rep.source)


def filtered(
    ds: Any, target: str, tiers: list[str] | None, eccn: str | None, audience: str
) -> tuple[DiversionReport, pd.DataFrame]:
    """The report and its ranked rows for the page's filters, in the audience's columns."""
    rep = _report(ds, target, tuple(t for t in CHPL_TIERS if t in (tiers or [])))
    table = rep.table.assign(data=rep.data_label)
    if audience == "ally":
        return rep, table[[c for c in ALLY_FIELDS if c in table.columns]]
    if eccn and eccn.strip():
        want = eccn.strip().upper()
        table = table[table["eccns"].str.upper().str.split(";").map(lambda xs: any(x.startswith(want) for x in xs))]
    return rep, table


@dataclass(frozen=True)
class RankingView:
    banner: Any
    table: Any
    pair_options: list[dict[str, str]]
    pair_value: str | None
    matrix: Any


def _fmt(col: str, v: Any) -> str:
    if isinstance(v, float):
        if v != v:
            return "–"
        if col.endswith("_pct"):
            return f"{v:+.0f}%"
        return f"{v:.2f}"
    return str(v)


def ranking_view(ds: Any, target: str, tiers: list[str] | None, eccn: str | None, audience: str) -> RankingView:
    rep, table = filtered(ds, target, tiers, eccn, audience)
    prov = provenance(rep)
    weights = ", ".join(f"{k} {v:g}" for k, v in rep.weights.items())
    lines = [
        html.Strong(f"{rep.data_label} mirror trade data. "),
        f"Control {rep.since.isoformat()} ({rep.since_note}); before {rep.periods.pre[0]}-{rep.periods.pre[-1]}, "
        f"after {rep.periods.post[0]}-{rep.periods.post[-1]}; {len(rep.hubs)} hubs compared. Weights: {weights}.",
    ]
    if rep.synthetic:
        lines.append(
            html.Div(
                "Synthetic data with planted test patterns: no row is evidence about any country.",
                className="fw-semibold",
            )
        )
    banner = dbc.Alert(lines, color="warning" if rep.synthetic else "info", className="py-2 small mb-2")
    top = table.head(TABLE_ROWS)
    cols = [(c, n) for c, n in SHOWN if c in top.columns]
    if top.empty:
        body: Any = html.Div("No pair for these filters.", className="text-muted")
    else:
        head = html.Thead(html.Tr([html.Th(n) for _, n in cols]))
        rows = html.Tbody([html.Tr([html.Td(_fmt(c, r[c])) for c, _ in cols]) for _, r in top.iterrows()])
        body = dbc.Table([head, rows], size="sm", striped=True, hover=True, className="mb-0 small")
    options = [
        {"label": f"{r['rank']}. {r['hub']} {r['hs6']} (score {r['combined']:.2f})", "value": f"{r['hub']}|{r['hs6']}"}
        for _, r in top.iterrows()
    ]
    return RankingView(banner, body, options, options[0]["value"] if options else None, hub_matrix(table, prov))


def pair_figure(ds: Any, target: str, pair: str | None) -> Any:
    """Before/after chart of one pair's four legs, the target's control dates marked."""
    rep = _report(ds, target, ())
    if not pair or "|" not in pair:
        return before_after(pd.DataFrame(columns=["year"]), [], "", provenance(rep))
    hub, hs6 = pair.split("|", 1)
    series = rk.pair_series(ds.mirror_trade, hub, hs6, target)
    controls = [(rk.CONTROL_DATES[target][0], "control")]
    if target == "CHN":
        from datetime import date

        controls.append((date(2023, 10, 17), "update"))
    return before_after(series, controls, f"{hub} {hs6} -> {target}: before and after the control", provenance(rep))


def download(ds: Any, target: str, tiers: list[str] | None, eccn: str | None, audience: str, fmt: str) -> dict:
    """dcc.Download data: the whole filtered ranking, CSV (UTF-8 BOM for Excel) or XLSX with a notes sheet."""
    rep, table = filtered(ds, target, tiers, eccn, audience)
    stem = f"diversion_{target}_{rep.data_label.lower()}"
    if fmt == "csv":
        return dcc.send_string("\ufeff" + table.to_csv(index=False), f"{stem}.csv")
    buf = io.BytesIO()
    notes = pd.DataFrame(
        {
            "field": ["data", "source", "control date", "years before", "years after", "weights"],
            "value": [
                rep.data_label,
                rep.source,
                rep.since.isoformat(),
                f"{rep.periods.pre[0]}-{rep.periods.pre[-1]}",
                f"{rep.periods.post[0]}-{rep.periods.post[-1]}",
                ", ".join(f"{k} {v:g}" for k, v in rep.weights.items()),
            ],
        }
    )
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        table.to_excel(xl, sheet_name="ranking", index=False)
        notes.to_excel(xl, sheet_name="about", index=False)
    return dcc.send_bytes(buf.getvalue(), f"{stem}.xlsx")
