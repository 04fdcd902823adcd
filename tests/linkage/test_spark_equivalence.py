"""Splink's Spark backend gives DuckDB's match probabilities on FEBRL4 (needs Java)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed")


def _spec():
    import splink.comparison_library as cl

    # Levenshtein, not Jaro-Winkler: DuckDB's and Splink's Scala Jaro-Winkler round differently
    # at a threshold, so a pair near 0.9 can fall in another level on the other engine.
    comparisons = [cl.LevenshteinAtThresholds("given_name", [1, 2]),
                   cl.LevenshteinAtThresholds("surname", [1, 2]),
                   cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
                   cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
                   cl.ExactMatch("street_number"), cl.LevenshteinAtThresholds("postcode", [1]),
                   cl.ExactMatch("suburb")]
    return dict(id_column="rec_id", comparisons=comparisons,
                blocking_rules=[["given_name"], ["surname"], ["date_of_birth"], ["soc_sec_id"]],
                em_blocking_rules=[["date_of_birth"], ["given_name", "surname"]],
                deterministic_rules=[["soc_sec_id"]], recall=0.8)


def test_spark_and_duckdb_give_the_same_match_probabilities_on_febrl4(febrl4):
    from statmethods.linkage import spark_session, splink_link

    a, b = febrl4
    ref = splink_link([a, b], backend="duckdb", max_pairs_u=5e5, seed=1, **_spec())
    duck = splink_link([a, b], backend="duckdb", fixed_u=ref.model, **_spec())
    spark = spark_session("local[2]")
    try:
        on_spark = splink_link([a, b], backend="spark", fixed_u=ref.model, spark=spark, **_spec())
    finally:
        spark.stop()
    assert len(on_spark.predictions) == len(duck.predictions) > 5000
    m = duck.predictions.merge(on_spark.predictions, on=["id_l", "id_r"], suffixes=("_duck", "_spark"))
    assert len(m) == len(duck.predictions), "the two engines scored different pairs"
    for g in [c for c in duck.predictions.columns if c.startswith("gamma_")]:
        assert (m[f"{g}_duck"] == m[f"{g}_spark"]).all(), g
    diff = np.abs(m["match_probability_duck"] - m["match_probability_spark"]).max()
    assert diff < 1e-6, diff
    np.testing.assert_allclose(on_spark.parameters["m"], duck.parameters["m"], atol=1e-6)
