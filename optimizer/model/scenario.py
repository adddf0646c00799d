"""A scenario: the target, the objective, the constraints and the solver settings of one optimisation.

The same dict shape serves the CLI (`--scenario FILE.json`, flags override file values), the
dashboard's scenario store and the briefing's assumptions sheet, so `Scenario.from_dict` is the one
place where a scenario is checked. Every bad field raises a DecontrolError that names it.

Relief modes are the real instruments of `optimizer.licensing.instruments` (`lift` the partner's
requirement, licence `exception` eligibility, presumption of `approval`, `meu_removal` from Supp. No. 2
to Part 744); each item offers only the instruments that exist for it and the partner (the item
table's `instruments` column). What each unlocks of the item's licence-bound value, and what share of
its risk it carries, are *parameters*, not facts: the defaults below are documented assumptions
(`optimizer/model/README.md`) an analyst is expected to revise. `full` is read as `lift` (older files).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, TypeVar

from optimizer import vocabulary
from optimizer.errors import DecontrolError
from optimizer.jsonsafe import read_json_file
from optimizer.validation import NumberError, read_number, validate_fields

Objective = Literal["min-risk", "max-value", "min-items"]
OBJECTIVES: tuple[str, ...] = ("min-risk", "max-value", "min-items")
MODES: tuple[str, ...] = vocabulary.MODES
#: Names of earlier versions, read as today's instrument.
MODE_ALIASES: dict[str, str] = {"full": "lift"}
SOLVERS: tuple[str, ...] = ("auto", "cbc", "highs")
#: The foreign-availability threshold every entry point starts from (CLI, dashboard, coalition, the
#: Allies -> builder hand-off, scenario files that omit `min_fa`). One value, so the same request
#: ranks the same eligible items everywhere. 0.5: an item whose partner-side supply is less than half
#: non-US, non-regime (15 CFR 768 proxies, `optimizer.estimation.foreign_availability`) is not
#: "widely available" and a licence requirement on it still protects something; an analyst lowers it
#: on purpose (the value used is printed with every package, in the builder and in the deck).
DEFAULT_MIN_FA: float = 0.5
_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class ModeParams:
    """Share of an item's concession value a relief mode unlocks, and share of its risk it carries."""

    value_share: float
    risk_share: float

    def to_dict(self) -> dict[str, float]:
        return {"value_share": self.value_share, "risk_share": self.risk_share}


#: Default mode parameters (assumptions for the analyst to revise, not estimates).
#: lift: the requirement goes, so all of the blocked trade is unlocked and all of the risk carried.
#: exception: GBS/LVS/TSR come with conditions (value limits, written assurances, no military end
#: use): about 70% of the blocked trade for half the risk. approval: a licence is still needed but
#: presumed approved (delays, conditions and the chilling effect stay): 40% of the value, a quarter of
#: the risk. meu_removal: the item's value and risk are already the military end-use share.
DEFAULT_MODE_PARAMS: dict[str, ModeParams] = {
    "lift": ModeParams(1.0, 1.0),
    "exception": ModeParams(0.7, 0.5),
    "approval": ModeParams(0.4, 0.25),
    "meu_removal": ModeParams(1.0, 1.0),
}


@dataclass(frozen=True)
class CategoryCap:
    """A cap on one CCL category (0-9): at most `max_items` items, and/or at most
    `max_value_share` of the package's concession value."""

    max_items: int | None = None
    max_value_share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            k: v for k, v in (("max_items", self.max_items), ("max_value_share", self.max_value_share)) if v is not None
        }


@dataclass(frozen=True)
class Scenario:
    """Everything one optimisation needs besides the item table.

    `target_usd`: concession value to reach, US$ per year (the package's value must be at least this).
    `objective`: 'min-risk' (default), 'max-value' (under `risk_budget`), 'min-items'.
    `min_fa`: items with a foreign-availability score below this are left out (default `DEFAULT_MIN_FA`).
    `locks`: items never relieved; `forced`: items that must be relieved.
    `allies`: which `ally_<ISO3>` columns count (None: all in the table); an item any of them opposes
    is left out unless `allow_opposed`, in which case it costs `ally_penalty` risk points per ally.
    `coherence`: software/technology (D/E) relief only with relief of hardware (A/B/C) of its family.
    `modes`: the instruments the analyst allows (each item offers those of them that exist for it).
    `bis_alone`: only items BIS can decide alone (no regime, statute or other agency involved).
    `max_diversion`: leave out items whose mapped codes show a diversion signal at or above this
    combined score (0-1; None: no screen); needs the table's `diversion_score` column
    (`optimizer.diversion.exposure.with_diversion`).
    `rel_gap`: relative optimality gap at which the solver may stop (0.001 = within 0.1% of optimal).
    """

    target_usd: float = 0.0
    objective: Objective = "min-risk"
    min_fa: float = DEFAULT_MIN_FA
    max_items: int | None = None
    modes: tuple[str, ...] = MODES
    mode_params: dict[str, ModeParams] = field(default_factory=lambda: dict(DEFAULT_MODE_PARAMS))
    locks: tuple[str, ...] = ()
    forced: tuple[str, ...] = ()
    risk_budget: float | None = None
    category_caps: dict[str, CategoryCap] = field(default_factory=dict)
    allow_opposed: bool = False
    ally_penalty: float = 0.0
    allies: tuple[str, ...] | None = None
    coherence: bool = True
    bis_alone: bool = False
    max_diversion: float | None = None
    solver: str = "auto"
    time_limit_s: float = 60.0
    rel_gap: float = 0.001
    partner: str | None = None
    year: int | None = None

    # ------------------------------------------------------------------ conversion
    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scenario:
        """Validate a scenario dict (unknown keys, types, ranges); raise DecontrolError listing every problem."""
        if not isinstance(d, dict):
            raise DecontrolError(f"a scenario must be a JSON object, got {type(d).__name__}")
        problems: list[str] = []
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            problems.append(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        kw, bad = validate_fields(_CHECKS, d)
        problems += bad
        if not problems:
            try:
                return cls(**kw)._checked()
            except _Bad as exc:
                problems.append(str(exc))
        first = problems[0] if len(problems) == 1 else f"{len(problems)} problems"
        raise DecontrolError(f"invalid scenario: {first}", problems if len(problems) > 1 else [])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict that `from_dict` reads back to an equal Scenario."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "mode_params":
                v = {k: p.to_dict() for k, p in v.items()}
            elif f.name == "category_caps":
                v = {k: c.to_dict() for k, c in v.items()}
            elif isinstance(v, tuple):
                v = list(v)
            out[f.name] = v
        return out

    @classmethod
    def from_json_file(cls, path: Path) -> Scenario:
        return cls.from_dict(read_scenario_json(path))

    def replace(self, **changes: Any) -> Scenario:
        """A copy with `changes`, validated like `from_dict` (so a bad override is caught too)."""
        merged = self.to_dict() | {k: (v.to_dict() if isinstance(v, Scenario) else v) for k, v in changes.items()}
        merged["mode_params"] = {
            k: (p.to_dict() if isinstance(p, ModeParams) else p) for k, p in merged["mode_params"].items()
        }
        merged["category_caps"] = {
            k: (c.to_dict() if isinstance(c, CategoryCap) else c) for k, c in merged["category_caps"].items()
        }
        return Scenario.from_dict(merged)

    # ------------------------------------------------------------------ derived
    def params(self, mode: str) -> ModeParams:
        return self.mode_params[mode]

    def _checked(self) -> Scenario:
        missing = [m for m in self.modes if m not in self.mode_params]
        if missing:
            raise _Bad(f"modes: no mode_params for {', '.join(missing)}")
        both = sorted(set(self.locks) & set(self.forced))
        if both:
            raise _Bad(f"item(s) both locked and forced: {', '.join(both)}")
        return self


def read_scenario_json(path: Path) -> dict[str, Any]:
    """The dict in a scenario JSON file (UTF-8, BOM tolerated); DecontrolError if unreadable."""
    path = Path(path)
    doc = read_json_file(path, "scenario file")
    if isinstance(doc, dict) and isinstance(doc.get("inputs"), dict) and "scenario" in doc["inputs"]:
        doc = doc["inputs"]["scenario"]  # a stored-scenario document: use its optimisation inputs
    if not isinstance(doc, dict):
        raise DecontrolError(f"{path}: a scenario must be a JSON object, got {type(doc).__name__}")
    return doc


# ---------------------------------------------------------------------- field checks
class _Bad(ValueError):
    """One field's problem (collected by from_dict)."""


def _number(v: Any, *, lo: float | None = None, hi: float | None = None, lo_open: bool = False) -> float:
    try:
        return read_number(v, lo=lo, hi=hi, lo_open=lo_open)
    except NumberError as exc:
        if exc.kind == "type":
            raise _Bad(f"expected a number, got {json.dumps(v)[:40]}") from None
        if exc.kind == "text":
            raise _Bad(f"expected a number, got {v!r}") from None
        if exc.kind == "nonfinite":
            raise _Bad(f"expected a finite number, got {v!r}") from None
        if exc.kind == "low":
            raise _Bad(f"must be {'>' if lo_open else '>='} {lo:g}, got {exc.x:g}") from None
        raise _Bad(f"must be <= {hi:g}, got {exc.x:g}") from None


_T = TypeVar("_T")


def _opt(check: Callable[[Any], _T]) -> Callable[[Any], _T | None]:
    return lambda v: None if v is None else check(v)


def _int(v: Any, lo: int = 0) -> int:
    x = _number(v, lo=lo)
    if x != int(x):
        raise _Bad(f"expected a whole number, got {v!r}")
    return int(x)


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        s = str(v).strip().lower() if isinstance(v, str) else v
        if s not in options:
            raise _Bad(f"unknown value {v!r}: expected one of {', '.join(options)}")
        return s

    return check


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("true", "false", "yes", "no", "1", "0"):
        return v.strip().lower() in ("true", "yes", "1")
    raise _Bad(f"expected true or false, got {json.dumps(v)[:40]}")


def _str_list(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [p for p in re.split(r"[,\s]+", v) if p]
    if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
        raise _Bad(f"expected a list of texts, got {json.dumps(v, default=str)[:60]}")
    out: list[str] = []
    for x in (s.strip() for s in v):
        if x and x not in out:
            out.append(x)
    return tuple(out)


def normalise_item_id(item: str) -> str:
    """'2b001' -> '2B001'; the suffix of a sub-item ('2b001-rest' -> '2B001-rest') keeps its case."""
    base, sep, suffix = item.strip().partition("-")
    return base.upper() + sep + suffix


def _item_ids(v: Any) -> tuple[str, ...]:
    return tuple(normalise_item_id(x) for x in _str_list(v))


def _modes(v: Any) -> tuple[str, ...]:
    modes = tuple(MODE_ALIASES.get(m.lower(), m.lower()) for m in _str_list(v))
    if not modes:
        raise _Bad("at least one relief mode is needed")
    bad = [m for m in modes if m not in MODES]
    if bad:
        raise _Bad(f"unknown mode {bad[0]!r}: expected one of {', '.join(MODES)}")
    return tuple(m for m in MODES if m in modes)  # canonical order keeps models identical


def _mode_params(v: Any) -> dict[str, ModeParams]:
    if not isinstance(v, dict):
        raise _Bad("expected an object {mode: {value_share, risk_share}}")
    out = dict(DEFAULT_MODE_PARAMS)
    for mode, p in v.items():
        mode = MODE_ALIASES.get(str(mode), str(mode))
        if mode not in MODES:
            raise _Bad(f"unknown mode {mode!r}: expected one of {', '.join(MODES)}")
        if isinstance(p, ModeParams):
            p = p.to_dict()
        if not isinstance(p, dict) or set(p) - {"value_share", "risk_share"}:
            raise _Bad(f"{mode}: expected {{value_share, risk_share}}")
        base = out[mode]
        try:
            vs = _number(p.get("value_share", base.value_share), lo=0.0, hi=1.0, lo_open=True)
        except _Bad as exc:
            raise _Bad(f"{mode} value_share: {exc}") from None
        try:
            rs = _number(p.get("risk_share", base.risk_share), lo=0.0, hi=1.0)
        except _Bad as exc:
            raise _Bad(f"{mode} risk_share: {exc}") from None
        out[mode] = ModeParams(vs, rs)
    return out


def _caps(v: Any) -> dict[str, CategoryCap]:
    if not isinstance(v, dict):
        raise _Bad("expected an object {category: {max_items, max_value_share}}")
    out: dict[str, CategoryCap] = {}
    for cat, c in v.items():
        key = str(cat).strip()
        if not re.fullmatch(r"[0-9]", key):
            raise _Bad(f"category {cat!r} is not a CCL category 0-9")
        if isinstance(c, CategoryCap):
            c = c.to_dict()
        if not isinstance(c, dict) or not c or set(c) - {"max_items", "max_value_share"}:
            raise _Bad(f"category {key}: expected {{max_items and/or max_value_share}}")
        try:
            cap = CategoryCap(
                _opt(_int)(c.get("max_items")), _opt(lambda x: _number(x, lo=0.0, hi=1.0))(c.get("max_value_share"))
            )
        except _Bad as exc:
            raise _Bad(f"category {key}: {exc}") from None
        out[key] = cap
    return dict(sorted(out.items()))


def _allies(v: Any) -> tuple[str, ...] | None:
    if v is None:
        return None
    codes = tuple(c.upper() for c in _str_list(v))
    bad = [c for c in codes if not _ISO3.match(c)]
    if bad:
        raise _Bad(f"{bad[0]!r} is not an ISO3 code")
    return codes


def _partner(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip().upper()
    if not _ISO3.match(s):
        raise _Bad(f"{v!r} is not an ISO3 code")
    return s


_CHECKS = {
    "target_usd": lambda v: _number(v, lo=0.0),
    "objective": _choice(OBJECTIVES),
    "min_fa": lambda v: _number(v, lo=0.0, hi=1.0),
    "max_items": _opt(_int),
    "modes": _modes,
    "mode_params": _mode_params,
    "locks": _item_ids,
    "forced": _item_ids,
    "risk_budget": _opt(lambda v: _number(v, lo=0.0)),
    "category_caps": _caps,
    "allow_opposed": _bool,
    "ally_penalty": lambda v: _number(v, lo=0.0),
    "allies": _allies,
    "coherence": _bool,
    "bis_alone": _bool,
    "max_diversion": _opt(lambda v: _number(v, lo=0.0, hi=1.0)),
    "solver": _choice(SOLVERS),
    "time_limit_s": lambda v: _number(v, lo=0.0, lo_open=True),
    "rel_gap": lambda v: _number(v, lo=0.0, hi=1.0),
    "partner": _partner,
    "year": _opt(lambda v: _int(v, lo=1900)),
}


def with_overrides(base: Scenario, overrides: dict[str, Any]) -> Scenario:
    """`base` with the non-None `overrides` applied (CLI flags over a scenario file)."""
    changes = {k: v for k, v in overrides.items() if v is not None}
    return base.replace(**changes) if changes else base


__all__ = [
    "CategoryCap",
    "DEFAULT_MIN_FA",
    "DEFAULT_MODE_PARAMS",
    "MODES",
    "MODE_ALIASES",
    "ModeParams",
    "OBJECTIVES",
    "Objective",
    "SOLVERS",
    "Scenario",
    "normalise_item_id",
    "read_scenario_json",
    "with_overrides",
]
