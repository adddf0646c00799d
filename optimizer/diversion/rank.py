"""Apply the signals to every (hub, HS6) pair for one target and rank them.

Input is the mirror trade table (`schema.MIRROR_TRADE`: one row per flow and reporter). Each flow is
first put side by side (exporter's and importer's report); the signals of `signals.py` are then
computed per pair and combined with visible weights. The ranking is deterministic: ties are broken
by the growth z-statistic, then hub and code in alphabetical order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from optimizer.diversion import signals as sg
from optimizer.errors import DecontrolError

#: Coalition exporters: the US, the EU members, the UK, Japan, Korea, Taiwan and the other
#: Export Enforcement Five / CHPL partners (Canada, Australia, New Zealand, Switzerland, Norway).
COALITION: tuple[str, ...] = (
    "USA",
    "AUT",
    "BEL",
    "BGR",
    "HRV",
    "CYP",
    "CZE",
    "DNK",
    "EST",
    "FIN",
    "FRA",
    "DEU",
    "GRC",
    "HUN",
    "IRL",
    "ITA",
    "LVA",
    "LTU",
    "LUX",
    "MLT",
    "NLD",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "ESP",
    "SWE",
    "GBR",
    "JPN",
    "KOR",
    "TWN",
    "CAN",
    "AUS",
    "NZL",
    "CHE",
    "NOR",
)
#: Usual transit hubs (third countries through which controlled goods are reported to reach targets).
HUBS: tuple[str, ...] = ("ARE", "TUR", "KAZ", "KGZ", "ARM", "GEO", "UZB", "HKG", "SGP", "MYS", "THA", "VNM", "IND")
#: Targets and the control date used by default (the first broad control of the CHPL's goods).
CONTROL_DATES: dict[str, tuple[date, str]] = {
    "RUS": (date(2022, 2, 24), "US/EU/UK/Japan export controls on Russia after the invasion of Ukraine"),
    "BLR": (date(2022, 3, 2), "BIS extends the Russia controls to Belarus"),
    "CHN": (date(2022, 10, 7), "US advanced computing and semiconductor rule"),
}
SIGNALS: tuple[str, ...] = tuple(sg.DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class Periods:
    """The years compared: pre (the hub's own trend) and post (after the control)."""

    since: date
    first_post: int
    pre: tuple[int, ...]
    post: tuple[int, ...]


def periods(years: list[int], since: date) -> Periods:
    """Pre and post years present in the data, or a DecontrolError saying what is missing."""
    fp = sg.first_post_year(since)
    ys = sorted(set(int(y) for y in years))
    pre = tuple(y for y in ys if fp - sg.PRE_WINDOW <= y < fp)
    post = tuple(y for y in ys if y >= fp)
    if not ys:
        raise DecontrolError("the mirror trade table has no rows")
    if not post:
        raise DecontrolError(
            f"no trade data after {since.isoformat()}: the mirror table ends in {ys[-1]} "
            f"(first post-control year would be {fp})"
        )
    if len(pre) < sg.MIN_PRE_YEARS:
        raise DecontrolError(
            f"need at least {sg.MIN_PRE_YEARS} years of trade before {since.isoformat()} "
            f"for a pre-trend; the mirror table starts in {ys[0]}"
        )
    return Periods(since, fp, pre, post)


def side_by_side(mirror: pd.DataFrame) -> pd.DataFrame:
    """One row per flow with both reports: v_exp, v_imp (USD), kg_exp, kg_imp (NaN: not reported)."""
    bad = sorted({str(r) for r in mirror["reporter"].unique()} - {"exporter", "importer"})
    if bad:
        raise DecontrolError(f"mirror trade: reporter must be 'exporter' or 'importer', found {', '.join(bad[:5])}")
    key = ["year", "exporter", "importer", "hs6"]
    cols = ["value_usd", "quantity_kg"] if "quantity_kg" in mirror.columns else ["value_usd"]
    wide = mirror.pivot_table(index=key, columns="reporter", values=cols, aggfunc="sum", dropna=False)
    out = pd.DataFrame(index=wide.index)
    for col, short in (("value_usd", "v"), ("quantity_kg", "kg")):
        for rep, tag in (("exporter", "exp"), ("importer", "imp")):
            out[f"{short}_{tag}"] = wide[(col, rep)] if (col, rep) in wide.columns else np.nan
    # pivot_table sums missing cells to 0: restore "not reported" where no row of that reporter exists
    present = mirror.assign(one=1).pivot_table(index=key, columns="reporter", values="one", aggfunc="sum")
    for rep, tag in (("exporter", "exp"), ("importer", "imp")):
        has = present[rep].reindex(out.index).notna() if rep in present.columns else pd.Series(False, index=out.index)
        out.loc[~has, [f"v_{tag}", f"kg_{tag}"]] = np.nan
    for tag in ("exp", "imp"):
        out.loc[out[f"kg_{tag}"] <= 0, f"kg_{tag}"] = np.nan
    return out.reset_index()


def _leg_sums(flows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group and year: best value (importer's report, else exporter's), both-reported sums for the
    mirror gap, and value/kg sums of reports that carry a weight (importer's preferred)."""
    f = flows.copy()
    f["best_imp"] = f["v_imp"].fillna(f["v_exp"])  # importer's report preferred
    f["best_exp"] = f["v_exp"].fillna(f["v_imp"])  # exporter's report preferred
    both = f["v_exp"].notna() & f["v_imp"].notna()
    f["both_exp"] = f["v_exp"].where(both, 0.0)
    f["both_imp"] = f["v_imp"].where(both, 0.0)
    use_imp = f["kg_imp"].notna() & f["v_imp"].notna()
    use_exp = ~use_imp & f["kg_exp"].notna() & f["v_exp"].notna()
    f["uv_v"] = np.where(use_imp, f["v_imp"], np.where(use_exp, f["v_exp"], 0.0))
    f["uv_kg"] = np.where(use_imp, f["kg_imp"], np.where(use_exp, f["kg_exp"], 0.0))
    cols = ["best_imp", "best_exp", "both_exp", "both_imp", "uv_v", "uv_kg"]
    return f.groupby(by + ["year"], observed=True)[cols].sum().reset_index()


def _by_period(sums: pd.DataFrame, per: Periods) -> pd.DataFrame:
    """Per (hub, hs6): every leg sum over the pre and over the post years (`pre_<col>`, `post_<col>`)."""
    cols = [c for c in sums.columns if c not in ("hub", "hs6", "year")]
    label = np.where(sums["year"].isin(per.pre), "pre", np.where(sums["year"].isin(per.post), "post", ""))
    s = sums.assign(period=label)
    s = s[s["period"] != ""]
    wide = s.groupby(["hub", "hs6", "period"])[cols].sum().unstack("period", fill_value=0.0)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([cols, ["pre", "post"]]), fill_value=0.0)
    wide.columns = [f"{p}_{c}" for c, p in wide.columns]
    return wide


def rank_pairs(
    mirror: pd.DataFrame,
    target: str,
    since: date | None = None,
    *,
    hubs: tuple[str, ...] = HUBS,
    coalition: tuple[str, ...] = COALITION,
    codes: set[str] | None = None,
    weights: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, Periods]:
    """Every (hub, hs6) pair with coalition exports to the hub, scored for `target`, best first.

    Peers of a hub in the growth signal are the other hubs given. Returns the ranked frame and the
    periods compared."""
    weights = dict(sg.DEFAULT_WEIGHTS if weights is None else weights)
    if target not in CONTROL_DATES and since is None:
        raise DecontrolError(f"no default control date for target {target!r}: give --since DATE")
    since = since or CONTROL_DATES[target][0]
    hubs = tuple(h for h in hubs if h != target)
    per = periods(list(mirror["year"].unique()), since)  # the table's years, whichever codes are asked
    m = mirror
    if codes is not None:
        m = m[m["hs6"].isin(codes)]
    leg_a = m[m["exporter"].isin(coalition) & m["importer"].isin(hubs)]
    leg_b = m[m["exporter"].isin(hubs) & (m["importer"] == target)]
    empty = pd.DataFrame(columns=["rank", "hub", "hs6", "target", "combined"])
    if leg_a.empty:
        return empty, per
    a = _leg_sums(side_by_side(leg_a).rename(columns={"importer": "hub"}), ["hub", "hs6"])
    b = (
        _leg_sums(side_by_side(leg_b).rename(columns={"exporter": "hub"}), ["hub", "hs6"])
        if not leg_b.empty
        else a.iloc[0:0]
    )
    years = np.array(per.pre + per.post)
    residuals: dict[str, dict[str, sg.Residual]] = {}
    wide_a = a.pivot_table(index=["hub", "hs6"], columns="year", values="best_exp", aggfunc="sum")
    wide_a = wide_a.reindex(columns=years).fillna(0.0)
    for (hub, code), values in zip(wide_a.index, wide_a.to_numpy()):
        r = sg.trend_residual(years, values, per.first_post)
        if r is not None:
            residuals.setdefault(code, {})[hub] = r
    sums_a, sums_b = _by_period(a, per), _by_period(b, per)
    zero = {k: 0.0 for k in sums_a.columns}
    n_pre, n_post = len(per.pre), len(per.post)
    rows = []
    by_pair_a, by_pair_b = sums_a.to_dict("index"), sums_b.to_dict("index")  # one pass, not a .loc per pair
    for hub, code in sorted(by_pair_a):
        sa = by_pair_a[(hub, code)]
        sb = by_pair_b.get((hub, code), zero)
        code_res = residuals.get(code, {})
        own = code_res.get(hub)
        growth = sg.did_growth(own, [r for h, r in sorted(code_res.items()) if h != hub]) if own else None
        rex = sg.reexport_signal(sb["pre_best_imp"], sa["pre_best_imp"], sb["post_best_imp"], sa["post_best_imp"])
        mir = sg.mirror_signal(
            sg.gap(sa["pre_both_exp"], sa["pre_both_imp"]),
            sg.gap(sa["post_both_exp"], sa["post_both_imp"]),
            sg.gap(sb["pre_both_imp"], sb["pre_both_exp"]),
            sg.gap(sb["post_both_imp"], sb["post_both_exp"]),
        )
        uv = sg.unit_value_signal(
            (sb["pre_uv_v"], sb["pre_uv_kg"]),
            (sa["pre_uv_v"], sa["pre_uv_kg"]),
            (sb["post_uv_v"], sb["post_uv_kg"]),
            (sa["post_uv_v"], sa["post_uv_kg"]),
        )
        scores = {
            "growth": growth.score if growth else float("nan"),
            "reexport": rex.score,
            "mirror": mir.score,
            "unit_value": uv.score,
        }
        rows.append(
            {
                "hub": hub,
                "hs6": code,
                "target": target,
                "combined": sg.combine(scores, weights),
                "growth_score": scores["growth"],
                "reexport_score": rex.score,
                "mirror_score": mir.score,
                "unit_value_score": uv.score,
                "did_log": growth.did if growth else math.nan,
                "did_se": growth.se if growth else math.nan,
                "did_z": growth.z if growth else math.nan,
                "did_low90": growth.low90 if growth else math.nan,
                "did_high90": growth.high90 if growth else math.nan,
                "excess_growth_pct": 100 * growth.excess_pct if growth else math.nan,
                "n_peers": growth.n_peers if growth else 0,
                "coalition_to_hub_pre_usd": sa["pre_best_exp"] / n_pre,
                "coalition_to_hub_post_usd": sa["post_best_exp"] / n_post,
                "hub_to_target_pre_usd": sb["pre_best_imp"] / n_pre,
                "hub_to_target_post_usd": sb["post_best_imp"] / n_post,
                "reexport_ratio_pre": rex.ratio_pre,
                "reexport_ratio_post": rex.ratio_post,
                "gap1_pre": mir.leg1_pre,
                "gap1_post": mir.leg1_post,
                "gap2_pre": mir.leg2_pre,
                "gap2_post": mir.leg2_post,
                "uv_log_rel_pre": uv.log_rel_pre,
                "uv_log_rel_post": uv.log_rel_post,
                "uv_change": uv.change,
            }
        )
    out = pd.DataFrame(rows)
    out["_z"] = out["did_z"].fillna(-np.inf)
    out = (
        out.sort_values(["combined", "_z", "hub", "hs6"], ascending=[False, False, True, True], kind="mergesort")
        .drop(columns="_z")
        .reset_index(drop=True)
    )
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out, per


def pair_series(
    mirror: pd.DataFrame, hub: str, hs6: str, target: str, coalition: tuple[str, ...] = COALITION
) -> pd.DataFrame:
    """Per year, the legs behind one pair's signals (before/after charts): coalition exports to the
    hub as the coalition and as the hub reported them, and the hub's exports to the target as the
    target and as the hub reported them (USD; NaN where nobody reported)."""
    m = mirror[mirror["hs6"] == hs6]
    a = m[m["exporter"].isin(coalition) & (m["importer"] == hub)]
    b = m[(m["exporter"] == hub) & (m["importer"] == target)]
    years = sorted(set(int(y) for y in mirror["year"].unique()))

    def leg(df: pd.DataFrame, reporter: str) -> pd.Series:
        return df[df["reporter"] == reporter].groupby("year")["value_usd"].sum().reindex(years)

    return pd.DataFrame(
        {
            "year": years,
            "coalition_reported_exports_to_hub": leg(a, "exporter").to_numpy(),
            "hub_reported_imports_from_coalition": leg(a, "importer").to_numpy(),
            "target_reported_imports_from_hub": leg(b, "importer").to_numpy(),
            "hub_reported_exports_to_target": leg(b, "exporter").to_numpy(),
        }
    )
