"""Code hierarchies and per-level evaluation (statmethods.autocode.hierarchy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score, top_k_accuracy_score

from statmethods.autocode.hierarchy import (
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
from statmethods.sources.coding import read_coding_index
from statmethods.sources.naics import read_naics_index, read_naics_structure
from statmethods.sources.soc import read_occupation_index
from statmethods.validation import InputFileError


@pytest.fixture(scope="module")
def naics():
    return read_naics_index()


def test_naics_structure_table_totals_match_the_published_2022_counts():
    # NAICS 2022 manual: 20 sectors, 96 subsectors, 308 industry groups, 689 NAICS industries,
    # 1,012 national industries.
    t = read_naics_structure()
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
    published = read_naics_structure()
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
    d, dropped = read_occupation_index()
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


def test_prepare_records_counts_set_aside_and_duplicates_and_builds_the_naics_hierarchy(naics):
    d, dropped = naics
    data, h, info = prepare_records(CodingIndex(d, dropped, "naics", "naics-2022"))
    assert h.name == "NAICS 2022" and h.known_codes == frozenset(d["code"])
    assert info["read"] == len(d) + len(dropped) and info["set_aside"] == len(dropped)
    assert info["kept"] == len(data) == len(d) - info["duplicates_dropped"]
    idx = CodingIndex(d, dropped, "naics", "naics-2022")
    small, _, info_small = prepare_records(idx, max_records=500, seed=1)
    assert 0 < info_small["kept"] <= 500 and set(small["code"]) <= set(d["code"])  # rounded per code


def test_a_user_file_is_read_as_text_codes_and_rolls_up_by_prefix(tmp_path):
    f = tmp_path / "answers.csv"
    f.write_text("answer,code\nbakery,01110\nBakery,01110\n ,01110\ndairy farm,02120\n", encoding="utf-8")
    idx = read_coding_index(str(f), "answer", "code")
    data, h, info = prepare_records(idx, (1, 2, 5))
    assert data["code"].tolist() == ["01110", "02120"]  # leading zeros kept
    assert info == {"read": 4, "set_aside": 1, "duplicates_dropped": 1, "kept": 2}
    assert h.ancestors("01110") == {"1 char": "0", "2 char": "01", "5 char": "01110"}
    with pytest.raises(UnknownCodeError, match="column 'code'.*expected codes of 6 characters"):
        prepare_records(idx, (1, 6))
    with pytest.raises(InputFileError, match="neither a built-in coding index"):
        read_coding_index("answers.xlsx")
    with pytest.raises(ValueError, match="'classification' must be one of"):
        hierarchy_for("isic", ["0111"])
