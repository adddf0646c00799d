"""The item table: one row per item (every CCL ECCN plus concordance sub-items) for one partner.

It is the seam between estimation and optimisation: the optimizer reads only this table, and an
analyst can export it, edit it and feed it back (`decontrol optimize --items FILE.csv`). Each row
carries the tier and why, the concession value and its basis, the risk, the foreign-availability
score with its components and evidence, and whether the trade figures behind it are synthetic.

Partner-independent work (tiers, controlled shares, base risk) is cached per (dataset, config) and
the year's trade slice per (dataset, year), so the dashboard can rebuild the table for another
partner or parameter in well under a second.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from optimizer.data.coverage import missing_inputs
from optimizer.data.schema import PARTNERS
from optimizer.data.trade import check_year
from optimizer.errors import DecontrolError
from optimizer.estimation.config import EstimationConfig, reason_matches
from optimizer.estimation.foreign_availability import apply_fa_overrides, compute_fa, members_of, regime_members
from optimizer.estimation.overrides import for_partner, read_value_overrides
from optimizer.estimation.reasons import control_regimes, parse_reasons
from optimizer.estimation.risk import item_risk_base, risk_after_fa
from optimizer.estimation.shares import effective_shares
from optimizer.estimation.tiers import (
    apply_licensing,
    apply_partner_bars,
    apply_tier_overrides,
    assign_tiers,
    family_of,
    item_ids,
)
from optimizer.estimation.trade_inputs import YearTrade, partner_per_hs6, trade_slice, year_trade
from optimizer.estimation.value import item_values, licence_bound_values, value_rows
from optimizer.forksafe import ForkSafeLock

ITEM_COLUMNS: list[str] = [
    "eccn",
    "partner",
    "year",
    "heading",
    "category",
    "group",
    "family",
    "reasons",
    "regime",
    "licence_required",
    "binding_reasons",
    "licence_basis",
    "licence_sections",
    "meu_listed",
    "exceptions_allowed",
    "exceptions_in_reach",
    "instruments",
    "instrument_detail",
    "decided_by",
    "decided_by_detail",
    "licence_cautious",
    "meu_part_only",
    "tier",
    "tier_reason",
    "tier_source",
    "tier_floor",
    "hs6",
    "potential_usd",
    "licence_bound_usd",
    "blocked_share",
    "value_usd",
    "value_basis",
    "value_override",
    "risk",
    "risk_base",
    "fa_score",
    "fa_score_computed",
    "fa_basis",
    "fa_non_regime_share",
    "fa_all_foreign_share",
    "fa_partner_exports_usd",
    "fa_partner_imports_usd",
    "fa_partner_capacity",
    "fa_supplier_count",
    "fa_world_exports_usd",
    "fa_top_suppliers",
    "fa_override",
    "fa_evidence",
    "synthetic",
    "source",
]

NOT_PARTNERS = frozenset({"USA", "WLD"})


@dataclass(frozen=True)
class StaticItems:
    """Partner- and year-independent parts of the table for one (dataset, config)."""

    items: pd.DataFrame  # eccn, base_eccn, heading, category, group, family, regime, reasons, tier..., risk_base
    shares: pd.DataFrame  # effective controlled shares (shares.SHARE_COLUMNS)
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ItemContext:
    """Everything one item table was computed from (the explanation reads it too)."""

    partner: str
    year: int
    config: EstimationConfig
    static: StaticItems
    per_hs6: pd.DataFrame
    value_rows: pd.DataFrame
    value_label: str


# ---------------------------------------------------------------------- cache
_cache: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
_lock = ForkSafeLock()  # fresh in forked background jobs
_CACHE_SIZE = 32
_MAX_DATASETS = 3  # entries hold their dataset alive: keep only the most recently used few


def _memo(ds: Any, key: tuple[Any, ...], fn: Callable[[], Any]) -> Any:
    """Cache `fn()` per (dataset object, key). The entry holds the dataset, so its id stays unique."""
    full = (ds.dataset_id, id(ds)) + key
    with _lock:
        hit = _cache.get(full)
        if hit is not None and hit[0] is ds:
            _cache.move_to_end(full)
            return hit[1]
    value = fn()
    with _lock:
        _cache[full] = (ds, value)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        recent: list[int] = []
        for k in reversed(_cache):  # most recent first
            if k[1] not in recent:
                recent.append(k[1])
        stale = set(recent[_MAX_DATASETS:])
        for k in [k for k in _cache if k[1] in stale]:
            del _cache[k]
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _config_key(config: EstimationConfig) -> str:
    return json.dumps(config.to_dict(), sort_keys=True)


# ---------------------------------------------------------------------- checks
def check_partner(ds: Any, partner: str) -> str:
    """Upper-cased ISO3 of a known partner, else DecontrolError listing the expected codes."""
    code = str(partner or "").strip().upper()
    known = set(ds.countries["iso3"].astype(str)) - NOT_PARTNERS
    if code not in known:
        hint = ", ".join(p for p in PARTNERS if p in known) or ", ".join(sorted(known)[:10])
        raise DecontrolError(
            f"unknown partner '{partner}': expected one of {hint} "
            f"(or another ISO3 code in countries.csv, not USA or WLD)"
        )
    return code


# ---------------------------------------------------------------------- building blocks
def static_items(ds: Any, config: EstimationConfig) -> StaticItems:
    """Tiers, item metadata, controlled shares and base risk (cached per dataset and config)."""
    return _memo(ds, ("static", _config_key(config)), lambda: _static_items(ds, config))


def _static_items(ds: Any, config: EstimationConfig) -> StaticItems:
    ccl = ds.ccl.copy()
    ccl["eccn"] = ccl["eccn"].astype(str)
    ids = item_ids(ccl, ds.concordance)
    tiers = assign_tiers(ccl, ids, config)  # rule tiers; partner bars and overrides per table
    warnings: list[str] = []
    meta = ccl.set_index("eccn")
    items = tiers.rename(columns={"item_reasons": "reasons"})
    for col in ("heading", "category", "group", "regime"):
        items[col] = items["base_eccn"].map(meta[col]) if col in meta else ""
    items["group"] = items["group"].fillna(items["base_eccn"].str[1])
    items["category"] = (
        pd.to_numeric(items["category"], errors="coerce")
        .fillna(pd.to_numeric(items["base_eccn"].str[0], errors="coerce"))
        .astype(int)
    )
    items["regime"] = [
        control_regimes(parse_reasons(r), str(g))
        for r, g in zip(items["reasons"], items["regime"].fillna("").astype(str))
    ]
    items["heading"] = items["heading"].fillna("").astype(str)
    items["family"] = items["eccn"].map(family_of)
    items["risk_base"] = item_risk_base(items["reasons"], config)

    known = set(items["eccn"])
    conc = ds.concordance
    unknown = sorted({str(e) for e in conc["eccn"]} - known) if len(conc) else []
    if unknown:
        warnings.append(
            f"concordance rows for unknown items ignored: {', '.join(unknown[:10])}"
            + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
        )
    shares = effective_shares(conc[conc["eccn"].astype(str).isin(known)] if len(conc) else conc, config)
    members = regime_members(ds.regimes, config, ds.country_groups)
    bad = sorted({u for k in set(items["regime"]) for u in members_of(k, members)[1]})
    if bad:
        warnings.append(f"regime code(s) {', '.join(bad)} not in regimes.csv: treated as having no members")
    return StaticItems(items.reset_index(drop=True), shares, tuple(warnings))


def year_trade_for(ds: Any, year: int) -> YearTrade:
    """The year's trade slice on the mapped codes and its world totals (cached per dataset and year)."""

    def build() -> YearTrade:
        codes = ds.concordance["hs6"].astype(str).unique() if len(ds.concordance) else []
        return year_trade(trade_slice(ds.trade, year, codes), year)

    return _memo(ds, ("year", int(year)), build)


def item_context(ds: Any, partner: str, year: int | None = None, config: EstimationConfig | None = None) -> ItemContext:
    """Validate the inputs and compute the per-HS6 figures and value rows behind an item table."""
    config = config or EstimationConfig()
    partner = check_partner(ds, partner)
    year = check_year(ds, year if year is not None else config.year)
    baseline = None
    if config.value_method == "baseline":
        by = check_year(ds, config.baseline_year, "baseline year")
        baseline = year_trade_for(ds, by)
        label = f"exports lost since {by} (vs {year})"
    else:
        label = f"gap {year}: partner imports x US world share - US exports"
    static = static_items(ds, config)
    codes = static.shares["hs6"].unique()
    per_hs6 = partner_per_hs6(year_trade_for(ds, year), partner, codes, baseline)
    rows = value_rows(static.shares, per_hs6, config.value_method)
    return ItemContext(partner, year, config, static, per_hs6, rows, label)


def build_item_table(
    ds: Any, partner: str, year: int | None = None, config: EstimationConfig | None = None
) -> pd.DataFrame:
    """The item table for `partner` in `year` (default: latest trade year). Columns: ITEM_COLUMNS.

    Raises DecontrolError for an unknown partner or year. `attrs` carries partner, year,
    synthetic, source and warnings (overrides for unknown items, unknown regime codes ...).
    """
    ctx = item_context(ds, partner, year, config)
    return table_from_context(ds, ctx)


def licensing_for(ds: Any, partner: str, config: EstimationConfig) -> pd.DataFrame:
    """The licence requirement of every item for `partner` (cached per dataset, config and partner)."""
    # imported here: optimizer.licensing reads the estimation vocabulary (reasons, config), so a
    # module-level import would make the two packages import each other
    from optimizer.licensing.destination import destination, rules_partner, un_embargo_destinations
    from optimizer.licensing.instruments import decided_by, instruments_json, item_instruments
    from optimizer.licensing.requirement import licence_requirements

    def build() -> pd.DataFrame:
        static = static_items(ds, config)
        dest = destination(ds, partner)
        req = licence_requirements(static.items, ds.ccl, dest, un_embargo_destinations(ds), ds.meu_items)
        heading = static.items.set_index("eccn")["heading"]
        barred = config.partner_reason_bars.get(rules_partner(partner)) or {}
        instr, detail, who, who_detail = [], [], [], []
        for item, lv, binding, allowed in zip(
            req.index, req["licence_required"], req["binding_reasons"], req["exceptions_allowed"]
        ):
            codes = tuple(c for c in str(binding).split(";") if c)
            ins = item_instruments(
                lv, codes, tuple(a for a in str(allowed).split(";") if a), dest.in_group("B"), partner, dest.name
            )
            instr.append(";".join(ins))
            detail.append(instruments_json(ins))
            bar = next((f"statute: {why}" for pat, why in barred.items() for c in codes if reason_matches(c, pat)), "")
            d, text = decided_by(codes, lv, str(heading.get(item, "")), bar, dest.embargo or dest.all_ccl_746_8)
            who.append(d)
            who_detail.append(text)
        req["instruments"] = instr
        req["instrument_detail"] = detail
        req["decided_by"] = who
        req["decided_by_detail"] = who_detail
        req.attrs.update(destination=dest)
        return req

    return _memo(ds, ("licence", _config_key(config), partner), build)


def table_from_context(ds: Any, ctx: ItemContext) -> pd.DataFrame:
    """Assemble the item table from a computed context (licensing, values, FA, risk, provenance)."""
    config = ctx.config
    from optimizer.licensing.destination import rules_partner

    licence = licensing_for(ds, ctx.partner, config)
    dest = licence.attrs["destination"]
    rules = rules_partner(ctx.partner)  # Hong Kong is China for the EAR, a territory its parent
    items = apply_partner_bars(ctx.static.items.rename(columns={"reasons": "item_reasons"}), rules, config)
    items = apply_licensing(
        items,
        licence,
        rules,
        dest.name,
        dest.in_group("D5"),
        dest.embargo or dest.all_ccl_746_8,
        config,
        macau=rules == "MAC",
    )
    items = apply_tier_overrides(items, ds.tier_overrides).rename(columns={"item_reasons": "reasons"})
    missing = _memo(ds, ("missing", ctx.partner, ctx.year), lambda: missing_inputs(ds.trade, ctx.partner, ctx.year))
    values = item_values(
        items,
        ctx.value_rows,
        ctx.value_label,
        for_partner(read_value_overrides(ds.data_dirs), ctx.partner),
        missing.value_unknown_reason() if config.value_method == "gap" else None,
        set(year_trade_for(ds, ctx.year).rows["hs6"]),
    )
    trade_label = f"{'SYNTHETIC' if ds.trade_synthetic else 'real'} trade: {ds.trade_source}"
    values = licence_bound_values(values, licence, rules, dest.name, config, trade_label)
    members = regime_members(ds.regimes, config, ds.country_groups)
    world = year_trade_for(ds, ctx.year).world
    fa = compute_fa(
        items,
        ctx.static.shares,
        world,
        ctx.per_hs6,
        ctx.partner,
        members,
        config,
        ctx.year,
        to_partner=year_trade_for(ds, ctx.year).rows,
    )
    fa = apply_fa_overrides(fa, for_partner(ds.fa_overrides, ctx.partner))

    hs6 = ctx.static.shares.groupby("eccn")["hs6"].agg(lambda s: ";".join(sorted(set(s))))
    out = items.copy()
    out["partner"] = ctx.partner
    out["year"] = ctx.year
    out["hs6"] = out["eccn"].map(hs6).fillna("")
    out = out.join(licence, on="eccn")
    out = out.merge(values, on="eccn", how="left")
    out = out.join(fa, on="eccn")
    # the risk of relief is what the *binding* requirements protect for this partner
    bound = (out["licence_required"] != "none") & (out["binding_reasons"] != "UNKNOWN")
    out["risk_base"] = out["risk_base"].where(~bound, item_risk_base(out["binding_reasons"], config))
    out["risk"] = risk_after_fa(out["risk_base"], out["fa_score"], config)
    # round away float noise so exports read cleanly (cents; 6 decimals for scores)
    for col in ("value_usd", "potential_usd", "licence_bound_usd"):
        out[col] = out[col].round(2)
    for col in (
        "risk",
        "risk_base",
        "fa_score",
        "fa_score_computed",
        "fa_non_regime_share",
        "fa_all_foreign_share",
        "fa_partner_capacity",
        "blocked_share",
    ):
        out[col] = out[col].astype(float).round(6)
    for col in ("fa_partner_exports_usd", "fa_partner_imports_usd", "fa_world_exports_usd"):
        out[col] = out[col].astype(float).round(2)
    out["synthetic"] = bool(ds.trade_synthetic)
    out["source"] = str(ds.trade_source)
    out = out[ITEM_COLUMNS].reset_index(drop=True)
    out.attrs.update(
        partner=ctx.partner,
        year=ctx.year,
        synthetic=bool(ds.trade_synthetic),
        source=str(ds.trade_source),
        value_method=config.value_method,
        licensing_as_of=dest.as_of,
        partner_name=dest.name,
        warnings=list(ctx.static.warnings)
        + list(items.attrs.get("warnings", []))
        + missing.lines()
        + (
            [
                f"no Country Chart row for {ctx.partner}: its licence requirements could not be established "
                "and its licensable items are held out of packages"
            ]
            if not dest.known
            else []
        ),
    )
    return out
