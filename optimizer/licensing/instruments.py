"""The real instruments that relieve a binding requirement, and who can decide each item.

Relief is not a generic "full / exception / approval" dial: it is one of the instruments the EAR
has for that item and partner (`INSTRUMENTS`, in canonical order):

- `lift`: remove the partner's licence requirement for the binding reason(s) (take the X out of
  its Country Chart row for a chart column, or amend the rule of a control outside the chart);
- `exception`: make the partner eligible for a licence exception the ECCN allows but that does not
  reach it today (GBS 740.4, LVS 740.3, TSR 740.6 reach Country Group B only and serve NS
  requirements only: offered when every binding reason is NS and the partner is outside B);
- `approval`: change the licensing policy for the partner to a presumption of approval (the
  policy paragraph of the binding reason's section, e.g. 742.4(b) for NS);
- `meu_removal`: remove the item from Supp. No. 2 to Part 744 for the partner (the only relief of an
  item that needs a licence only for military end uses, 744.21).

Who decides (`decided_by`): `bis` (US-unilateral entries and rules: BIS can amend the EAR alone),
`regime` (a multilateral list item: a US-only relaxation is a national-discretion change the other
members will notice), `statute` (a bar in law, e.g. the Tiananmen sanctions on crime-control items for
China, short-supply statutes, embargoes) or `agency` (nuclear items under NRC 10 CFR 110 or DOE 10 CFR
810 jurisdiction).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from optimizer.estimation.config import reason_family
from optimizer.estimation.reasons import REASON_REGIME
from optimizer.licensing.requirement import GROUP_B_EXCEPTIONS, is_chart_reason, json_object_cell, section_of
from optimizer.vocabulary import MODES

INSTRUMENTS: tuple[str, ...] = MODES  # optimizer.vocabulary.Mode
INSTRUMENT_LABELS: dict[str, str] = {
    "lift": "Lift the licence requirement",
    "exception": "Licence exception eligibility",
    "approval": "Presumption of approval",
    "meu_removal": "Removal from the military end-use list",
}
DECIDERS: tuple[str, ...] = ("bis", "regime", "statute", "agency")
#: Regime names, for the "who decides" sentence.
REGIME_NAMES: dict[str, str] = {
    "WA": "Wassenaar Arrangement",
    "MTCR": "MTCR",
    "NSG": "Nuclear Suppliers Group",
    "AG": "Australia Group",
    "CWC": "CWC",
}


def _regime_of(code: str) -> str:
    """The regime whose list the reason implements ('' for US-only reasons: NP2, CB3, RS, CC, AT ...)."""
    return REGIME_NAMES.get(REASON_REGIME.get(code, ""), "")


def item_instruments(
    level: str, binding: tuple[str, ...], allowed: tuple[str, ...], partner_in_b: bool, partner: str, name: str
) -> dict[str, str]:
    """{instrument: what it would do, with the CFR section} for one item and partner."""
    if level == "none":
        return {}
    if level == "end_use_only":
        return {"meu_removal": f"Remove the entry from Supp. No. 2 to 15 CFR 744 for {name} (744.21(a)(1))"}
    chart = [c for c in binding if is_chart_reason(c)]
    other = [c for c in binding if c not in chart]
    parts = []
    if chart:
        parts.append(f"take the X out of {name}'s Country Chart row for {', '.join(chart)} (15 CFR 738 Supp. 1)")
    for c in other:
        parts.append(f"amend the {c} requirement for {name} ({section_of(c) or 'see the entry'})")
    out = {"lift": "Lift: " + "; ".join(parts)}
    ns_only = bool(binding) and all(reason_family(c) == "NS" for c in binding)
    if ns_only and not partner_in_b and allowed:
        ex = "/".join(f"{k} ({GROUP_B_EXCEPTIONS[k]})" for k in allowed)
        out["exception"] = f"Make {name} eligible for licence exception {ex} for this ECCN (740.2; Country Group B)"
    policy = sorted({(section_of(c).split("(")[0] + "(b)") for c in binding if section_of(c).startswith("742")})
    if policy:
        out["approval"] = f"Presumption of approval for {name} under {', '.join(policy)}"
    return out


def decided_by(binding: tuple[str, ...], level: str, heading: str, barred: str, embargo: bool) -> tuple[str, str]:
    """(decider, plain words) for one item and partner."""
    h = heading.lower()
    nuclear = "nuclear regulatory commission" in h or "10 cfr part 110" in h or "10 cfr 110" in h or "part 810" in h
    if nuclear and "exclud" not in h:  # "... excluding items subject to the NRC" leaves the rest with BIS
        return "agency", "another agency: nuclear trade under NRC (10 CFR 110) or DOE (10 CFR 810)"
    if embargo:
        return "statute", "embargo or sanctions programme (Part 746): not a BIS item decision"
    if barred:
        return "statute", barred
    if any(reason_family(c) == "SS" for c in binding):
        return "statute", "short-supply statute (15 CFR 754)"
    if level == "end_use_only":
        return "bis", "BIS rule alone (Supp. No. 2 to Part 744)"
    regimes = sorted({r for r in (_regime_of(c) for c in binding) if r})
    if regimes:
        return "regime", (
            f"multilateral regime ({', '.join(regimes)}): a US-only relaxation is a "
            f"national-discretion change the other members will notice"
        )
    if level == "none":
        return "bis", "nothing to decide: no licence required"
    return "bis", "BIS rule alone (US-unilateral control)"


#: Plain labels of the instruments, and of the name earlier files used for `lift`.
MODE_LABEL: dict[str, str] = dict(INSTRUMENT_LABELS) | {"full": INSTRUMENT_LABELS["lift"]}


def instrument_cite(line: Mapping[str, object]) -> str:
    """'Removal from the military end-use list (744.21(a)(1))': a package line's instrument in words
    with the CFR provision it changes (the last parenthesis of the item table's instrument text)."""
    mode = str(line.get("mode", ""))
    label = MODE_LABEL.get(mode, mode)
    text = str(line.get("instrument") or "")
    cites = [c for c in re.findall(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)", text) if re.search(r"\d", c)]
    named = re.search(r"licence exception ([A-Z]{3})\b", text)
    if named:  # which exception, not only where eligibility is set: 'Licence exception LVS (740.3; 740.2, ...)'
        where = "; ".join(dict.fromkeys(c.replace("; ", ", ") for c in cites))
        return f"Licence exception {named.group(1)}" + (f" ({where})" if where else "")
    if cites:
        return f"{label} ({cites[-1]})"
    sections = re.findall(r"\d{3}\.\d+(?:\([A-Za-z0-9]+\))*", text)
    return f"{label} ({sections[-1]})" if sections else label


def basis_cite(line: Mapping[str, object]) -> str:
    """'Licence for NS2 (Country Chart NS column 2)': what a package line relieves, from its
    `licence_basis` sentence (the reasons that bind on the partner); '' when the line has none."""
    text = " ".join(str(line.get("licence_basis") or "").split())
    found = re.match(r"Licence required to .+? for (.+?); 15 CFR", text)
    if found:
        return f"Licence for {found.group(1)}"
    return text.split(". ")[0].rstrip(".")


def instruments_json(instr: Mapping[str, str]) -> str:
    return json.dumps(dict(instr), ensure_ascii=False)


def read_instruments(cell: object) -> dict[str, str]:
    """The `instrument_detail` cell -> {instrument: text}; blank or malformed -> {}."""
    return json_object_cell(cell)


__all__ = [
    "DECIDERS",
    "INSTRUMENTS",
    "INSTRUMENT_LABELS",
    "MODE_LABEL",
    "decided_by",
    "basis_cite",
    "instrument_cite",
    "instruments_json",
    "item_instruments",
    "read_instruments",
]
