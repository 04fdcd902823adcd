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


BUNDLED = ["Deforestation", "Forest gain", "Stable forest", "Stable non-forest"]


def _class_never_in_the_reference(tmp: Path) -> dict:
    """Interpreters never recorded 'water' (an empty column of the error matrix): still runs."""
    lines = ["id,mapped,interpreted"]
    for mapped, interpreted, n in [("crop", "crop", 40), ("crop", "grass", 5), ("grass", "grass", 30),
                                   ("grass", "crop", 3), ("water", "grass", 4), ("water", "crop", 2)]:
        lines += [f"{len(lines):03d},{mapped},{interpreted}"] * n
    (tmp / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"sample_file": "units.csv", "map_class_column": "mapped", "reference_class_column": "interpreted",
            "class_names": ["crop", "grass", "water"], "map_area": [5000, 4000, 1000], "n_replicates": 100}


EXTRA_RUNS = {"a-class-never-in-the-reference": _class_never_in_the_reference}
