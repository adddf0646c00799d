"""The Scenarios page's logic: save the package builder's last run, open a saved scenario into the
builder, rename, duplicate, delete, and the list.

Saving is optimistic: a scenario opened at version n is saved "from version n"; if a colleague
saved it in between, `ScenarioStore.save` raises `StaleScenarioError`, nothing is written, and the
page shows the refusal inline. Every function takes the store, so tests use a throwaway database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimizer.data.schema import ALLIES
from optimizer.errors import DecontrolError
from optimizer.model.results import PackageResult
from optimizer.model.scenario import MODE_ALIASES, MODES, Scenario

BN = 1e9


@dataclass(frozen=True)
class Outcome:
    """What a scenario action did: a message for the page, whether it worked, and the scenario now
    open in the builder ({"name", "version"}; None: unchanged)."""

    message: str
    ok: bool
    opened: dict[str, Any] | None = None


def inputs_from_run(current: dict[str, Any]) -> dict[str, Any]:
    """The inputs document of a package-builder run: its scenario and the allies' oppositions as
    positions {ISO3: {ECCN: "oppose"}} (what `optimizer.scenarios.run.items_for_inputs` applies)."""
    if not current or not current.get("ok") or not current.get("scenario"):
        raise DecontrolError("there is no package to save: run one in the Package builder first")
    inputs: dict[str, Any] = {"scenario": dict(current["scenario"])}
    positions = {
        iso: {e: "oppose" for e in opposed} for iso, opposed in (current.get("positions") or {}).items() if opposed
    }
    if positions:
        inputs["ally_positions"] = positions
    return inputs


def recompute_package(ds: Any, current: dict[str, Any]) -> dict[str, Any]:
    """The package of a builder run solved again here, on the server, from its scenario and ally
    positions: what is saved never comes from the browser (which could send any numbers)."""
    from dashboard.logic.package_inputs import with_ally_positions
    from dashboard.state import item_table
    from optimizer.model import solve_package

    if ds is None:
        raise DecontrolError("no dataset to recompute the package on")
    scenario = Scenario.from_dict(current.get("scenario") or {})  # checked field by field
    partner, year = current.get("partner") or scenario.partner, current.get("year") or scenario.year
    if not partner:
        raise DecontrolError("the run names no partner")
    positions = current.get("positions") or {}
    if not isinstance(positions, dict) or not all(isinstance(v, (list, tuple)) for v in positions.values()):
        raise DecontrolError("the run's ally positions are not {ISO3: [ECCN, ...]}")
    from dashboard.logic.package import scenario_items

    items = scenario_items(ds, item_table(ds, partner, year), partner, scenario)
    table = with_ally_positions(items, {k: tuple(str(e) for e in v) for k, v in positions.items()})
    return solve_package(table, scenario).to_dict()


def save_current(
    store: Any,
    name: Any,
    current: dict[str, Any] | None,
    opened: dict[str, Any] | None,
    author: str = "",
    vintage: str = "",
    *,
    ds: Any,
) -> Outcome:
    """Save the builder's last run as `name`: from the opened version when `name` is the scenario
    that was opened (refused when stale), else as a new scenario (refused when the name is taken).
    The results are solved again on `ds` here; the version shown afterwards is the one this save wrote."""
    from optimizer.scenarios.store import StaleScenarioError

    clean = str(name or "").strip()
    if not clean:
        return Outcome("Give the scenario a name.", False)
    try:
        inputs = inputs_from_run(current or {})
        results = recompute_package(ds, current or {})
        base = opened.get("version") if opened and opened.get("name") == clean else None
        rec = store.save(
            clean,
            inputs,
            results,
            dataset_id=str(getattr(ds, "dataset_id", "") or (current or {}).get("dataset_id", "")),
            vintage=vintage,
            author=author,
            base_version=base,
        )
    except StaleScenarioError as exc:
        return Outcome(exc.message, False)
    except DecontrolError as exc:
        return Outcome(exc.message, False)
    return Outcome(f"Saved '{rec.name}' (version {rec.version}).", True, {"name": rec.name, "version": rec.version})


def scenario_rows(store: Any) -> list[dict[str, Any]]:
    """One row per saved scenario for the list (newest information first in each row)."""
    rows = []
    for rec in store.list():
        sc = (rec.inputs or {}).get("scenario") or {}
        res = PackageResult.from_dict(rec.results or {})
        rows.append(
            {
                "name": rec.name,
                "version": rec.version,
                "partner": sc.get("partner") or "",
                "year": sc.get("year"),
                "target_bn": round(float(sc.get("target_usd") or 0) / BN, 3),
                "achieved_bn": round(float(res.achieved_usd or 0) / BN, 3),
                "n_items": res.n_items,
                "status": res.status,
                "allies": ", ".join(sorted((rec.inputs or {}).get("ally_positions") or {})),
                "author": rec.author,
                "updated": str(rec.to_dict().get("updated_at", ""))[:16].replace("T", " "),
                "shared_title": rec.shared_title,
                "share_id": rec.share_id,
            }
        )
    return rows


def share(store: Any, name: Any, title: Any) -> Outcome:
    """Share a scenario with allies under a title of its own (empty title: stop sharing)."""
    try:
        rec = store.set_shared_title(str(name or ""), title)
    except DecontrolError as exc:
        return Outcome(exc.message, False)
    if not rec.shared_title:
        return Outcome(f"'{rec.name}' is no longer shared with allies.", True)
    return Outcome(f"Allies now see '{rec.name}' as '{rec.shared_title}' (never its name).", True)


def rename(store: Any, name: Any, new_name: Any, version: int | None = None) -> Outcome:
    try:
        rec = store.rename(str(name or ""), str(new_name or "").strip(), base_version=version)
    except DecontrolError as exc:
        return Outcome(exc.message, False)
    return Outcome(f"Renamed '{name}' to '{rec.name}'.", True)


def duplicate(store: Any, name: Any, new_name: Any, author: str = "") -> Outcome:
    try:
        rec = store.duplicate(str(name or ""), str(new_name or "").strip(), author=author)
    except DecontrolError as exc:
        return Outcome(exc.message, False)
    return Outcome(f"Copied '{name}' to '{rec.name}'.", True)


def delete(store: Any, name: Any, version: int | None = None) -> Outcome:
    try:
        store.delete(str(name or ""), base_version=version)
    except DecontrolError as exc:
        return Outcome(exc.message, False)
    return Outcome(f"Deleted '{name}'.", True)


def open_scenario(store: Any, name: Any) -> tuple[dict[str, Any], Outcome]:
    """The builder's form values for a saved scenario, and the version it is opened at."""
    try:
        rec = store.get(str(name or ""))
        form = form_from_inputs(rec.inputs)
    except DecontrolError as exc:
        return {}, Outcome(exc.message, False)
    opened = {"name": rec.name, "version": rec.version}
    # the builder solves the opened scenario again once (`run_opened`) and says which one it shows
    form = {**form, "opened": opened}
    return form, Outcome(f"Opened '{rec.name}' (version {rec.version}) in the Package builder.", True, opened)


def form_run_values(form: dict[str, Any]) -> Any:
    """The builder's `FormValues` for an opened scenario's form (as `form_from_inputs` gives it)."""
    from dashboard.logic.package_inputs import form_values

    keys = [
        *("partner", "year", "target_bn", "objective", "min_fa", "max_items", "modes", "risk_budget", "caps"),
        *("locks", "forced", "ally_oppose", "ally_policy", "ally_penalty", "coherence", "bis_alone", "no_diversion"),
    ]
    return form_values(**{k: form[k] for k in keys})


def run_opened(ds: Any, form: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """The package of an opened scenario, solved again from its saved inputs on the current data,
    and the builder's line naming it: (result, note). (None, "") for a form that is not an opened
    scenario (the Allies page's hand-off fills the form only). Solving again, once, rather than
    restoring a stored result: a result kept in browser storage re-triggered the background phase
    on every page load."""
    from dashboard.logic.package import run_package

    opened = form.get("opened")
    if not opened:
        return None, ""
    result = run_package(ds, form_run_values(form))
    label = f"Scenario '{opened['name']}' (version {opened['version']}) is open"
    if not result.get("ok"):
        return None, f"{label}: its saved inputs no longer pass the form's checks on the current data (see the form)."
    return result, f"{label}: its saved inputs, solved again on the current data. Save it from the Scenarios page."


def form_from_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """The package builder's widget values for a scenario's inputs (the inverse of its form check).

    Keys follow `dashboard.logic.package_inputs.FormValues`; `caps` in category order 0-9 and
    `ally_oppose` in `ALLIES` order, as the layout creates those widgets.
    """
    if inputs.get("items"):
        raise DecontrolError(
            "this scenario runs on its own item table; the Package builder runs on the estimated "
            "one (use `decontrol optimize --scenario` or the briefing download)"
        )
    sc = Scenario.from_dict(inputs.get("scenario") or {}).to_dict()
    positions = inputs.get("ally_positions") or {}
    opposed = {
        iso: ", ".join(sorted(e for e, p in by.items() if str(p).lower() == "oppose")) for iso, by in positions.items()
    }
    caps = sc.get("category_caps") or {}
    if sc.get("allies") == [] and positions:
        policy = "ignore"
    else:
        policy = "penalty" if sc.get("allow_opposed") else "exclude"
    return {
        "partner": sc.get("partner"),
        "year": sc.get("year"),
        "target_bn": round(float(sc.get("target_usd") or 0) / BN, 6),
        "objective": sc.get("objective", "min-risk"),
        "min_fa": float(sc["min_fa"]),
        "max_items": sc.get("max_items"),
        "modes": [MODE_ALIASES.get(m, m) for m in (sc.get("modes") or MODES)],
        "risk_budget": sc.get("risk_budget"),
        "caps": [(caps.get(str(c)) or {}).get("max_items") for c in range(10)],
        "locks": ", ".join(sc.get("locks") or []),
        "forced": ", ".join(sc.get("forced") or []),
        "ally_oppose": [opposed.get(iso, "") for iso in ALLIES],
        "ally_policy": policy,
        "ally_penalty": float(sc.get("ally_penalty") or 0.5) if policy == "penalty" else 0.5,
        "coherence": bool(sc.get("coherence", True)),
        "bis_alone": bool(sc.get("bis_alone", False)),
        "no_diversion": sc.get("max_diversion") is not None,
    }
