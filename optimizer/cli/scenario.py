"""`decontrol scenario ...`: save, list, show, export, import, rename, duplicate and delete scenarios.

    decontrol scenario save NAME [optimize options] [--base-version V] [--author A]
    decontrol scenario list [--format table|json]
    decontrol scenario show NAME [--format table|json]
    decontrol scenario export NAME -o FILE.json
    decontrol scenario import FILE.json [--name NEW]
    decontrol scenario rename NAME NEW | duplicate NAME NEW | delete NAME

Every command takes `--db URL` (default `$DECONTROL_DB`, else SQLite under `$DECONTROL_HOME` or
`~/.local/share/decontrol/`). A save over an existing scenario needs the version it was based on
(`--base-version`, shown by `list`): a stale version is refused and nothing is overwritten.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from optimizer.cli.common import emit_frame, emit_json
from optimizer.cli.optimize import _scenario_flags, scenario_from_args
from optimizer.errors import DecontrolError, InfeasibleError
from optimizer.formatting import fmt_usd
from optimizer.scenarios import ScenarioStore
from optimizer.scenarios.exchange import import_scenario, read_scenario_file, write_scenario_file
from optimizer.scenarios.run import current_user, make_inputs, run_inputs
from optimizer.scenarios.store import NameTakenError

if TYPE_CHECKING:
    from optimizer.scenarios.store import ScenarioRecord


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "scenario",
        help="save, list, export and import scenarios",
        description="Saved scenarios: inputs, package, dataset and author, versioned.",
    )
    ssub = p.add_subparsers(dest="scenario_command", metavar="ACTION", parser_class=type(p))
    ssub.required = True

    s = ssub.add_parser("save", help="run a package and save it under NAME")
    s.add_argument("name")
    _scenario_flags(s)
    s.add_argument(
        "--base-version",
        type=int,
        default=None,
        metavar="V",
        help="the version you edited (required to save over an existing scenario)",
    )
    s.add_argument("--author", default=None, help="who saves (default: the login name)")
    _db_flag(s)
    s.set_defaults(func=_save)

    lst = ssub.add_parser("list", help="list saved scenarios")
    lst.add_argument("--format", choices=("table", "json"), default="table")
    _db_flag(lst)
    lst.set_defaults(func=_list)

    sh = ssub.add_parser("show", help="show one scenario")
    sh.add_argument("name")
    sh.add_argument("--format", choices=("table", "json"), default="table")
    _db_flag(sh)
    sh.set_defaults(func=_show)

    ex = ssub.add_parser("export", help="write a scenario to a JSON file")
    ex.add_argument("name")
    ex.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.json")
    _db_flag(ex)
    ex.set_defaults(func=_export)

    im = ssub.add_parser("import", help="store a scenario from a JSON file (validated first)")
    im.add_argument("file", type=Path)
    im.add_argument("--name", default=None, help="store under this name instead of the file's")
    im.add_argument("--author", default=None)
    _db_flag(im)
    im.set_defaults(func=_import)

    for action, helptext in (("rename", "rename a scenario"), ("duplicate", "copy a scenario under a new name")):
        a = ssub.add_parser(action, help=helptext)
        a.add_argument("name")
        a.add_argument("new_name")
        _db_flag(a)
        a.set_defaults(func=_rename if action == "rename" else _duplicate)

    d = ssub.add_parser("delete", help="delete a scenario")
    d.add_argument("name")
    d.add_argument("--base-version", type=int, default=None, metavar="V")
    _db_flag(d)
    d.set_defaults(func=_delete)


def _db_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="SQLAlchemy URL (default $DECONTROL_DB, else SQLite in the user data directory)",
    )


def _store(args: argparse.Namespace) -> ScenarioStore:
    return ScenarioStore(args.db)


def _save(args: argparse.Namespace) -> int:
    if args.target is None and args.scenario is None:
        raise DecontrolError("give --target USD (the concession target, e.g. 2bn), or --scenario FILE.json")
    sc = scenario_from_args(args)
    items = None
    if args.items is not None:
        from optimizer.cli.optimize import align_with_rules
        from optimizer.model.items import read_items_csv

        # held to the rules here too, so a refusal names the file's own lines
        items = align_with_rules(read_items_csv(args.items), args, sc)[0]
    inputs = make_inputs(sc, items)
    if args.data is not None:
        inputs["data_dir"] = str(args.data)
    run = run_inputs(inputs, args.data)
    inputs["scenario"] = run.scenario.to_dict()
    results = run.result.to_dict()
    store = _store(args)
    try:
        rec = store.save(
            args.name,
            inputs,
            results,
            dataset_id=run.dataset_id,
            vintage=run.vintage,
            author=args.author or current_user(),
            base_version=args.base_version,
        )
    except NameTakenError:
        raise DecontrolError(
            f"a scenario named '{args.name}' already exists: to save a new version of it add --base-version V "
            "(its version, from `decontrol scenario list`), or choose another name"
        ) from None
    print(
        f"saved '{rec.name}' version {rec.version}: {results['status']}, {results['n_items']} items, "
        f"{fmt_usd(results['achieved_usd'])} of {fmt_usd(results['target_usd'])} "
        f"({'SYNTHETIC' if results.get('synthetic') else 'real'} trade data)"
    )
    if not run.result.found:
        raise InfeasibleError(f"saved, but no package was found ({results['status']})")
    return 0


def _summary(rec: ScenarioRecord) -> dict[str, Any]:
    r, sc = rec.results, rec.inputs.get("scenario", {})
    return {
        "name": rec.name,
        "version": rec.version,
        "partner": sc.get("partner"),
        "year": sc.get("year"),
        "target_usd": sc.get("target_usd"),
        "status": r.get("status"),
        "n_items": r.get("n_items"),
        "achieved_usd": r.get("achieved_usd"),
        "synthetic": r.get("synthetic"),
        "author": rec.author,
        "updated_at": rec.updated_at,
        "dataset_id": rec.dataset_id,
    }


def _list(args: argparse.Namespace) -> int:
    rows = [_summary(r) for r in _store(args).list()]
    if args.format == "json":
        emit_json(rows)
    elif not rows:
        print("no scenarios saved yet")
    else:
        view = pd.DataFrame(rows)
        for c in ("target_usd", "achieved_usd"):
            view[c] = view[c].map(fmt_usd)
        emit_frame(view.drop(columns=["dataset_id"]), "table")
    return 0


def _show(args: argparse.Namespace) -> int:
    rec = _store(args).get(args.name)
    if args.format == "json":
        emit_json(rec.to_dict())
    else:
        for k, v in _summary(rec).items():
            print(f"{k:>12}: {fmt_usd(v) if k.endswith('_usd') else v}")
        for line in rec.results.get("items", []):
            print(f"  {line['eccn']:<12} {line['mode']:<10} {fmt_usd(line.get('value_usd'))}")
    return 0


def _export(args: argparse.Namespace) -> int:
    rec = _store(args).get(args.name)
    write_scenario_file(rec, args.output)
    print(f"wrote {args.output} ('{rec.name}' version {rec.version})")
    return 0


def _import(args: argparse.Namespace) -> int:
    doc = read_scenario_file(args.file)
    try:
        rec = import_scenario(_store(args), doc, name=args.name, author=args.author or doc.get("author", ""))
    except NameTakenError:
        taken = args.name or doc.get("name", "")
        raise DecontrolError(
            f"a scenario named '{taken}' already exists: import it under another name with --name NEW"
        ) from None
    print(f"imported '{rec.name}' (version {rec.version})")
    return 0


def _rename(args: argparse.Namespace) -> int:
    rec = _store(args).rename(args.name, args.new_name)
    print(f"renamed '{args.name}' to '{rec.name}'")
    return 0


def _duplicate(args: argparse.Namespace) -> int:
    rec = _store(args).duplicate(args.name, args.new_name, author=current_user())
    print(f"copied '{args.name}' to '{rec.name}'")
    return 0


def _delete(args: argparse.Namespace) -> int:
    _store(args).delete(args.name, base_version=args.base_version)
    print(f"deleted '{args.name}'")
    return 0
