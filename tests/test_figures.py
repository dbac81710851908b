"""Fonts, house style, deterministic export and the figures index."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import figures
from analysis.fonts import is_cff


def _fig():
    figures.setup()
    fig, ax = plt.subplots()
    ax.bar(["重庆", "北京", "固原"], [3, -1, 2], color=figures.region_colors(["重庆", "北京", "固原"]))
    ax.set_title("共青团工作要点：测试")
    return fig


def test_setup_is_idempotent_and_uses_a_cjk_font():
    a = figures.setup()
    b = figures.setup()
    assert a == b
    assert plt.rcParams["font.sans-serif"][0] == a
    assert plt.rcParams["axes.unicode_minus"] is False


def test_chinese_renders_without_missing_glyph_warnings(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures.save(_fig(), "glyphs", tmp_path)
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_save_writes_three_formats_with_editable_svg_and_truetype_pdf(tmp_path):
    paths = figures.save(_fig(), "demo", tmp_path, caption="说明", source="test", data="none")
    assert [p.name for p in paths] == ["demo.png", "demo.svg", "demo.pdf"]
    svg = (tmp_path / "demo.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "共青团工作要点" in svg  # text stays text
    pdf = (tmp_path / "demo.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/CIDFontType2" in pdf  # embedded TrueType
    from PIL import Image

    with Image.open(tmp_path / "demo.png") as im:
        assert round(im.info["dpi"][0]) == 300


def test_embedded_font_is_truetype_not_cff():
    path = plt.rcParams["font.sans-serif"][0]
    from matplotlib import font_manager

    font_file = font_manager.findfont(path)
    assert not is_cff(font_file)


def test_same_figure_gives_same_bytes(tmp_path):
    a = figures.save(_fig(), "a", tmp_path / "1")
    b = figures.save(_fig(), "a", tmp_path / "2")
    for x, y in zip(a, b):
        assert hashlib.sha256(x.read_bytes()).digest() == hashlib.sha256(y.read_bytes()).digest(), x.name


def test_same_bytes_across_processes(tmp_path):
    code = (
        "import matplotlib.pyplot as plt; from analysis import figures; figures.setup();"
        "fig, ax = plt.subplots(); ax.plot([1, 2], [3, 1]); ax.set_title('固原');"
        f"figures.save(fig, 'p', r'{tmp_path}/' + __import__('sys').argv[1])"
    )
    for run in ("x", "y"):
        subprocess.run([sys.executable, "-c", code, run], check=True)
    for ext in ("png", "svg", "pdf"):
        assert (tmp_path / "x" / f"p.{ext}").read_bytes() == (tmp_path / "y" / f"p.{ext}").read_bytes(), ext


def test_index_is_updated_not_duplicated(tmp_path):
    figures.save(_fig(), "one", tmp_path, caption="first")
    figures.save(_fig(), "two", tmp_path)
    figures.save(_fig(), "one", tmp_path, caption="again")
    with (tmp_path / "index.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    assert {r["caption"] for r in rows if r["name"] == "one"} == {"again"}
    assert {r["title"] for r in rows} == {"共青团工作要点：测试"}


def test_region_colours_are_fixed_and_distinct_for_seeds():
    seeds = ["重庆", "固原", "绵阳", "北京", "四川"]
    assert len(set(figures.region_colors(seeds))) == 5
    assert figures.region_color("某县") == figures.region_color("某县")


def test_clear_removes_only_indexed_files(tmp_path):
    figures.save(_fig(), "one", tmp_path)
    (tmp_path / "mine.txt").write_text("keep me")
    removed = figures.clear(tmp_path)
    assert sorted(p.name for p in removed) == ["one.pdf", "one.png", "one.svg"]
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_bilingual_labels_keep_colours_and_keys(seeds):
    zh = figures.region_labels(seeds, "zh")
    both = figures.region_labels(seeds, "zh+pinyin")
    py = figures.region_labels(seeds, "pinyin")
    assert both.text("重庆") == "重庆 Chongqing" and py.text("chongqing_2023") == "Chongqing"
    for d in seeds.doc_ids:
        region = seeds.documents.set_index("doc_id").region[d]
        assert zh.color(d) == both.color(d) == py.color(d) == figures.region_color(region)
    assert "region" in seeds.documents and "Chongqing" not in set(seeds.documents.region)  # keys untouched


def test_region_colours_follow_the_key_not_the_label(tmp_path):
    """A region outside the built-in palette, labelled in pinyin: the drawn colour is the key's."""
    from analysis.plots import plot_top_terms

    freq = pd.DataFrame({"region": ["成都", "成都", "某县"], "term": ["青年", "志愿", "青年"],
                         "per_10k": [3.0, 2.0, 1.0], "rank": [1, 2, 1]})  # fmt: skip
    labels = figures.Labels({"成都": "Chengdu", "某县": "Mou County"})
    fig = plot_top_terms(freq, by="region", labels=labels)
    titles = {ax.get_title(loc="left"): ax for ax in fig.axes if ax.get_visible()}
    assert set(titles) == {"Chengdu", "Mou County"}
    from matplotlib.colors import to_hex

    assert to_hex(titles["Chengdu"]._left_title.get_color()) == figures.region_color("成都")
    assert to_hex(titles["Chengdu"].patches[0].get_facecolor()) == figures.region_color("成都")
    assert figures.region_color("成都") != figures.region_color("Chengdu")  # a label would colour differently


def test_bundled_font_and_truetype_passthrough():
    from pathlib import Path

    import matplotlib

    from analysis.fonts import truetype_copy

    bundled = figures.find_cjk_font(prefer_system=False)
    assert bundled.name == "NotoSansCJKsc-Regular.otf" and is_cff(bundled)
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    assert truetype_copy(dejavu) == dejavu  # already TrueType: used as is
    converted = truetype_copy(bundled)
    assert not is_cff(converted) and converted.suffix == ".ttf"


def test_system_collection_face_is_simplified_chinese():
    from analysis.fonts import _pick_face, truetype_copy

    families = figures._system_families()
    ttc = [p for f, p in families.items() if f in figures.SYSTEM_CJK_FAMILIES and p.endswith(".ttc")]
    if not ttc:
        pytest.skip("no system CJK font collection installed")
    from fontTools.ttLib import TTCollection

    face = _pick_face(ttc[0])
    name = TTCollection(ttc[0], lazy=True).fonts[face]["name"].getDebugName(1)
    assert name.endswith(("SC", "CN", "GB")) or face == 0
    assert not is_cff(truetype_copy(ttc[0]))
