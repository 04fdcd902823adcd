"""Part I methods: SDG indicators from satellite imagery and population grids.

- :mod:`.degurba`: the Degree of Urbanisation (grid cells and local units);
- :mod:`.land_consumption`: SDG 11.3.1, land consumption rate against population growth rate;
- :mod:`.green`: green and open space per urban inhabitant (GHSL non-built land, NDVI green share);
- :mod:`.zonal`: zonal statistics by administrative unit (exactextract).

Every module's public names (its ``__all__``) are re-exported here.
"""

from . import degurba as _degurba
from . import green as _green
from . import land_consumption as _land_consumption
from . import zonal as _zonal
from .degurba import *  # noqa: F403
from .green import *  # noqa: F403
from .land_consumption import *  # noqa: F403
from .zonal import *  # noqa: F403

__all__ = sorted({*_degurba.__all__, *_green.__all__, *_land_consumption.__all__, *_zonal.__all__})
