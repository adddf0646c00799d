"""`json_safe`: what every result's `to_dict` passes through before it is written as JSON."""

import json
import math

import numpy as np

from optimizer.jsonsafe import json_safe


def test_non_finite_numbers_become_null_and_numpy_scalars_plain():
    doc = {
        "a": math.nan,
        "b": [math.inf, -math.inf, 1.5, np.float64("nan"), np.float64(2.5), np.int64(3), np.bool_(True)],
        "c": ("x", None, 0, False),
        "d": {"e": {"f": [np.float32(0.5)]}},
    }
    out = json_safe(doc)
    assert out == {
        "a": None,
        "b": [None, None, 1.5, None, 2.5, 3, True],
        "c": ["x", None, 0, False],
        "d": {"e": {"f": [0.5]}},
    }
    assert [type(v) for v in out["b"][4:]] == [float, int, bool]
    json.dumps(out, allow_nan=False)  # accepted


def test_the_input_is_not_changed_and_the_copy_shares_no_container():
    inner = [1.0, math.nan]
    doc = {"k": inner}
    out = json_safe(doc)
    assert inner == [1.0, inner[1]] and math.isnan(inner[1]) and out["k"] is not inner
