"""Record linkage: blocking, comparisons, Fellegi-Sunter (numpy and Splink), evaluation, PPRL."""

from .blocking import block_pairs, count_block_pairs
from .compare import Comparison, clean_strings, compare_pairs
from .splink_model import SplinkLinkResult, quiet_splink, spark_session, splink_link
from .strings import jaro, jaro_winkler, levenshtein, levenshtein_similarity

__all__ = [
    "Comparison",
    "SplinkLinkResult",
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
    "splink_link",
]
