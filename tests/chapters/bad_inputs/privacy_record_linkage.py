"""Bad inputs for privacy-record-linkage."""

from . import BadInput, write_csv

HEAD = "rec_id,given_name,surname,street_number,address_1,suburb,postcode,state,date_of_birth,soc_sec_id\n"
ROW = "rec-{i}-org,ann,lee,1,main street,town,2000,nsw,19700101,{i}\n"


def _no_id(tmp):
    write_csv(tmp / "a.csv", HEAD.replace("rec_id", "record") + "".join(ROW.format(i=i) for i in range(3)))


def _dup_ids(tmp):
    write_csv(tmp / "a.csv", HEAD + ROW.format(i=1) + ROW.format(i=1))


def _no_surname(tmp):
    write_csv(tmp / "a.csv", HEAD.replace(",surname", "") + "".join(
        ROW.format(i=i).replace(",lee", "") for i in range(3)))


def _empty_id(tmp):
    write_csv(tmp / "a.csv", HEAD + ROW.format(i=1) + ROW.format(i=2).replace("rec-2-org", ""))


CASES = [
    BadInput("file-without-id-column", {"febrl_a_file": "{tmp}/a.csv"}, "has no id column 'rec_id'",
             files=_no_id),
    BadInput("non-unique-ids", {"febrl_a_file": "{tmp}/a.csv"}, "duplicated id(s)", files=_dup_ids),
    BadInput("missing-key-variable", {"febrl_a_file": "{tmp}/a.csv"}, "lacks the key variable(s) 'surname'",
             files=_no_surname),
    BadInput("comparison-on-missing-column", {"febrl_comparisons": {"nickname": "exact"}},
             "lacks the key variable(s) 'nickname'"),
    BadInput("unknown-comparison-kind", {"febrl_comparisons": {"surname": "soundex"}},
             "unknown kind 'soundex'"),
    BadInput("production-without-key", {"pprl_mode": "production"}, "STATMETHODS_PPRL_KEY is not set"),
    BadInput("review-band-above-threshold", {"review_lower": 0.95}, "must be below 'threshold'"),
    BadInput("threshold-out-of-range", {"threshold": 1.5}, "must be in (0, 1)"),
    BadInput("unknown-backend", {"backend": "postgres"}, "parameter 'backend' must be one of"),
    BadInput("missing-file", {"dedupe_file": "nothere.parquet"}, "file not found"),
    BadInput("truth-pattern-matches-no-id", {"febrl_truth_pattern": "person-(\\d+)"},
             "matches no id of febrl_a_file"),
    BadInput("truth-pattern-without-group", {"febrl_truth_pattern": "rec-\\d+"}, "has no group"),
    BadInput("truth-pattern-not-a-regex", {"febrl_truth_pattern": "rec-(\\d+"}, "not a regular expression"),
    BadInput("record-without-id", {"febrl_a_file": "{tmp}/a.csv"}, "without an id", files=_empty_id),
]
