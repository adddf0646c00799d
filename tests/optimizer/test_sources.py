from optimizer.sources import CCL_URL, ecfr_url, source_url

CCL = (
    "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-774/"
    "appendix-Supplement%20No.%201%20to%20Part%20774"
)


def test_the_ccl_url_is_the_one_the_ecfr_records_cite():
    assert CCL_URL == CCL


def test_an_eccn_links_to_the_ccl_scrolled_to_its_number():
    assert ecfr_url("2B001-rest") == CCL + "#:~:text=2B001"
    assert ecfr_url(" 3a090 ") == CCL + "#:~:text=3A090"
    assert ecfr_url("") == CCL


def test_sources_are_matched_on_their_citation():
    assert source_url("Commerce Control List (15 CFR 774 Supp. 1): every ECCN, real") == CCL
    assert source_url("Commerce Country Chart, 15 CFR 738 Supp. 1, real (eCFR)").endswith(
        "part-738/appendix-Supplement%20No.%201%20to%20Part%20738"
    )
    assert source_url("Items of the military end-use rule, 15 CFR 744 Supp. 2").endswith(
        "Supplement%20No.%202%20to%20Part%20744"
    )
    assert source_url("US goods trade with key partners 2015-2024, Census basis, real").startswith(
        "https://www.census.gov/"
    )
    assert source_url("Policy timeline for chart annotations") is None


def test_federal_register_citations_link_to_their_page():
    from optimizer.sources import federal_register_url

    assert (
        federal_register_url("88 FR 54875 (published 2023-08-14); Mondaq alert")
        == "https://www.federalregister.gov/citation/88-FR-54875"
    )
    assert federal_register_url("MOFCOM Order 2020 No. 4") is None
