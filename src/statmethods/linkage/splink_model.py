"""Fellegi-Sunter linkage with Splink, on DuckDB (embedded default) or Apache Spark.

One object, :class:`Linker`, with Splink's own verbs: build it on the tables and a model
(comparisons, or a trained model), then ``estimate_lambda``, ``estimate_u``, ``estimate_m`` (or
``train`` for all three), ``predict`` and ``evaluate``. Only Splink's public API is used: a
trained model travels as Splink's settings dictionary (``Linker.model()``), and reusing part of
it (the u probabilities only, say) means building a new linker on a copy of that dictionary.
Splink's logging is silenced, so a notebook's output does not change between runs.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..results import EstimateResult
from ..validation import BadInputError, choice, positive, unit_interval
from .evaluate import LinkageMetrics, pair_metrics

if TYPE_CHECKING:  # Splink and PySpark load lazily
    from pyspark.sql import SparkSession
    from splink import Linker as SplinkLinker
    from splink.internals.comparison_creator import ComparisonCreator as SplinkComparison

BACKENDS = ("duckdb", "spark")
COMPARISON_KINDS = ("exact", "levenshtein", "jaro_winkler")
MODEL_PARTS = ("lambda", "u", "m")


def quiet_splink() -> None:
    """Silence Splink's log messages (they carry timings and table names that change)."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    for name in ("py4j", "pyspark"):
        logging.getLogger(name).setLevel(logging.ERROR)


def spark_session(master: str = "local[2]", *, app_name: str = "statmethods-linkage",
                  shuffle_partitions: int = 4) -> SparkSession:
    """A Spark session for Splink (needs Java); ``master`` may be ``"spark://host:7077"``, ``"yarn"``.

    Splink's Spark backend wants a checkpoint folder; a temporary one is set.
    """
    import tempfile

    from pyspark.sql import SparkSession as _Session
    from splink.backends.spark import similarity_jar_location

    spark = (_Session.builder.master(master).appName(app_name)
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


def splink_comparisons(spec: Mapping[str, str]) -> list[SplinkComparison]:
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
            raise BadInputError(f"comparison on {col!r}: unknown kind {kind!r}. "
                                f"Fix: use one of {', '.join(COMPARISON_KINDS)}")
    return out


@dataclass(frozen=True)
class SplinkLinkResult(EstimateResult):
    """Scored candidate pairs and the estimated Fellegi-Sunter parameters.

    ``estimates`` are the match weights ``log2(m/u)`` of the comparison levels. Splink gives
    point estimates only, so ``se`` is NaN and the inherited ``conf_int`` is NaN too (no
    override: an interval would need a bootstrap of the whole training).

    Attributes
    ----------
    predictions
        ``id_l``, ``id_r``, ``match_weight``, ``match_probability`` and the comparison levels
        (``gamma_<name>``), sorted by ``id_l, id_r``.
    parameters
        One row per comparison level: ``comparison``, ``level``, ``m``, ``u``, ``weight``.
    lambda_
        Estimated probability that two random records match.
    model
        Splink's settings dictionary with the trained parameters.
    """

    predictions: pd.DataFrame
    parameters: pd.DataFrame
    lambda_: float
    backend: str
    n_candidate_pairs: int
    model: dict[str, object] = field(repr=False)
    confidence: float = 0.95
    title = "Fellegi-Sunter model estimated with Splink"

    @property
    def estimates(self) -> pd.Series:
        """Match weight of each comparison level (``comparison: level`` index)."""
        p = self.parameters
        return pd.Series(p["weight"].to_numpy(), index=p["comparison"] + ": " + p["level"], name="weight")

    @property
    def se(self) -> pd.Series:
        """NaN: Splink's EM gives no standard errors."""
        return pd.Series(np.nan, index=self.estimates.index, name="se")

    def table(self) -> pd.DataFrame:
        """The parameter table (m, u, weight), rounded for display: it replaces the base's
        estimate/se/interval table because m and u, not intervals, are what a reader checks."""
        return self.parameters.round({"m": 4, "u": 6, "weight": 2})

    def summary(self):  # noqa: ANN201 - statmethods._summary.Summary
        """Backend, pair count, lambda and the m/u table (adds the header and a note to the base)."""
        from .._summary import Summary

        return Summary(self.title,
                       {"backend": self.backend, "candidate pairs": f"{self.n_candidate_pairs:,}",
                        "lambda (P two random records match)": f"{self.lambda_:.3g}"},
                       self.table(), ["weight = log2(m / u); u from random sampling, m from EM."])


def _parameters(model: Mapping[str, object]) -> pd.DataFrame:
    rows = []
    for comp in model["comparisons"]:
        for lev in comp["comparison_levels"]:
            if lev.get("is_null_level"):
                continue
            m, u = lev.get("m_probability"), lev.get("u_probability")
            ok = isinstance(m, float | int) and isinstance(u, float | int) and m and u
            rows.append({"comparison": comp["output_column_name"],
                         "level": lev.get("label_for_charts", lev["sql_condition"]),
                         "m": m if isinstance(m, float | int) else np.nan,
                         "u": u if isinstance(u, float | int) else np.nan,
                         "weight": np.log2(m / u) if ok else np.nan})
    return pd.DataFrame(rows)


def _rules(rules: Sequence[Sequence[str] | str]) -> list[object]:
    from splink import block_on

    return [r if isinstance(r, str) else block_on(*r) for r in rules]


def _to_dialect(settings: dict[str, object], backend: str) -> dict[str, object]:
    """Translate a saved model's SQL to the backend's dialect (Splink runs a dict's SQL as written).

    A model saved on DuckDB quotes columns as ``"col"``, which Spark reads as a string literal;
    sqlglot rewrites the conditions and blocking rules (Levenshtein and exact comparisons
    translate one to one).
    """
    import sqlglot

    source = str(settings.get("sql_dialect", backend))
    if source == backend:
        return settings

    def tr(sql: str) -> str:
        return sql if sql.strip().upper() == "ELSE" else sqlglot.transpile(sql, read=source, write=backend)[0]

    for comp in settings["comparisons"]:
        for lev in comp["comparison_levels"]:
            lev["sql_condition"] = tr(lev["sql_condition"])
    rules = settings.get("blocking_rules_to_generate_predictions", [])
    settings["blocking_rules_to_generate_predictions"] = [
        {**r, "blocking_rule": tr(r["blocking_rule"]), "sql_dialect": backend}
        if isinstance(r, dict) else tr(r) for r in rules]
    settings["sql_dialect"] = backend
    return settings


class Linker:
    """A Fellegi-Sunter linkage model on two tables (linkage) or one (deduplication).

    Parameters
    ----------
    tables
        One table (deduplication) or two (linkage); each holds the id column.
    model
        ``{column: kind}`` (see :func:`splink_comparisons`), a list of Splink comparisons, or a
        trained model (:meth:`model` of another linker, or Splink's saved JSON as a dict or path),
        which brings its own id column, blocking rules and trained parameters.
    id_column
        Record identifier, unique within each table (taken from a trained model if omitted).
    blocking_rules
        Column lists (or Splink SQL rules); a pair is scored when it agrees exactly on all
        columns of one list.
    backend
        ``"duckdb"`` (embedded) or ``"spark"`` (needs Java; see :func:`spark_session`).
    spark
        A Spark session for ``backend="spark"`` (default: :func:`spark_session`).

    Attributes
    ----------
    notes
        Sentences on what training had to do differently (for example a lambda of zero replaced
        by one match among all pairs when no pair agrees on the deterministic rules).

    Examples
    --------
    >>> a = pd.DataFrame({"id": ["1", "2", "3"], "name": ["ann", "bob", "cy"], "dob": ["1", "2", "3"]})
    >>> b = pd.DataFrame({"id": ["9", "8", "7"], "name": ["ann", "bob", "cyd"], "dob": ["1", "2", "3"]})
    >>> lk = Linker([a, b], {"name": "levenshtein", "dob": "exact"}, id_column="id",
    ...             blocking_rules=[["dob"]])
    >>> lk.estimate_u(max_pairs=100, seed=1).predict().n_candidate_pairs
    3
    """

    def __init__(self, tables: Sequence[pd.DataFrame],
                 model: Mapping[str, str] | Sequence[SplinkComparison] | Mapping[str, object] | Path,
                 *, id_column: str | None = None, blocking_rules: Sequence[Sequence[str] | str] | None = None,
                 backend: str = "duckdb", spark: SparkSession | None = None) -> None:
        quiet_splink()
        self.backend = choice(backend, "backend", BACKENDS)
        if len(tables) not in (1, 2):
            raise BadInputError(f"give one table (deduplication) or two (linkage), got {len(tables)}. "
                                "Fix: pass [table] or [table_a, table_b]")
        self.n_tables = len(tables)
        settings = self._settings(model, len(tables), id_column, blocking_rules, self.backend)
        self.id_column = settings["unique_id_column_name"] if isinstance(settings, dict) \
            else settings.unique_id_column_name
        self._db = self._db_api(spark)
        # fixed names: Splink's seeded sampling depends on them, so results stay reproducible
        names = ["file_a", "file_b"][: len(tables)]
        if self.backend == "spark":  # a session may still hold the tables of an earlier run
            for n in names:
                self._db.spark.catalog.dropTempView(n)
        self._sdfs = [self._db.register(t, dataset_display_name=n)
                      for t, n in zip(tables, names, strict=True)]
        n = [len(t) for t in tables]
        self.n_pairs = max(1, n[0] * n[1] if len(n) == 2 else n[0] * (n[0] - 1) // 2)
        self.notes: list[str] = []
        self._linker = self._splink(settings)

    def _splink(self, settings: object) -> SplinkLinker:
        from splink import Linker as _SplinkLinker

        sdfs = self._sdfs
        return _SplinkLinker(sdfs if len(sdfs) == 2 else sdfs[0], settings, log_level=None)

    @staticmethod
    def _settings(model: object, n_tables: int, id_column: str | None,
                  blocking_rules: Sequence[Sequence[str] | str] | None, backend: str) -> object:
        from splink import SettingsCreator

        if isinstance(model, str | Path):
            import json

            model = json.loads(Path(model).read_text(encoding="utf-8"))
        if isinstance(model, Mapping) and "comparisons" in model:  # a trained model
            settings = copy.deepcopy(dict(model))
            if id_column is not None:
                settings["unique_id_column_name"] = id_column
            if blocking_rules is not None:
                settings["blocking_rules_to_generate_predictions"] = [
                    r.get_blocking_rule(settings.get("sql_dialect", "duckdb")).blocking_rule_sql
                    if not isinstance(r, str) else r for r in _rules(blocking_rules)]
            settings["link_type"] = "link_only" if n_tables == 2 else "dedupe_only"
            return _to_dialect(settings, backend)
        if id_column is None or blocking_rules is None:
            raise BadInputError("a linker built from comparisons needs id_column and blocking_rules. "
                                "Fix: pass id_column='...' and blocking_rules=[[column, ...], ...]")
        comparisons = splink_comparisons(model) if isinstance(model, Mapping) else list(model)
        return SettingsCreator(
            link_type="link_only" if n_tables == 2 else "dedupe_only",
            unique_id_column_name=id_column, comparisons=comparisons,
            blocking_rules_to_generate_predictions=_rules(blocking_rules),
            retain_intermediate_calculation_columns=False, retain_matching_columns=False)

    def _db_api(self, spark: SparkSession | None) -> object:
        if self.backend == "duckdb":
            from splink import DuckDBAPI

            return DuckDBAPI()
        from splink import SparkAPI

        return SparkAPI(spark_session=spark or spark_session(), break_lineage_method="parquet")

    # training verbs --------------------------------------------------------------------------
    def estimate_lambda(self, deterministic_rules: Sequence[Sequence[str] | str], recall: float) -> Linker:
        """Estimate lambda from exact-agreement rules whose recall is assumed (Splink's method)."""
        unit_interval(recall, "recall", open_=True)
        self._linker.training.estimate_probability_two_random_records_match(
            _rules(deterministic_rules), recall=recall)
        model = self.model()
        if not model.get("probability_two_random_records_match", 0) > 0:
            # no pair agrees on the rules: lambda 0 would make every weight -inf. Start from
            # "one match among all pairs" instead, rebuilding Splink's linker on the public model.
            model["probability_two_random_records_match"] = 1.0 / self.n_pairs
            self._linker = self._splink(model)
            self.notes.append("no pair agrees on the deterministic rules, so lambda was set to one "
                              f"match among all {self.n_pairs:,} pairs")
        return self

    def estimate_u(self, max_pairs: float = 1e6, seed: int | None = None) -> Linker:
        """Estimate u from a random sample of ``max_pairs`` pairs (seeded)."""
        positive(max_pairs, "max_pairs")
        self._linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        return self

    def estimate_m(self, em_blocking_rules: Sequence[Sequence[str] | str]) -> Linker:
        """Estimate m (and lambda) by one EM pass per blocking rule, u held fixed."""
        for rule in _rules(em_blocking_rules):
            self._linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
        return self

    def train(self, em_blocking_rules: Sequence[Sequence[str] | str], *,
              deterministic_rules: Sequence[Sequence[str] | str] | None = None, recall: float = 0.7,
              max_pairs_u: float = 1e6, seed: int | None = None) -> Linker:
        """Lambda (if ``deterministic_rules``), then u by sampling, then m by EM."""
        if deterministic_rules:
            self.estimate_lambda(deterministic_rules, recall)
        return self.estimate_u(max_pairs_u, seed).estimate_m(em_blocking_rules)

    # using the model -------------------------------------------------------------------------
    def model(self, parts: Sequence[str] = MODEL_PARTS) -> dict[str, object]:
        """Splink's settings dictionary with the trained ``parts`` (``lambda``, ``u``, ``m``).

        ``parts=("u",)`` gives a model whose m and lambda are untrained, so another linker
        built on it estimates only those (two engines compared on identical u, for instance).
        """
        for p in parts:
            choice(p, "parts", MODEL_PARTS)
        out = self._linker.misc.save_model_to_json()
        for comp in out["comparisons"]:
            for lev in comp["comparison_levels"]:
                for part in ("u", "m"):
                    if part not in parts:
                        lev.pop(f"{part}_probability", None)
        if "lambda" not in parts:
            out.pop("probability_two_random_records_match", None)
        return out

    def save(self, path: str | Path) -> Path:
        """Write the trained model as Splink's JSON (no records, only parameters)."""
        self._linker.misc.save_model_to_json(str(path), overwrite=True)
        return Path(path)

    @property
    def parameters(self) -> pd.DataFrame:
        """``comparison``, ``level``, ``m``, ``u``, ``weight`` of the current model."""
        return _parameters(self.model())

    def predict(self, threshold: float | None = None) -> SplinkLinkResult:
        """Score the candidate pairs (those above ``threshold`` match probability, if given)."""
        if threshold is not None:
            unit_interval(threshold, "threshold")
        pred = self._linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
        model = self.model()
        idc = self.id_column
        gammas = [c for c in pred.columns if c.startswith("gamma_")]
        out = pred[[f"{idc}_l", f"{idc}_r", "match_weight", "match_probability", *gammas]].copy()
        out.columns = ["id_l", "id_r", "match_weight", "match_probability", *gammas]
        out = out.sort_values(["id_l", "id_r"], kind="stable").reset_index(drop=True)
        lam = float(model.get("probability_two_random_records_match", np.nan))
        return SplinkLinkResult(out, _parameters(model), lam, self.backend, len(out), model)

    def evaluate(self, truth: pd.DataFrame, threshold: float, *,
                 predictions: SplinkLinkResult | None = None) -> LinkageMetrics:
        """Precision, recall and F1 of the links at ``threshold`` against true pairs (``id_l``, ``id_r``).

        Recall counts the true matches that blocking never scored. A deduplication compares
        unordered pairs.
        """
        unit_interval(threshold, "threshold")
        pred = (predictions or self.predict()).predictions
        links = pred[pred["match_probability"] >= threshold]
        return pair_metrics(links, truth, threshold=threshold, ordered=self.n_tables == 2)
