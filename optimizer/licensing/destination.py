"""What the EAR's destination tables say about one partner: its Country Chart row, Country Groups,
embargo status and military end-use coverage.

A concession is only what a licence requirement *on that partner* blocks, and the partner's row of
the Commerce Country Chart (Supp. No. 1 to 15 CFR 738), its Country Groups (Supp. No. 1 to 15 CFR
740) and the military end-use rule (15 CFR 744.21) decide which requirements bind. This module turns
the shipped tables (`datasets/licensing/`) into one `Destination` per partner; `requirement.py`
applies it to every item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimizer.data.schema import CHART_COLUMNS, COUNTRY_GROUP_COLUMNS

#: Destinations without a chart row that take another's row: Hong Kong has been treated as China since
#: Dec. 2020 (85 FR 83788, per the chart source's notes); Liechtenstein follows Switzerland (chart
#: footnote 5); dependent territories take the row of the country they depend on (738.3(b), per the
#: chart source). US territories are not export destinations and are not listed.
CHART_PARENT: dict[str, str] = {
    "HKG": "CHN",
    "LIE": "CHE",
    **dict.fromkeys(("AIA", "BMU", "CYM", "FLK", "GIB", "IOT", "MSR", "PCN", "SGS", "SHN", "TCA", "VGB"), "GBR"),
    **dict.fromkeys(("ATF", "BLM", "MYT", "NCL", "PYF", "SPM", "WLF"), "FRA"),
    **dict.fromkeys(("FRO", "GRL"), "DNK"),
    **dict.fromkeys(("ANT", "BES"), "NLD"),
    **dict.fromkeys(("CCK", "CXR", "HMD", "NFK"), "AUS"),
    **dict.fromkeys(("COK", "NIU", "TKL"), "NZL"),
    "BVT": "NOR",
}


def rules_partner(partner: str) -> str:
    """The partner whose row and partner-specific rules apply (HKG -> CHN, GRL -> DNK, else itself)."""
    return CHART_PARENT.get(partner, partner)


@dataclass(frozen=True)
class Destination:
    """The licensing facts of one partner (ISO3)."""

    iso3: str
    name: str
    chart_row: str  # ISO3 of the chart row used ('' when there is none)
    chart_x: frozenset[str]  # reason columns with an X
    embargo: bool  # Part 746 pointer row (Cuba, Iran, North Korea, Syria)
    embargo_text: str
    all_ccl_746_8: bool  # Russia/Belarus: a licence for every CCL item (746.8)
    groups: frozenset[str]  # Country Groups ('A1', 'B', 'D5' ...)
    meu_scope: str  # '' (not covered), 'supp2' or 'all' (744.21(a)(1) / (a)(2))
    meu_paragraph: str
    meu_policy: str
    footnotes: tuple[tuple[int, str], ...]
    as_of: str
    known: bool  # False: no chart row at all (requirements then unknown)

    def in_group(self, group: str) -> bool:
        return group.replace(":", "") in self.groups

    @property
    def group_label(self) -> str:
        """'A:1, A:2, ..., B' for display."""
        return ", ".join(f"{g[0]}:{g[1:]}" if len(g) > 1 else g for g in COUNTRY_GROUP_COLUMNS if g in self.groups)


def _flag(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "x", "yes")
    return bool(v) and v == v


def destination(ds: Any, partner: str) -> Destination:
    """The `Destination` of `partner` from the dataset's licensing tables.

    A partner with no chart row (and no parent row) is `known=False`: the requirement model then
    treats every chart reason as binding and says so (the cautious reading).
    """
    chart = ds.country_chart
    groups = ds.country_groups
    rows = chart.set_index("iso3") if len(chart) else None
    row_iso = partner if rows is not None and partner in rows.index else CHART_PARENT.get(partner, "")
    if rows is None or row_iso not in rows.index:
        row = None
        row_iso = ""
    else:
        row = rows.loc[row_iso]
    name = partner
    if len(ds.countries):
        hit = ds.countries.loc[ds.countries["iso3"] == partner, "name"]
        if len(hit):
            name = str(hit.iloc[0])
    chart_x = frozenset(c for c in CHART_COLUMNS if row is not None and _flag(row.get(c)))
    embargo = row is not None and str(row.get("row_type", "")) == "embargo_pointer"
    feet: list[tuple[int, str]] = []
    notes = ds.chart_footnotes
    if len(notes):
        for n, text, isos in zip(notes["footnote"], notes["text"], notes["iso3"]):
            if partner in str(isos).split(";") or (row_iso and row_iso in str(isos).split(";")):
                feet.append((int(n), str(text)))
    all_ccl = any("746.8" in t and "any ECCN on the CCL" in t for _, t in feet)
    g = groups.set_index("iso3") if len(groups) else None
    gsrc = partner if g is not None and partner in g.index else row_iso
    member = frozenset(
        c for c in COUNTRY_GROUP_COLUMNS if g is not None and gsrc in g.index and _flag(g.loc[gsrc].get(c))
    )
    meu = ds.meu_destinations
    scope = paragraph = policy = ""
    if len(meu):
        hit = meu.loc[meu["iso3"] == (partner if partner in set(meu["iso3"]) else row_iso)]
        if len(hit):
            scope, paragraph, policy = (str(hit.iloc[0][c]) for c in ("item_scope", "paragraph", "review_policy"))
    as_of = str(row.get("as_of", "")) if row is not None else ""
    return Destination(
        partner,
        name,
        row_iso,
        chart_x,
        embargo,
        str(row.get("pointer_text", "")) if row is not None else "",
        all_ccl,
        member,
        scope,
        paragraph,
        policy,
        tuple(feet),
        as_of,
        row is not None,
    )


def un_embargo_destinations(ds: Any) -> frozenset[str]:
    """Destinations of the UN Security Council sanctions of 746.1(b): the rows carrying chart
    footnote 1, which points there."""
    notes = ds.chart_footnotes
    if not len(notes):
        return frozenset()
    hit = notes.loc[notes["text"].astype(str).str.contains("746.1(b)", regex=False), "iso3"]
    return frozenset(c for cell in hit for c in str(cell).split(";") if c)


def group_members(ds: Any, group: str) -> frozenset[str]:
    """ISO3 members of one Country Group ('A:1' or 'A1')."""
    g = ds.country_groups
    col = group.replace(":", "")
    if not len(g) or col not in g.columns:
        return frozenset()
    return frozenset(g.loc[g[col].map(_flag), "iso3"].astype(str))


__all__ = ["CHART_PARENT", "Destination", "destination", "group_members", "un_embargo_destinations"]
