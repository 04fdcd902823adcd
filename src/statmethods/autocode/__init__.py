"""Part II methods: automatic coding of free-text answers to industry and occupation codes.

- :mod:`.text`: normalisation (NFKC, Hangul) and character / word n-grams
- :mod:`.hierarchy`: NAICS, SOC and prefix code hierarchies, per-level evaluation, records
  prepared from a coding index (the files themselves are read by :mod:`statmethods.sources`)
- :mod:`.models`: TF-IDF linear baseline and fastText-style torch coder, saved with metadata
- :mod:`.calibration`: temperature scaling, reliability tables, ECE
- :mod:`.operation`: splits, auto-coding-rate/accuracy curves, thresholds, hierarchical fallback
- :mod:`.perturb`: synthetic write-in noise for robustness tests
- :mod:`.ksic`: KSIC tree, Korean title retrieval and 9↔10 recoding

Classifiers of pixels and time series are in :mod:`statmethods.classify`; each chapter's
parameter checks are in :mod:`statmethods.chapters.checks`.
"""

from .calibration import TemperatureScaler, expected_calibration_error, reliability_table
from .hierarchy import (
    CodeHierarchy,
    CodingIndex,
    UnknownCodeError,
    evaluate_levels,
    hierarchy_for,
    naics_hierarchy,
    prefix_hierarchy,
    prepare_records,
    soc_hierarchy,
    top_k_accuracy,
)
from .ksic import KsicRetriever, ksic_concordance, ksic_hierarchy, recode_ksic
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

__all__ = [
    "AutocodeReport",
    "CodeHierarchy",
    "CodingIndex",
    "EmptyAnswerError",
    "FastTextCoder",
    "KsicRetriever",
    "LabelEncodingError",
    "TemperatureScaler",
    "TfidfLinearCoder",
    "UnknownCodeError",
    "auto_coding_table",
    "char_ngrams",
    "check_texts",
    "coverage_curve",
    "evaluate_levels",
    "expected_calibration_error",
    "fallback_thresholds",
    "hierarchical_fallback",
    "hierarchy_for",
    "ksic_concordance",
    "ksic_hierarchy",
    "load_coder",
    "make_coder",
    "naics_hierarchy",
    "normalise_hangul",
    "normalise_text",
    "perturb_texts",
    "prefix_hierarchy",
    "prepare_records",
    "recode_ksic",
    "reliability_table",
    "run_autocode",
    "soc_hierarchy",
    "stratified_split",
    "threshold_for_accuracy",
    "top_k_accuracy",
    "training_checksum",
    "word_ngrams",
    "worst_codes",
]
