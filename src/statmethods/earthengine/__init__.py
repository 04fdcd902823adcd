"""Earth Engine backend for the Part I indicators.

The same indicators as :mod:`statmethods.imagery` and :mod:`statmethods.indicators`, written
as Earth Engine computation graphs so that they run at national scale on Google's servers:

- :mod:`.common`: authentication, administrative units, ``reduceRegions``, exports and offline
  graph inspection;
- :mod:`.imagery`: Sentinel-2 cloud masks, NDVI, green share and non-built land per inhabitant;
- :mod:`.ghsl`: the Degree of Urbanisation and SDG 11.3.1 on the GHSL collections.

Importing this package does not import ``ee``; see :mod:`.common` for how to authenticate.
Chapters choose this backend with the parameter ``backend = "earthengine"``. Every module's
public names (its ``__all__``) are re-exported here.
"""

from . import common as _common
from . import ghsl as _ghsl
from . import imagery as _imagery
from .common import *  # noqa: F403
from .ghsl import *  # noqa: F403
from .imagery import *  # noqa: F403

__all__ = sorted({*_common.__all__, *_ghsl.__all__, *_imagery.__all__})
