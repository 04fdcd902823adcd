"""Shared FEBRL4 fixtures for the linkage tests (read through the catalogue)."""

from __future__ import annotations

import pytest

FEBRL_COLUMNS = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb",
                 "postcode", "state", "date_of_birth", "soc_sec_id"]


@pytest.fixture(scope="session")
def febrl4():
    from statmethods import inputs
    from statmethods.linkage import clean_strings

    a = inputs.read_table("febrl/dataset4a.csv", "febrl_a_file")
    b = inputs.read_table("febrl/dataset4b.csv", "febrl_b_file")
    return clean_strings(a, FEBRL_COLUMNS), clean_strings(b, FEBRL_COLUMNS)
