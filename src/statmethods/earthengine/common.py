"""Common Earth Engine helpers: authentication, administrative units, reduceRegions, graphs.

Earth Engine (Gorelick et al. 2017) evaluates a *computation graph* built in Python on
Google's servers, tile by tile and in parallel, so the same indicator that the local backend
computes for one image runs for a whole country. Nothing in this module talks to the network
until a result is requested (``getInfo``, an export); building and serialising a graph works
offline, which is how the tests check it.

Authentication (once per machine)
---------------------------------
1. Have a Google Cloud project registered for Earth Engine
   (https://code.earthengine.google.com/register, noncommercial use is free).
2. ``earthengine authenticate`` on the command line (or ``ee.Authenticate()`` in Python); on a
   server without a browser use ``earthengine authenticate --auth_mode=notebook``, or a service
   account key: ``ee.ServiceAccountCredentials(email, key_file)``.
3. ``export EE_PROJECT=my-project`` and call :func:`initialize`.

Running at national scale
-------------------------
``reduceRegions`` over all 250 Korean municipalities at 10 m touches about 10^9 pixels. Call
:meth:`getInfo` only for small areas; for a country start an export task
(:func:`export_table`) and read the CSV from Drive or Cloud Storage when it finishes. Raise
``tile_scale`` (2 to 16) if a task fails with "user memory limit exceeded"; a coarser ``scale``
(e.g. 20 or 30 m) makes it cheaper at the price of mixing more land covers per pixel.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # ee and geopandas are imported only when a computation is built
    import ee
    import geopandas as gpd

__all__ = [
    "offline",
    "EE_PROJECT_ENV",
    "GAUL_ASSET",
    "KOREA_GAUL_NAME",
    "admin_units",
    "constants_used",
    "export_table",
    "feature_collection_from_geodataframe",
    "functions_used",
    "invocations",
    "graph",
    "initialize",
    "reduce_regions",
    "require_ee",
]

#: Environment variable holding the Google Cloud project used for Earth Engine.
EE_PROJECT_ENV = "EE_PROJECT"
#: FAO Global Administrative Unit Layers 2015, level 0/1/2 (level 2 = 시군구 in Korea).
GAUL_ASSET = "FAO/GAUL/2015/level{level}"
#: Country name of South Korea in GAUL.
KOREA_GAUL_NAME = "Republic of Korea"


def require_ee() -> ModuleType:
    """Import and return the ``ee`` module, or explain how to install it."""
    try:
        import ee
    except ImportError as exc:  # pragma: no cover - earthengine-api is a declared dependency
        raise ImportError("the Earth Engine backend needs the earthengine-api package: "
                          "pip install earthengine-api") from exc
    return ee


def initialize(project: str | None = None) -> None:
    """Initialise Earth Engine with stored credentials for a Cloud project.

    Parameters
    ----------
    project : str, optional
        Google Cloud project id; defaults to the ``EE_PROJECT`` environment variable.

    Raises
    ------
    RuntimeError
        No project given, or no valid credentials; the message says how to authenticate.
    """
    ee = require_ee()
    project = project or os.environ.get(EE_PROJECT_ENV)
    if not project:
        raise RuntimeError(f"no Earth Engine project: pass project='my-project' or set {EE_PROJECT_ENV}; "
                           "register one at https://code.earthengine.google.com/register")
    try:
        ee.Initialize(project=project)
    except Exception as exc:  # ee raises EEException or google.auth errors
        raise RuntimeError(
            f"could not initialise Earth Engine for project {project!r} ({exc}). Authenticate once with "
            "`earthengine authenticate` (or ee.Authenticate(); on a headless server "
            "`earthengine authenticate --auth_mode=notebook`), then retry") from exc


def admin_units(country: str = KOREA_GAUL_NAME, level: int = 2,
                asset: str | None = None) -> ee.FeatureCollection:
    """Administrative units of a country from FAO GAUL 2015 as an ``ee.FeatureCollection``.

    Parameters
    ----------
    country : str
        ``ADM0_NAME`` in GAUL (``"Republic of Korea"`` for South Korea).
    level : int
        0 country, 1 province (시도), 2 municipality (시군구).
    asset : str, optional
        Another table asset with the same ``ADM0_NAME`` field.
    """
    ee = require_ee()
    if level not in (0, 1, 2):
        raise ValueError(f"GAUL has levels 0, 1 and 2, got {level!r}")
    fc = ee.FeatureCollection(asset or GAUL_ASSET.format(level=level))
    return fc.filter(ee.Filter.eq("ADM0_NAME", country))


def feature_collection_from_geodataframe(gdf: gpd.GeoDataFrame,
                                         id_column: str | None = None) -> ee.FeatureCollection:
    """Turn a (small) GeoDataFrame into an ``ee.FeatureCollection`` (sent inline with the graph).

    Use it for the office's own boundaries, e.g. the 250 시군구 of ``korea-admin-2018``; for
    large or detailed layers upload an asset instead (requests are limited to about 10 MB).
    """
    ee = require_ee()
    if gdf.crs is None:
        raise ValueError("the GeoDataFrame has no CRS; set it with gdf.set_crs(...) before sending it "
                         "to Earth Engine")
    g = gdf.to_crs("EPSG:4326")
    if id_column is not None and id_column not in g.columns:
        raise ValueError(f"no column {id_column!r}; columns are {list(g.columns)}")
    return ee.FeatureCollection(json.loads(g.to_json(drop_id=id_column is None)))


def reduce_regions(image: ee.Image, units: ee.FeatureCollection, reducer: ee.Reducer, *, scale: float,
                   crs: str | None = None, tile_scale: float = 1.0) -> ee.FeatureCollection:
    """``image.reduceRegions`` with the scale made explicit (never left to Earth Engine's default).

    Parameters
    ----------
    image : ee.Image
    units : ee.FeatureCollection
        Administrative units (or any zones).
    reducer : ee.Reducer
    scale : float
        Pixel size in metres at which to reduce (10 for Sentinel-2 NDVI, 100 or 1000 for GHSL).
    crs : str, optional
        CRS of the reduction grid; default: the image's.
    tile_scale : float
        Earth Engine memory knob, 1 to 16.
    """
    if not scale or scale <= 0:
        raise ValueError(f"scale must be a positive pixel size in metres, got {scale!r}")
    if not 1 <= tile_scale <= 16:
        raise ValueError(f"tile_scale must be between 1 and 16, got {tile_scale!r}")
    kw: dict[str, Any] = {"collection": units, "reducer": reducer, "scale": scale, "tileScale": tile_scale}
    if crs:
        kw["crs"] = crs
    return image.reduceRegions(**kw)


def export_table(collection: ee.FeatureCollection, description: str, *, folder: str | None = None,
                 file_format: str = "CSV", start: bool = False) -> ee.batch.Task:
    """Create (and optionally start) a Drive export of a FeatureCollection: the way to run nationally."""
    ee = require_ee()
    task = ee.batch.Export.table.toDrive(collection=collection, description=description, folder=folder,
                                         fileFormat=file_format)
    if start:
        task.start()
    return task


def graph(obj: ee.ComputedObject) -> dict[str, Any]:
    """The serialised computation graph of an Earth Engine object, as a dict (offline)."""
    return json.loads(obj.serialize())


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def functions_used(obj: ee.ComputedObject) -> list[str]:
    """Names of the Earth Engine algorithms invoked in a graph, sorted and unique."""
    names = {n["functionName"] for n in _walk(graph(obj))
             if isinstance(n, dict) and "functionName" in n}
    return sorted(names)


def invocations(obj: ee.ComputedObject, name: str) -> list[dict[str, Any]]:
    """Arguments of every call of the algorithm ``name`` in a graph, in graph order (offline)."""
    return [n["arguments"] for n in _walk(graph(obj))
            if isinstance(n, dict) and n.get("functionName") == name]


def constants_used(obj: ee.ComputedObject) -> list[Any]:
    """All constant values in a graph (band names, thresholds, asset ids, ...), in graph order."""
    return [n["constantValue"] for n in _walk(graph(obj)) if isinstance(n, dict) and "constantValue" in n]


@contextlib.contextmanager
def offline() -> Iterator[None]:
    """Build and inspect Earth Engine graphs with no account and no network.

    Inside the block, ``ee`` answers from the static algorithm list that ships with
    ``earthengine-api`` (its own test harness, ``ee.apitestcase``), so graphs can be built,
    serialised and inspected with :func:`functions_used`, :func:`invocations` and
    :func:`constants_used`; anything that asks the server for a result fails. The one offline
    mode of the package: the chapters and the tests use it.

    Examples
    --------
    >>> from statmethods.earthengine import common
    >>> with common.offline():
    ...     import ee
    ...     "Image.normalizedDifference" in common.functions_used(
    ...         ee.Image("COPERNICUS/S2_SR/x").normalizedDifference(["B8", "B4"]))
    True
    """
    from ee import apitestcase

    case = apitestcase.ApiTestCase()
    case.setUp()
    try:
        yield
    finally:
        case.tearDown()
