"""area-regression-estimator on a user's own segment and strata CSVs (renamed columns, text codes)."""

from pathlib import Path

EXPECTED_FILES = ["regression_estimates.csv", "county_estimates.csv", "summary.json"]


def make_inputs(tmp: Path) -> dict:
    from statmethods import inputs

    seg = inputs.read_table("sae/cornsoybean.rda", "segments_file")
    means = inputs.read_table("sae/cornsoybeanmeans.rda", "means_file")
    seg = seg.rename(columns={"County": "stratum", "CornHec": "corn_ha", "CornPix": "corn_px",
                              "SoyBeansPix": "soy_px"})
    seg["stratum"] = seg["stratum"].map("{:02d}".format)  # codes with leading zeros
    seg[["stratum", "corn_ha", "corn_px", "soy_px"]].to_csv(tmp / "my_segments.csv", index=False)
    means = means.rename(columns={"CountyIndex": "stratum", "PopnSegments": "N",
                                  "MeanCornPixPerSeg": "corn_px_mean",
                                  "MeanSoyBeansPixPerSeg": "soy_px_mean"})
    means["stratum"] = means["stratum"].map("{:02d}".format)
    means[["stratum", "N", "corn_px_mean", "soy_px_mean"]].to_csv(tmp / "my_strata.csv", index=False)
    return {"segments_file": "my_segments.csv", "means_file": "my_strata.csv", "stratum_column": "stratum",
            "responses": ["corn_ha"], "auxiliaries": ["corn_px", "soy_px"], "means_stratum_column": "stratum",
            "frame_size_column": "N", "mean_columns": ["corn_px_mean", "soy_px_mean"],
            "stratum_name_column": "", "drop_rows": [33], "n_replicates": 20}


BUNDLED = ["Cerro Gordo", "Hamilton", "Worth", "Humboldt", "Franklin", "Pocahontas", "Winnebago", "Webster",
           "Hancock", "Kossuth", "Hardin"]


def _one_stratum(tmp: Path) -> dict:
    """Every segment in one stratum (an unstratified sample): still runs."""
    import numpy as np

    rng = np.random.default_rng(1)
    px = rng.integers(10, 120, 30)
    ha = 0.4 * px + rng.normal(0, 4, 30)
    rows = "\n".join(f"all,{p},{h:.1f}" for p, h in zip(px, ha, strict=True))
    (tmp / "seg.csv").write_text("stratum,px,ha\n" + rows + "\n", encoding="utf-8")
    (tmp / "strata.csv").write_text("stratum,N,px_mean\nall,900,62.5\n", encoding="utf-8")
    return {"segments_file": "seg.csv", "means_file": "strata.csv", "stratum_column": "stratum",
            "responses": ["ha"], "auxiliaries": ["px"], "means_stratum_column": "stratum",
            "frame_size_column": "N", "mean_columns": ["px_mean"], "stratum_name_column": "", "drop_rows": [],
            "n_replicates": 20}


EXTRA_RUNS = {"one-stratum": _one_stratum}
