"""Concession value: US exports per year that relief of an item would unlock for the partner.

Per HS6 code h of an item, with its controlled share s (after the per-code cap, see shares.py):

- **gap** (default):   value_h = max(0, M_h x u_h - B_h) x s
  M_h partner imports from the world, u_h US share of world exports, B_h current US exports to the
  partner: what the US would sell if it held its world market share in the partner's market.
- **baseline**:        value_h = max(0, B_h(Y) - B_h(now)) x s  ("US exports lost since year Y").

The same formula serves any exporter E (coalition mode estimates each member's unlocked exports
from its own trade): `value_rows(..., exporter=E)` reads E's columns `<e>_world_share` and
`<e>_exports_to_partner` (`exporter_columns`); for the US these are `us_world_share` and
`us_exports_to_partner`, the item table's inputs.

The item's value is the sum over its codes. Every figure is traceable: `value_rows` returns the
per-(item, HS6) rows the total is summed from, and `value_breakdown` shows them for one item.
D/E items (software, technology) have no goods trade: their value is *unknown* (NaN), not zero,
unless an analyst supplies one (`datasets/policy/value_overrides.csv`). Goods items with no HS
mapping are unknown too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from optimizer.formatting import cell_text, fmt_usd

BREAKDOWN_COLUMNS = [
    "hs6",
    "name",
    "confidence",
    "rationale",
    "partner_imports_world",
    "us_world_share",
    "us_exports_to_partner",
    "controlled_share_raw",
    "share_scale",
    "controlled_share",
    "value_usd",
]
BASELINE_COLUMNS = ["us_exports_to_partner_baseline"]


def exporter_columns(exporter: str = "USA") -> tuple[str, str, str]:
    """Names of the exporter's per-HS6 input columns: world share, exports to the partner, and
    exports to the partner in the baseline year ('us_...' for the USA, 'jpn_...' for JPN)."""
    prefix = "us" if exporter == "USA" else exporter.lower()
    return (f"{prefix}_world_share", f"{prefix}_exports_to_partner", f"{prefix}_exports_to_partner_baseline")


def value_rows(shares: pd.DataFrame, per_hs6: pd.DataFrame, method: str = "gap", exporter: str = "USA") -> pd.DataFrame:
    """Per (item, HS6): the inputs, the unshared value (`value_full_usd`) and `value_usd`.

    `exporter` picks whose world share and exports to the partner the formula uses (default the US).
    """
    share_col, exports_col, baseline_col = exporter_columns(exporter)
    rows = shares.merge(per_hs6, on="hs6", how="left")
    for col in per_hs6.columns.drop("hs6"):
        rows[col] = rows[col].fillna(0.0)
    if method == "gap":
        full = rows["partner_imports_world"] * rows[share_col] - rows[exports_col]
    elif method == "baseline":
        full = rows[baseline_col] - rows[exports_col]
    else:
        raise ValueError(f"unknown value method {method!r}")
    rows["value_full_usd"] = np.maximum(full.to_numpy(dtype=float), 0.0)
    rows["value_usd"] = rows["value_full_usd"] * rows["controlled_share"]
    return rows


def value_breakdown(rows: pd.DataFrame, eccn: str, hs6_names: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows behind one item's value (largest first), with the HS6 names; sums to its value_usd."""
    b = rows.loc[rows["eccn"] == eccn].copy()
    if hs6_names is not None and len(hs6_names):
        b = b.merge(hs6_names[["hs6", "name"]].drop_duplicates("hs6"), on="hs6", how="left")
    if "name" not in b:
        b["name"] = ""
    b["name"] = b["name"].fillna("")
    cols = BREAKDOWN_COLUMNS[:-1] + [c for c in BASELINE_COLUMNS if c in b] + ["value_usd"]
    return b.sort_values(["value_usd", "hs6"], ascending=[False, True])[cols].reset_index(drop=True)


def item_values(
    items: pd.DataFrame,
    rows: pd.DataFrame,
    method_label: str,
    overrides: pd.DataFrame | None = None,
    unknown_reason: str | None = None,
    codes_with_data: set[str] | None = None,
) -> pd.DataFrame:
    """value_usd and value_basis per item (columns eccn, group): sum of its rows, or unknown, or override.

    `overrides` (eccn, value_usd, reason, author, date), already filtered to the partner,
    replaces the estimate and says so in `value_basis`. `unknown_reason` (the trade table lacks an
    input of the formula, e.g. the partner's imports) makes every estimate unknown, not $0; so does
    `codes_with_data` for an item none of whose HS codes has a single trade row (a partial download).
    """
    out = items[["eccn", "group"]].copy()
    summed = rows.groupby("eccn")["value_usd"].sum()
    mapped = out["eccn"].isin(summed.index)
    soft = out["group"].astype(str).isin(["D", "E"])
    out["value_usd"] = out["eccn"].map(summed).astype(float)
    out["value_basis"] = method_label
    out.loc[~mapped, "value_basis"] = "unknown: no HS mapping"
    out.loc[~mapped, "value_usd"] = np.nan
    out.loc[soft, "value_basis"] = "unknown: software/technology"
    out.loc[soft, "value_usd"] = np.nan
    if codes_with_data is not None:
        covered = rows.loc[rows["hs6"].isin(codes_with_data), "eccn"].unique()
        absent = mapped & ~soft & ~out["eccn"].isin(covered)
        out.loc[absent, "value_basis"] = "unknown: no trade rows on its HS codes in the data"
        out.loc[absent, "value_usd"] = np.nan
    if unknown_reason:
        out.loc[mapped & ~soft, "value_basis"] = unknown_reason
        out.loc[mapped & ~soft, "value_usd"] = np.nan
    out["value_override"] = False
    if overrides is not None and len(overrides):
        o = overrides.drop_duplicates("eccn", keep="last").set_index("eccn")
        hit = out["eccn"].isin(o.index)
        if hit.any():
            e = out.loc[hit, "eccn"]
            out.loc[hit, "value_usd"] = e.map(o["value_usd"]).astype(float).to_numpy()
            out.loc[hit, "value_basis"] = [
                f"analyst value: {cell_text(o.at[x, 'reason']) or 'no reason given'} "
                f"[{', '.join(v for v in (cell_text(o.at[x, 'author']), cell_text(o.at[x, 'date'])) if v)}]"
                for x in e
            ]
            out.loc[hit, "value_override"] = True
    return out.drop(columns="group")


def licence_bound_values(
    values: pd.DataFrame, licence: pd.DataFrame, partner: str, name: str, config: Any, trade_label: str
) -> pd.DataFrame:
    """Concession value = the trade a binding requirement blocks (columns added to `values`).

    `values` (eccn, value_usd, value_basis, value_override) holds the unbound estimate of each item
    (the gap or baseline formula over its codes): it becomes `potential_usd`. Then, per item:

    - no licence required (`nlr`): value 0, nothing to relieve;
    - a chart or rule requirement: licence-bound trade = potential x (1, or
      `partial_paragraph_share` where it binds on some paragraphs only), value = licence-bound x
      `config.blocked_share(partner)` (denied or returned without action, plus deterrence); 0 where a
      licence exception that meets every shipment (GBS) already reaches the partner;
    - military end use only: licence-bound = potential x `meu_end_use_share`, value = that x
      `meu_blocked_share`.
    Unknown potentials (software, technology, no mapping) stay unknown unless nothing binds.
    An analyst value override replaces the result, except on an `nlr` item (nothing to relieve).
    """
    from optimizer.licensing.requirement import FULL_EXCEPTIONS  # see item_table.licensing_for

    out = values.copy()
    lic = licence.reindex(out["eccn"])
    level = lic["licence_required"].to_numpy()
    potential = out["value_usd"].astype(float).to_numpy()
    blocked = config.blocked_share(partner)
    partial = float(config.partial_paragraph_share)
    in_reach = lic["exceptions_in_reach"].fillna("").to_numpy()
    part = (
        lic["meu_part_only"].fillna(False).astype(bool).to_numpy()
        if "meu_part_only" in lic
        else np.zeros(len(out), dtype=bool)
    )
    bound = np.full(len(out), np.nan)
    share = np.full(len(out), np.nan)
    value = np.full(len(out), np.nan)
    basis: list[str] = []
    instruments = lic["instruments"].fillna("").to_numpy() if "instruments" in lic else np.full(len(out), "")
    for k, (lv, pot, why, override, binding, reach) in enumerate(
        zip(level, potential, out["value_basis"], out["value_override"], lic["binding_reasons"].fillna(""), in_reach)
    ):
        relief = f"relieved by {str(instruments[k]).replace(';', ' / ')}" if instruments[k] else "no instrument"
        pot_known = pot == pot
        if lv == "none":
            bound[k], share[k], value[k] = 0.0, 0.0, 0.0
            basis.append(
                f"no licence required to {name} (NLR): no item relief possible"
                + (f"; unbound potential {fmt_usd(pot)} ({why})" if pot_known and not override else "")
                + (f"; analyst value ignored ({why})" if override else "")
                + f"; {trade_label}"
            )
            continue
        if override:
            bound[k], share[k], value[k] = pot, 1.0, pot
            basis.append(f"{why}; licence binds: {binding}; {relief}; {trade_label}")
            continue
        full_reach = [e for e in str(reach).split(";") if e in FULL_EXCEPTIONS]
        if lv == "end_use_only":
            scope = float(config.partial_paragraph_share) if part[k] else 1.0
            f, s, label = (
                float(config.meu_end_use_share) * scope,
                float(config.meu_blocked_share),
                (
                    "military end-use licence only (744.21): potential"
                    + (f" x {scope:.2f} (Supp. No. 2 covers only part of the entry)" if part[k] else "")
                    + f" x military end-use share {config.meu_end_use_share:.2f} (assumption) x blocked share "
                    f"{config.meu_blocked_share:.2f} (proxy: Entity List application value denied 2018-2023)"
                ),
            )
        else:
            f = 1.0 if lv == "all" else partial
            s = 0.0 if full_reach else blocked
            label = (
                f"{binding} binds on {name}"
                + ("" if lv == "all" else f" on some paragraphs (x {partial:.2f})")
                + (
                    f"; met by licence exception {'/'.join(full_reach)} already in reach: nothing blocked"
                    if full_reach
                    else f": licence-bound trade x blocked share {blocked:.3f}"
                )
            )
        bound[k] = pot * f if pot_known else np.nan
        share[k] = s
        value[k] = bound[k] * s if pot_known else np.nan
        basis.append(f"{why}; {label}; {relief}; {trade_label}")
    out["potential_usd"] = potential
    out["licence_bound_usd"] = bound
    out["blocked_share"] = share
    out["value_usd"] = value
    out["value_basis"] = basis
    return out
