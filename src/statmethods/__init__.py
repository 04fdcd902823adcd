"""statmethods: the methods package behind the official-statistics methodology handbook.

The public API is small; each sub-package has one job:

- :mod:`statmethods.data`: the data catalogue and checksum-verified loader
- :mod:`statmethods.chapters`: discover, validate and execute the book's chapters
- :mod:`statmethods.imagery`: bands, spectral indices, cloud masks, composites, grid alignment
- :mod:`statmethods.indicators`: SDG indicators (Degree of Urbanisation, SDG 11.3.1, green space)
- :mod:`statmethods.earthengine`: the same indicators as Earth Engine computations (Part I)
- :mod:`statmethods.autocode`: automatic coding of text answers and of crop time series (Part II)
- :mod:`statmethods.area`: accuracy assessment, area, regression and small-area estimation (Part III)
- :mod:`statmethods.plotting`: figure helpers (CJK fonts for Hangul labels)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("statmethods")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"

__all__ = ["__version__"]
