"""The data catalogue: every public file the handbook uses, with checksum, licence and source."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset, as pinned in the catalogue."""

    dataset: str
    name: str
    sha256: str
    url: str | None = None
    pypi: dict | None = None
    note: str | None = None

    @property
    def key(self) -> str:
        """Catalogue key ``dataset/name`` used by :func:`statmethods.data.path`."""
        return f"{self.dataset}/{self.name}"

    @property
    def source(self) -> str:
        """Human-readable public source of the file."""
        if self.url:
            return self.url
        if self.pypi:
            p = self.pypi
            return f"PyPI {p['package']}=={p['version']} wheel member {p['member']}"
        return "unknown"


@dataclass(frozen=True)
class Dataset:
    """A dataset folder: metadata plus its files."""

    id: str
    title: str
    description: str
    licence: str
    citation: str
    homepage: str
    files: dict[str, DataFile] = field(default_factory=dict)
    used_by: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, Dataset]:
    """Read the packaged catalogue (``catalogue.yml``) into :class:`Dataset` objects."""
    text = resources.files("statmethods.data").joinpath("catalogue.yml").read_text("utf-8")
    raw = yaml.safe_load(text)["datasets"]
    out: dict[str, Dataset] = {}
    for ds_id, d in raw.items():
        files = {
            name: DataFile(
                dataset=ds_id,
                name=name,
                sha256=f["sha256"],
                url=f.get("url"),
                pypi=f.get("pypi"),
                note=f.get("note"),
            )
            for name, f in d["files"].items()
        }
        out[ds_id] = Dataset(
            id=ds_id,
            title=d["title"],
            description=d["description"],
            licence=d["licence"],
            citation=d["citation"],
            homepage=d.get("homepage", ""),
            files=files,
            used_by=tuple(d.get("used_by") or ()),
        )
    return out


def datasets() -> list[Dataset]:
    """All catalogued datasets, sorted by id."""
    return [load_catalogue()[k] for k in sorted(load_catalogue())]


def lookup(key: str) -> DataFile:
    """Find a catalogued file by ``"dataset/relative/path"``.

    Raises
    ------
    KeyError
        If the dataset or file is not catalogued; the message lists what is.
    """
    cat = load_catalogue()
    ds_id, _, name = key.partition("/")
    if ds_id not in cat:
        raise KeyError(
            f"Unknown dataset {ds_id!r}. Catalogued datasets: {', '.join(sorted(cat))}. "
            "Run `statmethods data list` to see them."
        )
    files = cat[ds_id].files
    if name not in files:
        raise KeyError(
            f"Dataset {ds_id!r} has no file {name!r}. Its files: {', '.join(sorted(files))}."
        )
    return files[name]
