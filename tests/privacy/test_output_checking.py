"""The output checker on a table-driven battery of outputs with known verdicts (ACRO's rules and outcomes)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from statmethods.privacy import output_checking as oc
from statmethods.validation import BadInputError

SACRO = oc.Rules()
OFFICE = oc.Rules.preset("office")


def cross(cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    """Microdata with ``n`` records in each (row, col) cell."""
    rows = [(r, c) for (r, c), n in cells.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["r", "c"])


def contributions(cells: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame([(g, v) for g, vals in cells.items() for v in vals], columns=["g", "v"])


def ols(n: int, k: int = 2) -> object:
    rng = np.random.default_rng(n)
    x = rng.normal(size=(n, k))
    return sm.OLS(x @ np.ones(k) + rng.normal(size=n), sm.add_constant(x)).fit()


def logit(n: int) -> object:
    rng = np.random.default_rng(n)
    x = rng.normal(size=n)
    y = (x + rng.logistic(size=n) > 0).astype(float)
    return sm.Logit(y, sm.add_constant(x)).fit(disp=0)


BIG = {("a", "x"): 20, ("a", "y"): 15, ("b", "x"): 30, ("b", "y"): 12}
EVEN = [10.0] * 20

# id, rules, what the researcher asks for, expected status ("error": refused), rule that must be named
CASES: list[tuple[str, oc.Rules, Callable[[oc.OutputChecker], oc.Verdict], str, str | None]] = [
    ("freq-all-cells-large", SACRO, lambda c: c.frequency("t", cross(BIG), "r", "c"), "pass", None),
    ("freq-one-cell-of-3", SACRO, lambda c: c.frequency("t", cross({**BIG, ("b", "y"): 3}), "r", "c"),
     "fail", "threshold"),
    ("freq-cell-at-threshold", SACRO, lambda c: c.frequency("t", cross({**BIG, ("b", "y"): 10}), "r", "c"),
     "pass", None),
    ("freq-cell-one-below", SACRO, lambda c: c.frequency("t", cross({**BIG, ("b", "y"): 9}), "r", "c"),
     "fail", "threshold"),
    ("freq-single-person", SACRO, lambda c: c.frequency("t", cross({**BIG, ("b", "y"): 1}), "r", "c"),
     "fail", "threshold"),
    ("freq-zero-cell", SACRO, lambda c: c.frequency(
        "t", cross({**BIG, ("b", "y"): 0, ("c", "x"): 11, ("c", "y"): 12}), "r", "c"), "fail", "zero"),
    ("freq-zero-cell-not-disclosive", oc.Rules(zeros_disclosive=False), lambda c: c.frequency(
        "t", cross({**BIG, ("b", "y"): 0, ("c", "x"): 11, ("c", "y"): 12}), "r", "c"), "pass", None),
    ("freq-full-cell", SACRO, lambda c: c.frequency(
        "t", cross({**BIG, ("b", "y"): 0, ("c", "x"): 11, ("c", "y"): 12}), "r", "c"), "fail", "full"),
    ("freq-one-way-large", SACRO, lambda c: c.frequency("t", cross(BIG), "r"), "pass", None),
    ("freq-one-way-small", SACRO, lambda c: c.frequency("t", cross({**BIG, ("z", "x"): 2}), "r"),
     "fail", "threshold"),
    ("freq-office-cell-of-4", OFFICE, lambda c: c.frequency("t", cross({**BIG, ("b", "y"): 4}), "r", "c"),
     "pass", None),
    ("freq-office-cell-of-2", OFFICE, lambda c: c.frequency("t", cross({**BIG, ("b", "y"): 2}), "r", "c"),
     "fail", "threshold"),
    ("freq-missing-column", SACRO, lambda c: c.frequency("t", cross(BIG), "r", "nope"),
     "error", None),
    ("counts-large", SACRO, lambda c: c.counts("t", pd.DataFrame({"x": [12, 40], "y": [10, 99]})),
     "pass", None),
    ("counts-small", SACRO, lambda c: c.counts("t", pd.DataFrame({"x": [12, 4], "y": [10, 99]})),
     "fail", "threshold"),
    ("counts-are-shares", SACRO, lambda c: c.counts("t", pd.DataFrame({"x": [0.2, 0.8]})), "error", None),
    ("map-small-area", SACRO, lambda c: c.counts("m", pd.Series({"dong-1": 7, "dong-2": 300}), "map"),
     "fail", "threshold"),
    ("map-all-areas-large", SACRO, lambda c: c.counts("m", pd.Series({"dong-1": 70, "dong-2": 300}), "map"),
     "pass", None),
    ("hist-all-bins-large", SACRO, lambda c: c.histogram("h", np.repeat([1, 5, 9], 20), [0, 4, 8, 12]),
     "pass", None),
    ("hist-small-tail", SACRO, lambda c: c.histogram("h", np.r_[np.repeat([1, 5], 20), 11], [0, 4, 8, 12]),
     "fail", "threshold"),
    ("hist-empty-middle-bin", SACRO, lambda c: c.histogram("h", np.repeat([1, 9], 20), [0, 4, 8, 12]),
     "pass", None),
    ("hist-bad-bins", SACRO, lambda c: c.histogram("h", [1.0, 2.0], [3, 1]),
     "error", None),
    ("mag-even-contributions", SACRO,
     lambda c: c.magnitude("m", contributions({"A": EVEN, "B": EVEN}), "g", "v"), "pass", None),
    ("mag-three-contributors", SACRO, lambda c: c.magnitude(
        "m", contributions({"A": EVEN, "B": [5.0, 6.0, 7.0]}), "g", "v"), "fail", "threshold"),
    ("mag-one-dominates", SACRO, lambda c: c.magnitude(
        "m", contributions({"A": EVEN, "B": [1000.0] + [1.0] * 19}), "g", "v"), "fail", "dominance"),
    ("mag-p-percent-only", oc.Rules(nk_k=99.0), lambda c: c.magnitude(
        "m", contributions({"A": EVEN, "B": [100.0, 100.0] + [0.5] * 18}), "g", "v"), "fail", "p%"),
    ("mag-nk-only", oc.Rules(p_percent=1.0), lambda c: c.magnitude(
        "m", contributions({"A": EVEN, "B": [100.0, 100.0] + [1.0] * 18}), "g", "v"), "fail", "dominance"),
    ("mag-negative-contributions", SACRO, lambda c: c.magnitude(
        "m", contributions({"A": EVEN, "B": [-5.0] + [10.0] * 19}), "g", "v"), "review", "negative"),
    ("mean-large-groups", SACRO, lambda c: c.magnitude(
        "m", contributions({"A": EVEN, "B": EVEN}), "g", "v", statistic="mean"), "pass", None),
    ("mean-group-of-two", SACRO, lambda c: c.magnitude(
        "m", contributions({"A": EVEN, "B": [3.0, 4.0]}), "g", "v", statistic="mean"), "fail", "threshold"),
    ("share-dominated", SACRO, lambda c: c.magnitude(
        "m", contributions({"A": EVEN, "B": [900.0] + [1.0] * 15}), "g", "v", statistic="share"),
     "fail", "dominance"),
    ("mag-missing-values", SACRO, lambda c: c.magnitude(
        "m", contributions({"A": [1.0, np.nan] * 10}), "g", "v"), "error", None),
    ("max-unique", SACRO, lambda c: c.extremes("e", contributions({"A": list(range(30))}), "g", "v"),
     "fail", "extreme"),
    ("max-top-coded", SACRO, lambda c: c.extremes(
        "e", contributions({"A": list(range(30)) + [99] * 10}), "g", "v"), "pass", None),
    ("min-unique", SACRO, lambda c: c.extremes("e", contributions({"A": list(range(30))}), "g", "v", "min"),
     "fail", "extreme"),
    ("median-of-100", SACRO, lambda c: c.percentiles("p", np.arange(100.0), [50]), "pass", None),
    ("p99-of-100", SACRO, lambda c: c.percentiles("p", np.arange(100.0), [50, 99]), "fail", "percentile"),
    ("p0-is-the-minimum", SACRO, lambda c: c.percentiles("p", np.arange(100.0), [0]), "fail", "extreme"),
    ("p10-p90-of-200", SACRO, lambda c: c.percentiles("p", np.arange(200.0), [10, 90]), "pass", None),
    ("percentile-above-100", SACRO, lambda c: c.percentiles("p", np.arange(10.0), [150]), "error", None),
    ("ols-200", SACRO, lambda c: c.model("r", ols(200)), "pass", None),
    ("ols-dof-9", SACRO, lambda c: c.model("r", ols(12)), "fail", "dof"),
    ("ols-dof-10", SACRO, lambda c: c.model("r", ols(13)), "pass", None),
    ("logit-300", SACRO, lambda c: c.model("r", logit(300)), "pass", None),
    ("logit-dof-8", SACRO, lambda c: c.model("r", logit(10)), "fail", "dof"),
    ("model-not-fitted", SACRO, lambda c: c.model("r", "not a model"), "error", None),
    ("figure-without-data", SACRO, lambda c: c.custom("f", "a scatter plot of individual points"),
     "review", "manual"),
    ("rules-k-as-share", None, lambda c: oc.Rules(nk_k=900.0), "error", None),
    ("rules-threshold-zero", None, lambda c: oc.Rules(threshold=0), "error", None),
]


@pytest.mark.parametrize(("case_id", "rules", "make", "status", "rule"), CASES, ids=[c[0] for c in CASES])
def test_battery_of_outputs_with_known_verdicts(case_id, rules, make, status, rule):
    chk = oc.OutputChecker(rules or SACRO)
    if status == "error":
        with pytest.raises(BadInputError, match="Fix:"):
            make(chk)
        return
    v = make(chk)
    assert v.status == status, (case_id, v.reason())
    if rule is not None:
        assert rule in {f.rule for f in v.findings}, (case_id, v.reason())
    row = chk.report().iloc[0]
    assert row["status"] == status and row["reason"] and row["fix"]
    if status == "fail":
        assert any(word in row["fix"] for word in ("suppress", "recode", "round"))


def test_battery_is_at_least_forty_outputs_and_covers_every_verdict():
    assert len(CASES) >= 40
    assert {c[3] for c in CASES} == {"pass", "fail", "review", "error"}


def _people() -> pd.DataFrame:
    """200 people by sex and area; one person is 95, everyone else under 80."""
    rng = np.random.default_rng(1)
    d = pd.DataFrame({"sex": rng.choice(["m", "f"], 200), "area": rng.choice(["urban", "rural"], 200),
                      "age": rng.integers(18, 80, 200)})
    d.loc[17, ["sex", "area", "age"]] = ["f", "rural", 95]
    return d


def test_differencing_attack_is_caught():
    d = _people()
    chk = oc.OutputChecker()
    a = chk.frequency("sex by area, everyone", d, "area", "sex")
    b = chk.frequency("sex by area, aged under 90", d[d.age < 90], "area", "sex")
    assert a.status == "pass" and b.status == "pass"  # each table passes alone
    # the attack: the difference of the two released tables is the table of people aged 90+
    diff = a.value - b.value
    inner = diff.drop(index="Total").drop(columns="Total")
    assert diff.loc["rural", "f"] == 1 and inner.to_numpy().sum() == 1
    found = chk.differencing()
    assert [(x, y, f.where) for x, y, f in found] == [(a.output, b.output, "rural x f")]
    assert a.status == "pass" and b.status == "fail"  # the later table is withheld
    assert a.released() is not None and b.released() is None
    rep = chk.report()
    assert "differencing" in rep.rules.iloc[1] and "suppress this table" in rep.fix.iloc[1]
    assert chk.differencing() == found and len(b.findings) == 1  # checking twice adds nothing


def test_differencing_by_many_units_or_identical_tables_passes():
    d = _people()
    chk = oc.OutputChecker()
    chk.frequency("everyone", d, "area", "sex")
    chk.frequency("everyone again", d, "area", "sex")
    chk.frequency("aged under 50", d[d.age < 50], "area", "sex")  # differs by many in every cell
    chk.frequency("sex only", d, "sex")  # other cells: not comparable
    assert chk.differencing() == []
    assert (chk.report().status == "pass").all()


def _recoverable(wide: pd.DataFrame) -> list[tuple[str, str]]:
    """Suppressed cells that one additivity relation (a row or a column with its total) gives back."""
    out = []
    for frame in (wide, wide.T):
        for r, vals in frame.iterrows():
            if vals.isna().sum() == 1:
                out.append((r, vals.index[vals.isna()][0]))
    return out


def test_released_output_suppresses_or_rounds_the_failing_cells():
    chk = oc.OutputChecker()
    v = chk.frequency("t", cross({**BIG, ("b", "y"): 3}), "r", "c")
    rel = v.released()
    assert np.isnan(rel.loc["b", "y"]) and rel.isna().sum().sum() >= 4  # with secondary cells
    assert _recoverable(rel) == []  # no suppressed cell comes back from the margins
    one_way = chk.counts("map", pd.Series({"a": 40, "b": 3, "c": 25, "d": 60}), kind="map").released()
    assert one_way.isna().sum().iloc[0] == 2  # a second area hides the first from the known total
    mag = chk.magnitude("m", contributions({"A": EVEN, "B": EVEN, "C": [5.0, 6.0]}), "g", "v").released()
    assert np.isnan(mag.loc["C"].iloc[0]) and mag.drop(index="Total").isna().sum().iloc[0] == 2
    assert (v.released("round") % 5 == 0).all().all()
    m = chk.model("r", ols(12))
    assert m.released() is None
    assert chk.counts("ok", pd.Series({"a": 20})).released().equals(pd.Series({"a": 20}).to_frame("n"))


def test_rule_sources_give_both_columns_and_a_source_for_each_value():
    t = oc.RULE_SOURCES
    assert list(t.parameter) == [f for f in oc.Rules.__dataclass_fields__]
    assert t.source_sacro.str.len().gt(0).all() and t.source_office.str.len().gt(0).all()
    assert oc.Rules.preset("sacro") == oc.Rules()
    with pytest.raises(BadInputError, match="'rule_set' must be one of"):
        oc.Rules.preset("eurostat")


def test_each_output_name_is_checked_once():
    chk = oc.OutputChecker()
    chk.frequency("t", cross(BIG), "r", "c")
    with pytest.raises(BadInputError, match="already checked"):
        chk.frequency("t", cross(BIG), "r", "c")
