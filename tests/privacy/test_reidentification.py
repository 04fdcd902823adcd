"""Prosecutor, journalist and marketer risk (ARX's definitions) and the linkage attack."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from statmethods.privacy.reidentification import linkage_attack, reidentification_risk
from statmethods.validation import BadInputError


def _population(seed=0, n=3000):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"sex": rng.choice(["f", "m"], n), "decade": rng.choice(["1940", "1950", "1960"], n),
                         "area": rng.choice(list("ABCDEFGHIJ"), n, p=np.linspace(1, 10, 10) / 55),
                         "person": np.arange(n)})


def test_risks_match_a_record_by_record_computation():
    pop = _population()
    rel = pop.sample(400, random_state=1)
    keys = ["sex", "decade", "area"]
    risk = reidentification_risk(rel, keys, pop)
    f = rel.groupby(keys)["person"].transform("size").to_numpy()
    big_f = rel[keys].merge(pop.groupby(keys).size().rename("F").reset_index(), on=keys)["F"].to_numpy()
    assert risk.prosecutor_highest == pytest.approx((1 / f).max())
    assert risk.prosecutor_average == pytest.approx((1 / f).mean())        # = classes / records
    assert risk.journalist_highest == pytest.approx((1 / big_f).max())
    assert risk.marketer == pytest.approx((1 / big_f).mean())              # (1/n) sum_j f_j / F_j
    assert risk.records_at_risk == pytest.approx((1 / f > 0.2).mean())
    alone = reidentification_risk(rel, keys)
    assert alone.marketer == pytest.approx(alone.prosecutor_average)


def test_marketer_risk_is_the_expected_share_of_a_random_matching_attack():
    pop = _population(2)
    rel = pop.sample(300, random_state=3).reset_index(drop=True)
    keys = ["sex", "decade", "area"]
    groups = pop.groupby(keys)["person"].apply(np.array)
    rng = np.random.default_rng(4)
    hits = []
    for _ in range(300):
        guess = [rng.choice(groups[tuple(r)]) for r in rel[keys].itertuples(index=False)]
        hits.append(np.mean(np.array(guess) == rel["person"].to_numpy()))
    assert np.mean(hits) == pytest.approx(reidentification_risk(rel, keys, pop).marketer, abs=0.002)


def test_linkage_attack_counts_unique_right_matches_and_ignores_suppressed_records():
    out = pd.DataFrame({"q": ["a", "b", "b", "c", "d"], "who": [1, 2, 3, 4, 5]})
    rel = pd.DataFrame({"q": ["a", "b", "c", "*"], "who": [1, 2, 9, 5]})
    res = linkage_attack(rel, out, ["q"], release_person="who", outside_person="who")
    assert res.matches["unique"].tolist() == [True, False, True, False]
    assert res.matches["reidentified"].tolist() == [True, False, False, False]
    assert res.share_reidentified == 0.25
    assert "re-identified" in str(res.summary())


def test_generalising_lowers_every_risk():
    pop = _population(5)
    rel = pop.sample(500, random_state=6)
    keys = ["sex", "decade", "area"]
    fine = reidentification_risk(rel, keys, pop)
    coarse = reidentification_risk(rel.assign(area="*"), keys, pop.assign(area="*"))
    assert coarse.marketer < fine.marketer and coarse.prosecutor_highest <= fine.prosecutor_highest
    assert "marketer" in str(fine.summary())


def test_bad_arguments_are_refused():
    d = pd.DataFrame({"q": ["*", "*"]})
    with pytest.raises(BadInputError, match="every record of the release is suppressed"):
        reidentification_risk(d, ["q"])
    with pytest.raises(BadInputError, match="release_person"):
        linkage_attack(pd.DataFrame({"q": ["a"]}), pd.DataFrame({"q": ["a"], "w": [1]}), ["q"],
                       release_person="who", outside_person="w")
