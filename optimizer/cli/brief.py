"""`decontrol brief`: the briefing deck (PPTX, native charts) and workbook (XLSX) for a package.

    decontrol brief [optimize options | --scenario NAME|FILE] -o OUT.pptx [--xlsx OUT.xlsx]
                    [--audience internal|ally] [--marking TEXT] [--title TEXT] [--template FILE.pptx]
                    [--db URL]

The marking defaults to "CUI" (internal) and "CUI//REL TO USA, <allies>" or "CUI//DISPLAY ONLY" (ally);
it sits in the template's slide master, top and bottom of every slide. `--template` takes a copy of
optimizer/briefing/templates/briefing.pptx restyled in PowerPoint (keep its layout and marking-box names).

`--scenario` takes a saved scenario's name, an exported scenario file, or a scenario JSON as
`optimize` reads it. The ally audience gets shared facts only (no tiers, risk or internal notes).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from optimizer.audience import AUDIENCES
from optimizer.cli.optimize import _scenario_flags, scenario_from_args
from optimizer.errors import DecontrolError
from optimizer.scenarios.run import make_inputs, run_inputs


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "brief",
        help="export a briefing deck (PPTX) and workbook (XLSX)",
        description="Run (or load) a package and export a 16:9 briefing deck with native charts, "
        "the handling marking on every slide, and optionally the XLSX workbook.",
    )
    _scenario_flags(p, target_required=False)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pptx")
    p.add_argument("--xlsx", type=Path, default=None, metavar="OUT.xlsx")
    p.add_argument("--audience", choices=AUDIENCES, default="internal")
    p.add_argument(
        "--marking",
        default="",
        help="handling marking, top and bottom of every slide (default: CUI; ally: CUI//REL TO USA, <allies> "
        "or CUI//DISPLAY ONLY)",
    )
    p.add_argument("--title", default="", help="deck title (default: made from the package)")
    p.add_argument(
        "--template", type=Path, default=None, metavar="FILE.pptx", help="a restyled copy of the shipped deck template"
    )
    p.add_argument("--db", default=None, metavar="URL", help="scenario database, for --scenario NAME")
    p.set_defaults(func=_brief)


def _inputs(args: argparse.Namespace) -> dict[str, Any]:
    """Inputs from a saved scenario (name or exported file) or from the optimize flags."""
    if args.scenario is not None and not Path(args.scenario).exists():
        from optimizer.scenarios import ScenarioStore

        rec = ScenarioStore(args.db).get(str(args.scenario))
        return rec.inputs
    if args.scenario is not None:
        try:
            doc = json.loads(Path(args.scenario).read_text(encoding="utf-8-sig"))
        except (OSError, json.JSONDecodeError) as exc:
            raise DecontrolError(f"cannot read scenario file {args.scenario}: {exc}") from None
        if isinstance(doc, dict) and doc.get("format") == "decontrol-scenario":
            from optimizer.scenarios.exchange import parse_document

            return parse_document(doc, source=str(args.scenario))["inputs"]
    if args.target is None and args.scenario is None:
        raise DecontrolError("give --target USD with --partner or --items, or --scenario NAME|FILE")
    sc = scenario_from_args(args)
    if args.items is None:
        return make_inputs(sc)
    from optimizer.cli.optimize import align_with_rules
    from optimizer.model.items import read_items_csv

    # held to the rules here too, so a refusal names the file's own lines
    return make_inputs(sc, align_with_rules(read_items_csv(args.items), args, sc)[0])


def _brief(args: argparse.Namespace) -> int:
    from optimizer.briefing import write_deck, write_workbook
    from optimizer.briefing.collect import collect_briefing

    for path, suffix in ((args.output, ".pptx"), (args.xlsx, ".xlsx")):
        if path is not None and path.suffix.lower() != suffix:
            raise DecontrolError(f"{path} must end in {suffix}")
        if path is not None and not path.resolve().parent.is_dir():
            raise DecontrolError(f"folder {path.resolve().parent} does not exist")
    inputs = _inputs(args)
    if args.template is not None and not args.template.is_file():
        raise DecontrolError(f"template {args.template} does not exist")
    run = run_inputs(inputs, args.data)
    named = args.scenario is not None and not Path(args.scenario).exists()
    option = str(args.scenario) if named and args.audience == "internal" else ""  # an ally never sees the name
    b = collect_briefing(
        run,
        data_dir=args.data,
        audience=args.audience,
        marking=args.marking,
        title=args.title,
        option_name=option,
        inputs=inputs,
    )
    write_deck(b, args.output, template=args.template)
    print(
        f"wrote {args.output} ({args.audience} audience; {'SYNTHETIC' if b.hs6_synthetic else 'real'} HS6 trade data)"
    )
    if args.xlsx is not None:
        write_workbook(b, args.xlsx)
        print(f"wrote {args.xlsx}")
    if not run.result.found:
        print(f"note: no package was found ({run.result.status}); the deck shows the diagnosis")
    return 0
