"""Classifiers and regressors for pixels, time series, image patches and histograms.

One scikit-learn-style interface (``fit`` / ``predict`` / ``predict_proba``), one
cross-validation result, fold strategies (random, spatial block, stratified group) and one
save/load that checks labels and the training data's checksum.

- :mod:`.labels`: :class:`LabelEncoding` (labels kept as given: ``"01"`` is not ``"1"``),
  :func:`data_checksum`;
- :mod:`.series`: labelled time series (UCR layout): parsing, checks and temporal features (files
  are read by :func:`statmethods.inputs.read_labelled_series`);
- :mod:`.pixels`: labelled pixels of an image stack, classified maps;
- :mod:`.models`: :class:`ForestClassifier`, :class:`TempCNNClassifier` (1D CNN),
  :class:`MLPClassifier` (torch), one interface;
- :mod:`.folds`: random, spatial-block, stratified-group and leave-one-label-out folds (the one
  :func:`spatial_blocks` and :func:`spatial_block_folds` of the package);
- :mod:`.validation`: the one fold loop: :func:`cross_validate` (classifiers,
  :class:`CrossValidationResult`) and :func:`out_of_fold_predictions` (regressors). The confusion
  matrix has **rows = reference (true) class, columns = predicted class**, everywhere;
- :mod:`._torch`: :func:`torch_determinism`, the one context manager for seeded, deterministic
  torch work that restores torch's global state;
- :mod:`.persist`: :func:`save_classifier` / :func:`load_classifier`;
- :mod:`.mosaiks`, :mod:`.image_cnn`: image-patch features and CNN regressors.

The applications built on these learners (population and poverty mapping) live in
:mod:`statmethods.applications`; nothing here imports them.
"""

from ._torch import torch_determinism
from .folds import (
    FOLD_STRATEGIES,
    fold_ids,
    folds_from_labels,
    make_folds,
    random_folds,
    spatial_block_folds,
    spatial_blocks,
    stratified_group_folds,
)
from .image_cnn import ImageCNNRegressor, efficientnet_lite0, efficientnet_lite0_weights
from .labels import LabelEncoding, data_checksum, natural_key
from .models import Classifier, ForestClassifier, MLPClassifier, TempCNNClassifier
from .mosaiks import MosaiksFeatures, mosaiks_numpy
from .persist import load_classifier, save_classifier
from .series import LabelledSeries, parse_labelled_series, series_groups, temporal_features, validate_series
from .validation import (
    CrossValidationResult,
    OutOfFold,
    cross_validate,
    out_of_fold_predictions,
    per_class_table,
    top_confusions,
)

__all__ = [
    "FOLD_STRATEGIES",
    "Classifier",
    "CrossValidationResult",
    "ForestClassifier",
    "ImageCNNRegressor",
    "LabelEncoding",
    "LabelledSeries",
    "MLPClassifier",
    "MosaiksFeatures",
    "TempCNNClassifier",
    "OutOfFold",
    "cross_validate",
    "data_checksum",
    "efficientnet_lite0",
    "efficientnet_lite0_weights",
    "fold_ids",
    "folds_from_labels",
    "load_classifier",
    "make_folds",
    "mosaiks_numpy",
    "natural_key",
    "per_class_table",
    "random_folds",
    "out_of_fold_predictions",
    "parse_labelled_series",
    "save_classifier",
    "series_groups",
    "spatial_block_folds",
    "spatial_blocks",
    "stratified_group_folds",
    "temporal_features",
    "top_confusions",
    "torch_determinism",
    "validate_series",
]
