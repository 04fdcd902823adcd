"""Bad inputs for __ID__: each is refused with exit code 2 before the kernel starts."""

from . import BadInput, write_csv

CASES = [
    BadInput("confidence-95", {"confidence": 95}, "must be in (0, 1)"),
    BadInput("missing-file", {"input_file": "nothere.csv"}, "file not found"),
    BadInput("missing-column", {"input_file": "{tmp}/x.csv"}, "missing column(s) 'value'",
             files=lambda t: write_csv(t / "x.csv", "other\n1\n")),
    BadInput("cp949-declared-utf8", {"input_file": "{tmp}/k.csv", "encoding": "utf-8"}, "encoding",
             files=lambda t: write_csv(t / "k.csv", "value,이름\n1,가\n", "cp949")),
]
