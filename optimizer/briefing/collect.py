"""Assemble a `Briefing` from a scenario run: the package, its frontier and alternatives, the trade
context and every assumption, with provenance. Shared by `decontrol brief` and the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optimizer.briefing.content import Briefing
from optimizer.formatting import cut_words
from optimizer.gets.exchange import ExchangeSettings
from optimizer.model import compute_frontier, find_alternatives
from optimizer.scenarios.run import ScenarioRun


def short_source(text: str, limit: int = 90) -> str:
    """The first clause of a provenance note, for slide footers (the workbook keeps the full text)."""
    return cut_words(str(text).split(":")[0].split(";")[0], limit)


def collect_briefing(
    run: ScenarioRun,
    *,
    data_dir: Path | None = None,
    audience: str = "internal",
    marking: str = "",
    title: str = "",
    option_name: str = "",
    frontier_points: int = 20,
    n_alternatives: int = 3,
    tolerance: float = 0.05,
    inputs: dict[str, Any] | None = None,
) -> Briefing:
    """The briefing of a run (`title`: the deck's title, generated when empty; `option_name`: the
    scenario's name, in the notes, or its shareable title on an ally deck's first slide); with the scenario's `inputs` of an exchange scenario, its gives and gets and
    the reference exchanges too (computed again here, as the package is)."""
    from optimizer.data.load import load_dataset

    ds = load_dataset(data_dir)
    sc = run.scenario
    partner = sc.partner or (
        str(run.items["partner"].iloc[0]) if "partner" in run.items.columns and len(run.items) else ""
    )
    names = dict(zip(ds.countries["iso3"], ds.countries["name"]))
    totals = ds.partner_totals[ds.partner_totals["partner"] == partner].sort_values("year")
    totals_source = (
        str(totals["source"].iloc[0]).split(":")[0] + ", Census basis goods (real data)"
        if len(totals)
        else "no real totals for this partner"
    )
    frontier = compute_frontier(run.items, sc, points=frontier_points, known_eccns=run.known_eccns).to_dict()
    alternatives = []
    if run.result.found and n_alternatives:
        alternatives = [
            a.to_dict()
            for a in find_alternatives(
                run.items, sc, n=n_alternatives, tolerance=tolerance, base=run.result, known_eccns=run.known_eccns
            )
        ]
    package = run.result.to_dict()
    headings = dict(zip(run.items["eccn"], run.items.get("heading", run.items["eccn"])))
    for line in package.get("items", []):
        line.setdefault("heading", headings.get(line["eccn"], ""))
    assumptions: dict[str, Any] = {
        "partner": partner,
        "year": sc.year,
        **{k: v for k, v in sc.to_dict().items() if k not in ("partner", "year")},
    }
    config = run.items.attrs.get("config")
    if isinstance(config, dict):
        assumptions.update({f"estimation.{k}": v for k, v in config.items()})
    elif run.items.attrs.get("value_method"):
        assumptions["value_method"] = run.items.attrs["value_method"]
    provenance = {
        "dataset_id": run.dataset_id,
        "hs6_trade_data": ds.trade_source,
        "ccl": ds.provenance["ccl"].source if "ccl" in ds.provenance else "",
    }
    exchange, references = _exchange(ds, inputs, run) if inputs and inputs.get("exchange") else (None, [])
    return Briefing(
        partner=partner,
        partner_name=names.get(partner, partner),
        year=int(sc.year or 0),
        package=package,
        trade_totals=totals[["year", "exports_usd", "imports_usd", "balance_usd"]],
        trade_source=totals_source,
        hs6_source=short_source(ds.trade_source),
        hs6_synthetic=bool(ds.trade_synthetic),
        frontier=frontier.get("points", []),
        alternatives=alternatives,
        items=run.items,
        assumptions=assumptions,
        provenance=provenance,
        audience=audience,
        marking=marking,
        title=title,
        option_name=option_name,
        country_names={str(k): str(v) for k, v in names.items()},
        allies=tuple(sc.allies or ()),
        exchange=exchange,
        exchange_references=references,
    )


def _exchange(ds: Any, inputs: dict[str, Any], run: ScenarioRun) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    from optimizer.gets.package import exchange_from_inputs, reference_exchange, reference_names

    items = run.items if not inputs.get("items") else None
    report = exchange_from_inputs(ds, inputs, items=items)
    if report is None:
        return None, []
    settings = ExchangeSettings(**{k: v for k, v in report.settings.items()})
    refs = (
        [
            reference_exchange(
                ds, n, partner=report.partner, year=report.year, settings=settings, items=items
            ).to_dict()
            for n in reference_names(ds)
        ]
        if report.partner == "CHN"
        else []
    )
    return report.to_dict(), refs
