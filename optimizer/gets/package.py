"""Gives and gets end to end: the one call the CLI (`decontrol exchange`) and the dashboard make.

`exchange_package(ds, partner, ...)` builds the US item table for the partner (the gives: licence-bound
value from the destination-aware model), the gets table (US exposure to each of the partner's
measures on a date), solves the two-sided package (`exchange.solve_exchange`) and returns an
`ExchangeReport`: both columns of the ledger, each line with the evidence it was valued from, whether
its figures are real or synthetic, and which HS codes are unsourced; the balance; the assumptions in
words. `reference_exchange(ds, name)` values a past outcome (Geneva, London, Busan:
`datasets/reference_exchanges.csv`) with the same machinery, so a proposal can be set next to it.

A ledger line that the machinery cannot value (a tariff, an end-user rule, software without goods
trade, a measure whose HS codes were never published) is listed with why, never as $0.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from optimizer.errors import DecontrolError
from optimizer.gets.exchange import GET_MODES, ExchangeSettings, solve_exchange
from optimizer.gets.exposure import gets_table
from optimizer.gets.measures import parse_date
from optimizer.model.scenario import DEFAULT_MODE_PARAMS, Scenario
from optimizer.vocabulary import FOUND

#: Columns of a give (US decontrol) and a get (relief of a partner measure) in the ledger.
GIVE_COLUMNS: list[str] = [
    "eccn",
    "heading",
    "instrument",
    "instrument_detail",
    "licence_basis",
    "value_usd",
    "risk",
    "hs6",
    "value_basis",
    "synthetic",
    "source",
]
GET_COLUMNS: list[str] = [
    "measure_id",
    "item_group",
    "relief",
    "status",
    "lapse_flag",
    "us_imports_from_partner_usd",
    "value_usd",
    "hs6_used",
    "hs6_basis",
    "unsourced_hs6",
    "synthetic",
    "source",
]
REFERENCE_COLUMNS: list[str] = [
    "side",
    "what",
    "relief",
    "measure_ids",
    "eccns",
    "hs6",
    "valued",
    "value_usd",
    "unsourced_value_usd",
    "basis",
    "unsourced_hs6",
    "synthetic",
    "source",
]
_BALANCE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(?:[:\-]\s*([0-9]*\.?[0-9]+)\s*)?$")


def parse_balance(text: Any) -> tuple[float, float | None]:
    """'1' -> (1, None): the partner's gain at least 1 x the US gain; '0.8:1.5' -> a band.
    DecontrolError naming the flag for anything else (the CLI and the page read it the same way)."""
    m = _BALANCE.match(str(text if text is not None else ""))
    if not m:
        raise DecontrolError(
            f"--balance {text!r}: expected a share (e.g. 1: the partner's gain at least the US gain) "
            "or a band LOW:HIGH (e.g. 0.8:1.5)"
        )
    low = float(m.group(1))
    high = float(m.group(2)) if m.group(2) else None
    if high is not None and high < low:
        raise DecontrolError(f"--balance {text!r}: the band's upper share {high:g} is below its lower share {low:g}")
    return low, high


def assumptions(settings: ExchangeSettings) -> list[str]:
    """The stated assumptions of a valuation, in words (shown with every exchange)."""
    shares = ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in settings.get_shares.items())
    return [
        "US gives are valued as the partner's gain: US exports per year that relief unlocks, from the "
        "destination-aware item table (licence-bound value x the instrument's value share).",
        f"US gets are valued as US imports from the partner in the measure's HS codes x a supply premium of "
        f"{settings.supply_premium:g} (the share of the imports at risk that relief secures: an assumption) x the "
        f"relief's share ({shares}).",
        f"The US net gain prices the security risk of the gives at {_usd(settings.risk_price_usd)} per risk point "
        "(a stated price, not a fact).",
        "An HS code shared by several measures is split equally among them, so measures never count a dollar twice.",
    ]


def _usd(v: float | None) -> str:
    from optimizer.formatting import fmt_usd

    return fmt_usd(v)


def _clean(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


@dataclass
class ExchangeReport:
    """A two-sided package: the ledger (gives and gets), the balance, assumptions and provenance."""

    partner: str
    date: str
    year: int
    horizon_days: int
    status: str
    gives: list[dict[str, Any]]
    gets: list[dict[str, Any]]
    us_gain_usd: float | None
    partner_gain_usd: float | None
    risk: float | None
    us_net_gain_usd: float | None
    settings: dict[str, Any]
    scenario: dict[str, Any]
    measures: list[dict[str, Any]]  # every measure: status, exposure, why a get was or was not offered
    assumptions: list[str]
    gives_synthetic: bool
    gets_synthetic: bool
    source: str
    unsourced_hs6: list[str] = field(default_factory=list)  # unsourced codes any get is valued on
    warnings: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.status in FOUND

    @property
    def balance_ratio(self) -> float | None:
        """The partner's gain per dollar of US gain (None when the US gains nothing)."""
        if not self.us_gain_usd or self.partner_gain_usd is None:
            return None
        return self.partner_gain_usd / self.us_gain_usd

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"balance_ratio": self.balance_ratio}


#: A measure's `offer` when it could be asked for: chosen as a get, or offered and not chosen.
ASKED = "asked"
OFFERED_NOT_CHOSEN = "offered, not chosen (not worth its balancing gives)"


def _gets_reason(r: dict[str, Any], offered: set[str], asked: set[str]) -> str:
    if r["measure_id"] in asked:
        return ASKED
    if r["measure_id"] in offered:
        return OFFERED_NOT_CHOSEN
    imports = r.get("us_imports_from_partner_usd")
    if imports is None or (isinstance(imports, float) and math.isnan(imports)):
        return "no HS codes published: US exposure not measurable"
    if imports <= 0:
        return "no US imports from the partner in its codes"
    if r.get("status") == "suspended":
        return "suspended, not lapsing within the horizon: nothing to ask for now"
    return f"status {r.get('status')}: no relief to ask for"


def nothing_to_ask(measures: list[dict[str, Any]]) -> bool:
    """True when no measure of an exchange's `measures` could be asked for (none in force with US imports
    in its codes, none lapsing within the horizon): an empty exchange then has no get to balance a give,
    whatever the risk price."""
    return not any(m.get("offer") in (ASKED, OFFERED_NOT_CHOSEN) for m in measures)


def exchange_package(
    ds: Any,
    partner: str,
    *,
    day: Any = None,
    year: int | None = None,
    horizon_days: int = 90,
    settings: ExchangeSettings | None = None,
    scenario: Scenario | None = None,
    include_unsourced: bool = False,
    items: pd.DataFrame | None = None,
) -> ExchangeReport:
    """The two-sided package for `partner` on `day` (see the module docstring).

    `scenario` carries the package model's screens (modes, locks, forced items, FA threshold, risk
    budget, caps, allies, BIS alone); its target and objective are not used (the balance replaces the
    target). `items` is the partner's item table when the caller already has it (the dashboard's cache).
    DecontrolError for bad input (unknown partner or year, a bad date or setting).
    """
    from optimizer.estimation import build_item_table

    partner = str(partner or "").strip().upper()
    if not partner:
        raise DecontrolError("give the partner (ISO3, e.g. CHN)")
    settings = settings or ExchangeSettings()
    sc = (scenario or Scenario()).replace(partner=partner, year=year)
    table = items if items is not None else build_item_table(ds, partner, year)
    gets = gets_table(ds, partner, day, year, horizon_days, include_unsourced=include_unsourced)
    res = solve_exchange(table, gets, sc, settings)
    by_eccn = table.set_index("eccn")
    gives = []
    for g in res.gives:
        row = by_eccn.loc[g["eccn"]]  # an analyst's edited table may lack the descriptive columns
        raw = row.get("instrument_detail")
        detail = json.loads(raw) if isinstance(raw, str) and raw.strip().startswith("{") else {}
        gives.append(
            {
                "eccn": g["eccn"],
                "heading": str(row.get("heading", "") or ""),
                "instrument": g["instrument"],
                "instrument_detail": detail.get(g["instrument"], g["instrument"]),
                "licence_basis": str(row.get("licence_basis", "") or ""),
                "value_usd": g["value_usd"],
                "risk": g["risk"],
                "hs6": str(row.get("hs6", "") or ""),
                "value_basis": str(row.get("value_basis", "") or ""),
                "synthetic": bool(row.get("synthetic", ds.trade_synthetic)),
                "source": str(row.get("source", "") or ds.trade_source),
            }
        )
    info = gets.set_index("measure_id")
    got = []
    unsourced: set[str] = set()
    for g in res.gets:
        r = info.loc[g["measure_id"]]
        is_unsourced = str(r["hs6_basis"]).startswith("UNSOURCED")
        if is_unsourced:
            unsourced.update(str(r["hs6_used"]).split(";"))
        got.append(
            {
                "measure_id": g["measure_id"],
                "item_group": str(r["item_group"]),
                "relief": g["relief"],
                "status": str(r["status"]),
                "lapse_flag": str(r["lapse_flag"]),
                "us_imports_from_partner_usd": _clean(r["us_imports_from_partner_usd"]),
                "value_usd": g["value_usd"],
                "hs6_used": str(r["hs6_used"]),
                "hs6_basis": str(r["hs6_basis"]),
                "unsourced_hs6": str(r["hs6_used"]) if is_unsourced else "",
                "synthetic": bool(r["synthetic"]),
                "source": str(r["source"]),
            }
        )
    offered = {m for m, _ in _offered(gets, settings)}
    asked = {g["measure_id"] for g in got}
    measures = [
        {k: _clean(v) for k, v in r.items()} | {"offer": _gets_reason(r, offered, asked)}
        for r in gets.to_dict(orient="records")
    ]
    warnings = list(table.attrs.get("warnings", [])) + res.warnings
    if include_unsourced and unsourced:
        warnings.append(
            f"gets valued on UNSOURCED HS codes (not the announcements' own): {', '.join(sorted(unsourced))}"
        )
    return ExchangeReport(
        partner=partner,
        date=gets.attrs["date"],
        year=int(gets.attrs["year"]),
        horizon_days=horizon_days,
        status=res.status,
        gives=gives,
        gets=got,
        us_gain_usd=res.us_gain_usd,
        partner_gain_usd=res.partner_gain_usd,
        risk=res.risk,
        us_net_gain_usd=res.us_net_gain_usd,
        settings=res.settings,
        scenario=sc.to_dict(),
        measures=measures,
        assumptions=assumptions(settings),
        gives_synthetic=bool(res.synthetic),
        gets_synthetic=bool(ds.trade_synthetic),
        source=str(ds.trade_source),
        unsourced_hs6=sorted(unsourced),
        warnings=warnings,
    )


def exchange_frontier(
    ds: Any,
    partner: str,
    shares: list[float],
    *,
    day: Any = None,
    year: int | None = None,
    horizon_days: int = 90,
    settings: ExchangeSettings | None = None,
    scenario: Scenario | None = None,
    include_unsourced: bool = False,
    items: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """US net gain against the balance share (`exchange.balance_frontier`) on the same item and gets
    tables as `exchange_package`: how much the US gives up by asking the partner to gain more."""
    from optimizer.estimation import build_item_table
    from optimizer.gets.exchange import balance_frontier

    if not shares or any(not math.isfinite(x) or x < 0 for x in shares):
        raise DecontrolError(f"balance shares must be numbers >= 0, got {shares!r}")
    partner = str(partner or "").strip().upper()
    sc = (scenario or Scenario()).replace(partner=partner, year=year)
    table = items if items is not None else build_item_table(ds, partner, year)
    gets = gets_table(ds, partner, day, year, horizon_days, include_unsourced=include_unsourced)
    return balance_frontier(table, gets, sc, sorted(shares), settings or ExchangeSettings())


def exchange_inputs(report: ExchangeReport, include_unsourced: bool = False) -> dict[str, Any]:
    """A saved scenario's inputs for an exchange: the package scenario of its gives (target = their
    value, so the Package builder and the briefing find the least-risk package of the same value) and,
    under `exchange`, what `exchange_from_inputs` needs to compute the exchange again."""
    sc = dict(report.scenario) | {
        "target_usd": float(report.partner_gain_usd or 0.0),
        "objective": "min-risk",
        "year": report.year,
    }
    return {
        "scenario": sc,
        "exchange": {
            "partner": report.partner,
            "date": report.date,
            "year": report.year,
            "horizon_days": report.horizon_days,
            "settings": dict(report.settings),
            "include_unsourced": bool(include_unsourced),
        },
    }


def exchange_results(report: ExchangeReport) -> dict[str, Any]:
    """A saved scenario's results for an exchange: package-shaped (the gives as its items, so the
    Scenarios page lists and compares it like any package), the whole exchange under `exchange`."""
    d = report.to_dict()
    d.pop("measures")
    return {
        "status": report.status,
        "partner": report.partner,
        "year": report.year,
        "target_usd": float(report.partner_gain_usd or 0.0),
        "achieved_usd": report.partner_gain_usd,
        "synthetic": report.gives_synthetic,
        "n_items": len(report.gives),
        "items": [
            {
                "eccn": g["eccn"],
                "mode": g["instrument"],
                "instrument": g["instrument_detail"],
                "licence_basis": g["licence_basis"],
                "value_usd": g["value_usd"],
                "risk": g["risk"],
                "heading": g["heading"],
            }
            for g in report.gives
        ],
        "exchange": d,
    }


def exchange_from_inputs(ds: Any, inputs: dict[str, Any], items: pd.DataFrame | None = None) -> ExchangeReport | None:
    """The exchange a saved scenario describes, computed again on `ds` (None: not an exchange)."""
    spec = inputs.get("exchange") if isinstance(inputs, dict) else None
    if not spec:
        return None
    if not isinstance(spec, dict) or not spec.get("partner"):
        raise DecontrolError("the scenario's exchange names no partner")
    raw = dict(spec.get("settings") or {})
    settings = ExchangeSettings(
        **{
            k: raw[k]
            for k in ("balance_share", "balance_upper", "risk_price_usd", "supply_premium", "get_shares", "objective")
            if k in raw
        }
    )
    sc = Scenario.from_dict(
        {k: v for k, v in (inputs.get("scenario") or {}).items() if k not in ("target_usd", "objective")}
    )
    return exchange_package(
        ds,
        str(spec["partner"]),
        day=spec.get("date"),
        year=spec.get("year"),
        horizon_days=int(spec.get("horizon_days", 90)),
        settings=settings,
        scenario=sc,
        include_unsourced=bool(spec.get("include_unsourced")),
        items=items,
    )


def _offered(gets: pd.DataFrame, settings: ExchangeSettings) -> list[tuple[str, str]]:
    from optimizer.gets.exchange import get_options

    return list(get_options(gets, settings))


# ---------------------------------------------------------------------------- reference exchanges
@dataclass
class ReferenceExchange:
    """A past exchange valued by the model: what each side gave, in US$/yr where it can be valued."""

    name: str
    date: str
    partner: str
    year: int
    lines: list[dict[str, Any]]
    us_gives_usd: float  # valued US gives (the partner's gain)
    partner_gives_usd: float  # valued partner gives on published HS codes (the US gain)
    partner_gives_unsourced_usd: float  # the same on unsourced candidate codes (labelled, kept apart)
    us_gives_unsourced_usd: float  # US gives of goods outside the CCL on the analyst's HS codes
    not_valued: int  # lines the model cannot value (tariffs, end-user rules, no codes)
    assumptions: list[str]
    synthetic: bool
    source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def reference_names(ds: Any) -> list[str]:
    """The reference exchanges in the data, in date order."""
    ref = ds.reference_exchanges
    if not len(ref):
        return []
    firsts = ref.groupby("exchange")["date"].min().sort_values()
    return [str(n) for n in firsts.index]


def _split(cell: Any) -> list[str]:
    s = "" if cell is None or (isinstance(cell, float) and math.isnan(cell)) else str(cell)
    return [c.strip() for c in s.split(";") if c.strip()]


def reference_exchange(
    ds: Any,
    name: str,
    *,
    partner: str = "CHN",
    year: int | None = None,
    settings: ExchangeSettings | None = None,
    items: pd.DataFrame | None = None,
) -> ReferenceExchange:
    """Value the reference exchange `name` (case-insensitive) on the data in `ds` (see the module).

    Partner gives: each relieved measure's US exposure on the day before the outcome (the gets table),
    x the supply premium x the relief's share; published HS codes and unsourced candidates are summed
    apart. US gives: relieved ECCNs from the item table (licence-bound value x the instrument's value
    share; unknown for software and technology); relieved goods outside the CCL by their HS codes
    (US exports to the partner x the supply premium: the same assumption as a get); tariffs and
    end-user rules are listed, not valued.
    """
    from optimizer.data.trade import bilateral
    from optimizer.estimation import build_item_table

    settings = settings or ExchangeSettings()
    names = reference_names(ds)
    match = [n for n in names if n.lower() == str(name).strip().lower()]
    if not match:
        raise DecontrolError(f"no reference exchange {name!r}: the data has {', '.join(names) or 'none'}")
    ref = ds.reference_exchanges[ds.reference_exchanges["exchange"] == match[0]]
    when = parse_date(str(ref["date"].min())[:10], "reference exchange date")
    before = when - dt.timedelta(days=1)
    table = items if items is not None else build_item_table(ds, partner, year)
    y = int(table.attrs.get("year", year or 0)) or None
    sourced = gets_table(ds, partner, before, y).set_index("measure_id")
    with_unsourced = gets_table(ds, partner, before, y, include_unsourced=True).set_index("measure_id")
    y = int(sourced["year"].iloc[0])
    by_eccn = table.set_index("eccn")
    us_exports = bilateral(ds.trade[ds.trade["year"] == y], "USA", partner, y).set_index("hs6")["value_usd"]
    label = "SYNTHETIC" if ds.trade_synthetic else "real"
    lines: list[dict[str, Any]] = []
    for r in ref.to_dict(orient="records"):
        relief = str(r["relief"])
        line = {
            "side": r["side"],
            "what": r["what"],
            "relief": relief,
            "measure_ids": r.get("measure_ids") or "",
            "eccns": r.get("eccns") or "",
            "hs6": r.get("hs6_codes") or "",
            "valued": False,
            "value_usd": None,
            "unsourced_value_usd": None,
            "basis": "",
            "unsourced_hs6": "",
            "synthetic": False,
            "source": r["source"],
        }
        if r["side"] == "partner_gives":
            line.update(_value_partner_give(r, relief, sourced, with_unsourced, settings, label))
        elif r["side"] == "us_gives":
            line.update(_value_us_give(r, relief, by_eccn, us_exports, settings, label, partner))
        lines.append(line)
    total = {s: sum(ln["value_usd"] or 0.0 for ln in lines if ln["side"] == s) for s in ("us_gives", "partner_gives")}
    unsourced = {
        s: sum(ln["unsourced_value_usd"] or 0.0 for ln in lines if ln["side"] == s)
        for s in ("us_gives", "partner_gives")
    }
    return ReferenceExchange(
        name=match[0],
        date=when.isoformat(),
        partner=partner,
        year=y,
        lines=lines,
        us_gives_usd=round(total["us_gives"], 2),
        partner_gives_usd=round(total["partner_gives"], 2),
        partner_gives_unsourced_usd=round(unsourced["partner_gives"], 2),
        us_gives_unsourced_usd=round(unsourced["us_gives"], 2),
        not_valued=sum(1 for ln in lines if not ln["valued"]),
        assumptions=assumptions(settings)
        + [f"Measures' status and exposure as of {before.isoformat()}, the day before the outcome; trade year {y}."],
        synthetic=bool(ds.trade_synthetic),
        source=str(ds.trade_source),
    )


def _value_partner_give(
    r: dict[str, Any],
    relief: str,
    sourced: pd.DataFrame,
    with_unsourced: pd.DataFrame,
    settings: ExchangeSettings,
    label: str,
) -> dict[str, Any]:
    ids = _split(r.get("measure_ids"))
    if relief not in GET_MODES or not ids:
        return {
            "basis": f"{relief.replace('_', ' ')}: outside the model (not an export-control measure with HS "
            "codes), not valued"
        }
    share = settings.supply_premium * settings.get_shares.get(relief, 0.0)
    value = unsourced_value = 0.0
    missing, unsourced_codes, unknown = [], set(), []
    for m in ids:
        if m not in sourced.index:
            unknown.append(m)
            continue
        imp = sourced.at[m, "us_imports_from_partner_usd"]
        if imp == imp:  # published codes
            value += float(imp) * share
            continue
        alt = with_unsourced.at[m, "us_imports_from_partner_usd"]
        if alt == alt:
            unsourced_value += float(alt) * share
            unsourced_codes.update(str(with_unsourced.at[m, "hs6_used"]).split(";"))
        else:
            missing.append(m)
    n_valued = len(ids) - len(missing) - len(unknown)
    basis = (
        f"{n_valued} of {len(ids)} measures valued: US imports from the partner in their codes x "
        f"{settings.supply_premium:g} x {relief.replace('_', ' ')} share "
        f"{settings.get_shares.get(relief, 0.0):g} ({label} trade)"
    )
    if unsourced_codes:
        basis += f"; {_usd(unsourced_value)} of it on UNSOURCED HS codes, kept apart"
    if missing:
        basis += f"; no HS codes at all for {', '.join(missing)}: not valued"
    if unknown:
        basis += f"; not in the measures data: {', '.join(unknown)}"
    return {
        "valued": n_valued > 0,
        "value_usd": round(value, 2),
        "unsourced_value_usd": round(unsourced_value, 2),
        "basis": basis,
        "unsourced_hs6": ";".join(sorted(unsourced_codes)),
        "synthetic": label == "SYNTHETIC",
    }


def _value_us_give(
    r: dict[str, Any],
    relief: str,
    by_eccn: pd.DataFrame,
    us_exports: pd.Series,
    settings: ExchangeSettings,
    label: str,
    partner: str,
) -> dict[str, Any]:
    eccns, codes = _split(r.get("eccns")), _split(r.get("hs6_codes"))
    if not eccns and not codes:
        return {"basis": f"{relief.replace('_', ' ')}: outside the item model (not a CCL item), not valued"}
    value, unsourced_value, parts, valued, by_item = 0.0, 0.0, [], False, False
    for e in eccns:
        if e not in by_eccn.index:
            parts.append(f"{e}: not on the CCL in the data")
            continue
        row = by_eccn.loc[e]
        v = row["value_usd"]
        if v != v:  # unknown (software, technology, no trade rows)
            parts.append(
                f"{e}: value unknown ({str(row['value_basis']).split(';')[0]}); the item table has "
                f"licence requirement '{row['licence_required']}' to {partner}"
            )
            continue
        mode = "lift" if relief == "lift" else ("approval" if relief == "general_licence" else "lift")
        v = float(v) * DEFAULT_MODE_PARAMS[mode].value_share
        value, valued, by_item = value + v, True, True
        parts.append(f"{e}: {_usd(v)} licence-bound value x {mode} share")
    if codes:
        exp = float(us_exports.reindex(codes).fillna(0.0).sum())
        unsourced_value, valued = exp * settings.supply_premium, True
        parts.append(
            f"goods outside the CCL in UNSOURCED HS codes {', '.join(codes)} (the analyst's): US exports "
            f"to {partner} {_usd(exp)} x supply premium {settings.supply_premium:g}"
        )
    return {
        "valued": valued,
        "value_usd": round(value, 2) if by_item else None,
        "unsourced_value_usd": round(unsourced_value, 2) if codes else None,
        "basis": "; ".join(parts) + f" ({label} trade)",
        "synthetic": label == "SYNTHETIC",
        "unsourced_hs6": ";".join(codes),
    }


__all__ = [
    "ExchangeReport",
    "GET_COLUMNS",
    "GIVE_COLUMNS",
    "REFERENCE_COLUMNS",
    "ReferenceExchange",
    "assumptions",
    "exchange_from_inputs",
    "exchange_frontier",
    "exchange_inputs",
    "exchange_package",
    "exchange_results",
    "nothing_to_ask",
    "parse_balance",
    "reference_exchange",
    "reference_names",
]
