"""Earth Engine tests run offline: ee.apitestcase stubs the server with a static algorithm list."""

import pytest

ee = pytest.importorskip("ee")
from ee import apitestcase  # noqa: E402


@pytest.fixture(autouse=True)
def offline_ee():
    case = apitestcase.ApiTestCase()
    case.setUp()
    yield
    case.tearDown()
