"""Own blocking and comparison code reproduces the recordlinkage FEBRL4 tutorial figures exactly."""

from __future__ import annotations

from statmethods.data.reference import reference
from statmethods.linkage import Comparison, block_pairs, compare_pairs, count_block_pairs

REF = reference("recordlinkage_febrl4")
TUTORIAL = [Comparison("given_name", "given_name"),
            Comparison("surname", "surname", "jaro_winkler", 0.85),
            Comparison("date_of_birth", "date_of_birth"),
            Comparison("suburb", "suburb"),
            Comparison("state", "state"),
            Comparison("address_1", "address_1", "levenshtein", 0.85)]


def test_blocking_on_given_name_gives_the_tutorials_77249_candidate_pairs(febrl4):
    a, b = febrl4
    assert len(block_pairs(a, b, "given_name", id_column="rec_id")) == REF["candidate_pairs_block_given_name"]
    assert count_block_pairs(a, b, "given_name") == REF["candidate_pairs_block_given_name"]


def test_six_comparisons_give_the_tutorials_score_distribution_and_3241_matches(febrl4):
    a, b = febrl4
    pairs = block_pairs(a, b, "given_name", id_column="rec_id")
    feats = compare_pairs(pairs, a, b, TUTORIAL, id_column="rec_id")
    score = feats[[c.label for c in TUTORIAL]].sum(axis=1)
    assert int((score > 3).sum()) == REF["matches_score_above_3"]
    assert score.value_counts().to_dict() == REF["score_counts"]
    means = feats[[c.label for c in TUTORIAL]].mean().round(6).to_dict()
    assert means == REF["feature_means"]
