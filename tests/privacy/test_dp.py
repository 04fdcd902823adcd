"""The DP release: result protocol, and the stated budget equals OpenDP's privacy map of the whole release."""

from __future__ import annotations

import numpy as np
import opendp.prelude as dp
import pandas as pd
import pytest

from statmethods import privacy
from statmethods.testing import assert_result_protocol
from statmethods.validation import BadInputError

dp.enable_features("contrib")

CELLS = ["A / male", "A / female", "B / male", "B / female"]
COUNTS = [7, 1, 0, 30]


def _whole_release(mechanism: str, scale: float):
    """The release built from the microdata up: one record per person, labelled by its cell."""
    metric = dp.L1Distance[int] if mechanism == "laplace" else dp.L2Distance[int]
    t = dp.t.make_count_by_categories(dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance(),
                                      categories=CELLS, null_category=False, MO=metric)
    noise = dp.m.then_laplace(scale=scale) if mechanism == "laplace" else dp.m.then_gaussian(scale=scale)
    return t >> noise


@pytest.mark.parametrize("mechanism", ["laplace", "gaussian"])
@pytest.mark.parametrize("neighbours", ["add-remove", "change-one"])
@pytest.mark.parametrize("epsilon", [0.1, 1.0, 2.5])
def test_stated_budget_equals_opendp_privacy_map_of_the_whole_release(mechanism, neighbours, epsilon):
    r = privacy.dp_counts(COUNTS, epsilon, mechanism, labels=CELLS, neighbours=neighbours)
    # d_in in the symmetric distance of the microdata: add/remove one person = 1; change one person's
    # cell (exact totals kept as invariants) = 2
    d_in = {"add-remove": 1, "change-one": 2}[neighbours]
    whole = _whole_release(mechanism, r.scale)
    spent = whole.map(d_in)
    assert spent == pytest.approx(r.budget, rel=1e-9)
    assert r.privacy_spent == pytest.approx(spent, rel=1e-9)
    assert r.d_in == d_in
    micro = [c for c, n in zip(CELLS, COUNTS, strict=True) for _ in range(n)]
    assert len(whole(micro)) == len(CELLS)


def test_exact_totals_with_add_remove_noise_cost_twice_the_stated_epsilon():
    # the old chapter: scale 1/eps noise, totals published exactly. Under change-one-person (the only
    # relation under which exact totals are allowed) OpenDP's map of that noise is 2 eps, not eps.
    r = privacy.dp_counts(COUNTS, 1.0, labels=CELLS)
    assert r.scale == 1.0
    assert r.measurement.map(2) == pytest.approx(2.0)
    fixed = privacy.dp_counts(COUNTS, 1.0, labels=CELLS, neighbours="change-one")
    assert fixed.scale == 2.0 and fixed.measurement.map(2) == pytest.approx(1.0)


def test_sequential_releases_compose_to_the_sum_of_their_budgets():
    meas = [privacy.dp_counts(COUNTS, e).measurement for e in (0.25, 0.5)]
    comp = dp.c.make_composition(meas)
    assert comp.map(1) == pytest.approx(0.75)


@pytest.mark.parametrize("maker", [
    lambda: privacy.dp_counts(COUNTS, 0.5, labels=CELLS),
    lambda: privacy.dp_counts(COUNTS, 0.5, "gaussian", labels=CELLS, neighbours="change-one"),
    lambda: privacy.dp_sum(np.arange(50.0), (0, 60), 1.0),
    lambda: privacy.dp_mean(np.arange(50.0), (0, 60), 1.0, mechanism="gaussian"),
])
def test_dp_results_follow_the_result_protocol_and_hold_no_truth(maker):
    r = maker()
    assert_result_protocol(r)
    assert isinstance(r.conf_int(), pd.DataFrame)
    t = r.table()
    assert "true" not in t.columns and list(t.columns) == ["estimate", "se", "lower", "upper"]
    assert not hasattr(r, "true")


@pytest.mark.parametrize("kwargs, phrase", [
    ({"epsilon": float("inf")}, "'epsilon' must be a positive"),
    ({"epsilon": 1.0, "mechanism": "cauchy"}, "'mechanism' must be one of"),
    ({"epsilon": 1.0, "mechanism": "gaussian", "delta": 1.0}, "'delta' must be in"),
    ({"epsilon": 1.0, "neighbours": "bounded"}, "'neighbours' must be one of"),
    ({"epsilon": 1.0, "confidence": 95}, "'confidence' must be in"),
])
def test_bad_arguments_are_refused_with_a_fix(kwargs, phrase):
    with pytest.raises(BadInputError, match=phrase):
        privacy.dp_counts(COUNTS, **kwargs)
    with pytest.raises(BadInputError, match="'counts' must be non-negative"):
        privacy.dp_counts([1, -2], 1.0)
    with pytest.raises(BadInputError, match="'bounds'"):
        privacy.dp_sum([1.0], (0, float("inf")), 1.0)
