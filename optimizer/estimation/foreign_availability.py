"""Foreign availability (FA) of an item to a partner, after 15 CFR Part 768, from trade proxies.

768 asks whether a comparable item is available-in-fact to the partner from non-US sources, in
sufficient quantity and comparable quality, including production inside the partner. Trade data
gives proxies, each weighted by the item's controlled shares of its HS codes (x = Σ_h s_h · X_h):

(a) `fa_non_regime_share`: share of world exports from suppliers outside the US, outside the
    regime(s) that control the item (`ccl.regime`, members from `regimes.csv`; a US-unilateral
    item has no regime partners, so every non-US supplier counts) and other than the partner
    itself (its own production is component b);
(b) `fa_partner_capacity` = min(1, partner's own exports / its imports) of those codes
    (indigenous capacity; exports without imports count as 1), with `fa_partner_exports_usd`;
(c) `fa_supplier_count`: suppliers other than the US and the partner holding at least
    `min_supplier_share` of world exports;
(d) `fa_all_foreign_share`: share of world exports from every non-US supplier (context only).

    fa_score = w_nr · min(1, a / saturation) + w_cap · b + w_sup · min(1, c / N)

defaults w = 0.5 / 0.3 / 0.2, saturation 0.5 (half the world market outside the regime is full
availability), N = 5 suppliers. An item without trade data (no HS mapping, or no world exports on
its codes) scores 0 with `fa_basis = 'no trade data'`: the optimizer needs a finite number, and 0
is the cautious reading (no evidence of availability). An analyst override (15 CFR 768.5(b)
evidence: comparable models, foreign sources, production and sales, quality) replaces the score,
sets `fa_override` and keeps the computed score in `fa_score_computed`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from optimizer.estimation.config import EstimationConfig
from optimizer.formatting import cell_text, fmt_share, fmt_usd

US = "USA"

FA_COLUMNS = [
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
]


#: Regime -> the Country Group of its members that implement its controls (15 CFR 740 Supp. 1: A:1
#: Wassenaar less Malta, Russia and Ukraine; A:2 MTCR less Russia; A:3 Australia Group; A:4 NSG less
#: China, Russia and Belarus). Membership alone is not control: Russia and Belarus are members of
#: several regimes but no cooperating source of controls.
CONTROLLER_GROUPS: dict[str, str] = {"WA": "A1", "MTCR": "A2", "AG": "A3", "NSG": "A4"}


#: `fa_basis` of an item without trade data (no HS mapping: software, technology; or no world
#: exports on its codes). Its score is 0 for the optimizer, but it is *unknown*, not "none".
NO_TRADE_DATA = "no trade data"


def fa_known(basis: object) -> bool:
    """Whether an item's FA score rests on trade data or an analyst override (not a 0 for lack of data)."""
    return not str(basis or "").startswith(NO_TRADE_DATA)


def fa_display(score: object, basis: object) -> str:
    """The score as a reader sees it: `0.56`, or `unknown` when there is no trade data to score
    (software and technology), so a missing measurement never reads as 0.00 availability."""
    if not fa_known(basis):
        return "unknown"
    try:
        value = float(score)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "unknown"
    return "unknown" if value != value else f"{value:.2f}"


def regime_members(
    regimes: pd.DataFrame, config: EstimationConfig, country_groups: pd.DataFrame | None = None
) -> dict[str, frozenset[str]]:
    """Regime code -> ISO3 codes of the members that control its items (aliases such as ML -> WA
    resolved). With `country_groups`, WA/MTCR/AG/NSG controllers come from Country Groups A:1-A:4;
    otherwise (and for the CWC) from the membership in `regimes.csv`."""
    members = {str(r): frozenset(g["iso3"].astype(str)) for r, g in regimes.groupby("regime")}
    if country_groups is not None and len(country_groups):
        for regime, col in CONTROLLER_GROUPS.items():
            if col in country_groups.columns:
                members[regime] = frozenset(country_groups.loc[country_groups[col].astype(bool), "iso3"].astype(str))
    for alias, target in config.regime_aliases.items():
        if target in members and alias not in members:
            members[alias] = members[target]
    return members


def regime_label(key: str) -> str:
    """'WA' -> 'WA', 'MTCR;NSG' -> 'MTCR+NSG', 'US'/'' -> 'US unilateral'."""
    parts = [p for p in str(key or "").split(";") if p and p != "US"]
    return "+".join(parts) if parts else "US unilateral"


def members_of(key: str, members: Mapping[str, frozenset[str]]) -> tuple[frozenset[str], list[str]]:
    """Union of the members of every regime in `key` ('WA;NSG'); unknown codes listed apart."""
    out: set[str] = set()
    unknown = []
    for p in str(key or "").split(";"):
        p = p.strip()
        if not p or p == "US":
            continue
        if p in members:
            out |= members[p]
        else:
            unknown.append(p)
    return frozenset(out), unknown


def supplier_table(shares: pd.DataFrame, world: pd.DataFrame) -> pd.DataFrame:
    """Per (item, exporter): Σ_h s_h · world exports_h (columns eccn, exporter, value_usd)."""
    m = shares[["eccn", "hs6", "controlled_share"]].merge(world, on="hs6", how="inner")
    m["value_usd"] = m["value_usd"] * m["controlled_share"]
    return m.groupby(["eccn", "exporter"], as_index=False, sort=False)["value_usd"].sum()


def partner_supply(rows: pd.DataFrame, partner: str) -> pd.DataFrame:
    """What each exporter ships *to the partner* per HS6 (exporter, hs6, value_usd), from bilateral
    rows; empty when the data has no third-country -> partner flows (then world exports stand in)."""
    if rows is None or not len(rows):
        return pd.DataFrame(
            {"exporter": pd.Series(dtype=object), "hs6": pd.Series(dtype=object), "value_usd": pd.Series(dtype=float)}
        )
    m = rows[(rows["importer"] == partner) & ~rows["exporter"].isin([US, "WLD", partner])]
    return m.groupby(["exporter", "hs6"], as_index=False)["value_usd"].sum()


def compute_fa(
    items: pd.DataFrame,
    shares: pd.DataFrame,
    world: pd.DataFrame,
    per_hs6: pd.DataFrame,
    partner: str,
    members: Mapping[str, frozenset[str]],
    config: EstimationConfig,
    year: int | None = None,
    to_partner: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """FA components, score and evidence per item (`items`: columns eccn, regime). Index: eccn.

    Where the data has supplier -> partner flows (`to_partner`: the year's trade rows; real BACI has
    them), availability is measured on what third countries actually ship to the partner, plus US
    exports to it; otherwise on world exports by exporter, and `fa_basis` says which.
    """
    ids = pd.Index(items["eccn"].astype(str), name="eccn")
    regime_of = pd.Series(items["regime"].fillna("").astype(str).to_numpy(), index=ids)
    bilateral_supply = partner_supply(to_partner, partner) if to_partner is not None else partner_supply(None, partner)
    measured = "world exports"
    if len(bilateral_supply):
        us_to = per_hs6[["hs6", "us_exports_to_partner"]].rename(columns={"us_exports_to_partner": "value_usd"})
        supply = pd.concat([bilateral_supply, us_to.assign(exporter=US)], ignore_index=True)
        measured = f"supply to {partner}"
    else:
        supply = world
    sup = supplier_table(shares, supply)
    sup = sup[sup["value_usd"] > 0]

    # regime membership per (item, exporter), vectorised through the few distinct regime keys
    keys = sorted(set(regime_of))
    pairs = [(k, iso) for k in keys for iso in members_of(k, members)[0]]
    member_df = pd.DataFrame(pairs, columns=["regime_key", "exporter"]).assign(in_regime=True)
    sup["regime_key"] = sup["eccn"].map(regime_of).fillna("")
    sup = sup.merge(member_df, on=["regime_key", "exporter"], how="left")
    sup["in_regime"] = sup["in_regime"].fillna(False).astype(bool)
    total = sup.groupby("eccn")["value_usd"].sum()
    # astype: mapping an empty str column gives a str column under pandas 3 (no suppliers at all)
    sup["share"] = sup["value_usd"] / sup["eccn"].map(total).astype("float64")
    third = ~sup["exporter"].isin([US, partner])

    def per_item(mask: pd.Series) -> pd.Series:
        return sup.loc[mask].groupby("eccn")["value_usd"].sum().reindex(ids, fill_value=0.0)

    world_total = total.reindex(ids, fill_value=0.0)
    has = world_total > 0
    non_us = per_item(sup["exporter"] != US)
    non_regime = per_item(third & ~sup["in_regime"])
    # suppliers that count: outside the US, the partner and the members controlling the item's regime
    count = sup.loc[third & ~sup["in_regime"] & (sup["share"] >= config.min_supplier_share)].groupby("eccn").size()
    count = count.reindex(ids, fill_value=0).astype(int)

    w = (
        shares[["eccn", "hs6", "controlled_share"]]
        .merge(per_hs6[["hs6", "partner_imports_world", "partner_exports_world"]], on="hs6", how="left")
        .fillna(0.0)
    )
    p_imp = (w["partner_imports_world"] * w["controlled_share"]).groupby(w["eccn"]).sum().reindex(ids, fill_value=0.0)
    p_exp = (w["partner_exports_world"] * w["controlled_share"]).groupby(w["eccn"]).sum().reindex(ids, fill_value=0.0)
    capacity = pd.Series(
        np.where(p_imp > 0, np.minimum(1.0, p_exp / p_imp.where(p_imp > 0, 1.0)), np.where(p_exp > 0, 1.0, 0.0)),
        index=ids,
    )

    denom = world_total.where(has)
    out = pd.DataFrame(index=ids)
    out["fa_non_regime_share"] = (non_regime / denom).where(has)
    out["fa_all_foreign_share"] = (non_us / denom).where(has)
    out["fa_partner_exports_usd"] = p_exp
    out["fa_partner_imports_usd"] = p_imp
    out["fa_partner_capacity"] = capacity.where(has, 0.0)
    out["fa_supplier_count"] = count
    out["fa_world_exports_usd"] = world_total
    fw = config.fa_weights
    score = (
        fw["non_regime"] * np.minimum(1.0, out["fa_non_regime_share"].fillna(0.0) / config.fa_non_regime_saturation)
        + fw["capacity"] * out["fa_partner_capacity"]
        + fw["suppliers"] * np.minimum(1.0, count / config.fa_supplier_target)
    )
    out["fa_score_computed"] = score.where(has, 0.0).clip(0.0, 1.0)
    out["fa_score"] = out["fa_score_computed"]
    mapped = ids.isin(shares["eccn"])
    out["fa_basis"] = np.where(
        has,
        "trade data" if measured == "world exports" else f"trade data ({measured})",
        np.where(mapped, "no trade data (no world exports on the mapped codes)", "no trade data (no HS mapping)"),
    )
    out["fa_top_suppliers"] = _top_suppliers(sup, ids, partner, config.top_suppliers)
    out["fa_override"] = False
    out["fa_evidence"] = _evidence(out, regime_of, partner, config, year, measured)
    return out[[c for c in FA_COLUMNS]]


def _top_suppliers(sup: pd.DataFrame, ids: pd.Index, partner: str, n: int) -> pd.Series:
    """'DEU 24% [regime]; CHN 15% [partner]; ...' — the n largest suppliers incl. the US."""
    top = sup.sort_values(["eccn", "value_usd", "exporter"], ascending=[True, False, True])
    top = top.groupby("eccn", sort=False).head(n)
    tag = np.where(
        top["exporter"] == partner,
        " [partner]",
        np.where(top["exporter"] == US, " [US]", np.where(top["in_regime"], " [regime]", "")),
    )
    pct = np.round(100 * top["share"].to_numpy(dtype=float)).astype(int)
    joined: dict[str, list[str]] = {}
    for e, x, p, t in zip(top["eccn"].to_numpy(), top["exporter"].to_numpy(), pct, tag):
        joined.setdefault(e, []).append(f"{x} {p}%{t}")
    return pd.Series(["; ".join(joined.get(e, ())) for e in ids], index=ids, dtype=object)


def _evidence(
    fa: pd.DataFrame,
    regime_of: pd.Series,
    partner: str,
    config: EstimationConfig,
    year: int | None,
    measured: str = "world exports",
) -> list[str]:
    yr = f"{year} " if year else ""
    regimes = regime_of.reindex(fa.index).fillna("").to_numpy()
    cols = [
        "fa_basis",
        "fa_world_exports_usd",
        "fa_non_regime_share",
        "fa_all_foreign_share",
        "fa_supplier_count",
        "fa_partner_exports_usd",
        "fa_partner_imports_usd",
        "fa_partner_capacity",
        "fa_top_suppliers",
    ]
    out = []
    for key, (basis, world, nr, allf, count, pexp, pimp, cap, top) in zip(
        regimes, zip(*(fa[c].to_numpy() for c in cols))
    ):
        if not str(basis).startswith("trade data"):
            out.append(f"{basis}: FA scored 0 (no evidence of availability)")
            continue
        label = regime_label(key)
        outside = "outside the US" if label == "US unilateral" else f"outside the US and {label}"
        out.append(
            f"{yr}{measured} of the mapped codes (controlled share) {fmt_usd(world)}: "
            f"{fmt_share(nr)} from suppliers {outside} (excl. {partner}), {fmt_share(allf)} non-US; "
            f"{int(count)} suppliers {outside} >= {fmt_share(config.min_supplier_share)}; "
            f"{partner} exports {fmt_usd(pexp)} vs imports {fmt_usd(pimp)} (capacity {cap:.2f}). Top: {top}"
        )
    return out


def apply_fa_overrides(fa: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """Replace scores by the analyst's (`overrides` already filtered to the partner; index of fa = eccn)."""
    out = fa.copy()
    if overrides is None or not len(overrides):
        return out
    o = overrides.assign(eccn=overrides["eccn"].astype(str)).drop_duplicates("eccn", keep="last").set_index("eccn")
    for e in o.index.intersection(out.index):
        r = o.loc[e]
        evidence = "; ".join(
            f"{label}: {cell_text(r.get(col))}"
            for col, label in (
                ("comparable_models", "comparable models"),
                ("foreign_sources", "foreign sources"),
                ("production_sales", "production/sales"),
                ("quality", "quality"),
            )
            if cell_text(r.get(col))
        )
        who = ", ".join(v for v in (cell_text(r.get("author")), cell_text(r.get("date"))) if v)
        out.at[e, "fa_score"] = float(r["fa_score"])
        out.at[e, "fa_override"] = True
        out.at[e, "fa_basis"] = "analyst override"
        out.at[e, "fa_evidence"] = (
            f"analyst override [{who}]: {evidence or 'no evidence recorded'} | computed "
            f"{out.at[e, 'fa_score_computed']:.2f}: {out.at[e, 'fa_evidence']}"
        )
    return out
