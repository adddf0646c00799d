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
