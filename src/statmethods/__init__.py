"""statmethods: the methods package behind the official-statistics methodology handbook.

The public API is small; each sub-package has one job:

- :mod:`statmethods.validation`: the exceptions and argument validators every module uses
- :mod:`statmethods.results`: the base of every ``<Method>Result`` (``conf_int``, ``table``, ``summary``)
- :mod:`statmethods.inputs`: a chapter's input files (catalogue key or the user's own path), read and checked
- :mod:`statmethods.data`: the data catalogue and checksum-verified loader
- :mod:`statmethods.chapters`: discover, validate and execute the book's chapters
- :mod:`statmethods.imagery`: bands, spectral indices, cloud masks, composites, grid alignment
- :mod:`statmethods.indicators`: SDG indicators (Degree of Urbanisation, SDG 11.3.1, green space)
- :mod:`statmethods.earthengine`: the same indicators as Earth Engine computations (Part I)
- :mod:`statmethods.classify`: classifiers and regressors, folds, cross-validation
- :mod:`statmethods.applications`: population and poverty mapping from imagery (Part I)
- :mod:`statmethods.autocode`: automatic coding of text answers (Part II)
- :mod:`statmethods.area`: accuracy assessment, area, regression and small-area estimation (Part III)
- :mod:`statmethods.linkage`, :mod:`statmethods.privacy`: record linkage, disclosure control (Part IV)
- :mod:`statmethods.plotting`: figure helpers (CJK fonts for Hangul labels)

Sub-packages load on first use, so ``import statmethods as sm`` is cheap and ``sm.area.fay_herriot``
works as in the QuantEcon lectures.

Examples
--------
>>> import statmethods as sm
>>> round(sm.validation.z_quantile(0.95), 2)
1.96
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType

try:
    __version__ = version("statmethods")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"

_SUBPACKAGES = frozenset({
    "applications", "area", "autocode", "chapters", "classify", "data", "earthengine", "imagery",
    "indicators", "inputs", "linkage", "plotting", "privacy", "results", "sources", "testing",
    "validation",
})

__all__ = ["__version__", *sorted(_SUBPACKAGES)]


def __getattr__(name: str) -> ModuleType:
    if name in _SUBPACKAGES:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
