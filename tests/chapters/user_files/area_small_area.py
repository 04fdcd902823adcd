"""area-small-area on a user's own area-level and unit-level CSVs (renamed columns, variances given)."""

from pathlib import Path

EXPECTED_FILES = ["fh_estimates.csv", "bhf_estimates.csv", "summary.json"]


def make_inputs(tmp: Path) -> dict:
    from statmethods import inputs

    milk = inputs.read_table("sae/milk.rda", "fh_file")
    areas = milk.rename(columns={"SmallArea": "area", "yi": "direct", "MajorArea": "region"})
    areas["area"] = areas["area"].map("{:03d}".format)
    areas["var_direct"] = milk["SD"] ** 2
    areas[["area", "direct", "var_direct", "region"]].to_csv(tmp / "my_areas.csv", index=False)
    seg = inputs.read_table("sae/cornsoybean.rda", "bhf_file")
    seg.rename(columns={"County": "county", "SoyBeansHec": "soy_ha", "CornPix": "corn_px",
                        "SoyBeansPix": "soy_px"})[["county", "soy_ha", "corn_px", "soy_px"]].to_csv(
        tmp / "my_segments.csv", index=False)
    means = inputs.read_table("sae/cornsoybeanmeans.rda", "bhf_means_file")
    means = means.rename(columns={"CountyIndex": "county", "PopnSegments": "units",
                                  "MeanCornPixPerSeg": "corn_mean", "MeanSoyBeansPixPerSeg": "soy_mean"})
    means[["county", "units", "corn_mean", "soy_mean"]].to_csv(tmp / "my_county_means.csv", index=False)
    return {"fh_file": "my_areas.csv", "fh_formula": "direct ~ C(region)", "fh_vardir_column": "var_direct",
            "fh_vardir_kind": "variance", "fh_area_column": "area",
            "bhf_file": "my_segments.csv", "bhf_means_file": "my_county_means.csv",
            "bhf_area_column": "county",
            "bhf_responses": ["soy_ha"], "bhf_covariates": ["corn_px", "soy_px"],
            "bhf_means_area_column": "county", "bhf_mean_columns": ["corn_mean", "soy_mean"],
            "bhf_size_column": "units", "bhf_name_column": "", "drop_rows": [], "n_replicates": 20}


BUNDLED = ["Cerro Gordo", "Hamilton", "Worth", "Humboldt", "Franklin", "Pocahontas", "Winnebago", "Webster",
           "Hancock", "Kossuth", "Hardin"]
