"""Read the License Requirements section of a CCL entry into normalised reason codes.

The eCFR text of an ECCN says, per reason for control, which paragraphs it applies to and which
Commerce Country Chart column decides the licence requirement ("NS applies to entire entry | NS
Column 2"). Some controls point at no chart column (UN embargoes, encryption, the advanced-computing
rules of 15 CFR 742.6(a)(6)); those become *non-chart* codes. The rules, in order:

1. A control row naming "<FAMILY> Column N" gives the chart code FAMILY+N (NS1, NS2, RS1, CB2, ...).
2. A row without a column gets a non-chart code chosen from the section of the EAR it cites
   (`NON_CHART_RULES`), e.g. RS -> RS_AC for the advanced-computing / semiconductor rules.
   Otherwise the family code is kept as written (CW, EI, UN, SL, SS, SI, AT, CC, MT): we never
   invent a column the text does not state.
3. An entry without control rows whose text names a coded control ("subject to RS1 controls",
   the 0x521 entries) gets that code.
4. Families on the literal "Reason for Control" line that no row produced are added as written
   ("CC 1" -> CC1, "NS" -> NS, "Foreign policy" -> FP), so nothing on that line is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Reason families that appear in the CCL, longest first where prefixes overlap.
FAMILIES = ("NS", "MT", "NP", "CB", "CW", "RS", "CC", "AT", "EI", "FC", "SL", "SS", "SI", "UN")

#: Canonical order of codes in the `reasons` cell (chart codes, then non-chart codes).
CODE_ORDER = (
    "NS1",
    "NS2",
    "NS",
    "NS_WW",
    "NS_AC",
    "MT1",
    "MT",
    "NP1",
    "NP2",
    "NP",
    "CB1",
    "CB2",
    "CB3",
    "CB",
    "CW",
    "RS1",
    "RS2",
    "RS",
    "RS_AC",
    "RS_WW",
    "RS_CRV",
    "RS_IQ",
    "RS_PK",
    "CC1",
    "CC2",
    "CC3",
    "CC",
    "AT1",
    "AT2",
    "AT",
    "EI",
    "FC1",
    "FC",
    "SL",
    "SS",
    "SI",
    "UN",
    "RU",
    "FP",
)

#: Non-chart controls recognised by the EAR section (or destination) the row cites.
#: (family, regex on the row's chart text, code, meaning)
NON_CHART_RULES: tuple[tuple[str, str, str, str], ...] = (
    (
        "RS",
        r"742\.6\(a\)\((?:6|11|13)\)",
        "RS_AC",
        "advanced computing, supercomputer, AI model-weight and semiconductor-manufacturing rules (742.6(a)(6), (a)(11), (a)(13))",
    ),
    ("RS", r"742\.6\(a\)\(10\)", "RS_WW", "worldwide RS control on quantum / semiconductor items (742.6(a)(10))"),
    ("RS", r"742\.6\(a\)\(7\)", "RS_CRV", "'.y' items to China, Russia or Venezuela (742.6(a)(7))"),
    ("RS", r"Iraq", "RS_IQ", "licence for Iraq (746.3)"),
    ("RS", r"Pakistan", "RS_PK", "licence for Pakistan (742.6(a)(12))"),
    ("NS", r"742\.4\(a\)\(5\)", "NS_WW", "worldwide NS control on quantum / semiconductor items (742.4(a)(5))"),
    ("NS", r"742\.4\(a\)\(4\)", "NS_AC", "semiconductor-manufacturing items to Macau / D:5 (742.4(a)(4))"),
)

WMD_FAMILIES = ("NP1", "MT", "CB", "CW")
"""Code prefixes that make a reason WMD-related (NP2 is US-only civil nuclear, not WMD-regime)."""

_FAMILY_ALT = "|".join(FAMILIES)
_CONTROL_START = re.compile(
    rf"(?<![A-Za-z0-9.])((?:{_FAMILY_ALT})(?:\s*(?:,|and)\s*(?:{_FAMILY_ALT}))*"
    r"|Russian industry sector sanctions?)\s+appl(?:y|ies)\b\s*(?:to\b)?\s*"
)
_COLUMN = re.compile(rf"\b({_FAMILY_ALT})\s*Column\s*([1-3])\b")
_TEXT_CODE = re.compile(rf"\bsubject to ({_FAMILY_ALT})([1-3]) controls\b")
_REASON_LINE = re.compile(r"\*Reason for Control:\*\s*(.*)")
_SECTION_END = re.compile(
    r"List Based License Exceptions|\*License Requirement Notes?|List of Items Controlled|\*?Special Conditions for STA"
)


@dataclass(frozen=True)
class ControlRow:
    """One 'X applies to ...' statement: the normalised code, the paragraphs, the chart text."""

    reason: str
    applies_to: str
    chart: str
    chart_column: bool

    def as_json(self) -> dict[str, str]:
        return {"reason": self.reason, "applies_to": self.applies_to, "chart": self.chart}


@dataclass(frozen=True)
class EntryReasons:
    reason_line: str
    rows: tuple[ControlRow, ...]
    reasons: tuple[str, ...]
    chart_columns: tuple[str, ...]
    non_chart: tuple[str, ...]
    wmd_scope: str


def license_section(details: str) -> str:
    """The License Requirements part of an entry's text (before the licence exceptions)."""
    found = [i for i in (details.find("License Requirements"), details.find("*Reason for Control:*")) if i >= 0]
    text = details[min(found) :] if found else details
    end = _SECTION_END.search(text)
    return text[: end.start()] if end else text


def _clean(text: str) -> str:
    text = re.sub(r"<br\s*/?>", " ", text)
    text = text.replace("*", "").replace('\\"', '"')
    return re.sub(r"\s+", " ", text).strip(" |")


def _units(section: str) -> list[tuple[str, list[str]]]:
    """(statement text, chart cell lines) pairs: table rows keep both cells, paragraphs have []."""
    units: list[tuple[str, list[str]]] = []
    for line in section.splitlines():
        line = line.strip()
        if not line or _REASON_LINE.search(line):
            continue
        if line.startswith("|"):
            if re.fullmatch(r"[|\s:-]+", line):
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells and cells[0].startswith("Control(s)"):
                continue
            chart_lines = re.split(r"<br\s*/?>", " ".join(cells[1:]))
            units.append((_clean(cells[0]), [c for c in map(_clean, chart_lines) if c]))
        else:
            units.append((_clean(re.sub(r"^\*?Control\(s\):?\*?:?", "", line)), []))
    return units


def _split_statements(text: str, cell: list[str]) -> list[tuple[list[str], str, str]]:
    """Each 'X applies to' in `text` -> (families, applies_to, chart text).

    A table row may stack several statements and their chart texts with line breaks (1A231):
    they pair up line by line when the counts match; otherwise every statement of the row shares
    the row's chart cell ("MT applies to ... Note: MT applies to ..." | "MT Column 1", 1B001).
    """
    starts = list(_CONTROL_START.finditer(text))
    charts = cell if len(cell) == len(starts) else [" ".join(cell)] * len(starts)
    out = []
    for i, m in enumerate(starts):
        body = text[m.end() : starts[i + 1].start() if i + 1 < len(starts) else len(text)].strip()
        fams = ["RU"] if m.group(1).startswith("Russian") else re.findall(_FAMILY_ALT, m.group(1))
        chart = charts[i] if starts else ""
        if not chart:
            col = _COLUMN.search(body)
            if col:
                body, chart = body[: col.start()], body[col.start() :]
            else:
                parts = re.split(r"(?<=[a-z0-9\)\"])\.\s+(?=[A-Z(])", body, maxsplit=1)
                body, chart = parts[0], parts[1] if len(parts) > 1 else ""
        out.append((fams, body.strip(" .;:,"), chart.strip()))
    return out


def _code_for(family: str, chart: str) -> tuple[str, bool]:
    """Normalised code and whether it is a Country Chart column."""
    col = _COLUMN.search(chart)
    if col and col.group(1) == family:
        return family + col.group(2), True
    for fam, pattern, code, _ in NON_CHART_RULES:
        if fam == family and re.search(pattern, chart):
            return code, False
    return family, False


def _reason_line_codes(line: str) -> list[str]:
    """Codes written on the literal Reason for Control line ('CC 1' -> CC1, 'foreign policy' -> FP)."""
    codes = []
    if re.search(r"foreign policy", line, re.I):
        codes.append("FP")
    for fam, col in re.findall(rf"\b({_FAMILY_ALT})\s*([1-3])?\b", line):
        codes.append(fam + col)
    return codes


def _family(code: str) -> str:
    return "RU" if code == "RU" else code[:2]


def _order(codes: set[str]) -> tuple[str, ...]:
    rank = {c: i for i, c in enumerate(CODE_ORDER)}
    return tuple(sorted(codes, key=lambda c: (rank.get(c, len(rank)), c)))


def is_wmd(code: str) -> bool:
    return any(code.startswith(p) for p in WMD_FAMILIES)


def _entire(applies_to: str) -> bool:
    text = applies_to.lower()
    return text.startswith(("entire entry", "the entire entry", "all items")) and "except" not in text


def parse_entry(details: str) -> EntryReasons:
    """All reason codes of one CCL entry from its full eCFR text (see the module rules)."""
    section = license_section(details)
    line_match = _REASON_LINE.search(section)
    reason_line = _clean(line_match.group(1)) if line_match else ""
    rows: list[ControlRow] = []
    for text, cell in _units(section):
        for fams, applies_to, chart in _split_statements(text, cell):
            for fam in fams:
                code, is_chart = _code_for(fam, chart) if fam != "RU" else ("RU", False)
                rows.append(ControlRow(code, applies_to, chart, is_chart))
    if not rows:
        for fam, col in _TEXT_CODE.findall(_clean(details)):
            rows.append(ControlRow(fam + col, "entire entry", f"{fam} Column {col} (stated in the entry text)", True))
    codes = {r.reason for r in rows}
    families = {_family(c) for c in codes}
    chart = {r.reason for r in rows if r.chart_column}
    for code in _reason_line_codes(reason_line):
        if code == "FP" or (_family(code) not in families and code not in codes):
            codes.add(code)
            if re.fullmatch(r"[A-Z]{2}[1-3]", code):  # the line itself names the column ("CC 1")
                chart.add(code)
    non_chart = codes - chart
    return EntryReasons(
        reason_line=reason_line,
        rows=tuple(rows),
        reasons=_order(codes),
        chart_columns=_order(chart),
        non_chart=_order(non_chart),
        wmd_scope=wmd_scope(rows, codes),
    )


def wmd_scope(rows: list[ControlRow], codes: set[str]) -> str:
    """'entire' when a WMD reason covers the whole entry, 'partial' when only some paragraphs.

    A WMD reason known only from the reason line (no row says where it applies) counts as
    'entire': the conservative reading for an entry that could otherwise look relaxable.
    """
    wmd_rows = [r for r in rows if is_wmd(r.reason)]
    if any(_entire(r.applies_to) for r in wmd_rows):
        return "entire"
    if wmd_rows:
        return "partial"
    return "entire" if any(is_wmd(c) for c in codes) else "none"
