"""Tier of every item: a policy judgement, defaulted by documented rules, overridable and audited.

Rules, first match wins (each gives a `tier_reason` a negotiator can read):

1. ITAR placeholder ("subject to the ITAR")                      -> foundational
2. military 500-/600-series entry (moved from the USML)           -> foundational
3. a WMD reason anywhere in the entry (NP1, MT*, CB*, CW), even on
   some paragraphs only (`wmd_scope == 'partial'`)                 -> foundational
4. a chokepoint in `config.chokepoints` (advanced computing, SME,
   2024 worldwide quantum/advanced-manufacturing entries)          -> foundational
5. a chokepoint reason outside the chart anywhere, even on some
   paragraphs (RS_AC/NS_AC advanced computing and SME, RS_WW/NS_WW
   worldwide quantum/semiconductor controls)                       -> foundational
6. reasons unknown (entry only in the 2026 headings)               -> foundational ("review")
7. only legacy-type reasons: AT-only, NS2 without WMD reasons,
   NP2-only civil nuclear, plus controls that never bind on a
   non-embargoed, non-sanctioned partner (UN, RS_IQ, RS_PK, RU, FP) -> legacy
8. everything else (NS1, RS1/RS2, RS_CRV, CC, EI, FC, SL, SS ...)   -> `config.remainder_tier`

Why rule 8 defaults to **foundational**: `transactional` is a policy judgement ("imposed as
leverage, may be traded") that a person makes, not a rule: an NS1, RS1, crime-control or encryption
entry stays out of every package until an analyst tags it transactional (tier override), so the tool
never proposes relaxing a national-security control on its own. An analyst who wants to see what
trading the whole remainder would buy sets `remainder_tier='transactional'` (its higher risk weight,
NS1 1.0 vs AT 0.05, then makes the optimizer reach for it last). The rules never promote an entry
to legacy because of broad foreign availability: FA is partner-specific, tiers are not; the
optimizer's FA threshold and analyst overrides cover that case.

Sub-items `<ECCN>-rest` (from the concordance) are the paragraphs a partial WMD or
chokepoint-reason control does not reach: their tier comes from the reasons still applying there
(`reasons.rest_reasons`); the parent entry stays foundational as a whole. Other sub-items inherit
their parent's reasons.

Partner bars: a reason barred by statute for one partner makes the item foundational in that
partner's table (`config.partner_reason_bars`; default: crime-control (CC) items for China, whose
licences the Tiananmen sanctions, P.L. 101-246 §902, suspend unless the President waives them).

Overrides (`datasets/policy/tier_overrides.csv`: eccn, tier, reason, author, date) replace the rule
tier; `tier_source` says 'override' and `tier_reason` quotes the analyst and the rule it replaced.
"""

from __future__ import annotations

import pandas as pd

from optimizer.errors import DecontrolError
from optimizer.estimation.config import TIERS, EstimationConfig, reason_family, reason_matches
from optimizer.estimation.reasons import (
    describe_wmd,
    is_chokepoint_reason,
    is_legacy_compatible,
    is_wmd,
    parse_paragraph_controls,
    parse_reasons,
    rest_reasons,
)

#: What the number range (first of the three digits) of an ECCN says, for entries whose reasons are unknown.
RANGE_NOTE: dict[str, str] = {
    "0": "Wassenaar-based range",
    "1": "MTCR range",
    "2": "NSG range",
    "3": "Australia Group range",
    "4": "CWC range",
    "5": "military 500-series range",
    "6": "military 600-series range",
    "9": "US unilateral range",
}

CHOKEPOINT_REASON_NOTE: dict[str, str] = {
    "RS_AC": "advanced computing / SME rule outside the chart",
    "NS_AC": "SME to Macau/D:5",
    "RS_WW": "worldwide quantum/semiconductor control",
    "NS_WW": "worldwide quantum/semiconductor control",
}

TIER_COLUMNS = [
    "eccn",
    "base_eccn",
    "item_reasons",
    "tier",
    "tier_reason",
    "tier_source",
    "rule_tier",
    "rule_reason",
    "tier_floor",
]


def base_eccn(item_id: str) -> str:
    """'2B001-rest' -> '2B001'."""
    return str(item_id).split("-", 1)[0]


def family_of(item_id: str) -> str:
    """'2B001' -> '2x001': the A-E entries sharing a number (coherence groups in the optimizer)."""
    e = base_eccn(item_id)
    return f"{e[0]}x{e[2:]}" if len(e) >= 3 else e


def rule_tier(
    eccn: str,
    reasons: tuple[str, ...],
    *,
    military: bool,
    itar_placeholder: bool,
    has_reasons: bool,
    wmd_scope: str,
    config: EstimationConfig,
    scope_note: str = "",
) -> tuple[str, str]:
    """(tier, tier_reason) by the rules in the module docstring."""
    tier, reason, _floor = rule_decision(
        eccn,
        reasons,
        military=military,
        itar_placeholder=itar_placeholder,
        has_reasons=has_reasons,
        wmd_scope=wmd_scope,
        config=config,
        scope_note=scope_note,
    )
    return tier, reason


def rule_decision(
    eccn: str,
    reasons: tuple[str, ...],
    *,
    military: bool,
    itar_placeholder: bool,
    has_reasons: bool,
    wmd_scope: str,
    config: EstimationConfig,
    scope_note: str = "",
) -> tuple[str, str, bool]:
    """(tier, tier_reason, floor): `floor` is true for rules 1-5 (ITAR, military, WMD, chokepoint),
    a foundational tier no override or edited item table may lower; the remainder default and
    unknown reasons are judgements an analyst may revise."""
    base = base_eccn(eccn)
    pre = f"{scope_note}: " if scope_note else ""
    if itar_placeholder:
        return "foundational", f"{pre}ITAR placeholder (items subject to the ITAR)", True
    if military:
        return "foundational", f"{pre}military {base[2]}00-series entry (moved from the USML)", True
    wmd = tuple(c for c in reasons if is_wmd(c, config))
    if wmd:
        label = "WMD reason" if len(wmd) == 1 else "WMD reasons"
        partial = " on some paragraphs (the whole entry stays foundational)" if wmd_scope == "partial" else ""
        return "foundational", f"{pre}{label} {describe_wmd(wmd)}{partial}", True
    choke = config.chokepoints.get(eccn) or config.chokepoints.get(base)
    if choke:
        return "foundational", f"{pre}chokepoint control: {choke}", True
    ac = tuple(c for c in reasons if is_chokepoint_reason(c, config))
    if ac:
        what = ", ".join(f"{c} ({CHOKEPOINT_REASON_NOTE.get(c, 'chokepoint control')})" for c in ac)
        return "foundational", f"{pre}chokepoint reason {what}", True
    if not has_reasons or not reasons:
        note = RANGE_NOTE.get(base[2:3], "")  # the first of the three digits: 0xx WA ... 9xx US
        note = f"; {note}" if note else ""
        return "foundational", f"{pre}reasons unknown (2026 heading only){note}: review before trading", False
    if all(is_legacy_compatible(c, config) for c in reasons):
        return "legacy", pre + _legacy_label(reasons), False
    tier = config.remainder_tier
    others = ", ".join(c for c in reasons if not is_legacy_compatible(c, config))
    if all(reason_family(c) == "SS" or is_legacy_compatible(c, config) for c in reasons):
        held = ", so it is held out of packages" if tier == "foundational" else ", weighed as a deliberate concession"
        return (
            tier,
            (
                f"{pre}statutory short-supply control ({others}, 15 CFR 754): a statute, not a security "
                f"judgement; relief needs a change in law{held}"
            ),
            False,
        )
    if tier == "foundational":
        return (
            tier,
            (f"{pre}not a legacy pattern ({others}): held out of packages until an analyst tags it transactional"),
            False,
        )
    return (
        tier,
        (
            f"{pre}neither foundational nor a legacy pattern ({others}): tradeable as a "
            f"deliberate concession, weighed by its risk"
        ),
        False,
    )


def _legacy_label(reasons: tuple[str, ...]) -> str:
    core = [c for c in reasons if reason_family(c) in ("AT", "NS", "NP")]
    other = [c for c in reasons if c not in core]
    tail = (
        f"; {', '.join(other)} {'binds' if len(other) == 1 else 'bind'} only on embargoed or sanctioned destinations"
        if other
        else ""
    )
    fams = {reason_family(c) for c in core}
    codes = ", ".join(core)
    if not fams:
        return f"only controls that do not bind on a non-embargoed, non-sanctioned partner ({', '.join(other)})"
    if fams == {"AT"}:
        return f"anti-terrorism only ({codes}{tail}): US unilateral legacy control"
    if "NS" in fams and "NP" not in fams:
        return f"NS2 without WMD reasons ({codes}{tail})"
    if "NP" in fams and "NS" not in fams:
        return f"NP2-only civil nuclear ({codes}{tail})"
    return f"only legacy-type reasons ({codes}{tail})"


def item_ids(ccl: pd.DataFrame, concordance: pd.DataFrame) -> pd.DataFrame:
    """Every CCL ECCN, then every concordance sub-item `<ECCN>-<suffix>` whose ECCN is in the CCL."""
    ids = list(ccl["eccn"].astype(str))
    known = set(ids)
    subs = sorted(
        {
            str(e)
            for e in concordance.get("eccn", pd.Series(dtype=str))
            if "-" in str(e) and base_eccn(str(e)) in known and str(e) not in known
        }
    )
    out = pd.DataFrame({"eccn": ids + subs})
    out["base_eccn"] = out["eccn"].map(base_eccn)
    return out


def assign_tiers(
    ccl: pd.DataFrame,
    ids: pd.DataFrame,
    config: EstimationConfig,
    overrides: pd.DataFrame | None = None,
    partner: str | None = None,
) -> pd.DataFrame:
    """One row per item id: its reasons, rule tier and final tier (partner bars, then overrides)."""
    by_eccn = {str(r["eccn"]): r for r in ccl.to_dict(orient="records")}
    rows = []
    for item, base in zip(ids["eccn"], ids["base_eccn"]):
        e = by_eccn[base]
        reasons = parse_reasons(e.get("reasons"))
        wmd_scope = str(e.get("wmd_scope") or "none")
        note = ""
        if item != base:
            if item.endswith("-rest"):
                paragraphs = parse_paragraph_controls(e.get("paragraph_controls_json"))
                reasons, dropped = rest_reasons(reasons, paragraphs, wmd_scope, config)
                if dropped:
                    note = f"paragraphs of {base} outside {', '.join(dropped)}"
                    wmd_scope = "none"
                else:
                    note = f"rest of {base} (its WMD/chokepoint reasons cover the entire entry)"
            else:
                note = f"sub-item of {base}"
        tier, reason, floor = rule_decision(
            item,
            reasons,
            military=_flag(e.get("military")),
            itar_placeholder=_flag(e.get("itar_placeholder")),
            has_reasons=_flag(e.get("has_reasons"), default=True),
            wmd_scope=wmd_scope,
            config=config,
            scope_note=note,
        )
        rows.append((item, base, ";".join(reasons), tier, reason, "rule", tier, reason, floor))
    out = pd.DataFrame(rows, columns=TIER_COLUMNS)
    if partner is not None:
        out = apply_partner_bars(out, partner, config)
    if overrides is not None and len(overrides):
        out = apply_tier_overrides(out, overrides)
    return out


def apply_licensing(
    tiers: pd.DataFrame,
    licence: pd.DataFrame,
    partner: str,
    name: str,
    d5: bool,
    embargo: bool,
    config: EstimationConfig,
    macau: bool = False,
) -> pd.DataFrame:
    """Destination-aware tiers: what the partner's licence requirements make of the rule tiers.

    - nothing binds (`licence_required == 'none'`) -> `nlr`: no licence is required to the partner,
      so there is nothing to relieve (the rule tier is kept in `rule_tier`);
    - an embargoed or comprehensively sanctioned partner -> foundational (Part 746 is a sanctions
      decision, not an item concession);
    - a legacy item on which a requirement targeted at the partner binds (NP2 for China, 88 FR
      54875) -> `config.remainder_tier`: a recent, deliberate control is not legacy;
    - a legacy NS2 item of evident military relevance (`config.military_relevant_ns2`) bound for an
      arms-embargoed partner (D:5, or Macau, which the EAR names with D:5) -> `config.remainder_tier`;
    - an item that needs a licence only for military end uses (744.21) -> `config.remainder_tier`:
      its only relief, removal from Supp. No. 2 to Part 744, would let it reach the partner's
      military end users, the very use the rule was written to stop, so it is not a legacy control;
      an analyst may tag it transactional to weigh that trade;
    - a requirement the data cannot establish (no chart row for the partner) -> foundational until
      checked (never packaged on an assumption);
    - embargoed destinations' items are a floor (`tier_floor`), like the rule floor.
    """
    out = tiers.copy()
    level = out["eccn"].map(licence["licence_required"])
    binding = out["eccn"].map(licence["binding_reasons"]).fillna("")
    cautious = out["eccn"].map(licence["licence_cautious"]).fillna(False).astype(bool)
    targeted = config.targeted_reasons.get(partner) or {}
    remainder = config.remainder_tier
    held = "; held out of packages until an analyst tags it transactional" if remainder == "foundational" else ""
    for i in out.index:
        lv, tier, why = level[i], out.at[i, "tier"], out.at[i, "tier_reason"]
        codes = parse_reasons(binding[i])
        if lv == "none":
            out.at[i, "tier"] = "nlr"
            out.at[i, "tier_reason"] = f"no licence required to {name}: nothing to relieve (rule tier: {tier}, {why})"
        elif embargo:
            out.at[i, "tier_floor"] = True
            if tier != "foundational":
                out.at[i, "tier"] = "foundational"
                out.at[i, "tier_reason"] = f"{name} is under comprehensive sanctions (Part 746): not an item concession"
        elif cautious[i] and tier in ("legacy", "transactional"):
            out.at[i, "tier"] = "foundational"
            out.at[i, "tier_reason"] = (
                f"licence requirement to {name} not established from the data (no Country "
                f"Chart row): held out of packages until checked (rule tier: {tier})"
            )
        elif tier == "legacy" and lv == "end_use_only":
            out.at[i, "tier"] = remainder
            out.at[i, "tier_reason"] = (
                f"{why}; to {name} a licence is needed only for military end uses or end users "
                "(15 CFR 744.21, Supp. No. 2 to Part 744): removal from that list would let it "
                f"reach them, so it is not legacy{held}"
            )
        elif tier == "legacy":
            hit = [(c, targeted[c]) for c in codes if c in targeted]
            mil = config.military_relevant_ns2.get(base_eccn(out.at[i, "eccn"]))
            if hit:
                out.at[i, "tier"] = remainder
                out.at[i, "tier_reason"] = f"{hit[0][0]} binds on {name} as a {hit[0][1]}: not legacy{held}"
            elif mil and (d5 or macau) and "NS2" in codes:
                out.at[i, "tier"] = remainder
                where = "Country Group D:5" if d5 else "Macau, which the EAR names with D:5"
                out.at[i, "tier_reason"] = (
                    f"NS2 item of evident military relevance ({mil}) for an arms-embargoed "
                    f"partner ({where}): not legacy{held}"
                )
    out["rule_tier"] = out["tier"]
    out["rule_reason"] = out["tier_reason"]
    return out


def apply_partner_bars(tiers: pd.DataFrame, partner: str, config: EstimationConfig) -> pd.DataFrame:
    """Make items foundational for `partner` when a reason is barred for it by statute
    (`config.partner_reason_bars`, e.g. crime-control items for China); rule tiers only."""
    bars = config.partner_reason_bars.get(partner) or {}
    if not bars:
        return tiers
    out = tiers.copy()
    for i, cell in zip(out.index, out["item_reasons"]):
        if out.at[i, "tier"] == "foundational":
            continue
        hit = [(c, why) for c in parse_reasons(cell) for pat, why in bars.items() if reason_matches(c, pat)]
        if hit:
            reason = f"{hit[0][0]} barred for {partner}: {hit[0][1]}"
            out.at[i, "tier"] = out.at[i, "rule_tier"] = "foundational"
            out.at[i, "tier_reason"] = out.at[i, "rule_reason"] = reason
    return out


def apply_tier_overrides(tiers: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """Replace rule tiers by the analyst's; ids not in the table are listed in attrs['warnings']."""
    out = tiers.reset_index(drop=True)
    out.attrs = {}
    pos = {e: i for i, e in enumerate(out["eccn"])}
    warnings: list[str] = []
    problems: list[str] = []
    if overrides is None or not len(overrides):
        out.attrs["warnings"] = warnings
        return out
    for n, r in enumerate(overrides.itertuples(index=False), start=2):
        eccn = str(getattr(r, "eccn", "")).strip()
        tier = str(getattr(r, "tier", "")).strip().lower()
        if tier not in TIERS:
            problems.append(f"tier_overrides.csv row {n}: tier {tier!r} for {eccn} is not one of {', '.join(TIERS)}")
            continue
        if eccn not in pos:
            warnings.append(f"tier override for {eccn} ignored: no such item")
            continue
        i = pos[eccn]
        if "tier_floor" in out and bool(out.at[i, "tier_floor"]) and tier != "foundational":
            warnings.append(
                f"tier override of {eccn} to {tier} ignored: {out.at[i, 'rule_reason']} is a floor "
                "no override can lower"
            )
            continue
        if out.at[i, "rule_tier"] == "nlr" and tier != "nlr":
            warnings.append(f"tier override of {eccn} to {tier} ignored: {out.at[i, 'rule_reason']}")
            continue
        who = ", ".join(x for x in (_text(getattr(r, "author", "")), _date(getattr(r, "date", ""))) if x)
        why = _text(getattr(r, "reason", "")) or "no reason given"
        rule = f"{out.at[i, 'rule_tier']} ({out.at[i, 'rule_reason']})"
        out.at[i, "tier"] = tier
        out.at[i, "tier_source"] = "override"
        out.at[i, "tier_reason"] = f"analyst override: {why} [{who}]; rule said {rule}"
    if problems:
        raise DecontrolError("tier overrides have problems", problems)
    out.attrs["warnings"] = warnings
    return out


def _flag(v: object, default: bool = False) -> bool:
    if v is None or (isinstance(v, float) and v != v):
        return default
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    return bool(v)


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def _date(v: object) -> str:
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return _text(v)
