"""Report-ready figures: CJK fonts, the house style, region colours and one export helper.

Every plotting function in :mod:`analysis.plots` calls :func:`setup` and returns a
matplotlib Figure; :func:`save` writes it as PNG (300 dpi), SVG (editable text)
and PDF (embedded TrueType), byte-for-byte reproducible, and records it in
``figures/index.csv``.
"""

from __future__ import annotations

import csv
import os
import re
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

STYLE = Path(__file__).with_name("house.mplstyle")
#: System CJK font families preferred over the bundled one, in order.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "SimHei",
)  # fmt: skip
FORMATS = ("png", "svg", "pdf")
INDEX_COLUMNS = ("file", "name", "title", "caption", "source", "data")

#: Fixed colours for the seed regions; other regions get a stable colour from their name.
REGION_COLORS = {
    "重庆": "#c0392b", "固原": "#d68910", "绵阳": "#27ae60", "北京": "#2e86c1", "四川": "#7d3c98",
    "中央": "#424949",
}  # fmt: skip
REGION_COLORS.update({"Chongqing": REGION_COLORS["重庆"], "Guyuan": REGION_COLORS["固原"], "Mianyang": REGION_COLORS["绵阳"],
                      "Beijing": REGION_COLORS["北京"], "Sichuan": REGION_COLORS["四川"]})  # fmt: skip
_PALETTE = ("#17a589", "#a04000", "#5b2c6f", "#1f618d", "#b7950b", "#943126", "#196f3d", "#6c3483",
            "#2874a6", "#9a7d0a", "#7b241c", "#117864", "#515a5a", "#af601a", "#1a5276")  # fmt: skip


class CJKFontError(RuntimeError):
    """No font with Chinese glyphs could be found."""


def _covers_chinese(path: str) -> bool:
    try:
        from matplotlib.ft2font import FT2Font

        cmap = FT2Font(path).get_charmap()
    except Exception:  # unreadable font file
        return False
    return all(ord(c) in cmap for c in "共青团工作要点")


def _system_families() -> dict[str, str]:
    """Family name → file of installed fonts (every face of a collection; Regular files first)."""
    from fontTools.ttLib import TTCollection

    paths = sorted(font_manager.findSystemFonts(), key=lambda p: ("Regular" not in Path(p).name, p))
    out: dict[str, str] = {}
    for path in paths:
        if "Bold" in Path(path).name or "Light" in Path(path).name:
            continue
        try:
            if path.lower().endswith((".ttc", ".otc")):
                names = [f["name"].getDebugName(1) for f in TTCollection(path, lazy=True).fonts]
            else:
                names = [font_manager.FontProperties(fname=path).get_name()]
        except Exception:  # unreadable font file
            continue
        for name in names:
            if name:
                out.setdefault(name, path)
    return out


def find_cjk_font(prefer_system: bool = True) -> Path:
    """Path of a font file with Chinese glyphs.

    An installed system font from :data:`SYSTEM_CJK_FAMILIES` is preferred;
    otherwise Noto Sans CJK SC from the ``mplfonts`` package (a dependency).

    Raises
    ------
    CJKFontError
        With instructions, if neither is available.
    """
    if prefer_system:
        by_family = _system_families()
        for fam in SYSTEM_CJK_FAMILIES:
            if fam in by_family:
                return Path(by_family[fam])
    try:
        import mplfonts

        path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
        if path.is_file() and _covers_chinese(str(path)):
            return path
    except ImportError:
        pass
    raise CJKFontError(
        "No font with Chinese glyphs found. Install the project's dependencies "
        "(`pip install mplfonts`, which ships Noto Sans CJK SC) or a system font "
        "(Debian/Ubuntu: `apt-get install fonts-noto-cjk`)."
    )


_STATE: dict[str, str] = {}


def setup(prefer_system: bool | None = None) -> str:
    """Apply the house style and register a CJK font; return the font family name.

    Idempotent: calling it again re-applies the style (cheap) without re-registering the
    font. An installed system CJK font (:data:`SYSTEM_CJK_FAMILIES`) is preferred when there
    is one; otherwise Noto Sans CJK SC from the ``mplfonts`` package, so a fresh machine needs
    no system fonts. ``prefer_system=False`` (or the environment variable
    ``ANALYSIS_BUNDLED_FONT=1``) always uses the bundled font, so that figures are
    byte-identical across machines. The chosen font is converted to TrueType once and cached
    (see :mod:`analysis.fonts`), so PDFs embed a proper TrueType font.

    Examples
    --------
    >>> from analysis import figures
    >>> figures.setup()
    'Noto Sans CJK SC'
    """
    if prefer_system is None:
        prefer_system = os.environ.get("ANALYSIS_BUNDLED_FONT", "") not in ("1", "true", "yes")
    key = f"font:{prefer_system}"
    if key not in _STATE:
        from .fonts import truetype_copy

        path = truetype_copy(find_cjk_font(prefer_system=prefer_system))
        font_manager.fontManager.addfont(str(path))
        _STATE[key] = font_manager.FontProperties(fname=str(path)).get_name()
    family = _STATE[key]
    plt.style.use(str(STYLE))
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return family


def region_color(region: str) -> str:
    """Fixed colour of a region, the same in every figure.

    >>> region_color("重庆")
    '#c0392b'
    >>> region_color("某市") == region_color("某市")
    True
    """
    region = region.split(" ")[0] if region else region  # "重庆 Chongqing" → 重庆
    if region in REGION_COLORS:
        return REGION_COLORS[region]
    return _PALETTE[zlib.crc32(region.encode("utf-8")) % len(_PALETTE)]


def region_colors(regions: Iterable[str]) -> list[str]:
    return [region_color(r) for r in regions]


LABEL_STYLES = ("zh", "zh+pinyin", "pinyin")


def label_regions(corpus, style: str = "zh"):
    """A copy of ``corpus`` whose ``documents.region`` reads in the chosen label style.

    ``"zh"`` (重庆), ``"zh+pinyin"`` (重庆 Chongqing) or ``"pinyin"`` (Chongqing), using the
    ``region_pinyin`` column (from the manifest); regions without pinyin keep their Chinese
    name, and plans whose region is unknown show their doc_id. Colours stay the same, since :func:`region_color` reads the Chinese part.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> label_regions(load_corpus(), "zh+pinyin").documents.region.tolist()[:2]  # doctest: +SKIP
    ['北京 Beijing', '重庆 Chongqing']
    """
    if style not in LABEL_STYLES:
        raise ValueError(f"style must be one of {LABEL_STYLES}")
    import pandas as pd

    docs = corpus.documents
    missing = docs["region"].isna() | (docs["region"].astype(str).str.strip() == "") if len(docs) else []
    if style == "zh" and not any(missing):
        return corpus
    out = corpus.subset(corpus.doc_ids)
    docs = out.documents.copy()
    pinyin = docs["region_pinyin"] if "region_pinyin" in docs else pd.Series([None] * len(docs))
    labels = []
    for doc_id, zh, py in zip(docs.doc_id, docs.region, pinyin):
        if zh is None or pd.isna(zh) or not str(zh).strip():
            labels.append(doc_id)  # unknown region: the plan's id, visibly not a place
        elif style == "zh" or py is None or pd.isna(py) or not str(py).strip():
            labels.append(zh)
        else:
            labels.append(f"{zh} {py}" if style == "zh+pinyin" else str(py))
    docs["region"] = labels
    out.documents = docs
    return out


def default_outdir() -> Path:
    from .corpus import project_root

    return Path(os.environ.get("ANALYSIS_FIGURES_DIR", project_root() / "figures"))


def save(
    fig: Figure,
    name: str,
    outdir: str | Path | None = None,
    *,
    title: str | None = None,
    caption: str = "",
    source: str = "",
    data: str = "",
    formats: Sequence[str] = FORMATS,
    close: bool = False,
) -> list[Path]:
    """Export a figure as PNG (300 dpi), SVG (editable text) and PDF (TrueType), reproducibly.

    Parameters
    ----------
    fig : Figure
    name : str
        File stem, e.g. ``"keyness_chongqing"``.
    outdir : path, optional
        Default ``figures/`` of the project (or ``$ANALYSIS_FIGURES_DIR``).
    title, caption, source, data : str
        Recorded in ``<outdir>/index.csv`` (one row per file, replaced on re-save).
    formats : sequence of str
        Any of ``"png"``, ``"svg"``, ``"pdf"``.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, tempfile
    >>> fig, ax = plt.subplots(); _ = ax.set_title("共青团")
    >>> [p.suffix for p in save(fig, "demo", tempfile.mkdtemp())]
    ['.png', '.svg', '.pdf']
    """
    out = Path(outdir) if outdir is not None else default_outdir()
    name = safe_name(name)
    out.mkdir(parents=True, exist_ok=True)
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    }
    written = []
    with plt.rc_context({"svg.hashsalt": "policy-text-analysis", "svg.fonttype": "none", "pdf.fonttype": 42}):
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=300 if fmt == "png" else None, metadata=metadata[fmt])
            written.append(path)
    if title is None:
        suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
        title = suptitle or (fig.axes[0].get_title(loc="left") or fig.axes[0].get_title() if fig.axes else "")
    _update_index(out, name, [p.name for p in written], title or name, caption, source, data)
    if close:
        plt.close(fig)
    return written


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
FIGURE_SUFFIXES = (".png", ".svg", ".pdf", ".html")


def safe_name(name: str, max_length: int = 120) -> str:
    """A file stem that cannot leave its folder: no separators, ``..``, NUL or control characters.

    Separators and reserved characters become ``_``; leading dots are dropped; the length is
    bounded. The result is never empty.

    >>> safe_name("../../etc/passwd"), safe_name("01_keyness_重庆"), safe_name("a/b:c")
    ('etc_passwd', '01_keyness_重庆', 'a_b_c')
    """
    stem = _UNSAFE.sub("_", str(name)).replace("..", "_")
    stem = re.sub(r"_+", "_", stem).strip("._ ")
    return stem[:max_length] or "figure"


def clear(outdir: str | Path | None = None) -> list[Path]:
    """Delete the figures listed in ``<outdir>/index.csv`` (and the index itself).

    Only files the export helper wrote are touched, so a fresh run of the suite leaves no
    figure from an earlier selection behind.
    """
    out = Path(outdir) if outdir is not None else default_outdir()
    index = out / "index.csv"
    removed: list[Path] = []
    if not index.is_file():
        return removed
    with index.open(encoding="utf-8", newline="") as fh:
        names = {r["file"] for r in csv.DictReader(fh)}
    for name in sorted(names):
        path = out / name
        # only figures this helper wrote: a plain file name, inside the folder, of a figure format
        if (
            name == Path(name).name
            and safe_name(Path(name).stem) == Path(name).stem
            and path.suffix in FIGURE_SUFFIXES
            and path.is_file()
            and not path.is_symlink()
            and path.resolve().parent == out.resolve()
        ):
            path.unlink()
            removed.append(path)
    index.unlink()
    return removed


def _update_index(
    out: Path, name: str, files: list[str], title: str, caption: str, source: str, data: str
) -> None:
    index = out / "index.csv"
    rows: list[dict] = []
    if index.is_file():
        with index.open(encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r.get("name") != name]
    rows += [
        {"file": f, "name": name, "title": title, "caption": caption, "source": source, "data": data}
        for f in files
    ]
    rows.sort(key=lambda r: r["file"])
    with index.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=INDEX_COLUMNS)
        w.writeheader()
        w.writerows(rows)
