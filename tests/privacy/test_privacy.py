"""statmethods.privacy against sdcMicro's and sdcTable's documented results and independent computations."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from statmethods import privacy
from statmethods.data.reference import reference
from statmethods.privacy.risk import inverse_moments
from statmethods.testing import assert_result_protocol
from statmethods.validation import BadInputError

SDCMICRO = reference("sdcmicro")
SDCTABLE = reference("sdctable")


def _francdat() -> pd.DataFrame:
    import pyreadr

    from statmethods import data

    return pyreadr.read_r(str(data.path("sdcmicro/francdat.rda")))["francdat"]


def test_freqcalc_on_francdat_matches_sdcmicro_documented_fk():
    ref = SDCMICRO["francdat_freqcalc"]
    f = privacy.frequency_counts(_francdat(), ref["keys"], ref["weights"])
    assert f.fk.astype(int).tolist() == ref["fk"]


@pytest.mark.parametrize("case", ["weighted_approx", "weighted_exact", "unweighted",
                                  "missing_weighted_approx", "missing_weighted_exact", "missing_unweighted"])
def test_indivrisk_matches_sdcmicro_tests(case):
    ref = SDCMICRO["indivrisk_test"]
    d = pd.DataFrame(ref["data_missing" if case.startswith("missing") else "data"])
    weights = None if case.endswith("unweighted") else "weight"
    method = "exact" if case.endswith("exact") else "approx"
    r = privacy.individual_risk(d, ["A", "B", "C"], weights, method=method)
    np.testing.assert_allclose(r.rk, ref["rk"][case], atol=1e-5 if "unweighted" in case else 1.5e-8)


def test_frequency_counts_with_missing_match_brute_force_pairs():
    rng = np.random.default_rng(1)
    d = pd.DataFrame(rng.integers(0, 3, (60, 3)), columns=list("abc")).astype(float)
    d[d.sample(frac=0.15, random_state=2) > -1] = np.nan  # some missing key values
    d = d.where(rng.random(d.shape) > 0.1)
    d["w"] = rng.uniform(1, 5, 60)
    f = privacy.frequency_counts(d, list("abc"), "w")
    x = d[list("abc")].to_numpy()
    for i in range(len(d)):
        m = np.all((x == x[i]) | np.isnan(x) | np.isnan(x[i]), axis=1)
        assert f.fk[i] == m.sum()
        assert f.Fk[i] == pytest.approx(d.w[m].sum())


def test_exact_and_approx_agree_for_fk_up_to_two_and_differ_above():
    d = pd.DataFrame({"a": [1] * 5 + [2, 2, 3], "w": [20.0] * 8})
    a = privacy.individual_risk(d, ["a"], "w", "approx").rk
    e = privacy.individual_risk(d, ["a"], "w", "exact").rk
    np.testing.assert_allclose(a[5:], e[5:])
    assert not np.isclose(a[0], e[0])


def test_bad_keys_and_weights_are_refused():
    d = pd.DataFrame({"a": [1, 2], "w": [1.0, -1.0]})
    with pytest.raises(ValueError, match="not in the data"):
        privacy.frequency_counts(d, ["b"])
    with pytest.raises(ValueError, match="negative"):
        privacy.frequency_counts(d, ["a"], "w")
    with pytest.raises(ValueError, match="missing"):
        privacy.frequency_counts(d.assign(w=[1.0, np.nan]), ["a"], "w")


def _microdata1_table() -> privacy.Table:
    import pyreadr

    from statmethods import data

    m = pyreadr.read_r(str(data.path("sdctable/microdata1.rda")))["microdata1"]
    return privacy.Table.from_microdata(m, "region", "gender", "val",
                                        col_hierarchy={"Total": ["male", "female"]})


def test_secondary_suppression_matches_sdctable_opt_pattern():
    ref = SDCTABLE["microdata1_opt"]
    t = _microdata1_table()
    r = privacy.secondary_suppression(t, [tuple(p) for p in ref["primary"]])
    res = r.table()
    order = [(a, b) for a in ref["order_region"] for b in ref["order_gender"]]
    pos = [order.index((row, col)) + 1 for row, col, s in zip(res.row, res.col, res.status, strict=True)
           if s != "publishable"]
    assert sorted(pos) == ref["not_publishable_positions"]
    assert sorted(r.secondary) == sorted(tuple(x) for x in ref["secondary"])
    assert (res.status == "publishable").sum() == ref["n_publishable"]
    assert r.audit.all_protected


def test_secondary_suppression_is_optimal_by_exhaustive_search():
    t = _microdata1_table()
    prim = t.index_of("A", "female")
    best = privacy.secondary_suppression(t, [prim]).objective
    v = t.cells.value.to_numpy()
    others = [i for i in range(len(v)) if i != prim]
    rels = [set([tot, *parts]) for tot, parts in t.relations() if prim in [tot, *parts]]
    found = np.inf
    for size in range(1, 5):
        for comb in itertools.combinations(others, size):
            if v[list(comb)].sum() >= found or not all(r & set(comb) for r in rels):
                continue  # dearer than the best so far, or the primary is recoverable from a relation
            if privacy.audit(t, [prim, *comb], [prim], cells=[prim]).all_protected:
                found = v[list(comb)].sum()
    assert best == found + v[prim]


def test_audit_finds_a_cell_recoverable_by_subtraction():
    t = _microdata1_table()
    a = privacy.audit(t, [t.index_of("A", "female")], [t.index_of("A", "female")])
    row = a.table().iloc[0]
    assert row.low == pytest.approx(20) and row.high == pytest.approx(20)
    assert not a.all_protected


def test_table_refuses_margins_that_do_not_add_up_and_unknown_cells():
    cells = pd.DataFrame({"r": ["T", "T", "T", "a", "a", "a", "b", "b", "b"],
                          "c": ["T", "m", "f"] * 3, "v": [10, 6, 4, 5, 3, 2, 5, 3, 3]})
    with pytest.raises(ValueError, match="margins do not add up"):
        privacy.Table.from_cells(cells, "r", "c", "v", {"T": ["a", "b"]}, {"T": ["m", "f"]})
    t = _microdata1_table()
    with pytest.raises(ValueError, match="does not exist"):
        privacy.secondary_suppression(t, [("E", "female")])


def test_p_percent_and_dominance_rules_on_a_hand_example():
    m = pd.DataFrame({"r": ["A"] * 3 + ["B"] * 3, "c": ["x"] * 6, "v": [90.0, 5.0, 5.0, 40.0, 35.0, 25.0]})
    t = privacy.Table.from_microdata(m, "r", "c", "v")
    dom = privacy.dominance_rule(t, 1, 85).table().set_index(["row", "col"]).sensitive
    pp = privacy.p_percent_rule(t, 10).table().set_index(["row", "col"]).sensitive
    assert dom[("A", "x")] and not dom[("B", "x")]
    assert pp[("A", "x")] and not pp[("B", "x")]  # 100-90-5 = 5 < 9; 100-40-35 = 25 >= 4


def _arx(k: int) -> pd.DataFrame:
    from statmethods import data

    return pd.read_csv(data.path(f"adult-arx/adult_anonymized_{k}.csv"), dtype=str)


ARX_QI = ["age", "education", "occupation", "relationship", "sex", "native-country"]


@pytest.mark.parametrize("k", [3, 10, 20])
def test_k_of_arx_outputs_recomputed_exactly(k):
    d = _arx(k)
    r = privacy.anonymity_measures(d, ARX_QI, sensitive="salary-class")
    kept = d[~(d[ARX_QI] == "*").all(axis=1)]
    assert r.k == kept.groupby(ARX_QI).size().min() == k
    assert r.n_suppressed == len(d) - len(kept)


def test_anonymise_reaches_k_and_beats_no_suppression_baseline():
    rng = np.random.default_rng(3)
    d = pd.DataFrame({"age": rng.integers(20, 30, 300).astype(str), "sex": rng.choice(["F", "M"], 300)})
    h = {"age": privacy.Hierarchy.from_frame("age", pd.DataFrame(
        [[str(a), f"{a // 5 * 5}-{a // 5 * 5 + 4}", "*"] for a in range(20, 30)])),
         "sex": privacy.Hierarchy.suppression_only("sex", d.sex)}
    r = privacy.anonymise(d, ["age", "sex"], h, k=20, max_suppression=0.1)
    m = privacy.anonymity_measures(r.data, ["age", "sex"])
    assert m.k >= 20 == r.k
    assert m.n_suppressed == r.suppressed_records
    assert r.discernibility == privacy.discernibility(r.data, ["age", "sex"])
    assert r.non_uniform_entropy == pytest.approx(privacy.non_uniform_entropy(d, r.data, ["age", "sex"]))


def test_hierarchy_that_does_not_cover_a_value_is_refused():
    h = privacy.Hierarchy.from_frame("sex", pd.DataFrame([["F", "*"]]))
    with pytest.raises(ValueError, match="does not cover"):
        h.recode(pd.Series(["F", "M"]), 1)


def test_local_suppression_reaches_k():
    rng = np.random.default_rng(4)
    d = pd.DataFrame(rng.integers(0, 4, (80, 3)).astype(str), columns=list("abc"))
    r = privacy.local_suppression(d, list("abc"), k=2)
    assert (privacy.frequency_counts(r.data, list("abc")).fk >= 2).all()


@pytest.mark.parametrize("mechanism", ["laplace", "gaussian"])
def test_dp_count_intervals_cover_at_stated_rate_by_simulation(mechanism):
    counts = [0, 3, 17, 250]
    r = privacy.dp_counts(counts, epsilon=0.5, mechanism=mechanism, confidence=0.9)
    half = r.accuracy()
    assert r.conf_int()["upper"].iloc[0] - r.estimates.iloc[0] == pytest.approx(half)
    sims = privacy.simulate_counts(counts, r.scale, mechanism, 20000, np.random.default_rng(5))
    cover = (np.abs(sims - np.array(counts)) <= half).mean()
    assert cover >= 0.9 - 0.01
    # OpenDP's own draws: same spread as the seeded sampler (it cannot be seeded)
    draws = np.array([privacy.dp_counts(counts, 0.5, mechanism).estimates.to_numpy() for _ in range(300)])
    assert np.std(draws - counts) == pytest.approx(np.std(sims - np.array(counts)), rel=0.2)


def test_dp_budget_is_explicit_and_spent_as_stated():
    r = privacy.dp_counts([5, 6], epsilon=2.0)
    assert r.privacy_spent == pytest.approx(2.0) and r.scale == pytest.approx(0.5)
    g = privacy.dp_counts([5, 6], epsilon=1.0, mechanism="gaussian", delta=1e-6)
    assert g.privacy_spent <= privacy.gaussian_rho(1.0, 1e-6) + 1e-12
    for bad in (0, -1.0, float("inf"), float("nan"), True):
        with pytest.raises(BadInputError, match="'epsilon' must be a positive"):
            privacy.dp_counts([1], epsilon=bad)


def test_dp_sum_and_mean_spend_the_budget_and_centre_on_the_truth():
    x = np.random.default_rng(6).uniform(0, 10, 400)
    s = privacy.dp_sum(x, (0, 10), epsilon=1.0)
    m = privacy.dp_mean(x, (0, 10), epsilon=1.0, mechanism="gaussian")
    assert s.privacy_spent <= 1.0 + 1e-9
    assert abs(s.estimates.iloc[0] - x.sum()) < 10 * s.scale * 10
    assert abs(m.estimates.iloc[0] - x.mean()) < 10 * m.scale


def test_integer_postprocess_gives_nonnegative_integers_adding_to_total():
    rng = np.random.default_rng(7)
    for _ in range(50):
        z = rng.normal(5, 4, 8)
        total = int(rng.integers(0, 60))
        y = privacy.integer_postprocess(z, total)
        assert y.sum() == total and (y >= 0).all() and y.dtype.kind == "i"


def test_testdata_expected_reidentifications_match_an_independent_groupby():
    import pyreadr

    from statmethods import data

    ref = SDCMICRO["testdata"]
    d = pyreadr.read_r(str(data.path("sdcmicro/testdata.RData")))["testdata"]
    r = privacy.individual_risk(d, ref["key_vars"], ref["weights"])
    g = d.groupby(ref["key_vars"])[ref["weights"]].agg(["size", "sum"])
    total = 0.0
    for f, F in zip(g["size"], g["sum"], strict=True):
        p = f / F
        if f == 1:
            rk = p / (1 - p) * np.log(1 / p)
        elif f == 2:
            rk = p / (1 - p) - (p / (1 - p)) ** 2 * np.log(1 / p)
        else:
            rk = p / (f - (1 - p))
        total += f * rk
    assert r.expected_reidentifications == pytest.approx(total)
    assert (r.fk == 1).sum() == (g["size"] == 1).sum()


def _testdata_frequencies() -> privacy.FrequencyResult:
    import pyreadr

    from statmethods import data

    ref = SDCMICRO["testdata"]
    d = pyreadr.read_r(str(data.path("sdcmicro/testdata.RData")))["testdata"]
    return privacy.frequency_counts(d, ref["key_vars"], ref["weights"])


@pytest.mark.parametrize(("f", "p"), [(1, 0.3), (1, 1e-4), (2, 0.01), (5, 0.02), (40, 0.3), (500, 0.01)])
def test_inverse_moments_match_a_direct_sum_over_the_negative_binomial(f, p):
    from scipy import special

    h = np.arange(f, int(f / p * 60) + 1000, dtype=float)
    pmf = np.exp(special.gammaln(h) - special.gammaln(f) - special.gammaln(h - f + 1)
                 + f * np.log(p) + (h - f) * np.log1p(-p))
    e1, e2 = inverse_moments(np.array([f]), np.array([p]))
    assert e1[0] == pytest.approx((pmf / h).sum(), rel=1e-8)
    assert e2[0] == pytest.approx((pmf / h**2).sum(), rel=1e-8)


def test_exact_risk_is_the_first_inverse_moment():
    f = _testdata_frequencies()
    r = privacy.individual_risk(f, method="exact")
    e1, _ = inverse_moments(f.fk, f.fk / f.Fk)
    np.testing.assert_allclose(r.rk, e1, rtol=1e-6)  # the series of sdcMicro loses a few digits


def test_risk_standard_error_matches_draws_of_the_population_from_the_model():
    r = privacy.individual_risk(_testdata_frequencies(), method="exact")
    assert_result_protocol(r)
    first = np.unique(r.classes, return_index=True)[1]
    n_k = np.bincount(r.classes)[r.classes[first]]
    fk, pk = r.fk[first], r.fk[first] / r.Fk[first]
    rng = np.random.default_rng(7)
    draws = np.array([(n_k / (fk + rng.negative_binomial(fk, pk))).sum() for _ in range(4000)])
    er, se = r.estimates["expected_reidentifications"], r.se["expected_reidentifications"]
    assert draws.mean() == pytest.approx(er, abs=4 * se / np.sqrt(len(draws)))
    assert draws.std(ddof=1) == pytest.approx(se, rel=0.05)
    lo, hi = r.conf_int().loc["expected_reidentifications"]
    assert 0.93 <= np.mean((draws >= lo) & (draws <= hi)) <= 0.97
    assert r.se["global_risk"] == pytest.approx(se / len(r.rk))


def test_risk_without_weights_has_no_sampling_error():
    d = pd.DataFrame({"a": [1, 1, 2, 3, 3, 3]})
    r = privacy.individual_risk(d, ["a"])
    assert r.expected_reidentifications == pytest.approx(3.0)
    assert r.se.isna().all()
    assert_result_protocol(r)
