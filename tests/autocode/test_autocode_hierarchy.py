"""Code hierarchies and per-level evaluation (statmethods.autocode.hierarchy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score, top_k_accuracy_score

from statmethods.autocode.hierarchy import (
    UnknownCodeError,
    evaluate_levels,
    load_naics_index,
    load_occupation_index,
    naics_hierarchy,
    naics_structure_counts,
    prefix_hierarchy,
    soc_hierarchy,
    top_k_accuracy,
)


@pytest.fixture(scope="module")
def naics():
    return load_naics_index()


def test_naics_structure_table_totals_match_the_published_2022_counts():
    # NAICS 2022 manual: 20 sectors, 96 subsectors, 308 industry groups, 689 NAICS industries,
    # 1,012 national industries.
    t = naics_structure_counts()
    assert len(t) == 20
    assert t.sum().to_dict() == {
        "subsector": 96,
        "industry group": 308,
        "industry": 689,
        "national industry": 1012,
    }


def test_index_file_hierarchy_reproduces_the_structure_table_per_sector(naics):
    d, dropped = naics
    assert len(d) == 20373 and len(dropped) == 25  # 25 '******' cross-references and blanks
    levels = naics_hierarchy().table(d["code"].unique())
    derived = levels.groupby("sector").nunique()
    published = naics_structure_counts()
    for col in ("subsector", "industry group"):
        pd.testing.assert_series_equal(
            derived[col].sort_index(), published[col].sort_index(), check_names=False
        )
    # two industries (and their 6-digit codes) have no index entries; no sector has extra codes
    gap = published["national industry"] - derived["national industry"].reindex(published.index)
    assert gap.sum() == 2 and (gap >= 0).all()


def test_soc_minor_groups_follow_the_2018_structure():
    h = soc_hierarchy()
    assert h.ancestors("15-1252")["minor"] == "15-1200"
    assert h.ancestors("31-1122")["minor"] == "31-1100"
    assert h.ancestors("51-5111")["minor"] == "51-5100"
    assert h.ancestors("29-1141") == {
        "major": "29-0000",
        "minor": "29-1000",
        "broad": "29-1140",
        "detailed": "29-1141",
    }
    # a Census aggregate is its own broad group
    assert h.ancestors("51-91XX") == {
        "major": "51-0000",
        "minor": "51-9000",
        "broad": "51-91XX",
        "detailed": "51-91XX",
    }


def test_occupation_index_codes_are_all_valid_soc_and_span_22_major_groups():
    d, dropped = load_occupation_index()
    assert len(d) + len(dropped) == 34540
    soc_hierarchy().check_codes(d["code"])
    assert d["code"].str[:2].nunique() == 22  # every SOC 2018 major group except 55 (military)


@pytest.mark.parametrize(
    "code, why", [("31141", "6 digits"), ("991234", "not a NAICS 2022 sector"), ("", "missing")]
)
def test_codes_missing_from_the_classification_raise(code, why):
    with pytest.raises(UnknownCodeError, match=why):
        naics_hierarchy().check_codes(["311412", code])


def test_known_codes_restrict_the_classification():
    with pytest.raises(UnknownCodeError, match="not among the 1 codes"):
        naics_hierarchy(known_codes=["311412"]).check_codes(["311411"])


def test_aggregate_sums_probabilities_like_a_groupby():
    rng = np.random.default_rng(1)
    labels = ["311411", "311412", "311811", "111110"]
    p = rng.dirichlet(np.ones(4), size=6)
    agg, lab = naics_hierarchy().aggregate(p, labels, "industry group")
    expected = pd.DataFrame(p, columns=[c[:4] for c in labels]).T.groupby(level=0).sum().T
    np.testing.assert_allclose(agg, expected[lab].to_numpy())


def test_top_k_and_per_level_metrics_match_scikit_learn():
    rng = np.random.default_rng(2)
    labels = ["A11", "A12", "A21", "B11", "B12"]
    h = prefix_hierarchy((1, 2, 3))
    p = rng.dirichlet(np.ones(5), size=200)
    truth = np.array(labels)[rng.integers(0, 5, 200)]
    y = np.searchsorted(labels, truth)
    for k in (1, 2, 3):
        assert top_k_accuracy(p, labels, truth, k) == pytest.approx(
            top_k_accuracy_score(y, p, k=k, labels=range(5))
        )
    m = evaluate_levels(p, labels, truth, h, ks=(1, 2))
    pred = np.array(labels)[p.argmax(1)]
    assert m.loc["3 char", "accuracy"] == pytest.approx(accuracy_score(truth, pred))
    assert m.loc["3 char", "macro_f1"] == pytest.approx(f1_score(truth, pred, average="macro"))
    # first letter: summed probabilities of A* vs B*
    pa = p[:, :3].sum(1)
    assert m.loc["1 char", "accuracy"] == pytest.approx(
        np.mean(np.where(pa > 0.5, "A", "B") == np.array([t[0] for t in truth]))
    )
