"""Test helpers for code that uses :mod:`statmethods`, in the manner of ``geopandas.testing``.

Examples
--------
>>> import pandas as pd
>>> from statmethods.results import EstimateResult
>>> class R(EstimateResult):
...     def __init__(self):
...         self.estimates = pd.Series([1.0, 2.0]); self.se = pd.Series([0.1, 0.3])
...         self.confidence = 0.9
>>> assert_result_protocol(R())
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["assert_result_protocol"]


def assert_result_protocol(result: object, *, check_widths: bool = True) -> None:
    """Assert that ``result`` follows the result protocol of the package.

    The protocol: ``estimates`` and ``se`` are Series on one index with ``se >= 0``;
    ``conf_int()`` gives ``lower`` and ``upper`` on that index at the result's own ``confidence``,
    containing the estimate; a higher level gives intervals at least as wide (``check_widths``);
    ``table()`` is a DataFrame; ``summary()`` prints as text.

    Raises
    ------
    AssertionError
        Naming the first rule that fails.
    """
    name = type(result).__name__
    for attr in ("estimates", "se", "conf_int", "table", "summary", "confidence"):
        assert hasattr(result, attr), f"{name} has no {attr!r}"
    est, se = result.estimates, result.se
    assert isinstance(est, pd.Series), f"{name}.estimates is {type(est).__name__}, not a Series"
    assert isinstance(se, pd.Series), f"{name}.se is {type(se).__name__}, not a Series"
    assert est.index.equals(se.index), f"{name}: estimates and se have different indexes"
    s = se.to_numpy(dtype=float)
    assert np.all(np.isnan(s) | (s >= 0)), f"{name}.se has negative values"
    assert 0 < float(result.confidence) < 1, f"{name}.confidence is not in (0, 1)"
    ci = result.conf_int()
    assert isinstance(ci, pd.DataFrame), f"{name}.conf_int() is not a DataFrame"
    assert {"lower", "upper"} <= set(ci.columns), f"{name}.conf_int() lacks lower/upper"
    assert ci.index.equals(est.index), f"{name}.conf_int() is not on the estimates' index"
    lo, hi, e = (ci["lower"].to_numpy(float), ci["upper"].to_numpy(float), est.to_numpy(float))
    ok = np.isnan(lo) | np.isnan(hi) | np.isnan(e) | ((lo <= e + 1e-12) & (e <= hi + 1e-12))
    assert ok.all(), f"{name}.conf_int() does not contain the estimates"
    if check_widths:
        narrow, wide = result.conf_int(0.5), result.conf_int(0.99)
        w1 = (narrow["upper"] - narrow["lower"]).to_numpy(float)
        w2 = (wide["upper"] - wide["lower"]).to_numpy(float)
        ok = np.isnan(w1) | np.isnan(w2) | (w2 >= w1 - 1e-12)
        assert ok.all(), f"{name}.conf_int(0.99) is narrower than conf_int(0.5)"
    assert isinstance(result.table(), pd.DataFrame), f"{name}.table() is not a DataFrame"
    assert str(result.summary()).strip(), f"{name}.summary() prints nothing"
