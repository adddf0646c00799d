"""`decontrol optimize` / `decontrol frontier`: JSON fields, formats, exit codes 0/2/3, no tracebacks."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from optimizer.cli.optimize import parse_usd
from optimizer.errors import DecontrolError


@pytest.fixture()
def items_csv(tmp_path, small_table):
    p = tmp_path / "items.csv"
    small_table.to_csv(p, index=False, encoding="utf-8-sig")
    return p


def test_optimize_json(cli, items_csv):
    code, out, err = cli(
        "optimize",
        "--items",
        str(items_csv),
        "--target",
        "1.2bn",
        "--format",
        "json",
        "--modes",
        "full,exception,approval",
        "--rel-gap",
        "0",
        "--min-fa",
        "0",
    )
    assert code == 0, err
    d = json.loads(out)
    for key in (
        "status",
        "target_usd",
        "achieved_usd",
        "risk",
        "max_achievable_usd",
        "items",
        "excluded",
        "solve_seconds",
        "synthetic",
        "binding_constraints",
        "marginal_risk_per_bn",
        "solver",
        "gap",
    ):
        assert key in d
    assert d["status"] == "optimal" and d["target_usd"] == 1.2e9 and d["achieved_usd"] >= 1.2e9
    assert set(d["items"][0]) >= {"eccn", "mode", "value_usd", "risk", "fa_score", "why"}
    reasons = {e["eccn"]: e["reason"] for e in d["excluded"]}
    assert reasons["3A090"] == "foundational" and reasons["4A994"] == "ally_opposes"
    assert reasons["5D991"] == "value_unknown"
    # the table says nothing of its figures' origin: labelled with the shipped (SYNTHETIC) trade layer, never real
    assert d["synthetic"] is True and "knapsack solver (reduced-cost fixing and a DP on the core" in d["solver"]
    assert "not in the loaded CCL" not in err  # all ids are real ECCNs


def test_optimize_table_and_csv(cli, items_csv):
    code, out, err = cli("optimize", "--items", str(items_csv), "--target", "500m")
    assert code == 0 and "status optimal" in out and "3A090" not in out.split("Left out")[0]
    code, out, err = cli("optimize", "--items", str(items_csv), "--target", "500m", "--format", "csv")
    assert code == 0
    rows = pd.read_csv(pd.io.common.StringIO(out.lstrip("\ufeff")))
    assert list(rows.columns[:3]) == ["eccn", "mode", "instrument"]
    assert {"licence_required", "binding_reasons", "licence_basis", "value_usd", "risk", "synthetic", "source"} <= set(
        rows.columns
    )


def test_flags_override_scenario_file(cli, items_csv, tmp_path):
    sc = tmp_path / "sc.json"
    sc.write_text(json.dumps({"target_usd": 5e8, "locks": ["2B991"], "objective": "min-items"}))
    code, out, err = cli(
        "optimize",
        "--items",
        str(items_csv),
        "--scenario",
        str(sc),
        "--lock",
        "2D991",
        "--target",
        "1bn",
        "--format",
        "json",
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["target_usd"] == 1e9 and d["objective"] == "min-items"
    assert d["scenario"]["locks"] == ["2B991", "2D991"]
    assert {e["eccn"] for e in d["excluded"] if e["reason"] == "locked"} == {"2B991", "2D991"}


def test_mode_share_flag(cli, items_csv):
    code, out, err = cli(
        "optimize",
        "--items",
        str(items_csv),
        "--target",
        "500m",
        "--modes",
        "approval",
        "--mode-share",
        "approval=0.5/0.2",
        "--format",
        "json",
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["scenario"]["mode_params"]["approval"] == {"value_share": 0.5, "risk_share": 0.2}
    line = d["items"][0]
    assert line["mode"] == "approval" and line["value_usd"] in (450e6, 750e6, 300e6, 50e6)
    code, out, err = cli("optimize", "--items", str(items_csv), "--target", "1k", "--mode-share", "approval=2/0.1")
    assert code == 2 and "value_share" in err
    code, out, err = cli("optimize", "--items", str(items_csv), "--target", "1k", "--mode-share", "approval")
    assert code == 2 and "MODE=VALUE_SHARE/RISK_SHARE" in err


def test_infeasible_exits_3_with_largest_target(cli, items_csv):
    code, out, err = cli("optimize", "--items", str(items_csv), "--target", "10bn", "--format", "json")
    assert code == 3
    d = json.loads(out)
    assert d["status"] == "infeasible" and d["items"] == []
    assert d["max_achievable_usd"] == pytest.approx(2.5e9)
    assert "infeasible" in err and "$2.5bn" in err and "Traceback" not in err


def test_infeasible_names_blocking_constraint(cli, items_csv):
    code, out, err = cli("optimize", "--items", str(items_csv), "--target", "2.2bn", "--max-items", "1")
    assert code == 3
    assert "lift the maximum number of items (up to" in err and "max_items" not in err  # in words


@pytest.mark.parametrize(
    "args,words",
    [
        (["--target", "-5"], "negative"),
        (["--target", "lots"], "not an amount"),
        (["--target", "1e9", "--modes", "full,waiver"], "waiver"),
        (["--target", "1e9", "--min-fa", "x"], "min_fa"),
        (["--target", "1e9", "--max-items", "-1"], "max_items"),
        (["--target", "1e9", "--cap", "3"], "CATEGORY"),
        (["--target", "1e9", "--force", "9Z999"], "not in the item table"),
        (["--target", "1e9", "--force", "3A090"], "foundational"),
        (["--target", "1e9", "--scenario", "/no/such.json"], "no such scenario file"),
        (["--target", "1e9", "--alternatives", "50"], "alternatives"),
        ([], "--target"),
    ],
)
def test_bad_input_exits_2(cli, items_csv, args, words):
    code, out, err = cli("optimize", "--items", str(items_csv), *args)
    assert code == 2, (out, err)
    assert words in err and "Traceback" not in err


def test_an_ally_that_is_not_a_country_is_exit_2(cli, items_csv):
    # an edited table: an ally with a column counts; one without is checked against countries.csv
    code, out, err = cli("optimize", "--items", str(items_csv), "--target", "1e9", "--allies", "GBR,XXX")
    assert code == 2 and "unknown ally 'XXX': not an ISO3 code in countries.csv" in err and "Traceback" not in err
    code, out, err = cli(
        "optimize", "--items", str(items_csv), "--target", "1e9", "--allies", "GBR,JPN", "--format", "json"
    )
    assert code == 0 and "no positions for ally JPN in the item table" in json.dumps(json.loads(out)["warnings"])
    for cmd in ("optimize", "frontier"):
        code, out, err = cli(cmd, "--partner", "CHN", "--target", "5m", "--allies", "XXX")
        assert code == 2 and "unknown ally 'XXX'" in err, (cmd, err)


def test_unknown_flag_values_exit_2(cli, items_csv):
    code, out, err = cli("optimize", "--items", str(items_csv), "--target", "1e9", "--objective", "max-fun")
    assert code == 2 and "invalid choice" in err
    code, out, err = cli("optimize", "--items", str(items_csv), "--target", "1e9", "--solver", "gurobi")
    assert code == 2 and "invalid choice" in err


def test_bad_csv_and_missing_file_exit_2(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("eccn,tier,value_usd,risk,fa_score\n2B991,legacy,abc,0.1,0.5\n")
    code, out, err = cli("optimize", "--items", str(bad), "--target", "1k")
    assert code == 2 and "line 2 (2B991): value_usd 'abc'" in err
    code, out, err = cli("optimize", "--items", str(tmp_path / "none.csv"), "--target", "1k")
    assert code == 2 and "no such item file" in err
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("eccn,tier,value_usd,risk,fa_score\n9Z999,legacy,1e9,0.1,0.5\n2B991,legacy,1e9,0.1,0.5\n")
    code, out, err = cli("optimize", "--items", str(unknown), "--target", "1k")
    assert code == 2 and "not an ECCN" in err
    odd = tmp_path / "odd.csv"
    odd.write_text("eccn,tier,value_usd,risk,fa_score\n2B777,legacy,1e9,0.1,0.5\n")
    code, out, err = cli("optimize", "--items", str(odd), "--target", "1k")
    assert code == 0 and "warning" in err and "2B777" in err  # not in the loaded CCL: warn, solve anyway


def test_frontier_json(cli, items_csv):
    code, out, err = cli("frontier", "--items", str(items_csv), "--points", "4", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert len(d["points"]) == 4
    assert {"target_usd", "achieved_usd", "risk", "items"} <= set(d["points"][0])
    assert d["points"][-1]["achieved_usd"] == pytest.approx(d["max_achievable_usd"], rel=1e-6)
    code, out, err = cli("frontier", "--items", str(items_csv), "--points", "0")
    assert code == 2 and "points" in err


def test_frontier_table_and_infeasible(cli, items_csv):
    code, out, err = cli("frontier", "--items", str(items_csv), "--points", "3")
    assert code == 0 and "Frontier" in out
    code, out, err = cli("frontier", "--items", str(items_csv), "--force", "4A994")
    assert code == 3 and "whatever the target" in err


def test_alternatives_flag(cli, items_csv):
    code, out, err = cli(
        "optimize",
        "--items",
        str(items_csv),
        "--target",
        "1bn",
        "--alternatives",
        "2",
        "--tolerance",
        "1",
        "--format",
        "json",
    )
    assert code == 0, err
    alts = json.loads(out)["alternatives"]
    assert 1 <= len(alts) <= 2


@pytest.mark.parametrize(
    "text,value",
    [
        ("2e9", 2e9),
        ("2,000,000", 2e6),
        ("$1.5bn", 1.5e9),
        ("750m", 7.5e8),
        ("0", 0.0),
        ("3 tn", 3e12),
        ("2k", 2e3),
        ("100000", 1e5),
    ],
)
def test_parse_usd(text, value):
    assert parse_usd(text) == value


def test_parse_usd_rejects():
    for bad in ("", "1e9x", "-1", "nan", "1e999"):
        with pytest.raises(DecontrolError):
            parse_usd(bad)


@pytest.mark.parametrize("bare", ["2", "2.5", "$5", "999"])
def test_a_bare_small_target_is_refused_not_read_as_dollars(bare):
    """`--target 2` used to mean US$ 2 a year (a package of one item 'met' it)."""
    with pytest.raises(DecontrolError, match="has no unit"):
        parse_usd(bare)


def test_a_negative_target_reaches_the_helpful_message(cli, items_csv):
    """argparse took '-1bn' for an option ('expected one argument')."""
    for text in ("-1bn", "-$5m", "-.5bn"):
        code, out, err = cli("optimize", "--items", str(items_csv), "--target", text)
        assert code == 2 and "is negative: a concession target is an amount >= 0" in err, err
    code, out, err = cli("frontier", "--items", str(items_csv), "--risk-budget", "-1")
    assert code == 2 and "risk_budget" in err and "expected one argument" not in err


@pytest.mark.parametrize(
    "flag,typo,suggestion",
    [("--lock", "5A03", "5A003"), ("--force", "5a03", "5A003"), ("--lock", "2b001-Rest", "2B001-rest")],
)
def test_unknown_lock_or_forced_item_is_refused_with_a_suggestion(cli, flag, typo, suggestion):
    """An unknown --lock only warned and the package was solved: the mistyped item stayed relievable."""
    for command in (("optimize", "--target", "5m"), ("frontier", "--points", "3")):
        code, out, err = cli(*command, "--partner", "CHN", flag, typo)
        assert code == 2, (out, err)
        assert f"did you mean {suggestion}?" in err and "Traceback" not in err and not out


def test_highs_json_on_stdout_parses(repo_root):
    """HiGHS prints a banner on the process's standard output (not sys.stdout) when first made:
    in a real process it would come before the JSON."""
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "optimizer",
            "optimize",
            "--partner",
            "CHN",
            "--target",
            "5m",
            "--solver",
            "highs",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=repo_root,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["solver"].startswith("HiGHS")


def test_an_edited_table_that_lowers_a_rule_tier_is_refused(cli, tmp_path):
    """3A090 (advanced computing) tagged legacy with a value in an edited export: exit 2, row named,
    nothing solved; an nlr item made transactional likewise."""
    code, out, _ = cli("items", "--partner", "CHN", "--format", "csv")
    assert code == 0
    table = pd.read_csv(pd.io.common.StringIO(out.lstrip("\ufeff")), dtype=str, keep_default_na=False)
    table.loc[table["eccn"] == "3A090", ["tier", "value_usd"]] = ["legacy", "1000000000"]
    table.loc[table["eccn"] == "1A995", "tier"] = "transactional"
    path = tmp_path / "edited.csv"
    table.to_csv(path, index=False)
    code, out, err = cli("optimize", "--items", str(path), "--target", "100m")
    assert code == 2 and "3A090" in err and "rule-foundational" in err and "1A995" in err and "nlr" in err
    assert out == ""


@pytest.fixture()
def lowered(cli, tmp_path):
    """An edited export of the China table with 3A090 (advanced-computing ICs) lowered to legacy."""
    code, out, _ = cli("items", "--partner", "CHN", "--format", "csv")
    assert code == 0
    table = pd.read_csv(pd.io.common.StringIO(out.lstrip("\ufeff")), dtype=str, keep_default_na=False)
    line = int(table.index[table["eccn"] == "3A090"][0]) + 2  # the file's own line (header is line 1)
    table.loc[table["eccn"] == "3A090", ["tier", "value_usd", "fa_score", "risk"]] = ["legacy", "9e7", "0.95", "0.01"]
    path = tmp_path / "lowered.csv"
    table.to_csv(path, index=False)
    return path, line


@pytest.mark.parametrize(
    "command",
    [
        ("optimize", "--target", "5m"),
        ("frontier",),
        ("brief", "--target", "5m", "-o", "{out}/deck.pptx", "--xlsx", "{out}/book.xlsx"),
        ("scenario", "save", "lowered", "--target", "5m"),
    ],
    ids=["optimize", "frontier", "brief", "scenario-save"],
)
def test_every_command_holds_an_edited_table_to_the_rule_floor(cli, lowered, tmp_path, monkeypatch, command):
    """No command packages a lowered foundational item: each refuses the file with its line named,
    and writes nothing (no deck, no workbook, no stored scenario)."""
    monkeypatch.setenv("DECONTROL_HOME", str(tmp_path / "home"))
    path, line = lowered
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    argv = [a.replace("{out}", str(out_dir)) for a in command]
    at = 2 if argv[0] == "scenario" else 1
    code, out, err = cli(*argv[:at], "--items", str(path), *argv[at:])
    assert code == 2 and f"line {line} (3A090)" in err and "rule-foundational" in err, err
    assert list(out_dir.iterdir()) == []
    if argv[0] == "scenario":
        assert "lowered" not in cli("scenario", "list")[1]


def test_a_scenario_documents_own_table_is_held_to_the_rule_floor(cli, lowered):
    """An imported scenario document carries its own item table: the runner holds it to the rules
    as the CLI holds a file (no scenario, from anyone, can package 3A090)."""
    from optimizer.errors import DecontrolError
    from optimizer.model.scenario import Scenario
    from optimizer.scenarios.run import make_inputs, run_inputs

    path, _ = lowered
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    with pytest.raises(DecontrolError) as exc:
        run_inputs(make_inputs(Scenario(target_usd=5e6), table))
    assert any("3A090" in d and "rule-foundational" in d for d in exc.value.details)


def test_an_edited_table_says_its_figures_are_edited_and_never_real_when_unlabelled(cli, tmp_path):
    """A table without synthetic/source columns is labelled with the data directory's trade layer
    (SYNTHETIC on the shipped data), never "real"; any source is prefixed with the file it came from;
    a header without rows is bad input."""
    path = tmp_path / "mine.csv"
    path.write_text(
        "eccn,value_usd,risk,fa_score,tier\n6A005-rest,3000000,0.1,0.8,legacy\n1C010-rest,4000000,0.2,0.9,legacy\n",
        encoding="utf-8",
    )
    code, out, err = cli("optimize", "--items", str(path), "--target", "5m", "--format", "json")
    d = json.loads(out)
    assert code == 0 and d["synthetic"] is True and d["source"].startswith("edited item table mine.csv; ")
    assert "give the table a partner column" in err and "--partner" not in err
    code, out, _ = cli("optimize", "--items", str(path), "--target", "5m")
    assert out.startswith("Package (SYNTHETIC trade figures)")
    code, out, _ = cli("items", "--partner", "CHN", "--format", "csv")
    export = tmp_path / "export.csv"
    export.write_text(out.lstrip("\ufeff"), encoding="utf-8")
    code, out, _ = cli("optimize", "--items", str(export), "--target", "5m", "--format", "json")
    assert json.loads(out)["source"].startswith("edited item table export.csv: SYNTHETIC")
    header = tmp_path / "header.csv"
    header.write_text("eccn,value_usd,risk,fa_score,tier\n", encoding="utf-8")
    code, out, err = cli("optimize", "--items", str(header), "--target", "5m")
    assert code == 2 and "no rows" in err and out == ""


def test_bis_alone_leaves_regime_items_out(cli, tmp_path):
    """An analyst tags two military end-use-only items transactional (allowed: not a rule floor); with
    --bis-alone only those (BIS decides Supp. No. 2 alone) can enter, the Wassenaar NS2 items cannot."""
    code, out, _ = cli("items", "--partner", "CHN", "--format", "csv")
    table = pd.read_csv(pd.io.common.StringIO(out.lstrip("\ufeff")), dtype=str, keep_default_na=False)
    table.loc[table["eccn"].isin(["3A991", "4A994"]), "tier"] = "transactional"
    path = tmp_path / "tagged.csv"
    table.to_csv(path, index=False)
    code, out, err = cli("optimize", "--items", str(path), "--target", "1m", "--bis-alone", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["items"] and {line["eccn"] for line in d["items"]} <= {"3A991", "4A994"}
    assert all(line["decided_by"] == "bis" for line in d["items"])
    assert any(e["reason"] == "not_bis_alone" for e in d["excluded"])
