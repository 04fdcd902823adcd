"""autocode-crop-types on a user's own CSV of series: 10 classes with zero-padded codes, 40 dates, cp949."""

from pathlib import Path

EXPECTED_FILES = ["model_comparison.csv", "per_class_accuracy.csv", "area_estimates.csv", "summary.json"]


def make_inputs(tmp: Path) -> dict:
    from statmethods import data

    lines = data.path("ucr-crop/Crop_TRAIN.tsv").read_text().splitlines()
    out, seen = [], {}
    for line in lines:
        label, *values = line.split("\t")
        if int(label) <= 10 and seen.get(label, 0) < 60:
            seen[label] = seen.get(label, 0) + 1
            out.append(",".join([f"{int(label):02d}", *values[:40]]))  # codes "01".."10" keep their zero
    (tmp / "my_ndvi.csv").write_bytes(("\n".join(out) + "\n").encode("cp949"))
    return {"series_file": "my_ndvi.csv", "series_length": 40, "n_folds": 3, "folds_to_run": 2,
            "n_trees": 50, "cnn_epochs": 2, "cnn_channels": 4, "n_reference_per_class": 5,
            "n_replicates": 20, "pixel_area_ha": 0.01}
