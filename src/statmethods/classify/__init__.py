"""Classifiers and regressors for pixels, time series, image patches and histograms.

One scikit-learn-style interface (``fit`` / ``predict`` / ``predict_proba``), one
cross-validation result, fold strategies (random, spatial block, stratified group) and one
save/load that checks labels and the training data's checksum.

- :mod:`.labels`: :class:`LabelEncoding` (labels kept as given: ``"01"`` is not ``"1"``),
  :func:`data_checksum`;
- :mod:`.series`: labelled time series (UCR layout), checks and temporal features;
- :mod:`.pixels`: labelled pixels of an image stack, classified maps;
- :mod:`.models`: :class:`ForestClassifier`, :class:`TempCNNClassifier` (1D CNN),
  :class:`MLPClassifier` (torch), one interface;
- :mod:`.folds`: random, spatial-block and stratified-group folds;
- :mod:`.validation`: :func:`cross_validate` and :class:`CrossValidationResult`. Its confusion
  matrix has **rows = reference (true) class, columns = predicted class**, everywhere;
- :mod:`.persist`: :func:`save_classifier` / :func:`load_classifier`;
- :mod:`.mosaiks`, :mod:`.image_cnn`, :mod:`.population`, :mod:`.histogram`: image-patch
  features, CNN regressors, population and poverty models. Names that would clash here
  (``mosaiks.check_device``, ``population.spatial_blocks``, ``histogram.cross_validate``, ...)
  are imported from their modules.
"""

from .folds import (
    FOLD_STRATEGIES,
    check_n_folds,
    fold_ids,
    make_folds,
    random_folds,
    spatial_block_folds,
    spatial_blocks,
    stratified_group_folds,
)
from .histogram import (
    CountryMeanRegressor,
    GroupedRidgeCV,
    HistogramMLP,
    PovertyCVResult,
    district_direct_estimates,
    fay_herriot_gain,
    poverty_metrics,
)
from .image_cnn import ImageCNNRegressor, efficientnet_lite0, efficientnet_lite0_weights
from .labels import LabelEncoding, data_checksum, natural_key
from .models import Classifier, ForestClassifier, MLPClassifier, TempCNNClassifier, check_device, check_epochs
from .mosaiks import MosaiksFeatures, mosaiks_numpy
from .persist import load_classifier, save_classifier
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
from .series import LabelledSeries, read_labelled_series, series_groups, temporal_features, validate_series
from .validation import CrossValidationResult, cross_validate, per_class_table, top_confusions

__all__ = [
    "FOLD_STRATEGIES",
    "Classifier",
    "CountryMeanRegressor",
    "CrossValidationResult",
    "ForestClassifier",
    "GroupedRidgeCV",
    "HistogramMLP",
    "ImageCNNRegressor",
    "LabelEncoding",
    "LabelledSeries",
    "MLPClassifier",
    "MosaiksFeatures",
    "PopulationMetricsResult",
    "PopulationModel",
    "PovertyCVResult",
    "RidgeCVRegressor",
    "TempCNNClassifier",
    "blocked_cv_folds",
    "calibrate_to_total",
    "check_device",
    "check_epochs",
    "check_n_folds",
    "cross_validate",
    "data_checksum",
    "district_direct_estimates",
    "efficientnet_lite0",
    "efficientnet_lite0_weights",
    "evaluate_blocked_cv",
    "evaluate_out_of_city",
    "fay_herriot_gain",
    "fold_ids",
    "load_classifier",
    "log_density",
    "make_folds",
    "mosaiks_numpy",
    "natural_key",
    "per_class_table",
    "population_metrics",
    "poverty_metrics",
    "random_folds",
    "read_labelled_series",
    "save_classifier",
    "series_groups",
    "spatial_block_folds",
    "spatial_blocks",
    "stratified_group_folds",
    "temporal_features",
    "top_confusions",
    "validate_series",
]
