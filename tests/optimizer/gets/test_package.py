"""Gives and gets end to end (`optimizer.gets.package`): the ledger of a proposed exchange on the shipped
data, and the reference exchanges of 2025 valued by the same machinery, checked against arithmetic
done here from the trade table."""

from __future__ import annotations

import itertools

import pytest

from optimizer.errors import DecontrolError
from optimizer.gets.exchange import ExchangeSettings
from optimizer.gets.package import exchange_package, parse_balance, reference_exchange, reference_names


@pytest.fixture(scope="module")
def shipped():
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    ds = load_dataset()
    return ds, build_item_table(ds, "CHN")


def test_parse_balance():
    assert parse_balance("1") == (1.0, None)
    assert parse_balance(" 0.8:1.5 ") == (0.8, 1.5)
    assert parse_balance("0.5-2") == (0.5, 2.0)
    for bad in ("", "x", "-1", "2:1", "1:2:3"):
        with pytest.raises(DecontrolError, match="balance"):
            parse_balance(bad)


def test_proposed_exchange_ledger_on_shipped_data(shipped):
    ds, items = shipped
    rep = exchange_package(ds, "CHN", day="2026-12-01", settings=ExchangeSettings(risk_price_usd=1e7), items=items)
    assert rep.found and rep.gives and rep.gets
    # totals are the ledger's sums, the balance holds, the net gain prices the risk
    assert rep.partner_gain_usd == pytest.approx(sum(g["value_usd"] for g in rep.gives), abs=1.0)
    assert rep.us_gain_usd == pytest.approx(sum(g["value_usd"] for g in rep.gets), abs=1.0)
    assert rep.partner_gain_usd >= rep.us_gain_usd - 1.0
    assert rep.us_net_gain_usd == pytest.approx(rep.us_gain_usd - 1e7 * rep.risk, abs=10.0)  # risk has 6 decimals
    never = set(items.loc[items["tier"].isin(["foundational", "nlr"]), "eccn"])
    assert not never & {g["eccn"] for g in rep.gives}
    # every line says real or synthetic and where it comes from
    for line in rep.gives + rep.gets:
        assert line["synthetic"] is True and "SYNTHETIC" in line["source"]
    assert all(g["licence_basis"] and g["instrument_detail"] for g in rep.gives)
    # a get's value is its imports x premium x relief share
    shares = ExchangeSettings().get_shares
    for g in rep.gets:
        assert g["value_usd"] == pytest.approx(g["us_imports_from_partner_usd"] * 0.25 * shares[g["relief"]], abs=0.02)
    # every measure is listed with why it was or was not asked
    assert len(rep.measures) == len(ds.partner_measures)
    offers = {m["measure_id"]: m["offer"] for m in rep.measures}
    assert offers["2023-23#ge6"].startswith("no HS codes published")
    assert {g["measure_id"] for g in rep.gets} == {m for m, o in offers.items() if o == "asked"}
    assert not rep.unsourced_hs6
    assert rep.to_dict()["balance_ratio"] == pytest.approx(rep.partner_gain_usd / rep.us_gain_usd)


def test_unsourced_codes_are_named_wherever_used(shipped):
    ds, items = shipped
    rep = exchange_package(
        ds, "CHN", day="2026-12-01", settings=ExchangeSettings(risk_price_usd=1e5), include_unsourced=True, items=items
    )
    unsourced = [g for g in rep.gets if g["hs6_basis"].startswith("UNSOURCED")]
    assert unsourced, "the unsourced candidates of 2025-10 (tungsten ...) make gets"
    for g in unsourced:
        assert g["unsourced_hs6"] == g["hs6_used"]
    assert set(rep.unsourced_hs6) == {c for g in unsourced for c in g["hs6_used"].split(";")}
    assert any("UNSOURCED" in w for w in rep.warnings)


def test_no_exchange_at_a_high_risk_price_is_an_empty_ledger_not_an_error(shipped):
    ds, items = shipped
    rep = exchange_package(ds, "CHN", day="2026-12-01", settings=ExchangeSettings(risk_price_usd=1e9), items=items)
    assert rep.status == "optimal" and not rep.gives and not rep.gets and rep.balance_ratio is None


def test_bad_input_names_the_problem(shipped):
    ds, items = shipped
    with pytest.raises(DecontrolError, match="--date"):
        exchange_package(ds, "CHN", day="2026-02-30", items=items)
    with pytest.raises(DecontrolError, match="no export-control measures of JPN"):
        exchange_package(ds, "JPN")
    with pytest.raises(DecontrolError, match=r"no reference exchange 'Yalta'.*Geneva, London, Busan"):
        reference_exchange(ds, "Yalta", items=items)


def test_reference_exchanges_valued_by_hand(shipped):
    ds, items = shipped
    from optimizer.gets.exposure import gets_table

    assert reference_names(ds) == ["Geneva", "London", "Busan"]
    t = ds.trade[ds.trade["year"] == 2024]

    geneva = reference_exchange(ds, "geneva", items=items)
    assert geneva.not_valued == len(geneva.lines) == 2  # a tariff truce: nothing the model values
    assert geneva.us_gives_usd == geneva.partner_gives_usd == 0

    london = reference_exchange(ds, "London", items=items)
    give = next(ln for ln in london.lines if ln["side"] == "us_gives")
    assert give["value_usd"] is None  # EDA software: no goods trade, value unknown
    ethane = t[(t["exporter"] == "USA") & (t["importer"] == "CHN") & t["hs6"].isin(["271119", "290110"])]
    assert give["unsourced_value_usd"] == pytest.approx(ethane["value_usd"].sum() * 0.25, abs=0.01)
    assert give["unsourced_hs6"] == "271119;290110" and "UNSOURCED" in give["basis"]

    busan = reference_exchange(ds, "Busan", items=items)
    assert busan.date == "2025-10-30" and busan.synthetic
    exposure = gets_table(ds, "CHN", "2025-10-29", 2024).set_index("measure_id")["us_imports_from_partner_usd"]
    gl = next(ln for ln in busan.lines if ln["relief"] == "general_licence")
    ids = gl["measure_ids"].split(";")
    by_hand = sum(exposure[m] for m in ids if exposure[m] == exposure[m]) * 0.25 * 0.3
    assert gl["value_usd"] == pytest.approx(by_hand, abs=0.05)
    assert "2024-46#2" in gl["basis"]  # no HS codes: named, not counted as $0
    sus = next(ln for ln in busan.lines if ln["relief"] == "suspend")
    assert sus["value_usd"] == 0 and sus["unsourced_value_usd"] > 0 and sus["unsourced_hs6"]
    assert busan.partner_gives_usd == pytest.approx(gl["value_usd"], abs=0.05)
    assert busan.not_valued == 2  # the Affiliates rule and the tariff
    assert any("2025-10-29" in a for a in busan.assumptions)


def test_balance_frontier_net_gain_falls_as_the_partner_must_gain_more(shipped):
    from optimizer.gets.package import exchange_frontier

    ds, items = shipped
    points = exchange_frontier(ds, "CHN", [2.0, 0.0, 1.0, 0.5], day="2026-12-01", items=items)
    assert [p["balance_share"] for p in points] == [0.0, 0.5, 1.0, 2.0]
    net = [p["us_net_gain_usd"] for p in points]
    assert all(a >= b - 1.0 for a, b in itertools.pairwise(net)) and net[0] > net[-1]
    assert points[0]["partner_gain_usd"] == 0  # share 0: the US gives nothing and asks all it can
    for p in points:
        assert p["partner_gain_usd"] >= p["balance_share"] * p["us_gain_usd"] - 1.0
    with pytest.raises(DecontrolError, match="balance shares"):
        exchange_frontier(ds, "CHN", [-1.0], items=items)
