"""The HS tree of a trade flow: chapter (HS2) -> heading (HS4) -> subheading (HS6) -> CCL items.

The Trade page drills from a chapter to its headings and subheadings, and from a subheading to the
CCL items the concordance maps into it; the CLI could print the same. Pure functions of frames:
the flow by HS6 (`hs6`, `value_usd`), the HS names (`hs6.csv`, `hs2.csv`) and the concordance.
Heading names are the Atlas HS 2022 names shipped in `hs6.csv` (`hs4_name`); a table without
them (an older data directory) names a heading after what its subheadings' names start with.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from optimizer.errors import DecontrolError

#: Code length of the level shown under a prefix of each length ("" -> chapters, "84" -> headings ...).
CHILD_LENGTH = {0: 2, 2: 4, 4: 6}
LEVEL_NAMES = {2: "HS chapter", 4: "HS heading (HS4)", 6: "HS subheading (HS6)"}
_CODE = re.compile(r"^(\d{2}){0,3}$")


def check_prefix(prefix: str | None) -> str:
    """'' (all chapters), a chapter, a heading or a subheading; anything else is bad input."""
    p = (prefix or "").strip().replace(".", "")
    if not _CODE.match(p):
        raise DecontrolError(f"'{prefix}' is not an HS chapter (2 digits), heading (4) or subheading (6)")
    return p


def check_known(prefix: str, names: dict[str, str], *codes: pd.Series) -> str:
    """`prefix` (checked by `check_prefix`) if it is '' or a code of the nomenclature (`names`, see
    `code_names`) or the start of a code the data holds (`codes`: e.g. the trade table's and the
    concordance's hs6, which may hold codes outside the HS 2022 list); else bad input."""
    p = check_prefix(prefix)
    if not p or p in names:
        return p
    if any(len(c) and c.astype(str).str.startswith(p).any() for c in codes):
        return p
    raise DecontrolError(f"no HS code {p} in the nomenclature (hs6.csv, hs2.csv) or the trade data")


def heading_names(hs6: pd.DataFrame) -> dict[str, str]:
    """HS4 -> its name: the heading's own name (`hs4_name`, Atlas HS 2022) where the table has it;
    else one derived from its subheadings (the most common text before ';'), since an imported or
    older hs6 table may carry no heading names, and "Machinery" x 20 is better than a bare code."""
    out: dict[str, str] = {}
    for hs4, names in hs6.groupby(hs6["hs6"].astype(str).str[:4])["name"]:
        heads = Counter(str(n).split(";")[0].strip() for n in names if str(n).strip())
        out[str(hs4)] = heads.most_common(1)[0][0] if heads else ""
    if "hs4_name" in hs6.columns:
        own = hs6.loc[hs6["hs4_name"].astype(str).str.strip() != "", ["hs6", "hs4_name"]]
        out.update({str(c)[:4]: str(n) for c, n in zip(own["hs6"], own["hs4_name"])})
    return out


def code_names(hs6: pd.DataFrame, hs2: pd.DataFrame) -> dict[str, str]:
    """Every code of the tree (HS2, HS4, HS6) -> its name."""
    names = {str(k): str(v) for k, v in zip(hs2["hs2"], hs2["name"])}
    names.update(heading_names(hs6))
    names.update({str(k): str(v) for k, v in zip(hs6["hs6"], hs6["name"])})
    return names


@dataclass(frozen=True)
class Level:
    """The children of `prefix` in a flow: one row per code with its value and share of the parent."""

    prefix: str
    code_length: int  # 2, 4 or 6
    frame: pd.DataFrame  # code, name, value_usd, share, items (CCL items mapped into the code)
    total_usd: float

    @property
    def label(self) -> str:
        return LEVEL_NAMES[self.code_length]


def children(flow: pd.DataFrame, prefix: str, names: dict[str, str], concordance: pd.DataFrame | None = None) -> Level:
    """The codes one level below `prefix` in `flow` (hs6, value_usd), largest first.

    `items` counts the distinct CCL items the concordance maps into each code (0 without one).
    Raises `DecontrolError` for a subheading (a leaf: see `items_in`) or a malformed prefix.
    """
    p = check_prefix(prefix)
    if len(p) not in CHILD_LENGTH:
        raise DecontrolError(f"{p} is a subheading: it has no HS codes below it (its CCL items are listed instead)")
    n = CHILD_LENGTH[len(p)]
    codes = flow["hs6"].astype(str)
    rows = flow[codes.str.startswith(p)] if p else flow
    grouped = rows.groupby(rows["hs6"].astype(str).str[:n])["value_usd"].sum()
    frame = pd.DataFrame({"code": grouped.index.astype(str), "value_usd": grouped.to_numpy(dtype=float)})
    total = float(frame["value_usd"].sum())
    frame["name"] = frame["code"].map(names).fillna("(not in the HS 2022 list)")
    frame["share"] = frame["value_usd"] / total if total else 0.0
    counts: dict[str, int] = {}
    if concordance is not None and len(concordance):
        c = concordance.assign(code=concordance["hs6"].astype(str).str[:n])
        counts = c.groupby("code")["eccn"].nunique().to_dict()
    frame["items"] = frame["code"].map(counts).fillna(0).astype(int)
    frame = frame.sort_values(["value_usd", "code"], ascending=[False, True]).reset_index(drop=True)
    return Level(p, n, frame[["code", "name", "value_usd", "share", "items"]], total)


def items_in(concordance: pd.DataFrame, code: str) -> pd.DataFrame:
    """The CCL items the concordance maps into `code` (any level), one row per item and HS6:
    eccn, hs6, confidence, controlled_share, rationale (analyst-made), by ECCN."""
    p = check_prefix(code)
    cols = ["eccn", "hs6", "confidence", "controlled_share", "rationale"]
    c = concordance[concordance["hs6"].astype(str).str.startswith(p)] if len(concordance) else concordance
    have = [k for k in cols if k in c.columns]
    return c[have].sort_values(["eccn", "hs6"]).reset_index(drop=True)


def breadcrumb(prefix: str, names: dict[str, str]) -> list[tuple[str, str]]:
    """(code, label) from the top to `prefix`: [("", "All chapters"), ("84", "84 Nuclear reactors..."), ...]."""
    p = check_prefix(prefix)
    out = [("", "All chapters")]
    for n in (2, 4, 6):
        if len(p) >= n:
            code = p[:n]
            out.append((code, f"{code} {names.get(code, '')}".strip()))
    return out


def flow_by_hs6(trade: pd.DataFrame, partner: str, year: int, flow: str, us: str = "USA") -> pd.DataFrame:
    """US exports to (`flow` 'exports') or imports from ('imports') `partner` in `year` by HS6
    (hs6, value_usd) from the canonical trade table."""
    if flow not in ("exports", "imports"):
        raise DecontrolError(f"unknown flow '{flow}': exports or imports")
    src, dst = (us, partner) if flow == "exports" else (partner, us)
    rows = trade.loc[(trade["exporter"] == src) & (trade["importer"] == dst) & (trade["year"] == year)]
    out = rows.groupby(rows["hs6"].astype(str), observed=True)["value_usd"].sum()
    return pd.DataFrame({"hs6": out.index.astype(str), "value_usd": out.to_numpy(dtype=float)})
