"""Record linkage: blocking, comparisons, Fellegi-Sunter (numpy and Splink's ``Linker``), evaluation, PPRL."""

from .blocking import block_pairs, count_block_pairs
from .compare import Comparison, clean_strings, compare_pairs
from .evaluate import (
    LinkageMetrics,
    bcubed,
    cluster_pairs,
    pair_metrics,
    pr_curve,
    review_band,
    wilson_interval,
)
from .fellegi_sunter import FellegiSunterResult, fellegi_sunter_em
from .pprl import bloom_encode, dice, frequency_attack, link_filters, qgrams, secret_key
from .splink_model import (
    COMPARISON_KINDS,
    Linker,
    SplinkLinkResult,
    quiet_splink,
    spark_session,
    splink_comparisons,
)
from .strings import jaro, jaro_winkler, levenshtein, levenshtein_similarity

__all__ = [
    "COMPARISON_KINDS",
    "Comparison",
    "FellegiSunterResult",
    "Linker",
    "LinkageMetrics",
    "SplinkLinkResult",
    "bcubed",
    "bloom_encode",
    "cluster_pairs",
    "dice",
    "fellegi_sunter_em",
    "frequency_attack",
    "link_filters",
    "pair_metrics",
    "pr_curve",
    "qgrams",
    "review_band",
    "secret_key",
    "block_pairs",
    "clean_strings",
    "compare_pairs",
    "count_block_pairs",
    "jaro",
    "jaro_winkler",
    "levenshtein",
    "levenshtein_similarity",
    "quiet_splink",
    "spark_session",
    "splink_comparisons",
    "wilson_interval",
]
