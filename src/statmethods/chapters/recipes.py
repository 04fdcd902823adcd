"""The machine-readable "Rerun on your own data" section of a chapter.

A chapter's ``## Rerun on your own data`` section holds one ``{code-block} yaml`` with class
``rerun-files`` (the user's files: names, columns, codes, encodings, sizes) and one
``{code-block} bash`` with class ``rerun-commands`` (the exact commands). This module reads both
from the chapter's MyST source and builds the files as the text describes them;
``tests/chapters/test_rerun_recipes.py`` then runs the commands as written, changing only the
output folder. The vocabulary is documented in CONTRIBUTING.md ("Rerun recipes").

Build a chapter's example files by hand::

    python -m statmethods.chapters.recipes area-accuracy my_folder/
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .catalog import ChapterError, get_chapter

SECTION = "## Rerun on your own data"
KINDS = ("table", "raster", "raster_set", "vector", "text", "copy")
_FENCE = re.compile(r"^(`{3,})\{code-block\}\s*(\w+)\s*$")


@dataclass(frozen=True)
class Recipe:
    """A chapter's rerun recipe: the file descriptions and the command script."""

    chapter_id: str
    files: dict[str, dict]
    seed: int
    commands: str

    def run_commands(self, output_root: Path) -> tuple[str, list[Path]]:
        """The script with only the output folder changed: each ``statmethods run`` gets
        ``--output <output_root>/run-N`` (an existing ``--output X`` is replaced)."""
        return rewrite_outputs(self.commands, output_root)


def section_text(source: str) -> str:
    """The text of the ``## Rerun on your own data`` section of a MyST source.

    >>> section_text("# T\\n## Rerun on your own data\\nhello\\n## Exercises\\nx")
    'hello\\n'
    """
    start = source.find(SECTION + "\n")
    if start < 0:
        raise ChapterError(f"no '{SECTION}' section")
    body = source[start + len(SECTION) + 1:]
    end = re.search(r"^## ", body, flags=re.M)
    return body[: end.start()] if end else body


def code_blocks(text: str, cls: str) -> list[tuple[str, str]]:
    """``(language, body)`` of every ``{code-block}`` fence in ``text`` with ``:class: cls``.

    >>> code_blocks("```{code-block} bash\\n:class: rerun-commands\\necho hi\\n```\\n", "rerun-commands")
    [('bash', 'echo hi')]
    """
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i].strip())
        if not m:
            i += 1
            continue
        fence, lang, j, options = m.group(1), m.group(2), i + 1, {}
        while j < len(lines) and lines[j].startswith(":"):
            key, _, value = lines[j][1:].partition(":")
            options[key.strip()] = value.strip()
            j += 1
        k = j
        while k < len(lines) and lines[k].strip() != fence:
            k += 1
        if cls in options.get("class", "").split():
            out.append((lang, "\n".join(lines[j:k]).strip("\n")))
        i = k + 1
    return out


def read_recipe(chapter_id: str, root: Path | None = None) -> Recipe:
    """Read a chapter's recipe from its MyST source (``notebooks/<part>/<id>.md``)."""
    ch = get_chapter(chapter_id, root)
    text = section_text(ch.path.with_suffix(".md").read_text(encoding="utf-8"))
    files = code_blocks(text, "rerun-files")
    cmds = code_blocks(text, "rerun-commands")
    if len(files) != 1 or len(cmds) != 1:
        raise ChapterError(f"{chapter_id}: the Rerun section needs exactly one `rerun-files` yaml block "
                           f"and one `rerun-commands` bash block (found {len(files)} and {len(cmds)})")
    spec = yaml.safe_load(files[0][1]) or {}
    if not isinstance(spec, dict) or set(spec) - {"files", "seed"} or not isinstance(spec.get("files"), dict):
        raise ChapterError(f"{chapter_id}: the rerun-files block must be `files:` (a mapping) and an "
                           "optional `seed:`")
    for name, desc in spec["files"].items():
        if not isinstance(desc, dict) or desc.get("kind") not in KINDS:
            raise ChapterError(f"{chapter_id}: file {name!r} needs `kind:` one of {', '.join(KINDS)}")
    return Recipe(chapter_id, spec["files"], int(spec.get("seed", 0)), cmds[0][1])


def rewrite_outputs(script: str, output_root: Path) -> tuple[str, list[Path]]:
    """Give each ``statmethods run`` command its own ``--output``; nothing else changes.

    >>> s, outs = rewrite_outputs("statmethods run a \\\\\\n  -p x 1\\necho ok", Path("/t"))
    >>> s.splitlines()[0], [str(o) for o in outs]
    ('statmethods run a -p x 1 --output /t/run-1', ['/t/run-1'])
    """
    joined = re.sub(r"\\\n\s*", "", script)
    lines, outs = [], []
    for line in joined.splitlines():
        if line.strip().startswith("statmethods run"):
            out = output_root / f"run-{len(outs) + 1}"
            outs.append(out)
            words = shlex.split(line)
            for flag in ("--output",):
                while flag in words:
                    k = words.index(flag)
                    del words[k:k + 2]
            line = shlex.join(words) if words != shlex.split(line) else line
            line = f"{line} --output {shlex.quote(str(out))}"
        lines.append(line)
    return "\n".join(lines) + "\n", outs


# ---------------------------------------------------------------------------------------------
# Building the files


def _generate(spec: dict, n: int, rng: np.random.Generator, cols: dict[str, pd.Series],
              lists: dict[str, list]) -> tuple[pd.Series, list | None]:
    """One column of ``n`` values from one generator (see CONTRIBUTING.md)."""
    dec = spec.get("decimals")
    values: list | None = None
    if "id" in spec:
        start = int(spec.get("start", 1))
        s = pd.Series([f"{i:0{int(spec['id'])}d}" for i in range(start, start + n)])
    elif "cycle" in spec:
        values = list(spec["cycle"])
        s = pd.Series([values[i % len(values)] for i in range(n)])
    elif "choice" in spec:
        values = list(spec["choice"])
        w = np.asarray(spec["weights"], float) / np.sum(spec["weights"]) if "weights" in spec else None
        s = pd.Series([values[i] for i in rng.choice(len(values), n, p=w)])
    elif "int" in spec:
        lo, hi = spec["int"]
        s = pd.Series(rng.integers(lo, hi + 1, n))
    elif "float" in spec and "per_group" not in spec:
        lo, hi = spec["float"]
        s = pd.Series(rng.uniform(lo, hi, n))
    elif "normal" in spec:
        mu, sd = spec["normal"]
        s = pd.Series(rng.normal(mu, sd, n))
    elif "constant" in spec:
        s = pd.Series([spec["constant"]] * n)
    elif "copy" in spec:
        src, pool = cols[spec["copy"]], lists.get(spec["copy"]) or sorted(set(cols[spec["copy"]]))
        keep = rng.random(n) < float(spec.get("agree", 1.0))
        other = [pool[i] for i in rng.integers(0, len(pool), n)]
        s = pd.Series(np.where(keep, src.to_numpy(object), np.asarray(other, object)))
        values = pool
    elif "linear" in spec:
        x = np.full(n, float(spec.get("intercept", 0.0)))
        for col, coef in spec["linear"].items():
            x = x + float(coef) * pd.to_numeric(cols[col]).to_numpy(float)
        s = pd.Series(x + rng.normal(0, float(spec.get("noise", 0.0)), n))
    elif "text_of" in spec:
        table = {str(k): list(v) for k, v in spec["values"].items()}
        s = pd.Series([table[str(c)][rng.integers(len(table[str(c)]))] for c in cols[spec["text_of"]]])
    elif "format" in spec:
        frame = pd.DataFrame(cols)
        s = pd.Series([spec["format"].format(**row) for row in frame.to_dict("records")])
    elif "per_group" in spec:
        key = cols[spec["per_group"]]
        lo, hi = spec["float"]
        draw = {g: rng.uniform(lo, hi) for g in pd.unique(key)}
        s = key.map(draw).astype(float) + rng.normal(0, float(spec.get("noise", 0.0)), n)
    else:
        raise ChapterError(f"unknown column generator {spec!r}")
    if dec is not None and s.dtype.kind == "f":
        s = s.round(int(dec))
    if spec.get("empty"):
        s = s.astype(object).where(rng.random(n) >= float(spec["empty"]), None)
    return s.reset_index(drop=True), values


def build_table(path: Path, desc: dict, rng: np.random.Generator) -> None:
    """Write a CSV/TSV/Parquet table as described (``kind: table``)."""
    n = int(desc["rows"])
    cols: dict[str, pd.Series] = {}
    lists: dict[str, list] = {}
    for name, spec in (desc.get("columns") or {}).items():
        spec = dict(spec)
        repeat = int(spec.pop("repeat", 0))
        for col in [f"{name}{i}" for i in range(1, repeat + 1)] if repeat else [name]:
            cols[col], values = _generate(spec, n, rng, cols, lists)
            if values is not None:
                lists[col] = values
    frame = pd.DataFrame(cols)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
        return
    sep = desc.get("sep", "\t" if path.suffix in (".tsv", ".txt") else ",")
    text = frame.to_csv(index=False, header=desc.get("header", True), sep=sep,
                        lineterminator="\r\n" if desc.get("newline") == "crlf" else "\n")
    path.write_bytes(text.encode(desc.get("encoding", "utf-8")))


def _grid(desc: dict, built: dict[str, dict]) -> dict:
    base = dict(built[desc["like"]]) if "like" in desc else {}
    base.update({k: desc[k] for k in ("crs", "width", "height", "resolution", "origin") if k in desc})
    return base


def build_raster(path: Path, desc: dict, rng: np.random.Generator, built: dict[str, dict],
                 name: str = "") -> None:
    """Write a GeoTIFF as described (``kind: raster``)."""
    import rasterio
    from rasterio.transform import from_origin

    g = _grid(desc, built)
    built[name or path.name] = g
    bands = int(desc.get("bands", 1))
    gens = desc.get("values", {"constant": 0})
    gens = gens if isinstance(gens, list) else [gens] * bands
    n = int(g["width"]) * int(g["height"])
    profile = {"driver": "GTiff", "width": g["width"], "height": g["height"], "count": bands,
               "dtype": desc.get("dtype", "float32"), "crs": g["crs"],
               "transform": from_origin(*g["origin"], g["resolution"], g["resolution"])}
    if "nodata" in desc:
        profile["nodata"] = desc["nodata"]
    with rasterio.open(path, "w", **profile) as dst:
        for b, spec in enumerate(gens, 1):
            values, _ = _generate(dict(spec), n, rng, {}, {})
            dst.write(values.to_numpy().astype(profile["dtype"]).reshape(g["height"], g["width"]), b)


def build_raster_set(folder: Path, desc: dict, rng: np.random.Generator, base: Path) -> None:
    """One GeoTIFF per id of a table built before (``kind: raster_set``), e.g. image patches.

    ``ids: {table: cells.csv, column: cell}`` names the ids; ``name: "{id}_summer.tif"`` the
    files; the patches lie side by side on a grid with ``spacing`` map units between origins
    (``columns`` per row), each with the raster keys ``crs``, ``width``, ``height``,
    ``resolution``, ``dtype``, ``bands`` and ``values``.
    """
    ids = pd.read_csv(base / desc["ids"]["table"], dtype=str,
                      encoding=desc["ids"].get("encoding", "utf-8"))[desc["ids"]["column"]]
    folder.mkdir(parents=True, exist_ok=True)
    x0, y0 = desc["origin"]
    spacing, per_row = float(desc["spacing"]), int(desc.get("columns", 10))
    for i, cid in enumerate(ids):
        one = {**desc, "origin": [x0 + (i % per_row) * spacing, y0 - (i // per_row) * spacing]}
        build_raster(folder / desc["name"].format(id=cid), one, rng, {})


def build_vector(path: Path, desc: dict, rng: np.random.Generator, built: dict[str, dict]) -> None:
    """Write rectangles tiling an extent, with generated fields (``kind: vector``)."""
    import geopandas as gpd
    from shapely.geometry import box

    if "like" in desc:
        g = built[desc["like"]]
        x0, y1 = g["origin"]
        minx, miny, maxx, maxy = x0, y1 - g["height"] * g["resolution"], x0 + g["width"] * g["resolution"], y1
        crs = desc.get("crs", g["crs"])
    else:
        minx, miny, maxx, maxy = desc["bounds"]
        crs = desc["crs"]
    rows, ncols = desc.get("grid", [1, 1])
    dx, dy = (maxx - minx) / ncols, (maxy - miny) / rows
    geoms = [box(minx + c * dx, maxy - (r + 1) * dy, minx + (c + 1) * dx, maxy - r * dy)
             for r in range(rows) for c in range(ncols)]
    cols: dict[str, pd.Series] = {}
    lists: dict[str, list] = {}
    for name, spec in (desc.get("fields") or {}).items():
        cols[name], values = _generate(dict(spec), len(geoms), rng, cols, lists)
        if values is not None:
            lists[name] = values
    frame = gpd.GeoDataFrame(pd.DataFrame(cols), geometry=geoms, crs=crs)
    kw = {"layer": desc["layer"]} if "layer" in desc else {}
    frame.to_file(path, **kw)


def build_copy(path: Path, desc: dict) -> None:
    """Copy a catalogue file or folder, optionally a pixel window or renamed columns."""
    import shutil

    from .. import data

    src = data.path(desc["from"])
    if src.is_dir():
        shutil.copytree(src, path)
    elif "window" in desc:
        import rioxarray

        grid = rioxarray.open_rasterio(src)
        (x0, x1), (y0, y1) = desc["window"]["x"], desc["window"]["y"]
        grid.isel(x=slice(x0, x1), y=slice(y0, y1)).rio.to_raster(path)
    elif "rename" in desc:
        from .. import inputs

        if src.suffix == ".csv":  # a CSV is copied cell by cell, as written
            table = pd.read_csv(src, dtype=str, keep_default_na=False)
        else:
            table = inputs.read_table(desc["from"], "from")
        table.rename(columns=desc["rename"]).to_csv(path, index=False)
    else:
        shutil.copyfile(src, path)


def build_files(recipe: Recipe, folder: Path) -> list[Path]:
    """Build every file of ``recipe`` in ``folder`` (created if needed); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(recipe.seed)
    built: dict[str, dict] = {}
    paths = []
    for name, desc in recipe.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        kind = desc["kind"]
        if kind == "table":
            build_table(path, desc, rng)
        elif kind == "raster":
            build_raster(path, desc, rng, built, name)
        elif kind == "vector":
            build_vector(path, desc, rng, built)
        elif kind == "raster_set":
            build_raster_set(path, desc, rng, folder)
        elif kind == "text":
            path.write_bytes(str(desc["content"]).encode(desc.get("encoding", "utf-8")))
        else:
            build_copy(path, desc)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """``python -m statmethods.chapters.recipes CHAPTER FOLDER``: build the example files."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m statmethods.chapters.recipes CHAPTER FOLDER", file=sys.stderr)
        return 2
    recipe = read_recipe(args[0])
    for p in build_files(recipe, Path(args[1])):
        print(p)
    print(recipe.commands)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
