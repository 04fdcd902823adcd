"""Fellegi-Sunter linkage with Splink, on DuckDB (embedded default) or Apache Spark.

A thin wrapper: it registers the tables, builds the settings, estimates u by random sampling
and m by EM, predicts, and returns plain pandas tables. Splink's logging is silenced, so a
notebook's output does not change between runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._summary import Summary

BACKENDS = ("duckdb", "spark")


def quiet_splink() -> None:
    """Silence Splink's log messages (they carry timings and table names that change)."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    for name in ("py4j", "pyspark"):
        logging.getLogger(name).setLevel(logging.ERROR)


def spark_session(master: str = "local[2]", *, app_name: str = "statmethods-linkage",
                  shuffle_partitions: int = 4) -> Any:
    """A Spark session for Splink (needs Java); ``master`` may be ``"spark://host:7077"``, ``"yarn"``.

    Splink's Spark backend wants a checkpoint folder; a temporary one is set.
    """
    import tempfile

    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    spark = (SparkSession.builder.master(master).appName(app_name)
             .config("spark.jars", similarity_jar_location())
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
             .config("spark.default.parallelism", str(shuffle_partitions))
             .config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "2g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="splink-spark-"))
    return spark


def _db_api(backend: str, spark: Any = None) -> Any:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}. Fix: use one of {', '.join(BACKENDS)}")
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    from splink import SparkAPI

    return SparkAPI(spark_session=spark or spark_session(), break_lineage_method="parquet")


@dataclass(frozen=True)
class SplinkLinkResult:
    """Scored candidate pairs and the estimated Fellegi-Sunter parameters.

    Attributes
    ----------
    predictions
        ``id_l``, ``id_r``, ``match_weight``, ``match_probability`` and the comparison levels
        (``gamma_<name>``), sorted by ``id_l, id_r``.
    parameters
        One row per comparison level: ``comparison``, ``level``, ``m``, ``u``, ``weight``
        (``log2(m/u)``).
    lambda_
        Estimated probability that two random records match.
    model
        Splink's settings dictionary with the trained parameters (reusable as ``model=``).
    """

    predictions: pd.DataFrame
    parameters: pd.DataFrame
    lambda_: float
    backend: str
    n_candidate_pairs: int
    model: dict[str, Any] = field(repr=False)

    @property
    def estimates(self) -> pd.Series:
        """Match weight of each comparison level (``comparison: level`` index)."""
        p = self.parameters
        return pd.Series(p["weight"].to_numpy(), index=p["comparison"] + ": " + p["level"], name="weight")

    def table(self) -> pd.DataFrame:
        """The parameter table, rounded for display."""
        return self.parameters.round({"m": 4, "u": 6, "weight": 2})

    def summary(self) -> Summary:
        """Backend, pair count, lambda and the m/u table."""
        return Summary("Fellegi-Sunter model estimated with Splink",
                       {"backend": self.backend, "candidate pairs": f"{self.n_candidate_pairs:,}",
                        "lambda (P two random records match)": f"{self.lambda_:.3g}"},
                       self.table(), ["weight = log2(m / u); u from random sampling, m from EM."])


def _parameters(model: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for comp in model["comparisons"]:
        for lev in comp["comparison_levels"]:
            if lev.get("is_null_level"):
                continue
            m, u = lev.get("m_probability"), lev.get("u_probability")
            w = np.log2(m / u) if m and u else np.nan
            rows.append({"comparison": comp["output_column_name"],
                         "level": lev.get("label_for_charts", lev["sql_condition"]),
                         "m": m, "u": u, "weight": w})
    return pd.DataFrame(rows)


def splink_link(tables: Sequence[pd.DataFrame], *, id_column: str, comparisons: Sequence[Any],
                blocking_rules: Sequence[Sequence[str]], em_blocking_rules: Sequence[Sequence[str]],
                backend: str = "duckdb", seed: int = 42, max_pairs_u: float = 2e6,
                deterministic_rules: Sequence[Sequence[str]] | None = None, recall: float = 0.7,
                fixed_u: dict[str, Any] | None = None, fixed_m: dict[str, Any] | None = None,
                spark: Any = None,
                threshold_match_probability: float | None = None) -> SplinkLinkResult:
    """Link two tables (or deduplicate one) with a Splink Fellegi-Sunter model.

    Parameters
    ----------
    tables
        One table (deduplication) or two (linkage); each holds ``id_column``.
    id_column
        Record identifier, unique within each table.
    comparisons
        Splink comparisons (``splink.comparison_library``), one per field.
    blocking_rules
        Column lists; a pair is scored when it agrees exactly on all columns of one list.
    em_blocking_rules
        Column lists for the EM passes (each pass estimates the m of the other fields).
    backend
        ``"duckdb"`` (embedded) or ``"spark"`` (needs Java; see :func:`spark_session`).
    seed, max_pairs_u
        Seed and size of the random sample of pairs that estimates u.
    deterministic_rules, recall
        If given, lambda is estimated from these exact-agreement rules and their assumed recall.
    fixed_u
        A trained model (``SplinkLinkResult.model``) whose u probabilities are reused instead of
        sampling (so two engines can be compared on identical u).
    fixed_m
        A trained model whose m probabilities (and lambda) are reused; with ``em_blocking_rules=[]``
        the model is only applied (prediction with a trained model).
    spark
        A Spark session for ``backend="spark"`` (default: :func:`spark_session`).
    threshold_match_probability
        Keep only pairs above this probability.

    Returns
    -------
    SplinkLinkResult
    """
    from splink import Linker, SettingsCreator, block_on

    quiet_splink()
    if len(tables) not in (1, 2):
        raise ValueError(f"give one table (deduplication) or two (linkage), got {len(tables)}")
    db_api = _db_api(backend, spark)
    # fixed names: Splink's seeded sampling depends on them, so results stay reproducible
    names = ["file_a", "file_b"][: len(tables)]
    if backend == "spark":  # a session may still hold the tables of an earlier run
        for n in names:
            db_api.spark.catalog.dropTempView(n)
    sdfs = [db_api.register(t, dataset_display_name=n) for t, n in zip(tables, names, strict=False)]
    settings = SettingsCreator(
        link_type="link_only" if len(tables) == 2 else "dedupe_only",
        unique_id_column_name=id_column,
        comparisons=list(comparisons),
        blocking_rules_to_generate_predictions=[block_on(*r) for r in blocking_rules],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(sdfs if len(sdfs) == 2 else sdfs[0], settings, log_level=None)
    if deterministic_rules:
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*r) for r in deterministic_rules], recall=recall)
    if fixed_u is None:
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
    else:
        _set_u(linker, fixed_u)
    if fixed_m is not None:
        _set_u(linker, fixed_m, "m_probability")
        lam = fixed_m["probability_two_random_records_match"]
        linker._settings_obj._probability_two_random_records_match = lam
    for rule in em_blocking_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*rule), estimate_without_term_frequencies=True)
    pred = linker.inference.predict(threshold_match_probability=threshold_match_probability)
    pred = pred.as_pandas_dataframe()
    model = linker.misc.save_model_to_json()
    gammas = [c for c in pred.columns if c.startswith("gamma_")]
    out = pred[[f"{id_column}_l", f"{id_column}_r", "match_weight", "match_probability", *gammas]].copy()
    out.columns = ["id_l", "id_r", "match_weight", "match_probability", *gammas]
    out = out.sort_values(["id_l", "id_r"], kind="stable").reset_index(drop=True)
    return SplinkLinkResult(out, _parameters(model), float(model["probability_two_random_records_match"]),
                            backend, len(out), model)


def _set_u(linker: Any, model: dict[str, Any], what: str = "u_probability") -> None:
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    for comp in linker._settings_obj.comparisons:
        src = by_name[comp.output_column_name]["comparison_levels"]
        levels = [lev for lev in comp.comparison_levels]
        for lev, s in zip(levels, src, strict=False):
            if not lev.is_null_level and s.get(what) is not None:
                setattr(lev, what, s[what])


COMPARISON_KINDS = ("exact", "levenshtein", "jaro_winkler")


def splink_comparisons(spec: dict[str, str]) -> list[Any]:
    """Splink comparisons from ``{column: kind}``, kind one of ``exact``, ``levenshtein``
    (levels: exact, distance <= 1, <= 2), ``jaro_winkler`` (exact, >= 0.9, >= 0.7).

    Examples
    --------
    >>> [c.col_expression.raw_sql_expression for c in splink_comparisons({"dob": "exact"})]
    ['dob']
    """
    import splink.comparison_library as cl

    out = []
    for col, kind in spec.items():
        if kind == "exact":
            out.append(cl.ExactMatch(col))
        elif kind == "levenshtein":
            out.append(cl.LevenshteinAtThresholds(col, [1, 2]))
        elif kind == "jaro_winkler":
            out.append(cl.JaroWinklerAtThresholds(col, [0.9, 0.7]))
        else:
            raise ValueError(f"comparison on {col!r}: unknown kind {kind!r}. "
                             f"Fix: use one of {', '.join(COMPARISON_KINDS)}")
    return out
