"""Applications built on the generic learners: population and poverty mapping from imagery.

They may use :mod:`statmethods.area` and :mod:`statmethods.classify`; neither of those uses them.

- :mod:`.population`: population density from image patches (So2Sat POP), night-light baseline,
  blocked and out-of-city evaluation;
- :mod:`.poverty`: village asset wealth from image histograms (Yeh et al. 2020), nested CV,
  district Fay–Herriot estimates.

Cross-validation, folds (spatial blocks included) and the torch determinism context are the
generic ones of :mod:`statmethods.classify`.
"""

from .population import (
    PopulationMetricsResult,
    PopulationModel,
    RidgeCVRegressor,
    blocked_cv_folds,
    calibrate_to_total,
    evaluate_blocked_cv,
    evaluate_out_of_city,
    log_density,
    population_metrics,
)
from .population_models import So2SatForest, smearing_factor
from .poverty import (
    CountryMeanRegressor,
    GroupedRidgeCV,
    HistogramMLP,
    PovertyCVResult,
    district_direct_estimates,
    fay_herriot_gain,
    match_villages,
    poverty_metrics,
    village_predictions,
)

__all__ = [
    "CountryMeanRegressor",
    "GroupedRidgeCV",
    "HistogramMLP",
    "PopulationMetricsResult",
    "PopulationModel",
    "PovertyCVResult",
    "RidgeCVRegressor",
    "So2SatForest",
    "blocked_cv_folds",
    "calibrate_to_total",
    "district_direct_estimates",
    "evaluate_blocked_cv",
    "evaluate_out_of_city",
    "fay_herriot_gain",
    "log_density",
    "match_villages",
    "population_metrics",
    "poverty_metrics",
    "smearing_factor",
    "village_predictions",
]
