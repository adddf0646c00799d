"""Allies' positions per item as `ally_<ISO3>` columns of the item table (support|neutral|oppose).

In a what-if session each ally states a position on the items under discussion; the optimizer
reads these columns as constraints (no `oppose` item unless allowed with a penalty). Items an ally
has not spoken about are `neutral`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from optimizer import vocabulary
from optimizer.errors import DecontrolError

POSITIONS: tuple[str, ...] = vocabulary.POSITIONS
_ISO3 = re.compile(r"^[A-Z]{3}$")


def attach_ally_positions(
    items: pd.DataFrame, positions: Mapping[str, Mapping[str, str]], default: str = "neutral"
) -> pd.DataFrame:
    """A copy of `items` with one `ally_<ISO3>` column per ally in `positions` ({iso3: {eccn: position}}).

    Bad ally codes, positions or ECCNs not in the table raise DecontrolError listing every problem.
    """
    out = items.copy()
    known = set(out["eccn"])
    problems: list[str] = []
    for ally, by_item in positions.items():
        code = str(ally).strip().upper()
        if not _ISO3.match(code):
            problems.append(f"ally {ally!r} is not an ISO3 code")
            continue
        col = pd.Series(default, index=out.index, dtype=object)
        for eccn, pos in by_item.items():
            p = str(pos).strip().lower()
            if p not in POSITIONS:
                problems.append(f"{code} position on {eccn}: {pos!r} is not one of {', '.join(POSITIONS)}")
            elif eccn not in known:
                problems.append(f"{code} position on {eccn}: no such item in the table")
            else:
                col[out["eccn"] == eccn] = p
        out[f"ally_{code}"] = col
    if problems:
        raise DecontrolError("ally positions have problems", problems)
    return out
