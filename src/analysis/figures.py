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
import warnings
import zlib
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
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
#: A4 portrait in inches (width, height): no page of a figure is larger.
A4 = (8.27, 11.69)
#: Smallest font size (points, at print size) a figure may use.
MIN_FONTSIZE = 7.0

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


_NO_LINE_START = set("，。、；：？！）》」』】〕”’,.;:?!)%·…")
_NO_LINE_END = set("（《「『【〔“‘(")


def text_em(text: str) -> float:
    """Width of ``text`` in em (font sizes): CJK and full-width characters 1, others about 0.55.

    An estimate that needs no renderer, good to a few per cent for Noto Sans CJK and the
    Latin fonts it falls back on; :func:`wrap_to_width` uses it.

    >>> text_em("共青团"), text_em("ab")
    (3.0, 1.1)
    """
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def wrap_to_width(text: str, width: float, fontsize: float = MIN_FONTSIZE) -> str:
    """Wrap mixed Chinese and Latin text to lines that fit ``width`` inches at ``fontsize`` points.

    Lines break between Chinese characters or at spaces, never inside a Latin word (unless the
    word alone is wider than a line) and never before closing punctuation (，。）…). Existing
    line breaks are kept. Widths come from :func:`text_em`, so no figure needs to be drawn.

    Examples
    --------
    >>> print(wrap_to_width("各计划的篇章结构：各部分字数", 0.8, 10))
    各计划的篇
    章结构：各
    部分字数
    >>> wrap_to_width("short words stay whole", 1.0, 10).split("\\n")
    ['short words', 'stay whole']
    """
    room = max(1.0, width * 72.0 / fontsize)
    out: list[str] = []
    for para in str(text).split("\n"):
        units = re.findall(r"[A-Za-z0-9_.%+\-–/()=:,<>≥≤]+|\s+|.", para)
        line, used = "", 0.0
        for u in units:
            w = text_em(u)
            if line and used + w > room and not u.isspace() and u[0] not in _NO_LINE_START:
                carry = ""
                while line and line[-1] in _NO_LINE_END and len(carry) < 3:  # "（" goes with what it opens
                    carry, line = line[-1] + carry, line[:-1]
                out.append(line.rstrip())
                line, used = carry, text_em(carry)
            if not line and u.isspace():
                continue
            if w > room and not line:  # a single unit wider than a line: cut it
                for c in u:
                    cw = text_em(c)
                    if line and used + cw > room:
                        out.append(line)
                        line, used = "", 0.0
                    line, used = line + c, used + cw
                continue
            line, used = line + u, used + w
        out.append(line.rstrip())
    return "\n".join(out)


def fig_note(fig: Figure, text: str, *, fontsize: float = MIN_FONTSIZE, append: bool = True) -> str:
    """Write a caption-like note under a figure, wrapped to the figure's width; return the text.

    The note is the figure's ``supxlabel`` (constrained layout makes room for it), left-aligned
    at the figure's edge. With ``append`` a note already there is kept and the new one follows
    on a new line, so :func:`note_omitted` and a plotting function's own note do not replace
    each other.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(2, 2))
    >>> print(fig_note(fig, "一二三四五六七八九十一二三四五六七八九十"))
    一二三四五六七八九十一二三四五六七八九十
    >>> print(fig._supxlabel.get_text())  # 2 in less a margin, at 7 pt: 18 characters a line
    一二三四五六七八九十一二三四五六七八
    九十
    """
    if not text:
        return ""
    old = fig._supxlabel.get_text() if append and getattr(fig, "_supxlabel", None) else ""
    width = fig.get_size_inches()[0] - 0.25
    wrapped = wrap_to_width(text, width, fontsize)
    fig.supxlabel(f"{old}\n{wrapped}" if old else wrapped, fontsize=fontsize, x=0.01, ha="left",
                  color="#555555", linespacing=1.3)  # fmt: skip
    return text


def note_omitted(fig: Figure, omitted, reason: str, labels: dict | None = None) -> str:
    """Write on ``fig`` which plans it leaves out and why; return the note ("" if none).

    The note sits under the axes (see :func:`fig_note`: wrapped to the figure's width, after
    any note already there) and names each plan by its label. Use the returned text in the
    caption too.

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
    return fig_note(fig, note)


def pages(keys: Sequence, per_page: int) -> list[list]:
    """Split ``keys`` into the fewest pages of at most ``per_page``, as even as possible, in order.

    31 plans at 12 a page give pages of 11, 10 and 10 (not 12, 12, 7), so every page of a
    figure has about the same layout.

    >>> [len(p) for p in pages(range(31), 12)], pages("abc", 5)
    ([11, 10, 10], [['a', 'b', 'c']])
    """
    keys = list(keys)
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, not {per_page}")
    n = max(1, -(-len(keys) // per_page))
    size, extra = divmod(len(keys), n)
    out, start = [], 0
    for k in range(n):
        stop = start + size + (1 if k < extra else 0)
        out.append(keys[start:stop])
        start = stop
    return out


class PageSizeWarning(UserWarning):
    """A figure is larger than an A4 page (:data:`A4`)."""


def layout_problems(
    fig: Figure, *, page: tuple[float, float] = A4, min_fontsize: float = MIN_FONTSIZE
) -> list[str]:
    """What keeps a figure from reading on a printed page: one sentence per problem (empty: none).

    Draws the figure once (``fig.canvas.draw()``) and checks

    - the size: at most ``page`` (A4 portrait by default) in both directions;
    - tick labels: no two labels of one axis overlap (for labels rotated by an angle other
      than 0 or 90°, parallel boxes: the distance between neighbours times the sine of the
      angle must reach the line height), and no tick label overlaps a label of another
      axes, a title or the figure's title and note;
    - no legend overlaps the figure's title or its note (``supxlabel``);
    - every visible text (ticks, titles, labels, annotations, legends) is at least
      ``min_fontsize`` points (figures are printed at 100 %) and lies inside the figure.

    Bounding boxes come from ``fig.canvas.get_renderer()``; a label drawn with an empty string
    is not a label. Limits: texts inside the axes (cell annotations) are not checked against
    each other, and glyph overlap is judged from boxes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _ = setup()
    >>> fig, ax = plt.subplots(figsize=(3, 2))
    >>> _ = ax.set_xticks(range(30), [f"第{i}个计划" for i in range(30)], fontsize=8)
    >>> [p.split(":")[0] for p in layout_problems(fig)][:1]
    ['overlapping tick labels']
    >>> fig, ax = plt.subplots(figsize=(9, 2))
    >>> layout_problems(fig)
    ['larger than a page: 9.00 × 2.00 in (page 8.27 × 11.69 in)']
    """
    import math

    from matplotlib.text import Text

    problems: list[str] = []
    w, h = fig.get_size_inches()
    if w > page[0] + 1e-6 or h > page[1] + 1e-6:
        problems.append(f"larger than a page: {w:.2f} × {h:.2f} in (page {page[0]:.2f} × {page[1]:.2f} in)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    fig_box = fig.bbox
    dpi = fig.dpi

    def visible(t) -> bool:
        if not t.get_visible() or not t.get_text().strip():
            return False
        parent = t.axes
        return parent is None or parent.get_visible()

    def name(t) -> str:
        return repr(t.get_text()[:20])

    boxes = []  # (box, axes number, label) for tick labels
    undrawn: set[int] = set()  # tick labels outside the view limits, texts of hidden axes: not drawn
    for ax in fig.axes:
        if not ax.get_visible():
            undrawn.update(id(t) for t in ax.findobj(Text))
            continue
        if not ax.axison:  # ax.axis("off"): no ticks drawn
            for axis in (ax.xaxis, ax.yaxis):
                undrawn.update(id(t) for t in axis.findobj(Text))
        for axis_name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            lo, hi = sorted(axis.get_view_interval())
            for t in axis.get_ticklabels(which="both"):
                if not lo - 1e-9 <= t.get_position()[0 if axis_name == "x" else 1] <= hi + 1e-9:
                    undrawn.add(id(t))
    for k, ax in enumerate(fig.axes):
        if not ax.get_visible() or not ax.axison:
            continue
        for axis_name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            labels = [t for t in axis.get_ticklabels(which="both") if visible(t) and id(t) not in undrawn]
            ext = [(t, t.get_window_extent(renderer)) for t in labels]
            rot = {round(t.get_rotation()) % 180 for t in labels}
            if rot and not rot <= {0, 90}:
                angle = math.radians(max(rot))
                pos = sorted((b.x0 if axis_name == "x" else b.y0, t) for t, b in ext)
                for (a, ta), (b, tb) in zip(pos, pos[1:]):
                    gap = abs(b - a) * abs(math.sin(angle))
                    line = 1.15 * max(ta.get_fontsize(), tb.get_fontsize()) * dpi / 72
                    if gap < 0.9 * line:
                        problems.append(
                            f"overlapping tick labels: {name(ta)} and {name(tb)} ({axis_name}-axis of axes {k})"
                        )
                        break
            else:
                for i in range(len(ext)):
                    for j in range(i + 1, len(ext)):
                        if _overlap(ext[i][1], ext[j][1]):
                            problems.append(
                                f"overlapping tick labels: {name(ext[i][0])} and {name(ext[j][0])} ({axis_name}-axis of axes {k})"
                            )
                            break
                    else:
                        continue
                    break
            boxes += [(b, k, t) for t, b in ext]
    # tick labels of different axes, and against titles and the figure's own texts
    others = [t for ax in fig.axes if ax.get_visible() for t in (ax.title, ax._left_title, ax._right_title,
              ax.xaxis.label, ax.yaxis.label) if visible(t)]  # fmt: skip
    others += [t for t in (getattr(fig, "_suptitle", None), getattr(fig, "_supxlabel", None),
                           getattr(fig, "_supylabel", None)) if t is not None and visible(t)]  # fmt: skip
    other_boxes = [(t.get_window_extent(renderer), t) for t in others]
    reported = 0
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if boxes[i][1] != boxes[j][1] and _overlap(boxes[i][0], boxes[j][0]) and reported < 5:
                problems.append(
                    f"tick labels of two axes overlap: {name(boxes[i][2])} and {name(boxes[j][2])}"
                )
                reported += 1
        for ob, t in other_boxes:
            if _overlap(boxes[i][0], ob) and reported < 5:
                problems.append(f"a tick label overlaps a title or label: {name(boxes[i][2])} and {name(t)}")
                reported += 1
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_visible() and ax.get_legend()]
    fig_texts = [t for t in (getattr(fig, "_suptitle", None), getattr(fig, "_supxlabel", None))
                 if t is not None and visible(t)]  # fmt: skip
    for leg in legends:
        lb = leg.get_window_extent(renderer)
        for t in fig_texts:
            if _overlap(lb, t.get_window_extent(renderer), tol=1.0):
                problems.append(f"a legend overlaps the figure's title or note {name(t)}")
    small, outside = [], []
    for t in fig.findobj(Text):
        if not visible(t) or id(t) in undrawn or (t.axes is not None and not t.axes.get_visible()):
            continue
        if t.get_fontsize() < min_fontsize - 1e-6:
            small.append(f"{name(t)} at {t.get_fontsize():g} pt")
        b = t.get_window_extent(renderer)
        if b.x0 < fig_box.x0 - 1 or b.y0 < fig_box.y0 - 1 or b.x1 > fig_box.x1 + 1 or b.y1 > fig_box.y1 + 1:
            outside.append(name(t))
    if small:
        problems.append(
            f"text below {min_fontsize:g} pt: "
            + ", ".join(small[:5])
            + (f" and {len(small) - 5} more" if len(small) > 5 else "")
        )
    if outside:
        problems.append("text outside the figure: " + ", ".join(outside[:5]))
    return problems


def _overlap(a, b, tol: float = 0.5) -> bool:
    """Two display-space boxes overlap by more than ``tol`` pixels in both directions."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


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
    w, h = fig.get_size_inches()
    if w > A4[0] + 1e-6 or h > A4[1] + 1e-6:
        warnings.warn(f"figure {name!r} is {w:.2f} × {h:.2f} in, larger than an A4 page ({A4[0]} × {A4[1]} in); "
                      "split it into pages (save_pages)", PageSizeWarning, stacklevel=2)  # fmt: skip
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


def save_pages(
    figs: Figure | Sequence[Figure],
    name: str,
    outdir: str | Path | None = None,
    *,
    caption: str = "",
    close: bool = False,
    **kwargs,
) -> list[Path]:
    """Save the pages of one figure through :func:`save`: ``name`` for one page, else ``name_p1``, ``name_p2`` ….

    Each page's caption ends with "(page i of n)". Pages of the same ``name`` that an earlier
    run wrote and this one does not (31 plans on three pages, then 5 plans on one) are deleted,
    as :func:`clear` deletes: only files the index lists with the hash they still have; so are
    ``name`` itself when there are now several pages, and ``name_p1`` … when there is one.

    Parameters
    ----------
    figs : Figure or sequence of Figure
        The pages, in order (e.g. from :func:`analysis.plots.paged`).
    name, outdir, caption, close, **kwargs
        As for :func:`save` (``title``, ``source``, ``data``, ``formats``).

    Returns
    -------
    list of Path
        Every file written, page by page.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, tempfile
    >>> out = tempfile.mkdtemp()
    >>> figs = [plt.subplots(figsize=(2, 2))[0] for _ in range(2)]
    >>> sorted({p.stem for p in save_pages(figs, "demo", out, formats=("png",))})
    ['demo_p1', 'demo_p2']
    >>> [p.stem for p in save_pages(figs[:1], "demo", out, formats=("png",))]
    ['demo']
    >>> sorted(p.name for p in Path(out).glob("*.png"))
    ['demo.png']
    """
    figs = [figs] if isinstance(figs, Figure) else list(figs)
    if not figs:
        return []
    out = Path(outdir) if outdir is not None else default_outdir()
    stem = safe_name(name)
    n = len(figs)
    names = [stem] if n == 1 else [f"{stem}_p{i}" for i in range(1, n + 1)]
    _drop_stale_pages(out, stem, keep=set(names))
    written: list[Path] = []
    for i, (fig, page_name) in enumerate(zip(figs, names), start=1):
        cap = caption if n == 1 else f"{caption} (page {i} of {n})".strip()
        written += save(fig, page_name, out, caption=cap, close=close, **kwargs)
    return written


def _drop_stale_pages(out: Path, stem: str, keep: set[str]) -> None:
    """Delete earlier pages of ``stem`` that are not in ``keep`` (only the tool's own, unchanged files)."""
    index = out / "index.csv"
    if not index.is_file() or index.is_symlink():
        return
    try:
        with index.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return
    page = re.compile(re.escape(stem) + r"(_p\d+)?")
    kept = []
    for r in rows:
        name, file, digest = r.get("name") or "", r.get("file") or "", r.get("sha256") or ""
        path = out / file
        if page.fullmatch(name) and name not in keep:
            if (digest and file == Path(file).name and path.is_file() and not path.is_symlink()
                    and _sha256(path) == digest):  # fmt: skip
                path.unlink()
                continue
            if not path.exists():
                continue
        kept.append(r)
    if len(kept) != len(rows):
        _write_index(index, kept)


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


@contextmanager
def _folder_lock(folder: Path):
    """An exclusive lock on a folder itself (``flock`` on its descriptor; no lock file is left).

    Notebooks of the suite run in parallel processes and share one figure index: its
    read-modify-write happens under this lock. Where ``flock`` is missing (Windows) or the
    folder cannot be opened for it, nothing is locked.
    """
    try:
        import fcntl

        fd = os.open(folder, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _update_index(
    out: Path, name: str, files: list[str], title: str, caption: str, source: str, data: str
) -> None:
    with _folder_lock(out):
        _update_index_locked(out, name, files, title, caption, source, data)


def _update_index_locked(
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
