"""Combination keys, the dictionary attack, Hangul normalisation and made-up resident numbers."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

import numpy as np
import pandas as pd
import pytest

from statmethods.linkage import secret_key
from statmethods.privacy.pseudonymise import (
    check_digit_valid,
    column_roles,
    combination_key,
    dictionary_attack,
    hangul_names,
    normalise_name,
    plain_hash,
    resident_numbers,
    romanise_hangul,
)
from statmethods.validation import BadInputError


def test_combination_key_is_hmac_sha256_of_rfc_4231_test_case_1():
    key = b"\x0b" * 20
    got = combination_key(pd.DataFrame({"x": ["Hi There"]}), ["x"], key)[0]
    assert got == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"


def test_combination_key_joins_columns_unambiguously_and_refuses_short_keys():
    key = b"k" * 32
    a = combination_key(pd.DataFrame({"x": ["ab"], "y": ["c"]}), ["x", "y"], key)[0]
    b = combination_key(pd.DataFrame({"x": ["a"], "y": ["bc"]}), ["x", "y"], key)[0]
    assert a != b
    assert a == hmac.new(key, b"ab\x1fc", hashlib.sha256).hexdigest()
    with pytest.raises(BadInputError, match="at least 16 bytes"):
        combination_key(pd.DataFrame({"x": ["a"]}), ["x"], b"short")


def test_dictionary_attack_reverses_plain_hashes_and_not_keyed_ones():
    rng = np.random.default_rng(0)
    people = pd.DataFrame({"n": rng.choice(["ann", "bob", "cy", "dee"], 200),
                           "d": rng.integers(1900, 2000, 200).astype(str)})
    dictionary = pd.DataFrame([(n, str(y)) for n in ["ann", "bob", "cy", "dee"]
                               for y in range(1900, 2000)], columns=["n", "d"])
    plain = dictionary_attack(plain_hash(people, ["n", "d"]), dictionary, ["n", "d"])
    assert plain.notna().all()
    back = dictionary.loc[plain.astype(int)].reset_index(drop=True)
    assert back.equals(people)
    keyed = dictionary_attack(combination_key(people, ["n", "d"], b"x" * 32), dictionary, ["n", "d"])
    assert keyed.isna().all()


RR_EXAMPLES = [("한국", "hanguk"), ("서울", "seoul"), ("부산", "busan"), ("김치", "gimchi"),
               ("대전", "daejeon"), ("이서연", "iseoyeon")]


@pytest.mark.parametrize(("hangul", "latin"), RR_EXAMPLES)
def test_romanisation_follows_the_revised_romanisation_letter_by_letter(hangul, latin):
    assert romanise_hangul(hangul) == latin
    assert romanise_hangul(unicodedata.normalize("NFD", hangul)) == latin


def test_normalisation_makes_the_written_forms_of_one_name_equal():
    forms = ["김민준", "김 민준", unicodedata.normalize("NFD", "김민준"), " 김민준 "]
    assert len({normalise_name(f) for f in forms}) == 1
    roman = ["Kim Min-jun", "KIM MINJUN", "gim minjun", "김민준"]
    assert len({normalise_name(f, romanise=True) for f in roman}) == 1
    assert normalise_name(None) == "" and normalise_name(np.nan) == ""
    assert normalise_name("O'Brien-Smith") == "obriensmith"


def test_resident_numbers_follow_the_stated_rules():
    # hand computation: 7,0,0,1,0,1,2,1,2,3,4,5 . 2,3,4,5,6,7,8,9,2,3,4,5 = 105; (11 - 105 % 11) % 10 = 5
    assert resident_numbers(["19700101"], ["F"], serial=[12345])[0] == "700101-2123455"
    n = resident_numbers(["20010203", "20010203", "19991231", "19560231", None], ["M", "F", "M", "F", "M"],
                         seed=1)
    assert n[0][7] == "3" and n[1][7] == "4" and n[2][7] == "1"
    assert n[3] is None and n[4] is None                     # 31 February and a missing date
    assert all(check_digit_valid(x) for x in n[:3])
    assert not check_digit_valid(n[0][:-1] + str((int(n[0][-1]) + 1) % 10))


def test_hangul_surnames_are_drawn_by_their_stated_shares():
    names = hangul_names(20_000, seed=3)
    share = names["surname"].value_counts(normalize=True)
    assert share["김"] == pytest.approx(0.215 / 0.680, abs=0.015)   # 13 shares summing to 0.680
    assert share["신"] == pytest.approx(0.014 / 0.680, abs=0.005)
    assert names["given_name"].str.len().eq(2).all()
    assert names["surname"].map(lambda s: unicodedata.is_normalized("NFC", s)).all()


def test_secret_key_reads_the_named_variable_and_marks_the_demo_key(monkeypatch):
    monkeypatch.delenv("STATMETHODS_COMBINATION_KEY", raising=False)
    key, source = secret_key("demo", env="STATMETHODS_COMBINATION_KEY")
    assert source == "demonstration key" and b"STATMETHODS_COMBINATION_KEY" in key
    with pytest.raises(ValueError, match="key_mode 'production'"):
        secret_key("production", env="STATMETHODS_COMBINATION_KEY", parameter="key_mode")
    monkeypatch.setenv("STATMETHODS_COMBINATION_KEY", "0123456789abcdef0123")
    got = secret_key("production", env="STATMETHODS_COMBINATION_KEY")
    assert got == (b"0123456789abcdef0123", "environment")
    with pytest.raises(ValueError, match="STATMETHODS_"):
        secret_key("demo", env="HOME")


def test_column_roles_need_a_known_role_for_every_column():
    t = column_roles({"a": "identifier", "b": "sensitive"}, ["a", "b"])
    assert t["role"].tolist() == ["identifier", "sensitive"]
    with pytest.raises(BadInputError, match="no role"):
        column_roles({"a": "identifier"}, ["a", "b"])
    with pytest.raises(BadInputError, match="unknown role"):
        column_roles({"a": "secret"}, ["a"])
