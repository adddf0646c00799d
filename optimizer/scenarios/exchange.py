"""Scenario files: the JSON a negotiator mails to a colleague, and its strict validation on import.

Import validates the whole file before anything is stored, so a malformed or mistyped file never
leaves half a scenario behind.
"""

from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path
from typing import Any

from optimizer.errors import DecontrolError
from optimizer.jsonsafe import read_json_file
from optimizer.scenarios.store import ScenarioRecord, ScenarioStore, validate_name
from optimizer.validation import FieldChecks, validate_fields
from optimizer.vocabulary import POSITIONS as VOCABULARY_POSITIONS

FORMAT = "decontrol-scenario"
FORMAT_VERSION = 1

#: field -> (expected JSON type(s), required)
_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "format": ((str,), True),
    "format_version": ((int,), True),
    "name": ((str,), True),
    "inputs": ((dict,), True),
    "results": ((dict,), True),
    "dataset_id": ((str,), False),
    "vintage": ((str,), False),
    "author": ((str,), False),
    "version": ((int,), False),
    "created_at": ((str,), False),
    "updated_at": ((str,), False),
}


#: Record fields that stay in the database: sharing with allies is decided per server, not mailed.
_LOCAL_FIELDS = ("shared_title", "share_id")


def to_document(rec: ScenarioRecord) -> dict[str, Any]:
    body = {k: v for k, v in rec.to_dict().items() if k not in _LOCAL_FIELDS}
    return {"format": FORMAT, "format_version": FORMAT_VERSION, **body}


def write_scenario_file(rec: ScenarioRecord, path: Path) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(to_document(rec), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DecontrolError(f"cannot write {path}: {exc.strerror or exc}") from None


def parse_document(doc: Any, source: str = "scenario file") -> dict[str, Any]:
    """Check a decoded scenario document field by field; return it or raise naming every problem."""
    if not isinstance(doc, dict):
        raise DecontrolError(f"{source}: expected a JSON object, got {type(doc).__name__}")
    by_field = {f: f"missing field '{f}'" for f, (_, required) in _FIELDS.items() if required and f not in doc}
    validate_fields(_document_checks(), doc, lambda f, message: by_field.setdefault(f, f"field '{f}' {message}"))
    problems = [by_field[f] for f in _FIELDS if f in by_field]  # in field order, as the format lists them
    if not problems:
        if doc["format"] != FORMAT:
            problems.append(f"field 'format' is '{doc['format']}', expected '{FORMAT}'")
        if doc["format_version"] > FORMAT_VERSION:
            problems.append(
                f"format_version {doc['format_version']} is newer than this decontrol reads ({FORMAT_VERSION})"
            )
        try:
            validate_name(doc["name"])
        except DecontrolError as exc:
            problems.append(exc.message)
        scenario = doc["inputs"].get("scenario")
        if scenario is not None:
            problems += _scenario_problems(scenario)
        problems += _positions_problems(doc["inputs"].get("ally_positions"))
        problems += _results_problems(doc["results"])
        problems += _control_character_problems(doc)
    unknown = sorted(set(doc) - set(_FIELDS))
    if unknown:
        problems.append(f"unknown field(s): {', '.join(unknown)}")
    if problems:
        raise DecontrolError(f"{source} is not a valid decontrol scenario; nothing was stored", problems)
    return doc


POSITIONS = VOCABULARY_POSITIONS


def _type_check(types: tuple[type, ...]) -> Any:
    """A field check of the document model: the value's JSON type is one of `types` (never a bool)."""

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, types):
            want = "/".join({dict: "object", str: "text", int: "integer"}[t] for t in types)
            raise ValueError(f"must be {want}, got {type(value).__name__} {json.dumps(value)[:40]}")
        return value

    return check


def _document_checks() -> FieldChecks:
    """The scenario document's field checks (`optimizer.validation.validate_fields`): one per
    `_FIELDS` entry, type-checked; the contents are checked by the functions below."""
    return {f: _type_check(types) for f, (types, _) in _FIELDS.items()}


def _positions_problems(positions: Any) -> list[str]:
    """`inputs.ally_positions`: {ISO3: {ECCN: support|neutral|oppose}} (absent is fine)."""
    if positions is None:
        return []
    if not isinstance(positions, dict):
        return [f"field 'inputs.ally_positions' must be an object, got {type(positions).__name__}"]
    problems = []
    for iso, by_item in positions.items():
        if not (isinstance(iso, str) and len(iso) == 3 and iso.isalpha() and iso.isupper()):
            problems.append(f"inputs.ally_positions: '{str(iso)[:20]}' is not an ISO3 country code")
            continue
        if not isinstance(by_item, dict):
            problems.append(f"inputs.ally_positions.{iso} must be an object {{ECCN: position}}")
            continue
        for eccn, pos in by_item.items():
            if not isinstance(pos, str) or pos.lower() not in POSITIONS:
                problems.append(
                    f"inputs.ally_positions.{iso}.{str(eccn)[:12]}: position must be one of "
                    f"{', '.join(POSITIONS)}, got {json.dumps(pos)[:30]}"
                )
    return problems


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _results_problems(results: dict[str, Any]) -> list[str]:
    """`results`: a package (status, totals, items with an ECCN and a relief); numbers finite.
    An empty object means "not run yet"."""
    if not results:
        return []
    problems = []
    if not isinstance(results.get("status"), str):
        problems.append("results.status must be a text (e.g. optimal, infeasible)")
    for key in ("target_usd", "achieved_usd", "max_achievable_usd", "total_risk"):
        if key in results and results[key] is not None and not (_finite(results[key]) and results[key] >= 0):
            problems.append(f"results.{key} must be a number >= 0, got {json.dumps(results[key])[:30]}")
    items = results.get("items", [])
    if not isinstance(items, list):
        return problems + ["results.items must be a list"]
    for i, line in enumerate(items):
        if not isinstance(line, dict) or not isinstance(line.get("eccn"), str) or not line.get("eccn"):
            problems.append(f"results.items[{i}] must be an object with an 'eccn' text")
            continue
        bad = [k for k, v in line.items() if isinstance(v, float) and not math.isfinite(v)]
        if bad:
            problems.append(f"results.items[{i}] ({line['eccn']}): {', '.join(bad)} must be finite numbers")
    return problems


def _control_character_problems(doc: Any, where: str = "") -> list[str]:
    """Texts must not hide control characters (a name with a carriage return or an escape code
    would print misleadingly); line breaks and tabs are allowed in long texts only."""
    problems: list[str] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            problems += _control_character_problems(k, where + "(key)")
            problems += _control_character_problems(v, f"{where}.{k}" if where else str(k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            problems += _control_character_problems(v, f"{where}[{i}]")
    elif isinstance(doc, str):
        allowed = "" if where in ("name", "author", "vintage", "dataset_id", "format") else "\n\t"
        bad = sorted({f"U+{ord(c):04X}" for c in doc if unicodedata.category(c) == "Cc" and c not in allowed})
        if bad:
            problems.append(f"field '{where}' contains control characters ({', '.join(bad[:5])})")
    return problems[:20]


def _scenario_problems(scenario: Any) -> list[str]:
    """Validate `inputs.scenario` with the optimizer's own Scenario rules when that module exists."""
    if not isinstance(scenario, dict):
        return [f"field 'inputs.scenario' must be an object, got {type(scenario).__name__}"]
    try:
        from optimizer.model.scenario import Scenario
    except ImportError:  # pragma: no cover - the optimizer is part of the package
        return []
    try:
        Scenario.from_dict(scenario)
    except DecontrolError as exc:
        return [f"inputs.scenario: {exc.message}"] + [f"inputs.scenario: {d}" for d in exc.details]
    return []


def read_scenario_file(path: Path) -> dict[str, Any]:
    try:
        doc = read_json_file(path, "scenario file")
    except DecontrolError as exc:
        raise DecontrolError(f"{exc.message}; nothing was stored") from None
    return parse_document(doc, source=str(path))


def import_scenario(
    store: ScenarioStore, doc: dict[str, Any], *, name: str | None = None, author: str = ""
) -> ScenarioRecord:
    """Store a validated document as a new scenario (under `name` if given)."""
    doc = parse_document(doc)
    return store.save(
        name or doc["name"],
        doc["inputs"],
        doc["results"],
        dataset_id=doc.get("dataset_id", ""),
        vintage=doc.get("vintage", ""),
        author=author or doc.get("author", ""),
    )
