"""Bad inputs for privacy-pseudonymisation."""

from . import BadInput, write_csv

HEAD = "cluster,first_name,surname,dob,postcode_fake,gender,occupation\n"


def _people(tmp, head=HEAD, dob="1901-02-03", n=30, records=2):
    rows = "".join(f"Q{i},ann{i},lee{i},{dob},AB1 2CD,female,{'painter' if i % 2 else 'poet'}\n"
                   for i in range(n) for _ in range(records))
    write_csv(tmp / "people.csv", head + rows)


def _no_person(tmp):
    _people(tmp, head=HEAD.replace("cluster", "group"))


def _one_record_each(tmp):
    _people(tmp, records=1)


def _bad_dates(tmp):
    _people(tmp, dob="unknown")


def _bad_korean(tmp):
    write_csv(tmp / "kor.csv", "rec_id,date_of_birth\nperson-1,19700101\nperson-2,19800101\n")


CASES = [
    BadInput("production-without-key", {"key_mode": "production"}, "STATMETHODS_COMBINATION_KEY is not set"),
    BadInput("unknown-key-mode", {"key_mode": "test"}, "parameter 'key_mode' must be one of"),
    BadInput("share-out-of-range", {"register_share": 1.5}, "register_share"),
    BadInput("holders-share-no-person", {"register_share": 0.4, "survey_share": 0.5}, "share no person"),
    BadInput("mock-sample-too-small", {"mock_sample_size": 0}, "mock_sample_size"),
    BadInput("k-below-two", {"k_min": 1}, "k_min"),
    BadInput("zero-risk-threshold", {"prosecutor_max": 0}, "no release has zero risk"),
    BadInput("bad-processing-date", {"processing_date": "2026-13-40"}, "not a date in the form YYYY-MM-DD"),
    BadInput("empty-purpose", {"purpose": ""}, "must say what the combination is for"),
    BadInput("column-with-two-roles", {"survey_column": "surname"}, "two roles"),
    BadInput("name-column-missing", {"name_columns": ["first_name", "family_name"]}, "family_name"),
    BadInput("file-without-person-column", {"people_file": "{tmp}/people.csv"}, "cluster", files=_no_person),
    BadInput("one-record-per-person", {"people_file": "{tmp}/people.csv"}, "two records or more",
             files=_one_record_each),
    BadInput("birth-dates-not-dates", {"people_file": "{tmp}/people.csv"}, "start with the year",
             files=_bad_dates),
    BadInput("korean-ids-not-febrl", {"korean_a_file": "{tmp}/kor.csv"}, "rec-N", files=_bad_korean),
    BadInput("missing-people-file", {"people_file": "nothere.csv"}, "file not found"),
    BadInput("threshold-out-of-range", {"threshold": 1.5}, "must be in (0, 1)"),
]
