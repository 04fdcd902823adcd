"""Data catalogue and cached, checksum-verified loader.

Examples
--------
>>> from statmethods import data
>>> p = data.path("landsat8-zion/landsat_b4.tif")  # cached copy, verified by SHA-256
"""

from .catalogue import DataFile, Dataset, datasets, lookup
from .docs import catalogue_markdown
from .fetch import DataFileError, cache_dir, fetch, path, sha256_of, verify

__all__ = [
    "DataFile",
    "DataFileError",
    "Dataset",
    "cache_dir",
    "catalogue_markdown",
    "datasets",
    "fetch",
    "lookup",
    "path",
    "sha256_of",
    "verify",
]
