"""Root pytest configuration: find the data folder so that a plain ``pytest`` works.

Tests read datasets through the checksum-verified cache. With ``STATMETHODS_DATA_DIR`` unset,
``../shared/data`` beside the checkout is used when it holds ``MANIFEST.sha256``; otherwise the
session stops at once and says how to set the folder, instead of trying to download.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SHARED = ROOT.parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if os.environ.get("STATMETHODS_DATA_DIR"):
        return
    if (SHARED / "MANIFEST.sha256").is_file():
        os.environ["STATMETHODS_DATA_DIR"] = str(SHARED)
        return
    if os.environ.get("STATMETHODS_ALLOW_DOWNLOAD") == "1":
        return
    raise pytest.UsageError(
        "no data folder: set STATMETHODS_DATA_DIR to a folder holding the datasets "
        f"(MANIFEST.sha256 at its top), or place them at {SHARED}; "
        "set STATMETHODS_ALLOW_DOWNLOAD=1 to download them from the pinned sources instead")


@pytest.fixture(params=["cpu", "cuda"])
def torch_device(request: pytest.FixtureRequest) -> str:
    """Run one test body on the CPU and, where torch finds a CUDA GPU, on the GPU.

    The CUDA case skips with its reason on a machine without a GPU, so neither path hides the other.
    """
    if request.param == "cuda":
        import torch

        if not torch.cuda.is_available():
            pytest.skip("no CUDA GPU on this machine (the same body runs on the CPU case)")
    return request.param


@pytest.fixture
def korean_book(tmp_path: Path) -> Callable[..., Path]:
    """Build a small Korean-edition Sphinx project with the book's own extensions; returns its HTML folder.

    Call it with the extensions, extra ``conf.py`` lines, the pages (name -> text), the page whose
    catalogue holds the translations, and the translations (English -> Korean).
    """

    def build(extensions: list[str], pages: dict[str, str], translations: dict[str, str], *,
              catalogue_page: str, conf: str = "") -> Path:
        from babel.messages.catalog import Catalog
        from babel.messages.mofile import write_mo
        from sphinx.application import Sphinx

        src = tmp_path / "src"
        (src / "locales" / "ko" / "LC_MESSAGES").mkdir(parents=True)
        (src / "conf.py").write_text(
            f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
            f"extensions = {extensions!r}\n{conf}"
            "language = 'ko'\nlocale_dirs = ['locales']\ngettext_compact = False\n", encoding="utf-8")
        for name, text in pages.items():
            (src / name).write_text(text, encoding="utf-8")
        cat = Catalog(locale="ko")
        for en, ko in translations.items():
            cat.add(en, ko)
        with (src / "locales" / "ko" / "LC_MESSAGES" / f"{catalogue_page}.mo").open("wb") as f:
            write_mo(f, cat)
        app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                     status=None, warning=None, freshenv=True)
        app.build()
        return tmp_path / "html"

    return build
