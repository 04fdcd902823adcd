"""The ``Linker`` object: one test body per backend (DuckDB always; Spark where Java is present)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from statmethods.linkage import LinkageMetrics, Linker, SplinkLinkResult, wilson_interval
from statmethods.testing import assert_result_protocol
from statmethods.validation import BadInputError

# Levenshtein, not Jaro-Winkler: DuckDB's and Splink's Scala Jaro-Winkler round differently at a
# threshold, so a pair near 0.9 can fall in another level on the other engine.
COMPARISONS = {"given_name": "levenshtein", "surname": "levenshtein", "date_of_birth": "levenshtein",
               "soc_sec_id": "levenshtein", "street_number": "exact", "postcode": "levenshtein",
               "suburb": "exact"}
BLOCKING = [["given_name"], ["surname"], ["date_of_birth"], ["soc_sec_id"]]
EM = [["date_of_birth"], ["given_name", "surname"]]
NO_JAVA = ("Java is not installed: Splink's Spark backend needs a JVM "
           "(apt-get install openjdk-17-jre-headless)")
BACKENDS = ["duckdb", pytest.param("spark", marks=pytest.mark.skipif(shutil.which("java") is None,
                                                                     reason=NO_JAVA))]


@pytest.fixture(scope="module")
def truth(febrl4):
    a, _ = febrl4
    return pd.DataFrame({"id_l": a["rec_id"], "id_r": a["rec_id"].str.replace("org", "dup-0")})


@pytest.fixture(scope="module")
def reference_u(febrl4):
    """u estimated once on DuckDB, so every backend is compared on identical u."""
    a, b = febrl4
    linker = Linker([a, b], COMPARISONS, id_column="rec_id", blocking_rules=BLOCKING)
    return linker.estimate_u(5e5, 1).model(["u"])


@pytest.fixture(scope="module")
def duckdb_result(febrl4, reference_u):
    a, b = febrl4
    return Linker([a, b], reference_u).estimate_lambda([["soc_sec_id"]], 0.8).estimate_m(EM).predict()


@pytest.fixture(scope="module", params=BACKENDS)
def backend_result(request, febrl4, reference_u):
    a, b = febrl4
    spark = None
    if request.param == "spark":
        from statmethods.linkage import spark_session

        spark = spark_session("local[2]")
    try:
        lk = Linker([a, b], reference_u, backend=request.param, spark=spark)
        return lk, lk.estimate_lambda([["soc_sec_id"]], 0.8).estimate_m(EM).predict()
    finally:
        if spark is not None:
            spark.stop()


def test_each_backend_gives_duckdbs_match_probabilities_on_identical_u(backend_result, duckdb_result):
    _, res = backend_result
    duck = duckdb_result.predictions
    assert res.backend in ("duckdb", "spark")
    assert len(res.predictions) == len(duck) > 5000
    m = duck.merge(res.predictions, on=["id_l", "id_r"], suffixes=("_duck", "_other"))
    assert len(m) == len(duck), "the two engines scored different pairs"
    for g in [c for c in duck.columns if c.startswith("gamma_")]:
        assert (m[f"{g}_duck"] == m[f"{g}_other"]).all(), g
    assert np.abs(m["match_probability_duck"] - m["match_probability_other"]).max() < 1e-6
    np.testing.assert_allclose(res.parameters["m"], duckdb_result.parameters["m"], atol=1e-6)


def test_each_backend_links_febrl4_with_f1_above_098_and_wilson_intervals(backend_result, truth):
    linker, res = backend_result
    quality = linker.evaluate(truth, 0.9, predictions=res)
    assert isinstance(quality, LinkageMetrics)
    assert quality.estimates["f1"] >= 0.98
    assert_result_protocol(quality)
    lo, hi = quality.conf_int().loc["recall"]
    assert (lo, hi) == pytest.approx(wilson_interval(quality.tp, quality.tp + quality.fn, 0.95))
    assert lo < quality.estimates["recall"] < hi <= 1


def test_link_result_follows_the_result_protocol(duckdb_result):
    assert isinstance(duckdb_result, SplinkLinkResult)
    assert_result_protocol(duckdb_result)
    w = duckdb_result.estimates
    p = duckdb_result.parameters
    np.testing.assert_allclose(w.to_numpy(), np.log2(p["m"] / p["u"]).to_numpy())
    assert duckdb_result.se.isna().all()
    assert "lambda" in str(duckdb_result.summary())


def test_a_trained_model_applied_again_gives_the_same_probabilities(febrl4, duckdb_result, tmp_path):
    a, b = febrl4
    again = Linker([a, b], duckdb_result.model).predict()
    assert np.abs(again.predictions["match_probability"]
                  - duckdb_result.predictions["match_probability"]).max() < 1e-12
    path = Linker([a, b], duckdb_result.model).save(tmp_path / "model.json")
    assert "rec-" not in path.read_text()  # parameters only, no records
    from_file = Linker([a, b], path).predict(threshold=0.5)
    assert (from_file.predictions["match_probability"] >= 0.5).all()
    assert len(from_file.predictions) == (duckdb_result.predictions["match_probability"] >= 0.5).sum()


def test_model_parts_keep_only_what_is_asked(duckdb_result, febrl4):
    a, b = febrl4
    only_u = Linker([a, b], duckdb_result.model).model(["u"])
    levels = [lev for c in only_u["comparisons"] for lev in c["comparison_levels"]
              if not lev.get("is_null_level")]
    assert all("m_probability" not in lev and "u_probability" in lev for lev in levels)
    assert "probability_two_random_records_match" not in only_u


def test_linker_refuses_bad_arguments(febrl4):
    a, b = febrl4
    with pytest.raises(BadInputError, match="backend"):
        Linker([a, b], COMPARISONS, id_column="rec_id", blocking_rules=BLOCKING, backend="postgres")
    with pytest.raises(BadInputError, match="one table .* or two"):
        Linker([a, b, a], COMPARISONS, id_column="rec_id", blocking_rules=BLOCKING)
    with pytest.raises(BadInputError, match="needs id_column and blocking_rules"):
        Linker([a, b], COMPARISONS)
    with pytest.raises(BadInputError, match="unknown kind 'soundex'"):
        Linker([a, b], {"surname": "soundex"}, id_column="rec_id", blocking_rules=BLOCKING)
    lk = Linker([a.head(50), b.head(50)], COMPARISONS, id_column="rec_id", blocking_rules=BLOCKING)
    with pytest.raises(BadInputError, match="recall"):
        lk.estimate_lambda([["soc_sec_id"]], 1.5)


def test_deduplication_evaluates_unordered_pairs():
    people = pd.DataFrame({"id": [str(i) for i in range(6)],
                           "name": ["ann", "ann", "bob", "bob", "cy", "dee"],
                           "dob": ["1", "1", "2", "2", "3", "4"]})
    lk = Linker([people], {"name": "exact", "dob": "exact"}, id_column="id", blocking_rules=[["dob"]])
    res = lk.estimate_u(100, 1).predict()
    truth = pd.DataFrame({"id_l": ["1", "3"], "id_r": ["0", "2"]})  # reversed order on purpose
    q = lk.evaluate(truth, 0.0, predictions=res)
    assert (q.tp, q.fp, q.fn) == (2, 0, 0)


def test_no_pair_agreeing_on_the_deterministic_rule_gives_a_note_not_a_crash():
    a = pd.DataFrame({"id": ["1", "2", "3", "4"], "name": ["ann", "bob", "cy", "dee"],
                      "dob": ["1", "2", "3", "4"]})
    b = pd.DataFrame({"id": ["9", "8", "7", "6"], "name": ["eve", "fay", "gus", "hal"],
                      "dob": ["1", "2", "5", "6"]})
    lk = Linker([a, b], {"name": "exact", "dob": "exact"}, id_column="id", blocking_rules=[["dob"]])
    res = lk.estimate_lambda([["name"]], 0.9).estimate_u(100, 1).predict()
    assert res.lambda_ == pytest.approx(1 / 16)
    assert "no pair agrees" in lk.notes[0]
    assert len(res.predictions) == 2
