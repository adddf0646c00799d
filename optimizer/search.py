"""Search the control list by HS code and by words: what an item's codes are called, not only its heading.

An analyst who knows the product ("lathe") or the tariff line ("845891", "8458.91") rather than the
ECCN must still find the item: 2B991's heading speaks of "numerically controlled machine tools"
and never says lathe, but its mapped HS code 845891 is "Lathes; ... numerically controlled" and
the concordance's rationale names lathes. `search_text` gathers, per ECCN, the words a search
should match (its HS6 codes, their HS4 and chapter codes, the HS names, and for analysts the
concordance's rationale); `search_items` applies the same matching rule the Control list's grid
applies (every word of the query in the row's text), so the CLI and the tests can check what the
page finds.
"""

from __future__ import annotations

import re

import pandas as pd

#: Separators an analyst types inside an HS code ("8458.91", "8458 91"): dropped before matching.
_HS_PUNCT = re.compile(r"(?<=\d)[.\s](?=\d)")


def normalise_query(query: str | None) -> list[str]:
    """The words of a query, lower case, with HS punctuation removed ("8458.91" -> "845891")."""
    text = _HS_PUNCT.sub("", str(query or "").strip().lower())
    return [w for w in text.split() if w]


def search_text(items: pd.DataFrame, hs6_names: pd.DataFrame, concordance: pd.DataFrame | None = None) -> pd.Series:
    """Per ECCN (index), the lower-case text a search matches besides the row's own columns.

    `items`: the item table (its `hs6` column holds ';'-joined codes); `hs6_names`: hs6, name;
    `concordance`: eccn, rationale (None leaves the analyst-made rationale out, e.g. for allies).
    An item without mapped codes gets an empty text (its heading and ECCN still match in the grid).
    """
    names = dict(zip(hs6_names["hs6"].astype(str), hs6_names["name"].astype(str)))
    rationale: dict[str, str] = {}
    if concordance is not None and len(concordance) and "rationale" in concordance.columns:
        rationale = (
            concordance.dropna(subset=["rationale"])
            .groupby("eccn")["rationale"]
            .agg(lambda s: " | ".join(dict.fromkeys(str(v) for v in s)))
            .to_dict()
        )
    out: dict[str, str] = {}
    for eccn, codes in zip(items["eccn"].astype(str), items["hs6"].fillna("").astype(str)):
        hs = [c.strip() for c in codes.split(";") if c.strip()]
        parts = []
        for c in hs:
            parts += [c, c[:4], f"{c[:4]}.{c[4:]}", names.get(c, "")]
        parts.append(rationale.get(eccn, ""))
        out[eccn] = " ".join(p for p in parts if p).lower()
    return pd.Series(out, name="search_text", dtype=str)


def search_items(items: pd.DataFrame, text: pd.Series, query: str | None) -> pd.DataFrame:
    """The rows of `items` whose ECCN, heading, reasons or `text` hold every word of `query`
    (all rows for an empty query), in their original order."""
    words = normalise_query(query)
    if not words:
        return items
    own = (
        items["eccn"].astype(str)
        + " "
        + items["heading"].fillna("").astype(str)
        + " "
        + items.get("reasons", pd.Series("", index=items.index)).fillna("").astype(str)
    ).str.lower()
    extra = items["eccn"].astype(str).map(text).fillna("")
    haystack = own + " " + extra
    mask = pd.Series(True, index=items.index)
    for w in words:
        mask &= haystack.str.contains(w, regex=False)
    return items[mask]
