"""`decontrol diversion` end to end on the shipped (synthetic) mirror table; bad input exits 2."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest


def test_json_carries_provenance_weights_and_ranked_rows(cli):
    code, out, err = cli("diversion", "--target", "RUS", "--tier", "1,2", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["synthetic"] is True and doc["data"] == "SYNTHETIC" and doc["since"] == "2022-02-24"
    assert doc["weights"] == {"growth": 0.35, "reexport": 0.3, "mirror": 0.2, "unit_value": 0.15}
    ranks = [r["rank"] for r in doc["rows"]]
    assert ranks == sorted(ranks) and {r["chpl_tier"] for r in doc["rows"]} <= {"1", "2"}
    assert all(r["data"] == "SYNTHETIC" for r in doc["rows"])


def test_table_and_csv(cli):
    code, out, _ = cli("diversion", "--target", "chn", "--hubs", "SGP,MYS,THA,VNM", "--top", "3")
    assert code == 0 and "SYNTHETIC" in out and "Weights: growth 0.35" in out and "not evidence" in out
    assert "2022-10-07" in out and "post years 2023-2024" in out
    code, out, err = cli(
        "diversion", "--target", "CHN", "--since", "2023-10-17", "--format", "csv", "--weights", "growth=1"
    )
    assert code == 0 and "no weight for reexport, mirror, unit_value: those signals count 0" in err
    df = pd.read_csv(io.StringIO(out.lstrip("\ufeff")), dtype={"hs6": str})
    assert set(df["data"]) == {"SYNTHETIC"} and set(df["target"]) == {"CHN"}
    assert (df["combined"] == df["growth_score"].fillna(0)).all()


def test_validate_prints_recall_and_false_alarms(cli):
    code, out, _ = cli("diversion", "--validate")
    assert code == 0 and "planted found in the top" in out and "false alarms" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (("--target", "RUS", "--since", "24/02/2022"), "is not a date"),
        (("--target", "RUS", "--since", "2030-01-01"), "no trade data after 2030-01-01"),
        (("--target", "RUS", "--tier", "7"), "unknown CHPL tier"),
        (("--target", "RUS", "--hubs", "ARE,ZZZ"), "unknown hub country code"),
        (("--target", "RUS", "--weights", "growth=abc"), "not a number"),
        (("--target", "RUS", "--top", "0"), "at least 1"),
        ((), "give --target"),
    ],
)
def test_bad_input_exits_2_with_a_message(cli, argv, message):
    code, out, err = cli("diversion", *argv)
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_unknown_target_is_an_argparse_error(cli):
    code, _, err = cli("diversion", "--target", "IRN")
    assert code == 2 and "invalid choice" in err


def test_slide_is_written_and_a_bad_slide_path_exits_2(cli, tmp_path):
    out_file = tmp_path / "div.pptx"
    code, _, err = cli(
        "diversion", "--target", "CHN", "--slide", str(out_file), "--audience", "ally", "--format", "json"
    )
    assert code == 0 and out_file.is_file() and "ally audience; SYNTHETIC" in err
    code, _, err = cli("diversion", "--target", "CHN", "--slide", str(tmp_path / "div.txt"))
    assert code == 2 and "must be a .pptx" in err and not (tmp_path / "div.txt").exists()
