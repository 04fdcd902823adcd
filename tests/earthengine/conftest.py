"""Earth Engine tests run offline, in the package's one offline mode (``common.offline``)."""

import pytest

from statmethods.earthengine import common


@pytest.fixture(autouse=True)
def offline_ee():
    with common.offline():
        yield
