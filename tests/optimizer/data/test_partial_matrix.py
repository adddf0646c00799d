"""Partial real data is normal: every command and every page's view logic works on it, and names what is missing.

Each dataset is one real-layout fixture imported on its own (one format, one year; Census exports only;
Census imports only; Comtrade "World"-partner files with no bilateral partner imports; BACI HS 2017
only), laid over the shipped tables. On each: `data check`, `data info`, `items`, `optimize`,
`frontier`, `coalition`, `brief`, and the view functions behind the dashboard's callbacks. No
internal error, no traceback; a missing input is named; "no data" is never a `$0` figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data.load import clear_cache
from optimizer.errors import DecontrolError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "trade"

#: name -> (importer, fixture, extra args, missing inputs the item table must name)
DATASETS = {
    "baci-hs22-one-year": ("import-baci", "baci/BACI_HS22_Y2022_V202501.csv", (), ()),
    "baci-v202401b": ("import-baci", "baci/BACI_HS22_Y2022_V202401b.csv", (), ()),
    "baci-hs17-only": ("import-baci", "baci/BACI_HS17_Y2021_V202401b.csv", (), ()),
    "comtrade-classic": ("import-comtrade", "comtrade/classic_H5_2019.csv", (), ()),
    "comtrade-2021-flow-text": ("import-comtrade", "comtrade/classic_H5_2021_flow_text.csv", (), ()),
    "comtrade-plus-portal": (
        "import-comtrade",
        "comtrade/comtradeplus_portal_H6_2022.csv",
        ("--encoding", "latin-1"),
        (),
    ),
    "comtrade-plus-json": ("import-comtrade", "comtrade/comtradeplus_api_H6_2022.json", (), ()),
    "census-exports-only": (
        "import-census",
        "census/exports_hs6_2023.json",
        (),
        ("no imports of CHN", "no world exports by exporter"),
    ),
    "census-imports-only": (
        "import-census",
        "census/imports_hs6_2023.json",
        (),
        ("no imports of CHN", "no US exports", "no world exports by exporter"),
    ),
}
#: Several imports into one directory (other years, other sources), then the same commands.
COMBINED = [
    ("import-baci", "baci/BACI_HS17_Y2021_V202401b.csv", ()),
    ("import-comtrade", "comtrade/comtradeplus_api_H6_2022.json", ()),
    ("import-census", "census/exports_hs6_2023.json", ()),
]
DATASETS["combined-three-sources"] = ("", "", (), ())


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, Path]:
    from optimizer.cli import run

    out = {}
    for name, (command, fixture, extra, _) in DATASETS.items():
        d = tmp_path_factory.mktemp(name)
        for cmd, fix, ext in [(command, fixture, extra)] if command else COMBINED:
            assert run(["data", cmd, str(FIXTURES / fix), "--out", str(d), *ext]) == 0, name
        out[name] = d
    return out


def _ok(code: int, err: str, allowed=(0,)) -> None:
    assert code in allowed, err
    assert "internal error" not in err and "Traceback" not in err, err


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_command_works_on_a_partial_dataset_and_names_what_is_missing(cli, imported, tmp_path, name):
    d = str(imported[name])
    code, out, err = cli("data", "check", d)
    _ok(code, err)
    code, out, err = cli("data", "info", d)
    _ok(code, err)
    assert "coverage" in out and "years" in out
    code, out, err = cli("items", "--data", d, "--partner", "CHN")
    _ok(code, err)
    for fragment in DATASETS[name][3]:
        assert fragment in err, (fragment, err)
    code, out, err = cli("items", "--data", d, "--partner", "CHN", "--format", "json")
    _ok(code, err)
    table = pd.DataFrame(json.loads(out))
    zero = table[table["value_usd"] == 0]
    # a $0 is computed from rows or is a licensing fact (no licence required, or a licence exception in reach),
    # never "no data"
    computed = zero["value_basis"].str.startswith("gap") | zero["value_basis"].str.startswith("no licence required")
    assert computed.all()
    no_rows = table["value_basis"].str.startswith("unknown: no trade rows")
    assert table.loc[no_rows, "value_usd"].isna().all()
    code, out, err = cli("items", "--data", d, "--partner", "CHN", "--explain", "3B991")
    _ok(code, err)
    if "no imports of CHN" in DATASETS[name][3]:
        assert "no data" in out and "  $0" not in out
    code, out, err = cli("optimize", "--data", d, "--partner", "CHN", "--target", "1m")
    _ok(code, err, (0, 3))
    code, out, err = cli("frontier", "--data", d, "--partner", "CHN", "--points", "3")
    _ok(code, err, (0, 3))
    code, out, err = cli("coalition", "--data", d, "--partner", "CHN", "--members", "USA,JPN", "--risk-budget", "1")
    _ok(code, err, (0, 2, 3))  # 2: a member's exports are not in the data, and the message says so
    assert code != 2 or "no export data for member(s)" in err
    code, out, err = cli(
        "brief",
        "--data",
        d,
        "--partner",
        "CHN",
        "--target",
        "1m",
        "-o",
        str(tmp_path / "b.pptx"),
        "--xlsx",
        str(tmp_path / "b.xlsx"),
    )
    _ok(code, err, (0, 3))
    assert (tmp_path / "b.pptx").is_file()


@pytest.mark.parametrize("name", ["census-exports-only", "census-imports-only", "comtrade-classic", "baci-hs17-only"])
def test_items_with_no_data_are_unknown_not_zero(imported, name):
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    clear_cache()
    ds = load_dataset(imported[name])
    table = build_item_table(ds, "CHN")
    goods = table[(table["hs6"] != "") & (table["tier"] != "nlr")]  # nlr items: 0, nothing to relieve
    missing = DATASETS[name][3]
    if "no imports of CHN" in missing:
        assert goods["value_usd"].isna().all()
        assert goods["value_basis"].str.startswith("unknown: no imports of CHN").all()
    else:
        assert goods["value_usd"].notna().any()
    assert any("no world exports" in w for w in table.attrs["warnings"]) == ("no world exports by exporter" in missing)


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_page_view_works_on_a_partial_dataset(imported, tmp_path, name):
    from dashboard.logic import allies, items, package, trade
    from dashboard.logic.ally_view import ally_items_view, ally_panel_view
    from dashboard.logic.items import check_year
    from dashboard.logic.package_inputs import FormValues
    from dashboard.state import item_table
    from optimizer.data.load import load_dataset
    from optimizer.data.trade import world_exports

    clear_cache()
    ds = load_dataset(imported[name])
    # Trade page
    trade.totals_view(ds, "CHN", None)
    trade.composition_view(ds, "CHN", None, "exports")
    trade.composition_view(ds, "CHN", None, "imports")
    _, _, table = trade.controlled_view(ds, "CHN", None)
    if name == "census-imports-only":  # no US export rows at all
        assert "'$0'" not in str(table) and "no data" in str(table)
    # Control list page (internal and ally audience) and its item panel
    grid = items.items_view(ds, "CHN", None, None)
    rows = grid[0]
    assert rows and all(
        r["value_usd"] != 0 or r["value_basis"].startswith(("gap", "no licence required")) for r in rows
    )
    assert all(r["value_text"] == "unknown" for r in rows if r["value_usd"] is None)
    ally_items_view(ds, "CHN", None, items.column_defs)
    eccn = next(r["eccn"] for r in rows if r["hs6_count"])
    panel = str(items.panel_view(ds, eccn, "CHN", None))
    if "no imports of CHN" in DATASETS[name][3]:
        assert "'$0'" not in panel and "$0 vs $0" not in panel
    ally_panel_view(ds, eccn, "CHN", None)
    # Package builder: run, the views of the run, the side panel
    values = FormValues(partner="CHN", year=None, target_bn=0.001, objective="min-risk", min_fa=0.0, modes=["full"])
    result = package.run_package(ds, values)
    views = package.package_views(ds, result, None, {"kind": "main", "index": 0}, True)
    for fragment in DATASETS[name][3]:  # an infeasible target says which inputs are missing
        assert fragment in str(views[0]), fragment
    if result.get("ok") and result.get("package", {}).get("status") == "optimal":
        extras = package.run_extras(ds, result, frontier_points=3, alternatives=1)
        package.extras_views(result, extras, None)
    package.side_trade_view(ds, "CHN", None)
    package.side_note_view(result)
    # Scenarios page: save two runs, list, compare, briefing downloads (internal and ally)
    from dashboard.logic import scenarios, scenarios_page
    from optimizer.scenarios import ScenarioStore

    store = ScenarioStore(f"sqlite:///{tmp_path / 'scenarios.db'}")
    other = package.run_package(ds, FormValues(partner="CHN", target_bn=0.002, min_fa=0.0, modes=["full"]))
    assert (
        scenarios.save_current(store, "a", result, None, ds=ds).ok
        and scenarios.save_current(store, "b", other, None, ds=ds).ok
    )
    scenarios_page.list_view(store, "internal")
    scenarios_page.compare_view(store, ds, ["a", "b"], imported[name], "internal")
    for kind in ("pptx", "xlsx"):
        data, note = scenarios_page.brief_download(store, "a", kind, "", imported[name], "internal")
        assert data is not None, note
    scenarios_page.brief_download(store, "b", "pptx", "", imported[name], "ally")
    # Allies page: panels and the coalition package
    ids = item_table(ds, "CHN")["eccn"]
    panels = str(allies.panels_view(ds, "CHN", ["JPN", "NLD"], {}))
    assert "'$0'" not in panels  # an ally without export rows reads "no data"
    for ally in ("JPN", "NLD"):
        p = allies.ally_panel(ds, ally, "CHN", check_year(ds, None))
        w = world_exports(ds.trade, check_year(ds, None))
        assert p["world_exports_usd"] == (
            pytest.approx(w.loc[w.exporter == ally, "value_usd"].sum()) if (w.exporter == ally).any() else None
        )
    try:  # the callback shows a DecontrolError inline (error_alert); anything else would be a defect
        allies.coalition_view(allies.run_coalition(ds, ids, "CHN", ["USA", "JPN"], 1.0, ""))
    except DecontrolError as exc:
        assert "no export data for member(s)" in exc.message


def test_data_info_reports_coverage_and_never_zero_for_absent_partners(cli, imported):
    code, out, err = cli("data", "info", str(imported["census-imports-only"]))
    _ok(code, err)
    assert "years 2023" in out and "HS codes 3" in out
    assert "exporters (reporters) 3: CHN, DEU, JPN" in out
    assert "mapped items with data" in out
    code, out, err = cli("data", "info", str(imported["census-imports-only"]), "--format", "json")
    doc = json.loads(out)
    partners = pd.DataFrame(doc["us_trade_by_partner"])
    chn = partners[partners["partner"] == "CHN"].iloc[0]
    assert chn["us_imports_usd"] > 0 and chn["us_exports_usd"] is None  # no exports in the data: null, not 0
    assert doc["coverage"]["years"] == [2023]


@pytest.mark.parametrize("name", ["census-imports-only", "comtrade-plus-json", "baci-hs17-only"])
def test_the_server_starts_and_renders_every_page_on_a_partial_dataset(imported, tmp_path, name):
    """`decontrol serve --data DIR` builds the app and each page's layout before it listens."""
    from dashboard.app import create_app
    from dashboard.pages import PAGES
    from dashboard.state import AppState

    clear_cache()
    app = create_app(imported[name], home=tmp_path, cache_dir=tmp_path / "jobs")
    assert app.layout is not None
    state = AppState(imported[name], tmp_path, None)
    for page in PAGES:
        assert page.layout(state, "CHN") is not None, page.path
