import math

from dashboard.theme import fmt_pct
from optimizer.formatting import fmt_share


def test_one_percent_rule_small_shares_keep_a_significant_digit():
    assert fmt_share(0.42) == "42%"
    assert fmt_share(0.004) == "0.4%"
    assert fmt_share(0.004, 0) == "0.4%"
    assert fmt_share(0.00004, 1) == "0.004%"
    assert fmt_share(0.1234, 1) == "12.3%"
    assert fmt_share(0.0) == "0%" and fmt_share(0.0, 1) == "0.0%"
    assert fmt_share(-0.003, 0) == "-0.3%"
    assert fmt_share(None) == "n/a" and fmt_share(math.nan, missing="-") == "-"


def test_the_dashboard_reads_shares_by_the_same_rule():
    assert fmt_pct is fmt_share
    assert fmt_pct(0.004) == "0.4%"
    assert fmt_pct(0.734) == "73%"


def test_cut_words_cuts_at_a_word_and_never_inside_an_open_parenthesis():
    from optimizer.formatting import cut_words

    assert cut_words("Dimensional inspection or measuring systems", 20) == "Dimensional…"
    assert cut_words("short", 20) == "short"
    src = "US Census partner totals 2019-2024 (country.xlsx, Apr-2025 vintage); chapter mix"
    assert cut_words(src, 60) == "US Census partner totals 2019-2024…"
    assert cut_words("  many   blanks\nhere  ", 40) == "many blanks here"
    assert len(cut_words("x" * 100, 10)) == 10  # one long word: cut inside it
