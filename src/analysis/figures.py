"""Report-ready figures: CJK fonts, the house style, region colours and one export helper.

Every plotting function in :mod:`analysis.plots` calls :func:`setup` and returns a
matplotlib Figure; :func:`save` writes it as PNG (300 dpi), SVG (editable text)
and PDF (embedded TrueType), byte-for-byte reproducible, and records it in
``figures/index.csv``.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import unicodedata
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
#: ``sha256`` is the hash of the file as :func:`save` wrote it: :func:`clear` deletes a file only
#: when it still has that hash, so an ``index.csv`` the tool did not write deletes nothing.
INDEX_COLUMNS = ("file", "name", "title", "caption", "source", "data", "sha256")

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


class Labels(dict):
    """Display labels for region keys and doc_ids, apart from the keys themselves.

    A ``dict`` (``key → label``) that every plotting function takes as ``labels=``; a key
    without a label shows as itself. :meth:`color` gives the colour of the key's region
    (see :func:`region_color`), so colours do not change with the label style. Build one
    with :func:`region_labels`.

    Examples
    --------
    >>> lab = Labels({"重庆": "Chongqing", "chongqing_2023": "Chongqing"}, regions={"chongqing_2023": "重庆"})
    >>> lab.text("chongqing_2023"), lab.text("成都")
    ('Chongqing', '成都')
    >>> lab.color("chongqing_2023") == lab.color("重庆") == region_color("重庆")
    True
    """

    def __init__(self, labels=(), *, regions: dict | None = None):
        super().__init__(labels)
        self.regions = dict(regions or {})

    def text(self, key) -> str:
        """The label of ``key`` (a region or a doc_id), or the key itself."""
        return str(self.get(key, key))

    def region(self, key) -> str:
        """The region key of ``key``: a doc_id's region, or ``key`` itself."""
        return str(self.regions.get(key, key))

    def color(self, key) -> str:
        """The colour of the region of ``key``: the same whatever the label style."""
        return region_color(self.region(key))


def as_labels(labels) -> Labels:
    """``labels`` as a :class:`Labels` (a plain dict, or None for keys shown as they are)."""
    return labels if isinstance(labels, Labels) else Labels(labels or {})


def region_labels(corpus, style: str = "zh") -> Labels:
    """Display labels for the regions and plans of ``corpus`` in one style.

    ``"zh"`` (重庆), ``"zh+pinyin"`` (重庆 Chongqing) or ``"pinyin"`` (Chongqing), from the
    ``region_pinyin`` column (manifest or division list); a region without pinyin keeps its
    Chinese name. Plans map to their region's label, with the year added where a region has
    more than one plan (四川 2021); a plan whose region is unknown shows its doc_id. The
    corpus is not changed: analyses keep taking the region key (``target="重庆"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> docs = pd.DataFrame({"doc_id": ["cq_2023", "sc_2021", "sc_2023", "x"],
    ...     "region": ["重庆", "四川", "四川", None], "region_pinyin": ["Chongqing", "Sichuan", "Sichuan", None],
    ...     "year": ["2023", "2021", "2023", None]})
    >>> lab = region_labels(SimpleNamespace(documents=docs), "zh+pinyin")
    >>> [lab.text(k) for k in ["重庆", "cq_2023", "sc_2021", "x"]]
    ['重庆 Chongqing', '重庆 Chongqing', '四川 Sichuan 2021', 'x']
    >>> lab.color("sc_2021") == region_color("四川")
    True
    """
    if style not in LABEL_STYLES:
        raise ValueError(f"style must be one of {LABEL_STYLES}, not {style!r}")
    import pandas as pd

    docs = corpus.documents
    labels: dict[str, str] = {}
    regions: dict[str, str] = {}

    def text(value) -> str | None:
        return None if value is None or pd.isna(value) or not str(value).strip() else str(value).strip()

    pinyin = (
        docs["region_pinyin"] if "region_pinyin" in docs else pd.Series([None] * len(docs), index=docs.index)
    )
    years = docs["year"] if "year" in docs else pd.Series([None] * len(docs), index=docs.index)
    n_plans = docs["region"].value_counts() if len(docs) else {}
    for doc_id, zh, py, year in zip(docs.doc_id, docs["region"], pinyin, years):
        zh, py, year = text(zh), text(py), text(year)
        if zh is None:
            labels[doc_id] = doc_id  # unknown region: the plan's id, visibly not a place
            continue
        regions[doc_id] = zh
        if style == "zh" or py is None:
            lab = zh
        else:
            lab = f"{zh} {py}" if style == "zh+pinyin" else py
        labels[zh] = lab
        labels[doc_id] = f"{lab} {year}" if n_plans.get(zh, 0) > 1 and year else lab
    return Labels(labels, regions=regions)


def note_omitted(fig: Figure, omitted, reason: str, labels: dict | None = None) -> str:
    """Write on ``fig`` which plans it leaves out and why; return the note ("" if none).

    The note sits under the axes (``fig.supxlabel``, so the layout makes room for it) and
    names each plan by its label. Use the returned text in the caption too.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> note_omitted(fig, ["x_2023"], "无编号条目", Labels({"x_2023": "某县"}))
    '未显示（无编号条目）：某县'
    >>> note_omitted(fig, [], "无编号条目")
    ''
    """
    omitted = list(omitted)
    if not omitted:
        return ""
    lab = labels if isinstance(labels, Labels) else Labels(labels or {})
    names = [lab.text(d) for d in omitted]
    shown = "、".join(names[:12]) + (f" 等 {len(names)} 份" if len(names) > 12 else "")
    note = f"未显示（{reason}）：{shown}"
    fig.supxlabel(note, fontsize=7, x=0.01, ha="left", color="#555555")
    return note


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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def safe_name(name: str, max_bytes: int = 120) -> str:
    """A file stem that cannot leave its folder, bounded in bytes, and distinct for distinct names.

    Separators and reserved characters become ``_``; control and format characters (NUL,
    newlines, the bidirectional overrides such as U+202E that make ``gnp.exe`` look like
    ``exe.png``, zero-width characters) are removed; leading dots are dropped; the UTF-8
    length is at most ``max_bytes`` (a Chinese character takes 3 bytes; file systems limit
    names to 255 bytes). A name that had to be changed gets ``-`` and 8 hex digits of a hash
    of the original, so ``".."``, ``"."`` and ``""`` (or two long names sharing a beginning)
    never share a file. A name that is already safe is returned as it is.

    >>> safe_name("01_keyness_重庆")
    '01_keyness_重庆'
    >>> safe_name("../../etc/passwd")[:11], safe_name("a/b:c")[:6]
    ('etc_passwd-', 'a_b_c-')
    >>> len({safe_name(".."), safe_name("."), safe_name("")}), safe_name("..").startswith("figure-")
    (3, True)
    >>> len(safe_name("关于" * 60).encode("utf-8")) <= 120, "\u202e" in safe_name("a\u202egnp.exe")
    (True, False)
    """
    name = str(name)
    text = unicodedata.normalize("NFC", name)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    stem = _UNSAFE.sub("_", text).replace("..", "_")
    stem = re.sub(r"_+", "_", stem).strip("._ ")
    if stem == name and len(stem.encode("utf-8")) <= max_bytes:
        return stem
    tag = "-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    room = max(0, max_bytes - len(tag))
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip("._ ")
    return (cut or "figure") + tag


def clear(outdir: str | Path | None = None) -> list[Path]:
    """Delete the figures :func:`save` wrote in ``outdir``, as its ``index.csv`` records them.

    A file is deleted only if its index row carries the SHA-256 that :func:`save` recorded
    and the file still has it: a figure the user edited, a file of the user's listed in an
    ``index.csv`` the tool did not write (or one from an older version, without hashes), a
    symbolic link or anything outside the folder is left alone. The index is removed only
    when every row of it was the tool's.
    """
    out = Path(outdir) if outdir is not None else default_outdir()
    index = out / "index.csv"
    removed: list[Path] = []
    if not index.is_file() or index.is_symlink():
        return removed
    try:
        with index.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return removed
    kept = []
    for r in rows:
        name, digest = r.get("file") or "", r.get("sha256") or ""
        path = out / name
        # only figures this helper wrote: a plain file name, inside the folder, of a figure
        # format, with the hash it had when written
        if (
            digest
            and name == Path(name).name
            and safe_name(Path(name).stem) == Path(name).stem
            and path.suffix in FIGURE_SUFFIXES
            and path.is_file()
            and not path.is_symlink()
            and path.resolve().parent == out.resolve()
            and _sha256(path) == digest
        ):
            path.unlink()
            removed.append(path)
        elif path.exists() or path.is_symlink():
            kept.append(r)  # not the tool's (or changed since): stays, and stays listed
    if kept:
        _write_index(index, kept)
    else:
        index.unlink()
    return removed


def _write_index(index: Path, rows: list[dict]) -> None:
    rows = sorted(rows, key=lambda r: r.get("file") or "")
    with index.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=INDEX_COLUMNS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _update_index(
    out: Path, name: str, files: list[str], title: str, caption: str, source: str, data: str
) -> None:
    index = out / "index.csv"
    rows: list[dict] = []
    if index.is_file():
        try:
            with index.open(encoding="utf-8", newline="") as fh:
                rows = [r for r in csv.DictReader(fh) if r.get("name") != name and r.get("file") not in files]
        except (UnicodeDecodeError, csv.Error):
            rows = []  # not an index this helper can read: replaced
    rows += [
        {"file": f, "name": name, "title": title, "caption": caption, "source": source, "data": data,
         "sha256": _sha256(out / f)}
        for f in files
    ]  # fmt: skip
    _write_index(index, rows)
