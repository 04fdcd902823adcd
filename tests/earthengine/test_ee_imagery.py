"""Earth Engine imagery graphs, built and serialised offline with earthengine-api's test harness.

``ee.apitestcase.ApiTestCase`` initialises the client library from a static copy of the
algorithm list, so graphs can be built and serialised without credentials or network. The
tests read the serialised graph and check that it uses the same collections, bands, class
codes, bits, thresholds, scale and reducers as the local backend.
"""

from __future__ import annotations

import ee
import pytest

from statmethods.earthengine import (  # noqa: E402
    S2_CLOUD_PROBABILITY,
    S2_SR_HARMONIZED,
    admin_units,
    constants_used,
    ee_band,
    functions_used,
    graph,
    invocations,
    ndvi_by_unit,
    reduce_regions,
    sentinel2_collection,
    spectral_index_image,
)
from statmethods.imagery import (  # noqa: E402
    INDEX_BANDS,
    QA60_CIRRUS_BIT,
    QA60_CLOUD_BIT,
    REFLECTANCE_SCALING,
    S2CLOUDLESS_THRESHOLD,
    SCL_CLOUD_CLASSES,
    SCL_NODATA_CLASSES,
    SENSOR_BANDS,
)
from statmethods.indicators import GREEN_NDVI_THRESHOLD  # noqa: E402


def _korea_ndvi(**kw):
    return ndvi_by_unit(admin_units("Republic of Korea", level=2), "2023-06-01", "2023-09-01", **kw)


def test_ee_band_names_follow_the_local_roles():
    assert ee_band("nir") == "B8" and ee_band("red") == "B4" and ee_band("B8A") == "B8A"
    for role, local in SENSOR_BANDS["sentinel2"].items():
        assert ee_band(role) == "B" + local[1:].lstrip("0")
    with pytest.raises(ValueError, match="neither"):
        ee_band("B13")


def test_ndvi_graph_uses_local_bands_and_masks_zero_denominator():
    img = spectral_index_image(ee.Image(S2_SR_HARMONIZED + "/20230601T021701_20230601T022255_T52SCG"))
    selected = [a["bandSelectors"]["constantValue"] for a in invocations(img, "Image.select")]
    a, b = INDEX_BANDS["ndvi"]
    assert selected == [[ee_band(a)], [ee_band(b)]] or selected == [[ee_band(b)], [ee_band(a)]]
    assert {"Image.subtract", "Image.add", "Image.divide", "Image.neq", "Image.updateMask"} <= set(
        functions_used(img))
    assert "Image.normalizedDifference" not in functions_used(img)


@pytest.mark.parametrize("index", sorted(INDEX_BANDS))
def test_every_local_index_has_the_same_bands_on_earth_engine(index):
    img = spectral_index_image(ee.Image("x"), index)
    selected = {a["bandSelectors"]["constantValue"][0] for a in invocations(img, "Image.select")}
    assert selected == {ee_band(r) for r in INDEX_BANDS[index]}


def test_scl_graph_masks_the_local_cloud_and_nodata_classes():
    fc = _korea_ndvi(cloud_mask="scl")
    (remap,) = invocations(fc, "Image.remap")
    assert sorted(remap["from"]["constantValue"]) == sorted(SCL_CLOUD_CLASSES + SCL_NODATA_CLASSES)
    assert set(remap["to"]["constantValue"]) == {0} and remap["defaultValue"]["constantValue"] == 1
    assert S2_SR_HARMONIZED in constants_used(fc)


def test_qa60_graph_uses_the_local_bits():
    fc = _korea_ndvi(cloud_mask="qa60")
    (band,) = invocations(fc, "Image.bitwiseAnd")
    bits = (1 << QA60_CLOUD_BIT) | (1 << QA60_CIRRUS_BIT)
    assert bits in constants_used(fc) and bits == 3072
    assert "QA60" in str(band)


def test_s2cloudless_graph_joins_probability_and_uses_local_threshold():
    fc = _korea_ndvi(cloud_mask="s2cloudless")
    assert S2_CLOUD_PROBABILITY in constants_used(fc)
    (lte,) = invocations(fc, "Image.lte")
    assert S2CLOUDLESS_THRESHOLD * 100 in constants_used(fc)
    assert "Join.saveFirst" in functions_used(fc) and lte


def test_reflectance_scale_and_green_threshold_match_local_constants():
    fc = _korea_ndvi(threshold=GREEN_NDVI_THRESHOLD)
    consts = constants_used(fc)
    assert REFLECTANCE_SCALING["sentinel2_l2a"][0] in consts
    (gte,) = invocations(fc, "Image.gte")
    assert GREEN_NDVI_THRESHOLD in consts and gte
    other = _korea_ndvi(threshold=0.3)
    assert 0.3 in constants_used(other) and GREEN_NDVI_THRESHOLD not in constants_used(other)


def test_reduce_regions_uses_mean_and_count_over_gaul_korea_at_10m():
    fc = _korea_ndvi()
    (rr,) = invocations(fc, "Image.reduceRegions")
    assert rr["scale"]["constantValue"] == 10
    assert {"Reducer.mean", "Reducer.count", "Reducer.combine", "reduce.median"} <= set(functions_used(fc))
    consts = constants_used(fc)
    assert "FAO/GAUL/2015/level2" in consts and "Republic of Korea" in consts
    assert "2023-06-01" in consts and "2023-09-01" in consts


def test_bad_backend_arguments_are_refused_before_any_request():
    units = admin_units()
    with pytest.raises(ValueError, match="cloud_mask must be one of"):
        sentinel2_collection(units, "2023-06-01", "2023-09-01", cloud_mask="fmask")
    with pytest.raises(ValueError, match="scale must be a positive"):
        reduce_regions(ee.Image(1), units, ee.Reducer.mean(), scale=0)
    with pytest.raises(ValueError, match="GAUL has levels"):
        admin_units(level=3)


def test_nonbuilt_land_graph_sums_ghsl_over_urban_centre_cells_at_1km():
    from statmethods.earthengine import nonbuilt_land_by_unit
    from statmethods.indicators.degurba import DegurbaParameters

    fc = nonbuilt_land_by_unit(admin_units(), 2020)
    consts = constants_used(fc)
    assert "JRC/GHSL/P2023A/GHS_POP/2020" in consts and "JRC/GHSL/P2023A/GHS_BUILT_S/2020" in consts
    p = DegurbaParameters()
    assert p.centre_density in consts and p.centre_population in consts  # the same urban-centre thresholds
    (rr,) = invocations(fc, "Image.reduceRegions")
    assert rr["scale"]["constantValue"] == 1000 and "crs" in rr and "ESRI:54009" in consts
    assert "Reducer.sum" in functions_used(fc) and "Reducer.mean" not in functions_used(fc)
    # built-up is capped at the land surface, as in the local code, and centres are class 3
    assert "Image.min" in functions_used(fc)
    values = graph(fc)["values"]

    def resolve(node):
        return resolve(values[node["valueReference"]]) if "valueReference" in node else node

    def fn(node):
        return resolve(node).get("functionInvocationValue", {}).get("functionName")

    centre_tests = [resolve(resolve(a["image2"])["functionInvocationValue"]["arguments"]["value"])
                    for a in invocations(fc, "Image.eq") if fn(a["image1"]) == "Image.toByte"]
    assert centre_tests == [{"constantValue": 3}]
    dense = nonbuilt_land_by_unit(admin_units(), 2020, centre_density=2000.0)
    assert 2000.0 in constants_used(dense) and p.centre_density not in constants_used(dense)
