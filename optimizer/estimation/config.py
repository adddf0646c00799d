"""Every parameter of the estimation layer, in one frozen, validated object.

The item table is a chain of judgements (which reasons count as WMD, how much a reason weighs,
how foreign availability is scored). Keeping them in one `EstimationConfig` makes each judgement
visible, editable from the CLI (`decontrol items --config FILE.json`) and the dashboard, and
recordable in a scenario (`to_dict()` is plain JSON).

The numbers below are **defaults chosen by an analyst, not facts**: risk weights express how much
security a licence requirement under each reason buys; FA weights express how the 15 CFR 768
criteria (non-US sources, indigenous capacity, several sources) are combined into one score.

Mapping-valued settings (`risk_weights`, `fa_weights`, `controlled_share_by_confidence`,
`chokepoints`, `partner_reason_bars`, `regime_aliases`, `targeted_reasons`, `military_relevant_ns2`,
`blocked_share_denied`) are *merged* into the current values by `from_dict` and
`replace`, so `{"risk_weights": {"NS2": 0.7}}` changes one weight and keeps the others.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from optimizer.errors import DecontrolError
from optimizer.validation import NumberError, read_number
from optimizer.vocabulary import POLICY_TIERS
from optimizer.vocabulary import TIERS as ALL_TIERS

#: Policy tiers (what an analyst may set); `nlr` is a fact of the destination, never set by hand.
TIERS: tuple[str, ...] = POLICY_TIERS
#: Every tier an item-table row can carry: the policy tiers plus `nlr` (no licence required to the
#: partner: nothing to relieve). Both defined in `optimizer.vocabulary`.
ITEM_TIERS: tuple[str, ...] = ALL_TIERS
VALUE_METHODS: tuple[str, ...] = ("gap", "baseline")
RISK_AGGREGATIONS: tuple[str, ...] = ("max_plus", "sum")
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")
FA_COMPONENTS: tuple[str, ...] = ("non_regime", "capacity", "suppliers")

#: Risk weight per reason for control. A key with a digit or an underscore (NS1, RS_AC) matches
#: that code exactly; a bare family (MT, CB, CC) matches every code of the family without an
#: exact key (MT1, CB2, CC3) and the bare code itself (a reason whose chart column the CCL text does
#: not state; NS, NP, RS bare are weighed at their most serious column, the cautious reading).
#: Destination-specific controls that never bind on the focus partners (Iraq RS_IQ, Pakistan RS_PK,
#: Russia/Belarus sanctions RU) weigh like anti-terrorism controls.
DEFAULT_RISK_WEIGHTS: dict[str, float] = {
    "NS1": 1.0,
    "NS2": 0.5,
    "NS": 1.0,
    "NS_AC": 1.0,
    "NS_WW": 1.0,
    "MT": 1.0,
    "NP1": 1.0,
    "NP2": 0.4,
    "NP": 1.0,
    "CB": 1.0,
    "CW": 1.0,
    "RS1": 0.6,
    "RS2": 0.3,
    "RS": 0.6,
    "RS_AC": 1.0,
    "RS_WW": 1.0,
    "RS_CRV": 0.6,
    "RS_IQ": 0.05,
    "RS_PK": 0.05,
    "CC": 0.2,
    "AT": 0.05,
    "EI": 0.3,
    "FC": 0.2,
    "SL": 0.2,
    "SS": 0.05,
    "UN": 0.5,
    "FP": 0.1,
    "RU": 0.05,
    "SI": 0.5,
    # the military end-use rule (744.21): relief lets the item reach the partner's military end users
    "MEU": 0.8,
}

#: NS2 entries of evident military relevance: not legacy for an arms-embargoed partner (Country Group
#: D:5), whatever their age (ECCN -> why). Undersea and naval systems, sonar, propulsion hot sections,
#: armour and energetic items, compound-semiconductor and infrared materials.
DEFAULT_MILITARY_RELEVANT_NS2: dict[str, str] = {
    "1A005": "body armour",
    "1A006": "IED disposal equipment",
    "1A008": "explosive charges and devices",
    "1C004": "tungsten and uranium-titanium alloys (penetrator materials)",
    "3C001": "hetero-epitaxial compound-semiconductor materials",
    "3C003": "organo-inorganic III-V precursors",
    "3C004": "high-purity III-V hydrides",
    "3C005": "SiC/GaN high-resistivity substrates",
    "3C006": "SiC/GaN epitaxial materials",
    "6A001": "acoustic (sonar) systems",
    "6A006": "magnetometers and underwater electric-field sensors",
    "6C002": "infrared sensor materials",
    "7A008": "underwater sonar navigation",
    "8A001": "submersible vehicles and surface vessels",
    "8A002": "marine systems and components",
    "8B001": "water tunnels for propulsion noise",
    "8C001": "syntactic foam for underwater use",
    "9A002": "marine gas turbine engines",
    "9A003": "aero gas turbine hot-section assemblies",
    "9B009": "tooling for turbine powder-metallurgy rotors",
}

#: Controlled-technology chokepoints kept foundational whatever their reasons say (ECCN -> why):
#: the US-only advanced-computing entries (3A090/4A090 and their software, technology and model
#: weights), semiconductor manufacturing equipment and its software/technology (2022-2024 SME
#: rules), and the 2024 worldwide "x9xx" entries for quantum, advanced-semiconductor and additive
#: manufacturing items that the US controls with like-minded states outside Wassenaar.
DEFAULT_CHOKEPOINTS: dict[str, str] = {
    "3A090": "advanced-computing integrated circuits",
    "4A090": "advanced-computing computers",
    "4D090": "software for advanced-computing computers",
    "4E091": "parameters (weights) of frontier AI models",
    "3B001": "semiconductor manufacturing equipment",
    "3B002": "semiconductor test and inspection equipment",
    "3B090": "semiconductor manufacturing equipment (US-only entry)",
    "3B993": "semiconductor manufacturing equipment (2024 SME rule)",
    "3B994": "advanced-node semiconductor manufacturing equipment (2024 SME rule)",
    "3D001": "software for ICs and semiconductor manufacturing equipment",
    "3D992": "software for SME (2024 SME rule)",
    "3D993": "software for SME (2024 SME rule)",
    "3D994": "software for advanced-node SME (2024 SME rule)",
    "3E001": "technology for ICs and semiconductor manufacturing equipment",
    "3E992": "technology for SME (2024 SME rule)",
    "3E993": "technology for SME (2024 SME rule)",
    "3E994": "technology for advanced-node SME (2024 SME rule)",
    "4E001": "technology for computers incl. advanced-computing items",
    "2B910": "additive manufacturing equipment (2024 worldwide control)",
    "2D910": "software for additive manufacturing (2024 worldwide control)",
    "2E903": "technology for coating/manufacturing (2024 worldwide control)",
    "2E910": "technology for additive manufacturing (2024 worldwide control)",
    "3A901": "advanced electronic items (2024 worldwide control)",
    "3A904": "cryogenic cooling for quantum systems (2024 worldwide control)",
    "3B903": "SEM equipment for IC imaging (2024 worldwide control)",
    "3B904": "cryogenic wafer probers (2024 worldwide control)",
    "3C907": "epitaxial materials (2024 worldwide control)",
    "3C908": "silicon/germanium precursors (2024 worldwide control)",
    "3C909": "isotopically enriched silicon/germanium (2024 worldwide control)",
    "3D901": "software for advanced electronics (2024 worldwide control)",
    "3D907": "GDSII extraction software (2024 worldwide control)",
    "3E901": "technology for advanced electronics (2024 worldwide control)",
    "3E905": "GAAFET technology (2024 worldwide control)",
    "4A906": "quantum computers (2024 worldwide control)",
    "4D906": "software for quantum computers (2024 worldwide control)",
    "4E906": "technology for quantum computers (2024 worldwide control)",
}


def _freeze(d: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(d))


@dataclass(frozen=True)
class EstimationConfig:
    """All estimation parameters. Build with `EstimationConfig()` or `EstimationConfig.from_dict(d)`."""

    #: Trade year to estimate on; None = the latest year in the trade data.
    year: int | None = None
    #: 'gap' (partner's imports at the US world share minus current US exports) or 'baseline'
    #: (US exports to the partner lost since `baseline_year`).
    value_method: str = "gap"
    baseline_year: int | None = None
    #: Controlled share of an HS code when the concordance row leaves it blank.
    controlled_share_by_confidence: Mapping[str, float] = field(
        default_factory=lambda: _freeze({"high": 0.5, "medium": 0.2, "low": 0.05})
    )
    #: Upper bound of the summed controlled shares of all items on one HS code (1 = the whole code).
    max_share_per_hs6: float = 1.0
    #: Reason -> risk weight (see DEFAULT_RISK_WEIGHTS).
    risk_weights: Mapping[str, float] = field(default_factory=lambda: _freeze(DEFAULT_RISK_WEIGHTS))
    #: Weight of a reason code missing from `risk_weights`.
    unknown_reason_weight: float = 0.5
    #: Base risk of an entry whose reasons are not known (2026 heading only).
    unknown_reasons_risk: float = 1.0
    #: 'max_plus': max weight + rest_factor x the other weights; 'sum': plain sum.
    risk_aggregation: str = "max_plus"
    risk_rest_factor: float = 0.25
    #: risk = risk_base x (1 - fa_risk_reduction x fa_score).
    fa_risk_reduction: float = 0.5
    #: Weights of the FA components in the score (they must sum to 1).
    fa_weights: Mapping[str, float] = field(
        default_factory=lambda: _freeze({"non_regime": 0.5, "capacity": 0.3, "suppliers": 0.2})
    )
    #: Non-regime share of world exports at which that component reaches 1.
    fa_non_regime_saturation: float = 0.5
    #: Number of significant non-US suppliers at which that component reaches 1.
    fa_supplier_target: int = 5
    #: Minimum share of world exports for a supplier to count as significant.
    min_supplier_share: float = 0.02
    #: How many suppliers `fa_top_suppliers` lists.
    top_suppliers: int = 5
    #: WMD reasons (foundational wherever they appear). Exact code or bare family, as in risk_weights;
    #: a bare family code (NP with no column) counts when any pattern of its family does (cautious).
    wmd_reasons: tuple[str, ...] = ("NP1", "MT", "CB", "CW")
    #: Chokepoint reasons outside the Country Chart (foundational wherever they appear):
    #: advanced computing / SME (RS_AC, NS_AC: 742.6(a)(6),(11),(13), 742.4(a)(4)) and the 2024
    #: worldwide quantum / advanced-semiconductor controls (RS_WW, NS_WW: 742.6(a)(10), 742.4(a)(5)).
    chokepoint_reasons: tuple[str, ...] = ("RS_AC", "NS_AC", "RS_WW", "NS_WW")
    #: Reasons compatible with the legacy tier (an entry with only these is legacy): anti-terrorism,
    #: NS2, NP2 (US-only civil nuclear), and controls that do not bind on a non-embargoed,
    #: non-sanctioned partner: UN embargoes, Iraq/Pakistan RS (RS_IQ, RS_PK), Russia/Belarus
    #: sanctions (RU) and the foreign-policy text that accompanies them in the CCL (FP).
    legacy_reasons: tuple[str, ...] = ("AT", "NS2", "NP2", "UN", "RS_IQ", "RS_PK", "RU", "FP")
    #: ECCN -> why it is a chokepoint (foundational).
    chokepoints: Mapping[str, str] = field(default_factory=lambda: _freeze(DEFAULT_CHOKEPOINTS))
    #: Tier of an entry that is neither foundational nor legacy by rule (see tiers.py).
    remainder_tier: str = "foundational"
    #: Partner -> {reason: why}: reasons barred by statute for that partner make the item
    #: foundational in its table (a partner-specific rule; see tiers.apply_partner_bars).
    partner_reason_bars: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: _freeze(
            {
                "CHN": {
                    "CC": "Tiananmen sanctions (P.L. 101-246 sec. 902) suspend crime-control licences "
                    "for China unless the President waives them"
                }
            }
        )
    )
    #: Regime codes of ccl.regime read as another regime's membership (munitions list -> WA).
    regime_aliases: Mapping[str, str] = field(default_factory=lambda: _freeze({"ML": "WA"}))
    #: Partner -> {reason: why}: requirements imposed on that partner recently and on purpose, so an
    #: item they bind on is not legacy there (default: NP2 for China and Macau, 88 FR 54875, Aug. 2023).
    targeted_reasons: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: _freeze(
            {
                "CHN": {"NP2": "China-targeted NP2 requirement of Aug. 2023 (88 FR 54875)"},
                "MAC": {"NP2": "China/Macau-targeted NP2 requirement of Aug. 2023 (88 FR 54875)"},
            }
        )
    )
    #: NS2 entries of evident military relevance (ECCN -> why): not legacy for D:5 partners.
    military_relevant_ns2: Mapping[str, str] = field(default_factory=lambda: _freeze(DEFAULT_MILITARY_RELEVANT_NS2))
    #: Partner -> share of licence applications denied or returned without action ('*' for the rest):
    #: China 30.1% in FY2022 (BIS figures reported by insidetelecom.com; shared/data-sources/
    #: us-trade-totals/bis_licensing.csv). No published figure for allies: 5% is an assumption.
    blocked_share_denied: Mapping[str, float] = field(
        default_factory=lambda: _freeze({"CHN": 0.301, "MAC": 0.301, "*": 0.05})
    )
    #: Share of the licensed trade that is never applied for (deterrence); no public measure: 0.
    blocked_share_deterrence: float = 0.0
    #: Share of the partner's demand for a Supp. No. 2 item that goes to military end uses or end users
    #: (an assumption: no public measure).
    meu_end_use_share: float = 0.10
    #: Share of military end-use licence value denied, revoked or returned without action: 62%
    #: ($545bn of $880bn, applications for China's Entity List parties 2018-2023, BIS figures).
    meu_blocked_share: float = 0.62
    #: Share of an item's trade a requirement covering only some paragraphs binds on.
    partial_paragraph_share: float = 0.5

    def __post_init__(self) -> None:
        _validate(self)

    def __hash__(self) -> int:  # dashboards cache item tables per config
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    # ------------------------------------------------------------------ (de)serialisation
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict of every setting."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, Mapping):
                v = {k: dict(x) if isinstance(x, Mapping) else x for k, x in v.items()}
            elif isinstance(v, tuple):
                v = list(v)
            out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> EstimationConfig:
        """Defaults updated by `d`; unknown or bad settings raise DecontrolError naming the key."""
        return cls().replace(**dict(d or {}))

    @classmethod
    def from_json_file(cls, path: Path) -> EstimationConfig:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise DecontrolError(f"config file {path} does not exist") from None
        except json.JSONDecodeError as exc:
            raise DecontrolError(f"config file {path} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise DecontrolError(f"config file {path} must hold a JSON object of settings")
        return cls.from_dict(data)

    def replace(self, **changes: Any) -> EstimationConfig:
        """A copy with `changes` applied (mapping settings merged key by key), validated."""
        names = {f.name: f for f in fields(self)}
        unknown = sorted(set(changes) - set(names))
        if unknown:
            raise DecontrolError(f"unknown estimation setting '{unknown[0]}': expected one of {', '.join(names)}")
        kwargs: dict[str, Any] = {}
        for name, value in changes.items():
            current = getattr(self, name)
            if isinstance(current, Mapping):
                if not isinstance(value, Mapping):
                    raise DecontrolError(f"estimation setting '{name}' must be an object of key: value")
                merged = dict(current)
                merged.update({str(k): v for k, v in value.items()})
                value = _freeze(merged)
            elif isinstance(current, tuple):
                if isinstance(value, str) or not isinstance(value, (list, tuple)):
                    raise DecontrolError(f"estimation setting '{name}' must be a list of strings")
                value = tuple(str(v) for v in value)
            kwargs[name] = value
        base = {f.name: getattr(self, f.name) for f in fields(self)}
        base.update(kwargs)
        return EstimationConfig(**base)

    # ------------------------------------------------------------------ helpers
    def blocked_share(self, partner: str) -> float:
        """Share of licence-bound trade a requirement blocks for `partner`: denied or returned
        without action, plus the deterred share of the rest."""
        d = float(self.blocked_share_denied.get(partner, self.blocked_share_denied["*"]))
        return d + (1.0 - d) * float(self.blocked_share_deterrence)

    def risk_weight(self, code: str) -> float:
        """Weight of one reason code: exact key first, then its family, else unknown_reason_weight."""
        if code in self.risk_weights:
            return float(self.risk_weights[code])
        fam = reason_family(code)
        if fam in self.risk_weights:
            return float(self.risk_weights[fam])
        return float(self.unknown_reason_weight)


def reason_family(code: str) -> str:
    """'NS1' -> 'NS', 'RS_AC' -> 'RS', 'CB2' -> 'CB', 'EI' -> 'EI'."""
    head = code.split("_", 1)[0]
    return head.rstrip("0123456789")


def is_bare(code: str) -> bool:
    """A family code with no column or rule suffix ('NS', 'NP')."""
    return not any(ch.isdigit() for ch in code) and "_" not in code


def reason_matches(code: str, pattern: str) -> bool:
    """A pattern with a digit or '_' matches exactly; a bare family matches the whole family."""
    if not is_bare(pattern):
        return code == pattern
    return reason_family(code) == pattern


# ---------------------------------------------------------------------- validation
def _number(name: str, v: Any, lo: float | None = 0.0, hi: float | None = None, integer: bool = False) -> None:
    try:
        read_number(v, text=False, lo=lo, hi=hi, integer=integer, finite=False)
    except NumberError as exc:
        if exc.kind in ("type", "nonfinite"):
            raise DecontrolError(f"estimation setting '{name}' must be a number, got {v!r}") from None
        if exc.kind == "whole":
            raise DecontrolError(f"estimation setting '{name}' must be a whole number, got {v!r}") from None
        bound = f">= {lo}" if exc.kind == "low" else f"<= {hi}"
        raise DecontrolError(f"estimation setting '{name}' must be {bound}, got {v!r}") from None


def _choice(name: str, v: Any, allowed: tuple[str, ...]) -> None:
    if v not in allowed:
        raise DecontrolError(f"estimation setting '{name}' must be one of {', '.join(allowed)}, got {v!r}")


def _validate(c: EstimationConfig) -> None:
    for name in ("year", "baseline_year"):
        v = getattr(c, name)
        if v is not None:
            _number(name, v, lo=1900, hi=2100, integer=True)
    _choice("value_method", c.value_method, VALUE_METHODS)
    if c.value_method == "baseline" and c.baseline_year is None:
        raise DecontrolError("estimation setting 'baseline_year' is required when value_method is 'baseline'")
    for k, v in c.controlled_share_by_confidence.items():
        _choice("controlled_share_by_confidence", k, CONFIDENCES)
        _number(f"controlled_share_by_confidence.{k}", v, 0.0, 1.0)
    _number("max_share_per_hs6", c.max_share_per_hs6, 0.0, 1.0)
    if c.max_share_per_hs6 == 0:
        raise DecontrolError("estimation setting 'max_share_per_hs6' must be > 0")
    for k, v in c.risk_weights.items():
        _number(f"risk_weights.{k}", v, 0.0)
    _number("unknown_reason_weight", c.unknown_reason_weight, 0.0)
    _number("unknown_reasons_risk", c.unknown_reasons_risk, 0.0)
    _choice("risk_aggregation", c.risk_aggregation, RISK_AGGREGATIONS)
    _number("risk_rest_factor", c.risk_rest_factor, 0.0, 1.0)
    _number("fa_risk_reduction", c.fa_risk_reduction, 0.0, 1.0)
    for k, v in c.fa_weights.items():
        _choice("fa_weights", k, FA_COMPONENTS)
        _number(f"fa_weights.{k}", v, 0.0, 1.0)
    missing = [k for k in FA_COMPONENTS if k not in c.fa_weights]
    if missing:
        raise DecontrolError(f"estimation setting 'fa_weights.{missing[0]}' is missing")
    total = sum(float(v) for v in c.fa_weights.values())
    if abs(total - 1.0) > 1e-6:
        raise DecontrolError(f"estimation setting 'fa_weights' must sum to 1, got {total:g}")
    _number("fa_non_regime_saturation", c.fa_non_regime_saturation, 0.0, 1.0)
    if c.fa_non_regime_saturation == 0:
        raise DecontrolError("estimation setting 'fa_non_regime_saturation' must be > 0")
    _number("fa_supplier_target", c.fa_supplier_target, 1, integer=True)
    _number("min_supplier_share", c.min_supplier_share, 0.0, 1.0)
    _number("top_suppliers", c.top_suppliers, 1, integer=True)
    for name in ("wmd_reasons", "chokepoint_reasons", "legacy_reasons"):
        for v in getattr(c, name):
            if not v or not v.strip():
                raise DecontrolError(f"estimation setting '{name}' has an empty reason code")
    for k, v in c.chokepoints.items():
        if not isinstance(v, str):
            raise DecontrolError(f"estimation setting 'chokepoints.{k}' must be a text saying why")
    _choice("remainder_tier", c.remainder_tier, ("transactional", "foundational"))
    for k, v in c.partner_reason_bars.items():
        if not isinstance(v, Mapping) or not all(isinstance(t, str) for t in v.values()):
            raise DecontrolError(f"estimation setting 'partner_reason_bars.{k}' must be an object of reason: why")
    for k, v in c.targeted_reasons.items():
        if not isinstance(v, Mapping) or not all(isinstance(t, str) for t in v.values()):
            raise DecontrolError(f"estimation setting 'targeted_reasons.{k}' must be an object of reason: why")
    for k, v in c.military_relevant_ns2.items():
        if not isinstance(v, str):
            raise DecontrolError(f"estimation setting 'military_relevant_ns2.{k}' must be a text saying why")
    for k, v in c.blocked_share_denied.items():
        _number(f"blocked_share_denied.{k}", v, 0.0, 1.0)
    if "*" not in c.blocked_share_denied:
        raise DecontrolError("estimation setting 'blocked_share_denied' needs a '*' entry for other partners")
    for name in ("blocked_share_deterrence", "meu_end_use_share", "meu_blocked_share", "partial_paragraph_share"):
        _number(name, getattr(c, name), 0.0, 1.0)
    for k, v in c.regime_aliases.items():
        if not isinstance(v, str):
            raise DecontrolError(f"estimation setting 'regime_aliases.{k}' must be a regime code")
