"""Part II methods: automatic coding of free-text answers to industry and occupation codes.

- :mod:`.text`: normalisation (NFKC, Hangul) and character / word n-grams
- :mod:`.hierarchy`: NAICS, SOC and prefix code hierarchies, per-level evaluation, data loaders
- :mod:`.models`: TF-IDF linear baseline and fastText-style torch coder, saved with metadata
- :mod:`.calibration`: temperature scaling, reliability tables, ECE
- :mod:`.operation`: splits, auto-coding-rate/accuracy curves, thresholds, hierarchical fallback
- :mod:`.perturb`: synthetic write-in noise for robustness tests
- :mod:`.ksic`: KSIC tree, Korean title retrieval and 9↔10 recoding
- :mod:`.timeseries`: crop-type classification from NDVI time series

Each chapter's ``check_chapter_parameters`` stays in its module (``operation``, ``timeseries``).
"""

from .calibration import TemperatureScaler, expected_calibration_error, reliability_table
from .hierarchy import (
    BUILT_IN_SOURCES,
    CodeHierarchy,
    UnknownCodeError,
    evaluate_levels,
    load_coded_csv,
    load_naics_index,
    load_occupation_index,
    load_source,
    naics_hierarchy,
    naics_structure_counts,
    prefix_hierarchy,
    soc_hierarchy,
    top_k_accuracy,
)
from .ksic import KsicRetriever, ksic_concordance, ksic_hierarchy, ksic_titles, ksic_tree, recode_ksic
from .models import (
    FastTextCoder,
    LabelEncodingError,
    TfidfLinearCoder,
    load_coder,
    make_coder,
    training_checksum,
)
from .operation import (
    AutocodeReport,
    auto_coding_table,
    coverage_curve,
    fallback_thresholds,
    hierarchical_fallback,
    run_autocode,
    stratified_split,
    threshold_for_accuracy,
    worst_codes,
)
from .perturb import perturb_texts
from .text import EmptyAnswerError, char_ngrams, check_texts, normalise_hangul, normalise_text, word_ngrams
from .timeseries import (
    CROP_CLASS_NAMES,
    BaselineClassifier,
    CNNClassifier,
    CrossValidation,
    LabelEncoding,
    LabelledSeries,
    SeriesClassifier,
    area_comparison,
    area_from_reference_sample,
    confusion_corrected_shares,
    cross_validate,
    data_checksum,
    load_classifier,
    per_class_table,
    probability_area,
    read_labelled_series,
    series_groups,
    stratified_folds,
    stratified_reference_sample,
    temporal_features,
    top_confusions,
    validate_series,
)

__all__ = [
    "AutocodeReport",
    "BUILT_IN_SOURCES",
    "BaselineClassifier",
    "CNNClassifier",
    "CROP_CLASS_NAMES",
    "CodeHierarchy",
    "CrossValidation",
    "EmptyAnswerError",
    "FastTextCoder",
    "KsicRetriever",
    "LabelEncoding",
    "LabelEncodingError",
    "LabelledSeries",
    "SeriesClassifier",
    "TemperatureScaler",
    "TfidfLinearCoder",
    "UnknownCodeError",
    "area_comparison",
    "area_from_reference_sample",
    "auto_coding_table",
    "char_ngrams",
    "check_texts",
    "confusion_corrected_shares",
    "coverage_curve",
    "cross_validate",
    "data_checksum",
    "evaluate_levels",
    "expected_calibration_error",
    "fallback_thresholds",
    "hierarchical_fallback",
    "ksic_concordance",
    "ksic_hierarchy",
    "ksic_titles",
    "ksic_tree",
    "load_classifier",
    "load_coded_csv",
    "load_coder",
    "load_naics_index",
    "load_occupation_index",
    "load_source",
    "make_coder",
    "naics_hierarchy",
    "naics_structure_counts",
    "normalise_hangul",
    "normalise_text",
    "per_class_table",
    "perturb_texts",
    "prefix_hierarchy",
    "probability_area",
    "read_labelled_series",
    "recode_ksic",
    "reliability_table",
    "run_autocode",
    "series_groups",
    "soc_hierarchy",
    "stratified_folds",
    "stratified_reference_sample",
    "stratified_split",
    "temporal_features",
    "threshold_for_accuracy",
    "top_confusions",
    "top_k_accuracy",
    "training_checksum",
    "validate_series",
    "word_ngrams",
    "worst_codes",
]
