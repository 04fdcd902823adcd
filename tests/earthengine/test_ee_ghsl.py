"""Earth Engine GHSL graphs (Degree of Urbanisation, SDG 11.3.1), built and serialised offline.

``ee.apitestcase.ApiTestCase`` loads a static algorithm list, so no credentials or network are
needed. The tests read the serialised graphs and check that they use the same thresholds,
connectivity, bands and reducers as the local code in ``statmethods.indicators``.
"""

from __future__ import annotations

import ee
import pytest

from statmethods.earthengine import constants_used, functions_used, invocations  # noqa: E402
from statmethods.earthengine.ghsl import (  # noqa: E402
    BUILT_BAND,
    GHS_BUILT_S,
    GHS_POP,
    MOLLWEIDE,
    POP_BAND,
    degurba_level1,
    degurba_population_by_unit,
    lcrpgr_by_extent,
)
from statmethods.indicators.degurba import DegurbaParameters  # noqa: E402


def _flat(values):
    out = []
    for v in values:
        out.extend(_flat(v) if isinstance(v, list) else [v])
    return out


def test_degurba_graph_uses_the_local_thresholds():
    p = DegurbaParameters()
    img = degurba_level1(2020)
    consts = _flat(constants_used(img))
    for value in (p.centre_density, p.centre_population, p.cluster_density, p.cluster_population,
                  p.built_threshold,
                  p.majority_min):
        assert value in consts, value
    assert f"{GHS_POP}/2020" in consts and f"{GHS_BUILT_S}/2020" in consts
    assert POP_BAND in consts and BUILT_BAND in consts
    fns = functions_used(img)
    for f in ("Image.connectedComponents", "Image.reduceConnectedComponents", "Image.reduceResolution",
              "Image.reduceNeighborhood", "Image.connectedPixelCount", "Reducer.sum"):
        assert f in fns, f


def test_degurba_graph_connectivity_4_for_centres_and_8_for_clusters():
    fns = functions_used(degurba_level1(2020))
    assert "Kernel.plus" in fns and "Kernel.square" in fns  # 4- and 8-connectivity
    assert "Kernel.plus" not in functions_used(degurba_level1(2020, centre_connectivity=8))
    assert "Kernel.square" not in functions_used(degurba_level1(2020, cluster_connectivity=4))


def test_changed_thresholds_reach_the_graph():
    img = degurba_level1(2020, centre_density=1234.0, cluster_population=4321.0, built_criterion=False)
    consts = _flat(constants_used(img))
    assert 1234.0 in consts and 4321.0 in consts and 1500.0 not in consts
    assert BUILT_BAND not in consts or 0.5 not in consts


def test_degurba_grid_is_1km_mollweide_and_reduced_by_unit():
    units = ee.FeatureCollection("FAO/GAUL/2015/level2")
    fc = degurba_population_by_unit(units, 2020)
    rr = invocations(fc, "Image.reduceRegions")
    assert rr and rr[0]["scale"]["constantValue"] == 1000
    consts = _flat(constants_used(fc))
    assert MOLLWEIDE in consts
    assert {"pop_3", "pop_2", "pop_1"} <= set(c for c in consts if isinstance(c, str))


def test_bad_epoch_and_max_size_rejected():
    with pytest.raises(ValueError, match="epochs"):
        degurba_level1(2021)
    with pytest.raises(ValueError, match="1024"):
        degurba_level1(2020, max_size=5000)


def test_lcrpgr_graph_applies_the_un_habitat_formula():
    extents = ee.FeatureCollection("users/example/urban_extents")
    fc = lcrpgr_by_extent(extents, 2000, 2020)
    fns = functions_used(fc)
    assert "Number.log" in fns and "Image.reduceRegions" in fns and "Reducer.sum" in fns
    consts = _flat(constants_used(fc))
    assert 20 in consts  # y = 2020 - 2000 years
    assert f"{GHS_BUILT_S}/2000" in consts and f"{GHS_POP}/2020" in consts
    assert {"lcr", "pgr", "lcrpgr"} <= set(c for c in consts if isinstance(c, str))
    with pytest.raises(ValueError, match="after"):
        lcrpgr_by_extent(extents, 2020, 2000)


def test_korean_builtup_grid_is_ghs_built_s_on_the_national_grid():
    import json

    from statmethods.earthengine.ghsl import builtup_korea_grid

    img = builtup_korea_grid(2020, size=1000)
    text = json.dumps(img.serialize()) if hasattr(img, "serialize") else str(img)
    assert GHS_BUILT_S in text and BUILT_BAND in text
    assert "EPSG:5179" in text and "700000" in text and "2100000" in text
    assert "Reducer.sum" in functions_used(img)
    with pytest.raises(ValueError, match="not a size of the national grid"):
        builtup_korea_grid(2020, size=500)


def test_degurba_graph_follows_the_urban_cluster_convention():
    import json

    ours = json.dumps(degurba_level1(2020).serialize())
    flex = json.dumps(degurba_level1(2020, clusters_from_centres=False).serialize())
    assert ours != flex
