"""Scenario files: the JSON a negotiator mails to a colleague, and its strict validation on import.

Import validates the whole file before anything is stored, so a malformed or mistyped file never
leaves half a scenario behind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from optimizer.errors import DecontrolError
from optimizer.jsonsafe import read_json_file
from optimizer.scenarios.store import ScenarioRecord, ScenarioStore, validate_name

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
    problems = []
    for field, (types, required) in _FIELDS.items():
        if field not in doc:
            if required:
                problems.append(f"missing field '{field}'")
            continue
        value = doc[field]
        if isinstance(value, bool) or not isinstance(value, types):
            want = "/".join({dict: "object", str: "text", int: "integer"}[t] for t in types)
            problems.append(f"field '{field}' must be {want}, got {type(value).__name__} {json.dumps(value)[:40]}")
    if not problems:
        if doc["format"] != FORMAT:
            problems.append(f"field 'format' is '{doc['format']}', expected '{FORMAT}'")
        if doc["format_version"] > FORMAT_VERSION:
            problems.append(f"format_version {doc['format_version']} is newer than this decontrol reads ({FORMAT_VERSION})")
        try:
            validate_name(doc["name"])
        except DecontrolError as exc:
            problems.append(exc.message)
        scenario = doc["inputs"].get("scenario")
        if scenario is not None:
            problems += _scenario_problems(scenario)
    unknown = sorted(set(doc) - set(_FIELDS))
    if unknown:
        problems.append(f"unknown field(s): {', '.join(unknown)}")
    if problems:
        raise DecontrolError(f"{source} is not a valid decontrol scenario; nothing was stored", problems)
    return doc


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


def import_scenario(store: ScenarioStore, doc: dict[str, Any], *, name: str | None = None,
                    author: str = "") -> ScenarioRecord:
    """Store a validated document as a new scenario (under `name` if given)."""
    doc = parse_document(doc)
    return store.save(name or doc["name"], doc["inputs"], doc["results"], dataset_id=doc.get("dataset_id", ""),
                      vintage=doc.get("vintage", ""), author=author or doc.get("author", ""))
