"""Operating an auto-coder: honest splits, the auto-coding-rate/accuracy curve, thresholds
for a target accuracy, hierarchical fallback, and one report that ties it all together.

A production coder codes automatically the answers it is confident about and sends the rest
to human coders. The threshold on the (calibrated) confidence is chosen on a calibration split
so that the automatically coded answers reach a target accuracy; its effect is then measured on
a test split that played no part in training, calibration or the choice of threshold.

Examples
--------
>>> conf = np.array([0.99, 0.95, 0.9, 0.8, 0.6, 0.5])
>>> ok = np.array([1, 1, 1, 0, 1, 0], dtype=bool)
>>> threshold_for_accuracy(conf, ok, 0.95, min_records=1)
0.9
>>> threshold_for_accuracy(conf, ok[::-1], 0.95, min_records=2) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._summary import Summary
from .calibration import TemperatureScaler, expected_calibration_error, reliability_table
from .hierarchy import CodeHierarchy, evaluate_levels
from .models import FastTextCoder, TfidfLinearCoder, make_coder
from .perturb import perturb_texts
from .text import check_texts

__all__ = [
    "AutocodeReport",
    "Split",
    "auto_coding_table",
    "coverage_curve",
    "fallback_thresholds",
    "hierarchical_fallback",
    "run_autocode",
    "stratified_split",
    "threshold_for_accuracy",
    "worst_codes",
]

PARTS = ("train", "calibration", "test")


@dataclass(frozen=True)
class Split:
    """Which part each record belongs to, and which codes were too rare to split."""

    part: np.ndarray
    rare_codes: list[str]
    min_per_code: int

    def counts(self) -> pd.Series:
        """Records per part."""
        return pd.Series(self.part).value_counts().reindex(PARTS, fill_value=0)


def stratified_split(
    codes: Sequence[str],
    fractions: tuple[float, float, float] = (0.6, 0.2, 0.2),
    seed: int = 0,
    min_per_code: int = 3,
) -> Split:
    """Split records into train, calibration and test parts, stratified by code.

    Every code with at least ``min_per_code`` records (at least 3) gets at least one record
    in each part and otherwise the given fractions (rounded). Codes with fewer records cannot
    be represented in all three parts: all their records go to training, and they are listed
    in ``rare_codes`` so that the report can say that the test set does not cover them.

    Examples
    --------
    >>> s = stratified_split(["a"] * 10 + ["b"] * 2, seed=1)
    >>> s.counts().tolist(), s.rare_codes
    ([8, 2, 2], ['b'])
    """
    if len(fractions) != 3 or any(f <= 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(
            f"fractions must be three positive shares summing to 1 (train, calibration, test), "
            f"got {fractions}"
        )
    if min_per_code < 3:
        raise ValueError("min_per_code must be at least 3 (one record for each part)")
    codes = np.asarray(codes)
    rng = np.random.default_rng(seed)
    part = np.empty(len(codes), dtype=object)
    rare = []
    for code in np.unique(codes):
        idx = np.flatnonzero(codes == code)
        if len(idx) < min_per_code:
            part[idx] = "train"
            rare.append(str(code))
            continue
        idx = rng.permutation(idx)
        n_cal = max(1, int(round(len(idx) * fractions[1])))
        n_test = max(1, int(round(len(idx) * fractions[2])))
        n_cal = min(n_cal, len(idx) - n_test - 1)
        part[idx[:n_test]] = "test"
        part[idx[n_test : n_test + n_cal]] = "calibration"
        part[idx[n_test + n_cal :]] = "train"
    return Split(part=part.astype(str), rare_codes=rare, min_per_code=min_per_code)


def coverage_curve(confidence: np.ndarray, correct: np.ndarray) -> pd.DataFrame:
    """Auto-coding rate against accuracy: code the records with confidence at least ``t``.

    Returns
    -------
    pandas.DataFrame
        One row per distinct confidence value ``threshold`` (descending) with ``n_coded``,
        ``coverage`` (share coded automatically) and ``accuracy`` of the coded records.
    """
    c = np.asarray(confidence, dtype=float)
    k = np.asarray(correct, dtype=bool)
    if c.shape != k.shape or c.ndim != 1 or len(c) == 0:
        raise ValueError("confidence and correct must be 1-D arrays of the same non-zero length")
    order = np.argsort(-c, kind="stable")
    cs, ks = c[order], k[order]
    n_coded = np.arange(1, len(c) + 1)
    acc = np.cumsum(ks) / n_coded
    last = np.r_[cs[1:] != cs[:-1], True]  # only thresholds between distinct values are achievable
    return pd.DataFrame(
        {
            "threshold": cs[last],
            "n_coded": n_coded[last],
            "coverage": n_coded[last] / len(c),
            "accuracy": acc[last],
        }
    )


def threshold_for_accuracy(
    confidence: np.ndarray, correct: np.ndarray, target: float, min_records: int = 20
) -> float | None:
    """Lowest confidence threshold at which the records coded automatically reach ``target``.

    Among the thresholds whose coded set holds at least ``min_records`` records and has
    accuracy at least ``target``, the one that codes the most records. ``None`` when no
    threshold reaches the target: the report must then say so.
    """
    if not 0 < target <= 1:
        raise ValueError(f"target accuracy must be in (0, 1], got {target!r}")
    curve = coverage_curve(confidence, correct)
    ok = curve[(curve["accuracy"] >= target - 1e-12) & (curve["n_coded"] >= min_records)]
    if ok.empty:
        return None
    return float(ok["threshold"].iloc[-1])


def auto_coding_table(
    conf_cal: np.ndarray,
    correct_cal: np.ndarray,
    conf_test: np.ndarray,
    correct_test: np.ndarray,
    targets: Sequence[float] = (0.95, 0.90),
    min_records: int = 20,
) -> pd.DataFrame:
    """Thresholds chosen on the calibration split, applied to the test split.

    Returns
    -------
    pandas.DataFrame
        One row per target: ``threshold`` (NaN if unreachable), ``reachable``, ``coverage_cal``,
        ``coverage_test`` (auto-coding rate), ``accuracy_test`` of the auto-coded records and
        ``human_queue`` (share sent to human coders).
    """
    rows = []
    conf_test = np.asarray(conf_test, dtype=float)
    correct_test = np.asarray(correct_test, dtype=bool)
    for target in targets:
        t = threshold_for_accuracy(conf_cal, correct_cal, target, min_records)
        if t is None:
            rows.append(
                {
                    "target": target,
                    "threshold": np.nan,
                    "reachable": False,
                    "coverage_cal": 0.0,
                    "coverage_test": 0.0,
                    "accuracy_test": np.nan,
                    "human_queue": 1.0,
                }
            )
            continue
        m = conf_test >= t
        rows.append(
            {
                "target": target,
                "threshold": t,
                "reachable": True,
                "coverage_cal": float(np.mean(np.asarray(conf_cal) >= t)),
                "coverage_test": float(m.mean()),
                "accuracy_test": float(correct_test[m].mean()) if m.any() else np.nan,
                "human_queue": float(1 - m.mean()),
            }
        )
    return pd.DataFrame(rows)


def fallback_thresholds(
    confidence: dict[str, np.ndarray],
    correct: dict[str, np.ndarray],
    levels: Sequence[str],
    target: float,
    min_records: int = 20,
) -> dict[str, float | None]:
    """Thresholds for hierarchical fallback, chosen level by level on calibration data.

    Starting at the finest level, pick the threshold that codes the most records at ``target``
    accuracy; then, among the records left over, do the same at the next coarser level, and so on.
    Choosing each level's threshold on the records that reach it (rather than on all records) is
    what keeps the accuracy of the fallback codes at the target: the leftovers are the hard cases.

    Returns
    -------
    dict level -> float or None
        ``None`` where no threshold reaches the target on the records left at that level.
    """
    n = len(next(iter(confidence.values())))
    left = np.ones(n, dtype=bool)
    out: dict[str, float | None] = {}
    for level in reversed(list(levels)):
        conf, ok = np.asarray(confidence[level]), np.asarray(correct[level], dtype=bool)
        t = threshold_for_accuracy(conf[left], ok[left], target, min_records) if left.sum() else None
        out[level] = t
        if t is not None:
            left &= conf < t
    return out


def hierarchical_fallback(
    confidence: dict[str, np.ndarray],
    correct: dict[str, np.ndarray],
    thresholds: dict[str, float | None],
    levels: Sequence[str],
) -> pd.DataFrame:
    """Code each record at the finest level whose confidence clears that level's threshold.

    Parameters
    ----------
    confidence, correct : dict level -> ndarray
        Top probability and correctness of the prediction at each level (same records).
    thresholds : dict level -> float or None
        Threshold of each level (from :func:`fallback_thresholds`; ``None``: level not used).
    levels : sequence of str
        Levels from coarsest to finest.

    Returns
    -------
    pandas.DataFrame
        One row per level (finest first) plus ``human queue``: ``threshold``, ``share`` of
        records coded there and their ``accuracy`` (at that level).
    """
    n = len(next(iter(confidence.values())))
    assigned = np.full(n, "human queue", dtype=object)
    ok = np.zeros(n, dtype=bool)
    for level in levels:  # coarse to fine: finer levels overwrite
        t = thresholds.get(level)
        if t is None:
            continue
        m = np.asarray(confidence[level]) >= t
        assigned[m] = level
        ok[m] = np.asarray(correct[level])[m]
    rows = []
    for level in [*reversed(list(levels)), "human queue"]:
        m = assigned == level
        t = thresholds.get(level)
        rows.append(
            {
                "coded_at": level,
                "threshold": np.nan if t is None else t,
                "share": float(m.mean()),
                "accuracy": float(ok[m].mean()) if m.any() and level != "human queue" else np.nan,
            }
        )
    return pd.DataFrame(rows).set_index("coded_at")


def worst_codes(truth: Sequence[str], pred: Sequence[str], n: int = 10, min_support: int = 3) -> pd.DataFrame:
    """Codes the model gets wrong most often, with the code they are most often confused with.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``n_test``, ``recall``, ``confused_with`` and ``n_confused``, sorted by
        number of errors (then recall), codes with at least ``min_support`` test records.
    """
    df = pd.DataFrame({"truth": np.asarray(truth), "pred": np.asarray(pred)})
    rows = []
    for code, g in df.groupby("truth", sort=True):
        if len(g) < min_support:
            continue
        wrong = g.loc[g["pred"] != code, "pred"]
        top = wrong.value_counts().sort_index().sort_values(ascending=False, kind="stable")
        rows.append(
            {
                "code": code,
                "n_test": len(g),
                "errors": len(wrong),
                "recall": 1 - len(wrong) / len(g),
                "confused_with": top.index[0] if len(top) else "",
                "n_confused": int(top.iloc[0]) if len(top) else 0,
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return (
        out.sort_values(["errors", "recall", "code"], ascending=[False, True, True])
        .head(n)
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class AutocodeReport:
    """Everything :func:`run_autocode` measured. Tables are pandas DataFrames indexed by level."""

    model: str
    classification: str
    levels: tuple[str, ...]
    split_counts: pd.Series
    rare_codes: list[str]
    temperature: float
    metrics: pd.DataFrame
    metrics_perturbed: pd.DataFrame
    calibration: pd.DataFrame
    operation: pd.DataFrame
    fallback: pd.DataFrame
    worst: pd.DataFrame
    curves: dict[str, pd.DataFrame]
    reliability: dict[str, dict[str, pd.DataFrame]]
    test_predictions: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    coder: TfidfLinearCoder | FastTextCoder | None = field(default=None, repr=False)

    def rate_table(self) -> pd.DataFrame:
        """Auto-coding rate on the test split per level (rows) and target (columns); NaN = unreachable."""
        t = self.operation.copy()
        t["rate"] = np.where(t["reachable"], t["coverage_test"], np.nan)
        return t.pivot(index="level", columns="target", values="rate").reindex(list(self.levels))

    def summary(self) -> Summary:
        table = self.metrics[["accuracy", "macro_f1", "top_3"]].join(
            self.calibration[["ece_raw", "ece_calibrated"]]
        )
        rates = self.rate_table()
        for target in rates.columns:
            table[f"auto@{target:.0%}"] = rates[target]
        header = {
            "Model": self.model,
            "Classification": self.classification,
            "Records (train / calibration / test)": " / ".join(str(int(v)) for v in self.split_counts),
            "Temperature": f"{self.temperature:.3f}",
        }
        return Summary(
            title="Automatic coding report", header=header, table=table.round(3), notes=list(self.notes)
        )


def _per_level(
    proba: np.ndarray, labels: np.ndarray, truth: Sequence[str], hierarchy: CodeHierarchy
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    out = {}
    tt = hierarchy.table(list(truth))
    for level in hierarchy.levels:
        p, lab = hierarchy.aggregate(proba, labels, level)
        j = np.argmax(p, axis=1)
        pred = lab[j]
        out[level] = (p[np.arange(len(j)), j], pred, pred == tt[level].to_numpy())
    return out


def _targets(targets: Sequence[float]) -> list[float]:
    out = [float(t) for t in targets]
    for t in out:
        if not 0 < t <= 1:
            raise ValueError(f"target accuracies must be in (0, 1], got {t!r}")
    return out


def _calibrate(coder: TfidfLinearCoder | FastTextCoder, labels: np.ndarray, x_cal: np.ndarray,
               y_cal: np.ndarray, x_test: np.ndarray
               ) -> tuple[TemperatureScaler, np.ndarray, np.ndarray, np.ndarray]:
    """Temperature fitted on the calibration split; calibrated and raw test probabilities."""
    z_cal = coder.decision_function(list(x_cal))
    y_cal_idx = np.searchsorted(labels, y_cal)
    y_cal_idx = np.where(
        (y_cal_idx < len(labels)) & (labels[np.minimum(y_cal_idx, len(labels) - 1)] == y_cal), y_cal_idx, -1
    )
    scaler = TemperatureScaler().fit(z_cal, y_cal_idx)
    p_cal = scaler.transform(z_cal)
    z_test = coder.decision_function(list(x_test))
    p_test_raw = np.exp(z_test - z_test.max(axis=1, keepdims=True))
    p_test_raw /= p_test_raw.sum(axis=1, keepdims=True)
    return scaler, p_cal, scaler.transform(z_test), p_test_raw


def _level_tables(lv_cal: dict, lv_test: dict, lv_raw: dict, levels: Sequence[str], targets: list[float],
                  n_bins: int) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    """Per level: calibration errors, auto-coding table, coverage curve and reliability tables."""
    calib_rows, op_rows, curves, rel = [], [], {}, {}
    for level in levels:
        conf_c, _, ok_c = lv_cal[level]
        conf_t, _, ok_t = lv_test[level]
        conf_r, _, ok_r = lv_raw[level]
        calib_rows.append(
            {
                "level": level,
                "ece_raw": expected_calibration_error(conf_r, ok_r, n_bins),
                "ece_calibrated": expected_calibration_error(conf_t, ok_t, n_bins),
            }
        )
        rel[level] = {
            "raw": reliability_table(conf_r, ok_r, n_bins),
            "calibrated": reliability_table(conf_t, ok_t, n_bins),
        }
        curves[level] = coverage_curve(conf_t, ok_t)
        tab = auto_coding_table(conf_c, ok_c, conf_t, ok_t, targets)
        tab.insert(0, "level", level)
        op_rows.append(tab)
    return pd.DataFrame(calib_rows).set_index("level"), pd.concat(op_rows, ignore_index=True), curves, rel


def _fallback_table(lv_cal: dict, lv_test: dict, levels: Sequence[str], targets: list[float]) -> pd.DataFrame:
    """Hierarchical fallback on the test split, thresholds from the calibration split, per target."""
    fb = []
    for t in targets:
        th = fallback_thresholds(
            {lv: lv_cal[lv][0] for lv in levels},
            {lv: lv_cal[lv][2] for lv in levels},
            levels,
            t,
        )
        f = hierarchical_fallback(
            {lv: lv_test[lv][0] for lv in levels},
            {lv: lv_test[lv][2] for lv in levels},
            th,
            levels,
        )
        f.insert(0, "target", t)
        fb.append(f.reset_index())
    return pd.concat(fb, ignore_index=True)


def _unreachable_notes(operation: pd.DataFrame) -> list[str]:
    return [
        f"Target accuracy {r['target']:.0%} is not reachable at level '{r['level']}': no threshold "
        "on the calibration split gives it (with at least 20 records); every record at this level "
        "goes to the human queue."
        for _, r in operation[~operation["reachable"]].iterrows()
    ]


def _data_notes(xa: np.ndarray, ya: np.ndarray, tr: np.ndarray, te: np.ndarray, split: Split,
                labels: np.ndarray) -> list[str]:
    """What the test split cannot tell: verbatim clashes, rare codes, codes absent from training."""
    notes = []
    seen = pd.Series(ya[tr], index=xa[tr]).groupby(level=0).agg(set)
    clash = np.array([t in seen.index and c not in seen[t] for t, c in zip(xa[te], ya[te], strict=True)])
    if clash.any():
        notes.append(
            f"{clash.mean():.1%} of test answers occur verbatim in training with a different code: "
            "the text alone cannot decide them (the index uses extra information such as industry)."
        )
    if split.rare_codes:
        n_rare = int(np.isin(ya, split.rare_codes).sum())
        notes.append(
            f"{len(split.rare_codes)} codes have fewer than {split.min_per_code} records ({n_rare} records): "
            "they are in training only, so the test split says nothing about them."
        )
    untrained = ~np.isin(ya[te], labels)
    if untrained.any():
        notes.append(f"{untrained.sum()} test records have a code absent from training.")
    return notes


def run_autocode(
    texts: Sequence[str],
    codes: Sequence[str],
    hierarchy: CodeHierarchy,
    *,
    model: str = "baseline",
    targets: Sequence[float] = (0.95, 0.90),
    seed: int = 0,
    device: str = "cpu",
    fractions: tuple[float, float, float] = (0.6, 0.2, 0.2),
    min_per_code: int = 3,
    perturb: bool = True,
    n_bins: int = 10,
    model_kwargs: dict[str, object] | None = None,
    split: Split | None = None,
) -> AutocodeReport:
    """Split, train, calibrate, evaluate at every level and size the human queue.

    Parameters
    ----------
    texts, codes : sequences of str
        Answers and their fine codes (validated against ``hierarchy``).
    hierarchy : CodeHierarchy
        The classification; fixes the levels of evaluation.
    model : {"baseline", "torch"}
    targets : sequence of float
        Target accuracies for the auto-coded records.
    seed : int
        Seeds the split, the model and the synthetic perturbation.
    device : {"cpu", "cuda"}
        Where the torch model runs.
    fractions : (train, calibration, test)
    min_per_code : int
        Codes with fewer records go to training only (listed in the report).
    perturb : bool
        Also score a synthetically perturbed copy of the test split (see :mod:`.perturb`).
    model_kwargs : dict, optional
        Passed to the coder (for example ``{"epochs": 3}``).
    split : Split, optional
        A precomputed split (to compare models on identical parts).

    Returns
    -------
    AutocodeReport
    """
    x = check_texts(texts)
    y = hierarchy.check_codes(list(codes))
    targets = _targets(targets)
    split = split or stratified_split(y, fractions, seed, min_per_code)
    part = split.part
    xa, ya = np.array(x, dtype=object), np.array(y)
    tr, ca, te = (part == "train"), (part == "calibration"), (part == "test")
    coder = make_coder(model, classification=hierarchy.name, seed=seed, device=device, **(model_kwargs or {}))
    coder.fit(list(xa[tr]), list(ya[tr]))
    labels = coder.labels_
    scaler, p_cal, p_test, p_test_raw = _calibrate(coder, labels, xa[ca], ya[ca], xa[te])
    metrics = evaluate_levels(p_test, labels, ya[te], hierarchy)
    lv_cal = _per_level(p_cal, labels, ya[ca], hierarchy)
    lv_test = _per_level(p_test, labels, ya[te], hierarchy)
    lv_raw = _per_level(p_test_raw, labels, ya[te], hierarchy)
    calibration, operation, curves, rel = _level_tables(lv_cal, lv_test, lv_raw, hierarchy.levels, targets,
                                                        n_bins)
    notes = _unreachable_notes(operation)
    fallback = _fallback_table(lv_cal, lv_test, hierarchy.levels, targets)
    metrics_perturbed = pd.DataFrame()
    if perturb:
        noisy = perturb_texts(list(xa[te]), seed=seed)
        p_noisy = scaler.transform(coder.decision_function(noisy["perturbed"].tolist()))
        metrics_perturbed = evaluate_levels(p_noisy, labels, ya[te], hierarchy)
    notes += _data_notes(xa, ya, tr, te, split, labels)
    preds = pd.DataFrame({"text": xa[te], "code": ya[te]})
    for level in hierarchy.levels:
        preds[f"pred_{level}"], preds[f"conf_{level}"] = lv_test[level][1], lv_test[level][0]
    return AutocodeReport(
        model=model, classification=hierarchy.name, levels=hierarchy.levels, split_counts=split.counts(),
        rare_codes=split.rare_codes, temperature=float(scaler.temperature_), metrics=metrics,
        metrics_perturbed=metrics_perturbed, calibration=calibration, operation=operation, fallback=fallback,
        worst=worst_codes(ya[te], lv_test[hierarchy.finest][1]), curves=curves, reliability=rel,
        test_predictions=preds, notes=notes, coder=coder,
    )
