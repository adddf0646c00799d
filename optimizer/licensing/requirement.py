"""Licence requirement of every item for one partner: which reasons bind, on which paragraphs, and why.

An item's reasons for control bind on a partner where (15 CFR 738.4):
- a **chart reason** (NS1, NS2, MT1, NP1, NP2, CB1-3, RS1-2, FC1, CC1-3, AT1-2) has an X in the
  partner's row of the Commerce Country Chart (a bare family code such as `NS`, whose column the CCL
  text does not state, binds where any column of the family has an X: the cautious reading);
- a **control outside the chart** reaches it by the rule the entry's licence-requirements row cites:
  advanced computing / SME (`RS_AC`, `NS_AC`: worldwide, Country Groups D:1/D:4/D:5, or Macau and
  D:5, as the row says; 742.6(a)(6), (a)(11), 742.4(a)(4)), the 2024 worldwide controls
  (`RS_WW`, `NS_WW`: 742.6(a)(10), 742.4(a)(5)), China/Russia/Venezuela (`RS_CRV`, 742.6(a)(7)), Iraq
  and Pakistan (`RS_IQ`, `RS_PK`), Russia/Belarus sanctions (`RU`, 746.8), UN arms embargoes (`UN`,
  746.1(b): the rows carrying chart footnote 1), encryption (`EI`, 742.15: all but Canada), surreptitious
  listening (`SL`, 742.13: all), significant items (`SI`, 742.14: all but Canada), short supply (`SS`,
  Part 754: all) and any row whose text says "all destinations";
- the partner is a **Part 746 embargo** row (Cuba, Iran, North Korea, Syria) or a destination whose
  chart footnote sends every CCL item to 746.8 (Russia, Belarus): a licence for every item;
- the **military end-use rule** (744.21(a)(1)): an item of Supp. No. 2 to Part 744 needs a licence
  to Burma, Cambodia, China, Nicaragua and Venezuela for military end uses or end users only
  (`end_use_only` where nothing else binds; code `MEU` in `binding_reasons`).

`licence_required` is `all` (a binding reason covers the entire entry), `some` (binding reasons
cover only some paragraphs, per the entry's control rows), `end_use_only` or `none` (`nlr`: nothing to
relieve). Every row carries `licence_basis`, one plain sentence with the CFR citation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from optimizer.data.schema import CHART_COLUMNS
from optimizer.estimation.config import reason_family
from optimizer.estimation.reasons import ParagraphControl, parse_paragraph_controls, parse_reasons
from optimizer.licensing.destination import Destination

LICENCE_COLUMNS: list[str] = [
    "licence_required",
    "binding_reasons",
    "licence_basis",
    "licence_sections",
    "meu_listed",
    "meu_part_only",
    "exceptions_allowed",
    "exceptions_in_reach",
    "licence_cautious",
]
#: Supp. No. 2 entries whose printed text covers only part of the ECCN ("Limited to ...", or tied to
#: 9A012.a.1): their military end-use value counts `partial_paragraph_share` of the item's trade.
MEU_PART_FLAGS: frozenset[str] = frozenset({"text_says_limited_to", "tied_to_9A012.a.1"})
LICENCE_LEVELS: tuple[str, ...] = ("all", "some", "end_use_only", "none")

#: Section of 15 CFR 742/746/754 that states the licence requirement and policy of each reason family.
SECTION: dict[str, str] = {
    "NS": "742.4",
    "MT": "742.5",
    "NP": "742.3",
    "CB": "742.2",
    "CW": "742.18",
    "RS": "742.6",
    "CC": "742.7",
    "AT": "742.8-742.10, 742.19",
    "EI": "742.15",
    "SL": "742.13",
    "SI": "742.14",
    "SS": "Part 754",
    "FC": "742.17",
    "UN": "746.1(b)",
    "RU": "746.8",
    "FP": "746.8",
    "MEU": "744.21",
}
SPECIAL_SECTION: dict[str, str] = {
    "RS_AC": "742.6(a)(6)",
    "NS_AC": "742.4(a)(4)",
    "RS_WW": "742.6(a)(10)",
    "NS_WW": "742.4(a)(5)",
    "RS_CRV": "742.6(a)(7)",
    "RS_IQ": "746.3",
    "RS_PK": "742.6(a)(9)",
}
#: Licence exceptions that only reach Country Group B (15 CFR 740.3(a), 740.4(a), 740.6(a)) and serve
#: national-security (NS) requirements only: the ones a partner outside B could be made eligible for.
GROUP_B_EXCEPTIONS: dict[str, str] = {"GBS": "740.4", "LVS": "740.3", "TSR": "740.6"}
#: Exceptions that, once in reach, meet the requirement for every shipment (LVS has a value limit,
#: TSR a written assurance: they unlock part of the trade only).
FULL_EXCEPTIONS: frozenset[str] = frozenset({"GBS"})

_GROUP = re.compile(r"D:\s*([1-5])")


@dataclass(frozen=True)
class Scope:
    """Where one reason binds: `binds` for this partner, and the rule it rests on."""

    binds: bool
    rule: str  # plain words: "Country Chart NS column 2", "worldwide (742.6(a)(10))"
    cautious: bool = False


#: Reason families with Country Chart columns.
CHART_FAMILIES: frozenset[str] = frozenset(reason_family(c) for c in CHART_COLUMNS)


def is_chart_reason(code: str) -> bool:
    """A chart column (NS2) or a bare family that has chart columns (NS, CC): decided by the chart."""
    return code in CHART_COLUMNS or (code == reason_family(code) and code in CHART_FAMILIES)


def section_of(code: str) -> str:
    """'NS2' -> '742.4'; 'RS_AC' -> '742.6(a)(6)'; 'MEU' -> '744.21'."""
    return SPECIAL_SECTION.get(code) or SECTION.get(reason_family(code), "")


def _column_label(code: str) -> str:
    fam = reason_family(code)
    col = code[len(fam) :]
    return f"{fam} column {col}" if col else f"{fam} columns"


def _text_scope(code: str, text: str, dest: Destination, un: frozenset[str]) -> Scope | None:
    """The scope a non-chart licence-requirements row states in words (None: it states none)."""
    t = " ".join(str(text).split())
    low = t.lower()
    iso = dest.iso3
    if "746.8" in t or code in ("RU", "FP"):
        return Scope(dest.all_ccl_746_8 or iso in ("RUS", "BLR"), "Russia and Belarus sanctions (746.8)")
    if "746.1(b)" in t or code == "UN":
        return Scope(iso in un, "UN Security Council arms embargoes (746.1(b))")
    if "worldwide" in low or "all destinations" in low or "any destination" in low:
        canada = "except canada" in low
        return Scope(
            not (canada and iso == "CAN"), "every destination" + (" except Canada" if canada else "") + _cite(t)
        )
    if "china, russia" in low:
        return Scope(iso in ("CHN", "RUS", "VEN"), "China, Russia or Venezuela (742.6(a)(7))")
    if "iraq" in low and code == "RS_IQ":
        return Scope(
            iso == "IRQ" or (iso == "PAK" and "pakistan" in low),
            "Iraq" + (" or Pakistan" if "pakistan" in low else "") + " (746.3)",
        )
    if "pakistan" in low:
        return Scope(iso == "PAK", "Pakistan (742.6(a)(9))")
    head, _, tail = t.partition("excluding")
    groups = sorted(set(_GROUP.findall(head)))
    if groups:
        macau = "macau" in head.lower()
        excluded = re.findall(r"A:\s*([1-6])", tail)
        hit = (any(dest.in_group(f"D{g}") for g in groups) or (macau and iso == "MAC")) and not any(
            dest.in_group(f"A{a}") for a in excluded
        )
        where = (
            ("Macau or " if macau else "")
            + "Country Group"
            + ("s " if len(groups) > 1 else " ")
            + ", ".join(f"D:{g}" for g in groups)
            + (f" but not A:{'/A:'.join(excluded)}" if excluded else "")
        )
        return Scope(hit, where + _cite(t))
    if "742.6(a)(11)" in t:
        hit = any(dest.in_group(g) for g in ("D1", "D4", "D5")) or iso == "MAC"
        return Scope(hit, "Macau and Country Groups D:1, D:4, D:5 (742.6(a)(11), cautious reading)", cautious=True)
    if "742.15" in t or code == "EI":
        return Scope(iso != "CAN", "every destination except Canada (742.15)")
    if "742.13" in t or code == "SL":
        return Scope(True, "every destination (742.13)")
    if "742.14" in t or code == "SI":
        return Scope(iso != "CAN", "every destination except Canada (742.14)")
    if "part 754" in low or code == "SS":
        return Scope(True, "every destination (short supply, Part 754)")
    return None


def _cite(text: str) -> str:
    m = re.search(r"§\s*([0-9]{3}\.[0-9]+(?:\([a-zA-Z0-9]+\))*)", text)
    return f" ({m.group(1)})" if m else ""


def reason_scope(code: str, rows: Iterable[ParagraphControl], dest: Destination, un: frozenset[str]) -> Scope:
    """Does reason `code` bind on `dest`, and by which rule?"""
    if code in CHART_COLUMNS:
        if reason_family(code) == "AT":  # no X for any country in the chart: AT binds only the Part 746 rows
            return Scope(code in dest.chart_x, f"Country Chart {_column_label(code)}")
        if not dest.known:
            return Scope(True, f"Country Chart {_column_label(code)} (no chart row for {dest.iso3}: assumed)", True)
        return Scope(code in dest.chart_x, f"Country Chart {_column_label(code)}")
    scopes = [s for s in (_text_scope(code, r.chart, dest, un) for r in rows) if s is not None]
    if scopes:  # several rows (paragraphs) may scope the reason differently: it binds where any row does
        hit = [s for s in scopes if s.binds]
        return Scope(
            bool(hit),
            "; ".join(dict.fromkeys(s.rule for s in (hit or scopes[:1]))),
            any(s.cautious for s in (hit or scopes)),
        )
    fam = reason_family(code)
    cols = [c for c in CHART_COLUMNS if reason_family(c) == fam]
    if cols and code == fam:  # a bare family code: any column of the family
        if not dest.known and fam != "AT":
            return Scope(True, f"Country Chart {fam} columns (no chart row for {dest.iso3}: assumed)", True)
        return Scope(
            any(c in dest.chart_x for c in cols), f"Country Chart {fam} columns (column not stated: any)", cautious=True
        )
    s = _text_scope(code, "", dest, un)
    if s is not None:
        return s
    return Scope(True, f"{code}: scope not stated in the data (assumed to bind)", cautious=True)


def _rows_for(code: str, rows: tuple[ParagraphControl, ...]) -> list[ParagraphControl]:
    exact = [r for r in rows if r.code == code or r.reason == code]
    return exact or [
        r for r in rows if reason_family(r.reason) == reason_family(code) and r.reason == reason_family(code)
    ]


def json_object_cell(cell: object) -> dict[str, str]:
    """A cell holding a JSON object -> {text key: text value}; blank, NaN or malformed -> {} (a CSV
    edited by hand must not break the table)."""
    if cell is None or (isinstance(cell, float) and cell != cell) or not str(cell).strip():
        return {}
    try:
        d = json.loads(str(cell))
    except json.JSONDecodeError:
        return {}
    return {str(k).strip(): str(v) for k, v in d.items()} if isinstance(d, dict) else {}


def parse_exceptions(cell: object) -> dict[str, str]:
    """`license_exceptions_json` -> {exception: text}; 'N/A' entries are not available."""
    return {k.upper(): v for k, v in json_object_cell(cell).items()}


def exception_available(text: str) -> bool:
    """An exception the ECCN allows: its cell is not 'N/A' (a '$1500, N/A for NP' limit still allows it)."""
    return not str(text).strip().upper().startswith("N/A")


@dataclass(frozen=True)
class Requirement:
    """The licence requirement of one item for one partner."""

    level: str
    binding: tuple[str, ...]
    basis: str
    sections: tuple[str, ...]
    meu_listed: bool
    exceptions_allowed: tuple[str, ...]
    exceptions_in_reach: tuple[str, ...]
    cautious: bool = False


def item_requirement(
    item: str,
    reasons: tuple[str, ...],
    paragraphs: tuple[ParagraphControl, ...],
    exceptions: dict[str, str],
    dest: Destination,
    un: frozenset[str],
    meu: str | None,
) -> Requirement:
    """The requirement of one item: `meu` is its Supp. No. 2 paragraph when listed, else None."""
    who = dest.name
    allowed = tuple(k for k in GROUP_B_EXCEPTIONS if k in exceptions and exception_available(exceptions[k]))
    meu_applies = bool(meu) and dest.meu_scope in ("supp2", "all")
    if dest.embargo or dest.all_ccl_746_8:
        rule = (
            f"{who} is an embargoed destination (Part 746: {dest.embargo_text or 'see the chart pointer'})"
            if dest.embargo
            else f"the sanctions of 15 CFR 746.8 require a licence to {who} for every CCL item"
        )
        sec = ("Part 746",) if dest.embargo else ("746.8",)
        return Requirement(
            "all",
            reasons or ("EMBARGO",),
            f"Licence required to {who} for every item: {rule}.",
            sec,
            meu_applies,
            allowed,
            (),
        )
    if not reasons:  # reasons unknown (an entry only in the 2026 headings): assume a licence is needed
        return Requirement(
            "all",
            ("UNKNOWN",),
            f"Licence requirement to {who} assumed: the entry's reasons for control "
            "are not in the data (2026 heading only); check the eCFR text before relying on it.",
            ("774 Supp. 1",),
            meu_applies,
            allowed,
            (),
            True,
        )
    binding: list[str] = []
    rules: list[str] = []
    entire = False
    cautious = False
    for code in reasons:
        rows = _rows_for(code, paragraphs)
        s = reason_scope(code, rows, dest, un)
        if not s.binds:
            continue
        binding.append(code)
        rules.append(f"{code} ({s.rule})")
        cautious |= s.cautious
        entire |= (not rows) or any(r.entire for r in rows)
    in_reach = (
        tuple(k for k in allowed if dest.in_group("B"))
        if binding and all(reason_family(c) == "NS" for c in binding)
        else ()
    )
    sections = tuple(
        dict.fromkeys(
            ["738 Supp. 1"] * any(is_chart_reason(c) for c in binding)
            + [section_of(c) for c in binding if section_of(c)]
        )
    )
    if binding:
        level = "all" if entire else "some"
        scope = "" if entire else " on some paragraphs only (per the entry's licence-requirement rows)"
        text = f"Licence required to {who}{scope} for {', '.join(rules)}; 15 CFR {', '.join(sections)}."
        if in_reach:
            text += (
                f" Licence exception {'/'.join(in_reach)} already reaches {who} (Country Group B) for "
                f"the NS requirement, within its conditions."
            )
        if meu_applies:
            text += f" Also on Supp. No. 2 to Part 744 ({meu}): military end uses need a licence under 744.21 whatever relief is given."
        return Requirement(level, tuple(binding), text, sections, meu_applies, allowed, in_reach, cautious)
    chart_codes = [c for c in reasons if is_chart_reason(c)]
    other_codes = [c for c in reasons if not is_chart_reason(c)]
    verb = "has" if len(chart_codes) == 1 else "have"
    others = ", ".join(f"{c} ({section_of(c) or 'its own rule'})" for c in other_codes)
    at_note = (
        " (AT columns bind only the Part 746 embargo destinations)"
        if any(reason_family(c) == "AT" for c in reasons)
        else ""
    )
    listed = (f"{', '.join(chart_codes)} {verb} no X for {who}{at_note}" if chart_codes else "no chart reason") + (
        f"; {others} {'does' if len(other_codes) == 1 else 'do'} not reach {who}" if other_codes else ""
    )
    if meu_applies:
        return Requirement(
            "end_use_only",
            ("MEU",),
            f"No item licence to {who} under the Country Chart ({listed}); "
            f"a licence is required only for military end uses or end users: 15 CFR 744.21{dest.meu_paragraph[6:] or '(a)(1)'}, "
            f"item on Supp. No. 2 to Part 744 ({meu}), {dest.meu_policy or 'presumption of denial'}.",
            ("744.21", "744 Supp. 2"),
            True,
            allowed,
            (),
        )
    return Requirement(
        "none", (), f"No licence required to {who} (NLR): {listed}; 15 CFR 738.4.", ("738.4",), False, allowed, ()
    )


def licence_requirements(
    items: pd.DataFrame, ccl: pd.DataFrame, dest: Destination, un: frozenset[str], meu_items: pd.DataFrame
) -> pd.DataFrame:
    """LICENCE_COLUMNS per item (`items`: eccn, base_eccn, reasons). Index: eccn."""
    meta = {str(r["eccn"]): r for r in ccl.to_dict(orient="records")}
    meu = {str(e): str(p) for p, e in zip(meu_items["paragraph"], meu_items["eccn"])} if len(meu_items) else {}
    part = (
        {str(e) for e, f in zip(meu_items["eccn"], meu_items["scope_flag"]) if str(f) in MEU_PART_FLAGS}
        if len(meu_items) and "scope_flag" in meu_items
        else set()
    )
    out: dict[str, list[Any]] = {c: [] for c in LICENCE_COLUMNS}
    ids = []
    cache: dict[str, tuple[tuple[ParagraphControl, ...], dict[str, str]]] = {}
    for item, base, cell in zip(items["eccn"], items["base_eccn"], items["reasons"]):
        if base not in cache:
            e = meta.get(base, {})
            cache[base] = (
                parse_paragraph_controls(e.get("paragraph_controls_json")),
                parse_exceptions(e.get("license_exceptions_json")),
            )
        paragraphs, exc = cache[base]
        req = item_requirement(item, parse_reasons(cell), paragraphs, exc, dest, un, meu.get(base))
        ids.append(item)
        out["licence_required"].append(req.level)
        out["binding_reasons"].append(";".join(req.binding))
        out["licence_basis"].append(req.basis)
        out["licence_sections"].append(";".join(req.sections))
        out["meu_listed"].append(req.meu_listed)
        out["meu_part_only"].append(bool(req.meu_listed and base in part))
        out["exceptions_allowed"].append(";".join(req.exceptions_allowed))
        out["exceptions_in_reach"].append(";".join(req.exceptions_in_reach))
        out["licence_cautious"].append(req.cautious)
    return pd.DataFrame(out, index=pd.Index(ids, name="eccn"))


__all__ = [
    "FULL_EXCEPTIONS",
    "GROUP_B_EXCEPTIONS",
    "LICENCE_COLUMNS",
    "LICENCE_LEVELS",
    "Requirement",
    "Scope",
    "exception_available",
    "item_requirement",
    "licence_requirements",
    "parse_exceptions",
    "reason_scope",
    "section_of",
]
