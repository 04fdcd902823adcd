"""The chapter's quality targets on FEBRL4: Splink F1 >= 0.98, Bloom filters within 0.02 of it."""

from __future__ import annotations

import pandas as pd
import pytest

from statmethods.linkage import Linker, bloom_encode, link_filters, pair_metrics

COMPARISONS = {"given_name": "levenshtein", "surname": "levenshtein", "date_of_birth": "levenshtein",
               "soc_sec_id": "levenshtein", "street_number": "exact", "postcode": "levenshtein",
               "suburb": "exact"}
BLOCKING = [["soc_sec_id"], ["given_name"], ["surname"], ["date_of_birth"]]


@pytest.fixture(scope="module")
def truth(febrl4):
    a, _ = febrl4
    return pd.DataFrame({"id_l": a["rec_id"], "id_r": a["rec_id"].str.replace("org", "dup-0")})


@pytest.fixture(scope="module")
def splink_f1(febrl4, truth):
    a, b = febrl4
    linker = Linker([a, b], COMPARISONS, id_column="rec_id", blocking_rules=BLOCKING)
    linker.train([["date_of_birth"], ["given_name", "surname"]], deterministic_rules=[BLOCKING[0]],
                 recall=0.8, seed=42)
    return linker.evaluate(truth, 0.9).estimates["f1"]


def test_splink_links_febrl4_with_f1_of_at_least_098(splink_f1):
    assert splink_f1 >= 0.98


def test_bloom_filter_linkage_is_within_002_of_clear_text_and_salting_costs_f1(febrl4, truth, splink_f1):
    a, b = febrl4
    fields = {"given_name": 15, "surname": 15, "date_of_birth": 15, "address_1": 10, "suburb": 10,
              "postcode": 10}
    key = b"test key"
    res = link_filters(bloom_encode(a, fields, key), bloom_encode(b, fields, key), a["rec_id"], b["rec_id"],
                       threshold=0.65)
    f1 = pair_metrics(res.links, truth).estimates["f1"]
    assert abs(splink_f1 - f1) <= 0.02
    ya, yb = (d.assign(y=d["date_of_birth"].str[:4]) for d in (a, b))
    salted = link_filters(bloom_encode(ya, fields, key, salt="y"), bloom_encode(yb, fields, key, salt="y"),
                          a["rec_id"], b["rec_id"], threshold=0.65)
    assert pair_metrics(salted.links, truth).estimates["f1"] < f1
