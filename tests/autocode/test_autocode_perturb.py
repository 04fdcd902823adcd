"""Synthetic write-in noise (statmethods.autocode.perturb)."""

from __future__ import annotations

import pytest

from statmethods.autocode.perturb import perturb_texts


def test_noise_is_seeded_labelled_synthetic_and_off_when_rates_are_zero():
    texts = ["frozen rice dishes manufacturing", "truck driver", "dental laboratories"]
    a, b = perturb_texts(texts, seed=1), perturb_texts(texts, seed=1)
    assert a.equals(b) and a["synthetic"].all()
    z = perturb_texts(texts, seed=1, p_typo=0, p_abbrev=0, p_reorder=0, p_extra=0)
    assert (z["perturbed"] == z["original"]).all()


def test_each_kind_of_noise_does_what_it_says():
    t = ["engineering services and management"]
    assert perturb_texts(t, p_typo=0, p_abbrev=1, p_reorder=0, p_extra=0)["perturbed"][0] == "eng svcs & mgmt"
    ro = perturb_texts(t, seed=2, p_typo=0, p_abbrev=0, p_reorder=1, p_extra=0)["perturbed"][0]
    assert sorted(ro.split()) == sorted(t[0].split()) and ro != t[0]
    ty = perturb_texts(["manufacturing"], seed=0, p_typo=1, p_abbrev=0, p_reorder=0, p_extra=0)["perturbed"][
        0
    ]
    assert ty != "manufacturing" and abs(len(ty) - len("manufacturing")) <= 1 and ty[0] == "m"


def test_bad_rate_is_rejected():
    with pytest.raises(ValueError, match="p_typo"):
        perturb_texts(["x"], p_typo=1.5)
