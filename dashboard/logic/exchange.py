"""The Gives and gets page's logic: the partner's measures with their status on a date and who shares the
exposure to them; the two-sided optimizer's ledger next to the reference exchanges; saving and briefing.

Plain functions of a `Dataset`, unit-tested without a browser. Everything the page computes goes
through `optimizer.gets` (the functions `decontrol exchange` and `decontrol measures` call). The ally
view is the measures and the shared exposure only, built from `optimizer.audience.exposure_for` (a
whitelist): never the US valuation of a get, the premium or price assumptions, or what the US would
ask for or give.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.components import eccn_link, empty_state, kpi_card, provenance_badge
from dashboard.figures.common import Provenance
from dashboard.figures.exchange import balance_chart, exposure_chart
from dashboard.state import item_table, memo
from dashboard.theme import fmt_usd
from optimizer.audience import exposure_for
from optimizer.data.schema import ALLIES
from optimizer.errors import DecontrolError
from optimizer.gets.exchange import ExchangeSettings
from optimizer.gets.exposure import member_exposure
from optimizer.gets.package import (
    ExchangeReport,
    ReferenceExchange,
    exchange_package,
    nothing_to_ask,
    parse_balance,
    reference_exchange,
    reference_names,
)
from optimizer.validation import NumberError, read_number

DEFAULT_MEMBERS: tuple[str, ...] = ("JPN", "KOR", "NLD")
MEMBER_CHOICES: tuple[str, ...] = ALLIES + ("DEU", "TWN")
M = 1e6
STATUS_LABEL = {
    "in_force": "in force",
    "suspended": "suspended",
    "not_yet": "not yet in force",
    "unknown": "unknown (the record cannot tell)",
}


def partner_options(ds: Any) -> list[dict[str, str]]:
    """Partners whose own export controls are in the data (China today; another is data, not code)."""
    have = sorted(set(ds.partner_measures["partner"])) if len(ds.partner_measures) else []
    return [{"label": p, "value": p} for p in have]


def today() -> str:
    return dt.date.today().isoformat()


def check_horizon(text: Any) -> int:
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        raise DecontrolError(f"horizon {text!r}: expected a whole number of days") from None
    if value < 0:
        raise DecontrolError(f"horizon {value}: expected a number of days >= 0")
    return value


def _exposure(ds: Any, partner: str, day: str, horizon: int, members: tuple[str, ...], unsourced: bool) -> pd.DataFrame:
    return memo(
        ds,
        ("exchange-exposure", partner, day, horizon, members, unsourced),
        lambda: member_exposure(ds, partner, ["USA", *members], day, None, horizon, unsourced),
    )


@dataclass(frozen=True)
class MeasuresView:
    banner: Any
    table: Any
    figure: Any


def _cell_usd(v: Any) -> str:
    return "no data" if v is None or (isinstance(v, float) and math.isnan(v)) else fmt_usd(v)


def measures_view(
    ds: Any, partner: Any, day: Any, horizon: Any, members: Any, unsourced: Any, audience: str
) -> MeasuresView:
    """The partner's measures on `day` with their status, expiry and flags, and the imports from the
    partner in their codes of the US and the chosen allies (a shared view: whitelisted fields only)."""
    if not partner:
        raise DecontrolError("choose a partner")
    chosen = tuple(m for m in MEMBER_CHOICES if m in (members or []))
    frame = _exposure(ds, str(partner), str(day or today()), check_horizon(horizon), chosen, bool(unsourced))
    rows = exposure_for(frame.to_dict(orient="records"), audience)
    shown = pd.DataFrame(rows)
    prov = Provenance("synthetic" if ds.trade_synthetic else "real", str(ds.trade_source))
    counts = shown.drop_duplicates("measure_id")["status"].value_counts()
    flagged = shown.drop_duplicates("measure_id")
    flagged = flagged[flagged["lapse_flag"].astype(str) != ""]
    proxied = sorted({r["member"] for r in rows if str(r["basis"]).startswith("proxy")})
    missing = sorted({r["member"] for r in rows if str(r["basis"]).startswith("no data")})
    lines: list[Any] = [
        html.Strong(f"Export controls of {partner} on {frame.attrs['date']}: "),
        ", ".join(f"{int(n)} {STATUS_LABEL.get(s, s)}" for s, n in counts.items()),
        f" (real: public announcements). Imports in their codes, trade {frame.attrs['year']}: ",
        provenance_badge(prov, className="ms-1"),
    ]
    if proxied:
        lines.append(
            html.Div(
                f"{', '.join(proxied)}: no bilateral rows from {partner} in the data; their imports "
                f"from {partner} are a proxy (imports from the world x {partner}'s share of world "
                "exports of each code).",
                className="small",
            )
        )
    if missing:
        lines.append(html.Div(f"{', '.join(missing)}: no imports in the data (no data, not 0).", className="small"))
    if len(flagged):
        lines.append(
            html.Div(
                [html.Strong(f"{len(flagged)} flagged: ")]
                + [
                    html.Span(f"{r['measure_id']}: {r['lapse_flag']}. ")
                    for r in flagged.head(4).to_dict(orient="records")
                ],
                className="small",
            )
        )
    banner = dbc.Alert(lines, color="warning" if ds.trade_synthetic else "info", className="py-2 small mb-2")
    wide = shown.pivot_table(
        index="measure_id", columns="member", values="imports_from_partner_usd", aggfunc="first", dropna=False
    )
    first = shown.drop_duplicates("measure_id").set_index("measure_id")
    order = ["USA", *chosen]
    head = html.Thead(
        html.Tr(
            [html.Th(h) for h in ("Measure", "Item group", "Status", "Until", "HS codes")]
            + [html.Th(f"{m} imports from {partner}") for m in order]
        )
    )
    body = []
    for mid, r in first.iterrows():
        unsourced_codes = str(r["hs6_basis"]).startswith("UNSOURCED")
        codes = str(r["hs6_used"]).replace(";", " ") or "none published"
        body.append(
            html.Tr(
                [
                    html.Td(mid),
                    html.Td(str(r["item_group"])[:40]),
                    html.Td(
                        STATUS_LABEL.get(str(r["status"]), str(r["status"])),
                        className="text-danger fw-semibold" if r["lapse_flag"] else "",
                        title=str(r["lapse_flag"] or ""),
                    ),
                    html.Td(str(r["status_until"] or "")),
                    html.Td(
                        [codes]
                        + ([dbc.Badge("UNSOURCED", color="secondary", className="ms-1")] if unsourced_codes else []),
                        className="text-muted" if codes == "none published" else "",
                    ),
                ]
                + [
                    html.Td(_cell_usd(wide.at[mid, m]) if m in wide.columns else "no data", className="text-end")
                    for m in order
                ]
            )
        )
    table = dbc.Table([head, html.Tbody(body)], size="sm", striped=True, hover=True, className="mb-0 small")
    return MeasuresView(banner, table, exposure_chart(shown, prov))


# ---------------------------------------------------------------------------------------- analyst: the optimizer
@dataclass(frozen=True)
class ExchangeParams:
    """What a run of the two-sided optimizer was asked (kept in the page's store; every result is
    recomputed from these on the server, never taken from the browser)."""

    partner: str
    date: str
    horizon_days: int
    balance: str
    risk_price_musd: float
    supply_premium: float
    unsourced: bool

    def settings(self) -> ExchangeSettings:
        """'fair' in the balance field asks for the max-min split of gains (no balance row)."""
        fair = self.balance.strip().lower() == "fair"
        low, high = (1.0, None) if fair else parse_balance(self.balance)
        return ExchangeSettings(
            balance_share=low,
            balance_upper=high,
            risk_price_usd=self.risk_price_musd * M,
            supply_premium=self.supply_premium,
            objective="fair" if fair else "net_gain",
        )

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _number(label: str, v: Any, lo: float, hi: float | None = None) -> float:
    try:
        return read_number(v, lo=lo, hi=hi)
    except NumberError as exc:
        if exc.kind in ("type", "text"):
            raise DecontrolError(f"{label}: enter a number") from None
        raise DecontrolError(
            f"{label} {v!r}: expected a number from {lo:g}" + (f" to {hi:g}" if hi is not None else "")
        ) from None


def params_from_form(
    partner: Any, day: Any, horizon: Any, balance: Any, risk_price_m: Any, premium: Any, unsourced: Any
) -> ExchangeParams:
    """The form's values checked one by one (DecontrolError naming the field)."""
    if not partner:
        raise DecontrolError("choose a partner")
    from optimizer.gets.measures import parse_date

    when = parse_date(day or today(), "date").isoformat()
    if str(balance or "").strip().lower() != "fair":
        parse_balance(balance)
    return ExchangeParams(
        str(partner),
        when,
        check_horizon(horizon),
        str(balance).strip(),
        _number("risk price (US$ m per point)", risk_price_m, 0.0),
        _number("supply premium", premium, 0.0, 1.0),
        bool(unsourced),
    )


def params_from_dict(d: Any) -> ExchangeParams:
    if not isinstance(d, dict):
        raise DecontrolError("there is no exchange to use: run the two-sided optimizer first")
    return params_from_form(
        d.get("partner"),
        d.get("date"),
        d.get("horizon_days"),
        d.get("balance"),
        d.get("risk_price_musd"),
        d.get("supply_premium"),
        d.get("unsourced"),
    )


def run_exchange(ds: Any, p: ExchangeParams) -> ExchangeReport:
    """The two-sided package for the form (the item table from the dashboard's cache)."""
    return exchange_package(
        ds,
        p.partner,
        day=p.date,
        horizon_days=p.horizon_days,
        settings=p.settings(),
        include_unsourced=p.unsourced,
        items=item_table(ds, p.partner),
    )


def references(ds: Any, partner: str, settings: ExchangeSettings) -> list[ReferenceExchange]:
    """The reference exchanges valued under the same assumptions (cached per assumptions)."""
    if partner != "CHN":
        return []  # the reference exchanges of the data are US-China outcomes
    key = ("exchange-references", partner, settings.supply_premium, tuple(sorted(settings.get_shares.items())))
    refs: list[ReferenceExchange] = memo(
        ds,
        key,
        lambda: [
            reference_exchange(ds, n, partner=partner, settings=settings, items=item_table(ds, partner))
            for n in reference_names(ds)
        ],
    )
    return refs


def chart_rows(report: ExchangeReport, refs: list[ReferenceExchange]) -> list[dict[str, Any]]:
    rows = [
        {
            "label": f"Proposal ({report.date})",
            "gives": report.partner_gain_usd or 0.0,
            "gets": report.us_gain_usd or 0.0,
            "gets_unsourced": sum(g["value_usd"] for g in report.gets if g["unsourced_hs6"]),
            "note": "",
        }
    ]
    rows[0]["gets"] -= rows[0]["gets_unsourced"]
    for r in refs:
        rows.append(
            {
                "label": f"{r.name} ({r.date[:7]})",
                "gives": r.us_gives_usd,
                "gets": r.partner_gives_usd,
                "gives_unsourced": r.us_gives_unsourced_usd,
                "gets_unsourced": r.partner_gives_unsourced_usd,
                "note": f"{r.not_valued} line(s) not valued" if r.not_valued else "",
            }
        )
    return rows


@dataclass(frozen=True)
class LedgerView:
    status: Any
    kpis: Any
    gives: Any
    gets: Any
    figure: Any
    references: Any


def _table(header: list[str], rows: list[list[Any]]) -> Any:
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
        ],
        size="sm",
        striped=True,
        className="mb-0 small",
    )


def _empty_exchange_text(report: ExchangeReport) -> str:
    """Why an exchange solved to nothing: no measure to ask relief of on the date, or the risk price."""
    if nothing_to_ask(report.measures):
        return (
            f"No exchange to make: no partner measure on {report.date} has a relief the US could ask for, so "
            "there is no get to balance a give (each measure's status is in the measures table; choose another date)."
        )
    return "No exchange is worth making at this risk price: lower it or raise the supply premium."


def ledger_view(ds: Any, report: ExchangeReport, refs: list[ReferenceExchange]) -> LedgerView:
    """The ledger side by side, the KPIs, the balance chart and the reference exchanges' lines."""
    prov = Provenance("synthetic" if report.gets_synthetic or report.gives_synthetic else "real", report.source)
    s = report.settings
    band = (
        f">= {s['balance_share']:g} x"
        if s.get("balance_upper") is None
        else f"{s['balance_share']:g}-{s['balance_upper']:g} x"
    )
    if report.found:
        status = dbc.Alert(
            [
                html.Strong(f"Exchange {report.status}: "),
                f"{len(report.gives)} gives, {len(report.gets)} gets; measures on {report.date}, trade {report.year}. ",
                provenance_badge(prov, className="ms-1"),
            ]
            + ([html.Div(_empty_exchange_text(report))] if not report.gives and not report.gets else [])
            + [
                html.Div(
                    f"UNSOURCED HS codes in the gets: {', '.join(report.unsourced_hs6)}", className="small fw-semibold"
                )
            ]
            * bool(report.unsourced_hs6),
            color="success" if report.gets else "secondary",
            className="py-2 small mb-2",
        )
    else:
        status = dbc.Alert(
            f"No exchange ({report.status}): no choice of gives and gets meets the balance "
            f"(partner's gain {band} the US gain) under the constraints.",
            color="danger",
            className="py-2 small mb-2",
        )
    ratio = report.balance_ratio
    kpis = dbc.Row(
        [
            dbc.Col(
                kpi_card(
                    "US gets (relief of partner measures)",
                    fmt_usd(report.us_gain_usd) + "/yr",
                    f"US imports secured x premium {s['supply_premium']:g}",
                    prov,
                    tone="success",
                ),
                md=3,
            ),
            dbc.Col(
                kpi_card(
                    "US gives (partner's gain)",
                    fmt_usd(report.partner_gain_usd) + "/yr",
                    "licence-bound US exports unlocked",
                    prov,
                ),
                md=3,
            ),
            dbc.Col(
                kpi_card(
                    "Balance (partner's gain / US gain)",
                    f"{ratio:.2f}" if ratio is not None else "n/a",
                    f"condition: partner's gain {band} the US gain",
                ),
                md=3,
            ),
            dbc.Col(
                kpi_card(
                    "US net gain",
                    fmt_usd(report.us_net_gain_usd) + "/yr",
                    f"gets - risk {report.risk or 0:.3f} x {fmt_usd(s['risk_price_usd'])}/point",
                    tone="primary",
                ),
                md=3,
            ),
        ],
        className="g-2 mb-2",
    )
    gives = (
        _table(
            ["ECCN", "Instrument", "Licence basis", "Value/yr", "Risk"],
            [
                [
                    eccn_link(g["eccn"]),
                    g["instrument_detail"],
                    g["licence_basis"][:90],
                    fmt_usd(g["value_usd"]),
                    f"{g['risk']:.3f}",
                ]
                for g in report.gives
            ],
        )
        if report.gives
        else empty_state("No gives.", "The US gives nothing in this exchange.")
    )
    gets = (
        _table(
            ["Measure", "Item group", "Relief", "Status", "US imports", "Value/yr", "HS codes"],
            [
                [
                    g["measure_id"],
                    g["item_group"][:32],
                    g["relief"].replace("_", " "),
                    g["status"].replace("_", " "),
                    fmt_usd(g["us_imports_from_partner_usd"]),
                    fmt_usd(g["value_usd"]),
                    [g["hs6_used"].replace(";", " ")]
                    + ([dbc.Badge("UNSOURCED", color="secondary", className="ms-1")] if g["unsourced_hs6"] else []),
                ]
                for g in report.gets
            ],
        )
        if report.gets
        else empty_state("No gets.", "The US asks for nothing.")
    )
    ref_rows = []
    for r in refs:
        for ln in r.lines:
            value = (
                "not valued"
                if not ln["valued"]
                else " + ".join(
                    ([fmt_usd(ln["value_usd"])] if ln["value_usd"] else [])
                    + ([f"{fmt_usd(ln['unsourced_value_usd'])} UNSOURCED"] if ln["unsourced_value_usd"] else [])
                )
                or "$0"
            )
            side = "US gave" if ln["side"] == "us_gives" else f"{r.partner} gave"
            ref_rows.append(
                [f"{r.name} {r.date}", side, ln["what"][:110], value, html.Span(ln["basis"][:160], title=ln["basis"])]
            )
    ref_table = (
        _table(["Exchange", "Side", "What", "Value/yr", "How valued"], ref_rows)
        if ref_rows
        else empty_state("No reference exchanges for this partner.")
    )
    assumptions = html.Ul([html.Li(a) for a in report.assumptions], className="small text-muted mb-0 mt-2")
    return LedgerView(
        status, kpis, gives, gets, balance_chart(chart_rows(report, refs), prov), html.Div([ref_table, assumptions])
    )


# ---------------------------------------------------------------------------------------- saving and briefing
def save_exchange(store: Any, ds: Any, name: Any, params: Any, author: str = "") -> tuple[str, bool]:
    """Save the exchange as a scenario: inputs = its parameters and the package scenario of its gives;
    results = the exchange recomputed here (the gives as the package's items, the gets beside them)."""
    from optimizer.gets.package import exchange_inputs, exchange_results

    clean = str(name or "").strip()
    if not clean:
        return "Give the scenario a name.", False
    try:
        p = params_from_dict(params)
        report = run_exchange(ds, p)
        inputs = exchange_inputs(report, p.unsourced)
        rec = store.save(
            clean, inputs, exchange_results(report), dataset_id=str(getattr(ds, "dataset_id", "")), author=author
        )
    except DecontrolError as exc:
        return exc.message, False
    return f"Saved '{rec.name}' (version {rec.version}): the gives as its package, the gets beside them.", True


def download(ds: Any, params: Any, kind: str) -> dict[str, Any]:
    """dcc.Download data: the exchange's one-slide brief (PPTX) or its workbook (XLSX)."""
    import tempfile
    from pathlib import Path

    from optimizer.briefing.exchange import write_exchange_slide, write_exchange_workbook

    p = params_from_dict(params)
    report = run_exchange(ds, p)
    refs = references(ds, p.partner, p.settings())
    with tempfile.TemporaryDirectory(prefix="decontrol-exchange-") as tmp:
        path = Path(tmp) / f"exchange.{kind}"
        if kind == "pptx":
            write_exchange_slide(report, refs, path)
        elif kind == "xlsx":
            write_exchange_workbook(report, refs, path)
        else:
            raise DecontrolError(f"unknown format {kind!r}: expected pptx or xlsx")
        data = path.read_bytes()
    label = "synthetic" if report.gets_synthetic else "real"
    sent: dict[str, Any] = dcc.send_bytes(data, f"exchange-{p.partner}-{p.date}-{label}.{kind}")
    return sent
