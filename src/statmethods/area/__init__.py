"""Part III methods: area estimation of land cover from maps and samples.

- :mod:`.accuracy`: good-practice accuracy assessment and stratified area estimation;
- :mod:`.design`: sample size and allocation of a map-stratified reference sample;
- :mod:`.coverage`: interval coverage of any estimator against a known truth, with its Monte
  Carlo standard error (:func:`interval_coverage`), and the simulators' results;
- :mod:`.simulators`: resampling a known map or a synthetic population (the one stratified
  sampler :func:`draw_stratified_sample`, and one ``simulate_*`` function per estimator);
- :mod:`.landcover`: areas from a classified map (pixel counts, probability sums, stratified
  estimates with the map classes as strata); the classifiers are in :mod:`statmethods.classify`;
- :mod:`.regression`: the regression estimator on an area frame with a satellite auxiliary;
- :mod:`.small_area`: Fay–Herriot and Battese–Harter–Fuller small-area estimation.
"""

from importlib import import_module

from .accuracy import (
    StratifiedAreaResult,
    counts_from_samples,
    stratified_area_estimate,
    stratified_estimates_batch,
)
from .coverage import (
    AccuracySimulation,
    CoverageSimulation,
    FayHerriotSimulation,
    IntervalCoverage,
    RegressionSimulation,
    interval_coverage,
)
from .design import allocate_sample, sample_size_overall_accuracy
from .regression import RegressionResult, regression_estimator
from .simulators import (
    cap_allocation,
    coverage_simulation,
    coverage_simulation_loop,
    draw_stratified_sample,
    population_confusion,
    simulate_fay_herriot,
    simulate_regression_estimator,
    simulate_sample_counts,
    simulate_stratified_accuracy,
)
from .small_area import BatteseHarterFullerResult, FayHerriotResult, battese_harter_fuller, fay_herriot

_LAZY = {
    name: "landcover"
    for name in [
        "area_comparison", "area_from_reference_sample", "confusion_corrected_shares", "probability_area",
        "stratified_reference_sample",
    ]
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AccuracySimulation",
    "BatteseHarterFullerResult",
    "CoverageSimulation",
    "FayHerriotResult",
    "FayHerriotSimulation",
    "IntervalCoverage",
    "RegressionResult",
    "RegressionSimulation",
    "StratifiedAreaResult",
    "allocate_sample",
    "battese_harter_fuller",
    "cap_allocation",
    "counts_from_samples",
    "coverage_simulation",
    "coverage_simulation_loop",
    "draw_stratified_sample",
    "fay_herriot",
    "interval_coverage",
    "population_confusion",
    "regression_estimator",
    "sample_size_overall_accuracy",
    "simulate_fay_herriot",
    "simulate_regression_estimator",
    "simulate_sample_counts",
    "simulate_stratified_accuracy",
    "stratified_area_estimate",
    "stratified_estimates_batch",
    *_LAZY,
]
