"""area-accuracy on a user's own file of sample units (renamed columns, one row per unit)."""

from pathlib import Path

EXPECTED_FILES = ["area_estimates.csv", "summary.json"]


def make_inputs(tmp: Path) -> dict:
    from statmethods.data.reference import reference

    ex = reference("olofsson")["olofsson2013_example1"]  # Olofsson et al. (2013), Example 1
    names = ["forest", "cropland", "urban"]
    lines = ["unit_id,mapped,interpreted"]
    for i, row in enumerate(ex["sample_counts"]):
        for j, n in enumerate(row):
            lines += [f"{len(lines):04d},{names[i]},{names[j]}"] * n
    (tmp / "my_sample_units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"sample_file": "my_sample_units.csv", "map_class_column": "mapped",
            "reference_class_column": "interpreted", "class_names": names, "map_area": ex["map_area_px"],
            "n_replicates": 200}
