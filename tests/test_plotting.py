"""The Hangul font comes from the virtual environment, the same file on every machine."""

from __future__ import annotations

import hashlib
import io
import sysconfig
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from statmethods import plotting  # noqa: E402

# koreanize-matplotlib 0.1.1 (pinned): the regular face the published figures were drawn with.
NANUMGOTHIC_SHA256 = "48a28e97b34fc8e5b157657633670cd1b7de126cfc414da65ce9c3d5bc8be733"
HANGUL = "시군구별 인구밀도 서울 부산 경기 강원 충북 충남 전북 전남 경북 경남 제주"


@pytest.fixture
def restore_rc():
    with matplotlib.rc_context():
        yield


def test_font_file_is_inside_the_environment_site_packages():
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    files = plotting.bundled_font_files()
    assert files[0].name == "NanumGothic.ttf"
    for path in files:
        assert path.is_relative_to(site), path
        assert not str(path).startswith("/usr/share/fonts")
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == NANUMGOTHIC_SHA256


def test_font_has_the_hangul_glyphs_the_chapters_draw():
    font = FT2Font(str(plotting.bundled_font_files()[0]))
    charmap = font.get_charmap()
    missing = sorted({ch for ch in HANGUL if ch != " " and ord(ch) not in charmap})
    assert not missing
    # the whole Hangul syllables block, not just the characters above
    syllables = range(0xAC00, 0xD7A4)
    assert sum(cp in charmap for cp in syllables) / len(syllables) > 0.99


def test_use_cjk_font_resolves_to_the_bundled_file(restore_rc):
    assert plotting.use_cjk_font() == "NanumGothic"
    assert matplotlib.rcParams["font.family"][0] == "NanumGothic"
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    regular = plotting.bundled_font_files()[0]
    assert Path(font_manager.findfont("NanumGothic", fallback_to_default=False)) == regular
    bold = font_manager.FontProperties(family="NanumGothic", weight="bold")
    assert Path(font_manager.findfont(bold)).parent == regular.parent


def test_a_system_copy_of_the_family_is_not_used(restore_rc, tmp_path):
    # a NanumGothic that is not the venv's file, registered first (as a system font would be)
    impostor = tmp_path / "NanumGothic.ttf"
    impostor.write_bytes(plotting.bundled_font_files()[0].read_bytes())
    font_manager.fontManager.addfont(str(impostor))
    font_manager.fontManager.ttflist.insert(0, font_manager.fontManager.ttflist.pop())
    plotting.use_cjk_font()
    assert all(f.fname != str(impostor) for f in font_manager.fontManager.ttflist)
    assert Path(font_manager.findfont("NanumGothic")) == plotting.bundled_font_files()[0]


def _render_warnings(family):
    import warnings

    with matplotlib.rc_context({"font.family": family}), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.set_title(HANGUL, fontsize=8)
        ax.text(0.5, 0.2, "경기", fontweight="bold", ha="center")
        ax.set_axis_off()
        fig.savefig(io.BytesIO(), format="png", dpi=50)
        plt.close(fig)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_hangul_renders_without_missing_glyphs(restore_rc):
    # the check can fail: DejaVu Sans alone has no Hangul
    assert _render_warnings(["DejaVu Sans"])
    plotting.use_cjk_font()
    assert _render_warnings(matplotlib.rcParams["font.family"]) == []


def test_unknown_candidates_are_refused(restore_rc):
    with pytest.raises(plotting.CJKFontMissing, match="NanumGothic"):
        plotting.use_cjk_font(["No Such Font KR"])
