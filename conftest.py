"""Root pytest configuration: find the data folder so that a plain ``pytest`` works.

Tests read datasets through the checksum-verified cache. With ``STATMETHODS_DATA_DIR`` unset,
``../shared/data`` beside the checkout is used when it holds ``MANIFEST.sha256``; otherwise the
session stops at once and says how to set the folder, instead of trying to download.
"""

from __future__ import annotations

import os
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
