"""Each coalition member's unlocked exports per item, estimated from its own trade.

The item table's gap formula (`estimation/value.py`) with the member E as the exporter, per HS6 code
h of an item with controlled share s:

    value_E,h = max(0, M_h x x_E,h - B_E,h) x s

M_h the partner's imports from the world, x_E,h = E's share of world exports of h, B_E,h E's
current exports to the partner. For the US these are exactly the item table's inputs, so the US
values equal the item table's `value_usd` (analyst value overrides included; the US is never
proxied: like the item table, it reads missing US rows as no exports).

**B_E,h without bilateral rows.** Real BACI data has every bilateral flow; the shipped synthetic
layer has only US<->partner flows. When the data holds no row at all from E to the partner in the
year, B_E,h is a proxy: E's world exports of h x the partner's share of world imports of *all
goods* that year (S = the partner's imports from the world / world exports, both summed over every
HS6 code). The basis then starts with `proxy: no bilateral rows`.

Two things to know about the proxy. (1) The partner's share must be the all-goods share: with the
per-code share M_h / W_h the proxy would be exactly E's world share of the partner's imports and the
gap would be zero by construction. (2) The proxy cannot see what controls do to E's sales: it
measures only how much more of h the partner buys than its overall weight in world trade. Checked
on the shipped data against the US, whose bilateral rows are known: for CHN the proxy gives
US$ 8.5 bn of unlocked US exports where the bilateral rows give US$ 19.1 bn (item-level
correlation 0.62); for JPN and GBR it correlates at 0.97 and 0.95. Proxied values are therefore a
floor-like indication, never a measurement, and every output says which members are proxied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from optimizer.data.aggregates import partner_import_share
from optimizer.data.trade import bilateral, check_countries
from optimizer.errors import DecontrolError
from optimizer.estimation.config import EstimationConfig
from optimizer.estimation.foreign_availability import members_of, regime_label, regime_members
from optimizer.estimation.item_table import ItemContext, item_context, table_from_context, year_trade_for
from optimizer.estimation.trade_inputs import YearTrade
from optimizer.estimation.value import exporter_columns, item_values, value_rows

if TYPE_CHECKING:
    from optimizer.data.load import Dataset

US = "USA"
PROXY_BASIS = "proxy: no bilateral rows"
VALUE_COLUMNS: list[str] = ["eccn", "member", "value_usd", "potential_usd", "basis"]


def check_members(ds: Dataset, partner: str, members: Sequence[str]) -> tuple[str, ...]:
    """Upper-cased, de-duplicated member codes with the US first.

    DecontrolError for a code not in countries.csv, an aggregate (WLD, EUU), the partner itself, or
    a coalition without any ally. The US is always a member (it is the US's package).
    """
    codes = list(
        check_countries(
            ds, members, role="member", noun="a coalition member", many="coalition members", partner=partner
        )
    )
    if US not in codes:
        codes.insert(0, US)
    else:
        codes.remove(US)
        codes.insert(0, US)
    if len(codes) < 2:
        raise DecontrolError("a coalition needs at least one ally besides USA (e.g. --members USA,JPN,NLD)")
    return tuple(codes)


def member_values(
    ds: Dataset, partner: str, members: Sequence[str], year: int | None = None, config: EstimationConfig | None = None
) -> pd.DataFrame:
    """Long table `eccn, member, value_usd, basis`: every item of the item table for every member.

    `value_usd` is NaN where the value is unknown (software/technology, no HS mapping), as in the
    item table. `attrs`: partner, year, members, proxied (members on the proxy), partner_import_share
    (S, only when some member is proxied), synthetic, source.
    """
    ctx = _context(ds, partner, year, config)
    yt = year_trade_for(ds, ctx.year)
    codes = check_members(ds, ctx.partner, members)
    year_rows = ds.trade.loc[ds.trade["year"] == ctx.year]
    missing = [m for m in codes[1:] if not (year_rows["exporter"] == m).any()]
    if missing:
        raise DecontrolError(
            f"no export data for member(s) {', '.join(missing)} in {ctx.year}: "
            "their gains cannot be estimated from this trade table"
        )
    with_rows = set(year_rows.loc[year_rows["importer"] == ctx.partner, "exporter"].astype(str))
    proxied = [m for m in codes[1:] if m not in with_rows]  # the US always reads as the item table does
    share = partner_import_share(year_rows, ctx.partner, ctx.year) if proxied else None

    # The US values are the item table's (licence-bound). A member gains from relief of an item only
    # where it controls the item too (it implements the regime of the item's reasons: Country Groups
    # A:1-A:4); then the same licence-bound share of its own potential applies. Relief of a
    # US-unilateral item (9xx, NP2, the military end-use list) gives the other members nothing.
    us_table = table_from_context(ds, ctx).set_index("eccn")
    factor = (us_table["value_usd"] / us_table["potential_usd"].where(us_table["potential_usd"] > 0)).fillna(0.0)
    controllers = regime_members(ds.regimes, ctx.config, ds.country_groups)
    frames = []
    for member in codes:
        if member == US:
            frames.append(
                pd.DataFrame(
                    {
                        "eccn": us_table.index,
                        "member": member,
                        "value_usd": us_table["value_usd"].round(2).to_numpy(),
                        "potential_usd": us_table["potential_usd"].round(2).to_numpy(),
                        "basis": us_table["value_basis"].to_numpy(),
                    }
                )
            )
            continue
        per_hs6 = member_per_hs6(ctx, yt, member, share if member in proxied else None)
        label = _label(member, ctx, share if member in proxied else None)
        rows = value_rows(ctx.static.shares, per_hs6, "gap", exporter=member)
        v = item_values(ctx.static.items[["eccn", "group"]], rows, label, None).set_index("eccn")
        controls = pd.Series(
            [member in members_of(str(us_table.at[e, "regime"]), controllers)[0] for e in v.index], index=v.index
        )
        value = (v["value_usd"] * factor.reindex(v.index).fillna(0.0)).where(controls, 0.0)
        value = value.where(v["value_usd"].notna() | ~controls)
        basis = [
            f"{b}; x the US licence-bound share {factor.get(e, 0.0):.3f}"
            if c
            else f"{b}; but {member} does not control {e} ({regime_label(str(us_table.at[e, 'regime']))}): "
            "relief of a control it does not apply gives it nothing"
            for e, b, c in zip(v.index, v["value_basis"], controls)
        ]
        frames.append(
            pd.DataFrame(
                {
                    "eccn": v.index,
                    "member": member,
                    "value_usd": value.round(2).to_numpy(),
                    "potential_usd": v["value_usd"].round(2).to_numpy(),
                    "basis": basis,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)[VALUE_COLUMNS]
    out.attrs.update(
        partner=ctx.partner,
        year=ctx.year,
        members=list(codes),
        proxied=proxied,
        partner_import_share=share,
        synthetic=bool(ds.trade_synthetic),
        source=str(ds.trade_source),
    )
    return out


def member_per_hs6(ctx: ItemContext, yt: YearTrade, member: str, proxy_share: float | None = None) -> pd.DataFrame:
    """Per mapped HS6 code (those of `ctx.per_hs6`, figures from `yt`): the partner's imports from the world, the member's world share and its
    exports to the partner (bilateral rows, or with `proxy_share` S: world exports x S).
    Columns `hs6, partner_imports_world` and the member's `exporter_columns` (world share, exports)."""
    share_col, exports_col, _ = exporter_columns(member)
    codes = pd.Index(ctx.per_hs6["hs6"], name="hs6")
    total = yt.totals.set_index("hs6")["world_exports_usd"].reindex(codes).fillna(0.0)
    own = yt.world.loc[yt.world["exporter"] == member].set_index("hs6")["value_usd"].reindex(codes).fillna(0.0)
    out = pd.DataFrame({"hs6": codes, "partner_imports_world": ctx.per_hs6["partner_imports_world"].to_numpy()})
    out[f"{member.lower()}_world_exports_usd"] = own.to_numpy()
    out[share_col] = (own / total.where(total > 0)).fillna(0.0).to_numpy()
    if proxy_share is None:
        flows = bilateral(yt.rows, member, ctx.partner, yt.year).set_index("hs6")["value_usd"]
        out[exports_col] = flows.reindex(codes).fillna(0.0).to_numpy()
    else:
        out[exports_col] = own.to_numpy() * proxy_share
    return out.reset_index(drop=True)


def wide_values(values: pd.DataFrame, column: str = "value_usd") -> pd.DataFrame:
    """`member_values` as one row per item (index eccn) and one column per member (NaN kept);
    `column='potential_usd'` gives each member's own potential before the licence and control factors."""
    wide = values.pivot(index="eccn", columns="member", values=column)
    return wide[list(dict.fromkeys(values["member"]))]


# ---------------------------------------------------------------------- internals
def _context(ds: Dataset, partner: str, year: int | None, config: EstimationConfig | None) -> ItemContext:
    config = config or EstimationConfig()
    if config.value_method != "gap":
        raise DecontrolError(
            "coalition mode estimates every member with the gap method "
            f"(the estimation config asks for '{config.value_method}')"
        )
    return item_context(ds, partner, year, config)


def _label(member: str, ctx: ItemContext, share: float | None) -> str:
    if share is None:
        return (
            f"gap {ctx.year}: partner imports x {member} world share - {member} exports "
            f"to {ctx.partner} (bilateral rows)"
        )
    return (
        f"{PROXY_BASIS}: gap {ctx.year} with {member} exports to {ctx.partner} estimated as "
        f"{member} world exports x {ctx.partner} share of world imports ({share:.1%})"
    )
