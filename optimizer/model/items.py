"""The item table as the optimizer reads it: checked, typed and completed.

An analyst may edit the exported item table in Excel and feed it back (`optimize --items FILE.csv`),
so everything is checked here and every problem is reported at once with its CSV line. Only
`eccn, tier, value_usd, risk, fa_score` are required; `group`, `category` and `family` are derived
from the item id when absent, ally columns `ally_<ISO3>` are optional (blank = neutral).

`value_usd` may be blank: the value of software and technology is unknown (no goods trade). Such an
item cannot count towards the target; the optimizer leaves it out with the reason `value_unknown`
unless the analyst forces it.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer import vocabulary
from optimizer.errors import DecontrolError
from optimizer.estimation.config import ITEM_TIERS
from optimizer.licensing import LICENSING_COLUMNS
from optimizer.model.scenario import normalise_item_id

REQUIRED_COLUMNS: tuple[str, ...] = ("eccn", "tier", "value_usd", "risk", "fa_score")
TIERS: tuple[str, ...] = ITEM_TIERS  # optimizer.vocabulary.TIERS
POSITIONS: tuple[str, ...] = vocabulary.POSITIONS
ITEM_ID = re.compile(r"^[0-9][A-E][0-9]{3}(-[A-Za-z0-9_.]+)?$")
ALLY_COLUMN = re.compile(r"^ally_([A-Z]{3})$")
#: Columns the optimizer carries through to package lines when the table has them.
PASS_THROUGH: tuple[str, ...] = (
    "heading",
    "reasons",
    "tier_reason",
    "partner",
    "year",
    "source",
    *LICENSING_COLUMNS,
    "value_basis",
    "diversion_signal",
)
#: Optional numeric columns, blank = unknown (NaN): the diversion exposure (optimizer/diversion/exposure.py).
OPTIONAL_SCORES: tuple[str, ...] = ("diversion_score",)


def base_eccn(item_id: str) -> str:
    """'2B001-rest' -> '2B001'."""
    return item_id.split("-", 1)[0]


def family_of(item_id: str) -> str:
    """'2B001' -> '2x001': the A-E entries sharing a number (the coherence groups)."""
    e = base_eccn(item_id)
    return f"{e[0]}x{e[2:]}"


def ally_columns(items: pd.DataFrame) -> dict[str, str]:
    """{ISO3: column} for every `ally_<ISO3>` column of the table."""
    return {m.group(1): c for c in items.columns if (m := ALLY_COLUMN.match(str(c)))}


def read_items_csv(path: Path) -> pd.DataFrame:
    """An item table CSV as text cells (validate with `validate_items`).

    Tolerates a UTF-8 byte-order mark and Excel's European dialect (';' between cells, ',' as the
    decimal mark), which `validate_items` converts when the `decimal_comma` attr is set.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            head = fh.readline()
    except FileNotFoundError:
        raise DecontrolError(f"no such item file: {path}") from None
    except IsADirectoryError:
        raise DecontrolError(f"{path} is a directory, not an item table CSV") from None
    except UnicodeDecodeError as exc:
        raise DecontrolError(f"{path}: not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'") from None
    except OSError as exc:
        raise DecontrolError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not head.strip():
        raise DecontrolError(f"{path}: the file is empty (expected a header row with {', '.join(REQUIRED_COLUMNS)})")
    sep = ";" if head.count(";") > head.count(",") else ","
    try:
        df = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            encoding="utf-8-sig",
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        raise DecontrolError(f"{path}: not a well-formed CSV file ({str(exc).strip()})") from None
    except UnicodeDecodeError as exc:
        raise DecontrolError(f"{path}: not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'") from None
    df.columns = [str(c).strip() for c in df.columns]
    df.attrs.update(source_file=str(path), decimal_comma=(sep == ";"), first_line=2)
    return df


def validate_items(
    df: pd.DataFrame, known_eccns: set[str] | None = None, partner: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Check and type an item table; return (clean table, warnings).

    The clean table has one row per item id in input order, columns `eccn, tier, value_usd, risk,
    fa_score, group, category, family, synthetic`, any `ally_<ISO3>` (support|neutral|oppose) and the
    PASS_THROUGH columns present. With `partner`, rows of other partners are dropped (a table may hold
    several). An id whose ECCN is not in `known_eccns` is a warning, not an error.
    """
    if not isinstance(df, pd.DataFrame):
        raise DecontrolError(f"the item table must be a table, got {type(df).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DecontrolError(
            f"the item table lacks column(s) {', '.join(missing)} "
            f"(required: {', '.join(REQUIRED_COLUMNS)}; have: {', '.join(map(str, df.columns[:12]))})"
        )
    first = int(df.attrs.get("first_line", 1))
    where = "line" if "first_line" in df.attrs else "row"
    comma = bool(df.attrs.get("decimal_comma"))
    df = df.reset_index(drop=True)
    if partner is not None and "partner" in df.columns:
        keep = df["partner"].astype(str).str.strip().str.upper() == partner.upper()
        if not keep.any():
            found = sorted(set(df["partner"].astype(str)))[:8]
            raise DecontrolError(f"the item table has no rows for partner {partner} (it has {', '.join(found)})")
        df = df[keep]
    problems: list[str] = []

    def bad(i: int, item: str, msg: str) -> None:
        problems.append(f"{where} {i + first} ({item or 'no id'}): {msg}")

    ids = [normalise_item_id(str(v)) if _present(v) else "" for v in df["eccn"].tolist()]
    rows = list(df.index)
    for i, item in zip(rows, ids):
        if not item:
            bad(i, item, "eccn is empty")
        elif not ITEM_ID.match(item):
            bad(i, item, "eccn is not an ECCN (e.g. 2B991) or a sub-item (e.g. 2B001-rest)")
    seen: dict[str, int] = {}
    for i, item in zip(rows, ids):
        if item and item in seen:
            hint = (
                " (the table holds several partners: choose one)"
                if "partner" in df.columns and df["partner"].nunique() > 1
                else ""
            )
            bad(i, item, f"duplicate of {where} {seen[item] + first}{hint}")
        seen.setdefault(item, i)

    tiers = [str(v).strip().lower() if _present(v) else "" for v in df["tier"].tolist()]
    for i, item, t in zip(rows, ids, tiers):
        if t not in TIERS:
            bad(i, item, f"tier {t!r} is not one of {', '.join(TIERS)}")

    value = _numbers(df["value_usd"], comma)
    risk = _numbers(df["risk"], comma)
    fa = _numbers(df["fa_score"], comma)
    for i, item, raw, v in zip(rows, ids, df["value_usd"].tolist(), value):
        if v is None:
            bad(i, item, f"value_usd {raw!r} is not a number (leave it blank if unknown)")
        elif not math.isnan(v) and (v < 0 or math.isinf(v)):
            bad(i, item, f"value_usd {raw!r} must be a finite amount >= 0")
    for i, item, raw, v in zip(rows, ids, df["risk"].tolist(), risk):
        if v is None or math.isnan(v) or math.isinf(v) or v < 0:
            bad(i, item, f"risk {raw!r} must be a number >= 0")
    for i, item, raw, v in zip(rows, ids, df["fa_score"].tolist(), fa):
        if v is None or math.isnan(v) or not 0 <= v <= 1:
            bad(i, item, f"fa_score {raw!r} must be a number between 0 and 1")

    out = pd.DataFrame({"eccn": ids, "tier": tiers}, index=df.index)
    out["value_usd"] = [np.nan if v is None else v for v in value]
    out["risk"] = [np.nan if v is None else v for v in risk]
    out["fa_score"] = [np.nan if v is None else v for v in fa]
    ok_id = [bool(ITEM_ID.match(x)) for x in ids]
    out["group"] = _derived(df, "group", [x[1] if ok else "" for x, ok in zip(ids, ok_id)])
    out["category"] = _derived(df, "category", [x[0] if ok else "" for x, ok in zip(ids, ok_id)])
    out["family"] = _derived(df, "family", [family_of(x) if ok else "" for x, ok in zip(ids, ok_id)])
    for i, item, g, c in zip(rows, ids, out["group"], out["category"]):
        if g not in ("A", "B", "C", "D", "E"):
            bad(i, item, f"group {g!r} is not A-E")
        if not re.fullmatch(r"[0-9]", c):
            bad(i, item, f"category {c!r} is not 0-9")
    for col in OPTIONAL_SCORES:
        if col in df.columns:
            vals = _numbers(df[col], comma)
            for i, item, raw, v in zip(rows, ids, df[col].tolist(), vals):
                if v is None or (not math.isnan(v) and not 0 <= v <= 1):
                    bad(i, item, f"{col} {raw!r} must be a number between 0 and 1 (blank: no signal measured)")
            out[col] = [np.nan if v is None else v for v in vals]
    out["synthetic"] = _bools(df["synthetic"]) if "synthetic" in df.columns else False
    for _iso, col in ally_columns(df).items():
        pos = [str(v).strip().lower() if _present(v) else "neutral" for v in df[col].tolist()]
        for i, item, p in zip(rows, ids, pos):
            if p not in POSITIONS:
                bad(i, item, f"{col} {p!r} is not one of {', '.join(POSITIONS)}")
        out[col] = pos
    for col in PASS_THROUGH:
        if col in df.columns:
            out[col] = df[col].where(df[col].map(_present), "").astype(str) if col != "year" else df[col]
    if problems:
        raise DecontrolError(f"the item table has {len(problems)} problem(s)", problems)
    warnings: list[str] = []
    if known_eccns is not None:
        unknown = sorted({base_eccn(x) for x in ids} - set(known_eccns))
        if unknown:
            warnings.append(
                f"{len(unknown)} item(s) whose ECCN is not in the loaded CCL: "
                + ", ".join(unknown[:10])
                + (" ..." if len(unknown) > 10 else "")
            )
    if out.empty:
        warnings.append("the item table has no rows")
    return out.reset_index(drop=True), warnings


# ---------------------------------------------------------------------- cell parsing
def _present(v: object) -> bool:
    if v is None:
        return False
    if isinstance(v, float) and math.isnan(v):
        return False
    return str(v).strip() not in ("", "nan", "NaN", "None", "<NA>")


def _numbers(s: pd.Series, decimal_comma: bool) -> list[float | None]:
    """Cells as floats: blank -> NaN, not a number -> None (the caller reports it)."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return [float(v) for v in s.tolist()]
    out: list[float | None] = []
    for v in s.tolist():
        if isinstance(v, bool):
            out.append(None)
            continue
        if not _present(v):
            out.append(math.nan)
            continue
        text = str(v).strip().replace("\u00a0", "").replace(" ", "")
        if decimal_comma and "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            out.append(float(text))
        except ValueError:
            out.append(None)
    return out


def _bools(s: pd.Series) -> list[bool]:
    return [str(v).strip().lower() in ("true", "1", "yes", "y") if not isinstance(v, bool) else v for v in s.tolist()]


def _derived(df: pd.DataFrame, col: str, fallback: list[str]) -> list[str]:
    """The column as text where given, else derived from the item id."""
    if col not in df.columns:
        return fallback
    vals = [str(v).strip() if _present(v) else "" for v in df[col].tolist()]
    vals = [v[:-2] if col == "category" and v.endswith(".0") else v for v in vals]
    vals = [v.upper() if col == "group" else v for v in vals]
    return [v or f for v, f in zip(vals, fallback)]


def enforce_floor(items: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Refuse an edited item table that lowers what the rules fix for its partner.

    `reference` is the item table the estimation computes for the same partner. A row whose item is
    rule-foundational there (ITAR, military, WMD, chokepoint: `tier_floor`) but not foundational here,
    or that needs no licence to the partner (`nlr`) but is tiered otherwise here, is a problem: the
    optimizer would otherwise package 3A090 or an item that needs no licence. Every such row is named.
    """
    # the reference's columns as dicts by id, read once: a row lookup (`DataFrame.loc`) per item cost
    # more than the rest of the check on a table of a few thousand items
    ids = reference["eccn"].tolist()
    known = set(ids)

    def column(name: str) -> dict[Any, Any]:
        return dict(zip(ids, reference[name].tolist())) if name in reference.columns else {}

    floor, rule_tier, partner, reasons = column("tier_floor"), column("tier"), column("partner"), column("tier_reason")

    def reason(item: str) -> Any:
        return reasons[item]  # a reference without tier_reason fails here, as the row lookup did

    first = int(items.attrs.get("first_line", 2))
    problems: list[str] = []
    for k, (item, tier) in enumerate(zip(items["eccn"], items["tier"])):
        if item not in known:
            base = base_eccn(item)
            if base in known and bool(floor.get(base, False)) and tier != "foundational":
                problems.append(
                    f"line {k + first} ({item}): {item} is not an item of the table, and its entry {base} "
                    f"is rule-foundational ({reason(base)}): a made-up sub-item cannot "
                    "lower it"
                )
            continue
        if bool(floor.get(item, False)) and tier not in ("foundational", "nlr", rule_tier.get(item)):
            problems.append(
                f"line {k + first} ({item}): tier {tier!r} lowers a rule-foundational item "
                f"({reason(item)}): no edit can lower it"
            )
        elif rule_tier.get(item) == "nlr" and tier not in ("nlr", "foundational"):
            problems.append(
                f"line {k + first} ({item}): tier {tier!r} on an item that needs no licence to "
                f"{partner.get(item, 'the partner')} (nlr): there is nothing to relieve"
            )
    if problems:
        raise DecontrolError(f"the item table lowers {len(problems)} rule tier(s)", problems)


def unknown_items(ids: list[str] | tuple[str, ...], known: set[str]) -> list[str]:
    """Each id not in `known`, with the closest known id as a suggestion ('5A03 (did you mean 5A003?)').
    Shared by the builder's inline messages and the optimizer's refusal of unknown locks and forced
    items, so a typo gets the same answer in the dashboard and the CLI."""
    out = []
    for i in ids:
        if i in known:
            continue
        close = difflib.get_close_matches(i, sorted(known), n=1, cutoff=0.6)
        out.append(i + (f" (did you mean {close[0]}?)" if close else ""))
    return out


__all__ = [
    "enforce_floor",
    "POSITIONS",
    "REQUIRED_COLUMNS",
    "TIERS",
    "ally_columns",
    "base_eccn",
    "family_of",
    "read_items_csv",
    "unknown_items",
    "validate_items",
]
