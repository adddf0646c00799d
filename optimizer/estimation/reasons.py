"""Reasons for control as the estimation layer reads them: parsing, classes, paragraph scope.

`ccl.reasons` holds normalised codes (NS1;NS2;MT1;NP1;AT1;RS_AC ...), `ccl.paragraph_controls_json`
says which paragraphs each reason covers. A sub-item `<ECCN>-rest` (the paragraphs a partial WMD or
advanced-computing control does not reach) is controlled only by the reasons that still apply to
those paragraphs; `rest_reasons` works them out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from optimizer.estimation.config import EstimationConfig, is_bare, reason_family, reason_matches

#: Regime behind each WMD reason family, for tier reasons a reader understands at a glance.
WMD_REGIME: dict[str, str] = {"NP": "NSG", "MT": "MTCR", "CB": "Australia Group", "CW": "CWC"}

#: Regime whose control list a reason implements. NP2 (US-only nuclear), CB3, NS_AC/NS_WW, RS, CC,
#: AT, EI ... implement no regime list: an entry with only those is US-unilateral.
REASON_REGIME: dict[str, str] = {
    "NS1": "WA",
    "NS2": "WA",
    "NS": "WA",
    "MT1": "MTCR",
    "MT": "MTCR",
    "NP1": "NSG",
    "NP": "NSG",
    "CB1": "AG",
    "CB2": "AG",
    "CB": "AG",
    "CW": "CWC",
}
_REGIME_ORDER = ("WA", "MTCR", "NSG", "AG", "CWC", "ML")


def control_regimes(reasons: tuple[str, ...], entry_regime: str) -> str:
    """The regimes an item's own reasons implement (';'-joined, 'US' when none), so an NP2-only
    entry in the 2xxx range is US-unilateral, not NSG; the munitions tag (ML) of the entry is kept.
    Without known reasons the entry's `ccl.regime` stands."""
    if not reasons:
        return entry_regime
    found = {REASON_REGIME[c] for c in reasons if c in REASON_REGIME}
    if "ML" in str(entry_regime).split(";"):
        found.add("ML")
    return ";".join(r for r in _REGIME_ORDER if r in found) or "US"


_ENTIRE = re.compile(r"\bentire\s+entry\b", re.IGNORECASE)
_CHART = re.compile(r"\b([A-Z]{2})\s+Column\s+(\d)", re.IGNORECASE)


def parse_reasons(cell: object) -> tuple[str, ...]:
    """';'-separated codes -> tuple in source order, blanks and duplicates dropped."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return ()
    out: list[str] = []
    for part in re.split(r"[;,]", str(cell)):
        code = part.strip().upper()
        if code and code not in out:
            out.append(code)
    return tuple(out)


def _in(code: str, patterns: tuple[str, ...]) -> bool:
    """Matches a pattern; a bare family code also matches any pattern of its family (cautious:
    'NP' with no column may be NP1)."""
    if any(reason_matches(code, p) for p in patterns):
        return True
    return is_bare(code) and any(reason_family(p) == code for p in patterns)


def is_wmd(code: str, config: EstimationConfig) -> bool:
    return _in(code, config.wmd_reasons)


def is_chokepoint_reason(code: str, config: EstimationConfig) -> bool:
    return _in(code, config.chokepoint_reasons)


def is_legacy_compatible(code: str, config: EstimationConfig) -> bool:
    return any(reason_matches(code, p) for p in config.legacy_reasons)


def describe_wmd(codes: tuple[str, ...]) -> str:
    """'NP1 (NSG), MT1 (MTCR)'."""
    return ", ".join(f"{c} ({WMD_REGIME.get(reason_family(c), '?')})" for c in codes)


@dataclass(frozen=True)
class ParagraphControl:
    """One row of an entry's licence-requirements table."""

    reason: str
    applies_to: str
    chart: str

    @property
    def entire(self) -> bool:
        """True when the row covers the entire entry (even with an 'except' clause)."""
        return bool(_ENTIRE.search(self.applies_to))

    @property
    def code(self) -> str:
        """The reason code, refined from the chart column when the row only names the family."""
        if any(ch.isdigit() for ch in self.reason) or "_" in self.reason:
            return self.reason
        m = _CHART.search(self.chart or "")
        if m and m.group(1).upper() == self.reason:
            return f"{self.reason}{m.group(2)}"
        return self.reason


def parse_paragraph_controls(cell: object) -> tuple[ParagraphControl, ...]:
    """`paragraph_controls_json` -> rows; a blank or malformed cell gives no rows (scope unknown)."""
    if cell is None or (isinstance(cell, float) and cell != cell) or not str(cell).strip():
        return ()
    try:
        rows = json.loads(str(cell))
    except json.JSONDecodeError:
        return ()
    out = []
    for r in rows if isinstance(rows, list) else []:
        if isinstance(r, dict):
            out.append(
                ParagraphControl(
                    str(r.get("reason", "")).strip().upper(),
                    str(r.get("applies_to", "") or ""),
                    str(r.get("chart", "") or ""),
                )
            )
        elif isinstance(r, (list, tuple)) and len(r) >= 2:  # [applies_to, chart] pairs
            applies, chart = str(r[0]), str(r[1])
            m = re.match(r"\s*([A-Z]{2,3})\b", applies)
            out.append(ParagraphControl(m.group(1) if m else "", applies, chart))
    return tuple(out)


def _rows_for(code: str, rows: tuple[ParagraphControl, ...]) -> list[ParagraphControl]:
    exact = [r for r in rows if r.code == code or r.reason == code]
    if exact:
        return exact
    return [r for r in rows if reason_family(r.reason) == reason_family(code)]


def covers_entire_entry(code: str, rows: tuple[ParagraphControl, ...], fallback: bool) -> bool:
    """Does reason `code` reach every paragraph? `fallback` answers when no row names it."""
    matched = _rows_for(code, rows)
    if matched:
        return any(r.entire for r in matched)
    return fallback


def rest_reasons(
    reasons: tuple[str, ...], rows: tuple[ParagraphControl, ...], wmd_scope: str, config: EstimationConfig
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(reasons still applying to the paragraphs outside partial WMD/chokepoint scope,
    the partial reasons dropped)."""
    kept: list[str] = []
    dropped: list[str] = []
    for code in reasons:
        wmd = is_wmd(code, config)
        if not (wmd or is_chokepoint_reason(code, config)):
            kept.append(code)
            continue
        # Without paragraph rows a WMD reason's reach comes from ccl.wmd_scope; an
        # chokepoint reason is then assumed to cover everything (the cautious reading).
        fallback = wmd_scope != "partial" if wmd else True
        if not covers_entire_entry(code, rows, fallback):
            dropped.append(code)
        else:
            kept.append(code)
    return tuple(kept), tuple(dropped)
