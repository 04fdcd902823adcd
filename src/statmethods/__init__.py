"""statmethods: the methods package behind the official-statistics methodology handbook.

The public API is small; each sub-package has one job:

- :mod:`statmethods.data`: the data catalogue and checksum-verified loader
- :mod:`statmethods.chapters`: discover, validate and execute the book's chapters
- :mod:`statmethods.area`: accuracy assessment and area estimation (Part III)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("statmethods")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"

__all__ = ["__version__"]
