"""KSIC tree, Korean title retrieval and 9↔10 recoding (statmethods.autocode.ksic)."""

from __future__ import annotations

import pytest

from statmethods.autocode.hierarchy import UnknownCodeError
from statmethods.autocode.ksic import (
    KsicRetriever,
    ksic_concordance,
    ksic_hierarchy,
    recode_ksic,
)
from statmethods.autocode.text import EmptyAnswerError
from statmethods.sources.ksic import read_ksic_links, read_ksic_titles, read_ksic_tree
from statmethods.validation import BadInputError


def test_tenth_revision_has_the_published_number_of_codes_per_level():
    # Statistics Korea, KSIC 10th revision: 21 sections, 77 divisions, 232 groups, 495 classes,
    # 1,196 sub-classes
    counts = read_ksic_titles(10)["level"].value_counts()
    assert counts.to_dict() == {"sub-class": 1196, "class": 495, "group": 232, "division": 77, "section": 21}
    tree = read_ksic_tree(10)
    assert [tree[lv].nunique() for lv in ("section", "division", "group", "class", "sub-class")] == [
        21,
        77,
        232,
        495,
        1196,
    ]


def test_hierarchy_looks_up_sections_and_rejects_ninth_revision_only_codes():
    h = ksic_hierarchy(read_ksic_tree(10), 10)
    assert h.ancestors("10711") == {
        "section": "C",
        "division": "10",
        "group": "107",
        "class": "1071",
        "sub-class": "10711",
    }
    gone = sorted(set(read_ksic_tree(9)["sub-class"]) - set(read_ksic_tree(10)["sub-class"]))[0]
    with pytest.raises(UnknownCodeError, match="10th-revision"):
        h.check_codes([gone])


def test_concordance_keeps_one_to_many_links():
    c = ksic_concordance(read_ksic_links(), 9, 10)
    assert c["from_code"].nunique() == 1145 and c["to_code"].nunique() == 1196
    fruit = c[c["from_code"] == "01131"]
    assert set(fruit["to_code"]) == {"01121", "01131"}  # strawberries moved to vegetables
    assert (fruit["n_targets"] == 2).all()
    assert set(c["link"]) == {"one-to-one", "one-to-many", "many-to-one", "many-to-many"}
    # both directions are the same set of links
    back = ksic_concordance(read_ksic_links(), 10, 9)
    assert set(zip(c.from_code, c.to_code, strict=True)) == set(
        zip(back.to_code, back.from_code, strict=True)
    )


def test_recoding_spreads_a_split_code_and_rejects_unknown_codes():
    conc = ksic_concordance(read_ksic_links(), 9, 10)
    r = recode_ksic(["01131", "01122"], conc)
    assert r.groupby("record")["weight"].sum().tolist() == [1.0, 1.0]
    assert r.loc[r.record == 0, "ambiguous"].all() and not r.loc[r.record == 1, "ambiguous"].any()
    with pytest.raises(UnknownCodeError, match="9th-revision"):
        recode_ksic(["99999"], conc)


def test_retrieval_finds_titles_regardless_of_spacing():
    r = KsicRetriever(read_ksic_tree(10))
    for q in ("곡물 및 기타 식량작물 재배업", "곡물및기타식량작물재배업", "곡물 및 기타 식량 작물 재배업"):
        assert r.search(q, k=1)["code"].iloc[0] == "01110"
    # every sub-class title retrieves its own sub-class in the top 3 (titles repeat across levels)
    tree = read_ksic_tree(10)
    hits = r.search_many(tree["sub-class_title"].tolist(), k=3)
    found = hits.groupby("query")["code"].agg(set)
    share = sum(c in s for c, s in zip(tree["sub-class"], found, strict=True)) / len(tree)
    assert share > 0.97
    with pytest.raises(EmptyAnswerError):
        r.search("  ")


def test_readers_refuse_an_unknown_revision_and_a_missing_file():
    with pytest.raises(BadInputError, match="'revision' must be one of 9, 10"):
        read_ksic_titles(8)
    with pytest.raises(BadInputError, match="ksic_tree_file.*file not found"):
        read_ksic_tree(10, "no/such/ksic.rda")
